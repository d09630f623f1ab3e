// zring/core/arch/generic.h — the fallback for any target without an
// inline-asm file: libc's syscall(), normalised to the raw contract.
//
// libc's syscall() reports failure as -1 with errno set. zring's contract is
// the kernel's: a negative result is -errno and errno is never touched. So
// this file (the only core/ header allowed to include libc headers) saves
// errno, makes the call, turns -1 into -errno and restores errno.
#pragma once

#include <errno.h>
#include <unistd.h>

#if __has_include(<sys/syscall.h>)
#include <sys/syscall.h>
#endif

namespace zring::core::arch {

namespace detail {
inline long normalise(long ret) noexcept { return ret == -1 ? -errno : ret; }
}  // namespace detail

#define ZRING_GENERIC_SYSCALL(...)              \
  int saved = errno;                            \
  long ret = detail::normalise(::syscall(__VA_ARGS__)); \
  errno = saved;                                \
  return ret

inline long raw_syscall0(long nr) noexcept { ZRING_GENERIC_SYSCALL(nr); }
inline long raw_syscall1(long nr, long a1) noexcept {
  ZRING_GENERIC_SYSCALL(nr, a1);
}
inline long raw_syscall2(long nr, long a1, long a2) noexcept {
  ZRING_GENERIC_SYSCALL(nr, a1, a2);
}
inline long raw_syscall3(long nr, long a1, long a2, long a3) noexcept {
  ZRING_GENERIC_SYSCALL(nr, a1, a2, a3);
}
inline long raw_syscall4(long nr, long a1, long a2, long a3,
                         long a4) noexcept {
  ZRING_GENERIC_SYSCALL(nr, a1, a2, a3, a4);
}
inline long raw_syscall5(long nr, long a1, long a2, long a3, long a4,
                         long a5) noexcept {
  ZRING_GENERIC_SYSCALL(nr, a1, a2, a3, a4, a5);
}
inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4, long a5,
                         long a6) noexcept {
  ZRING_GENERIC_SYSCALL(nr, a1, a2, a3, a4, a5, a6);
}

#undef ZRING_GENERIC_SYSCALL

}  // namespace zring::core::arch
