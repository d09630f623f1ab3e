// zring/core/timer_fd.h — TimerFd: a kernel timer that signals through a
// descriptor.
//
// The descriptor becomes readable when the timer expires; read() returns
// how many times it expired since the last read (more than 1 if a periodic
// timer was not read in time). The poll backend waits on one for its
// timeouts.
//
//   core::Result<core::TimerFd> t = core::TimerFd::Create();
//   if (!t) return t.error();
//   (void)t->arm_periodic(Timespec{0, 1'000'000}, Timespec{0, 1'000'000});
//   ...  // wait for t->get() to be readable, then:
//   core::Result<uint64_t> ticks = t->read();   // >= 1
//
// Created close-on-exec always, and nonblocking unless asked otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/core/types.h"

namespace zring::core {

// TimerFd
class TimerFd final : public FdOwner {
 public:
  // Create(): a disarmed timer on `clockid` (clock::monotonic, realtime,
  // boottime, realtime_alarm, boottime_alarm; the alarm clocks need
  // CAP_WAKE_ALARM). Another clock is err::inval. With `nonblocking`
  // (the default), read() before an expiry returns err::again.
  [[nodiscard]] static Result<TimerFd> Create(int clockid = clock::monotonic,
                                              bool nonblocking = true) noexcept {
    int flags = tfd::cloexec | (nonblocking ? tfd::nonblock : 0);
    Result<int> raw = timerfd_create(clockid, flags);
    if (!raw) return raw.error();
    return TimerFd(Fd(*raw));
  }

  TimerFd(TimerFd&&) noexcept = default;
  TimerFd& operator=(TimerFd&&) noexcept = default;

  // arm(): first expiry `first` from now, then every `interval` (zero: once).
  // Arming replaces the previous setting and discards expirations not yet
  // read (the kernel resets the count).
  //
  // The kernel reads a zero first expiry as "disarm"; here it means "as
  // soon as possible" (1 ns), so that an arm_*() call always arms. Use
  // disarm() to disarm. A negative field, or nsec past 999'999'999, is
  // err::inval.
  Result<void> arm(Timespec first, Timespec interval = {}) noexcept {
    return Set(0, first, interval);
  }

  // arm_once(): expires once, `after` from now.
  Result<void> arm_once(Timespec after) noexcept { return arm(after, {}); }

  // arm_periodic(): expires `first` from now, then every `interval`.
  Result<void> arm_periodic(Timespec first, Timespec interval) noexcept {
    return arm(first, interval);
  }

  // arm_at(): expires once when the timer's clock reads `absolute`
  // (TFD_TIMER_ABSTIME). A time already past expires at once.
  Result<void> arm_at(Timespec absolute) noexcept {
    return Set(tfd::timer_abstime, absolute, {});
  }

  // disarm(): stops the timer and discards expirations not yet read, so the
  // descriptor is no longer readable.
  Result<void> disarm() noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return timerfd_settime(raw, 0, ItimerSpec{});
  }

  // read(): the number of expirations since the last read, which resets it.
  // None yet: blocks, or err::again when nonblocking. err::canceled on a
  // realtime timer whose clock was set (TFD_TIMER_CANCEL_ON_SET, not used
  // here, so not expected).
  [[nodiscard]] Result<uint64_t> read() noexcept {
    uint64_t expirations = 0;
    Result<size_t> got = fd_.read(&expirations, sizeof expirations);
    if (!got) return got.error();
    return expirations;  // the kernel reads all 8 bytes or nothing
  }

  // get_time(): the time left to the next expiry (relative, even after
  // arm_at()) and the interval; both zero when disarmed.
  [[nodiscard]] Result<ItimerSpec> get_time() const noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return timerfd_gettime(raw);
  }

  // get() (from FdOwner): the descriptor, to poll for readability (an unread expiry); -1
  // once closed. It stays owned by this TimerFd.

 private:
  explicit TimerFd(Fd fd) noexcept : FdOwner(std::move(fd)) {}

  Result<void> Set(int flags, Timespec first, Timespec interval) noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    if (first.sec == 0 && first.nsec == 0) first.nsec = 1;
    return timerfd_settime(raw, flags, ItimerSpec{interval, first});
  }
};

}  // namespace zring::core
