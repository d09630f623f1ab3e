// The io_uring backend.
#include "zring/runtime/uring_backend.h"

#include <algorithm>
#include <chrono>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/io.h"
#include "zring/ring/prep.h"

namespace zring::detail {
namespace {

using ring::abi::Cqe;
using ring::abi::Sqe;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}


}  // namespace

core::Result<UringBackend> UringBackend::Create(unsigned entries, unsigned cq_entries,
                                                std::string* why) {
  ring::RingOptions options;
  options.entries = entries;
  // A CQ sized for the worst case (RuntimeOptions' 65536 entries) costs
  // 1 MiB per ring and a cold cache line for every few completions: start
  // at twice the SQ, the kernel's default, and grow when operations pile up.
  const bool may_grow = cq_entries > 2 * entries;
  options.cq_entries = may_grow ? entries : cq_entries;
  // One thread submits and reaps, and completions are only needed when the
  // loop asks for them: the cheapest mode the kernel offers (6.1+).
  options.flags = ring::abi::kSetupSingleIssuer | ring::abi::kSetupDeferTaskrun;
  core::Result<ring::Ring> r = ring::Ring::Create(options);
  if (!r && r.error() == core::err::inval) {
    options.flags = 0;
    r = ring::Ring::Create(options);
    if (r && why) *why += "SINGLE_ISSUER|DEFER_TASKRUN unsupported, plain ring; ";
  }
  if (!r) return r.error();
  if (why && options.flags) *why += "SINGLE_ISSUER|DEFER_TASKRUN; ";
  bool grows = false;
  if (may_grow) {
    // Resizing (6.13, DEFER_TASKRUN rings only) is probed by growing from
    // the SQ's size to twice it; without it the ring is made again with the
    // whole CQ.
    grows = r->resize(r->sq_entries(), 2 * r->sq_entries()).ok();
    if (!grows) {
      options.cq_entries = cq_entries;
      r = ring::Ring::Create(options);
      if (!r) return r.error();
    }
  }

  UringBackend b(std::move(*r));
  if (core::Result<void> p = ring::register_probe(b.ring_, b.probe_); !p) {
    return p.error();
  }
  for (int op = 0; op <= static_cast<int>(kLastBaselineOp); ++op) {
    if (!b.probe_.supports(static_cast<ring::abi::Op>(op))) {
      if (why) *why += "io_uring lacks opcode " + std::to_string(op) + " (Linux before 5.6)";
      return core::err::opnotsupp;
    }
  }
  // Each operation may post two CQEs (its own and a linked timeout's, or a
  // send_zc result and its notification), so half the CQ is in flight at
  // most; a multishot operation counts once, and what it posts beyond the
  // CQ the kernel keeps (FEAT_NODROP) until the next enter flushes it.
  b.max_in_flight_ = b.ring_.cq_entries() / 2;
  b.cq_limit_ = grows ? cq_entries : b.ring_.cq_entries();
  if (why) {
    *why += grows ? "CQ " + std::to_string(b.ring_.cq_entries()) + " growing to " +
                        std::to_string(cq_entries) + "; "
                  : "CQ " + std::to_string(b.ring_.cq_entries()) + "; ";
  }
  core::Result<int> efd =
      core::eventfd2(0, core::efd::cloexec | core::efd::nonblock);
  if (!efd) return efd.error();
  b.wake_fd_ = core::Fd(*efd);
  return b;
}

bool UringBackend::SubmitWithTimeout(OpBase* op) noexcept {
  if (OpBase::IsTimer(*op->kind)) {
    op->ts = Timespec(op->TimerNs());
    return Submit(op, *op->kind, /*linked_timeout=*/false);
  }
  Sqe* sqe = GetSqe(2);
  if (sqe == nullptr) return Requeue(op);
  ++in_kernel_;
  op->kind->prep(op, sqe);
  ring::set_user_data(sqe, reinterpret_cast<uint64_t>(op));
  ring::set_link(sqe);
  op->state = OpState::kInFlight;
  op->ts = Timespec(op->timeout_ns);
  Sqe* t = ring_.get_sqe();  // room checked above
  ring::prep_link_timeout(t, &op->ts);
  ring::set_user_data(t, kTagIgnore);
  return true;
}

bool UringBackend::Requeue(OpBase* op) noexcept {
  op->state = OpState::kQueued;
  op->next = queue_head_;
  queue_head_ = op;
  if (!queue_tail_) queue_tail_ = op;
  ++queued_;
  return true;
}

bool UringBackend::StartWhenFull(OpBase* op, const OpKind& kind) noexcept {
  if (queue_head_ == nullptr && GrowCq()) return Submit(op, kind);
  op->state = OpState::kQueued;
  op->next = nullptr;
  if (queue_tail_) queue_tail_->next = op; else queue_head_ = op;
  queue_tail_ = op;
  ++queued_;
  return true;
}

bool UringBackend::GrowCq() noexcept {
  const unsigned cq = ring_.cq_entries();
  if (cq >= cq_limit_) return false;
  const unsigned next = std::min(2 * cq, cq_limit_);
  core::Result<void> r = ring_.resize(ring_.sq_entries(), next);
  if (!r) {
    // Refused for good: the kernel will not resize this ring (EINVAL,
    // EOPNOTSUPP), another thread owns it (EEXIST), or it lost its rings
    // (EBADF on every enter from now on). Anything else (completions
    // overflowing, no memory for now, a signal) may pass: try again when
    // the next operation finds the CQ full.
    const core::Errno e = r.error();
    if (e == core::err::inval || e == core::err::opnotsupp || e == core::err::exist ||
        e == core::err::badf || e == core::err::perm) {
      cq_limit_ = cq;
    }
    return false;
  }
  max_in_flight_ = ring_.cq_entries() / 2;
  return true;
}

void UringBackend::StartQueued() noexcept {
  while (queue_head_ != nullptr && (in_kernel_ < max_in_flight_ || GrowCq())) {
    OpBase* op = queue_head_;
    queue_head_ = op->next;
    if (!queue_head_) queue_tail_ = nullptr;
    op->next = nullptr;
    --queued_;
    Submit(op, *op->kind);
    if (op->state == OpState::kQueued) break;  // SQ still full
  }
}

void UringBackend::Cancel(OpBase* op, ReadyQueue& ready) noexcept {
  op->cancel_requested = true;
  if (op->state == OpState::kQueued) {
    // Never reached the kernel: unlink it and complete it here.
    OpBase** link = &queue_head_;
    OpBase* prev = nullptr;
    while (*link && *link != op) {
      prev = *link;
      link = &(*link)->next;
    }
    if (*link == op) {
      *link = op->next;
      if (queue_tail_ == op) queue_tail_ = prev;
      --queued_;
    }
    op->next = nullptr;
    op->state = OpState::kDone;
    op->res = -core::err::canceled.value();
    if (op->abandoned) return;
    if (op->multishot) {
      DeliverMultishot(op, op->res, 0, /*final=*/true, ready);
    } else {
      ready.Push(op->waiter);
    }
    return;
  }
  if (op->state != OpState::kInFlight) return;
  Sqe* sqe = GetSqe(1);
  while (sqe == nullptr) {
    // Every SQE is taken and the kernel would not take more: reap to make
    // room. Completions are only queued here.
    (void)ring_.get_events();
    sqe = GetSqe(1);
  }
  ring::prep_cancel(sqe, reinterpret_cast<uint64_t>(op), 0);
  ring::set_user_data(sqe, kTagIgnore);
}

void UringBackend::CompleteSpecial(OpBase* op, int32_t res, uint32_t flags,
                                   ReadyQueue& ready) noexcept {
  if (op->multishot) {
    CompleteMultishot(op, res, flags, ready);
    return;
  }
  if (flags & ring::abi::kCqeFMore) {
    // The first of two CQEs (send_zc: the result; its buffer is still in
    // use until the notification). Keep the result, wait for the rest.
    op->res = res;
    op->cqe_flags = flags;
    return;
  }
  if (flags & ring::abi::kCqeFNotif) res = op->res;
  Settle(op, res, flags);
  if (op->abandoned) {
    if (op->kind->discard) op->kind->discard(op, op->res, flags);
    return;
  }
  ready.Push(op->waiter);
}

void UringBackend::CompleteMultishot(OpBase* op, int32_t res, uint32_t flags,
                                     ReadyQueue& ready) noexcept {
  const bool final = (flags & ring::abi::kCqeFMore) == 0;
  if (final) {
    Finished();
    op->state = OpState::kDone;
  }
  if (op->abandoned) {
    if (op->kind->discard) op->kind->discard(op, res, flags);
    return;
  }
  DeliverMultishot(op, res, flags, final, ready);
}

int32_t UringBackend::FailedResult(const OpBase* op, int32_t res) noexcept {
  if (res <= -kRestartFirst && res >= -kRestartLast) {
    // ERESTARTSYS..ERESTART_RESTARTBLOCK are the kernel's own "restart the
    // syscall" codes, never meant for user space, yet an operation that a
    // kernel worker was blocked in when it was cancelled can complete with
    // one (IORING_OP_SPLICE on Linux 6.18). It was interrupted by a cancel:
    // ours, or the linked timeout's (turned into ETIMEDOUT below).
    const bool cancelled = op->cancel_requested || op->timeout_ns >= 0;
    res = cancelled ? -core::err::canceled.value() : -core::err::intr.value();
  }
  if (res == -core::err::time.value() && op->timer_cut_short) {
    // A timer that its shorter timeout ended (SubmitWithTimeout).
    res = -core::err::timedout.value();
  }
  if (res == -core::err::canceled.value() && op->timeout_ns >= 0 && !op->cancel_requested) {
    // Only our linked timeout cancels an operation nobody cancelled.
    res = -core::err::timedout.value();
  }
  return res;
}

void UringBackend::Abandon(OpBase* op, ReadyQueue& ready) noexcept {
  op->abandoned = true;
  if (op->state == OpState::kQueued) {
    Cancel(op, ready);
    return;
  }
  if (op->state != OpState::kInFlight) return;
  Cancel(op, ready);
  // Whoever abandons the operation may be a coroutine resumed from Reap():
  // the completions that arrive meanwhile are queued for the loop.
  ++draining_;
  while (op->state != OpState::kDone) {
    if (!Turn(true, -1, 0, ready)) {
      // The ring itself failed (it should not): nothing more can arrive.
      break;
    }
  }
  --draining_;
}

void UringBackend::ArmWake() noexcept {
  Sqe* sqe = GetSqe(1);
  if (sqe == nullptr) return;  // try again next turn
  ring::prep_read(sqe, wake_fd_.get(), &wake_buf_, sizeof wake_buf_, 0);
  ring::set_user_data(sqe, kTagWake);
  wake_armed_ = true;
}

bool UringBackend::WakeRing(int target_fd) noexcept {
  if (!probe_.supports(ring::abi::Op::kMsgRing)) return false;
  Sqe* sqe = GetSqe(1);
  if (sqe == nullptr) return false;
  ring::prep_msg_ring(sqe, target_fd, 0, kTagMsgWake);
  ring::set_user_data(sqe, kTagIgnore);
  ring::set_cqe_skip_success(sqe);
  return ring_.submit().ok();
}

void UringBackend::Wake() noexcept {
  uint64_t one = 1;
  (void)core::write(wake_fd_.get(), &one, sizeof one);
}

Sqe* UringBackend::GetSqeSlow(unsigned needed) noexcept {
  if (ring_.sq_space_left() < needed) (void)ring_.submit();
  if (ring_.sq_space_left() < needed) return nullptr;
  return ring_.get_sqe();
}

bool UringBackend::Spin(int64_t spin_ns, ReadyQueue& ready) {
  // Busy-poll the CQ for a bounded time before sleeping in the kernel:
  // on VMs, waking a halted vCPU costs tens of microseconds.
  int64_t deadline = NowNs() + spin_ns;
  do {
    if (core::Result<unsigned> r = ring_.get_events(); !r) break;
    if (Reap(ready) != 0) return true;
  } while (NowNs() < deadline);
  return false;
}

core::Result<void> UringBackend::WaitFailed(core::Errno e, ReadyQueue& ready) {
  if (!e.interrupted() && e != core::err::time && e != core::err::busy && !e.would_block()) {
    return e;
  }
  Reap(ready);
  return core::Ok();
}

}  // namespace zring::detail
