// The ring set-ups every ring test runs under, and small helpers to run one
// SQE to completion.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "zring/ring/abi.h"
#include "zring/ring/prep.h"
#include "zring/ring/ring.h"

namespace zring::ring::testing {

struct RingConfig {
  const char* name;
  uint32_t flags;
};

inline std::ostream& operator<<(std::ostream& os, const RingConfig& c) {
  return os << c.name;
}

// Default, SQPOLL, SINGLE_ISSUER+DEFER_TASKRUN, NO_SQARRAY: the set-ups whose
// submission and completion paths differ in our code.
inline const RingConfig kRingConfigs[] = {
    {"Default", 0},
    {"Sqpoll", abi::kSetupSqpoll},
    {"DeferTaskrun", abi::kSetupSingleIssuer | abi::kSetupDeferTaskrun},
    {"NoSqArray", abi::kSetupNoSqarray},
};

inline std::string ConfigName(const ::testing::TestParamInfo<RingConfig>& info) {
  return info.param.name;
}

// A Ring for the test's config; fails the test when the kernel refuses it.
inline Ring MakeRing(const RingConfig& config, unsigned entries = 64,
                     unsigned cq_entries = 0) {
  RingOptions options;
  options.entries = entries;
  options.cq_entries = cq_entries;
  options.flags = config.flags;
  options.sq_thread_idle_ms = 50;
  core::Result<Ring> ring = Ring::Create(options);
  if (!ring) {
    ADD_FAILURE() << "Ring::Create(" << config.name
                  << "): " << ring.error().name();
    std::abort();
  }
  return std::move(*ring);
}

// Copies the next CQE out of the ring, waiting for it.
inline abi::Cqe NextCqe(Ring& ring) {
  core::Result<abi::Cqe*> cqe = ring.wait_cqe();
  EXPECT_TRUE(cqe.ok()) << cqe.error().name();
  if (!cqe || *cqe == nullptr) return abi::Cqe{~0ull, -9999, 0};
  abi::Cqe copy = **cqe;
  ring.cqe_seen(*cqe);
  return copy;
}

// Prepares one SQE with `prep`, submits it and returns its CQE.
template <class Prep>
abi::Cqe RunOne(Ring& ring, Prep&& prep, uint64_t user_data = 1) {
  abi::Sqe* sqe = ring.get_sqe();
  EXPECT_NE(sqe, nullptr);
  if (sqe == nullptr) return abi::Cqe{~0ull, -9999, 0};
  prep(sqe);
  set_user_data(sqe, user_data);
  core::Result<unsigned> submitted = ring.submit_and_wait(1);
  EXPECT_TRUE(submitted.ok()) << submitted.error().name();
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, user_data);
  return cqe;
}

}  // namespace zring::ring::testing

// --- Helpers for tests that keep several requests in flight ----------------

#include <vector>

#include "zring/ring/register.h"

namespace zring::ring::testing {

// The user_data Fence() gives its NOP; tests keep their own below it.
inline constexpr uint64_t kFenceUserData = 0xfe4ce'0000'0000ull;

// Waits for `n` CQEs and returns copies of them in the order the kernel
// posted them, consuming them.
inline std::vector<abi::Cqe> ReapCqes(Ring& ring, unsigned n) {
  std::vector<abi::Cqe> out;
  out.reserve(n);
  while (out.size() < n) out.push_back(NextCqe(ring));
  return out;
}

// The one CQE among `cqes` that carries `user_data`; fails the test when
// there is none or more than one.
inline abi::Cqe FindCqe(const std::vector<abi::Cqe>& cqes, uint64_t user_data) {
  const abi::Cqe* found = nullptr;
  for (const abi::Cqe& c : cqes) {
    if (c.user_data != user_data) continue;
    EXPECT_EQ(found, nullptr) << "two CQEs for user_data " << user_data;
    found = &c;
  }
  EXPECT_NE(found, nullptr) << "no CQE for user_data " << user_data;
  return found ? *found : abi::Cqe{~0ull, -9999, 0};
}

// Fence()
//
// Submits everything prepared plus a NOP, and waits for the NOP. The kernel
// issues a batch in order (the SQPOLL thread too), so when the NOP's CQE is
// there every earlier SQE has been issued: a read on an empty pipe is armed,
// a timeout is queued. Returns the CQEs that arrived before the NOP's.
inline std::vector<abi::Cqe> Fence(Ring& ring) {
  std::vector<abi::Cqe> before;
  abi::Sqe* sqe = ring.get_sqe();
  if (sqe == nullptr) {
    (void)ring.submit();
    sqe = ring.get_sqe();
  }
  EXPECT_NE(sqe, nullptr);
  if (sqe == nullptr) return before;
  prep_nop(sqe);
  set_user_data(sqe, kFenceUserData);
  core::Result<unsigned> submitted = ring.submit_and_wait(1);
  EXPECT_TRUE(submitted.ok()) << submitted.error().name();
  for (;;) {
    abi::Cqe c = NextCqe(ring);
    if (c.user_data == kFenceUserData || c.res == -9999) break;
    before.push_back(c);
  }
  return before;
}

// Supports(): whether the running kernel knows opcode `op`
// (IORING_REGISTER_PROBE).
inline bool Supports(Ring& ring, abi::Op op) {
  Probe probe;
  return register_probe(ring, probe).ok() && probe.supports(op);
}

}  // namespace zring::ring::testing
