// core/handle.h: which handle models which concept (checked at compile
// time), and generic code written against the concepts run on real
// handles.
#include "zring/core/handle.h"

#include <poll.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include <gtest/gtest.h>

#include "zring/core/event_fd.h"
#include "zring/core/fd.h"
#include "zring/core/mem_fd.h"
#include "zring/core/pid_fd.h"
#include "zring/core/process.h"
#include "zring/core/signal_fd.h"
#include "zring/core/timer_fd.h"

namespace zring::core {
namespace {

// Every handle is pollable and closable.
static_assert(PollCloser<Fd>);
static_assert(PollCloser<EventFd>);
static_assert(PollCloser<TimerFd>);
static_assert(PollCloser<PidFd>);
static_assert(PollCloser<MemFd>);
static_assert(PollCloser<SignalFd>);

// Byte I/O: Fd and MemFd only.
static_assert(Handle<Fd>);
static_assert(Handle<MemFd>);
static_assert(!Handle<EventFd>);
static_assert(!Handle<TimerFd>);
static_assert(!Handle<PidFd>);
static_assert(!Handle<SignalFd>);

// Signaler: EventFd only.
static_assert(Signaler<EventFd>);
static_assert(!Signaler<Fd> && !Signaler<TimerFd> && !Signaler<PidFd> &&
              !Signaler<MemFd> && !Signaler<SignalFd>);

// Timer: TimerFd only.
static_assert(Timer<TimerFd>);
static_assert(!Timer<Fd> && !Timer<EventFd> && !Timer<PidFd> &&
              !Timer<MemFd> && !Timer<SignalFd>);

// Things that are not handles.
static_assert(!Pollable<int>);
static_assert(!Pollable<Mapping>);
struct OnlyGet {
  int get() const { return 3; }
};
static_assert(Pollable<OnlyGet> && !PollCloser<OnlyGet>,
              "get() alone makes a Pollable, not a PollCloser");
struct WrongGet {
  long get() const { return 3; }
};
static_assert(!Pollable<WrongGet>, "get() must return exactly int");

// A Signaler need not be fd-based.
struct CountingSignaler {
  uint64_t count = 0;
  Result<void> signal(uint64_t n) {
    count += n;
    return Ok();
  }
  Result<uint64_t> wait() { return count; }
};
static_assert(Signaler<CountingSignaler> && !Pollable<CountingSignaler>);

// Generic code over the concepts.
template <Pollable H>
bool ReadableNow(const H& h) {
  pollfd p{h.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

template <PollCloser H>
bool CloseTwiceLeavesInvalid(H& h) {
  return h.close().ok() && h.close().ok() && h.get() == -1;
}

template <class S>
  requires Signaler<S> && Pollable<S>
uint64_t RoundTrip(S& s, uint64_t n) {
  if (!s.signal(n).ok() || !ReadableNow(s)) return 0;
  return s.wait().value_or(0);
}

TEST(Handle, GenericSignalerRoundTrip) {
  Result<EventFd> ev = EventFd::Create();
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(RoundTrip(*ev, 11), 11u);
  EXPECT_FALSE(ReadableNow(*ev));
}

TEST(Handle, GenericCloseOnEveryHandle) {
  Result<EventFd> ev = EventFd::Create();
  Result<TimerFd> timer = TimerFd::Create();
  Result<PidFd> self = PidFd::Open(getpid());
  Result<MemFd> mem = MemFd::Create("zring-handle-test");
  Result<SignalFd> sig = SignalFd::Create(SigSet{}.add(sig::usr1));
  ASSERT_TRUE(ev.ok() && timer.ok() && self.ok() && mem.ok() && sig.ok());
  Fd fd(::dup(mem->get()));
  ASSERT_TRUE(fd.valid());
  EXPECT_TRUE(CloseTwiceLeavesInvalid(fd));
  EXPECT_TRUE(CloseTwiceLeavesInvalid(*ev));
  EXPECT_TRUE(CloseTwiceLeavesInvalid(*timer));
  EXPECT_TRUE(CloseTwiceLeavesInvalid(*self));
  EXPECT_TRUE(CloseTwiceLeavesInvalid(*mem));
  EXPECT_TRUE(CloseTwiceLeavesInvalid(*sig));
}

}  // namespace
}  // namespace zring::core
