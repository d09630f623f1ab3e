// core/event.h against the real kernel: eventfd, timerfd, signalfd, epoll
// and ppoll, on success paths (compared with glibc where it helps) and with
// the exact Errno on error paths. Nothing sleeps and hopes: readiness is
// created before it is checked, and timers are set in the past or far in
// the future.
#include "zring/core/event.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include <gtest/gtest.h>

#include "zring/core/io.h"
#include "zring/core/memory.h"
#include "zring/core/process.h"

namespace zring::core {
namespace {

// EPOLL_CLOEXEC and TFD_CLOEXEC are enumerators in the global namespace, so
// passing one alone would let argument-dependent lookup find glibc's
// function of the same name beside ours.
constexpr int kEpollCloexec = EPOLL_CLOEXEC;
constexpr int kTfdCloexec = TFD_CLOEXEC;

int ClosedFd() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ::close(fd);
  return fd;
}

struct Pipe {
  Pipe() {
    Result<PipeFds> p = pipe2(O_NONBLOCK | O_CLOEXEC);
    EXPECT_TRUE(p.ok());
    if (p) fds = *p;
  }
  ~Pipe() {
    ::close(fds.read);
    ::close(fds.write);
  }
  PipeFds fds{-1, -1};
};

// --- eventfd2 --------------------------------------------------------------

TEST(Eventfd2, CounterAddsAndReadClears) {
  Result<int> fd = eventfd2(5, EFD_CLOEXEC | EFD_NONBLOCK);
  ASSERT_TRUE(fd.ok()) << fd.error().name();
  uint64_t add = 7;
  ASSERT_EQ(::write(*fd, &add, 8), 8);
  uint64_t v = 0;
  ASSERT_EQ(::read(*fd, &v, 8), 8);
  EXPECT_EQ(v, 12u);
  EXPECT_EQ(read(*fd, &v, 8).error(), err::again);  // cleared, nonblocking
  ::close(*fd);
}

TEST(Eventfd2, SemaphoreCountsDownByOne) {
  Result<int> fd = eventfd2(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_TRUE(fd.ok());
  uint64_t v = 0;
  ASSERT_EQ(::read(*fd, &v, 8), 8);
  EXPECT_EQ(v, 1u);
  ASSERT_EQ(::read(*fd, &v, 8), 8);
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(read(*fd, &v, 8).error(), err::again);
  ::close(*fd);
}

TEST(Eventfd2, Errors) {
  EXPECT_EQ(eventfd2(0, 0x7f).error(), err::inval);
  Result<int> fd = eventfd2(0, EFD_CLOEXEC);
  ASSERT_TRUE(fd.ok());
  uint32_t small = 0;
  EXPECT_EQ(read(*fd, &small, 4).error(), err::inval);  // must read 8 bytes
  ::close(*fd);
}

// --- timerfd ---------------------------------------------------------------

TEST(Timerfd, CreateAndErrors) {
  Result<int> fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  ASSERT_TRUE(fd.ok()) << fd.error().name();
  EXPECT_NE(::fcntl(*fd, F_GETFL) & O_NONBLOCK, 0);
  ::close(*fd);
  EXPECT_EQ(timerfd_create(12345, 0).error(), err::inval);
  EXPECT_EQ(timerfd_create(CLOCK_MONOTONIC, 0x7).error(), err::inval);
}

TEST(Timerfd, SetAndGetTime) {
  Result<int> fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  ASSERT_TRUE(fd.ok());
  ItimerSpec in{};
  in.value = Timespec{3600, 0};
  in.interval = Timespec{5, 250};
  ASSERT_TRUE(timerfd_settime(*fd, 0, in).ok());
  Result<ItimerSpec> cur = timerfd_gettime(*fd);
  ASSERT_TRUE(cur.ok());
  EXPECT_LE(cur->value.sec, 3600);
  EXPECT_GE(cur->value.sec, 3500);
  EXPECT_EQ(cur->interval, (Timespec{5, 250}));
  // glibc sees the same setting.
  struct itimerspec theirs;
  ASSERT_EQ(::timerfd_gettime(*fd, &theirs), 0);
  EXPECT_EQ(theirs.it_interval.tv_sec, 5);
  EXPECT_EQ(theirs.it_interval.tv_nsec, 250);
  // Disarm; the old setting comes back.
  ItimerSpec old{};
  ASSERT_TRUE(timerfd_settime(*fd, 0, ItimerSpec{}, &old).ok());
  EXPECT_EQ(old.interval, (Timespec{5, 250}));
  EXPECT_GT(old.value.sec, 0);
  cur = timerfd_gettime(*fd);
  ASSERT_TRUE(cur.ok());
  EXPECT_EQ(cur->value, (Timespec{0, 0}));
  uint64_t ticks;
  EXPECT_EQ(read(*fd, &ticks, 8).error(), err::again);
  ::close(*fd);
}

TEST(Timerfd, AbsoluteTimeInThePastExpiresOnce) {
  Result<int> fd = timerfd_create(CLOCK_MONOTONIC, kTfdCloexec);  // blocking
  ASSERT_TRUE(fd.ok());
  ItimerSpec past{};
  past.value = Timespec{0, 1};
  ASSERT_TRUE(timerfd_settime(*fd, TFD_TIMER_ABSTIME, past).ok());
  uint64_t ticks = 0;
  Result<size_t> n = read(*fd, &ticks, 8);  // returns as soon as it fires
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 8u);
  EXPECT_EQ(ticks, 1u);
  ::close(*fd);
}

TEST(Timerfd, SettimeGettimeErrors) {
  Result<int> fd = timerfd_create(CLOCK_MONOTONIC, kTfdCloexec);
  ASSERT_TRUE(fd.ok());
  ItimerSpec bad{};
  bad.value = Timespec{0, 1'000'000'000};
  EXPECT_EQ(timerfd_settime(*fd, 0, bad).error(), err::inval);
  EXPECT_EQ(timerfd_settime(*fd, 0x100, ItimerSpec{}).error(), err::inval);
  EXPECT_EQ(timerfd_settime(*fd, 0, ItimerSpec{}, reinterpret_cast<ItimerSpec*>(8))
                .error(),
            err::fault);
  ::close(*fd);
  EXPECT_EQ(timerfd_settime(ClosedFd(), 0, ItimerSpec{}).error(), err::badf);
  EXPECT_EQ(timerfd_gettime(ClosedFd()).error(), err::badf);
  Pipe p;
  EXPECT_EQ(timerfd_gettime(p.fds.read).error(), err::inval);  // not a timerfd
}

// --- signalfd4 -------------------------------------------------------------

// Blocks `sig` for the test's lifetime and restores the previous mask.
class BlockedSignal {
 public:
  explicit BlockedSignal(int sig) {
    SigSet set;
    set.add(sig);
    EXPECT_TRUE(rt_sigprocmask(SIG_BLOCK, &set, &old_).ok());
  }
  ~BlockedSignal() { (void)rt_sigprocmask(SIG_SETMASK, &old_, nullptr); }

 private:
  SigSet old_;
};

TEST(Signalfd4, ReadsABlockedSignal) {
  BlockedSignal blocked(SIGUSR1);
  SigSet mask;
  mask.add(SIGUSR1);
  Result<int> fd = signalfd4(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
  ASSERT_TRUE(fd.ok()) << fd.error().name();
  SignalfdSiginfo info{};
  EXPECT_EQ(read(*fd, &info, sizeof info).error(), err::again);  // none yet
  ASSERT_TRUE(tgkill(getpid(), gettid(), SIGUSR1).ok());
  Result<size_t> n = read(*fd, &info, sizeof info);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, sizeof(SignalfdSiginfo));
  EXPECT_EQ(info.signo, static_cast<uint32_t>(SIGUSR1));
  EXPECT_EQ(info.pid, static_cast<uint32_t>(::getpid()));
  EXPECT_EQ(info.uid, static_cast<uint32_t>(::getuid()));
  EXPECT_EQ(info.code, SI_TKILL);
  ::close(*fd);
}

TEST(Signalfd4, ChangesTheMaskOfAnExistingFd) {
  BlockedSignal blocked(SIGUSR2);
  Result<int> fd = signalfd4(-1, SigSet{}.add(SIGUSR1), SFD_CLOEXEC | SFD_NONBLOCK);
  ASSERT_TRUE(fd.ok());
  Result<int> same = signalfd4(*fd, SigSet{}.add(SIGUSR2), 0);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *fd);
  ASSERT_TRUE(tgkill(getpid(), gettid(), SIGUSR2).ok());
  SignalfdSiginfo info{};
  ASSERT_TRUE(read(*fd, &info, sizeof info).ok());
  EXPECT_EQ(info.signo, static_cast<uint32_t>(SIGUSR2));
  ::close(*fd);
}

TEST(Signalfd4, Errors) {
  SigSet mask;
  mask.add(SIGUSR1);
  EXPECT_EQ(signalfd4(-1, mask, 0x7).error(), err::inval);
  Pipe p;
  EXPECT_EQ(signalfd4(p.fds.read, mask, 0).error(), err::inval);  // not a signalfd
  EXPECT_EQ(signalfd4(ClosedFd(), mask, 0).error(), err::badf);
}

// --- epoll -----------------------------------------------------------------

TEST(Epoll, Create1AndErrors) {
  Result<int> ep = epoll_create1(kEpollCloexec);
  ASSERT_TRUE(ep.ok());
  EXPECT_NE(::fcntl(*ep, F_GETFD) & FD_CLOEXEC, 0);
  ::close(*ep);
  EXPECT_EQ(epoll_create1(0x1).error(), err::inval);
}

TEST(Epoll, CtlErrors) {
  Result<int> ep = epoll_create1(kEpollCloexec);
  ASSERT_TRUE(ep.ok());
  Pipe p;
  EpollEvent ev{EPOLLIN, 1};
  ASSERT_TRUE(epoll_ctl(*ep, EPOLL_CTL_ADD, p.fds.read, &ev).ok());
  EXPECT_EQ(epoll_ctl(*ep, EPOLL_CTL_ADD, p.fds.read, &ev).error(), err::exist);
  EXPECT_EQ(epoll_ctl(*ep, EPOLL_CTL_MOD, p.fds.write, &ev).error(), err::noent);
  EXPECT_EQ(epoll_ctl(*ep, EPOLL_CTL_DEL, p.fds.write, nullptr).error(), err::noent);
  EXPECT_TRUE(epoll_ctl(*ep, EPOLL_CTL_DEL, p.fds.read, nullptr).ok());
  EXPECT_EQ(epoll_ctl(*ep, 99, p.fds.read, &ev).error(), err::inval);
  EXPECT_EQ(epoll_ctl(*ep, EPOLL_CTL_ADD, *ep, &ev).error(), err::inval);  // itself
  EXPECT_EQ(epoll_ctl(*ep, EPOLL_CTL_ADD, p.fds.read,
                      reinterpret_cast<const EpollEvent*>(8))
                .error(),
            err::fault);
  EXPECT_EQ(epoll_ctl(ClosedFd(), EPOLL_CTL_ADD, p.fds.read, &ev).error(), err::badf);
  ::close(*ep);
}

TEST(Epoll, RegularFileIsEperm) {
  Result<int> ep = epoll_create1(kEpollCloexec);
  ASSERT_TRUE(ep.ok());
  Result<int> file = memfd_create("zring-epoll", MFD_CLOEXEC);
  ASSERT_TRUE(file.ok());
  EpollEvent ev{EPOLLIN, 0};
  EXPECT_EQ(epoll_ctl(*ep, EPOLL_CTL_ADD, *file, &ev).error(), err::perm);
  ::close(*file);
  ::close(*ep);
}

TEST(Epoll, PwaitReportsWhatGlibcReports) {
  Result<int> ep = epoll_create1(kEpollCloexec);
  ASSERT_TRUE(ep.ok());
  Pipe a, b;
  EpollEvent ea{EPOLLIN, 0xA};
  EpollEvent eb{EPOLLIN, 0xB};
  EpollEvent ew{EPOLLOUT, 0xC};
  ASSERT_TRUE(epoll_ctl(*ep, EPOLL_CTL_ADD, a.fds.read, &ea).ok());
  ASSERT_TRUE(epoll_ctl(*ep, EPOLL_CTL_ADD, b.fds.read, &eb).ok());
  EpollEvent ready[4];
  Result<int> n = epoll_pwait(*ep, ready, 4, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);  // nothing written yet
  ASSERT_EQ(::write(b.fds.write, "b", 1), 1);
  ASSERT_TRUE(epoll_ctl(*ep, EPOLL_CTL_ADD, a.fds.write, &ew).ok());  // writable now
  n = epoll_pwait(*ep, ready, 4, -1);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 2);
  struct epoll_event theirs[4];
  ASSERT_EQ(::epoll_wait(*ep, theirs, 4, 0), 2);  // level-triggered: same answer
  uint64_t ours_data = 0, glibc_data = 0;
  for (int i = 0; i < 2; ++i) {
    uint64_t data = ready[i].data;  // packed on x86_64: copy, do not bind
    ours_data |= data;
    glibc_data |= theirs[i].data.u64;
    if (data == 0xB) {
      EXPECT_EQ(ready[i].events, static_cast<uint32_t>(EPOLLIN));
    }
    if (data == 0xC) {
      EXPECT_EQ(ready[i].events, static_cast<uint32_t>(EPOLLOUT));
    }
  }
  EXPECT_EQ(ours_data, 0xBu | 0xCu);
  EXPECT_EQ(glibc_data, ours_data);
  ::close(*ep);
}

TEST(Epoll, PwaitWithSigmaskAndTimeout) {
  Result<int> ep = epoll_create1(kEpollCloexec);
  ASSERT_TRUE(ep.ok());
  SigSet mask;
  mask.add(SIGUSR1);
  EpollEvent ready[1];
  Result<int> n = epoll_pwait(*ep, ready, 1, 1, &mask);  // 1 ms, nothing ready
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 0);
  // The mask is only for the wait: ours is unchanged afterwards.
  SigSet now;
  ASSERT_TRUE(rt_sigprocmask(SIG_BLOCK, nullptr, &now).ok());
  EXPECT_FALSE(now.has(SIGUSR1));
  ::close(*ep);
}

TEST(Epoll, PwaitErrors) {
  Result<int> ep = epoll_create1(kEpollCloexec);
  ASSERT_TRUE(ep.ok());
  EpollEvent ready[1];
  EXPECT_EQ(epoll_pwait(*ep, ready, 0, 0).error(), err::inval);
  EXPECT_EQ(epoll_pwait(*ep, ready, -1, 0).error(), err::inval);
  Pipe p;
  EXPECT_EQ(epoll_pwait(p.fds.read, ready, 1, 0).error(), err::inval);  // not epoll
  EXPECT_EQ(epoll_pwait(ClosedFd(), ready, 1, 0).error(), err::badf);
  EpollEvent ev{EPOLLOUT, 1};
  ASSERT_TRUE(epoll_ctl(*ep, EPOLL_CTL_ADD, p.fds.write, &ev).ok());
  EXPECT_EQ(epoll_pwait(*ep, reinterpret_cast<EpollEvent*>(8), 1, 0).error(), err::fault);
  ::close(*ep);
}

// --- ppoll -----------------------------------------------------------------

TEST(Ppoll, ReadinessAndTimeoutLeftAlone) {
  Pipe p;
  PollEntry fds[3] = {{p.fds.read, POLLIN, 0}, {p.fds.write, POLLOUT, 0}, {-1, POLLIN, 7}};
  const Timespec zero{0, 0};
  Result<int> n = ppoll(fds, 3, &zero);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);  // only the write end
  EXPECT_EQ(fds[0].revents, 0);
  EXPECT_EQ(fds[1].revents, POLLOUT);
  EXPECT_EQ(fds[2].revents, 0);  // negative fd: ignored, revents cleared
  ASSERT_EQ(::write(p.fds.write, "x", 1), 1);
  Timespec hour{3600, 0};
  n = ppoll(fds, 1, &hour);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(fds[0].revents, POLLIN);
  EXPECT_EQ(hour, (Timespec{3600, 0}));  // the kernel's write-back went to a copy
  // Same answer from glibc.
  struct pollfd theirs{p.fds.read, POLLIN, 0};
  EXPECT_EQ(::poll(&theirs, 1, 0), 1);
  EXPECT_EQ(theirs.revents, fds[0].revents);
}

TEST(Ppoll, NullTimeoutAndSigmask) {
  Pipe p;
  PollEntry fd{p.fds.write, POLLOUT, 0};
  SigSet mask;
  mask.add(SIGUSR1);
  Result<int> n = ppoll(&fd, 1, nullptr, &mask);  // writable: returns at once
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  PollEntry closed{ClosedFd(), POLLIN, 0};
  const Timespec zero{0, 0};
  n = ppoll(&closed, 1, &zero);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(closed.revents, POLLNVAL);
}

TEST(Ppoll, Errors) {
  PollEntry none{-1, 0, 0};
  const Timespec bad{0, -1};
  EXPECT_EQ(ppoll(&none, 1, &bad).error(), err::inval);
  const Timespec zero{0, 0};
  EXPECT_EQ(ppoll(reinterpret_cast<PollEntry*>(8), 1, &zero).error(), err::fault);
  EXPECT_EQ(ppoll(&none, 0xFFFFFFFFu, &zero).error(), err::inval);  // > RLIMIT_NOFILE
}

}  // namespace
}  // namespace zring::core
