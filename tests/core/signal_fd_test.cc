// core/signal_fd.h against the real kernel. Each case runs in a thread of
// its own, which blocks the signals it uses and sends them to itself with
// tgkill: the rest of the test process keeps its mask, and a signal
// directed at that thread is pending only there.
#include "zring/core/signal_fd.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "zring/core/handle.h"
#include "zring/core/process.h"

namespace zring::core {
namespace {

static_assert(PollCloser<SignalFd>, "SignalFd is pollable and closable");
static_assert(!Handle<SignalFd> && !Signaler<SignalFd> && !Timer<SignalFd>);

constexpr int kGenerousMs = 10'000;

// Runs `body` on a fresh thread and waits for it. gtest's EXPECT_* work
// there; an ASSERT_* ends only `body`.
void OnOwnThread(const std::function<void()>& body) {
  std::thread t(body);
  t.join();
}

// Sends `sig` to the calling thread only.
Result<void> RaiseHere(int sig) { return tgkill(getpid(), gettid(), sig); }

bool WaitReadable(int fd, int timeout_ms = kGenerousMs) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

TEST(SignalFd, ReadGivesTheSignalRaisedInThisThread) {
  OnOwnThread([] {
    SigSet set = SigSet{}.add(SIGUSR1);
    ASSERT_TRUE(SignalFd::block(set).ok());
    Result<SignalFd> sfd = SignalFd::Create(set);
    ASSERT_TRUE(sfd.ok()) << sfd.error().name();
    EXPECT_FALSE(WaitReadable(sfd->get(), 0));
    ASSERT_TRUE(RaiseHere(SIGUSR1).ok());
    ASSERT_TRUE(WaitReadable(sfd->get()));
    Result<SignalfdSiginfo> info = sfd->read();
    ASSERT_TRUE(info.ok()) << info.error().name();
    EXPECT_EQ(info->signo, static_cast<uint32_t>(SIGUSR1));
    EXPECT_EQ(info->code, SI_TKILL);
    EXPECT_EQ(info->pid, static_cast<uint32_t>(getpid()));
    EXPECT_EQ(info->uid, static_cast<uint32_t>(::getuid()));
    // Dequeued: nothing pending any more.
    EXPECT_EQ(sfd->read().error(), err::again);
  });
}

TEST(SignalFd, ReadWithNothingPendingIsEagain) {
  OnOwnThread([] {
    SigSet set = SigSet{}.add(SIGUSR1);
    ASSERT_TRUE(SignalFd::block(set).ok());
    Result<SignalFd> sfd = SignalFd::Create(set);
    ASSERT_TRUE(sfd.ok());
    Result<SignalfdSiginfo> info = sfd->read();
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error(), err::again);
  });
}

TEST(SignalFd, CreateDefaultsAreCloexecAndNonblocking) {
  Result<SignalFd> sfd = SignalFd::Create(SigSet{}.add(SIGUSR1));
  ASSERT_TRUE(sfd.ok());
  EXPECT_EQ(::fcntl(sfd->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_NE(::fcntl(sfd->get(), F_GETFL) & O_NONBLOCK, 0);
  Result<SignalFd> blocking = SignalFd::Create(SigSet{}.add(SIGUSR1), false);
  ASSERT_TRUE(blocking.ok());
  EXPECT_EQ(::fcntl(blocking->get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(SignalFd, UpdateChangesWhichSignalsAreReported) {
  OnOwnThread([] {
    ASSERT_TRUE(SignalFd::block(SigSet{}.add(SIGUSR1).add(SIGUSR2)).ok());
    Result<SignalFd> sfd = SignalFd::Create(SigSet{}.add(SIGUSR1));
    ASSERT_TRUE(sfd.ok());
    ASSERT_TRUE(RaiseHere(SIGUSR2).ok());  // pending, but not in the mask
    EXPECT_FALSE(WaitReadable(sfd->get(), 0));
    EXPECT_EQ(sfd->read().error(), err::again);
    ASSERT_TRUE(sfd->update(SigSet{}.add(SIGUSR1).add(SIGUSR2)).ok());
    ASSERT_TRUE(WaitReadable(sfd->get()));
    Result<SignalfdSiginfo> info = sfd->read();
    ASSERT_TRUE(info.ok()) << info.error().name();
    EXPECT_EQ(info->signo, static_cast<uint32_t>(SIGUSR2));
  });
}

TEST(SignalFd, ReadManyDequeuesSeveralRecords) {
  OnOwnThread([] {
    SigSet set = SigSet{}.add(SIGUSR1).add(SIGUSR2);
    ASSERT_TRUE(SignalFd::block(set).ok());
    Result<SignalFd> sfd = SignalFd::Create(set);
    ASSERT_TRUE(sfd.ok());
    ASSERT_TRUE(RaiseHere(SIGUSR1).ok());
    ASSERT_TRUE(RaiseHere(SIGUSR2).ok());
    SignalfdSiginfo out[4] = {};
    Result<size_t> n = sfd->read(out, 4);
    ASSERT_TRUE(n.ok()) << n.error().name();
    ASSERT_EQ(*n, 2u);
    // Standard signals are dequeued lowest number first.
    EXPECT_EQ(out[0].signo, static_cast<uint32_t>(SIGUSR1));
    EXPECT_EQ(out[1].signo, static_cast<uint32_t>(SIGUSR2));
    EXPECT_EQ(sfd->read(out, 0).error(), err::inval);
  });
}

TEST(SignalFd, BlockReportsTheOldMaskAndSetMaskRestoresIt) {
  OnOwnThread([] {
    SigSet before;
    ASSERT_TRUE(SignalFd::block(SigSet{}.add(SIGUSR1), &before).ok());
    EXPECT_FALSE(before.has(SIGUSR1));
    SigSet with_usr1;
    ASSERT_TRUE(SignalFd::block(SigSet{}.add(SIGUSR2), &with_usr1).ok());
    EXPECT_TRUE(with_usr1.has(SIGUSR1));
    EXPECT_FALSE(with_usr1.has(SIGUSR2));

    SigSet both;
    ASSERT_TRUE(SignalFd::unblock(SigSet{}.add(SIGUSR1), &both).ok());
    EXPECT_TRUE(both.has(SIGUSR1) && both.has(SIGUSR2));

    ASSERT_TRUE(SignalFd::set_mask(before).ok());
    sigset_t now;
    ASSERT_EQ(::pthread_sigmask(SIG_SETMASK, nullptr, &now), 0);
    EXPECT_EQ(::sigismember(&now, SIGUSR1), 0);
    EXPECT_EQ(::sigismember(&now, SIGUSR2), 0);
  });
}

TEST(SignalFd, ClosedSignalFdIsEbadf) {
  Result<SignalFd> sfd = SignalFd::Create(SigSet{}.add(SIGUSR1));
  ASSERT_TRUE(sfd.ok());
  ASSERT_TRUE(sfd->close().ok());
  EXPECT_TRUE(sfd->close().ok());
  SignalfdSiginfo out[1];
  EXPECT_EQ(sfd->read().error(), err::badf);
  EXPECT_EQ(sfd->read(out, 1).error(), err::badf);
  EXPECT_EQ(sfd->update(SigSet{}.add(SIGUSR2)).error(), err::badf);
}

TEST(SignalFd, BlockingReadWaitsForTheSignal) {
  // The reader blocks SIGUSR1, sends its tid through a pipe, and blocks in
  // read(); the main thread tgkills it once it has the tid.
  int ready[2];
  ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
  Result<SignalfdSiginfo> got = err::io;
  std::thread reader([&] {
    SigSet set = SigSet{}.add(SIGUSR1);
    int tid = -1;
    if (SignalFd::block(set).ok()) tid = gettid();
    Result<SignalFd> sfd = SignalFd::Create(set, /*nonblocking=*/false);
    if (!sfd.ok()) tid = -1;
    (void)::write(ready[1], &tid, sizeof tid);
    if (tid > 0) got = sfd->read();
  });
  int tid = -1;
  ASSERT_EQ(::read(ready[0], &tid, sizeof tid), static_cast<ssize_t>(sizeof tid));
  if (tid > 0) {
    EXPECT_TRUE(tgkill(getpid(), tid, SIGUSR1).ok());
  }
  reader.join();
  ::close(ready[0]);
  ::close(ready[1]);
  ASSERT_GT(tid, 0);
  ASSERT_TRUE(got.ok()) << got.error().name();
  EXPECT_EQ(got->signo, static_cast<uint32_t>(SIGUSR1));
  EXPECT_EQ(got->pid, static_cast<uint32_t>(getpid()));
}

}  // namespace
}  // namespace zring::core
