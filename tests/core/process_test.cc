// core/process.h against the real kernel: ids, signals and pidfds, child
// reaping, prctl, limits, random bytes, clocks and sleeps, futexes and CPU
// affinity. Children are forked and reaped deterministically: a child that
// must be running pauses until it is killed.
#include "zring/core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

#include "zring/core/event.h"
#include "zring/core/io.h"

namespace zring::core {
namespace {

constexpr int kNoSuchPid = 0x3fffffff;  // above the kernel's PID_MAX_LIMIT

int ClosedFd() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ::close(fd);
  return fd;
}

// A child that sleeps until it is killed.
int ForkPausingChild() {
  int pid = ::fork();
  if (pid == 0) {
    for (;;) ::pause();
  }
  return pid;
}

// --- ids -------------------------------------------------------------------

TEST(ProcessIds, MatchGlibc) {
  EXPECT_EQ(getpid(), ::getpid());
  EXPECT_EQ(getppid(), ::getppid());
  EXPECT_EQ(gettid(), ::gettid());
  EXPECT_EQ(gettid(), getpid());  // gtest runs tests on the main thread
  int other = 0;
  std::thread([&] { other = gettid(); }).join();
  EXPECT_NE(other, getpid());
  EXPECT_GT(other, 0);
}

// --- kill / tgkill ---------------------------------------------------------

TEST(Kill, SignalZeroChecksExistence) {
  EXPECT_TRUE(kill(getpid(), 0).ok());
  EXPECT_EQ(kill(kNoSuchPid, 0).error(), err::srch);
  EXPECT_EQ(kill(getpid(), 1000).error(), err::inval);
}

TEST(Kill, KillsAChild) {
  int child = ForkPausingChild();
  ASSERT_GT(child, 0);
  ASSERT_TRUE(kill(child, SIGKILL).ok());
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(Tgkill, TargetsOneThread) {
  EXPECT_TRUE(tgkill(getpid(), gettid(), 0).ok());
  EXPECT_EQ(tgkill(getpid(), kNoSuchPid, 0).error(), err::srch);
  EXPECT_EQ(tgkill(getpid(), gettid(), 1000).error(), err::inval);
  EXPECT_EQ(tgkill(0, gettid(), 0).error(), err::inval);
  EXPECT_EQ(tgkill(getppid(), gettid(), 0).error(), err::srch);  // wrong group
}

// --- pidfds ----------------------------------------------------------------

TEST(Pidfd, OpenSelfAndErrors) {
  Result<int> pfd = pidfd_open(getpid(), 0);
  ASSERT_TRUE(pfd.ok()) << pfd.error().name();
  EXPECT_NE(::fcntl(*pfd, F_GETFD) & FD_CLOEXEC, 0);  // pidfds are always cloexec
  ::close(*pfd);
  EXPECT_EQ(pidfd_open(kNoSuchPid, 0).error(), err::srch);
  EXPECT_EQ(pidfd_open(-1, 0).error(), err::inval);
  EXPECT_EQ(pidfd_open(getpid(), 0x1).error(), err::inval);
}

TEST(Pidfd, GetfdDuplicatesAnotherProcesssFd) {
  Result<PipeFds> p = pipe2(O_CLOEXEC | O_NONBLOCK);
  ASSERT_TRUE(p.ok());
  Result<int> self = pidfd_open(getpid(), 0);
  ASSERT_TRUE(self.ok());
  Result<int> dup = pidfd_getfd(*self, p->write, 0);
  ASSERT_TRUE(dup.ok()) << dup.error().name();
  EXPECT_NE(*dup, p->write);
  ASSERT_EQ(::write(*dup, "g", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(p->read, &c, 1), 1);
  EXPECT_EQ(c, 'g');
  EXPECT_EQ(pidfd_getfd(*self, p->write, 1).error(), err::inval);
  EXPECT_EQ(pidfd_getfd(*self, ClosedFd(), 0).error(), err::badf);
  EXPECT_EQ(pidfd_getfd(p->read, p->write, 0).error(), err::badf);  // not a pidfd
  ::close(*dup);
  ::close(*self);
  ::close(p->read);
  ::close(p->write);
}

TEST(Pidfd, SendSignalThenWaitidThroughThePidfd) {
  int child = ForkPausingChild();
  ASSERT_GT(child, 0);
  Result<int> pfd = pidfd_open(child, 0);
  ASSERT_TRUE(pfd.ok());
  ASSERT_TRUE(pidfd_send_signal(*pfd, SIGKILL).ok());
  PollEntry readable{*pfd, POLLIN, 0};
  Result<int> n = ppoll(&readable, 1, nullptr);  // readable once it has exited
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  SigInfo info{};
  ASSERT_TRUE(waitid(P_PIDFD, *pfd, &info, WEXITED).ok());
  EXPECT_EQ(info.signo, SIGCHLD);
  EXPECT_EQ(info.code, CLD_KILLED);
  EXPECT_EQ(info.pid(), child);
  EXPECT_EQ(info.status(), SIGKILL);
  EXPECT_EQ(info.uid(), ::getuid());
  // Reaped: the pidfd still exists, but signalling a reaped process fails.
  EXPECT_EQ(pidfd_send_signal(*pfd, 0).error(), err::srch);
  ::close(*pfd);
}

TEST(Pidfd, SendSignalErrors) {
  Result<int> self = pidfd_open(getpid(), 0);
  ASSERT_TRUE(self.ok());
  EXPECT_TRUE(pidfd_send_signal(*self, 0).ok());
  EXPECT_EQ(pidfd_send_signal(*self, 1000).error(), err::inval);
  EXPECT_EQ(pidfd_send_signal(*self, 0, nullptr, 0xff00).error(), err::inval);
  EXPECT_EQ(pidfd_send_signal(*self, SIGUSR1, reinterpret_cast<const SigInfo*>(8))
                .error(),
            err::fault);
  ::close(*self);
  EXPECT_EQ(pidfd_send_signal(ClosedFd(), 0).error(), err::badf);
}

// --- waitid ----------------------------------------------------------------

TEST(Waitid, ReportsExitStatus) {
  int child = ::fork();
  if (child == 0) ::_exit(7);
  ASSERT_GT(child, 0);
  SigInfo info{};
  ASSERT_TRUE(waitid(P_PID, child, &info, WEXITED).ok());
  EXPECT_EQ(info.signo, SIGCHLD);
  EXPECT_EQ(info.code, CLD_EXITED);
  EXPECT_EQ(info.pid(), child);
  EXPECT_EQ(info.status(), 7);
  // Reaped: nothing left to wait for.
  EXPECT_EQ(waitid(P_PID, child, &info, WEXITED).error(), err::child);
}

TEST(Waitid, NohangOnARunningChild) {
  int child = ForkPausingChild();
  ASSERT_GT(child, 0);
  SigInfo info{};
  info.child.pid = -5;
  ASSERT_TRUE(waitid(P_PID, child, &info, WEXITED | WNOHANG).ok());
  EXPECT_EQ(info.pid(), 0);  // nothing to report, and the kernel says so
  EXPECT_EQ(info.signo, 0);
  EXPECT_EQ(waitid(P_PID, child, reinterpret_cast<SigInfo*>(8), WEXITED | WNOHANG)
                .error(),
            err::fault);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  ASSERT_TRUE(waitid(P_PID, child, &info, WEXITED).ok());
  EXPECT_EQ(info.code, CLD_KILLED);
}

TEST(Waitid, Errors) {
  SigInfo info{};
  EXPECT_EQ(waitid(P_PID, getpid(), &info, WEXITED).error(), err::child);
  EXPECT_EQ(waitid(P_ALL, 0, &info, 0).error(), err::inval);  // no W* state
  EXPECT_EQ(waitid(99, 0, &info, WEXITED).error(), err::inval);
  EXPECT_EQ(waitid(P_PIDFD, ClosedFd(), &info, WEXITED).error(), err::badf);
}

// --- prctl / rt_sigprocmask ------------------------------------------------

TEST(Prctl, SetAndGetThreadName) {
  char saved[16] = {};
  ASSERT_EQ(::prctl(PR_GET_NAME, saved), 0);
  ASSERT_TRUE(prctl(PR_SET_NAME, arg("zring-proc")).ok());
  char name[16] = {};
  Result<int> r = prctl(PR_GET_NAME, arg(name));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0);
  EXPECT_STREQ(name, "zring-proc");
  char theirs[16] = {};
  ASSERT_EQ(::prctl(PR_GET_NAME, theirs), 0);
  EXPECT_STREQ(theirs, "zring-proc");
  ASSERT_TRUE(prctl(PR_SET_NAME, arg(saved)).ok());
  // A getter that answers in its return value.
  Result<int> dumpable = prctl(PR_GET_DUMPABLE);
  ASSERT_TRUE(dumpable.ok());
  EXPECT_EQ(*dumpable, ::prctl(PR_GET_DUMPABLE));
}

TEST(Prctl, Errors) {
  EXPECT_EQ(prctl(0xdead).error(), err::inval);
  EXPECT_EQ(prctl(PR_GET_NAME, 8).error(), err::fault);
  EXPECT_EQ(prctl(PR_SET_PDEATHSIG, 1000).error(), err::inval);
}

TEST(RtSigprocmask, BlockReadBackAndRestore) {
  SigSet old;
  ASSERT_TRUE(rt_sigprocmask(SIG_BLOCK, nullptr, &old).ok());
  SigSet block;
  block.add(SIGUSR2).add(SIGKILL);
  ASSERT_TRUE(rt_sigprocmask(SIG_BLOCK, &block, nullptr).ok());
  sigset_t theirs;
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, nullptr, &theirs), 0);
  EXPECT_EQ(sigismember(&theirs, SIGUSR2), 1);
  SigSet now;
  ASSERT_TRUE(rt_sigprocmask(SIG_SETMASK, nullptr, &now).ok());
  EXPECT_TRUE(now.has(SIGUSR2));
  EXPECT_FALSE(now.has(SIGKILL));  // silently never blocked
  EXPECT_EQ(std::memcmp(&now, &theirs, kSigSetSize), 0);
  ASSERT_TRUE(rt_sigprocmask(SIG_UNBLOCK, &block, nullptr).ok());
  ASSERT_TRUE(rt_sigprocmask(SIG_SETMASK, &old, nullptr).ok());
  ASSERT_TRUE(rt_sigprocmask(SIG_BLOCK, nullptr, &now).ok());
  EXPECT_EQ(now, old);
}

TEST(RtSigprocmask, Errors) {
  SigSet set;
  EXPECT_EQ(rt_sigprocmask(99, &set, nullptr).error(), err::inval);
  EXPECT_EQ(rt_sigprocmask(SIG_BLOCK, reinterpret_cast<const SigSet*>(8), nullptr).error(),
            err::fault);
  EXPECT_EQ(rt_sigprocmask(SIG_BLOCK, nullptr, reinterpret_cast<SigSet*>(8)).error(),
            err::fault);
}

// --- limits and uname ------------------------------------------------------

TEST(Rlimits, MatchGlibc) {
  Result<Rlimit> ours = getrlimit(RLIMIT_NOFILE);
  ASSERT_TRUE(ours.ok());
  struct rlimit theirs;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &theirs), 0);
  EXPECT_EQ(ours->cur, theirs.rlim_cur);
  EXPECT_EQ(ours->max, theirs.rlim_max);
  // Setting the same value back, reading the old one on the way.
  Rlimit old{};
  ASSERT_TRUE(prlimit64(0, RLIMIT_NOFILE, &*ours, &old).ok());
  EXPECT_EQ(old.cur, ours->cur);
  Result<Rlimit> stack = getrlimit(RLIMIT_STACK);
  ASSERT_TRUE(stack.ok());
  ASSERT_EQ(::getrlimit(RLIMIT_STACK, &theirs), 0);
  EXPECT_EQ(stack->cur, theirs.rlim_cur);
}

TEST(Rlimits, Errors) {
  EXPECT_EQ(getrlimit(999).error(), err::inval);
  Result<Rlimit> cur = getrlimit(RLIMIT_NOFILE);
  ASSERT_TRUE(cur.ok());
  if (cur->max != Rlimit::kRlimInfinity) {
    Rlimit above{cur->max + 1, cur->max};  // soft above hard
    EXPECT_EQ(prlimit64(0, RLIMIT_NOFILE, &above, nullptr).error(), err::inval);
  }
  EXPECT_EQ(prlimit64(kNoSuchPid, RLIMIT_NOFILE, nullptr, &*cur).error(), err::srch);
  EXPECT_EQ(prlimit64(0, RLIMIT_NOFILE, nullptr, reinterpret_cast<Rlimit*>(8)).error(),
            err::fault);
}

TEST(Uname, MatchesGlibc) {
  Utsname ours{};
  ASSERT_TRUE(uname(&ours).ok());
  struct utsname theirs;
  ASSERT_EQ(::uname(&theirs), 0);
  EXPECT_STREQ(ours.sysname, "Linux");
  EXPECT_STREQ(ours.release, theirs.release);
  EXPECT_STREQ(ours.machine, theirs.machine);
  EXPECT_STREQ(ours.nodename, theirs.nodename);
  EXPECT_EQ(uname(reinterpret_cast<Utsname*>(8)).error(), err::fault);
}

// --- scheduling and randomness ---------------------------------------------

TEST(SchedYield, Returns) {
  sched_yield();
  SUCCEED();
}

TEST(Affinity, GetMatchesGlibcAndSetRoundTrips) {
  uint64_t mask[16] = {};
  Result<size_t> words = sched_getaffinity(0, mask, 16);
  ASSERT_TRUE(words.ok()) << words.error().name();
  EXPECT_GE(*words, 1u);
  cpu_set_t theirs;
  CPU_ZERO(&theirs);
  ASSERT_EQ(::sched_getaffinity(0, sizeof theirs, &theirs), 0);
  EXPECT_EQ(std::memcmp(mask, &theirs, *words * 8), 0);
  int cpu = ::sched_getcpu();
  ASSERT_GE(cpu, 0);
  EXPECT_NE(mask[cpu / 64] & (uint64_t{1} << (cpu % 64)), 0u);
  EXPECT_TRUE(sched_setaffinity(0, mask, *words).ok());
  std::thread([&] {
    // Pin another thread to one CPU of the mask; only that thread changes.
    uint64_t one[16] = {};
    one[cpu / 64] = uint64_t{1} << (cpu % 64);
    EXPECT_TRUE(sched_setaffinity(0, one, 16).ok());
    uint64_t back[16] = {};
    ASSERT_TRUE(sched_getaffinity(gettid(), back, 16).ok());
    EXPECT_EQ(std::memcmp(back, one, sizeof one), 0);
  }).join();
}

TEST(Affinity, Errors) {
  uint64_t zero[1] = {0};
  EXPECT_EQ(sched_setaffinity(0, zero, 1).error(), err::inval);  // no CPU at all
  uint64_t mask[16];
  EXPECT_EQ(sched_getaffinity(0, mask, 0).error(), err::inval);
  EXPECT_EQ(sched_getaffinity(kNoSuchPid, mask, 16).error(), err::srch);
  EXPECT_EQ(sched_getaffinity(0, reinterpret_cast<uint64_t*>(8), 16).error(), err::fault);
}

TEST(Getrandom, FillsTheBuffer) {
  unsigned char a[32] = {}, b[32] = {};
  Result<size_t> n = getrandom(a, sizeof a, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, sizeof a);
  ASSERT_TRUE(getrandom(b, sizeof b, GRND_NONBLOCK).ok());
  EXPECT_NE(std::memcmp(a, b, sizeof a), 0);  // 2^-256 chance of a false failure
}

TEST(Getrandom, Errors) {
  unsigned char a[8];
  EXPECT_EQ(getrandom(a, sizeof a, 0x100).error(), err::inval);
  EXPECT_EQ(getrandom(a, sizeof a, GRND_RANDOM | GRND_INSECURE).error(), err::inval);
  EXPECT_EQ(getrandom(reinterpret_cast<void*>(8), 8, 0).error(), err::fault);
}

// --- clocks and sleeping ---------------------------------------------------

TEST(ClockGettime, BetweenTwoGlibcReadings) {
  for (clockid_t clock : {CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME}) {
    struct timespec before, after;
    ASSERT_EQ(::clock_gettime(clock, &before), 0);
    Result<Timespec> now = clock_gettime(clock);
    ASSERT_EQ(::clock_gettime(clock, &after), 0);
    ASSERT_TRUE(now.ok());
    int64_t b = before.tv_sec * 1'000'000'000LL + before.tv_nsec;
    int64_t a = after.tv_sec * 1'000'000'000LL + after.tv_nsec;
    EXPECT_LE(b, now->ToNanos()) << clock;
    EXPECT_LE(now->ToNanos(), a) << clock;
    EXPECT_LT(now->nsec, 1'000'000'000);
  }
}

TEST(ClockGettime, Errors) {
  EXPECT_EQ(clock_gettime(12345).error(), err::inval);
}

TEST(Sleep, ClockNanosleepRelativeAndAbsolute) {
  Result<Timespec> start = clock_gettime(CLOCK_MONOTONIC);
  ASSERT_TRUE(start.ok());
  ASSERT_TRUE(clock_nanosleep(CLOCK_MONOTONIC, 0, Timespec{0, 100'000}).ok());
  Result<Timespec> end = clock_gettime(CLOCK_MONOTONIC);
  ASSERT_TRUE(end.ok());
  EXPECT_GE(end->ToNanos() - start->ToNanos(), 100'000);
  // An absolute deadline already passed returns at once.
  ASSERT_TRUE(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, *start).ok());
}

TEST(Sleep, ClockNanosleepErrors) {
  EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, Timespec{0, 1'000'000'000}).error(),
            err::inval);
  EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, Timespec{-1, 0}).error(), err::inval);
  EXPECT_EQ(clock_nanosleep(12345, 0, Timespec{0, 1}).error(), err::inval);
}

TEST(Sleep, Nanosleep) {
  Timespec rem{9, 9};
  ASSERT_TRUE(nanosleep(Timespec{0, 1000}, &rem).ok());
  EXPECT_TRUE(nanosleep(Timespec{0, 0}).ok());
  EXPECT_EQ(nanosleep(Timespec{0, -1}).error(), err::inval);
  EXPECT_EQ(nanosleep(Timespec{-1, 0}).error(), err::inval);
  EXPECT_EQ(nanosleep(Timespec{0, 1'000'000'000}).error(), err::inval);
}

// --- futexes ---------------------------------------------------------------

TEST(Futex, WakeWithoutWaitersAndMismatchedWait) {
  uint32_t word = 1;
  Result<int> woken = futex_wake(&word, 1);
  ASSERT_TRUE(woken.ok());
  EXPECT_EQ(*woken, 0);
  EXPECT_EQ(futex_wait(&word, 0).error(), err::again);  // *word != expected
}

TEST(Futex, WaitTimesOut) {
  std::atomic<uint32_t> word{0};
  const Timespec ms{0, 1'000'000};
  EXPECT_EQ(futex_wait(&word, 0, &ms).error(), err::timedout);
}

TEST(Futex, WakesAWaiterOnAnotherThread) {
  std::atomic<uint32_t> word{0};
  std::atomic<int> wakeups{0};
  std::thread waiter([&] {
    // The canonical loop: whichever order the threads run in, it ends.
    while (word.load(std::memory_order_acquire) == 0) {
      Result<void> r = futex_wait(&word, 0);
      if (r.ok()) wakeups.fetch_add(1);
      else EXPECT_TRUE(r.error() == err::again || r.error() == err::intr);
    }
  });
  word.store(1, std::memory_order_release);
  Result<int> woken = futex_wake(&word, INT32_MAX);
  ASSERT_TRUE(woken.ok());
  EXPECT_GE(*woken, 0);
  EXPECT_LE(*woken, 1);
  waiter.join();
  EXPECT_EQ(word.load(), 1u);
}

TEST(Futex, Errors) {
  alignas(8) unsigned char bytes[8] = {};
  // A word the kernel sees misaligned (the template accepts only 4-aligned
  // types, so build the pointer by hand).
  const auto* misaligned = reinterpret_cast<const uint32_t*>(bytes + 1);
  EXPECT_EQ(futex_wait(misaligned, 0).error(), err::inval);
  EXPECT_EQ(futex_wake(misaligned, 1).error(), err::inval);
  EXPECT_EQ(futex_wait(reinterpret_cast<const uint32_t*>(8), 0).error(), err::fault);
  uint32_t word = 0;
  const Timespec bad{0, -1};
  EXPECT_EQ(futex_wait(&word, 0, &bad).error(), err::inval);
}

// --- exit_group ------------------------------------------------------------

TEST(ExitGroupDeathTest, ExitsWithTheStatus) {
  EXPECT_EXIT(exit_group(3), ::testing::ExitedWithCode(3), "");
  EXPECT_EXIT(
      {
        std::thread([] { for (;;) ::pause(); }).detach();
        exit_group(4);  // ends every thread, not just this one
      },
      ::testing::ExitedWithCode(4), "");
}

}  // namespace
}  // namespace zring::core
