// core/fd.h against the real kernel: ownership, idempotent and race-free
// close(), flags, I/O, and every operation on a closed Fd.
#include "zring/core/fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "zring/core/handle.h"

namespace zring::core {
namespace {

static_assert(Handle<Fd>, "Fd is the full handle: get, close, read, write");
static_assert(!std::is_copy_constructible_v<Fd> && !std::is_copy_assignable_v<Fd>,
              "Fd is move-only");
static_assert(std::is_nothrow_move_constructible_v<Fd> &&
                  std::is_nothrow_move_assignable_v<Fd>,
              "Fd moves without throwing");

// Whether `raw` is an open descriptor in this process.
bool IsOpen(int raw) { return ::fcntl(raw, F_GETFD) >= 0; }

// Whether `raw` is closed, as the kernel says it (EBADF).
bool IsClosed(int raw) { return ::fcntl(raw, F_GETFD) < 0 && errno == EBADF; }

// A new pipe, both ends owned.
struct Pipe {
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    in = Fd(fds[0]);
    out = Fd(fds[1]);
  }
  Fd in;
  Fd out;
};

TEST(Fd, DefaultIsInvalid) {
  Fd fd;
  EXPECT_FALSE(fd.valid());
  EXPECT_FALSE(static_cast<bool>(fd));
  EXPECT_EQ(fd.get(), -1);
}

TEST(Fd, NegativeRawIsStoredAsInvalid) {
  Fd fd(-42);
  EXPECT_FALSE(fd.valid());
  EXPECT_EQ(fd.get(), -1);
  EXPECT_TRUE(fd.close().ok());
}

TEST(Fd, TakesOwnershipAndDestructorCloses) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  {
    Fd fd(raw);
    EXPECT_TRUE(fd.valid());
    EXPECT_EQ(fd.get(), raw);
    EXPECT_TRUE(IsOpen(raw));
  }
  EXPECT_TRUE(IsClosed(raw));
}

TEST(Fd, CloseIsIdempotent) {
  Pipe p;
  int raw = p.in.get();
  EXPECT_TRUE(p.in.close().ok());
  EXPECT_TRUE(IsClosed(raw));
  EXPECT_FALSE(p.in.valid());
  // The second and third calls make no syscall and report success.
  EXPECT_TRUE(p.in.close().ok());
  EXPECT_TRUE(p.in.close().ok());
  EXPECT_EQ(p.in.get(), -1);
}

TEST(Fd, CloseOfNeverOpenNumberReportsEbadfOnce) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  ::close(raw);  // the number is free now; Fd is handed a stale one
  Fd fd(raw);
  Result<void> first = fd.close();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error(), err::badf);
  EXPECT_FALSE(fd.valid());
  EXPECT_TRUE(fd.close().ok());
}

// Two threads close the same Fd at once, 1000 times on a fresh pipe each
// time. Both calls must succeed (the loser has nothing to do), the number
// must be closed afterwards, and a descriptor each thread opens right after
// its close() must survive: if both threads had reached the close syscall,
// the later one could have closed the other's sentinel, which took the
// freed number.
TEST(Fd, ConcurrentCloseClosesExactlyOnce) {
  constexpr int kRounds = 1000;
  int spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(spare, 0);

  Fd shared;
  int sentinel[2] = {-1, -1};
  bool closed_ok[2] = {false, false};
  std::barrier sync(3);

  auto closer = [&](int id) {
    for (int round = 0; round < kRounds; ++round) {
      sync.arrive_and_wait();  // the main thread has set up `shared`
      closed_ok[id] = shared.close().ok();
      sentinel[id] = ::fcntl(spare, F_DUPFD_CLOEXEC, 0);
      sync.arrive_and_wait();  // the main thread may check
    }
  };
  std::thread a(closer, 0), b(closer, 1);

  int failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    // No ASSERT in this loop: returning early would leave the closers
    // waiting at the barrier forever.
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) ++failures;
    if (fds[1] >= 0) ::close(fds[1]);
    int raw = fds[0];
    shared = Fd(raw);
    sync.arrive_and_wait();
    sync.arrive_and_wait();

    bool ok = closed_ok[0] && closed_ok[1] && !shared.valid() &&
              sentinel[0] >= 0 && sentinel[1] >= 0 &&
              sentinel[0] != sentinel[1] && IsOpen(sentinel[0]) &&
              IsOpen(sentinel[1]) &&
              (raw == sentinel[0] || raw == sentinel[1] || IsClosed(raw));
    if (!ok) ++failures;
    ::close(sentinel[0]);
    ::close(sentinel[1]);
  }
  a.join();
  b.join();
  ::close(spare);
  EXPECT_EQ(failures, 0);
}

TEST(Fd, ReleaseGivesUpOwnership) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  {
    Fd fd(raw);
    EXPECT_EQ(fd.release(), raw);
    EXPECT_FALSE(fd.valid());
    EXPECT_EQ(fd.release(), -1);
    EXPECT_TRUE(fd.close().ok());  // nothing to close
  }
  EXPECT_TRUE(IsOpen(raw));  // neither close() nor the destructor touched it
  ::close(raw);
}

TEST(Fd, DupHasCloexecAndSharesTheFile) {
  int raw = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(raw, 0);
  Fd fd(raw);
  Result<Fd> copy = fd.dup();
  ASSERT_TRUE(copy.ok()) << copy.error().name();
  EXPECT_NE(copy->get(), raw);
  EXPECT_EQ(::fcntl(copy->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_EQ(::fcntl(raw, F_GETFD) & FD_CLOEXEC, 0);
  // Same open file: a status flag set through one shows through the other.
  ASSERT_TRUE(fd.set_nonblock().ok());
  EXPECT_EQ(copy->nonblocking().value_or(false), true);
}

TEST(Fd, DupOfClosedFdIsEbadf) {
  Fd fd;
  Result<Fd> copy = fd.dup();
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error(), err::badf);
}

TEST(Fd, SetNonblockRoundTrip) {
  Pipe p;
  ASSERT_TRUE(p.in.nonblocking().ok());
  EXPECT_FALSE(*p.in.nonblocking());
  ASSERT_TRUE(p.in.set_nonblock().ok());
  EXPECT_TRUE(*p.in.nonblocking());
  EXPECT_NE(::fcntl(p.in.get(), F_GETFL) & O_NONBLOCK, 0);
  ASSERT_TRUE(p.in.set_nonblock(true).ok());  // already set: no change
  EXPECT_TRUE(*p.in.nonblocking());
  ASSERT_TRUE(p.in.set_nonblock(false).ok());
  EXPECT_FALSE(*p.in.nonblocking());
  EXPECT_EQ(::fcntl(p.in.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(Fd, SetCloexecRoundTrip) {
  int raw = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(raw, 0);
  Fd fd(raw);
  EXPECT_EQ(fd.cloexec().value_or(true), false);
  ASSERT_TRUE(fd.set_cloexec().ok());
  EXPECT_EQ(::fcntl(raw, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_EQ(fd.cloexec().value_or(false), true);
  ASSERT_TRUE(fd.set_cloexec(false).ok());
  EXPECT_EQ(::fcntl(raw, F_GETFD) & FD_CLOEXEC, 0);
}

TEST(Fd, ReadWriteOnPipe) {
  Pipe p;
  const char msg[] = "zring";
  Result<size_t> w = p.out.write(msg, 5);
  ASSERT_TRUE(w.ok()) << w.error().name();
  EXPECT_EQ(*w, 5u);
  char buf[8] = {};
  Result<size_t> r = p.in.read(buf, sizeof buf);
  ASSERT_TRUE(r.ok()) << r.error().name();
  EXPECT_EQ(*r, 5u);
  EXPECT_EQ(std::memcmp(buf, msg, 5), 0);
  // End of file once the write end is gone.
  ASSERT_TRUE(p.out.close().ok());
  r = p.in.read(buf, sizeof buf);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0u);
}

TEST(Fd, ReadOnEmptyNonblockingPipeIsEagain) {
  Pipe p;
  ASSERT_TRUE(p.in.set_nonblock().ok());
  char c;
  Result<size_t> r = p.in.read(&c, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::again);
  EXPECT_TRUE(r.error().would_block());
}

TEST(Fd, PreadPwriteOnPipeIsEspipe) {
  Pipe p;
  char c = 'x';
  Result<size_t> w = p.out.pwrite(&c, 1, 0);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error(), err::spipe);
  Result<size_t> r = p.in.pread(&c, 1, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::spipe);
}

TEST(Fd, OperationsOnClosedFdAreEbadf) {
  Pipe p;
  ASSERT_TRUE(p.in.close().ok());
  char c = 0;
  EXPECT_EQ(p.in.read(&c, 1).error(), err::badf);
  EXPECT_EQ(p.in.write(&c, 1).error(), err::badf);
  EXPECT_EQ(p.in.pread(&c, 1, 0).error(), err::badf);
  EXPECT_EQ(p.in.pwrite(&c, 1, 0).error(), err::badf);
  EXPECT_EQ(p.in.set_nonblock().error(), err::badf);
  EXPECT_EQ(p.in.set_cloexec().error(), err::badf);
  EXPECT_EQ(p.in.nonblocking().error(), err::badf);
  EXPECT_EQ(p.in.cloexec().error(), err::badf);
  EXPECT_EQ(p.in.dup().error(), err::badf);
  EXPECT_TRUE(p.in.close().ok());
}

TEST(Fd, MoveConstructorTransfersOwnership) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  Fd a(raw);
  Fd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): checked on purpose
  EXPECT_EQ(b.get(), raw);
  EXPECT_TRUE(a.close().ok());
  EXPECT_TRUE(IsOpen(raw));  // closing the moved-from Fd did nothing
}

TEST(Fd, MoveAssignClosesWhatItHeld) {
  int first = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int second = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  Fd a(first);
  Fd b(second);
  a = std::move(b);
  EXPECT_EQ(a.get(), second);
  EXPECT_FALSE(b.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(IsClosed(first));
  EXPECT_TRUE(IsOpen(second));
}

TEST(Fd, SelfMoveAssignKeepsTheDescriptor) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  Fd a(raw);
  Fd& alias = a;
  a = std::move(alias);
  EXPECT_EQ(a.get(), raw);
  EXPECT_TRUE(IsOpen(raw));
}

TEST(Fd, ResultOfFdOwnsTheDescriptor) {
  int raw = -1;
  {
    Result<Fd> r = Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(r.ok());
    raw = r->get();
    ASSERT_GE(raw, 0);
    Fd taken = std::move(r).value();
    EXPECT_EQ(taken.get(), raw);
  }
  EXPECT_TRUE(IsClosed(raw));
}

}  // namespace
}  // namespace zring::core
