// zring's Ring against liburing: the same operations, on rings set up with
// the same flags, must give the same completions (res and flags, CQE by CQE
// ordered by user_data) and the same submit counts. Each scenario also pins
// the result the kernel is known to give, so that both sides being wrong in
// the same way does not pass.
//
// liburing 2.3's header is from the 6.1 era: only operations and flags it
// knows are used here.
#include <liburing.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zring/core/constants.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/core/types.h"
#include "zring/ring/abi.h"
#include "zring/ring/prep.h"
#include "zring/ring/ring.h"

namespace zring::ring {
namespace {

namespace err = core::err;

constexpr int Neg(core::Errno e) { return -e.value(); }

// The flags both sides are set up with come from liburing's own header;
// they must be the numbers zring uses.
static_assert(IORING_SETUP_SINGLE_ISSUER == abi::kSetupSingleIssuer);
static_assert(IORING_SETUP_DEFER_TASKRUN == abi::kSetupDeferTaskrun);
static_assert(IOSQE_IO_LINK == abi::kSqeIoLink);
static_assert(IORING_CQE_F_MORE == abi::kCqeFMore);

struct DiffConfig {
  const char* name;
  uint32_t flags;
};

std::ostream& operator<<(std::ostream& os, const DiffConfig& c) { return os << c.name; }

const DiffConfig kDiffConfigs[] = {
    {"Default", 0},
    {"SingleIssuerDeferTaskrun", IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN},
};

// One completion, as either side saw it.
struct Completion {
  uint64_t user_data;
  int32_t res;
  uint32_t flags;
  friend bool operator==(const Completion&, const Completion&) = default;
};

std::ostream& operator<<(std::ostream& os, const Completion& c) {
  return os << "{user_data " << c.user_data << ", res " << c.res << ", flags 0x" << std::hex
            << c.flags << std::dec << "}";
}

// What a scenario produced on one side: the value of every submit call,
// every completion (sorted by user_data before comparing), and bytes the
// operations wrote into memory (read buffers, statx fields).
struct Outcome {
  std::vector<int> submitted;
  std::vector<Completion> cqes;
  std::string data;
};

// --- The two sides, behind one set of member functions ------------------------

// Both sides offer the same calls, so each scenario is written once as a
// template and run on each. Every prepare call takes the user_data and the
// SQE flags.
class ZringSide {
 public:
  explicit ZringSide(uint32_t flags) {
    RingOptions o;
    o.entries = 64;
    o.flags = flags;
    core::Result<Ring> r = Ring::Create(o);
    if (!r) {
      ADD_FAILURE() << "Ring::Create: " << r.error().name();
      return;
    }
    ring_.emplace(std::move(*r));
  }
  bool ok() const { return ring_.has_value(); }
  static const char* name() { return "zring"; }

  void nop(uint64_t ud, uint8_t sqe_flags = 0) {
    Fill(ud, sqe_flags, [](abi::Sqe* s) { prep_nop(s); });
  }
  void read(int fd, void* buf, unsigned len, uint64_t off, uint64_t ud, uint8_t sqe_flags = 0) {
    Fill(ud, sqe_flags, [&](abi::Sqe* s) { prep_read(s, fd, buf, len, off); });
  }
  void write(int fd, const void* buf, unsigned len, uint64_t off, uint64_t ud,
             uint8_t sqe_flags = 0) {
    Fill(ud, sqe_flags, [&](abi::Sqe* s) { prep_write(s, fd, buf, len, off); });
  }
  // A NOP whose opcode byte is then overwritten with `opcode`.
  void raw_opcode(uint8_t opcode, uint64_t ud) {
    Fill(ud, 0, [&](abi::Sqe* s) {
      prep_nop(s);
      s->opcode = opcode;
    });
  }
  void timeout(int64_t sec, long long nsec, uint64_t ud) {
    ts_ = {sec, nsec};
    Fill(ud, 0, [&](abi::Sqe* s) { prep_timeout(s, &ts_, 0, 0); });
  }
  void cancel(uint64_t target, uint64_t ud) {
    Fill(ud, 0, [&](abi::Sqe* s) { prep_cancel(s, target); });
  }
  void poll_add(int fd, uint32_t mask, uint64_t ud) {
    Fill(ud, 0, [&](abi::Sqe* s) { prep_poll_add(s, fd, mask); });
  }
  void statx(int dfd, const char* path, int flags, unsigned mask, core::Statx* out,
             uint64_t ud) {
    Fill(ud, 0, [&](abi::Sqe* s) { prep_statx(s, dfd, path, flags, mask, out); });
  }

  int submit_and_wait(unsigned n) {
    core::Result<unsigned> r = ring().submit_and_wait(n);
    return r ? static_cast<int>(*r) : Neg(r.error());
  }
  Completion next() {
    core::Result<abi::Cqe*> c = ring().wait_cqe();
    if (!c || *c == nullptr) {
      ADD_FAILURE() << "wait_cqe: " << (c ? "no CQE" : c.error().name());
      return {~0ull, -9999, 0};
    }
    Completion out{(*c)->user_data, (*c)->res, (*c)->flags};
    ring().cqe_seen(*c);
    return out;
  }
  unsigned ready() { return ring().cq_ready(); }

 private:
  Ring& ring() { return *ring_; }
  template <class Prep>
  void Fill(uint64_t ud, uint8_t sqe_flags, Prep&& prep) {
    abi::Sqe* s = ring().get_sqe();
    ASSERT_NE(s, nullptr);
    prep(s);
    set_user_data(s, ud);
    set_flags(s, sqe_flags);
  }

  std::optional<Ring> ring_;  // empty when Create failed
  abi::KernelTimespec ts_{};
};

class UringSide {
 public:
  explicit UringSide(uint32_t flags) {
    io_uring_params p{};
    p.flags = flags;
    int r = io_uring_queue_init_params(64, &ring_, &p);
    if (r < 0) {
      ADD_FAILURE() << "io_uring_queue_init_params: " << r;
      return;
    }
    ok_ = true;
  }
  ~UringSide() {
    if (ok_) io_uring_queue_exit(&ring_);
  }
  UringSide(const UringSide&) = delete;
  UringSide& operator=(const UringSide&) = delete;
  bool ok() const { return ok_; }
  static const char* name() { return "liburing"; }

  void nop(uint64_t ud, uint8_t sqe_flags = 0) {
    Fill(ud, sqe_flags, [](io_uring_sqe* s) { io_uring_prep_nop(s); });
  }
  void read(int fd, void* buf, unsigned len, uint64_t off, uint64_t ud, uint8_t sqe_flags = 0) {
    Fill(ud, sqe_flags, [&](io_uring_sqe* s) { io_uring_prep_read(s, fd, buf, len, off); });
  }
  void write(int fd, const void* buf, unsigned len, uint64_t off, uint64_t ud,
             uint8_t sqe_flags = 0) {
    Fill(ud, sqe_flags, [&](io_uring_sqe* s) { io_uring_prep_write(s, fd, buf, len, off); });
  }
  void raw_opcode(uint8_t opcode, uint64_t ud) {
    Fill(ud, 0, [&](io_uring_sqe* s) {
      io_uring_prep_nop(s);
      s->opcode = opcode;
    });
  }
  void timeout(int64_t sec, long long nsec, uint64_t ud) {
    ts_.tv_sec = sec;
    ts_.tv_nsec = nsec;
    Fill(ud, 0, [&](io_uring_sqe* s) { io_uring_prep_timeout(s, &ts_, 0, 0); });
  }
  void cancel(uint64_t target, uint64_t ud) {
    Fill(ud, 0, [&](io_uring_sqe* s) { io_uring_prep_cancel64(s, target, 0); });
  }
  void poll_add(int fd, uint32_t mask, uint64_t ud) {
    Fill(ud, 0, [&](io_uring_sqe* s) { io_uring_prep_poll_add(s, fd, mask); });
  }
  void statx(int dfd, const char* path, int flags, unsigned mask, core::Statx* out,
             uint64_t ud) {
    // core::Statx has the kernel's struct statx layout.
    Fill(ud, 0, [&](io_uring_sqe* s) {
      io_uring_prep_statx(s, dfd, path, flags, mask, reinterpret_cast<struct statx*>(out));
    });
  }

  int submit_and_wait(unsigned n) { return io_uring_submit_and_wait(&ring_, n); }
  Completion next() {
    io_uring_cqe* c = nullptr;
    int r = io_uring_wait_cqe(&ring_, &c);
    if (r < 0 || c == nullptr) {
      ADD_FAILURE() << "io_uring_wait_cqe: " << r;
      return {~0ull, -9999, 0};
    }
    Completion out{c->user_data, c->res, c->flags};
    io_uring_cqe_seen(&ring_, c);
    return out;
  }
  unsigned ready() { return io_uring_cq_ready(&ring_); }

 private:
  template <class Prep>
  void Fill(uint64_t ud, uint8_t sqe_flags, Prep&& prep) {
    io_uring_sqe* s = io_uring_get_sqe(&ring_);
    ASSERT_NE(s, nullptr);
    prep(s);
    io_uring_sqe_set_data64(s, ud);
    s->flags |= sqe_flags;
  }

  io_uring ring_{};
  bool ok_ = false;
  __kernel_timespec ts_{};
};

// --- Helpers the scenarios share ---------------------------------------------

template <class Side>
void Reap(Side& side, size_t n, Outcome* out) {
  for (size_t i = 0; i < n; ++i) out->cqes.push_back(side.next());
}

template <class Side>
void SubmitAndReap(Side& side, unsigned n, Outcome* out) {
  out->submitted.push_back(side.submit_and_wait(n));
  Reap(side, n, out);
}

struct Pipe {
  core::Fd r, w;
};

void MakePipe(Pipe* p) {
  core::Result<core::PipeFds> fds = core::pipe2(core::o::cloexec);
  ASSERT_TRUE(fds.ok()) << fds.error().name();
  p->r = core::Fd(fds->read);
  p->w = core::Fd(fds->write);
}

// An fd number that is not open: one that was, and was closed again.
int ClosedFd() {
  Pipe p;
  MakePipe(&p);
  int n = p.r.get();
  (void)p.r.close();
  return n;
}

// --- Scenarios -------------------------------------------------------------------

template <class Side>
void Nops(Side& side, Outcome* out) {
  for (uint64_t ud = 1; ud <= 4; ++ud) side.nop(ud);
  SubmitAndReap(side, 4, out);
}

// A write linked to a read on the same pipe: the read runs after the write
// and finds its bytes.
template <class Side>
void PipeWriteThenRead(Side& side, Outcome* out) {
  Pipe p;
  ASSERT_NO_FATAL_FAILURE(MakePipe(&p));
  static const char kMsg[] = "differential";
  char buf[32] = {};
  side.write(p.w.get(), kMsg, sizeof kMsg - 1, abi::kOffsetCurrent, 1, abi::kSqeIoLink);
  side.read(p.r.get(), buf, sizeof buf, abi::kOffsetCurrent, 2);
  SubmitAndReap(side, 2, out);
  out->data.assign(buf, sizeof buf);
}

template <class Side>
void ReadOnABadFd(Side& side, Outcome* out) {
  char buf[8];
  side.read(ClosedFd(), buf, sizeof buf, 0, 1);
  SubmitAndReap(side, 1, out);
}

// An opcode no kernel knows fails with EINVAL. The kernel stops consuming
// the SQ at an SQE it cannot even set up, so the NOP queued behind it
// stays in the SQ until the next submit.
template <class Side>
void UnknownOpcode(Side& side, Outcome* out) {
  side.raw_opcode(200, 1);
  side.nop(2);
  SubmitAndReap(side, 1, out);
  SubmitAndReap(side, 1, out);
}

// The head of a chain fails; every linked SQE after it is cancelled.
template <class Side>
void LinkedChainWithAFailingHead(Side& side, Outcome* out) {
  char buf[8];
  side.read(ClosedFd(), buf, sizeof buf, 0, 1, abi::kSqeIoLink);
  side.nop(2, abi::kSqeIoLink);
  side.nop(3);
  SubmitAndReap(side, 3, out);
}

template <class Side>
void TimeoutExpires(Side& side, Outcome* out) {
  side.timeout(0, 1000000, 1);  // 1 ms
  SubmitAndReap(side, 1, out);
}

template <class Side>
void CancelOfAnUnknownUserData(Side& side, Outcome* out) {
  side.cancel(0xdead0000beefull, 1);
  SubmitAndReap(side, 1, out);
}

template <class Side>
void PollOnAReadyPipe(Side& side, Outcome* out) {
  Pipe p;
  ASSERT_NO_FATAL_FAILURE(MakePipe(&p));
  core::Result<size_t> w = core::write(p.w.get(), "!", 1);
  ASSERT_TRUE(w.ok());
  side.poll_add(p.r.get(), core::ev::in | core::ev::rdnorm, 1);
  // The write end is always writable until the pipe fills.
  side.poll_add(p.w.get(), core::ev::out, 2);
  SubmitAndReap(side, 2, out);
}

// The statx path is set by the test before the scenarios run.
std::string g_statx_path;

template <class Side>
void StatxOfAFile(Side& side, Outcome* out) {
  core::Statx st{};
  side.statx(core::at::fdcwd, g_statx_path.c_str(), 0,
             core::statx_mask::basic_stats, &st, 1);
  SubmitAndReap(side, 1, out);
  // The fields that describe the file, not the moment: two statx calls on
  // an unchanged file agree on these.
  const uint64_t fields[] = {st.mask & core::statx_mask::basic_stats,
                             st.mode,
                             st.nlink,
                             st.uid,
                             st.gid,
                             st.ino,
                             st.size,
                             st.blocks,
                             st.dev_major,
                             st.dev_minor};
  for (uint64_t f : fields) out->data += std::to_string(f) + ",";
}

template <class Side>
void BatchOf32Nops(Side& side, Outcome* out) {
  for (uint64_t ud = 100; ud < 132; ++ud) side.nop(ud);
  SubmitAndReap(side, 32, out);
}

// --- Running a scenario on both sides -----------------------------------------

struct Scenario {
  const char* name;
  void (*zring)(ZringSide&, Outcome*);
  void (*uring)(UringSide&, Outcome*);
};

#define ZRING_DIFF_SCENARIO(fn) \
  Scenario { #fn, &fn<ZringSide>, &fn<UringSide> }

template <class Side>
Outcome RunOn(const DiffConfig& config, void (*scenario)(Side&, Outcome*)) {
  Outcome out;
  Side side(config.flags);
  if (!side.ok()) return out;
  scenario(side, &out);
  EXPECT_EQ(side.ready(), 0u) << Side::name() << ": CQEs left over";
  std::stable_sort(out.cqes.begin(), out.cqes.end(),
                   [](const Completion& a, const Completion& b) {
                     return a.user_data < b.user_data;
                   });
  return out;
}

class DifferentialTest : public ::testing::TestWithParam<DiffConfig> {
 protected:
  static void SetUpTestSuite() {
    const char* dir = std::getenv("TEST_TMPDIR");
    g_statx_path = std::string(dir ? dir : "/tmp") + "/zring_differential_statx";
    core::Result<int> fd = core::openat(core::at::fdcwd, g_statx_path.c_str(),
                                        core::o::wronly | core::o::creat | core::o::trunc |
                                            core::o::cloexec,
                                        0640);
    ASSERT_TRUE(fd.ok()) << fd.error().name();
    core::Fd file(*fd);
    std::string content(1234, 's');
    core::Result<size_t> w = file.write(content.data(), content.size());
    ASSERT_TRUE(w.ok());
    ASSERT_EQ(*w, content.size());
  }
  static void TearDownTestSuite() {
    (void)core::unlinkat(core::at::fdcwd, g_statx_path.c_str(), 0);
  }

  // Runs `s` on both sides and compares; returns liburing's outcome for the
  // scenario's own pinned expectations.
  Outcome Compare(const Scenario& s) {
    SCOPED_TRACE(s.name);
    Outcome z = RunOn(GetParam(), s.zring);
    Outcome u = RunOn(GetParam(), s.uring);
    EXPECT_EQ(z.submitted, u.submitted) << "submit counts differ";
    EXPECT_EQ(z.cqes.size(), u.cqes.size());
    for (size_t i = 0; i < std::min(z.cqes.size(), u.cqes.size()); ++i) {
      EXPECT_EQ(z.cqes[i], u.cqes[i]) << "CQE " << i << " (zring left, liburing right)";
    }
    EXPECT_EQ(z.data, u.data) << "memory written by the operations differs";
    return z;
  }
};

std::vector<Completion> Expect(std::initializer_list<Completion> c) { return c; }

TEST_P(DifferentialTest, Nops) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(Nops));
  EXPECT_EQ(o.submitted, std::vector<int>{4});
  EXPECT_EQ(o.cqes, Expect({{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}}));
}

TEST_P(DifferentialTest, PipeWriteThenRead) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(PipeWriteThenRead));
  EXPECT_EQ(o.submitted, std::vector<int>{2});
  EXPECT_EQ(o.cqes, Expect({{1, 12, 0}, {2, 12, 0}}));
  EXPECT_EQ(o.data.substr(0, 13), std::string("differential\0", 13));
}

TEST_P(DifferentialTest, ReadOnABadFd) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(ReadOnABadFd));
  EXPECT_EQ(o.submitted, std::vector<int>{1});
  EXPECT_EQ(o.cqes, Expect({{1, Neg(err::badf), 0}}));
}

TEST_P(DifferentialTest, UnknownOpcode) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(UnknownOpcode));
  EXPECT_EQ(o.submitted, (std::vector<int>{1, 1}));
  EXPECT_EQ(o.cqes, Expect({{1, Neg(err::inval), 0}, {2, 0, 0}}));
}

TEST_P(DifferentialTest, LinkedChainWithAFailingHead) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(LinkedChainWithAFailingHead));
  EXPECT_EQ(o.submitted, std::vector<int>{3});
  EXPECT_EQ(o.cqes, Expect({{1, Neg(err::badf), 0},
                            {2, Neg(err::canceled), 0},
                            {3, Neg(err::canceled), 0}}));
}

TEST_P(DifferentialTest, TimeoutExpires) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(TimeoutExpires));
  EXPECT_EQ(o.submitted, std::vector<int>{1});
  EXPECT_EQ(o.cqes, Expect({{1, Neg(err::time), 0}}));
}

TEST_P(DifferentialTest, CancelOfAnUnknownUserData) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(CancelOfAnUnknownUserData));
  EXPECT_EQ(o.submitted, std::vector<int>{1});
  EXPECT_EQ(o.cqes, Expect({{1, Neg(err::noent), 0}}));
}

TEST_P(DifferentialTest, PollOnAReadyPipe) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(PollOnAReadyPipe));
  EXPECT_EQ(o.submitted, std::vector<int>{2});
  EXPECT_EQ(o.cqes, Expect({{1, static_cast<int>(core::ev::in | core::ev::rdnorm), 0},
                            {2, static_cast<int>(core::ev::out), 0}}));
}

TEST_P(DifferentialTest, StatxOfAFile) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(StatxOfAFile));
  EXPECT_EQ(o.submitted, std::vector<int>{1});
  EXPECT_EQ(o.cqes, Expect({{1, 0, 0}}));
  // Against the plain syscall, for the size at least.
  core::Statx st{};
  ASSERT_TRUE(core::statx(core::at::fdcwd, g_statx_path.c_str(), 0,
                          core::statx_mask::basic_stats, &st)
                  .ok());
  EXPECT_EQ(st.size, 1234u);
  EXPECT_NE(o.data.find("," + std::to_string(st.ino) + ",1234,"), std::string::npos)
      << o.data;
}

TEST_P(DifferentialTest, BatchOf32NopsInOneSubmitAndWait) {
  Outcome o = Compare(ZRING_DIFF_SCENARIO(BatchOf32Nops));
  EXPECT_EQ(o.submitted, std::vector<int>{32});
  ASSERT_EQ(o.cqes.size(), 32u);
  for (size_t i = 0; i < 32; ++i) EXPECT_EQ(o.cqes[i], (Completion{100 + i, 0, 0}));
}

INSTANTIATE_TEST_SUITE_P(Configs, DifferentialTest, ::testing::ValuesIn(kDiffConfigs),
                         [](const ::testing::TestParamInfo<DiffConfig>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace zring::ring
