// zring/runtime/poll_backend.h — the fallback backend: readiness (epoll, or
// poll(2) where there is no epoll) plus direct nonblocking syscalls, behind
// the same operations.
//
// Used where io_uring is missing or blocked (ENOSYS, EPERM from seccomp,
// kernel.io_uring_disabled) or when the user forces it. An operation first
// tries its syscall; if that would block, it waits for readiness on its fd
// (internal/readiness.h: watched again while someone waits) and tries
// again. Operations that never wait for readiness (file I/O, openat, statx)
// run their syscall directly. Timers live in a heap and bound the wait.
//
// fds an operation waits on are switched to O_NONBLOCK the first time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/runtime/internal/readiness.h"
#include "zring/runtime/internal/ready_queue.h"
#include "zring/runtime/internal/slots.h"
#include "zring/runtime/op.h"

namespace zring::detail {

class PollBackend final {
 public:
  // Create(): readiness from poll(2) when `use_poll` (or where there is no
  // epoll), from epoll otherwise.
  static core::Result<PollBackend> Create(bool use_poll, std::string* why);

  PollBackend(PollBackend&&) noexcept = default;
  PollBackend& operator=(PollBackend&&) noexcept = default;

  bool Start(OpBase* op) noexcept;
  void Cancel(OpBase* op, ReadyQueue& ready) noexcept;
  void Abandon(OpBase* op, ReadyQueue& ready) noexcept;
  core::Result<void> Turn(bool wait, int64_t timeout_ns, int64_t spin_ns,
                          ReadyQueue& ready) noexcept;
  void Wake() noexcept;
  [[nodiscard]] size_t in_flight() const noexcept { return slots_.in_use(); }

 private:
  PollBackend() = default;

  // Who waits on one fd, in arrival order per direction.
  struct FdWaiters {
    OpBase* readers = nullptr;
    OpBase* writers = nullptr;
  };
  struct Timer {
    int64_t deadline_ns;
    uint64_t token;
    bool operator>(const Timer& o) const noexcept { return deadline_ns > o.deadline_ns; }
  };

  // Runs op's syscall; true when it finished (the result is in op->res).
  bool Attempt(OpBase* op) noexcept;
  void Wait(OpBase* op) noexcept;
  void Rearm(int fd) noexcept;
  bool Unlink(OpBase* op) noexcept;
  void Complete(OpBase* op, int32_t res, ReadyQueue& ready) noexcept;
  void RunChain(OpBase** chain, ReadyQueue& ready) noexcept;
  void ExpireTimers(ReadyQueue& ready) noexcept;
  int64_t NextTimerNs() const noexcept;
  FdWaiters& Waiters(int fd);

  core::Fd wake_fd_;        // an eventfd, or a pipe's read end
  core::Fd wake_write_fd_;  // the pipe's write end, when it is a pipe
  std::unique_ptr<Readiness> readiness_;
  std::vector<Readiness::Event> events_;  // reused by every Turn()
  SlotTable slots_;
  std::vector<FdWaiters> fds_;
  std::vector<Timer> timers_;  // a min-heap on deadline
  std::vector<int> failed_fds_;  // fds that cannot be watched; their ops ran directly
  size_t stale_timers_ = 0;      // heap entries whose operation is gone
};

}  // namespace zring::detail
