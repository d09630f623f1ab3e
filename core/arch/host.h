// zring/core/arch/host.h — core/'s syscalls on a host that is not Linux (or
// on Linux with --config=host): through the host's libc.
//
// The callers above are written for Linux: Linux syscall numbers (here
// zring's own, arch/host_sysnr.h), flag values, errno numbers and struct
// layouts. host_syscall() keeps that contract: it takes Linux's arguments,
// makes the host's call, and returns the result or -errno with Linux's
// errno number. What a host lacks (io_uring, epoll, eventfd, timerfd, ...)
// fails with -ENOSYS, which is how the runtime learns to use its poll
// backend and poll(2). On Linux the calls with no portable libc function
// go through libc's syscall(), unless ZRING_HOST_PORTABLE=1 is set in the
// environment: then they fail as they would elsewhere, so that the path a
// BSD or macOS build takes can be tested here.
//
// No libc header here: only host.cc includes them.
#pragma once

namespace zring::core::arch {

long host_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
                  long a6) noexcept;

inline long raw_syscall0(long nr) noexcept { return host_syscall(nr, 0, 0, 0, 0, 0, 0); }
inline long raw_syscall1(long nr, long a1) noexcept {
  return host_syscall(nr, a1, 0, 0, 0, 0, 0);
}
inline long raw_syscall2(long nr, long a1, long a2) noexcept {
  return host_syscall(nr, a1, a2, 0, 0, 0, 0);
}
inline long raw_syscall3(long nr, long a1, long a2, long a3) noexcept {
  return host_syscall(nr, a1, a2, a3, 0, 0, 0);
}
inline long raw_syscall4(long nr, long a1, long a2, long a3, long a4) noexcept {
  return host_syscall(nr, a1, a2, a3, a4, 0, 0);
}
inline long raw_syscall5(long nr, long a1, long a2, long a3, long a4, long a5) noexcept {
  return host_syscall(nr, a1, a2, a3, a4, a5, 0);
}
inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4, long a5,
                         long a6) noexcept {
  return host_syscall(nr, a1, a2, a3, a4, a5, a6);
}

}  // namespace zring::core::arch
