// Channel<T> on one runtime (both backends), and MPMC across threads and
// runtimes.
#include "zring/runtime/channel.h"

#include <atomic>
#include <functional>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/task_group.h"
#include "zring/runtime/when.h"

namespace zring {
namespace {

using ::zring::testing::RunOnThreads;

using testing::BackendTest;

TEST(ChannelTest, CapacityZeroIsRejected) {
  EXPECT_THROW(Channel<int>(0), std::invalid_argument);
  Channel<int> ch(3);
  EXPECT_EQ(ch.capacity(), 3u);
  EXPECT_EQ(ch.size(), 0u);
}

TEST(ChannelTest, TrySendAndTryReceive) {
  Channel<std::unique_ptr<int>> ch(1);
  auto one = std::make_unique<int>(1);
  auto two = std::make_unique<int>(2);
  EXPECT_TRUE(ch.try_send(std::move(one)).ok());
  EXPECT_EQ(one, nullptr);
  core::Result<void> full = ch.try_send(std::move(two));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error(), core::err::again);
  ASSERT_NE(two, nullptr) << "a failed try_send must not take the value";
  std::optional<std::unique_ptr<int>> got = ch.try_receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(**got, 1);
  EXPECT_FALSE(ch.try_receive().has_value());
  ch.close();
  core::Result<void> closed = ch.try_send(std::move(two));
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error(), core::err::pipe);
  EXPECT_NE(two, nullptr);
  EXPECT_TRUE(ch.closed());
}

TEST_P(BackendTest, CapacityOneAppliesBackPressure) {
  Channel<int> ch(1);
  std::vector<std::string> log;
  auto producer = [&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      log.push_back("send " + std::to_string(i));
      auto r = co_await ch.send(i);
      EXPECT_TRUE(r.ok());
      log.push_back("sent " + std::to_string(i));
    }
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    group.spawn(producer());
    // The first send fits; the second waits for room.
    EXPECT_EQ(log, (std::vector<std::string>{"send 0", "sent 0", "send 1"}));
    EXPECT_EQ(ch.size(), 1u);
    for (int i = 0; i < 5; ++i) co_await yield();
    EXPECT_EQ(log.size(), 3u) << "a send went through a full channel";
    std::optional<int> v = co_await ch.receive();  // frees the slot
    EXPECT_EQ(v, 0);
    EXPECT_EQ(ch.size(), 1u);  // the waiting sender's value moved in at once
    v = co_await ch.receive();
    EXPECT_EQ(v, 1);
    v = co_await ch.receive();
    EXPECT_EQ(v, 2);
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_EQ(log.back(), "sent 2");
}

TEST_P(BackendTest, ReceiversWaitForSendersInFifoOrder) {
  Channel<int> ch(4);
  std::vector<std::pair<int, int>> got;  // (receiver, value)
  auto receiver = [&](int id) -> Task<> {
    std::optional<int> v = co_await ch.receive();
    got.emplace_back(id, v.value_or(-1));
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    for (int id = 0; id < 3; ++id) group.spawn(receiver(id));
    for (int v = 10; v < 13; ++v) EXPECT_TRUE((co_await ch.send(v)).ok());
    EXPECT_EQ(ch.size(), 0u);  // handed straight to the waiting receivers
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_EQ(got, (std::vector<std::pair<int, int>>{{0, 10}, {1, 11}, {2, 12}}));
}

TEST_P(BackendTest, CloseDrainsThenEnds) {
  Channel<int> ch(4);
  auto body = [&]() -> Task<std::vector<int>> {
    for (int v = 1; v <= 3; ++v) EXPECT_TRUE((co_await ch.send(v)).ok());
    ch.close();
    ch.close();  // idempotent
    core::Result<void> late = co_await ch.send(4);
    EXPECT_FALSE(late.ok());
    EXPECT_EQ(late.error(), core::err::pipe);
    std::vector<int> out;
    while (std::optional<int> v = co_await ch.receive()) out.push_back(*v);
    co_return out;
  };
  EXPECT_EQ(rt().block_on(body()), (std::vector<int>{1, 2, 3}));
}

TEST_P(BackendTest, CloseWakesWaitingSendersAndReceivers) {
  Channel<int> full(1), empty(1);
  core::Result<void> sent;
  std::optional<int> received = 99;
  auto sender = [&]() -> Task<> { sent = co_await full.send(2); };
  auto receiver = [&]() -> Task<> { received = co_await empty.receive(); };
  auto body = [&]() -> Task<> {
    EXPECT_TRUE(full.try_send(1).ok());
    TaskGroup group;
    group.spawn(sender());
    group.spawn(receiver());
    co_await yield();
    EXPECT_EQ(group.running(), 2u);
    full.close();
    empty.close();
    co_await group.join();
    EXPECT_EQ(full.try_receive(), 1);  // what was in stays receivable
  };
  rt().block_on(body());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error(), core::err::pipe);
  EXPECT_EQ(received, std::nullopt);
}

TEST_P(BackendTest, WaitingSendAndReceiveAreCancelled) {
  Channel<int> full(1), empty(1);
  core::Result<void> sent;
  std::optional<int> received = 99;
  auto sender = [&]() -> Task<> { sent = co_await full.send(2); };
  auto receiver = [&]() -> Task<> { received = co_await empty.receive(); };
  auto body = [&]() -> Task<> {
    EXPECT_TRUE(full.try_send(1).ok());
    TaskGroup group;
    group.spawn(sender());
    group.spawn(receiver());
    co_await yield();
    group.cancel();
    co_await group.join();
    EXPECT_EQ(full.size(), 1u);  // the cancelled value was not sent
    EXPECT_FALSE(empty.closed());
  };
  rt().block_on(body());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error(), core::err::canceled);
  EXPECT_EQ(received, std::nullopt);
}

TEST_P(BackendTest, AReceiveLosingAWhenAnyIsCancelled) {
  Channel<int> ch(2);
  Channel<int> other(2);
  auto recv = [](Channel<int>& c) -> Task<std::optional<int>> { co_return co_await c.receive(); };
  auto body = [&]() -> Task<std::pair<size_t, bool>> {
    EXPECT_TRUE(other.try_send(5).ok());
    auto v = co_await when_any(recv(ch), recv(other));
    // The losing receive left the channel: a value sent now stays there.
    EXPECT_TRUE(ch.try_send(1).ok());
    co_return std::make_pair(v.index(), ch.size() == 1);
  };
  auto [index, kept] = rt().block_on(body());
  EXPECT_EQ(index, 1u);
  EXPECT_TRUE(kept);
}

TEST_P(BackendTest, MoveOnlyValuesGoThrough) {
  Channel<std::unique_ptr<std::string>> ch(2);
  auto producer = [&]() -> Task<> {
    for (int i = 0; i < 10; ++i) {
      (void)co_await ch.send(std::make_unique<std::string>(std::to_string(i)));
    }
    ch.close();
  };
  auto body = [&]() -> Task<std::string> {
    TaskGroup group;
    group.spawn(producer());
    std::string all;
    while (auto v = co_await ch.receive()) all += **v;
    co_await group.join();
    co_return all;
  };
  EXPECT_EQ(rt().block_on(body()), "0123456789");
}

TEST_P(BackendTest, MpmcAcrossTwoRuntimesDeliversEachValueOnce) {
  constexpr int kValues = 100000;
  constexpr int kProducers = 4;
  Channel<int> ch(16);
  std::vector<std::atomic<int>> seen(kValues);
  std::atomic<int> producers_left{kProducers};
  std::atomic<long> received{0};
  auto producer = [&](int p) -> Task<> {
    const int per = kValues / kProducers;
    for (int v = p * per; v < (p + 1) * per; ++v) {
      if (!co_await ch.send(v)) co_return;
    }
    if (producers_left.fetch_sub(1) == 1) ch.close();  // the last one
  };
  auto consumer = [&]() -> Task<> {
    while (std::optional<int> v = co_await ch.receive()) {
      seen[*v].fetch_add(1, std::memory_order_relaxed);
      received.fetch_add(1, std::memory_order_relaxed);
    }
  };
  auto side = [&](int first_producer) -> Task<> {
    co_await when_all(producer(first_producer), producer(first_producer + 1), consumer(),
                      consumer());
  };
  auto side_a = [&]() -> Task<> { co_await side(0); };
  auto side_b = [&]() -> Task<> { co_await side(2); };
  EXPECT_EQ(RunOnThreads(GetParam(), {side_a, side_b}), 0);
  EXPECT_EQ(received.load(), kValues);
  int wrong = 0;
  for (int v = 0; v < kValues; ++v) wrong += seen[v].load() != 1;
  EXPECT_EQ(wrong, 0);
  EXPECT_TRUE(ch.closed());
  EXPECT_EQ(ch.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
