// core/event_fd.h against the real kernel: counting, semaphore mode,
// readiness, blocking mode across threads, and errors.
#include "zring/core/event_fd.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <thread>

#include <gtest/gtest.h>

#include "zring/core/handle.h"

namespace zring::core {
namespace {

static_assert(PollCloser<EventFd> && Signaler<EventFd>,
              "EventFd is a pollable, closable signaler");
static_assert(!Handle<EventFd>, "EventFd speaks in counts, not bytes");
static_assert(!Timer<EventFd>);

// The poll events of `fd` right now (0 if none), without waiting.
short ReadyNow(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 ? p.revents : 0;
}

TEST(EventFd, CreateDefaultsAreCloexecAndNonblocking) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok()) << ev.error().name();
  EXPECT_TRUE(ev->valid());
  EXPECT_EQ(::fcntl(ev->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_NE(::fcntl(ev->get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(EventFd, SignalsAddUpAndWaitTakesTheSum) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  ASSERT_TRUE(ev->signal(2).ok());
  ASSERT_TRUE(ev->signal(3).ok());
  ASSERT_TRUE(ev->signal().ok());
  Result<uint64_t> n = ev->wait();
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 6u);
  EXPECT_EQ(ev->wait().error(), err::again);  // the counter is back to 0
}

TEST(EventFd, InitialValueIsReadable) {
  Result<EventFd> ev = EventFd::Create(4);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->wait().value_or(0), 4u);
}

TEST(EventFd, WaitOnEmptyIsEagain) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  Result<uint64_t> n = ev->wait();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), err::again);
}

TEST(EventFd, SemaphoreModeTakesOneAtATime) {
  Result<EventFd> ev = EventFd::Create(0, {.semaphore = true});
  ASSERT_TRUE(ev.ok());
  ASSERT_TRUE(ev->signal(3).ok());
  for (int i = 0; i < 3; ++i) {
    Result<uint64_t> n = ev->wait();
    ASSERT_TRUE(n.ok()) << "wait " << i << ": " << n.error().name();
    EXPECT_EQ(*n, 1u);
  }
  EXPECT_EQ(ev->wait().error(), err::again);
}

TEST(EventFd, PollReadinessFollowsTheCounter) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ReadyNow(ev->get()) & POLLIN, 0);
  ASSERT_TRUE(ev->signal().ok());
  EXPECT_NE(ReadyNow(ev->get()) & POLLIN, 0);
  ASSERT_TRUE(ev->wait().ok());
  EXPECT_EQ(ReadyNow(ev->get()) & POLLIN, 0);
}

TEST(EventFd, BlockingWaitIsWokenByAnotherThread) {
  Result<EventFd> ev = EventFd::Create(0, {.nonblocking = false});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(::fcntl(ev->get(), F_GETFL) & O_NONBLOCK, 0);
  Result<uint64_t> got = err::inval;
  std::thread waiter([&] { got = ev->wait(); });  // blocks until signalled
  ASSERT_TRUE(ev->signal(9).ok());
  waiter.join();
  ASSERT_TRUE(got.ok()) << got.error().name();
  EXPECT_EQ(*got, 9u);
}

TEST(EventFd, SignalOfMaxIsEinval) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  Result<void> r = ev->signal(UINT64_MAX);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::inval);
}

TEST(EventFd, SignalPastTheLimitIsEagainWhenNonblocking) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  ASSERT_TRUE(ev->signal(UINT64_MAX - 1).ok());  // the largest count
  EXPECT_EQ(ev->signal(1).error(), err::again);
}

TEST(EventFd, ClosedEventFdIsEbadf) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  int raw = ev->get();
  ASSERT_TRUE(ev->close().ok());
  EXPECT_TRUE(ev->close().ok());
  EXPECT_FALSE(ev->valid());
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
  EXPECT_EQ(ev->signal().error(), err::badf);
  EXPECT_EQ(ev->wait().error(), err::badf);
}

TEST(EventFd, MoveKeepsTheCounter) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  ASSERT_TRUE(ev->signal(5).ok());
  EventFd moved = std::move(ev).value();
  EXPECT_EQ(moved.wait().value_or(0), 5u);
}

}  // namespace
}  // namespace zring::core
