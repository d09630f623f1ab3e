// zring/core/io_uring.h — the three io_uring syscalls, typed.
//
// These are the kernel entry points only. The ABI structs they carry
// (io_uring_params, io_uring_getevents_arg, the register payloads) and the
// IORING_* constants belong to ring/, the layer above, so the pointers here
// are `void*`. ring/ calls io_uring_enter() on its hot path, so every
// wrapper is forced inline: a call that is not inlined costs a return,
// which is expensive under the CPU's return-stack mitigations.
//
//   ring::Params p{};
//   core::Result<int> fd = core::io_uring_setup(256, &p);
//   if (!fd) { /* ENOSYS, EPERM (seccomp, io_uring_disabled), ENOMEM: fall back */ }
//   core::Result<unsigned> submitted = core::io_uring_enter(*fd, n, 0, 0, nullptr);
#pragma once

#include <cstddef>

#include "zring/core/result.h"
#include "zring/core/syscall.h"
#include "zring/core/types.h"

namespace zring::core {

namespace detail {
inline constexpr unsigned kEnterExtArg = 1U << 3;  // IORING_ENTER_EXT_ARG
}  // namespace detail

// io_uring_setup(): a new ring with at least `entries` SQ entries (1 ..
// 32768, rounded up to a power of two; 0 is err::inval), configured by and
// reporting back through `params`, a struct io_uring_params the caller
// zeroed apart from the flags and fields it sets. Returns the ring's fd.
[[gnu::always_inline]] inline Result<int> io_uring_setup(unsigned entries,
                                                         void* params) noexcept {
  return FromRaw<int>(syscall2(nr::io_uring_setup, entries, arg(params)));
}

// io_uring_enter(): submits `to_submit` SQEs and, with IORING_ENTER_GETEVENTS
// in `flags`, waits until at least `min_complete` CQEs are ready. Returns
// the number of SQEs consumed. `sig`, if not null, replaces the thread's
// signal mask during the wait (its size, 8, is passed for it; 0 without).
// On an fd that is not a ring: err::opnotsupp.
[[gnu::always_inline]] inline Result<unsigned> io_uring_enter(
    int fd, unsigned to_submit, unsigned min_complete, unsigned flags,
    const SigSet* sig) noexcept {
  return FromRaw<unsigned>(syscall6(nr::io_uring_enter, fd, to_submit,
                                    min_complete, flags, arg(sig),
                                    sig != nullptr ? arg(kSigSetSize) : 0));
}

// io_uring_enter_ext(): io_uring_enter() in its extended-argument form, where
// the last two arguments are a struct io_uring_getevents_arg (sigmask,
// sigmask size, min_wait_usec, timeout pointer) and its size, rather than
// a sigset. IORING_ENTER_EXT_ARG is added to `flags` here, so the kernel
// always reads `arg` this way. Kernels before 5.11 reject it (err::inval).
[[gnu::always_inline]] inline Result<unsigned> io_uring_enter_ext(
    int fd, unsigned to_submit, unsigned min_complete, unsigned flags,
    const void* ext_arg, size_t argsz) noexcept {
  return FromRaw<unsigned>(syscall6(nr::io_uring_enter, fd, to_submit,
                                    min_complete, flags | detail::kEnterExtArg,
                                    arg(ext_arg), arg(argsz)));
}

// io_uring_register(): register operation `opcode` (IORING_REGISTER_*) on
// ring `fd` with `arg` and `nr_args`, whose meaning depends on the opcode.
// Some opcodes write through `arg` (PROBE fills a struct io_uring_probe),
// so the object behind it must then be writable despite the `const`.
// Returns the opcode's result: 0 for most, a count for some (how many
// entries REGISTER_RING_FDS registered).
[[gnu::always_inline]] inline Result<unsigned> io_uring_register(
    int fd, unsigned opcode, const void* arg_ptr, unsigned nr_args) noexcept {
  return FromRaw<unsigned>(
      syscall4(nr::io_uring_register, fd, opcode, arg(arg_ptr), nr_args));
}

}  // namespace zring::core
