// zring/core/event.h — typed wrappers for the readiness and notification
// syscalls: eventfd, timerfd, signalfd, epoll and ppoll.
//
// The io_uring backend uses eventfd to be woken from other threads; the
// poll backend (the fallback when io_uring is unavailable) is built on
// epoll and these fds. As everywhere in core/, results are Results and
// errno is never touched.
//
//   core::Result<int> ep = core::epoll_create1(epoll::cloexec);
//   core::EpollEvent ev{epoll::in, /*data=*/42};
//   (void)core::epoll_ctl(*ep, epoll::ctl_add, fd, &ev);
//   core::EpollEvent ready[64];
//   core::Result<int> n = core::epoll_pwait(*ep, ready, 64, /*timeout_ms=*/-1);
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/result.h"
#include "zring/core/syscall.h"
#include "zring/core/types.h"

namespace zring::core {

// eventfd2(): a new eventfd holding the 64-bit counter `initval`. Writing
// an 8-byte value adds to the counter, reading returns and clears it (or
// decrements it by one with EFD_SEMAPHORE). `flags`: EFD_CLOEXEC,
// EFD_NONBLOCK, EFD_SEMAPHORE.
inline Result<int> eventfd2(unsigned initval, int flags) noexcept {
  return FromRaw<int>(syscall2(nr::eventfd2, initval, flags));
}

// timerfd_create(): a new timer fd on clock `clockid` (CLOCK_MONOTONIC,
// CLOCK_REALTIME, CLOCK_BOOTTIME, ...). Reading it returns the 8-byte
// number of expirations since the last read. `flags`: TFD_CLOEXEC,
// TFD_NONBLOCK.
inline Result<int> timerfd_create(int clockid, int flags) noexcept {
  return FromRaw<int>(syscall2(nr::timerfd_create, clockid, flags));
}

// timerfd_settime(): arms (a non-zero `value.value`) or disarms the timer;
// `value.value` is relative unless `flags` has TFD_TIMER_ABSTIME. The
// previous setting goes to `*old` when it is not null.
inline Result<void> timerfd_settime(int fd, int flags, const ItimerSpec& value,
                                    ItimerSpec* old = nullptr) noexcept {
  return VoidFromRaw(
      syscall4(nr::timerfd_settime, fd, flags, arg(&value), arg(old)));
}

// timerfd_gettime(): the time to the next expiry (always relative) and the
// interval; all zero when disarmed.
inline Result<ItimerSpec> timerfd_gettime(int fd) noexcept {
  ItimerSpec cur{};
  long raw = syscall2(nr::timerfd_gettime, fd, arg(&cur));
  if (raw < 0) return Errno::FromRaw(raw);
  return cur;
}

// signalfd4(): a new signalfd (fd == -1) or a new mask for an existing one
// (returns `fd`). Reading it dequeues pending signals in `mask` as
// SignalfdSiginfo records; the signals must also be blocked with
// rt_sigprocmask(), or they are delivered the ordinary way. `flags`:
// SFD_CLOEXEC, SFD_NONBLOCK.
inline Result<int> signalfd4(int fd, const SigSet& mask, int flags) noexcept {
  return FromRaw<int>(
      syscall4(nr::signalfd4, fd, arg(&mask), arg(kSigSetSize), flags));
}

// epoll_create1(): a new epoll instance. `flags`: 0 or EPOLL_CLOEXEC.
inline Result<int> epoll_create1(int flags) noexcept {
  return FromRaw<int>(syscall1(nr::epoll_create1, flags));
}

// epoll_ctl(): adds (EPOLL_CTL_ADD), changes (EPOLL_CTL_MOD) or removes
// (EPOLL_CTL_DEL, `event` may then be null) `fd` in the interest list of
// `epfd`. Adding a regular file gives err::perm, adding twice err::exist.
inline Result<void> epoll_ctl(int epfd, int op, int fd,
                              const EpollEvent* event) noexcept {
  return VoidFromRaw(syscall4(nr::epoll_ctl, epfd, op, fd, arg(event)));
}

// epoll_pwait(): waits up to `timeout_ms` (-1: forever, 0: poll) for ready
// fds and stores up to `maxevents` of them (> 0, else err::inval) in
// `events`. Returns how many were stored; 0 on timeout. With `sigmask`,
// the thread's signal mask is replaced by it for the duration of the wait.
inline Result<int> epoll_pwait(int epfd, EpollEvent* events, int maxevents,
                               int timeout_ms,
                               const SigSet* sigmask = nullptr) noexcept {
  return FromRaw<int>(syscall6(nr::epoll_pwait, epfd, arg(events), maxevents,
                               timeout_ms, arg(sigmask),
                               sigmask ? arg(kSigSetSize) : 0));
}

// ppoll(): waits for events on `nfds` entries, up to `*timeout` (null:
// forever), and returns how many entries have non-zero `revents`; 0 on
// timeout. `sigmask` as for epoll_pwait().
//
// The kernel writes the time left back into the timeout it is given; this
// wrapper hands it a copy, so `*timeout` is left as the caller set it (as
// glibc's ppoll does).
inline Result<int> ppoll(PollEntry* fds, unsigned nfds, const Timespec* timeout,
                         const SigSet* sigmask = nullptr) noexcept {
  Timespec left{};
  if (timeout != nullptr) left = *timeout;
  return FromRaw<int>(syscall5(nr::ppoll, arg(fds), nfds,
                               timeout != nullptr ? arg(&left) : 0,
                               arg(sigmask), sigmask ? arg(kSigSetSize) : 0));
}

}  // namespace zring::core
