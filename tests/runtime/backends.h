// Runs a runtime test body on both backends.
#pragma once

#include <memory>
#include <ostream>

#include <gtest/gtest.h>

#include "zring/core/io.h"
#include "zring/runtime/runtime.h"

namespace zring::testing {

inline const BackendKind kBackends[] = {BackendKind::kUring, BackendKind::kPoll};

inline std::string BackendName(const ::testing::TestParamInfo<BackendKind>& info) {
  return info.param == BackendKind::kUring ? "Uring" : "Poll";
}

class BackendTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  void SetUp() override {
    RuntimeOptions options;
    options.backend = GetParam();
    auto rt = Runtime::Create(options);
    ASSERT_TRUE(rt.ok()) << rt.error().name();
    rt_ = std::move(*rt);
    ASSERT_EQ(rt_->backend(), GetParam());
  }
  Runtime& rt() { return *rt_; }
  std::unique_ptr<Runtime> rt_;
};

// HostLacksSplice(): splice, tee and vmsplice are Linux's own. Where
// core/ goes through a libc without them (a host that is not Linux, or
// ZRING_HOST_PORTABLE=1 under --config=host) they fail with ENOSYS, which
// this probes, and a test of them has nothing to test.
inline bool HostLacksSplice() {
  core::Result<size_t> r = core::splice(-1, nullptr, -1, nullptr, 0, 0);
  return !r.ok() && r.error() == core::err::nosys;
}
inline constexpr const char* kNoSpliceReason =
    "splice(2): ENOSYS (probed): this host has no splice, tee or vmsplice";

}  // namespace zring::testing
