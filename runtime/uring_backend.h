// zring/runtime/uring_backend.h — the io_uring backend: one ring per
// runtime thread.
//
// Operations get a slot and an SQE; the SQEs of a whole loop turn go to the
// kernel in the single io_uring_enter that also waits for completions.
// Backpressure instead of failure: when the SQ is full it is flushed early,
// and when as many operations are in flight as the CQ holds, new ones wait
// in a queue until a completion frees room.
#pragma once

#include <cstdint>
#include <string>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/ring/register.h"
#include "zring/ring/ring.h"
#include "zring/runtime/internal/ready_queue.h"
#include "zring/runtime/internal/slots.h"
#include "zring/runtime/op.h"

namespace zring::detail {

class UringBackend final {
 public:
  // Create(): a ring of `entries` with SINGLE_ISSUER|DEFER_TASKRUN where the
  // kernel has them (6.1), plain flags otherwise. `why` receives a line for
  // Runtime::backend_info().
  static core::Result<UringBackend> Create(unsigned entries, std::string* why);

  UringBackend(UringBackend&&) noexcept = default;
  UringBackend& operator=(UringBackend&&) noexcept = default;

  // Start(): queue `op` for the kernel. Always suspends (true), except when
  // the operation completes at once because its opcode is unsupported.
  bool Start(OpBase* op) noexcept;
  // Cancel(): ask the kernel to cancel `op` (ASYNC_CANCEL); its CQE comes
  // later with -ECANCELED, or with its real result if it won the race.
  // A queued operation completes at once with -ECANCELED and is pushed on
  // `ready`.
  void Cancel(OpBase* op, ReadyQueue& ready) noexcept;
  // Abandon(): `op`'s coroutine is being destroyed: cancel it and drive the
  // ring until its CQE arrives, queueing (never resuming) other completions.
  void Abandon(OpBase* op, ReadyQueue& ready) noexcept;
  // Cancel by token, from a request that may be stale (remote cancel).
  void CancelToken(uint64_t token, ReadyQueue& ready) noexcept;

  // Turn(): submit everything prepared; if `wait`, block until at least one
  // completion or `timeout_ns` (-1: no limit); reap completions into
  // `ready`. Spins up to `spin_ns` polling the CQ before blocking.
  core::Result<void> Turn(bool wait, int64_t timeout_ns, int64_t spin_ns,
                          ReadyQueue& ready) noexcept;

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
  [[nodiscard]] size_t in_flight() const noexcept { return slots_.in_use(); }

 private:
  explicit UringBackend(ring::Ring ring) : ring_(std::move(ring)) {}

  // Puts `op` into the SQ, or back on the queue if there is no room.
  bool Submit(OpBase* op) noexcept;
  ring::abi::Sqe* GetSqe(unsigned needed) noexcept;
  unsigned Reap(ReadyQueue& ready) noexcept;
  void Complete(OpBase* op, int32_t res, uint32_t flags, ReadyQueue& ready) noexcept;
  void ArmWake() noexcept;
  void StartQueued() noexcept;

  ring::Ring ring_;
  ring::Probe probe_;
  SlotTable slots_;
  OpBase* queue_head_ = nullptr;   // operations waiting for room
  OpBase* queue_tail_ = nullptr;
  unsigned max_in_flight_ = 0;     // what the CQ can hold
  unsigned in_kernel_ = 0;         // submitted and not yet completed
  core::Fd wake_fd_;               // eventfd another thread writes to wake us
  uint64_t wake_buf_ = 0;
  bool wake_armed_ = false;
};

}  // namespace zring::detail
