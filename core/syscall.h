// zring/core/syscall.h — raw Linux syscalls: syscall0() .. syscall6().
//
// The contract, on every architecture: the kernel's raw result is returned
// unchanged, so a value in [-4095, -1] is -errno and anything else is
// success. errno is never read or written. Arguments are `long`; the
// helper `arg()` turns pointers and small integers into one.
//
//   long n = core::syscall3(core::nr::write, 1, core::arg(msg), len);
//   if (n < 0) { core::Errno e = core::Errno::FromRaw(n); ... }
//
// x86_64, aarch64, riscv64 and loongarch64 use inline asm (arch/*.h), so a
// call costs the syscall and nothing else; other targets go through libc's
// syscall() (arch/generic.h), normalised to the same contract; a host that
// is not Linux goes through its libc functions (arch/host.h).
//
// Most code wants the typed wrappers in the other core/ headers, which
// return Result<T>.
#pragma once

#include <cstdint>
#include <type_traits>

// A host that is not Linux has no Linux syscalls to make: there, and on
// Linux with --config=host, core/'s calls go through the host's libc
// (arch/host.h), which takes Linux's numbers, flags and layouts and
// translates them.
#if !defined(__linux__) && !defined(ZRING_CORE_HOST_SYSCALLS)
#define ZRING_CORE_HOST_SYSCALLS 1
#endif

#if defined(ZRING_CORE_HOST_SYSCALLS)
#include "zring/core/arch/host.h"
#include "zring/core/arch/host_sysnr.h"
#elif defined(__x86_64__)
#include "zring/core/arch/x86_64.h"
#include "zring/core/internal/sysnr_x86_64.h"
#elif defined(__aarch64__)
#include "zring/core/arch/aarch64.h"
#include "zring/core/internal/sysnr_generic.h"
#elif defined(__riscv) && __riscv_xlen == 64
#include "zring/core/arch/riscv64.h"
#include "zring/core/internal/sysnr_generic.h"
#elif defined(__loongarch64)
#include "zring/core/arch/loongarch64.h"
#include "zring/core/internal/sysnr_generic.h"
#else
#define ZRING_CORE_GENERIC_SYSCALL 1
#include "zring/core/arch/generic.h"
#include "zring/core/arch/generic_sysnr.h"
#endif

namespace zring::core {

// True where syscalls go through inline asm rather than libc.
#if defined(ZRING_CORE_GENERIC_SYSCALL) || defined(ZRING_CORE_HOST_SYSCALLS)
inline constexpr bool kInlineSyscalls = false;
#else
inline constexpr bool kInlineSyscalls = true;
#endif
// True where syscalls go through the host's libc functions (arch/host.h):
// calls a host lacks (io_uring, epoll, eventfd, ...) fail with ENOSYS.
#if defined(ZRING_CORE_HOST_SYSCALLS)
inline constexpr bool kHostSyscalls = true;
#else
inline constexpr bool kHostSyscalls = false;
#endif

// arg(): one syscall argument as a `long`.
template <class T>
[[gnu::always_inline]] inline long arg(T v) noexcept {
  if constexpr (std::is_pointer_v<T>) {
    return reinterpret_cast<long>(v);
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<long>(static_cast<std::underlying_type_t<T>>(v));
  } else {
    static_assert(std::is_integral_v<T>, "arg(): pass an integer, enum or pointer");
    return static_cast<long>(v);
  }
}
[[gnu::always_inline]] inline long arg(std::nullptr_t) noexcept { return 0; }

[[gnu::always_inline]] inline long syscall0(long nr) noexcept {
  return arch::raw_syscall0(nr);
}
[[gnu::always_inline]] inline long syscall1(long nr, long a1) noexcept {
  return arch::raw_syscall1(nr, a1);
}
[[gnu::always_inline]] inline long syscall2(long nr, long a1, long a2) noexcept {
  return arch::raw_syscall2(nr, a1, a2);
}
[[gnu::always_inline]] inline long syscall3(long nr, long a1, long a2,
                                            long a3) noexcept {
  return arch::raw_syscall3(nr, a1, a2, a3);
}
[[gnu::always_inline]] inline long syscall4(long nr, long a1, long a2, long a3,
                                            long a4) noexcept {
  return arch::raw_syscall4(nr, a1, a2, a3, a4);
}
[[gnu::always_inline]] inline long syscall5(long nr, long a1, long a2, long a3,
                                            long a4, long a5) noexcept {
  return arch::raw_syscall5(nr, a1, a2, a3, a4, a5);
}
[[gnu::always_inline]] inline long syscall6(long nr, long a1, long a2, long a3,
                                            long a4, long a5, long a6) noexcept {
  return arch::raw_syscall6(nr, a1, a2, a3, a4, a5, a6);
}

// IsError(): whether a raw result is an -errno. The kernel never returns a
// valid value in [-4095, -1] (mmap addresses there are impossible).
[[gnu::always_inline]] constexpr bool IsError(long raw) noexcept {
  return static_cast<unsigned long>(raw) > static_cast<unsigned long>(-4096L);
}

}  // namespace zring::core
