// zring/core/arch/x86_64.h — the `syscall` instruction on x86-64 Linux.
//
// Register convention (x86-64 System V kernel ABI):
//   rax  syscall number in, result out (-4095..-1 is -errno)
//   rdi, rsi, rdx, r10, r8, r9   arguments 1..6
//        (r10, not rcx, carries the 4th argument: `syscall` itself
//         overwrites rcx with the return address)
//   rcx, r11  clobbered by the instruction (return rip and saved rflags)
//   "memory"  the kernel may read or write any buffer we passed
//
// Each function is `static inline` in a header so that the compiler inlines
// it at every call: on the CPUs we measure on, a non-inlined call+return
// costs about 50 ns per syscall because of return-stack mitigations.
#pragma once

namespace zring::core::arch {

[[gnu::always_inline]] inline long raw_syscall0(long nr) noexcept {
  long ret;
  asm volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
  return ret;
}

[[gnu::always_inline]] inline long raw_syscall1(long nr, long a1) noexcept {
  long ret;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a1)
               : "rcx", "r11", "memory");
  return ret;
}

[[gnu::always_inline]] inline long raw_syscall2(long nr, long a1,
                                                long a2) noexcept {
  long ret;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a1), "S"(a2)
               : "rcx", "r11", "memory");
  return ret;
}

[[gnu::always_inline]] inline long raw_syscall3(long nr, long a1, long a2,
                                                long a3) noexcept {
  long ret;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
               : "rcx", "r11", "memory");
  return ret;
}

[[gnu::always_inline]] inline long raw_syscall4(long nr, long a1, long a2,
                                                long a3, long a4) noexcept {
  long ret;
  register long r10 asm("r10") = a4;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
               : "rcx", "r11", "memory");
  return ret;
}

[[gnu::always_inline]] inline long raw_syscall5(long nr, long a1, long a2,
                                                long a3, long a4,
                                                long a5) noexcept {
  long ret;
  register long r10 asm("r10") = a4;
  register long r8 asm("r8") = a5;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
               : "rcx", "r11", "memory");
  return ret;
}

[[gnu::always_inline]] inline long raw_syscall6(long nr, long a1, long a2,
                                                long a3, long a4, long a5,
                                                long a6) noexcept {
  long ret;
  register long r10 asm("r10") = a4;
  register long r8 asm("r8") = a5;
  register long r9 asm("r9") = a6;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
                 "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}

}  // namespace zring::core::arch
