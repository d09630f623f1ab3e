// ZeroCopySender: one pooled request object per zero-copy send in flight.
// The request outlives the coroutine that awaited it: its result CQE
// resumes that coroutine, its notification CQE releases the buffer and
// returns the request to the pool. Both arrive through OpKind::deliver,
// the request being armed as multishot (two CQEs from one SQE).
#include "zring/net/zero_copy.h"

#include "zring/core/constants.h"
#include "zring/core/socket.h"
#include "zring/ring/abi.h"
#include "zring/ring/prep.h"
#include "zring/runtime/internal/ready_queue.h"
#include "zring/runtime/runtime.h"

namespace zring::net {

void SendAllOp::Prep(zring::detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
  auto* o = static_cast<SendAllOp*>(b);
  ring::prep_send(sqe, o->fd, o->buf, o->len, core::msg::nosignal | core::msg::waitall);
}

long SendAllOp::Attempt(zring::detail::OpBase* b) noexcept {
  auto* o = static_cast<SendAllOp*>(b);
  const auto* p = static_cast<const uint8_t*>(o->buf);
  while (o->sent < o->len) {
    core::Result<size_t> r = core::send(o->fd, p + o->sent, o->len - o->sent, core::msg::nosignal);
    if (!r) {
      // EAGAIN after partial progress: the backend waits for writability
      // and calls again, which resumes from `sent`.
      return -static_cast<long>(r.error().value());
    }
    o->sent += *r;
  }
  return static_cast<long>(o->len);
}

struct ZeroCopySender::Op final : detail::OpBase {
  ZeroCopySender* owner = nullptr;
  const void* buf = nullptr;
  size_t len = 0;
  uint16_t zc_flags = 0;
  // The coroutine's awaiter while it waits for the result; null once the
  // result went to it, or when it was destroyed first.
  SendAwaiter* awaiter = nullptr;
  bool busy = false;  // from Acquire() to Release()
  Op* next_free = nullptr;
};

const detail::OpKind ZeroCopySender::kZeroCopyKind{
    &ZeroCopySender::Prep,   &ZeroCopySender::Attempt, &ZeroCopySender::Discard,
    core::ev::out,           ring::abi::Op::kSendZc,    &ZeroCopySender::Deliver};

ZeroCopySender::ZeroCopySender(int fd, Options options) noexcept
    : fd_(fd), options_(options) {}

ZeroCopySender::~ZeroCopySender() {
  for (const std::unique_ptr<Op>& p : ops_) {
    Op* op = p.get();
    if (!op->busy) continue;
    if (SendAwaiter* a = op->awaiter) {
      // A coroutine still awaits a send on a sender being destroyed (the
      // caller's bug): it must at least not reach freed memory.
      a->op_ = nullptr;
      a->res_ = -core::err::canceled.value();
      op->awaiter = nullptr;
    }
    if (op->state == detail::OpState::kInFlight || op->state == detail::OpState::kQueued) {
      // Cancels what has not reached the socket and drives the ring until
      // the notification; Discard() releases the buffer on it.
      detail::AbandonOp(op);
    }
    // Cancelled before it reached the kernel: no notification will come.
    if (op->busy) Release(op);
  }
  if (flusher_ != nullptr) flusher_->owner_ = nullptr;
}

ZeroCopySender::SendAwaiter ZeroCopySender::send(const void* buf, size_t len) noexcept {
  return SendAwaiter(this, buf, len, /*zero_copy=*/true);
}

ZeroCopySender::SendAwaiter ZeroCopySender::send_adaptive(const void* buf, size_t len) noexcept {
  return SendAwaiter(this, buf, len, /*zero_copy=*/len >= options_.threshold);
}

ZeroCopySender::FlushAwaiter ZeroCopySender::flush(size_t max_outstanding) noexcept {
  return FlushAwaiter(this, max_outstanding);
}

bool ZeroCopySender::CanZeroCopy(bool asked) const noexcept {
  if (!asked) return false;
  Runtime* rt = Runtime::current();
  return rt != nullptr && rt->uring() != nullptr && rt->uring()->supports(ring::abi::Op::kSendZc);
}

void ZeroCopySender::CountPlain(bool asked_zero_copy) noexcept {
  ++stats_.plain_sends;
  if (!asked_zero_copy) ++stats_.below_threshold;
}

ZeroCopySender::Op* ZeroCopySender::Acquire() {
  Op* op = free_;
  if (op != nullptr) {
    free_ = op->next_free;
  } else {
    ops_.push_back(std::make_unique<Op>());
    op = ops_.back().get();
    op->owner = this;
  }
  op->busy = true;
  op->next_free = nullptr;
  return op;
}

bool ZeroCopySender::StartZeroCopy(SendAwaiter* a, std::coroutine_handle<> h) noexcept {
  Op* op = Acquire();
  // A recycled request starts from a clean operation state.
  op->kind = &kZeroCopyKind;
  op->fd = fd_;
  op->events = kZeroCopyKind.poll_events;
  op->res = 0;
  op->cqe_flags = 0;
  op->state = detail::OpState::kIdle;
  op->cancel_requested = false;
  op->abandoned = false;
  op->multishot = true;  // two CQEs from one SQE, both to Deliver()
  op->attempts = 0;
  op->next = nullptr;
  op->timeout_ns = -1;
  op->stop = nullptr;    // queued bytes cannot be taken back (see the header)
  op->scope = nullptr;
  op->buf = a->buf_;
  op->len = a->len_;
  op->zc_flags = options_.report_usage ? ring::abi::kSendZcReportUsage : 0;
  op->awaiter = a;
  a->op_ = op;
  a->waiting_ = h;
  ++outstanding_;
  ++stats_.zero_copy_sends;
  if (!detail::StartOp(op, h)) {
    // Finished without the kernel (no runtime on this thread): there is
    // a result and no notification to wait for.
    a->op_ = nullptr;
    a->res_ = op->res;
    op->awaiter = nullptr;
    Release(op);
    return false;
  }
  return true;
}

void ZeroCopySender::Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
  auto* op = static_cast<Op*>(b);
  // MSG_WAITALL: the kernel retries a short send itself, under the same
  // notification, so a send is whole unless it fails.
  ring::prep_send_zc(sqe, op->fd, op->buf, op->len, core::msg::nosignal | core::msg::waitall,
                     op->zc_flags);
}

long ZeroCopySender::Attempt(detail::OpBase* b) noexcept {
  // Never reached: the zero-copy path is only taken where the ring has
  // SEND_ZC. A plain send if it ever is.
  auto* op = static_cast<Op*>(b);
  return zring::detail::Raw(core::send(op->fd, op->buf, op->len, core::msg::nosignal));
}

void ZeroCopySender::DeliverResult(Op* op, int32_t res, detail::ReadyQueue* ready) noexcept {
  SendAwaiter* a = op->awaiter;
  if (a == nullptr) return;
  op->awaiter = nullptr;
  a->op_ = nullptr;
  a->res_ = res;
  a->result_arrived_ = true;
  if (ready != nullptr) {
    ready->Push(a->waiting_);
  } else if (Runtime* rt = Runtime::current()) {
    rt->Schedule(a->waiting_);
  }
}

void ZeroCopySender::Deliver(detail::OpBase* b, int32_t res, uint32_t flags, bool final,
                             detail::ReadyQueue& ready) noexcept {
  auto* op = static_cast<Op*>(b);
  if (flags & ring::abi::kCqeFNotif) {
    if ((op->zc_flags & ring::abi::kSendZcReportUsage) &&
        (static_cast<uint32_t>(res) & ring::abi::kNotifUsageZcCopied)) {
      ++op->owner->stats_.copied_by_kernel;
    }
    // A notification before any result cannot happen; should it, the
    // caller still hears that its send ended.
    if (final) DeliverResult(op, -core::err::canceled.value(), &ready);
  } else {
    // The result: with F_MORE when a notification follows, without when
    // the request failed before it took the buffer (a bad fd, a cancel of
    // a request still queued), which is then released at once.
    DeliverResult(op, res, &ready);
  }
  if (final) op->owner->Release(op);
}

void ZeroCopySender::Discard(detail::OpBase* b, int32_t res, uint32_t flags) noexcept {
  // Completions of a request abandoned by ~ZeroCopySender: the buffer is
  // free on the last one.
  auto* op = static_cast<Op*>(b);
  (void)res;
  (void)flags;
  if (op->state == detail::OpState::kDone) op->owner->Release(op);
}

void ZeroCopySender::Release(Op* op) noexcept {
  op->busy = false;
  op->next_free = free_;
  free_ = op;
  --outstanding_;
  ReportRelease(op->buf, op->len);
  if (flusher_ != nullptr && outstanding_ <= flusher_->limit_) {
    FlushAwaiter* f = flusher_;
    flusher_ = nullptr;
    f->woken_ = true;
    if (Runtime* rt = Runtime::current()) rt->Schedule(f->waiting_);
  }
}

void ZeroCopySender::ReportRelease(const void* buf, size_t len) noexcept {
  ++stats_.releases;
  if (options_.on_release != nullptr) options_.on_release(options_.context, buf, len);
}

// --- SendAwaiter -------------------------------------------------------------

core::Result<size_t> ZeroCopySender::SendAwaiter::await_resume() noexcept {
  resumed_ = true;
  if (plain_started_) {
    core::Result<size_t> r = plain_.await_resume();
    owner_->ReportRelease(buf_, len_);
    return r;
  }
  return zring::detail::SizeResult(res_);
}

ZeroCopySender::SendAwaiter::~SendAwaiter() {
  if (resumed_) return;
  if (plain_started_) {
    // Cancelled and drained while members are alive; the kernel is done
    // with the buffer.
    plain_.AbandonIfInFlight();
    owner_->ReportRelease(buf_, len_);
    return;
  }
  if (op_ != nullptr) {
    // The result has not arrived: the request goes on without us and
    // still releases the buffer.
    op_->awaiter = nullptr;
    op_ = nullptr;
  } else if (result_arrived_) {
    // Queued to resume, but destroyed first: the queue must not resume a
    // freed frame.
    if (Runtime* rt = Runtime::current()) rt->Unschedule(waiting_);
  }
}

// --- FlushAwaiter ------------------------------------------------------------

bool ZeroCopySender::FlushAwaiter::await_suspend(std::coroutine_handle<> h) noexcept {
  if (owner_->flusher_ != nullptr) {
    busy_ = true;
    return false;
  }
  waiting_ = h;
  owner_->flusher_ = this;
  return true;
}

core::Result<void> ZeroCopySender::FlushAwaiter::await_resume() noexcept {
  woken_ = false;
  if (busy_) return core::err::busy;
  return core::Ok();
}

ZeroCopySender::FlushAwaiter::~FlushAwaiter() {
  if (owner_ != nullptr && owner_->flusher_ == this) {
    owner_->flusher_ = nullptr;
  } else if (woken_) {
    if (Runtime* rt = Runtime::current()) rt->Unschedule(waiting_);
  }
}

}  // namespace zring::net
