// Runs a runtime test body on both backends.
#pragma once

#include <memory>
#include <ostream>

#include <gtest/gtest.h>

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

}  // namespace zring::testing
