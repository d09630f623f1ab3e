// core/pid_fd.h against the real kernel, with real child processes. A child
// waits on a pipe (the "gate") and exits when the test closes it, so every
// wait in the test is for an event that certainly comes: no sleeps.
#include "zring/core/pid_fd.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include <gtest/gtest.h>

#include "zring/core/handle.h"

namespace zring::core {
namespace {

static_assert(PollCloser<PidFd>, "PidFd is pollable and closable");
static_assert(!Handle<PidFd> && !Signaler<PidFd> && !Timer<PidFd>);

constexpr int kGenerousMs = 10'000;

// A child process that blocks until the gate closes, then exits with
// `code`. The destructor opens the gate and, if the test did not reap the
// child, kills and reaps it, so no test leaves a process behind.
class Child {
 public:
  // `child_closes` is a descriptor the child closes before it waits (-1:
  // none), so that the test can tell its own copy from the child's.
  explicit Child(int code, int child_closes = -1) {
    int gate[2];
    if (::pipe2(gate, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      // Only async-signal-safe calls from here on.
      ::close(gate[1]);
      if (child_closes >= 0) ::close(child_closes);
      char c;
      while (::read(gate[0], &c, 1) < 0 && errno == EINTR) {
      }
      ::_exit(code);
    }
    ::close(gate[0]);
    gate_ = gate[1];
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    Open();
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  int pid() const { return pid_; }
  // Open(): closes the gate; the child exits.
  void Open() {
    if (gate_ >= 0) ::close(gate_);
    gate_ = -1;
  }
  // Reaped(): the test reaped the child itself (through wait_exit).
  void Reaped() { reaped_ = true; }

 private:
  int pid_ = -1;
  int gate_ = -1;
  bool reaped_ = false;
};

// Waits until `fd` is readable; false if it was not within kGenerousMs.
bool WaitReadable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, kGenerousMs) == 1 && (p.revents & POLLIN) != 0;
}

bool ReadableNow(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

TEST(PidFd, ExitIsReadableAndWaitExitGivesTheCode) {
  Child child(7);
  ASSERT_GT(child.pid(), 0);
  Result<PidFd> pfd = PidFd::Open(child.pid());
  ASSERT_TRUE(pfd.ok()) << pfd.error().name();

  EXPECT_FALSE(ReadableNow(pfd->get()));  // still waiting on the gate
  Result<SigInfo> early = pfd->wait_exit(/*nonblocking=*/true);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error(), err::again);

  child.Open();
  ASSERT_TRUE(WaitReadable(pfd->get()));
  Result<SigInfo> info = pfd->wait_exit();
  ASSERT_TRUE(info.ok()) << info.error().name();
  child.Reaped();
  EXPECT_EQ(info->signo, SIGCHLD);
  EXPECT_EQ(info->code, CLD_EXITED);
  EXPECT_EQ(info->status(), 7);
  EXPECT_EQ(info->pid(), child.pid());

  // Reaped once; there is nothing left to wait for.
  EXPECT_EQ(pfd->wait_exit(true).error(), err::child);
}

TEST(PidFd, NonblockingWaitAfterExitReaps) {
  Child child(3);
  ASSERT_GT(child.pid(), 0);
  Result<PidFd> pfd = PidFd::Open(child.pid());
  ASSERT_TRUE(pfd.ok());
  child.Open();
  ASSERT_TRUE(WaitReadable(pfd->get()));
  Result<SigInfo> info = pfd->wait_exit(true);
  ASSERT_TRUE(info.ok()) << info.error().name();
  child.Reaped();
  EXPECT_EQ(info->code, CLD_EXITED);
  EXPECT_EQ(info->status(), 3);
}

TEST(PidFd, SendSignalKillsTheChild) {
  Child child(0);
  ASSERT_GT(child.pid(), 0);
  Result<PidFd> pfd = PidFd::Open(child.pid());
  ASSERT_TRUE(pfd.ok());
  ASSERT_TRUE(pfd->send_signal(SIGTERM).ok());
  ASSERT_TRUE(WaitReadable(pfd->get()));
  Result<SigInfo> info = pfd->wait_exit();
  ASSERT_TRUE(info.ok()) << info.error().name();
  child.Reaped();
  EXPECT_EQ(info->code, CLD_KILLED);
  EXPECT_EQ(info->status(), SIGTERM);
}

TEST(PidFd, SignalToReapedProcessIsEsrch) {
  Child child(0);
  ASSERT_GT(child.pid(), 0);
  Result<PidFd> pfd = PidFd::Open(child.pid());
  ASSERT_TRUE(pfd.ok());
  EXPECT_TRUE(pfd->send_signal(0).ok());  // alive
  child.Open();
  ASSERT_TRUE(pfd->wait_exit().ok());
  child.Reaped();
  Result<void> r = pfd->send_signal(SIGTERM);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::srch);
}

TEST(PidFd, GetFdCopiesADescriptorOfTheChild) {
  int data[2];
  ASSERT_EQ(::pipe2(data, O_CLOEXEC), 0);
  Child child(0, /*child_closes=*/data[0]);
  ASSERT_GT(child.pid(), 0);
  // From here on, only the child holds the write end under this number.
  int target = data[1];
  ::close(data[1]);
  Result<PidFd> pfd = PidFd::Open(child.pid());
  ASSERT_TRUE(pfd.ok());

  Result<Fd> copy = pfd->get_fd(target);
  if (!copy.ok() && copy.error() == err::perm) {
    ::close(data[0]);
    GTEST_SKIP() << "pidfd_getfd: EPERM (no ptrace rights over the child "
                    "here, e.g. Yama ptrace_scope or a seccomp profile)";
  }
  ASSERT_TRUE(copy.ok()) << copy.error().name();
  EXPECT_EQ(::fcntl(copy->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ASSERT_EQ(copy->write("x", 1).value_or(0), 1u);
  char c = 0;
  ASSERT_EQ(::read(data[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  ::close(data[0]);

  child.Open();
  ASSERT_TRUE(pfd->wait_exit().ok());
  child.Reaped();
}

TEST(PidFd, GetFdOfMissingDescriptorIsEbadf) {
  Child child(0);
  ASSERT_GT(child.pid(), 0);
  Result<PidFd> pfd = PidFd::Open(child.pid());
  ASSERT_TRUE(pfd.ok());
  Result<Fd> copy = pfd->get_fd(100'000);
  ASSERT_FALSE(copy.ok());
  if (copy.error() == err::perm) GTEST_SKIP() << "pidfd_getfd: EPERM here";
  EXPECT_EQ(copy.error(), err::badf);
}

TEST(PidFd, OpenOfNonPositivePidIsEinval) {
  Result<PidFd> neg = PidFd::Open(-1);
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.error(), err::inval);
  Result<PidFd> zero = PidFd::Open(0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error(), err::inval);
}

TEST(PidFd, OpenWithUnknownFlagIsEinval) {
  Result<PidFd> r = PidFd::Open(::getpid(), 0x1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::inval);
}

TEST(PidFd, OpenOfReapedPidIsEsrch) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
  Result<PidFd> r = PidFd::Open(pid);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::srch);
}

TEST(PidFd, OpenOfNonLeaderThreadFails) {
  // The thread sends its tid through `ready`, then stays alive until `hold`
  // is closed: both waits are on pipes.
  int ready[2], hold[2];
  ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(hold, O_CLOEXEC), 0);
  std::thread t([&] {
    pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
    (void)::write(ready[1], &tid, sizeof tid);
    char c;
    (void)::read(hold[0], &c, 1);
  });
  pid_t tid = 0;
  ssize_t got = ::read(ready[0], &tid, sizeof tid);
  Result<PidFd> r = got == sizeof tid ? PidFd::Open(tid) : Result<PidFd>(err::io);
  ::close(hold[1]);
  t.join();
  for (int fd : {ready[0], ready[1], hold[0]}) ::close(fd);
  ASSERT_EQ(got, static_cast<ssize_t>(sizeof tid));
  ASSERT_NE(tid, ::getpid());
  // EINVAL on older kernels, ENOENT on recent ones (seen on 6.18).
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error() == err::inval || r.error() == err::noent)
      << r.error().name();
}

TEST(PidFd, WaitExitOnNonChildIsEchild) {
  Result<PidFd> self = PidFd::Open(::getpid());
  ASSERT_TRUE(self.ok()) << self.error().name();
  Result<SigInfo> r = self->wait_exit(true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::child);
}

TEST(PidFd, NonblockFlagMakesEvenABlockingWaitReturnEagain) {
  Child child(0);
  ASSERT_GT(child.pid(), 0);
  Result<PidFd> pfd = PidFd::Open(child.pid(), pidfd::nonblock);
  ASSERT_TRUE(pfd.ok()) << pfd.error().name();
  Result<SigInfo> r = pfd->wait_exit(/*nonblocking=*/false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::again);
}

TEST(PidFd, DescriptorIsCloexecAndClosedOneIsEbadf) {
  Result<PidFd> self = PidFd::Open(::getpid());
  ASSERT_TRUE(self.ok());
  EXPECT_EQ(::fcntl(self->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ASSERT_TRUE(self->close().ok());
  EXPECT_TRUE(self->close().ok());
  EXPECT_EQ(self->send_signal(0).error(), err::badf);
  EXPECT_EQ(self->get_fd(0).error(), err::badf);
  EXPECT_EQ(self->wait_exit(true).error(), err::badf);
}

}  // namespace
}  // namespace zring::core
