// TaskGroup and with_task_group, on both backends.
#include "zring/runtime/task_group.h"

#include <fcntl.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/sync.h"

namespace zring {
namespace {

using ::zring::testing::Pipe;

using testing::BackendTest;

struct ReadOutcome {
  bool returned = false;
  core::Errno error;
};

Task<> Yields(int n) {
  for (int i = 0; i < n; ++i) co_await yield();
}

// A child blocked in a read of `fd` until it is cancelled (or data comes).
Task<> BlockedReader(int fd, ReadOutcome* o) {
  char buf[8];
  auto r = co_await read(fd, buf, sizeof buf);
  o->returned = true;
  if (!r) o->error = r.error();
}

TEST_P(BackendTest, JoinWaitsForEveryChild) {
  std::vector<int> ended;
  auto child = [&](int i) -> Task<> {
    co_await Yields(10 - i);
    ended.push_back(i);
  };
  auto body = [&]() -> Task<size_t> {
    TaskGroup group;
    for (int i = 0; i < 10; ++i) group.spawn(child(i));
    EXPECT_EQ(group.running(), 10u);
    co_await group.join();
    EXPECT_EQ(group.running(), 0u);
    co_return ended.size();
  };
  EXPECT_EQ(rt().block_on(body()), 10u);
  EXPECT_EQ(ended, (std::vector<int>{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
}

TEST_P(BackendTest, SpawnRunsTheChildUntilItFirstSuspends) {
  int stage = 0;
  auto child = [&]() -> Task<> {
    stage = 1;
    co_await yield();
    stage = 2;
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    group.spawn(child());
    EXPECT_EQ(stage, 1);
    co_await group.join();
    EXPECT_EQ(stage, 2);
  };
  rt().block_on(body());
  EXPECT_EQ(stage, 2);
}

TEST_P(BackendTest, JoinOfAnEmptyOrFinishedGroupDoesNotWait) {
  auto quick = []() -> Task<> { co_return; };
  auto body = [&]() -> Task<size_t> {
    TaskGroup group;
    co_await group.join();
    group.spawn(quick());  // ends inside spawn()
    size_t running = group.running();
    co_await group.join();
    co_return running;
  };
  EXPECT_EQ(rt().block_on(body()), 0u);
}

TEST_P(BackendTest, CancelStopsBlockedChildren) {
  Pipe p;
  std::vector<ReadOutcome> outcomes(4);
  auto body = [&]() -> Task<> {
    TaskGroup group;
    for (ReadOutcome& o : outcomes) group.spawn(BlockedReader(p.r, &o));
    co_await yield();
    EXPECT_FALSE(group.cancelled());
    group.cancel();
    EXPECT_TRUE(group.cancelled());
    co_await group.join();
  };
  rt().block_on(body());
  for (const ReadOutcome& o : outcomes) {
    EXPECT_TRUE(o.returned);
    EXPECT_EQ(o.error, core::err::canceled);
  }
}

TEST_P(BackendTest, CancelFromAnotherThread) {
  Pipe p;
  std::vector<ReadOutcome> outcomes(3);
  std::thread canceller;
  auto body = [&]() -> Task<> {
    TaskGroup group;
    for (ReadOutcome& o : outcomes) group.spawn(BlockedReader(p.r, &o));
    co_await yield();
    canceller = std::thread([&group] { group.cancel(); });
    co_await group.join();
  };
  rt().block_on(body());
  canceller.join();
  for (const ReadOutcome& o : outcomes) EXPECT_EQ(o.error, core::err::canceled);
}

TEST_P(BackendTest, ACancelledGroupStartsNewChildrenCancelled) {
  Pipe p;
  ReadOutcome o;
  auto body = [&]() -> Task<> {
    TaskGroup group;
    group.cancel();
    group.spawn(BlockedReader(p.r, &o));
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_TRUE(o.returned);
  EXPECT_EQ(o.error, core::err::canceled);
}

TEST_P(BackendTest, FirstFailureCancelsTheOthersAndJoinRethrowsIt) {
  Pipe p;
  std::vector<ReadOutcome> outcomes(3);
  auto fails = [](std::string what, int yields) -> Task<> {
    co_await Yields(yields);
    throw std::runtime_error(what);
  };
  auto body = [&]() -> Task<std::string> {
    TaskGroup group;
    group.spawn(BlockedReader(p.r, &outcomes[0]));
    group.spawn(fails("second", 5));
    group.spawn(fails("first", 1));
    group.spawn(BlockedReader(p.r, &outcomes[1]));
    group.spawn(BlockedReader(p.r, &outcomes[2]));
    try {
      co_await group.join();
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(group.running(), 0u);
      co_return e.what();
    }
    co_return "none";
  };
  EXPECT_EQ(rt().block_on(body()), "first");
  for (const ReadOutcome& o : outcomes) {
    EXPECT_TRUE(o.returned);
    EXPECT_EQ(o.error, core::err::canceled);
  }
}

TEST_P(BackendTest, StoppingTheJoinerCancelsTheGroup) {
  Pipe p;
  ReadOutcome o1, o2;
  auto owner = [&]() -> Task<> {
    TaskGroup group;
    group.spawn(BlockedReader(p.r, &o1));
    group.spawn(BlockedReader(p.r, &o2));
    co_await group.join();
  };
  auto body = [&]() -> Task<> {
    JoinHandle<void> h = rt().spawn(owner());
    co_await yield();
    h.cancel();
    co_await h;
  };
  rt().block_on(body());
  EXPECT_EQ(o1.error, core::err::canceled);
  EXPECT_EQ(o2.error, core::err::canceled);
}

TEST_P(BackendTest, AGroupWithAParentTokenFollowsIt) {
  Pipe p;
  ReadOutcome o;
  std::stop_source parent;
  auto body = [&]() -> Task<> {
    TaskGroup group(parent.get_token());
    group.spawn(BlockedReader(p.r, &o));
    co_await yield();
    parent.request_stop();
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_EQ(o.error, core::err::canceled);
}

TEST_P(BackendTest, ChildrenMaySpawnIntoTheirGroupWhileItJoins) {
  int leaves = 0;
  TaskGroup* group_ptr = nullptr;
  std::function<Task<>(int)> tree = [&](int depth) -> Task<> {
    co_await yield();
    if (depth == 0) {
      ++leaves;
      co_return;
    }
    group_ptr->spawn(tree(depth - 1));
    group_ptr->spawn(tree(depth - 1));
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    group_ptr = &group;
    group.spawn(tree(6));
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_EQ(leaves, 64);
}

TEST_P(BackendTest, AGroupIsReusableAfterJoin) {
  int count = 0;
  auto bump = [&]() -> Task<> {
    co_await yield();
    ++count;
  };
  auto fails = []() -> Task<> {
    co_await yield();
    throw std::runtime_error("once");
  };
  auto body = [&]() -> Task<int> {
    TaskGroup group;
    group.spawn(fails());
    int caught = 0;
    try {
      co_await group.join();
    } catch (const std::runtime_error&) {
      ++caught;
    }
    group.spawn(bump());
    co_await group.join();  // the failure was reported once
    co_return caught;
  };
  EXPECT_EQ(rt().block_on(body()), 1);
  EXPECT_EQ(count, 1);
}

TEST_P(BackendTest, WithTaskGroupReturnsTheBodysValueAfterTheChildren) {
  int done = 0;
  auto child = [&]() -> Task<> {
    co_await Yields(3);
    ++done;
  };
  auto body = [&]() -> Task<int> {
    co_return co_await with_task_group([&](TaskGroup& g) -> Task<int> {
      g.spawn(child());
      g.spawn(child());
      co_return 5;
    });
  };
  EXPECT_EQ(rt().block_on(body()), 5);
  EXPECT_EQ(done, 2);
}

TEST_P(BackendTest, WithTaskGroupCancelsAndJoinsWhenTheBodyThrows) {
  Pipe p;
  ReadOutcome o;
  auto body = [&]() -> Task<std::string> {
    try {
      co_await with_task_group([&](TaskGroup& g) -> Task<> {
        g.spawn(BlockedReader(p.r, &o));
        co_await yield();
        throw std::runtime_error("body threw");
      });
    } catch (const std::runtime_error& e) {
      EXPECT_TRUE(o.returned) << "the exception overtook a running child";
      co_return e.what();
    }
    co_return "none";
  };
  EXPECT_EQ(rt().block_on(body()), "body threw");
  EXPECT_EQ(o.error, core::err::canceled);
}

TEST_P(BackendTest, WithTaskGroupAChildFailureCancelsTheBody) {
  Pipe p;
  ReadOutcome body_read;
  auto fails = []() -> Task<> {
    co_await yield();
    throw std::runtime_error("child threw");
  };
  auto body = [&]() -> Task<std::string> {
    try {
      co_await with_task_group([&](TaskGroup& g) -> Task<> {
        g.spawn(fails());
        co_await BlockedReader(p.r, &body_read);  // the body itself blocks
      });
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "none";
  };
  EXPECT_EQ(rt().block_on(body()), "child threw");
  EXPECT_TRUE(body_read.returned);
  EXPECT_EQ(body_read.error, core::err::canceled);
}

TEST_P(BackendTest, DestroyingARuntimeWithAnOwnerInJoinTearsTheGroupDown) {
  // A runtime of its own, destroyed while a task waits in join(): the
  // children are destroyed with it, their reads cancelled and drained (asan
  // would see a leak or a late write).
  Pipe p;
  RuntimeOptions options;
  options.backend = GetParam();
  auto made = Runtime::Create(options);
  ASSERT_TRUE(made.ok());
  std::unique_ptr<Runtime> other = std::move(*made);
  auto buffers = std::make_shared<std::vector<std::vector<char>>>(3, std::vector<char>(64));
  bool joined = false;
  auto child = [](int fd, std::vector<char>* buf) -> Task<> {
    (void)co_await read(fd, buf->data(), buf->size());
  };
  auto owner = [&]() -> Task<> {
    TaskGroup group;
    for (auto& b : *buffers) group.spawn(child(p.r, &b));
    co_await group.join();
    joined = true;
  };
  auto start = [&]() -> Task<> {
    JoinHandle<void> h = other->spawn(owner());
    co_await yield();
    co_await yield();
  };
  other->block_on(start());
  EXPECT_EQ(other->live_tasks(), 1u);
  other.reset();
  buffers.reset();
  EXPECT_FALSE(joined);
  ASSERT_EQ(::write(p.w, "late", 4), 4);  // nobody reads into freed memory
}

#ifndef NDEBUG
TEST(TaskGroupDeathTest, DestroyingAGroupWithRunningChildrenTrapsInDebug) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_DEATH(
      {
        auto rt = Runtime::Create();
        Event never;
        auto waiter = [&]() -> Task<> { (void)co_await never.wait(); };
        auto body = [&]() -> Task<> {
          TaskGroup group;
          group.spawn(waiter());
          co_return;  // no join()
        };
        (*rt)->block_on(body());
      },
      "TaskGroup destroyed with 1 running children");
}
#endif

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
