// zring/core/arch/riscv64.h — `ecall` on RISC-V 64 Linux.
//
// Register convention (RISC-V Linux kernel ABI):
//   a7        syscall number
//   a0..a5    arguments 1..6; a0 also carries the result (-errno on error)
//   The kernel preserves every other register; "memory" because it may
//   read or write any buffer we passed.
#pragma once

namespace zring::core::arch {

[[gnu::always_inline]] inline long raw_syscall0(long nr) noexcept {
  register long nr_reg asm("a7") = nr;
  register long r0 asm("a0");
  asm volatile("ecall"
               : "=r"(r0)
               : "r"(nr_reg)
               : "memory");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall1(long nr, long a1) noexcept {
  register long nr_reg asm("a7") = nr;
  register long r0 asm("a0") = a1;
  asm volatile("ecall"
               : "+r"(r0)
               : "r"(nr_reg)
               : "memory");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall2(long nr, long a1, long a2) noexcept {
  register long nr_reg asm("a7") = nr;
  register long r0 asm("a0") = a1;
  register long r1 asm("a1") = a2;
  asm volatile("ecall"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1)
               : "memory");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall3(long nr, long a1, long a2, long a3) noexcept {
  register long nr_reg asm("a7") = nr;
  register long r0 asm("a0") = a1;
  register long r1 asm("a1") = a2;
  register long r2 asm("a2") = a3;
  asm volatile("ecall"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2)
               : "memory");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall4(long nr, long a1, long a2, long a3, long a4) noexcept {
  register long nr_reg asm("a7") = nr;
  register long r0 asm("a0") = a1;
  register long r1 asm("a1") = a2;
  register long r2 asm("a2") = a3;
  register long r3 asm("a3") = a4;
  asm volatile("ecall"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2), "r"(r3)
               : "memory");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall5(long nr, long a1, long a2, long a3, long a4, long a5) noexcept {
  register long nr_reg asm("a7") = nr;
  register long r0 asm("a0") = a1;
  register long r1 asm("a1") = a2;
  register long r2 asm("a2") = a3;
  register long r3 asm("a3") = a4;
  register long r4 asm("a4") = a5;
  asm volatile("ecall"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2), "r"(r3), "r"(r4)
               : "memory");
  return r0;
}

[[gnu::always_inline]] inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
  register long nr_reg asm("a7") = nr;
  register long r0 asm("a0") = a1;
  register long r1 asm("a1") = a2;
  register long r2 asm("a2") = a3;
  register long r3 asm("a3") = a4;
  register long r4 asm("a4") = a5;
  register long r5 asm("a5") = a6;
  asm volatile("ecall"
               : "+r"(r0)
               : "r"(nr_reg), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
               : "memory");
  return r0;
}

}  // namespace zring::core::arch
