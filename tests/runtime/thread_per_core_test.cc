// The thread-per-core runtime: spawn_on, joins and cancels across threads,
// on both backends.
#include "zring/runtime/thread_per_core.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "zring/runtime/ops.h"

namespace zring {
namespace {

class ThreadPerCoreTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  std::unique_ptr<ThreadPerCore> MakePool(unsigned threads) {
    ThreadPerCoreOptions o;
    o.threads = threads;
    o.runtime.backend = GetParam();
    auto pool = ThreadPerCore::Create(o);
    EXPECT_TRUE(pool.ok()) << pool.error().name();
    return pool ? std::move(*pool) : nullptr;
  }
  std::unique_ptr<Runtime> MakeMain() {
    RuntimeOptions o;
    o.backend = GetParam();
    auto rt = Runtime::Create(o);
    EXPECT_TRUE(rt.ok());
    return std::move(*rt);
  }
};

TEST_P(ThreadPerCoreTest, EachThreadHasItsOwnRuntime) {
  auto pool = MakePool(2);
  ASSERT_TRUE(pool);
  ASSERT_EQ(pool->size(), 2u);
  EXPECT_NE(&pool->runtime(0), &pool->runtime(1));
  EXPECT_EQ(pool->runtime(0).backend(), GetParam());
}

TEST_P(ThreadPerCoreTest, SpawnOnRunsOnThatThreadAndJoinsBack) {
  auto pool = MakePool(2);
  auto main_rt = MakeMain();
  ASSERT_TRUE(pool && main_rt);
  std::thread::id main_thread = std::this_thread::get_id();
  auto where = [](Runtime* expected) -> Task<bool> {
    co_await nop();
    co_return Runtime::current() == expected;
  };
  auto body = [&]() -> Task<int> {
    int on_right_runtime = 0;
    for (int round = 0; round < 100; ++round) {
      unsigned i = round % 2;
      JoinHandle<bool> h = pool->spawn_on(i, where(&pool->runtime(i)));
      on_right_runtime += co_await h;
      // The join resumes us on our own thread.
      EXPECT_EQ(std::this_thread::get_id(), main_thread);
    }
    co_return on_right_runtime;
  };
  EXPECT_EQ(main_rt->block_on(body()), 100);
}

TEST_P(ThreadPerCoreTest, CancelFromAnotherThreadReachesTheOperation) {
  auto pool = MakePool(1);
  auto main_rt = MakeMain();
  ASSERT_TRUE(pool && main_rt);
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  std::atomic<bool> started{false};
  auto reader = [&]() -> Task<core::Result<size_t>> {
    char buf[8];
    started = true;
    co_return co_await zring::read(fds[0], buf, sizeof buf);
  };
  auto body = [&]() -> Task<core::Result<size_t>> {
    JoinHandle<core::Result<size_t>> h = pool->spawn_on(0, reader());
    while (!started) co_await yield();
    h.cancel();
    co_return co_await h;
  };
  core::Result<size_t> r = main_rt->block_on(body());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::canceled);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_P(ThreadPerCoreTest, StopWithTasksStillBlockedIsClean) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  {
    auto pool = MakePool(2);
    ASSERT_TRUE(pool);
    auto reader = [&]() -> Task<> {
      char buf[8];
      (void)co_await zring::read(fds[0], buf, sizeof buf);
    };
    JoinHandle<void> a = pool->spawn_on(0, reader());
    JoinHandle<void> b = pool->spawn_on(1, reader());
  }  // stop(): each runtime destroys its blocked task and drains its read
  ::close(fds[0]);
  ::close(fds[1]);
}

INSTANTIATE_TEST_SUITE_P(Backends, ThreadPerCoreTest,
                         ::testing::ValuesIn(testing::kBackends), testing::BackendName);

}  // namespace
}  // namespace zring
