// core/io_uring.h against the real kernel: set up a tiny ring, submit a
// NOP through it by hand (so io_uring_enter is seen to consume an SQE and
// produce a CQE), wait with the extended argument, register a probe, and
// the error paths. The ABI structs come from <linux/io_uring.h> here; the
// library itself defines its own in ring/.
//
// Where io_uring is unavailable (ENOSYS, or EPERM from seccomp or
// kernel.io_uring_disabled) the success cases skip rather than fail.
#include "zring/core/io_uring.h"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "zring/core/event.h"
#include "zring/core/io.h"

namespace zring::core {
namespace {

int ClosedFd() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ::close(fd);
  return fd;
}

// A ring made through core::io_uring_setup, closed at the end.
class Ring : public ::testing::Test {
 protected:
  void SetUp() override {
    std::memset(&params_, 0, sizeof params_);
    Result<int> fd = io_uring_setup(4, &params_);
    if (!fd && (fd.error() == err::nosys || fd.error() == err::perm)) {
      GTEST_SKIP() << "io_uring unavailable: " << fd.error().name();
    }
    ASSERT_TRUE(fd.ok()) << fd.error().name();
    fd_ = *fd;
  }
  void TearDown() override {
    if (sqes_ != nullptr) ::munmap(sqes_, sqes_len_);
    if (cq_ != nullptr && cq_ != sq_) ::munmap(cq_, cq_len_);
    if (sq_ != nullptr) ::munmap(sq_, sq_len_);
    if (fd_ >= 0) ::close(fd_);
  }

  // Maps the SQ and CQ rings and the SQE array, as ring/ does for real.
  void Map() {
    const io_sqring_offsets& so = params_.sq_off;
    const io_cqring_offsets& co = params_.cq_off;
    sq_len_ = so.array + params_.sq_entries * sizeof(uint32_t);
    cq_len_ = co.cqes + params_.cq_entries * sizeof(io_uring_cqe);
    bool single = (params_.features & IORING_FEAT_SINGLE_MMAP) != 0;
    if (single) sq_len_ = cq_len_ = std::max(sq_len_, cq_len_);
    sq_ = ::mmap(nullptr, sq_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                 fd_, IORING_OFF_SQ_RING);
    ASSERT_NE(sq_, MAP_FAILED);
    if (single) {
      cq_ = sq_;
    } else {
      cq_ = ::mmap(nullptr, cq_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                   fd_, IORING_OFF_CQ_RING);
      ASSERT_NE(cq_, MAP_FAILED);
    }
    sqes_len_ = params_.sq_entries * sizeof(io_uring_sqe);
    sqes_ = ::mmap(nullptr, sqes_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                   fd_, IORING_OFF_SQES);
    ASSERT_NE(sqes_, MAP_FAILED);
  }

  template <class T>
  T* At(void* base, uint32_t offset) {
    return reinterpret_cast<T*>(static_cast<char*>(base) + offset);
  }

  // Queues one NOP with `user_data` (not yet submitted).
  void QueueNop(uint64_t user_data) {
    auto* tail = At<std::atomic<uint32_t>>(sq_, params_.sq_off.tail);
    uint32_t mask = *At<uint32_t>(sq_, params_.sq_off.ring_mask);
    uint32_t t = tail->load(std::memory_order_relaxed);
    auto* sqe = static_cast<io_uring_sqe*>(sqes_) + (t & mask);
    std::memset(sqe, 0, sizeof *sqe);
    sqe->opcode = IORING_OP_NOP;
    sqe->user_data = user_data;
    At<uint32_t>(sq_, params_.sq_off.array)[t & mask] = t & mask;
    tail->store(t + 1, std::memory_order_release);  // publish the SQE
  }

  // Pops one CQE if there is one.
  bool PopCqe(io_uring_cqe* out) {
    auto* head = At<std::atomic<uint32_t>>(cq_, params_.cq_off.head);
    auto* tail = At<std::atomic<uint32_t>>(cq_, params_.cq_off.tail);
    uint32_t h = head->load(std::memory_order_relaxed);
    if (h == tail->load(std::memory_order_acquire)) return false;  // see the CQE
    uint32_t mask = *At<uint32_t>(cq_, params_.cq_off.ring_mask);
    *out = At<io_uring_cqe>(cq_, params_.cq_off.cqes)[h & mask];
    head->store(h + 1, std::memory_order_release);  // give the slot back
    return true;
  }

  io_uring_params params_;
  int fd_ = -1;
  void* sq_ = nullptr;
  void* cq_ = nullptr;
  void* sqes_ = nullptr;
  size_t sq_len_ = 0, cq_len_ = 0, sqes_len_ = 0;
};

// --- io_uring_setup --------------------------------------------------------

TEST_F(Ring, SetupFillsParams) {
  EXPECT_GE(fd_, 0);
  EXPECT_EQ(params_.sq_entries, 4u);
  EXPECT_EQ(params_.cq_entries, 8u);  // twice the SQ by default
  EXPECT_NE(params_.features, 0u);
  EXPECT_NE(::fcntl(fd_, F_GETFD) & FD_CLOEXEC, 0);  // ring fds are cloexec
}

TEST(IoUringSetup, RoundsEntriesUpToAPowerOfTwo) {
  io_uring_params p{};
  Result<int> fd = io_uring_setup(5, &p);
  if (!fd && (fd.error() == err::nosys || fd.error() == err::perm)) GTEST_SKIP();
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(p.sq_entries, 8u);
  ::close(*fd);
}

TEST(IoUringSetup, Errors) {
  io_uring_params p{};
  Result<int> probe = io_uring_setup(1, &p);
  if (!probe && (probe.error() == err::nosys || probe.error() == err::perm)) GTEST_SKIP();
  ASSERT_TRUE(probe.ok());
  ::close(*probe);

  std::memset(&p, 0, sizeof p);
  EXPECT_EQ(io_uring_setup(0, &p).error(), err::inval);
  EXPECT_EQ(io_uring_setup(4, reinterpret_cast<void*>(8)).error(), err::fault);
  std::memset(&p, 0, sizeof p);
  p.flags = 0x80000000U;  // unknown setup flag
  EXPECT_EQ(io_uring_setup(4, &p).error(), err::inval);
  std::memset(&p, 0, sizeof p);
  p.resv[0] = 1;  // reserved fields must be zero
  EXPECT_EQ(io_uring_setup(4, &p).error(), err::inval);
}

// --- io_uring_enter --------------------------------------------------------

TEST_F(Ring, EnterWithNothingToSubmit) {
  Result<unsigned> n = io_uring_enter(fd_, 0, 0, 0, nullptr);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 0u);
  SigSet mask;
  mask.add(SIGUSR1);
  n = io_uring_enter(fd_, 0, 0, IORING_ENTER_GETEVENTS, &mask);  // min 0: no wait
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 0u);
}

TEST_F(Ring, EnterSubmitsANopAndWaitsForItsCompletion) {
  Map();
  QueueNop(0xfeed);
  QueueNop(0xbeef);
  Result<unsigned> n = io_uring_enter(fd_, 2, 2, IORING_ENTER_GETEVENTS, nullptr);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 2u);
  io_uring_cqe cqe{};
  ASSERT_TRUE(PopCqe(&cqe));
  EXPECT_EQ(cqe.user_data, 0xfeedu);
  EXPECT_EQ(cqe.res, 0);
  ASSERT_TRUE(PopCqe(&cqe));
  EXPECT_EQ(cqe.user_data, 0xbeefu);
  EXPECT_FALSE(PopCqe(&cqe));
}

TEST(IoUringEnter, Errors) {
  Result<PipeFds> p = pipe2(O_CLOEXEC);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(io_uring_enter(p->read, 0, 0, 0, nullptr).error(), err::opnotsupp);
  EXPECT_EQ(io_uring_enter(ClosedFd(), 0, 0, 0, nullptr).error(), err::badf);
  ::close(p->read);
  ::close(p->write);
}

TEST_F(Ring, EnterErrorsOnARing) {
  EXPECT_EQ(io_uring_enter(fd_, 0, 0, 0x80000000U, nullptr).error(), err::inval);
  EXPECT_EQ(io_uring_enter(fd_, 0, 1, IORING_ENTER_GETEVENTS,
                           reinterpret_cast<const SigSet*>(8))
                .error(),
            err::fault);
}

// --- io_uring_enter_ext ----------------------------------------------------

TEST_F(Ring, EnterExtTimesOutWithNothingInFlight) {
  if ((params_.features & IORING_FEAT_EXT_ARG) == 0) GTEST_SKIP() << "no EXT_ARG";
  __kernel_timespec ts{0, 1'000'000};  // 1 ms
  io_uring_getevents_arg ext{};
  ext.ts = reinterpret_cast<uint64_t>(&ts);
  Result<unsigned> n =
      io_uring_enter_ext(fd_, 0, 1, IORING_ENTER_GETEVENTS, &ext, sizeof ext);
  EXPECT_EQ(n.error(), err::time);
}

TEST_F(Ring, EnterExtSubmitsAndReaps) {
  if ((params_.features & IORING_FEAT_EXT_ARG) == 0) GTEST_SKIP() << "no EXT_ARG";
  Map();
  QueueNop(7);
  __kernel_timespec ts{5, 0};  // a bound, never reached: the NOP completes
  SigSet mask;
  mask.add(SIGUSR2);
  io_uring_getevents_arg ext{};
  ext.sigmask = reinterpret_cast<uint64_t>(&mask);
  ext.sigmask_sz = kSigSetSize;
  ext.ts = reinterpret_cast<uint64_t>(&ts);
  Result<unsigned> n =
      io_uring_enter_ext(fd_, 1, 1, IORING_ENTER_GETEVENTS, &ext, sizeof ext);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 1u);
  io_uring_cqe cqe{};
  ASSERT_TRUE(PopCqe(&cqe));
  EXPECT_EQ(cqe.user_data, 7u);
}

TEST_F(Ring, EnterExtErrors) {
  if ((params_.features & IORING_FEAT_EXT_ARG) == 0) GTEST_SKIP() << "no EXT_ARG";
  io_uring_getevents_arg ext{};
  EXPECT_EQ(io_uring_enter_ext(fd_, 0, 1, IORING_ENTER_GETEVENTS, &ext, sizeof ext - 1)
                .error(),
            err::inval);
  EXPECT_EQ(io_uring_enter_ext(fd_, 0, 1, IORING_ENTER_GETEVENTS,
                               reinterpret_cast<const void*>(8), sizeof ext)
                .error(),
            err::fault);
}

// --- io_uring_register -----------------------------------------------------

TEST_F(Ring, RegisterProbe) {
  constexpr unsigned kOps = 256;
  std::vector<unsigned char> buf(sizeof(io_uring_probe) + kOps * sizeof(io_uring_probe_op));
  auto* probe = reinterpret_cast<io_uring_probe*>(buf.data());
  Result<unsigned> r = io_uring_register(fd_, IORING_REGISTER_PROBE, probe, kOps);
  ASSERT_TRUE(r.ok()) << r.error().name();
  EXPECT_EQ(*r, 0u);
  EXPECT_GT(probe->last_op, IORING_OP_NOP);
  EXPECT_GT(probe->ops_len, 0);
  ASSERT_GT(probe->ops_len, IORING_OP_NOP);
  EXPECT_NE(probe->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED, 0);
  EXPECT_NE(probe->ops[IORING_OP_READV].flags & IO_URING_OP_SUPPORTED, 0);
}

TEST_F(Ring, RegisterErrors) {
  constexpr unsigned kOps = 16;
  std::vector<unsigned char> buf(sizeof(io_uring_probe) + kOps * sizeof(io_uring_probe_op));
  buf[0] = 1;  // a probe buffer must come in zeroed
  EXPECT_EQ(io_uring_register(fd_, IORING_REGISTER_PROBE, buf.data(), kOps).error(),
            err::inval);
  EXPECT_EQ(io_uring_register(fd_, IORING_REGISTER_PROBE, reinterpret_cast<void*>(8), kOps)
                .error(),
            err::fault);
  EXPECT_EQ(io_uring_register(fd_, 9999, nullptr, 0).error(), err::inval);
  Result<PipeFds> p = pipe2(O_CLOEXEC);
  ASSERT_TRUE(p.ok());
  std::fill(buf.begin(), buf.end(), 0);
  EXPECT_EQ(io_uring_register(p->read, IORING_REGISTER_PROBE, buf.data(), kOps).error(),
            err::opnotsupp);
  ::close(p->read);
  ::close(p->write);
  EXPECT_EQ(io_uring_register(ClosedFd(), IORING_REGISTER_PROBE, buf.data(), kOps).error(),
            err::badf);
}

TEST_F(Ring, RegisterEventfdIsSignalledByACompletion) {
  Result<int> efd = eventfd2(0, EFD_CLOEXEC | EFD_NONBLOCK);
  ASSERT_TRUE(efd.ok());
  int value = *efd;
  ASSERT_TRUE(io_uring_register(fd_, IORING_REGISTER_EVENTFD, &value, 1).ok());
  EXPECT_EQ(io_uring_register(fd_, IORING_REGISTER_EVENTFD, &value, 1).error(), err::busy);
  Map();
  QueueNop(1);
  Result<unsigned> n = io_uring_enter(fd_, 1, 1, IORING_ENTER_GETEVENTS, nullptr);
  ASSERT_TRUE(n.ok());
  uint64_t count = 0;
  ASSERT_EQ(::read(*efd, &count, 8), 8);  // the CQE posted before enter returned
  EXPECT_EQ(count, 1u);
  EXPECT_TRUE(io_uring_register(fd_, IORING_UNREGISTER_EVENTFD, nullptr, 0).ok());
  EXPECT_EQ(io_uring_register(fd_, IORING_UNREGISTER_EVENTFD, nullptr, 0).error(),
            err::nxio);
  ::close(*efd);
}

}  // namespace
}  // namespace zring::core
