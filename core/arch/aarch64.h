// zring/core/arch/aarch64.h — `svc #0` on AArch64 Linux.
//
// Register convention (AArch64 Linux kernel ABI):
//   x8        syscall number
//   x0..x5    arguments 1..6; x0 also carries the result (-errno on error)
//   The kernel preserves every other general register; "cc" and
//   "memory" because flags may change and the kernel may read or write
//   any buffer we passed.
#pragma once

namespace zring::core::arch {

[[gnu::always_inline]] inline long raw_syscall0(long nr) noexcept {
  register long nr_reg asm("x8") = nr;
  register long r0 asm("x0");
  asm volatile("svc #0"
               : "=r"(r0)
               : "r"(nr_reg)
               : "memory", "cc");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall1(long nr, long a1) noexcept {
  register long nr_reg asm("x8") = nr;
  register long r0 asm("x0") = a1;
  asm volatile("svc #0"
               : "+r"(r0)
               : "r"(nr_reg)
               : "memory", "cc");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall2(long nr, long a1, long a2) noexcept {
  register long nr_reg asm("x8") = nr;
  register long r0 asm("x0") = a1;
  register long r1 asm("x1") = a2;
  asm volatile("svc #0"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1)
               : "memory", "cc");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall3(long nr, long a1, long a2, long a3) noexcept {
  register long nr_reg asm("x8") = nr;
  register long r0 asm("x0") = a1;
  register long r1 asm("x1") = a2;
  register long r2 asm("x2") = a3;
  asm volatile("svc #0"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2)
               : "memory", "cc");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall4(long nr, long a1, long a2, long a3, long a4) noexcept {
  register long nr_reg asm("x8") = nr;
  register long r0 asm("x0") = a1;
  register long r1 asm("x1") = a2;
  register long r2 asm("x2") = a3;
  register long r3 asm("x3") = a4;
  asm volatile("svc #0"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2), "r"(r3)
               : "memory", "cc");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall5(long nr, long a1, long a2, long a3, long a4, long a5) noexcept {
  register long nr_reg asm("x8") = nr;
  register long r0 asm("x0") = a1;
  register long r1 asm("x1") = a2;
  register long r2 asm("x2") = a3;
  register long r3 asm("x3") = a4;
  register long r4 asm("x4") = a5;
  asm volatile("svc #0"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2), "r"(r3), "r"(r4)
               : "memory", "cc");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
  register long nr_reg asm("x8") = nr;
  register long r0 asm("x0") = a1;
  register long r1 asm("x1") = a2;
  register long r2 asm("x2") = a3;
  register long r3 asm("x3") = a4;
  register long r4 asm("x4") = a5;
  register long r5 asm("x5") = a6;
  asm volatile("svc #0"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
               : "memory", "cc");
  return r0;
}

}  // namespace zring::core::arch
