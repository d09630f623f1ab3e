// zring/core/handle.h — what an fd handle can do, as concepts.
//
// The handles of core/ (Fd, EventFd, TimerFd, PidFd, MemFd, SignalFd) share
// no base class; generic code (the poll backend, the executor's wake-up
// path, tests) asks what a type can do with these concepts instead:
//
//   template <core::Pollable H>
//   void watch(Poller& p, const H& h) { p.add(h.get(), ev::in); }
//
//   static_assert(core::Signaler<core::EventFd>);
//   static_assert(core::Timer<core::TimerFd>);
//
// Every handle exposes its descriptor the same way, `int get() const`, -1
// once it is closed; no handle spells it fd() or raw().
//
//   concept      requires                                  modelled by
//   Pollable     int get() const                           every handle
//   PollCloser   Pollable, Result<void> close()            every handle
//   Handle       PollCloser, read(void*, size_t),          Fd, MemFd
//                write(const void*, size_t) -> Result<size_t>
//   Signaler     Result<void> signal(uint64_t),            EventFd
//                Result<uint64_t> wait()
//   Timer        Result<void> arm(Timespec, Timespec),     TimerFd
//                Result<void> disarm(),
//                Result<uint64_t> read()
//
// Signaler and Timer say nothing about the descriptor, so that a type that
// is not fd-based (a test double, a futex-based signal) can model them;
// combine them with PollCloser where a descriptor is needed.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "zring/core/result.h"
#include "zring/core/types.h"

namespace zring::core {

// Pollable: has a descriptor to wait on, from `int get() const`.
template <class T>
concept Pollable = requires(const T& h) {
  { h.get() } -> std::same_as<int>;
};

// PollCloser: Pollable, and closable with `Result<void> close()`.
template <class T>
concept PollCloser = Pollable<T> && requires(T& h) {
  { h.close() } -> std::same_as<Result<void>>;
};

// Handle: a PollCloser that reads and writes bytes, as read(2)/write(2) do.
template <class T>
concept Handle = PollCloser<T> &&
    requires(T& h, void* out, const void* in, std::size_t len) {
  { h.read(out, len) } -> std::same_as<Result<std::size_t>>;
  { h.write(in, len) } -> std::same_as<Result<std::size_t>>;
};

// Signaler: adds to a counter with signal(n) and takes it with wait().
template <class T>
concept Signaler = requires(T& h, std::uint64_t n) {
  { h.signal(n) } -> std::same_as<Result<void>>;
  { h.wait() } -> std::same_as<Result<std::uint64_t>>;
};

// Timer: armed with a first expiry and a period (zero: one-shot), disarmed,
// and read for the number of expirations since the last read.
template <class T>
concept Timer = requires(T& h, Timespec first, Timespec interval) {
  { h.arm(first, interval) } -> std::same_as<Result<void>>;
  { h.disarm() } -> std::same_as<Result<void>>;
  { h.read() } -> std::same_as<Result<std::uint64_t>>;
};

}  // namespace zring::core
