// core/timer_fd.h against the real kernel. Every wait is a poll() on the
// timer's own descriptor with a generous bound: the test waits for the
// event itself, never sleeps and hopes.
#include "zring/core/timer_fd.h"

#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include <gtest/gtest.h>

#include "zring/core/handle.h"

namespace zring::core {
namespace {

static_assert(PollCloser<TimerFd> && Timer<TimerFd>,
              "TimerFd is a pollable, closable timer");
static_assert(!Signaler<TimerFd> && !Handle<TimerFd>);

constexpr int kGenerousMs = 10'000;
constexpr Timespec kOneMs{0, 1'000'000};
constexpr Timespec kOneHour{3600, 0};

// Waits until `fd` is readable; false if it was not within kGenerousMs.
bool WaitReadable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, kGenerousMs) == 1 && (p.revents & POLLIN) != 0;
}

TEST(TimerFd, CreateDefaultsAreCloexecAndNonblocking) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok()) << t.error().name();
  EXPECT_EQ(::fcntl(t->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_NE(::fcntl(t->get(), F_GETFL) & O_NONBLOCK, 0);
  Result<TimerFd> blocking = TimerFd::Create(clock::monotonic, false);
  ASSERT_TRUE(blocking.ok());
  EXPECT_EQ(::fcntl(blocking->get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(TimerFd, OneShotFires) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->arm_once(kOneMs).ok());
  ASSERT_TRUE(WaitReadable(t->get()));
  Result<uint64_t> n = t->read();
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 1u);
  // One-shot: disarmed after firing.
  Result<ItimerSpec> now = t->get_time();
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->value, Timespec{});
}

TEST(TimerFd, ZeroDelayStillArms) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->arm_once(Timespec{}).ok());  // not "disarm"
  ASSERT_TRUE(WaitReadable(t->get()));
  EXPECT_EQ(t->read().value_or(0), 1u);
}

TEST(TimerFd, PeriodicCountsAtLeastTwoExpirations) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->arm_periodic(kOneMs, kOneMs).ok());
  uint64_t total = 0;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(WaitReadable(t->get())) << "expiry " << i;
    Result<uint64_t> n = t->read();
    ASSERT_TRUE(n.ok()) << n.error().name();
    EXPECT_GE(*n, 1u);
    total += *n;
  }
  EXPECT_GE(total, 2u);
  Result<ItimerSpec> now = t->get_time();
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->interval, kOneMs);
}

TEST(TimerFd, ArmAtAbsoluteTimeFires) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  timespec now{};
  ASSERT_EQ(::clock_gettime(CLOCK_MONOTONIC, &now), 0);
  Timespec at = Timespec::FromNanos(Timespec{now.tv_sec, now.tv_nsec}.ToNanos() +
                                    1'000'000);
  ASSERT_TRUE(t->arm_at(at).ok());
  ASSERT_TRUE(WaitReadable(t->get()));
  EXPECT_EQ(t->read().value_or(0), 1u);
}

TEST(TimerFd, ArmAtPastTimeFiresAtOnce) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->arm_at(Timespec{0, 0}).ok());  // boot time: long past
  ASSERT_TRUE(WaitReadable(t->get()));
  EXPECT_EQ(t->read().value_or(0), 1u);
}

TEST(TimerFd, GetTimeReportsWhatWasArmed) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->arm_periodic(kOneHour, Timespec{2, 500}).ok());
  Result<ItimerSpec> cur = t->get_time();
  ASSERT_TRUE(cur.ok()) << cur.error().name();
  EXPECT_EQ(cur->interval, (Timespec{2, 500}));
  EXPECT_GT(cur->value.ToNanos(), 0);
  EXPECT_LE(cur->value.ToNanos(), kOneHour.ToNanos());
}

TEST(TimerFd, DisarmZeroesTheTimer) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->arm_periodic(kOneHour, kOneHour).ok());
  ASSERT_TRUE(t->disarm().ok());
  Result<ItimerSpec> cur = t->get_time();
  ASSERT_TRUE(cur.ok());
  EXPECT_EQ(cur->value, Timespec{});
  EXPECT_EQ(cur->interval, Timespec{});
}

TEST(TimerFd, DisarmDiscardsUnreadExpirations) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->arm_once(kOneMs).ok());
  ASSERT_TRUE(WaitReadable(t->get()));
  ASSERT_TRUE(t->disarm().ok());
  EXPECT_EQ(t->read().error(), err::again);
}

TEST(TimerFd, ReadBeforeExpiryIsEagain) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->read().error(), err::again);  // disarmed
  ASSERT_TRUE(t->arm_once(kOneHour).ok());
  Result<uint64_t> n = t->read();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), err::again);
}

TEST(TimerFd, BadClockIsEinval) {
  Result<TimerFd> t = TimerFd::Create(12345);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error(), err::inval);
  // A valid id that timerfd does not accept.
  Result<TimerFd> cpu = TimerFd::Create(clock::process_cputime_id);
  ASSERT_FALSE(cpu.ok());
  EXPECT_EQ(cpu.error(), err::inval);
}

TEST(TimerFd, BadTimespecIsEinval) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->arm_once(Timespec{0, 1'000'000'000}).error(), err::inval);
  EXPECT_EQ(t->arm_once(Timespec{-1, 0}).error(), err::inval);
}

TEST(TimerFd, ClosedTimerIsEbadf) {
  Result<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->close().ok());
  EXPECT_TRUE(t->close().ok());
  EXPECT_EQ(t->arm_once(kOneMs).error(), err::badf);
  EXPECT_EQ(t->arm_at(kOneMs).error(), err::badf);
  EXPECT_EQ(t->disarm().error(), err::badf);
  EXPECT_EQ(t->read().error(), err::badf);
  EXPECT_EQ(t->get_time().error(), err::badf);
}

}  // namespace
}  // namespace zring::core
