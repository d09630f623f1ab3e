// zring/core/event_fd.h — EventFd: a 64-bit counter in the kernel that
// threads (and processes) signal each other through.
//
// It is how the io_uring backend is woken from another thread, and what the
// poll backend waits on for the same purpose: signal() adds to the counter
// and makes the descriptor readable, wait() takes the counter back to zero.
//
//   core::Result<core::EventFd> ev = core::EventFd::Create();
//   if (!ev) return ev.error();
//   (void)ev->signal();                    // from any thread
//   core::Result<uint64_t> n = ev->wait(); // 1; err::again once drained
//
// Created close-on-exec always, and nonblocking unless asked otherwise: a
// runtime learns readiness from poll or the ring, then reads without
// blocking. In semaphore mode each wait() takes 1 instead of everything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/fd.h"
#include "zring/core/result.h"

namespace zring::core {

// EventFdOptions
//
// How EventFd::Create() sets the eventfd up. With designated initializers:
// EventFd::Create(0, {.semaphore = true}).
struct EventFdOptions {
  // O_NONBLOCK: wait() on a zero counter, and signal() that would overflow
  // it, return err::again instead of blocking.
  bool nonblocking = true;
  // EFD_SEMAPHORE: wait() returns 1 and decrements the counter by 1.
  bool semaphore = false;
};

// EventFd
class EventFd final : public FdOwner {
 public:
  // Create(): a new eventfd whose counter starts at `initial`.
  [[nodiscard]] static Result<EventFd> Create(
      unsigned initial = 0, EventFdOptions options = {}) noexcept {
    int flags = efd::cloexec;
    if (options.nonblocking) flags |= efd::nonblock;
    if (options.semaphore) flags |= efd::semaphore;
    Result<int> raw = eventfd2(initial, flags);
    if (!raw) return raw.error();
    return EventFd(Fd(*raw));
  }

  EventFd(EventFd&&) noexcept = default;
  EventFd& operator=(EventFd&&) noexcept = default;

  // signal(): adds `n` to the counter (n = 0 is allowed and changes
  // nothing). The counter stops at 2^64 - 2: a signal that would pass it
  // blocks, or gives err::again when nonblocking; n = 2^64 - 1 is
  // err::inval.
  Result<void> signal(uint64_t n = 1) noexcept {
    Result<size_t> written = fd_.write(&n, sizeof n);
    if (!written) return written.error();
    return Ok();  // the kernel writes all 8 bytes or nothing
  }

  // wait(): takes the counter: returns its value and resets it to 0, or in
  // semaphore mode returns 1 and decrements it. On a zero counter it blocks,
  // or returns err::again when nonblocking.
  [[nodiscard]] Result<uint64_t> wait() noexcept {
    uint64_t value = 0;
    Result<size_t> got = fd_.read(&value, sizeof value);
    if (!got) return got.error();
    return value;  // the kernel reads all 8 bytes or nothing
  }

  // get() (from FdOwner): the descriptor, to poll for readability (counter > 0); -1 once
  // closed. It stays owned by this EventFd.

 private:
  explicit EventFd(Fd fd) noexcept : FdOwner(std::move(fd)) {}
};

}  // namespace zring::core
