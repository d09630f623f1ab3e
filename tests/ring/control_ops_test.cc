// Opcodes that steer other requests or wait on something other than file
// data, against the running kernel on every ring set-up in ring_configs.h:
// NOP, poll, timeouts, links and drain, CQE skipping, every cancel form,
// msg_ring, futexes, waitid, epoll, legacy provided buffers, madvise and
// fadvise.
//
// Requests that must stay pending wait on an empty pipe or a long timeout;
// Fence() (ring_configs.h) makes sure they are issued before the test goes
// on, and the test then makes them complete with a real event (a write, a
// cancel, a wake), never by sleeping.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/ring/ring_configs.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/core/types.h"
#include "zring/ring/abi.h"
#include "zring/ring/prep.h"
#include "zring/ring/register.h"
#include "zring/ring/ring.h"

namespace zring::ring {
namespace {

using testing::Fence;
using testing::FindCqe;
using testing::kRingConfigs;
using testing::MakeRing;
using testing::NextCqe;
using testing::ReapCqes;
using testing::RingConfig;
using testing::RunOne;
using testing::Supports;

constexpr uint64_t kCur = abi::kOffsetCurrent;
constexpr abi::KernelTimespec kOneMs{0, 1'000'000};
constexpr abi::KernelTimespec kLong{3600, 0};  // never reached by a passing test
constexpr uint64_t kFutexMatchAny = 0xffffffffu;
constexpr uint32_t kFutexU32 = abi::kFutex2SizeU32 | abi::kFutex2Private;

struct Pipe {
  core::Fd r, w;
};

Pipe MakePipe() {
  core::Result<core::PipeFds> p = core::pipe2(O_CLOEXEC);
  EXPECT_TRUE(p.ok()) << p.error().name();
  if (!p) return {};
  return {core::Fd(p->read), core::Fd(p->write)};
}

// Prepares the next SQE with `prep` and `user_data` without submitting it,
// and returns it so that the caller can add SQE flags. Aborts the test if
// the SQ is full even after a submit.
template <class Prep>
abi::Sqe* Queue(Ring& ring, uint64_t user_data, Prep&& prep) {
  abi::Sqe* sqe = ring.get_sqe();
  if (sqe == nullptr) {
    (void)ring.submit();
    sqe = ring.get_sqe();
  }
  if (sqe == nullptr) {
    ADD_FAILURE() << "SQ full";
    std::abort();
  }
  prep(sqe);
  set_user_data(sqe, user_data);
  return sqe;
}

void WriteByte(const Pipe& p, char c = 'x') {
  ASSERT_EQ(::write(p.w.get(), &c, 1), 1);
}

void DrainByte(const Pipe& p) {
  char c;
  ASSERT_EQ(::read(p.r.get(), &c, 1), 1);
}

class ControlOpsTest : public ::testing::TestWithParam<RingConfig> {};

// --- NOP ------------------------------------------------------------------------

TEST_P(ControlOpsTest, NopCompletesWithZero) {
  Ring ring = MakeRing(GetParam());
  abi::Cqe cqe = RunOne(ring, [](abi::Sqe* s) { prep_nop(s); }, 0x1234);
  EXPECT_EQ(cqe.res, 0);
  EXPECT_EQ(cqe.flags, 0u);
}

TEST_P(ControlOpsTest, NopInjectsAResultOnRequest) {
  Ring ring = MakeRing(GetParam());
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) {
              prep_nop(s);
              s->nop_flags = abi::kNopInjectResult;
              s->len = static_cast<uint32_t>(-EPERM);
            }).res,
            -EPERM);
  // Unknown NOP flags are refused.
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) {
              prep_nop(s);
              s->nop_flags = 1u << 20;
            }).res,
            -EINVAL);
}

// --- Poll ------------------------------------------------------------------------

TEST_P(ControlOpsTest, PollAddFiresWhenThePipeBecomesReadable) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  Queue(ring, 1, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  EXPECT_TRUE(Fence(ring).empty()) << "poll fired on an empty pipe";
  WriteByte(p);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 1u);
  // Only the requested event is reported (the kernel masks with what was
  // asked for, plus ERR/HUP, none of which applies).
  EXPECT_EQ(cqe.res, POLLIN);
  EXPECT_FALSE(cqe_more(cqe));
}

TEST_P(ControlOpsTest, PollAddOnAReadyFdCompletesAtOnce) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_poll_add(s, p.w.get(), POLLOUT); }).res,
            POLLOUT);
}

TEST_P(ControlOpsTest, PollRemoveCancelsThePoll) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  Queue(ring, 1, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 2, [](abi::Sqe* s) { prep_poll_remove(s, 1); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, 0);
  // Nothing left to remove.
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_poll_remove(s, 1); }, 3).res, -ENOENT);
}

// A multishot poll posts a CQE with MORE per readiness event and stays
// armed; removing it ends it with one last CQE without MORE.
TEST_P(ControlOpsTest, MultishotPollUntilRemoved) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  Queue(ring, 1, [&](abi::Sqe* s) { prep_poll_multishot(s, p.r.get(), POLLIN); });
  EXPECT_TRUE(Fence(ring).empty());
  for (int i = 0; i < 3; ++i) {
    WriteByte(p);
    abi::Cqe cqe = NextCqe(ring);
    EXPECT_EQ(cqe.user_data, 1u);
    EXPECT_EQ(cqe.res, POLLIN);
    EXPECT_TRUE(cqe_more(cqe)) << "event " << i;
    // Empty the pipe so that the next write is a new event.
    DrainByte(p);
  }
  Queue(ring, 2, [](abi::Sqe* s) { prep_poll_remove(s, 1); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  abi::Cqe last = FindCqe(cqes, 1);
  EXPECT_EQ(last.res, -ECANCELED);
  EXPECT_FALSE(cqe_more(last));
  EXPECT_EQ(FindCqe(cqes, 2).res, 0);
}

// Poll update changes the mask and the user_data of an armed poll.
TEST_P(ControlOpsTest, PollUpdateChangesMaskAndUserData) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  // The read end of a pipe never becomes writable: this poll cannot fire.
  Queue(ring, 1, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLOUT); });
  EXPECT_TRUE(Fence(ring).empty());
  EXPECT_EQ(RunOne(ring,
                   [](abi::Sqe* s) {
                     prep_poll_update(s, 1, 5, POLLIN,
                                      abi::kPollUpdateEvents | abi::kPollUpdateUserData);
                   },
                   2)
                .res,
            0);
  WriteByte(p);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 5u);
  EXPECT_EQ(cqe.res, POLLIN);
  // The old user_data is gone.
  EXPECT_EQ(RunOne(ring,
                   [](abi::Sqe* s) {
                     prep_poll_update(s, 1, 0, POLLIN, abi::kPollUpdateEvents);
                   },
                   3)
                .res,
            -ENOENT);
  // A new user_data without kPollUpdateUserData is refused outright.
  EXPECT_EQ(RunOne(ring,
                   [](abi::Sqe* s) {
                     prep_poll_update(s, 5, 6, POLLIN, abi::kPollUpdateEvents);
                   },
                   4)
                .res,
            -EINVAL);
}

// --- Timeouts --------------------------------------------------------------------

// With a count, a timeout completes with 0 once that many other CQEs were
// posted after it, long before its time.
TEST_P(ControlOpsTest, TimeoutByCountCompletesAfterNCqes) {
  Ring ring = MakeRing(GetParam());
  Queue(ring, 1, [](abi::Sqe* s) { prep_timeout(s, &kLong, 2, 0); });
  Queue(ring, 2, [](abi::Sqe* s) { prep_nop(s); });
  Queue(ring, 3, [](abi::Sqe* s) { prep_nop(s); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  EXPECT_EQ(cqes[0].user_data, 2u);
  EXPECT_EQ(cqes[1].user_data, 3u);
  EXPECT_EQ(cqes[2].user_data, 1u);
  EXPECT_EQ(cqes[2].res, 0);
}

TEST_P(ControlOpsTest, TimeoutByTimeIsEtime) {
  Ring ring = MakeRing(GetParam());
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_timeout(s, &kOneMs, 0, 0); }).res, -ETIME);
}

TEST_P(ControlOpsTest, AbsoluteTimeoutOnMonotonicClock) {
  Ring ring = MakeRing(GetParam());
  struct timespec now;
  ASSERT_EQ(::clock_gettime(CLOCK_MONOTONIC, &now), 0);
  abi::KernelTimespec at{now.tv_sec, now.tv_nsec + 1'000'000};
  if (at.tv_nsec >= 1'000'000'000) {
    at.tv_sec += 1;
    at.tv_nsec -= 1'000'000'000;
  }
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_timeout(s, &at, 0, abi::kTimeoutAbs); }).res,
            -ETIME);
  // A time already past fires at once.
  abi::KernelTimespec past{now.tv_sec - 1, 0};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_timeout(s, &past, 0, abi::kTimeoutAbs); })
                .res,
            -ETIME);
}

TEST_P(ControlOpsTest, TimeoutRemoveCancelsTheTimeout) {
  Ring ring = MakeRing(GetParam());
  Queue(ring, 1, [](abi::Sqe* s) { prep_timeout(s, &kLong, 0, 0); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 2, [](abi::Sqe* s) { prep_timeout_remove(s, 1); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, 0);
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_timeout_remove(s, 1); }, 3).res, -ENOENT);
}

// Updating a one-hour timeout to 1 ms makes it fire with ETIME.
TEST_P(ControlOpsTest, TimeoutUpdateReschedules) {
  Ring ring = MakeRing(GetParam());
  Queue(ring, 1, [](abi::Sqe* s) { prep_timeout(s, &kLong, 0, 0); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 2, [](abi::Sqe* s) { prep_timeout_update(s, &kOneMs, 1, 0); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 2).res, 0);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ETIME);
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_timeout_update(s, &kOneMs, 1, 0); }, 3).res,
            -ENOENT);
}

// --- Links, drain, CQE skip ----------------------------------------------------------

TEST_P(ControlOpsTest, LinkedNopsCompleteInOrder) {
  Ring ring = MakeRing(GetParam());
  set_link(Queue(ring, 1, [](abi::Sqe* s) { prep_nop(s); }));
  set_link(Queue(ring, 2, [](abi::Sqe* s) { prep_nop(s); }));
  Queue(ring, 3, [](abi::Sqe* s) { prep_nop(s); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(cqes[i].user_data, i + 1);
    EXPECT_EQ(cqes[i].res, 0);
  }
}

// A failure breaks the chain: every later link completes with ECANCELED.
TEST_P(ControlOpsTest, FailedLinkCancelsTheRest) {
  Ring ring = MakeRing(GetParam());
  char buf[4];
  set_link(Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, -1, buf, 4, 0); }));
  set_link(Queue(ring, 2, [](abi::Sqe* s) { prep_nop(s); }));
  Queue(ring, 3, [](abi::Sqe* s) { prep_nop(s); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  EXPECT_EQ(FindCqe(cqes, 1).res, -EBADF);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 3).res, -ECANCELED);
}

// A hard link goes on whatever the result.
TEST_P(ControlOpsTest, HardlinkContinuesAfterFailure) {
  Ring ring = MakeRing(GetParam());
  char buf[4];
  set_hardlink(Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, -1, buf, 4, 0); }));
  Queue(ring, 2, [](abi::Sqe* s) { prep_nop(s); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(cqes[0].user_data, 1u);
  EXPECT_EQ(cqes[0].res, -EBADF);
  EXPECT_EQ(cqes[1].user_data, 2u);
  EXPECT_EQ(cqes[1].res, 0);
}

// A read blocked on an empty pipe, linked to a 1 ms link timeout. The
// timeout fires and cancels the read. The kernel completes the timeout with
// the result of that cancel attempt, or -ETIME when the cancel found and
// cancelled the read (io_req_task_link_timeout: `ret ?: -ETIME`). A pipe
// read waits armed on poll, which cancels synchronously, so the pair is
// exactly: read -ECANCELED, link timeout -ETIME. (-EALREADY would only show
// for a request already running in an io-wq worker, which a pipe read with
// FMODE_NOWAIT never is here.)
TEST_P(ControlOpsTest, LinkTimeoutCancelsABlockedRead) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  set_link(Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); }));
  Queue(ring, 2, [](abi::Sqe* s) { prep_link_timeout(s, &kOneMs); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ETIME);
}

// The read finds data at once: the link timeout is disarmed and completes
// with -ECANCELED, the read with its byte count.
TEST_P(ControlOpsTest, LinkTimeoutIsCancelledWhenTheReadCompletesAtOnce) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  WriteByte(p, 'r');
  char buf[4];
  set_link(Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); }));
  Queue(ring, 2, [](abi::Sqe* s) { prep_link_timeout(s, &kLong); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, 1);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ECANCELED);
  EXPECT_EQ(buf[0], 'r');
}

// Same, with the read waiting first and data arriving later.
TEST_P(ControlOpsTest, LinkTimeoutIsCancelledWhenTheReadCompletesLater) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  set_link(Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); }));
  Queue(ring, 2, [](abi::Sqe* s) { prep_link_timeout(s, &kLong); });
  EXPECT_TRUE(Fence(ring).empty());
  WriteByte(p, 'l');
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, 1);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ECANCELED);
  EXPECT_EQ(buf[0], 'l');
}

// kLinkTimeoutUpdate: a one-hour link timeout shortened to 1 ms fires and
// cancels its read, with the same pair of results as above.
TEST_P(ControlOpsTest, LinkTimeoutUpdateShortensTheTimeout) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  set_link(Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); }));
  Queue(ring, 2, [](abi::Sqe* s) { prep_link_timeout(s, &kLong); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 3, [](abi::Sqe* s) {
    prep_timeout_update(s, &kOneMs, 2, abi::kLinkTimeoutUpdate);
  });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  EXPECT_EQ(FindCqe(cqes, 3).res, 0);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ETIME);
}

// A drained request starts only after everything before it completed. The
// bounded wait below checks that the NOP did not overtake the poll; a NOP
// that ran would complete within microseconds.
TEST_P(ControlOpsTest, DrainWaitsForEarlierRequests) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  Queue(ring, 1, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  set_drain(Queue(ring, 2, [](abi::Sqe* s) { prep_nop(s); }));
  ASSERT_TRUE(ring.submit().ok());
  abi::KernelTimespec wait{0, 20'000'000};
  core::Result<abi::Cqe*> early = ring.wait_cqe_timeout(wait);
  ASSERT_FALSE(early.ok()) << "user_data " << (*early)->user_data << " completed early";
  EXPECT_EQ(early.error(), core::err::time);
  WriteByte(p);
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(cqes[0].user_data, 1u);
  EXPECT_EQ(cqes[0].res, POLLIN);
  EXPECT_EQ(cqes[1].user_data, 2u);
  EXPECT_EQ(cqes[1].res, 0);
}

// CQE_SKIP_SUCCESS: no CQE when the request succeeds, a CQE when it fails.
TEST_P(ControlOpsTest, CqeSkipOnlyHidesSuccess) {
  Ring ring = MakeRing(GetParam());
  if (!ring.has_feature(abi::kFeatCqeSkip)) {
    GTEST_SKIP() << "kernel lacks IORING_FEAT_CQE_SKIP";
  }
  char buf[4];
  set_cqe_skip_success(Queue(ring, 1, [](abi::Sqe* s) { prep_nop(s); }));
  Queue(ring, 2, [](abi::Sqe* s) { prep_nop(s); });
  set_cqe_skip_success(Queue(ring, 3, [&](abi::Sqe* s) { prep_read(s, -1, buf, 4, 0); }));
  Queue(ring, 4, [](abi::Sqe* s) { prep_nop(s); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  EXPECT_EQ(cqes[0].user_data, 2u);
  EXPECT_EQ(cqes[0].res, 0);
  EXPECT_EQ(cqes[1].user_data, 3u);
  EXPECT_EQ(cqes[1].res, -EBADF);
  EXPECT_EQ(cqes[2].user_data, 4u);
  EXPECT_EQ(cqes[2].res, 0);
  // The NOP after the skipped one proves it completed: requests of one
  // submit complete inline in order, and nothing more is pending.
  EXPECT_TRUE(Fence(ring).empty());
}

// --- Cancellation ------------------------------------------------------------------

TEST_P(ControlOpsTest, CancelByUserData) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 2, [](abi::Sqe* s) { prep_cancel(s, 1); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, 0);
}

TEST_P(ControlOpsTest, CancelOfAnUnknownTargetIsEnoent) {
  Ring ring = MakeRing(GetParam());
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_cancel(s, 0xdead); }).res, -ENOENT);
}

// kAsyncCancelAll with a user_data: every request carrying it, counted in res.
TEST_P(ControlOpsTest, CancelAllWithOneUserData) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[8];
  Queue(ring, 7, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); });
  Queue(ring, 7, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  Queue(ring, 8, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 9, [](abi::Sqe* s) { prep_cancel(s, 7, abi::kAsyncCancelAll); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  EXPECT_EQ(FindCqe(cqes, 9).res, 2);
  int cancelled = 0;
  for (const abi::Cqe& c : cqes) {
    if (c.user_data != 7) continue;
    EXPECT_EQ(c.res, -ECANCELED);
    ++cancelled;
  }
  EXPECT_EQ(cancelled, 2);
  // The request with the other user_data is untouched.
  Queue(ring, 10, [](abi::Sqe* s) { prep_cancel(s, 8); });
  ASSERT_TRUE(ring.submit().ok());
  cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 10).res, 0);
  EXPECT_EQ(FindCqe(cqes, 8).res, -ECANCELED);
}

TEST_P(ControlOpsTest, CancelByFd) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  Pipe other = MakePipe();
  char buf[4], buf2[4];
  Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); });
  Queue(ring, 2, [&](abi::Sqe* s) { prep_read(s, other.r.get(), buf2, 4, kCur); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 3, [&](abi::Sqe* s) { prep_cancel_fd(s, p.r.get()); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 3).res, 0);
  // The read on the other pipe is still there and completes normally.
  WriteByte(other);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 2u);
  EXPECT_EQ(cqe.res, 1);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_cancel_fd(s, p.r.get()); }, 4).res, -ENOENT);
}

TEST_P(ControlOpsTest, CancelByFixedFd) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  int fds[1] = {p.r.get()};
  ASSERT_TRUE(register_files(ring, fds, 1).ok());
  char buf[4];
  set_fixed_file(Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, 0, buf, 4, kCur); }));
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 2, [](abi::Sqe* s) { prep_cancel_fd(s, 0, abi::kAsyncCancelFdFixed); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, 0);
}

// kAsyncCancelOp (6.6): every pending read, not the poll beside them.
TEST_P(ControlOpsTest, CancelByOpcode) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char a[4], b[4];
  Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), a, 4, kCur); });
  Queue(ring, 2, [&](abi::Sqe* s) { prep_read(s, p.r.get(), b, 4, kCur); });
  Queue(ring, 3, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 4, [](abi::Sqe* s) { prep_cancel_op(s, abi::Op::kRead, abi::kAsyncCancelAll); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 4).res, 2);
  WriteByte(p);
  abi::Cqe poll = NextCqe(ring);
  EXPECT_EQ(poll.user_data, 3u);
  EXPECT_EQ(poll.res, POLLIN);
}

// kAsyncCancelAny | kAsyncCancelAll: everything pending, whatever it is.
TEST_P(ControlOpsTest, CancelAnyAll) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); });
  Queue(ring, 2, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  Queue(ring, 3, [](abi::Sqe* s) { prep_timeout(s, &kLong, 0, 0); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 4, [](abi::Sqe* s) { prep_cancel_any(s, abi::kAsyncCancelAll); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 4);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 3).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 4).res, 3);
  // "Any" always counts, like "all": with nothing left it cancels 0 requests
  // rather than failing with ENOENT.
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_cancel_any(s); }, 5).res, 0);
}

// The kernel treats kAsyncCancelAny as "all" on its own
// (__io_async_cancel: `all = flags & (CANCEL_ALL | CANCEL_ANY)`): every
// pending request is cancelled and res is the count.
TEST_P(ControlOpsTest, CancelAnyAloneCancelsEverything) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); });
  Queue(ring, 2, [&](abi::Sqe* s) { prep_poll_add(s, p.r.get(), POLLIN); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 3, [](abi::Sqe* s) { prep_cancel_any(s); });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 3);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 3).res, 2);
}

// IORING_REGISTER_SYNC_CANCEL: the cancel happens inside the register call,
// which returns 0 once the single match is cancelled; the target still
// posts its CQE.
TEST_P(ControlOpsTest, SyncCancelByUserData) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 4, kCur); });
  EXPECT_TRUE(Fence(ring).empty());
  abi::SyncCancelReg reg{};
  reg.addr = 1;
  reg.fd = -1;
  reg.timeout = {-1, -1};
  core::Result<unsigned> r = sync_cancel(ring, reg);
  ASSERT_TRUE(r.ok()) << r.error().name();
  EXPECT_EQ(*r, 0u);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 1u);
  EXPECT_EQ(cqe.res, -ECANCELED);
  core::Result<unsigned> none = sync_cancel(ring, reg);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), core::err::noent);
}

TEST_P(ControlOpsTest, SyncCancelByFd) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char a[4], b[4];
  Queue(ring, 1, [&](abi::Sqe* s) { prep_read(s, p.r.get(), a, 4, kCur); });
  Queue(ring, 2, [&](abi::Sqe* s) { prep_read(s, p.r.get(), b, 4, kCur); });
  EXPECT_TRUE(Fence(ring).empty());
  abi::SyncCancelReg reg{};
  reg.fd = p.r.get();
  reg.flags = abi::kAsyncCancelFd | abi::kAsyncCancelAll;
  reg.timeout = {-1, -1};
  core::Result<unsigned> r = sync_cancel(ring, reg);
  ASSERT_TRUE(r.ok()) << r.error().name();
  // With kAsyncCancelAll the register call returns how many it cancelled.
  EXPECT_EQ(*r, 2u);
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, -ECANCELED);
  EXPECT_EQ(FindCqe(cqes, 2).res, -ECANCELED);
  // A closed fd number is refused before anything is searched.
  reg.fd = 1000;
  core::Result<unsigned> bad = sync_cancel(ring, reg);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), core::err::badf);
}

// --- Between rings -------------------------------------------------------------------

TEST_P(ControlOpsTest, MsgRingPostsOnTheOtherRing) {
  Ring a = MakeRing(GetParam());
  Ring b = MakeRing(GetParam());
  EXPECT_EQ(RunOne(a, [&](abi::Sqe* s) { prep_msg_ring(s, b.fd(), 0x55, 0xabcdef); }).res, 0);
  abi::Cqe got = NextCqe(b);
  EXPECT_EQ(got.user_data, 0xabcdefu);
  EXPECT_EQ(got.res, 0x55);
  EXPECT_EQ(got.flags, 0u);
  // A target that is not a ring.
  Pipe p = MakePipe();
  EXPECT_EQ(RunOne(a, [&](abi::Sqe* s) { prep_msg_ring(s, p.r.get(), 1, 2); }).res, -EBADFD);
}

// Passing a fixed file: slot 0 of ring a lands in slot 2 of ring b, and b
// is told with a CQE carrying the data.
TEST_P(ControlOpsTest, MsgRingPassesAFixedFile) {
  Ring a = MakeRing(GetParam());
  Ring b = MakeRing(GetParam());
  Pipe p = MakePipe();
  int fds[1] = {p.w.get()};
  ASSERT_TRUE(register_files(a, fds, 1).ok());
  ASSERT_TRUE(register_files_sparse(b, 4).ok());
  EXPECT_EQ(RunOne(a, [&](abi::Sqe* s) { prep_msg_ring_fd(s, b.fd(), 0, 2, 0x77); }).res, 0);
  abi::Cqe got = NextCqe(b);
  EXPECT_EQ(got.user_data, 0x77u);
  EXPECT_EQ(got.res, 0);
  abi::Cqe wrote = RunOne(b, [](abi::Sqe* s) {
    prep_write(s, 2, "fd!", 3, kCur);
    set_fixed_file(s);
  });
  EXPECT_EQ(wrote.res, 3);
  char buf[4] = {};
  ASSERT_EQ(::read(p.r.get(), buf, sizeof buf), 3);
  EXPECT_EQ(std::string(buf, 3), "fd!");
  // An empty source slot.
  ASSERT_TRUE(unregister_files(a).ok());
  ASSERT_TRUE(register_files_sparse(a, 1).ok());
  EXPECT_EQ(RunOne(a, [&](abi::Sqe* s) { prep_msg_ring_fd(s, b.fd(), 0, 3, 0x78); }).res,
            -EBADF);
}

// The target slot may be left to the kernel (kFileIndexAlloc): both the
// sender's CQE and the target's carry the slot it chose.
TEST_P(ControlOpsTest, MsgRingPassesAFixedFileIntoAnAllocatedSlot) {
  Ring a = MakeRing(GetParam());
  Ring b = MakeRing(GetParam());
  Pipe p = MakePipe();
  int fds[1] = {p.w.get()};
  ASSERT_TRUE(register_files(a, fds, 1).ok());
  ASSERT_TRUE(register_files_sparse(b, 4).ok());
  ASSERT_TRUE(register_file_alloc_range(b, 1, 3).ok());
  EXPECT_EQ(RunOne(a, [&](abi::Sqe* s) {
              prep_msg_ring_fd(s, b.fd(), 0, static_cast<int>(abi::kFileIndexAlloc), 0x79);
            }).res,
            1);
  abi::Cqe got = NextCqe(b);
  EXPECT_EQ(got.user_data, 0x79u);
  EXPECT_EQ(got.res, 1) << "the first slot of the allocation range";
  EXPECT_EQ(RunOne(b, [](abi::Sqe* s) {
              prep_write(s, 1, "al", 2, kCur);
              set_fixed_file(s);
            }).res,
            2);
  char buf[4] = {};
  ASSERT_EQ(::read(p.r.get(), buf, sizeof buf), 2);
  EXPECT_EQ(std::string(buf, 2), "al");
}

// --- Futexes -------------------------------------------------------------------------

TEST_P(ControlOpsTest, FutexWaitIsWokenByFutexWake) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kFutexWait) || !Supports(ring, abi::Op::kFutexWake)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_FUTEX_WAIT/WAKE (6.7)";
  }
  alignas(4) uint32_t word = 0;
  Queue(ring, 1, [&](abi::Sqe* s) {
    prep_futex_wait(s, &word, 0, kFutexMatchAny, kFutexU32);
  });
  EXPECT_TRUE(Fence(ring).empty()) << "the wait did not wait";
  Queue(ring, 2, [&](abi::Sqe* s) {
    prep_futex_wake(s, &word, 1, kFutexMatchAny, kFutexU32);
  });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, 0);
  EXPECT_EQ(FindCqe(cqes, 2).res, 1) << "the wake should report one waiter woken";
  // Nobody waits any more.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_futex_wake(s, &word, 1, kFutexMatchAny, kFutexU32);
            }).res,
            0);
}

TEST_P(ControlOpsTest, FutexWaitOnAChangedValueIsEagain) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kFutexWait)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_FUTEX_WAIT (6.7)";
  }
  alignas(4) uint32_t word = 0;
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_futex_wait(s, &word, 1, kFutexMatchAny, kFutexU32);
            }).res,
            -EAGAIN);
  // futex2 flags the kernel does not know.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_futex_wait(s, &word, 0, kFutexMatchAny, kFutexU32 | 0x40000);
            }).res,
            -EINVAL);
}

// FUTEX_WAITV completes with the index of the futex that was woken.
TEST_P(ControlOpsTest, FutexWaitvReportsTheWokenIndex) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kFutexWaitv)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_FUTEX_WAITV (6.7)";
  }
  alignas(4) uint32_t words[2] = {0, 0};
  abi::FutexWaitv waits[2] = {};
  for (int i = 0; i < 2; ++i) {
    waits[i].val = 0;
    waits[i].uaddr = reinterpret_cast<uint64_t>(&words[i]);
    waits[i].flags = kFutexU32;
  }
  Queue(ring, 1, [&](abi::Sqe* s) { prep_futex_waitv(s, waits, 2); });
  EXPECT_TRUE(Fence(ring).empty());
  Queue(ring, 2, [&](abi::Sqe* s) {
    prep_futex_wake(s, &words[1], 1, kFutexMatchAny, kFutexU32);
  });
  ASSERT_TRUE(ring.submit().ok());
  std::vector<abi::Cqe> cqes = ReapCqes(ring, 2);
  EXPECT_EQ(FindCqe(cqes, 1).res, 1);
  EXPECT_EQ(FindCqe(cqes, 2).res, 1);
}

// --- Processes -----------------------------------------------------------------------

TEST_P(ControlOpsTest, WaitidReapsAnExitedChild) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kWaitid)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_WAITID (6.7)";
  }
  pid_t child = ::fork();
  ASSERT_GE(child, 0) << std::strerror(errno);
  if (child == 0) _exit(3);
  core::SigInfo info{};
  abi::Cqe cqe = RunOne(ring, [&](abi::Sqe* s) {
    prep_waitid(s, P_PID, child, &info, WEXITED);
  });
  EXPECT_EQ(cqe.res, 0);
  EXPECT_EQ(info.signo, SIGCHLD);
  EXPECT_EQ(info.code, CLD_EXITED);
  EXPECT_EQ(info.pid(), child);
  EXPECT_EQ(info.status(), 3);
  // Reaped: a second wait finds no such child.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_waitid(s, P_PID, child, &info, WEXITED);
            }).res,
            -ECHILD);
}

// A waitid posted before the child exits waits for it. The child blocks on
// a pipe until the test lets it go, so the wait is armed first.
TEST_P(ControlOpsTest, WaitidWaitsForTheChildToExit) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kWaitid)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_WAITID (6.7)";
  }
  Pipe gate = MakePipe();
  pid_t child = ::fork();
  ASSERT_GE(child, 0) << std::strerror(errno);
  if (child == 0) {
    char c;
    ssize_t n = ::read(gate.r.get(), &c, 1);
    _exit(n == 1 ? 5 : 6);
  }
  core::SigInfo info{};
  Queue(ring, 1, [&](abi::Sqe* s) { prep_waitid(s, P_PID, child, &info, WEXITED); });
  EXPECT_TRUE(Fence(ring).empty()) << "waitid completed before the child exited";
  WriteByte(gate);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 1u);
  EXPECT_EQ(cqe.res, 0);
  EXPECT_EQ(info.code, CLD_EXITED);
  EXPECT_EQ(info.status(), 5);
}

// --- epoll ---------------------------------------------------------------------------

TEST_P(ControlOpsTest, EpollCtlThenEpollWait) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kEpollCtl) || !Supports(ring, abi::Op::kEpollWait)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_EPOLL_CTL/EPOLL_WAIT (6.15)";
  }
  core::Fd ep(::epoll_create1(EPOLL_CLOEXEC));
  ASSERT_TRUE(ep.valid());
  Pipe p = MakePipe();
  core::EpollEvent ev{EPOLLIN, 42};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_epoll_ctl(s, ep.get(), p.r.get(), EPOLL_CTL_ADD, &ev);
            }).res,
            0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_epoll_ctl(s, ep.get(), p.r.get(), EPOLL_CTL_ADD, &ev);
            }).res,
            -EEXIST);
  core::EpollEvent ready[4] = {};
  Queue(ring, 1, [&](abi::Sqe* s) { prep_epoll_wait(s, ep.get(), ready, 4); });
  EXPECT_TRUE(Fence(ring).empty()) << "epoll_wait returned with nothing ready";
  WriteByte(p);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 1u);
  ASSERT_EQ(cqe.res, 1);
  uint32_t events = ready[0].events;
  uint64_t data = ready[0].data;
  EXPECT_EQ(events, static_cast<uint32_t>(EPOLLIN));
  EXPECT_EQ(data, 42u);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_epoll_ctl(s, ep.get(), p.r.get(), EPOLL_CTL_DEL, nullptr);
            }).res,
            0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_epoll_ctl(s, ep.get(), p.r.get(), EPOLL_CTL_DEL, nullptr);
            }).res,
            -ENOENT);
}

// --- Legacy provided buffers ---------------------------------------------------------------

TEST_P(ControlOpsTest, ProvideBuffersThenSelectThenRemove) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  constexpr int kCount = 4;
  constexpr uint32_t kSize = 16;
  char pool[kCount * kSize] = {};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_provide_buffers(s, pool, kSize, kCount, 3, 10);
            }).res,
            0);
  ASSERT_EQ(::write(p.w.get(), "hey", 3), 3);
  abi::Cqe cqe = RunOne(ring, [&](abi::Sqe* s) {
    prep_read(s, p.r.get(), nullptr, kSize, kCur);
    set_buffer_select(s, 3);
  });
  ASSERT_EQ(cqe.res, 3);
  ASSERT_TRUE(cqe_has_buffer(cqe));
  uint16_t id = cqe_buffer_id(cqe);
  ASSERT_GE(id, 10);
  ASSERT_LT(id, 10 + kCount);
  EXPECT_EQ(std::string(pool + (id - 10) * kSize, 3), "hey");
  // Three buffers are left; removing up to eight removes those three. The
  // emptied group itself stays, so removing again removes 0; only a group
  // that never existed is ENOENT.
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_remove_buffers(s, 8, 3); }).res, 3);
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_remove_buffers(s, 1, 3); }).res, 0);
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_remove_buffers(s, 1, 99); }).res, -ENOENT);
  // A selecting read with the group gone fails.
  ASSERT_EQ(::write(p.w.get(), "z", 1), 1);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_read(s, p.r.get(), nullptr, kSize, kCur);
              set_buffer_select(s, 3);
            }).res,
            -ENOBUFS);
}

// --- madvise / fadvise ----------------------------------------------------------------------

TEST_P(ControlOpsTest, MadviseDontneedDropsAnonymousPages) {
  Ring ring = MakeRing(GetParam());
  constexpr size_t kLen = 2 * 4096;
  void* mem = ::mmap(nullptr, kLen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  char* bytes = static_cast<char*>(mem);
  std::memset(bytes, 'x', kLen);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_madvise(s, mem, kLen, MADV_DONTNEED); }).res,
            0);
  // Private anonymous pages read back as zeroes after DONTNEED.
  EXPECT_EQ(bytes[0], 0);
  EXPECT_EQ(bytes[kLen - 1], 0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_madvise(s, mem, kLen, 12345); }).res,
            -EINVAL);
  ::munmap(mem, kLen);
}

TEST_P(ControlOpsTest, FadviseOnAFile) {
  Ring ring = MakeRing(GetParam());
  const char* base = std::getenv("TEST_TMPDIR");
  std::string path = std::string(base ? base : "/tmp") + "/fadvise_XXXXXX";
  core::Fd f(::mkstemp(path.data()));
  ASSERT_TRUE(f.valid()) << std::strerror(errno);
  ASSERT_EQ(::unlink(path.c_str()), 0);  // the fd keeps it alive until closed
  ASSERT_EQ(::write(f.get(), "advice", 6), 6);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_fadvise(s, f.get(), 0, 6, POSIX_FADV_DONTNEED);
            }).res,
            0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_fadvise(s, f.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
            }).res,
            0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_fadvise(s, f.get(), 0, 6, 99); }).res,
            -EINVAL);
  Pipe p = MakePipe();
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_fadvise(s, p.r.get(), 0, 6, POSIX_FADV_DONTNEED);
            }).res,
            -ESPIPE);
}

INSTANTIATE_TEST_SUITE_P(Configs, ControlOpsTest, ::testing::ValuesIn(kRingConfigs),
                         testing::ConfigName);

}  // namespace
}  // namespace zring::ring
