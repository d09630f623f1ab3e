// zring/runtime/uring_backend.h — the io_uring backend: one ring per
// runtime thread.
//
// An operation's address is its user_data: it stays alive until its CQE
// arrives (op.h), so a CQE always names a live operation, and a cancel
// request names it too (the kernel takes SQEs in order, so a cancel is
// never applied to a later operation at the same address). Small integer
// tags are the backend's own requests.
//
// The SQEs of a whole loop turn go to the kernel in the single
// io_uring_enter that also waits for completions.
// Backpressure instead of failure: when the SQ is full it is flushed early,
// and when as many operations are in flight as the CQ holds (half its
// entries: an operation may post two), the CQ doubles where the kernel can
// resize it (6.13), up to its limit; beyond that new operations wait in a
// queue until a completion frees room.
#pragma once

#include <cstdint>
#include <string>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/ring/register.h"
#include "zring/ring/ring.h"
#include "zring/runtime/internal/ready_queue.h"
#include "zring/runtime/op.h"
#include "zring/ring/prep.h"
#include "zring/core/constants.h"

namespace zring::detail {

// user_data of the backend's own requests: small integers, which no
// operation's address can be (the top bits are no use as a marker: tagged
// pointers, as under HWASan on aarch64, set them).
inline constexpr uint64_t kTagWake = 1;     // cross-thread wake-up
inline constexpr uint64_t kTagIgnore = 2;   // cancels, link timeouts
inline constexpr uint64_t kTagMsgWake = 3;  // MSG_RING from another ring
inline constexpr uint64_t kLastTag = kTagMsgWake;

class UringBackend final {
 public:
  // The range of the kernel-internal restart errnos (512..516), which a
  // completion must never pass on (Complete()).
  static constexpr int32_t kRestartFirst = 512;
  static constexpr int32_t kRestartLast = 516;
  // Every opcode up to this one (Linux 5.6) must be supported, or Create()
  // fails: starting one of them needs no probe.
  static constexpr ring::abi::Op kLastBaselineOp = ring::abi::Op::kEpollCtl;

  // Create(): a ring of `entries` SQEs and up to `cq_entries` CQEs (0: the
  // kernel's default, twice the SQ) with SINGLE_ISSUER|DEFER_TASKRUN where
  // the kernel has them (6.1), plain flags otherwise. The CQ starts at
  // twice the SQ and grows on demand where the kernel can resize rings;
  // elsewhere it has `cq_entries` from the start. `why` receives a line for
  // Runtime::backend_info().
  static core::Result<UringBackend> Create(unsigned entries, unsigned cq_entries,
                                           std::string* why);

  UringBackend(UringBackend&&) noexcept = default;
  UringBackend& operator=(UringBackend&&) noexcept = default;

  // Start(): queue `op` for the kernel. Always suspends (true), except when
  // the operation completes at once because its opcode is unsupported.
  // `kind` is *op->kind.
  bool Start(OpBase* op, const OpKind& kind) noexcept;
  // Cancel(): ask the kernel to cancel `op` (ASYNC_CANCEL); its CQE comes
  // later with -ECANCELED, or with its real result if it won the race.
  // A queued operation completes at once with -ECANCELED and is pushed on
  // `ready`.
  void Cancel(OpBase* op, ReadyQueue& ready) noexcept;
  // Abandon(): `op`'s coroutine is being destroyed: cancel it and drive the
  // ring until its CQE arrives, queueing (never resuming) other completions.
  void Abandon(OpBase* op, ReadyQueue& ready) noexcept;

  // Turn(): submit everything prepared; if `wait`, block until at least one
  // completion or `timeout_ns` (-1: no limit); reap completions. Spins up
  // to `spin_ns` polling the CQ before blocking. A completed operation's
  // coroutine is resumed as its CQE is read, and what it throws leaves
  // Turn(); inside Abandon() completions are only pushed on `ready`.
  inline core::Result<void> Turn(bool wait, int64_t timeout_ns, int64_t spin_ns,
                                 ReadyQueue& ready);

  // Wake(): thread-safe; makes a blocked Turn() return.
  void Wake() noexcept;
  // WakeRing(): from this backend's own thread, wakes the ring whose fd is
  // `target_fd` with IORING_OP_MSG_RING. False when it could not (no SQE,
  // no MSG_RING): the caller then uses the target's Wake().
  bool WakeRing(int target_fd) noexcept;

  [[nodiscard]] ring::Ring& ring() noexcept { return ring_; }
  [[nodiscard]] bool supports(ring::abi::Op op) const noexcept {
    return probe_.supports(op);
  }
  // in_flight(): started and not yet completed, queued or in the kernel.
  [[nodiscard]] size_t in_flight() const noexcept { return size_t{in_kernel_} + queued_; }
  // in_kernel(): submitted and not yet completed; never above max_in_kernel().
  [[nodiscard]] unsigned in_kernel() const noexcept { return in_kernel_; }
  [[nodiscard]] unsigned max_in_kernel() const noexcept { return max_in_flight_; }
  // cq_limit(): what the CQ may grow to (its size where it cannot grow).
  [[nodiscard]] unsigned cq_limit() const noexcept { return cq_limit_; }

 private:
  explicit UringBackend(ring::Ring ring) : ring_(std::move(ring)) {}

  bool Spin(int64_t spin_ns, ReadyQueue& ready);
  // Start() of an operation that finds as many in the kernel as the CQ
  // holds, or others queued before it.
  bool StartWhenFull(OpBase* op, const OpKind& kind) noexcept;
  // Doubles the CQ, up to cq_limit_; false when it cannot (at the limit,
  // or the kernel refused: for good, or for now).
  bool GrowCq() noexcept;
  core::Result<void> WaitFailed(core::Errno e, ReadyQueue& ready);
  static ring::abi::KernelTimespec Timespec(int64_t ns) noexcept {
    return ring::abi::KernelTimespec{ns / 1000000000, ns % 1000000000};
  }
  // Puts `op` into the SQ, or back on the queue if there is no room; with
  // a linked timeout if it has one and `linked_timeout`.
  bool Submit(OpBase* op, const OpKind& kind, bool linked_timeout = true) noexcept;
  // Submit() of an operation with a linked timeout: two SQEs.
  bool SubmitWithTimeout(OpBase* op) noexcept;
  // Puts `op` back at the head of the queue (the SQ is full); true.
  bool Requeue(OpBase* op) noexcept;
  ring::abi::Sqe* GetSqe(unsigned needed) noexcept;
  ring::abi::Sqe* GetSqeSlow(unsigned needed) noexcept;
  // Reap(): takes every CQE. Resuming each waiter straight from its CQE
  // saves a trip through the ready queue per operation; while an Abandon()
  // drives the ring (draining_), nothing may be resumed, only queued.
  unsigned Reap(ReadyQueue& ready);
  template <bool kResume>
  unsigned ReapEach(ReadyQueue& ready);
  template <bool kResume>
  void Complete(OpBase* op, int32_t res, uint32_t flags, ReadyQueue& ready);
  // Complete() for everything but a plain success or failure: multishot,
  // send_zc's two CQEs, an abandoned operation.
  void CompleteSpecial(OpBase* op, int32_t res, uint32_t flags, ReadyQueue& ready) noexcept;
  void CompleteMultishot(OpBase* op, int32_t res, uint32_t flags, ReadyQueue& ready) noexcept;
  // The bookkeeping of an operation that is done with the kernel.
  void Finished() noexcept { --in_kernel_; }
  // Settle(): a single-shot operation's last CQE: the operation is done and
  // holds its result. Shared by Complete() and CompleteSpecial().
  void Settle(OpBase* op, int32_t res, uint32_t flags) noexcept;
  // What a failed operation returns: ETIMEDOUT for one its linked timeout
  // cancelled, and never the kernel's internal restart codes.
  static int32_t FailedResult(const OpBase* op, int32_t res) noexcept;
  void ArmWake() noexcept;
  void StartQueued() noexcept;

  ring::Ring ring_;
  ring::Probe probe_;
  OpBase* queue_head_ = nullptr;   // operations waiting for room
  OpBase* queue_tail_ = nullptr;
  size_t queued_ = 0;              // how many are on that queue
  unsigned max_in_flight_ = 0;     // what the CQ can hold
  unsigned cq_limit_ = 0;          // what the CQ may grow to
  unsigned in_kernel_ = 0;         // submitted and not yet completed
  core::Fd wake_fd_;               // eventfd another thread writes to wake us
  uint64_t wake_buf_ = 0;
  bool wake_armed_ = false;
  unsigned draining_ = 0;          // Abandon()s under way
};

// --- the hot path, inline -------------------------------------------------

[[gnu::always_inline]] inline ring::abi::Sqe* UringBackend::GetSqe(unsigned needed) noexcept {
  if (needed == 1) [[likely]] {
    if (ring::abi::Sqe* sqe = ring_.get_sqe()) [[likely]] return sqe;
  } else if (ring_.sq_space_left() >= needed) {
    return ring_.get_sqe();
  }
  return GetSqeSlow(needed);
}

[[gnu::always_inline]] inline bool UringBackend::Start(OpBase* op, const OpKind& kind) noexcept {
  if (kind.opcode > kLastBaselineOp && !probe_.supports(kind.opcode)) [[unlikely]] {
    // The kernel lacks this opcode: degrade to the direct syscall.
    op->res = static_cast<int32_t>(kind.attempt(op));
    op->state = OpState::kDone;
    return false;
  }
  if (in_kernel_ >= max_in_flight_ || queue_head_ != nullptr) [[unlikely]] {
    return StartWhenFull(op, kind);
  }
  return Submit(op, kind);
}


[[gnu::always_inline]] inline bool UringBackend::Submit(OpBase* op, const OpKind& kind,
                                                        bool linked_timeout) noexcept {
  if (linked_timeout && op->timeout_ns >= 0) [[unlikely]] return SubmitWithTimeout(op);
  ring::abi::Sqe* sqe = GetSqe(1);
  if (sqe == nullptr) [[unlikely]] return Requeue(op);
  ++in_kernel_;
  kind.prep(op, sqe);
  ring::set_user_data(sqe, reinterpret_cast<uint64_t>(op));
  op->state = OpState::kInFlight;
  return true;
}


[[gnu::always_inline]] inline void UringBackend::Settle(OpBase* op, int32_t res,
                                                        uint32_t flags) noexcept {
  Finished();
  if (res < 0) [[unlikely]] res = FailedResult(op, res);
  op->res = res;
  op->cqe_flags = flags;
  op->state = OpState::kDone;
}


template <bool kResume>
[[gnu::always_inline]] inline void UringBackend::Complete(OpBase* op, int32_t res, uint32_t flags,
                                                          ReadyQueue& ready) {
  // One test for the common case: a single-shot operation's only CQE,
  // with its coroutine waiting.
  constexpr uint32_t kSpecialFlags = ring::abi::kCqeFMore | ring::abi::kCqeFNotif;
  if (((flags & kSpecialFlags) | op->multishot | op->abandoned) != 0) [[unlikely]] {
    CompleteSpecial(op, res, flags, ready);
    return;
  }
  Settle(op, res, flags);
  if constexpr (kResume) {
    op->waiter.resume();
  } else {
    ready.Push(op->waiter);
  }
}


template <bool kResume>
[[gnu::always_inline]] inline unsigned UringBackend::ReapEach(ReadyQueue& ready) {
  auto complete = [&](const ring::abi::Cqe& cqe) __attribute__((always_inline)) {
    if (cqe.user_data <= kLastTag) [[unlikely]] {
      if (cqe.user_data == kTagWake) wake_armed_ = false;
      return;
    }
    Complete<kResume>(reinterpret_cast<OpBase*>(cqe.user_data), cqe.res, cqe.flags, ready);
  };
  if constexpr (kResume) {
    return ring_.for_each_cqe_reentrant(complete);
  } else {
    return ring_.for_each_cqe(complete);
  }
}

[[gnu::always_inline]] inline unsigned UringBackend::Reap(ReadyQueue& ready) {
  // Completions made room: start what waits for it, even when a resumed
  // coroutine throws out of the loop.
  struct StartQueuedAfter {
    UringBackend* b;
    ~StartQueuedAfter() {
      if (b->queue_head_ != nullptr) [[unlikely]] b->StartQueued();
    }
  } after{this};
  return draining_ == 0 ? ReapEach<true>(ready) : ReapEach<false>(ready);
}


[[gnu::always_inline]] inline core::Result<void> UringBackend::Turn(bool wait, int64_t timeout_ns,
                                             int64_t spin_ns,
                                             ReadyQueue& ready) {
  if (!wake_armed_) [[unlikely]] ArmWake();
  if (wait && spin_ns > 0) {
    if (Spin(spin_ns, ready)) return core::Ok();
  }
  core::Result<unsigned> r = 0u;
  if (!wait) {
    r = ring_.get_events();
  } else if (timeout_ns >= 0) [[unlikely]] {
    r = ring_.submit_and_wait_timeout(1, Timespec(timeout_ns));
  } else {
    r = ring_.submit_and_wait(1);
  }
  if (!r) [[unlikely]] return WaitFailed(r.error(), ready);
  Reap(ready);
  return core::Ok();
}

}  // namespace zring::detail
