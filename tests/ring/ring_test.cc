// Ring set-up, teardown, the SQ and CQ mechanics: full SQ, CQ overflow,
// timeouts, bad input.
#include "zring/ring/ring.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/ring/ring_configs.h"
#include "zring/ring/prep.h"

namespace zring::ring {
namespace {

using testing::kRingConfigs;
using testing::MakeRing;
using testing::NextCqe;
using testing::RingConfig;
using testing::RunOne;

class RingTest : public ::testing::TestWithParam<RingConfig> {};

TEST_P(RingTest, NopCompletesWithItsUserData) {
  Ring ring = MakeRing(GetParam());
  abi::Cqe cqe = RunOne(ring, [](abi::Sqe* s) { prep_nop(s); }, 0xfeedull);
  EXPECT_EQ(cqe.res, 0);
  EXPECT_EQ(ring.sq_dropped(), 0u);
}

TEST_P(RingTest, BatchOfNopsInOneSubmit) {
  Ring ring = MakeRing(GetParam());
  for (uint64_t i = 0; i < 32; ++i) {
    abi::Sqe* sqe = ring.get_sqe();
    ASSERT_NE(sqe, nullptr);
    prep_nop(sqe);
    set_user_data(sqe, i);
  }
  EXPECT_EQ(ring.sq_ready(), 32u);
  core::Result<unsigned> n = ring.submit_and_wait(32);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 32u);
  std::set<uint64_t> seen;
  while (seen.size() < 32) {
    unsigned got = ring.for_each_cqe([&](const abi::Cqe& c) {
      EXPECT_EQ(c.res, 0);
      EXPECT_TRUE(seen.insert(c.user_data).second) << "duplicate " << c.user_data;
    });
    if (got == 0) {
      ASSERT_TRUE(ring.wait_cqe().ok());
    }
  }
  EXPECT_EQ(ring.cq_ready(), 0u);
}

TEST_P(RingTest, SqFullGivesNullAndRecoversAfterSubmit) {
  Ring ring = MakeRing(GetParam(), 8);
  unsigned got = 0;
  while (abi::Sqe* sqe = ring.get_sqe()) {
    prep_nop(sqe);
    set_user_data(sqe, got++);
    ASSERT_LE(got, ring.sq_entries());
  }
  EXPECT_EQ(got, ring.sq_entries());
  EXPECT_EQ(ring.sq_space_left(), 0u);
  ASSERT_TRUE(ring.submit_and_wait(got).ok());
  unsigned reaped = 0;
  while (reaped < got) {
    ASSERT_TRUE(ring.wait_cqe().ok());
    reaped += ring.for_each_cqe([](const abi::Cqe&) {});
  }
  // SQPOLL may still be finishing the head update; submission frees slots.
  EXPECT_NE(ring.get_sqe(), nullptr);
}

// A CQ of 4 entries and 100,000 NOPs submitted in batches of 4 without
// reaping in between: the kernel overflows the CQ and must give every
// completion back, once.
TEST_P(RingTest, CqOverflowLosesNothingAndDuplicatesNothing) {
  Ring ring = MakeRing(GetParam(), 4, 4);
  ASSERT_EQ(ring.cq_entries(), 4u);
  ASSERT_TRUE(ring.has_feature(abi::kFeatNodrop));
  constexpr uint64_t kTotal = 100000;
  std::vector<uint8_t> seen(kTotal, 0);
  uint64_t next = 0, reaped = 0, round = 0;
  while (reaped < kTotal) {
    while (next < kTotal) {
      abi::Sqe* sqe = ring.get_sqe();
      if (sqe == nullptr) break;
      prep_nop(sqe);
      set_user_data(sqe, next++);
    }
    core::Result<unsigned> r = ring.submit();
    // EBUSY/EAGAIN: the kernel wants the overflow drained first.
    ASSERT_TRUE(r.ok() || r.error().would_block() || r.error() == core::err::busy)
        << r.error().name();
    // Reap only every 16th round so that the CQ really overflows.
    if (++round % 16 == 0 || !r.ok() || next == kTotal) {
      core::Result<abi::Cqe*> c = ring.wait_cqe_nr(0);
      ASSERT_TRUE(c.ok()) << c.error().name();
      reaped += ring.for_each_cqe([&](const abi::Cqe& cqe) {
        ASSERT_LT(cqe.user_data, kTotal);
        ASSERT_EQ(seen[cqe.user_data]++, 0) << "duplicate " << cqe.user_data;
      });
    }
  }
  for (uint64_t i = 0; i < kTotal; ++i) ASSERT_EQ(seen[i], 1) << i;
  EXPECT_EQ(ring.cq_overflow_count(), 0u) << "the kernel dropped completions";
}

TEST_P(RingTest, WaitWithTimeoutReturnsEtime) {
  Ring ring = MakeRing(GetParam());
  abi::KernelTimespec ts{0, 1000000};  // 1 ms, nothing pending
  core::Result<abi::Cqe*> r = ring.wait_cqe_timeout(ts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::time);
}

TEST_P(RingTest, RegisteredRingFdIsUsed) {
  Ring ring = MakeRing(GetParam());
  EXPECT_TRUE(ring.ring_fd_registered());
  RunOne(ring, [](abi::Sqe* s) { prep_nop(s); });
}

INSTANTIATE_TEST_SUITE_P(Configs, RingTest, ::testing::ValuesIn(kRingConfigs),
                         testing::ConfigName);

TEST(RingSetup, ZeroEntriesIsEinval) {
  core::Result<Ring> r = Ring::Create(0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::inval);
}

TEST(RingSetup, TooManyEntriesIsEinval) {
  core::Result<Ring> r = Ring::Create(1u << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::inval);
}

TEST(RingSetup, ClampAcceptsTooManyEntries) {
  core::Result<Ring> r = Ring::Create(1u << 20, abi::kSetupClamp);
  ASSERT_TRUE(r.ok()) << r.error().name();
  EXPECT_EQ(r->sq_entries(), abi::kMaxEntries);
}

TEST(RingSetup, UnknownFlagIsEinval) {
  core::Result<Ring> r = Ring::Create(8, 1u << 30);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::inval);
}

TEST(RingSetup, DeferTaskrunWithoutSingleIssuerIsEinval) {
  core::Result<Ring> r = Ring::Create(8, abi::kSetupDeferTaskrun);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::inval);
}

TEST(RingSetup, CqSizeIsHonoured) {
  RingOptions o;
  o.entries = 8;
  o.cq_entries = 64;
  core::Result<Ring> r = Ring::Create(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->cq_entries(), 64u);
  EXPECT_EQ(r->sq_entries(), 8u);
}

TEST(RingSetup, Sqe128AndCqe32) {
  core::Result<Ring> r = Ring::Create(8, abi::kSetupSqe128 | abi::kSetupCqe32);
  ASSERT_TRUE(r.ok()) << r.error().name();
  abi::Cqe cqe = RunOne(*r, [](abi::Sqe* s) { prep_nop(s); }, 77);
  EXPECT_EQ(cqe.res, 0);
  abi::Cqe second = RunOne(*r, [](abi::Sqe* s) { prep_nop(s); }, 78);
  EXPECT_EQ(second.user_data, 78u);
}

TEST(RingSetup, DestructorUnmapsAndCloses) {
  int fd;
  {
    core::Result<Ring> r = Ring::Create(8);
    ASSERT_TRUE(r.ok());
    fd = r->fd();
    ASSERT_GE(fd, 0);
  }
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
}

TEST(RingSetup, MoveKeepsTheRingWorking) {
  core::Result<Ring> r = Ring::Create(8);
  ASSERT_TRUE(r.ok());
  Ring a = std::move(*r);
  Ring b = std::move(a);
  EXPECT_EQ(a.fd(), -1);
  EXPECT_EQ(RunOne(b, [](abi::Sqe* s) { prep_nop(s); }).res, 0);
}

TEST(RingSetup, UsableFromAnotherThreadThanItsCreator) {
  core::Result<Ring> r = Ring::Create(8);
  ASSERT_TRUE(r.ok());
  Ring ring = std::move(*r);
  std::thread t([&] {
    // The registered ring fd belongs to the creating thread: the first
    // enter here falls back to the plain fd.
    EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_nop(s); }).res, 0);
  });
  t.join();
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_nop(s); }).res, 0);
}

TEST(RingSetup, AttachToAClosedFdIsEnxio) {
  RingOptions o;
  o.entries = 8;
  o.attach_wq_fd = 1000;  // no such fd: the kernel says ENXIO
  core::Result<Ring> bad = Ring::Create(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), core::err::nxio);
}

TEST(RingSetup, BadBufferPointerComesBackAsEfault) {
  core::Result<Ring> r = Ring::Create(8);
  ASSERT_TRUE(r.ok());
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  abi::Cqe cqe = RunOne(*r, [&](abi::Sqe* s) {
    prep_read(s, fds[0], reinterpret_cast<void*>(8), 1, 0);
  });
  EXPECT_EQ(cqe.res, -EFAULT);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(RingSetup, UnknownOpcodeIsEinval) {
  core::Result<Ring> r = Ring::Create(8);
  ASSERT_TRUE(r.ok());
  abi::Cqe cqe = RunOne(*r, [](abi::Sqe* s) {
    prep_nop(s);
    s->opcode = 250;
  });
  EXPECT_EQ(cqe.res, -EINVAL);
}

TEST(RingSetup, BadFdIsEbadf) {
  core::Result<Ring> r = Ring::Create(8);
  ASSERT_TRUE(r.ok());
  char buf[4];
  abi::Cqe cqe = RunOne(*r, [&](abi::Sqe* s) { prep_read(s, 987, buf, 4, 0); });
  EXPECT_EQ(cqe.res, -EBADF);
}

// --- Resizing (IORING_REGISTER_RESIZE_RINGS, Linux 6.13) -----------------

// The kernel's release ("6.18.0-..."), and whether it is at least a.b.
bool KernelAtLeast(int major, int minor, std::string* release) {
  utsname u{};
  if (::uname(&u) != 0) return false;
  *release = u.release;
  int a = 0;
  int b = 0;
  if (std::sscanf(u.release, "%d.%d", &a, &b) != 2) return false;
  return a > major || (a == major && b >= minor);
}

RingOptions DeferTaskrun(unsigned entries, unsigned cq_entries) {
  RingOptions o;
  o.entries = entries;
  o.cq_entries = cq_entries;
  o.flags = abi::kSetupSingleIssuer | abi::kSetupDeferTaskrun;
  return o;
}

// What was in the CQ, in the kernel and only prepared when the ring grew
// all arrives once, in the bigger ring.
TEST(RingResize, GrowsWithCompletionsWaitingAndOperationsInFlight) {
  core::Result<Ring> r = Ring::Create(DeferTaskrun(4, 8));
  ASSERT_TRUE(r.ok()) << r.error().name();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  char byte = 0;
  for (uint64_t ud = 1; ud <= 3; ++ud) {  // three NOPs, completed, not reaped
    abi::Sqe* s = r->get_sqe();
    ASSERT_NE(s, nullptr);
    prep_nop(s);
    set_user_data(s, ud);
  }
  abi::Sqe* read = r->get_sqe();  // a read that waits on the empty pipe
  ASSERT_NE(read, nullptr);
  prep_read(read, fds[0], &byte, 1, 0);
  set_user_data(read, 4);
  ASSERT_TRUE(r->submit_and_wait(3).ok());
  ASSERT_EQ(r->cq_ready(), 3u);
  abi::Sqe* prepared = r->get_sqe();  // prepared, not yet submitted
  ASSERT_NE(prepared, nullptr);
  prep_nop(prepared);
  set_user_data(prepared, 5);

  std::string release;
  if (!KernelAtLeast(6, 13, &release)) {
    GTEST_SKIP() << "Linux " << release << " has no IORING_REGISTER_RESIZE_RINGS (6.13)";
  }
  core::Result<void> grown = r->resize(4, 64);
  ASSERT_TRUE(grown.ok()) << grown.error().name();
  EXPECT_EQ(r->cq_entries(), 64u);
  EXPECT_EQ(r->sq_entries(), 4u);

  ASSERT_EQ(::write(fds[1], "z", 1), 1);
  std::set<uint64_t> seen;
  for (int i = 0; i < 5; ++i) {
    abi::Cqe c = NextCqe(*r);
    EXPECT_TRUE(seen.insert(c.user_data).second) << "twice: " << c.user_data;
    EXPECT_EQ(c.res, c.user_data == 4 ? 1 : 0) << c.user_data;
  }
  EXPECT_EQ(seen, (std::set<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(byte, 'z');
  EXPECT_EQ(r->cq_ready(), 0u);
  // The SQ goes on from where it was: every slot usable again.
  for (uint64_t ud = 10; ud < 14; ++ud) {
    abi::Sqe* s = r->get_sqe();
    ASSERT_NE(s, nullptr);
    prep_nop(s);
    set_user_data(s, ud);
  }
  EXPECT_EQ(r->get_sqe(), nullptr);
  ASSERT_TRUE(r->submit_and_wait(4).ok());
  for (uint64_t ud = 10; ud < 14; ++ud) EXPECT_EQ(NextCqe(*r).user_data, ud);
  ::close(fds[0]);
  ::close(fds[1]);
}

// Bad sizes and rings the kernel will not resize get EINVAL, and the ring
// goes on as it was.
TEST(RingResize, RefusalsLeaveTheRingAsItWas) {
  core::Result<Ring> plain = Ring::Create(8);  // no DEFER_TASKRUN
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->resize(8, 64).error(), core::err::inval);
  EXPECT_EQ(plain->cq_entries(), 16u);
  EXPECT_EQ(RunOne(*plain, [](abi::Sqe* s) { prep_nop(s); }, 7).res, 0);

  core::Result<Ring> r = Ring::Create(DeferTaskrun(8, 16));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->resize(0, 16).error(), core::err::inval);
  EXPECT_EQ(r->resize(8, 4).error(), core::err::inval);       // CQ smaller than SQ
  EXPECT_EQ(r->resize(8, 1u << 20).error(), core::err::inval);  // past the kernel's most
  EXPECT_EQ(r->cq_entries(), 16u);
  EXPECT_EQ(RunOne(*r, [](abi::Sqe* s) { prep_nop(s); }, 8).res, 0);
}

}  // namespace
}  // namespace zring::ring
