// The io_uring_register operations of ring/register.h against the running
// kernel, on every ring set-up in ring_configs.h: probe, buffer and file
// tables, eventfd, personalities, io-wq affinity and limits, restrictions,
// buffer-ring status, NAPI, the wait clock, and the errors the syscall
// itself gives.
#include <fcntl.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "tests/ring/ring_configs.h"
#include "zring/core/event.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/core/types.h"
#include "zring/ring/abi.h"
#include "zring/ring/buf_ring.h"
#include "zring/ring/prep.h"
#include "zring/ring/register.h"
#include "zring/ring/ring.h"

namespace zring::ring {
namespace {

using testing::kRingConfigs;
using testing::MakeRing;
using testing::NextCqe;
using testing::RingConfig;
using testing::RunOne;

constexpr uint64_t kCur = abi::kOffsetCurrent;

struct Pipe {
  core::Fd r, w;
};

Pipe MakePipe() {
  core::Result<core::PipeFds> p = core::pipe2(O_CLOEXEC);
  EXPECT_TRUE(p.ok()) << p.error().name();
  if (!p) return {};
  return {core::Fd(p->read), core::Fd(p->write)};
}

// Expects `expr` (a core::Result) to have failed with `want`.
#define EXPECT_ERRNO(expr, want)                                              \
  do {                                                                        \
    const auto& errno_result_ = (expr);                                       \
    ASSERT_FALSE(errno_result_.ok()) << #expr << ": expected " << (want).name(); \
    EXPECT_EQ(errno_result_.error(), (want))                                  \
        << #expr << ": " << errno_result_.error().name() << " instead of "    \
        << (want).name();                                                     \
  } while (0)

class RegisterTest : public ::testing::TestWithParam<RingConfig> {};

// --- Probe ---------------------------------------------------------------------------

TEST_P(RegisterTest, ProbeReportsWhatThisKernelSupports) {
  Ring ring = MakeRing(GetParam());
  Probe probe;
  core::Result<void> r = register_probe(ring, probe);
  ASSERT_TRUE(r.ok()) << r.error().name();
  // Linux 6.18 knows every opcode through kPipe (6.16).
  EXPECT_GE(probe.last_op(), static_cast<unsigned>(abi::Op::kPipe));
  EXPECT_TRUE(probe.supports(abi::Op::kNop));
  EXPECT_TRUE(probe.supports(abi::Op::kReadv));
  EXPECT_TRUE(probe.supports(abi::Op::kFutexWait));
  EXPECT_TRUE(probe.supports(abi::Op::kPipe));
  EXPECT_FALSE(probe.supports(static_cast<abi::Op>(200)));
  EXPECT_FALSE(probe.supports(abi::Op::kLast));
  // Probing twice gives the same answer (the Probe is reset each time).
  Probe again;
  ASSERT_TRUE(register_probe(ring, again).ok());
  EXPECT_EQ(again.last_op(), probe.last_op());
}

// --- Buffer and file tables -----------------------------------------------------------

TEST_P(RegisterTest, BuffersRegisterOnceAndUnregisterOnce) {
  Ring ring = MakeRing(GetParam());
  alignas(4096) static char mem[4096];
  core::IoVec buf{mem, sizeof mem};
  ASSERT_TRUE(register_buffers(ring, &buf, 1).ok());
  EXPECT_ERRNO(register_buffers(ring, &buf, 1), core::err::busy);
  EXPECT_ERRNO(register_buffers_sparse(ring, 2), core::err::busy);
  ASSERT_TRUE(unregister_buffers(ring).ok());
  EXPECT_ERRNO(unregister_buffers(ring), core::err::nxio);
  // Updating a table that does not exist.
  EXPECT_ERRNO(update_buffers(ring, 0, &buf, 1), core::err::nxio);
  // Free to register again.
  ASSERT_TRUE(register_buffers_sparse(ring, 2).ok());
  ASSERT_TRUE(unregister_buffers(ring).ok());
}

TEST_P(RegisterTest, BuffersNeedAnArrayOfAtLeastOne) {
  Ring ring = MakeRing(GetParam());
  // The pointer is checked before the count.
  EXPECT_ERRNO(register_buffers(ring, nullptr, 0), core::err::fault);
  core::IoVec none{nullptr, 0};
  EXPECT_ERRNO(register_buffers(ring, &none, 0), core::err::inval);
}

TEST_P(RegisterTest, FilesRegisterOnceAndUnregisterOnce) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  int fds[2] = {p.r.get(), p.w.get()};
  ASSERT_TRUE(register_files(ring, fds, 2).ok());
  EXPECT_ERRNO(register_files(ring, fds, 2), core::err::busy);
  EXPECT_ERRNO(register_files_sparse(ring, 4), core::err::busy);
  ASSERT_TRUE(unregister_files(ring).ok());
  EXPECT_ERRNO(unregister_files(ring), core::err::nxio);
  EXPECT_ERRNO(update_files(ring, 0, fds, 1), core::err::nxio);
  // Without a table every range lies outside it.
  EXPECT_ERRNO(register_file_alloc_range(ring, 0, 1), core::err::inval);
  // A closed fd in the table.
  int bad[1] = {1000};
  EXPECT_ERRNO(register_files(ring, bad, 1), core::err::badf);
}

// --- eventfd ---------------------------------------------------------------------------

TEST_P(RegisterTest, EventfdCountsCompletions) {
  Ring ring = MakeRing(GetParam());
  // Blocking: with SQPOLL the kernel thread signals the eventfd just after
  // it publishes the CQE, so a read must wait for the signal, not race it.
  core::Result<int> raw = core::eventfd2(0, EFD_CLOEXEC);
  ASSERT_TRUE(raw.ok()) << raw.error().name();
  core::Fd efd(*raw);
  ASSERT_TRUE(register_eventfd(ring, efd.get()).ok());
  EXPECT_ERRNO(register_eventfd(ring, efd.get()), core::err::busy);
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_nop(s); }).res, 0);
  uint64_t count = 0;
  ASSERT_EQ(::read(efd.get(), &count, sizeof count), 8);
  EXPECT_EQ(count, 1u);
  ASSERT_TRUE(unregister_eventfd(ring).ok());
  EXPECT_ERRNO(unregister_eventfd(ring), core::err::nxio);
  // No longer signalled.
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_nop(s); }).res, 0);
  ASSERT_TRUE(efd.set_nonblock().ok());
  EXPECT_EQ(::read(efd.get(), &count, sizeof count), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST_P(RegisterTest, EventfdMustBeAnEventfd) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  EXPECT_ERRNO(register_eventfd(ring, p.r.get()), core::err::inval);
}

// --- Personality ------------------------------------------------------------------------

TEST_P(RegisterTest, PersonalityIsUsableUntilUnregistered) {
  Ring ring = MakeRing(GetParam());
  core::Result<unsigned> id = register_personality(ring);
  ASSERT_TRUE(id.ok()) << id.error().name();
  EXPECT_GT(*id, 0u);
  uint16_t pid = static_cast<uint16_t>(*id);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_nop(s);
              s->personality = pid;
            }).res,
            0);
  ASSERT_TRUE(unregister_personality(ring, *id).ok());
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_nop(s);
              s->personality = pid;
            }).res,
            -EINVAL);
  EXPECT_ERRNO(unregister_personality(ring, *id), core::err::inval);
}

// --- io-wq -------------------------------------------------------------------------------

TEST_P(RegisterTest, IowqAffinityRegistersAndUnregisters) {
  Ring ring = MakeRing(GetParam());
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
  core::Result<void> r = register_iowq_affinity(ring, &set, sizeof set);
  ASSERT_TRUE(r.ok()) << r.error().name();
  ASSERT_TRUE(unregister_iowq_affinity(ring).ok());
  EXPECT_ERRNO(register_iowq_affinity(ring, nullptr, 0), core::err::inval);
}

// io-wq limits belong to the submitting task (or the SQPOLL thread), so the
// test leaves them as it found them.
TEST_P(RegisterTest, IowqMaxWorkersRoundTripsTheOldValues) {
  Ring ring = MakeRing(GetParam());
  unsigned orig[2] = {0, 0};  // zeroes only read the current limits
  ASSERT_TRUE(register_iowq_max_workers(ring, orig).ok());
  EXPECT_GT(orig[0], 0u);
  EXPECT_GT(orig[1], 0u);
  unsigned set[2] = {2, 3};
  ASSERT_TRUE(register_iowq_max_workers(ring, set).ok());
  EXPECT_EQ(set[0], orig[0]);
  EXPECT_EQ(set[1], orig[1]);
  unsigned read_back[2] = {0, 0};
  ASSERT_TRUE(register_iowq_max_workers(ring, read_back).ok());
  EXPECT_EQ(read_back[0], 2u);
  EXPECT_EQ(read_back[1], 3u);
  unsigned restore[2] = {orig[0], orig[1]};
  ASSERT_TRUE(register_iowq_max_workers(ring, restore).ok());
  EXPECT_EQ(restore[0], 2u);
  EXPECT_EQ(restore[1], 3u);
  unsigned final_values[2] = {0, 0};
  ASSERT_TRUE(register_iowq_max_workers(ring, final_values).ok());
  EXPECT_EQ(final_values[0], orig[0]);
  EXPECT_EQ(final_values[1], orig[1]);
}

// --- Restrictions ---------------------------------------------------------------------------

// A ring created disabled takes restrictions, then starts with
// enable_rings(); from then on an opcode, SQE flag or register operation
// outside the allow-list fails with EACCES.
TEST_P(RegisterTest, RestrictionsLimitWhatAnEnabledRingMayDo) {
  RingOptions options;
  options.entries = 16;
  options.flags = GetParam().flags | abi::kSetupRDisabled;
  options.sq_thread_idle_ms = 50;
  core::Result<Ring> created = Ring::Create(options);
  ASSERT_TRUE(created.ok()) << created.error().name();
  Ring ring = std::move(*created);

  abi::Restriction allow[4] = {};
  allow[0].opcode = abi::kRestrictionSqeOp;
  allow[0].sqe_op = static_cast<uint8_t>(abi::Op::kNop);
  allow[1].opcode = abi::kRestrictionSqeFlagsAllowed;
  allow[1].sqe_flags = abi::kSqeIoLink;
  // The Ring drops its registered ring fd on destruction; that is a
  // register operation too.
  allow[2].opcode = abi::kRestrictionRegisterOp;
  allow[2].register_op = static_cast<uint8_t>(abi::kUnregisterRingFds);
  allow[3].opcode = abi::kRestrictionRegisterOp;
  allow[3].register_op = static_cast<uint8_t>(abi::kRegisterPersonality);
  ASSERT_TRUE(register_restrictions(ring, allow, 4).ok());
  EXPECT_ERRNO(register_restrictions(ring, allow, 4), core::err::busy);
  ASSERT_TRUE(enable_rings(ring).ok());

  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_nop(s); }).res, 0);
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) {
              prep_nop(s);
              set_async(s);
            }).res,
            -EACCES);
  char buf[4];
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read(s, 0, buf, 4, 0); }).res, -EACCES);
  core::Result<unsigned> personality = register_personality(ring);
  ASSERT_TRUE(personality.ok()) << personality.error().name();
  Probe probe;
  EXPECT_ERRNO(register_probe(ring, probe), core::err::acces);
  // Unregistering was not allowed, so the id stays until the ring goes.
  EXPECT_ERRNO(unregister_personality(ring, *personality), core::err::acces);
  // Only a disabled ring takes restrictions.
  EXPECT_ERRNO(register_restrictions(ring, allow, 1), core::err::acces);
}

TEST(RegisterRestrictions, OnlyADisabledRingTakesRestrictions) {
  core::Result<Ring> ring = Ring::Create(8);
  ASSERT_TRUE(ring.ok()) << ring.error().name();
  abi::Restriction allow{};
  allow.opcode = abi::kRestrictionSqeOp;
  allow.sqe_op = static_cast<uint8_t>(abi::Op::kNop);
  EXPECT_ERRNO(register_restrictions(*ring, &allow, 1), core::err::badfd);
  EXPECT_ERRNO(enable_rings(*ring), core::err::badfd);
}

// Until enable_rings() the kernel refuses to submit; the SQE prepared
// before runs once the ring is enabled.
TEST(RegisterRestrictions, DisabledRingSubmitsNothingUntilEnabled) {
  core::Result<Ring> created = Ring::Create(8, abi::kSetupRDisabled);
  ASSERT_TRUE(created.ok()) << created.error().name();
  Ring ring = std::move(*created);
  abi::Sqe* sqe = ring.get_sqe();
  ASSERT_NE(sqe, nullptr);
  prep_nop(sqe);
  set_user_data(sqe, 5);
  EXPECT_ERRNO(ring.submit(), core::err::badfd);
  ASSERT_TRUE(enable_rings(ring).ok());
  core::Result<unsigned> n = ring.submit_and_wait(1);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 1u);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 5u);
  EXPECT_EQ(cqe.res, 0);
}

// --- Buffer rings ---------------------------------------------------------------------------

// kRegisterPbufStatus (6.8): the kernel's head moves by one per buffer a
// read consumed.
TEST_P(RegisterTest, BufRingHeadFollowsConsumption) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  core::Result<BufRing> group = BufRing::Create(ring, {.group = 1, .count = 4, .size = 64});
  ASSERT_TRUE(group.ok()) << group.error().name();
  core::Result<uint32_t> head = buf_ring_head(ring, 1);
  if (!head.ok() && head.error() == core::err::inval) {
    GTEST_SKIP() << "kernel lacks IORING_REGISTER_PBUF_STATUS (6.8)";
  }
  ASSERT_TRUE(head.ok()) << head.error().name();
  EXPECT_EQ(*head, 0u);
  for (uint32_t i = 1; i <= 3; ++i) {
    ASSERT_EQ(::write(p.w.get(), "ab", 2), 2);
    abi::Cqe cqe = RunOne(ring, [&](abi::Sqe* s) {
      prep_read(s, p.r.get(), nullptr, 64, kCur);
      set_buffer_select(s, 1);
    });
    ASSERT_EQ(cqe.res, 2);
    ASSERT_TRUE(cqe_has_buffer(cqe));
    EXPECT_EQ(cqe_buffer_id(cqe), i - 1) << "buffers are handed out in ring order";
    head = buf_ring_head(ring, 1);
    ASSERT_TRUE(head.ok()) << head.error().name();
    EXPECT_EQ(*head, i);
    core::Result<uint32_t> same = group->kernel_head();
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(*same, i);
  }
  EXPECT_ERRNO(buf_ring_head(ring, 9), core::err::noent);
}

// A group given with the legacy PROVIDE_BUFFERS has no ring to report on.
TEST_P(RegisterTest, BufRingHeadOfALegacyGroupIsEinval) {
  Ring ring = MakeRing(GetParam());
  char pool[64];
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_provide_buffers(s, pool, 16, 4, 2, 0); }).res,
            0);
  EXPECT_ERRNO(buf_ring_head(ring, 2), core::err::inval);
}

TEST_P(RegisterTest, BufRingGroupCannotBeRegisteredTwice) {
  Ring ring = MakeRing(GetParam());
  core::Result<BufRing> first = BufRing::Create(ring, {.group = 3, .count = 2, .size = 32});
  ASSERT_TRUE(first.ok()) << first.error().name();
  core::Result<BufRing> second = BufRing::Create(ring, {.group = 3, .count = 2, .size = 32});
  EXPECT_ERRNO(second, core::err::exist);
  EXPECT_ERRNO(unregister_buf_ring(ring, 4), core::err::noent);
}

// --- NAPI busy polling (6.9) -------------------------------------------------------------------

// Registering NAPI settings needs no socket: they apply to whatever NAPI
// ids the ring's sockets later bring. Unregistering hands the settings back.
TEST_P(RegisterTest, NapiSettingsRoundTrip) {
  Ring ring = MakeRing(GetParam());
  abi::NapiReg napi{};
  napi.busy_poll_to = 100;
  napi.prefer_busy_poll = 1;
  napi.opcode = abi::kIoUringNapiRegisterOp;
  napi.op_param = abi::kIoUringNapiTrackingDynamic;
  core::Result<void> r = register_napi(ring, napi);
  if (!r.ok() && r.error() == core::err::opnotsupp) {
    GTEST_SKIP() << "kernel built without CONFIG_NET_RX_BUSY_POLL";
  }
  ASSERT_TRUE(r.ok()) << r.error().name();
  // The kernel writes the settings it had before into the argument.
  EXPECT_EQ(napi.busy_poll_to, 0u);
  EXPECT_EQ(napi.prefer_busy_poll, 0u);
  abi::NapiReg old{};
  ASSERT_TRUE(unregister_napi(ring, &old).ok());
  EXPECT_EQ(old.busy_poll_to, 100u);
  EXPECT_EQ(old.prefer_busy_poll, 1u);
  // Reserved fields must be zero.
  abi::NapiReg bad{};
  bad.resv = 1;
  EXPECT_ERRNO(register_napi(ring, bad), core::err::inval);
}

// Static tracking takes NAPI ids one by one. The kernel only checks that an
// id lies in the NAPI range (ids up to NR_CPUS are reserved), not that a
// device has it, so this needs no NAPI-capable device; adding twice is
// EEXIST, deleting what is not there ENOENT.
TEST_P(RegisterTest, NapiStaticIdTracking) {
  Ring ring = MakeRing(GetParam());
  abi::NapiReg napi{};
  napi.busy_poll_to = 50;
  napi.opcode = abi::kIoUringNapiRegisterOp;
  napi.op_param = abi::kIoUringNapiTrackingStatic;
  core::Result<void> r = register_napi(ring, napi);
  if (!r.ok() && r.error() == core::err::opnotsupp) {
    GTEST_SKIP() << "kernel built without CONFIG_NET_RX_BUSY_POLL";
  }
  ASSERT_TRUE(r.ok()) << r.error().name();
  auto op = [](uint8_t opcode, uint32_t id) {
    abi::NapiReg reg{};
    reg.opcode = opcode;
    reg.op_param = id;
    return reg;
  };
  constexpr uint32_t kId = 1u << 30;
  abi::NapiReg add = op(abi::kIoUringNapiStaticAddId, kId);
  ASSERT_TRUE(register_napi(ring, add).ok());
  add = op(abi::kIoUringNapiStaticAddId, kId);
  EXPECT_ERRNO(register_napi(ring, add), core::err::exist);
  abi::NapiReg del = op(abi::kIoUringNapiStaticDelId, kId);
  ASSERT_TRUE(register_napi(ring, del).ok());
  del = op(abi::kIoUringNapiStaticDelId, kId);
  EXPECT_ERRNO(register_napi(ring, del), core::err::noent);
  abi::NapiReg reserved = op(abi::kIoUringNapiStaticAddId, 1);
  EXPECT_ERRNO(register_napi(ring, reserved), core::err::inval);
  ASSERT_TRUE(unregister_napi(ring, nullptr).ok());
}

// --- The wait clock (6.12) -------------------------------------------------------------------------

TEST_P(RegisterTest, ClockIsMonotonicOrBoottime) {
  Ring ring = MakeRing(GetParam());
  core::Result<void> boot = register_clock(ring, CLOCK_BOOTTIME);
  if (!boot.ok() && boot.error() == core::err::inval && !ring.has_feature(abi::kFeatMinTimeout)) {
    GTEST_SKIP() << "kernel lacks IORING_REGISTER_CLOCK (6.12)";
  }
  ASSERT_TRUE(boot.ok()) << boot.error().name();
  // Waits still time out, now measured on CLOCK_BOOTTIME.
  core::Result<abi::Cqe*> waited = ring.wait_cqe_timeout({0, 1'000'000});
  EXPECT_ERRNO(waited, core::err::time);
  ASSERT_TRUE(register_clock(ring, CLOCK_MONOTONIC).ok());
  EXPECT_ERRNO(register_clock(ring, CLOCK_REALTIME), core::err::inval);
  EXPECT_ERRNO(register_clock(ring, CLOCK_PROCESS_CPUTIME_ID), core::err::inval);
}

// --- Errors of the syscall itself ---------------------------------------------------------------------

TEST_P(RegisterTest, UnknownRegisterOpcodeIsEinval) {
  Ring ring = MakeRing(GetParam());
  EXPECT_ERRNO(ring.register_raw(abi::kRegisterLast, nullptr, 0), core::err::inval);
  EXPECT_ERRNO(ring.register_raw(200, nullptr, 0), core::err::inval);
  // A known opcode with a wrong argument count.
  unsigned values[2] = {0, 0};
  EXPECT_ERRNO(ring.register_raw(abi::kRegisterIowqMaxWorkers, values, 3), core::err::inval);
}

TEST(RegisterErrors, ClosedRingFdIsEbadf) {
  int closed;
  {
    core::Result<Ring> ring = Ring::Create(8);
    ASSERT_TRUE(ring.ok()) << ring.error().name();
    closed = ring->fd();
  }
  // Nothing opened an fd since: the number is free.
  ASSERT_EQ(::fcntl(closed, F_GETFD), -1);
  abi::Probe header{};
  EXPECT_ERRNO(register_raw(closed, abi::kRegisterProbe, &header, 0), core::err::badf);
  EXPECT_ERRNO(register_raw(-5, abi::kRegisterProbe, &header, 0), core::err::badf);
}

TEST(RegisterErrors, NonRingFdIsEopnotsupp) {
  Pipe p = MakePipe();
  abi::Probe header{};
  EXPECT_ERRNO(register_raw(p.r.get(), abi::kRegisterProbe, &header, 0), core::err::opnotsupp);
}

INSTANTIATE_TEST_SUITE_P(Configs, RegisterTest, ::testing::ValuesIn(kRingConfigs),
                         testing::ConfigName);

}  // namespace
}  // namespace zring::ring
