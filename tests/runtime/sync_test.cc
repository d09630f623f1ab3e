// Event, Mutex and Semaphore on one runtime (both backends), and across
// threads and runtimes.
#include "zring/runtime/sync.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/channel.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/task_group.h"
#include "zring/runtime/when.h"

namespace zring {
namespace {

using ::zring::testing::RunOnThreads;

using testing::BackendTest;

// --- Event --------------------------------------------------------------------

TEST_P(BackendTest, EventWakesEveryWaiterInArrivalOrder) {
  Event ev;
  std::vector<int> woke;
  auto waiter = [&](int i) -> Task<> {
    auto r = co_await ev.wait();
    EXPECT_TRUE(r.ok());
    woke.push_back(i);
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    for (int i = 0; i < 5; ++i) group.spawn(waiter(i));
    co_await yield();
    EXPECT_TRUE(woke.empty());
    ev.set();
    EXPECT_TRUE(ev.is_set());
    co_await group.join();
    // Set stays set: this wait does not suspend.
    EXPECT_TRUE((co_await ev.wait()).ok());
  };
  rt().block_on(body());
  EXPECT_EQ(woke, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_P(BackendTest, EventResetMakesWaitsSuspendAgain) {
  Event ev(true);
  bool woke = false;
  auto waiter = [&]() -> Task<> {
    (void)co_await ev.wait();
    woke = true;
  };
  auto body = [&]() -> Task<> {
    ev.reset();
    EXPECT_FALSE(ev.is_set());
    TaskGroup group;
    group.spawn(waiter());
    for (int i = 0; i < 5; ++i) co_await yield();
    EXPECT_FALSE(woke);
    ev.set();
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_TRUE(woke);
}

TEST_P(BackendTest, EventWaitIsCancelledByTheStopToken) {
  Event ev;
  core::Result<void> waited, stopped_before;
  auto waiter = [&](core::Result<void>* out) -> Task<> { *out = co_await ev.wait(); };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    group.spawn(waiter(&waited));
    co_await yield();
    group.cancel();
    co_await group.join();
    // A task already stopped does not wait at all.
    group.spawn(waiter(&stopped_before));
    co_await group.join();
  };
  rt().block_on(body());
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error(), core::err::canceled);
  ASSERT_FALSE(stopped_before.ok());
  EXPECT_EQ(stopped_before.error(), core::err::canceled);
}

TEST_P(BackendTest, EventSetFromAnotherThreadResumesOnTheWaitersThread) {
  Event ev;
  std::thread::id resumed_on;
  auto waiter = [&]() -> Task<> {
    (void)co_await ev.wait();
    resumed_on = std::this_thread::get_id();
  };
  std::thread setter;
  auto body = [&]() -> Task<> {
    TaskGroup group;
    group.spawn(waiter());  // now waiting
    setter = std::thread([&] { ev.set(); });
    co_await group.join();
  };
  rt().block_on(body());
  setter.join();
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

TEST(EventTest, WaitOutsideARuntimeIsEnxio) {
  Event ev;
  auto body = [&]() -> Task<core::Result<void>> { co_return co_await ev.wait(); };
  Task<core::Result<void>> t = body();
  t.handle().resume();
  ASSERT_TRUE(t.done());
  core::Result<void> r = t.handle().promise().Take();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::nxio);
}

// --- Mutex --------------------------------------------------------------------

TEST_P(BackendTest, MutexHandsTheLockOverInFifoOrder) {
  Mutex mu;
  std::vector<int> order;
  auto locker = [&](int i) -> Task<> {
    LockGuard g = co_await mu.lock();
    EXPECT_TRUE(g.owns_lock());
    order.push_back(i);
    co_await yield();
  };
  auto body = [&]() -> Task<> {
    LockGuard held = co_await mu.lock();
    TaskGroup group;
    for (int i = 0; i < 5; ++i) group.spawn(locker(i));
    co_await yield();
    EXPECT_TRUE(order.empty());
    held.unlock();
    // Handed to the first waiter, not released: a newcomer cannot barge in.
    EXPECT_FALSE(mu.try_lock());
    co_await group.join();
    EXPECT_TRUE(mu.try_lock());
    mu.unlock();
  };
  rt().block_on(body());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_P(BackendTest, MutexExcludesTasksThatYieldInside) {
  Mutex mu;
  int inside = 0, most_inside = 0, total = 0;
  auto worker = [&]() -> Task<> {
    for (int i = 0; i < 20; ++i) {
      LockGuard g = co_await mu.lock();
      ++inside;
      most_inside = std::max(most_inside, inside);
      co_await yield();
      int seen = total;
      co_await yield();
      total = seen + 1;  // a lost update if two were inside
      --inside;
    }
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    for (int i = 0; i < 50; ++i) group.spawn(worker());
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_EQ(most_inside, 1);
  EXPECT_EQ(total, 50 * 20);
}

TEST_P(BackendTest, LockGuardMovesAndReleases) {
  Mutex mu;
  auto body = [&]() -> Task<> {
    LockGuard a = co_await mu.lock();
    LockGuard b = std::move(a);
    EXPECT_FALSE(a.owns_lock());
    EXPECT_TRUE(b.owns_lock());
    EXPECT_FALSE(mu.try_lock());
    Mutex* m = b.release();
    EXPECT_EQ(m, &mu);
    EXPECT_FALSE(mu.try_lock());  // still locked: release() does not unlock
    mu.unlock();
    EXPECT_TRUE(mu.try_lock());
    mu.unlock();
  };
  rt().block_on(body());
}

TEST_P(BackendTest, MutexContendedAcrossTwoThreads) {
  Mutex mu;
  long counter = 0;  // plain: the mutex is all that protects it
  auto worker = [&]() -> Task<> {
    for (int i = 0; i < 2000; ++i) {
      LockGuard g = co_await mu.lock();
      long seen = counter;
      if (i % 8 == 0) co_await yield();
      counter = seen + 1;
    }
  };
  std::latch both_started(2);
  auto thread_body = [&]() -> Task<> {
    both_started.arrive_and_wait();  // so that the two really overlap
    TaskGroup group;
    for (int i = 0; i < 4; ++i) group.spawn(worker());
    co_await group.join();
  };
  EXPECT_EQ(RunOnThreads(GetParam(), {thread_body, thread_body}), 0);
  EXPECT_EQ(counter, 2 * 4 * 2000);
}

// --- Semaphore ----------------------------------------------------------------

TEST_P(BackendTest, SemaphoreServesAcquiresInFifoOrderWithCounts) {
  Semaphore sem(0);
  std::vector<int> order;
  auto taker = [&](int id, size_t n) -> Task<> {
    auto r = co_await sem.acquire(n);
    EXPECT_TRUE(r.ok());
    order.push_back(id);
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    group.spawn(taker(1, 2));
    group.spawn(taker(2, 1));
    group.spawn(taker(3, 1));
    sem.release(1);  // the head wants 2: nobody may pass it
    co_await yield();
    EXPECT_TRUE(order.empty());
    EXPECT_FALSE(sem.try_acquire(1));  // not even a newcomer
    sem.release(1);
    co_await yield();
    EXPECT_EQ(order, std::vector<int>{1});
    sem.release(3);
    co_await group.join();
    EXPECT_EQ(sem.available(), 1u);
  };
  rt().block_on(body());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST_P(BackendTest, SemaphoreBoundsConcurrency) {
  Semaphore sem(3);
  int inside = 0, most_inside = 0;
  auto worker = [&]() -> Task<> {
    if (!co_await sem.acquire()) co_return;
    ++inside;
    most_inside = std::max(most_inside, inside);
    co_await yield();
    co_await yield();
    --inside;
    sem.release();
  };
  auto body = [&]() -> Task<> {
    TaskGroup group;
    for (int i = 0; i < 20; ++i) group.spawn(worker());
    co_await group.join();
  };
  rt().block_on(body());
  EXPECT_EQ(most_inside, 3);
  EXPECT_EQ(sem.available(), 3u);
}

TEST_P(BackendTest, CancellingTheHeadOfTheQueueLetsTheOthersThrough) {
  Semaphore sem(0);
  core::Result<void> big, small;
  // (Named: a coroutine lambda must outlive its coroutine.)
  auto taker = [&](core::Result<void>* out, size_t n) -> Task<> { *out = co_await sem.acquire(n); };
  auto body = [&]() -> Task<> {
    TaskGroup big_group, small_group;
    big_group.spawn(taker(&big, 3));
    small_group.spawn(taker(&small, 1));
    sem.release(1);
    co_await yield();
    EXPECT_EQ(small_group.running(), 1u);  // stuck behind the big one
    big_group.cancel();
    co_await big_group.join();
    co_await small_group.join();
  };
  rt().block_on(body());
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error(), core::err::canceled);
  EXPECT_TRUE(small.ok());
  EXPECT_EQ(sem.available(), 0u);
}

// --- Across threads -----------------------------------------------------------

TEST_P(BackendTest, ChannelExchangesMessagesBothWaysAcrossThreads) {
  constexpr int kMessages = 10000;
  Channel<int> a_to_b(8), b_to_a(8);
  long sum_at_a = 0, sum_at_b = 0;
  auto sender = [](Channel<int>& ch, int base) -> Task<> {
    for (int i = 1; i <= kMessages; ++i) {
      if (!co_await ch.send(base + i)) co_return;
    }
  };
  auto receiver = [](Channel<int>& ch, long* sum) -> Task<> {
    for (int i = 0; i < kMessages; ++i) {
      std::optional<int> v = co_await ch.receive();
      if (!v) co_return;
      *sum += *v;
    }
  };
  auto side_a = [&]() -> Task<> {
    co_await when_all(sender(a_to_b, 0), receiver(b_to_a, &sum_at_a));
  };
  auto side_b = [&]() -> Task<> {
    co_await when_all(receiver(a_to_b, &sum_at_b), sender(b_to_a, 1000000));
  };
  EXPECT_EQ(RunOnThreads(GetParam(), {side_a, side_b}), 0);
  const long base_sum = static_cast<long>(kMessages) * (kMessages + 1) / 2;
  EXPECT_EQ(sum_at_b, base_sum);
  EXPECT_EQ(sum_at_a, base_sum + 1000000L * kMessages);
}

TEST_P(BackendTest, EventAndSemaphoreAcrossRuntimes) {
  // A ping-pong through two semaphores, and an Event that ends it.
  Semaphore ping(0), pong(0);
  Event finished;
  int rounds_a = 0, rounds_b = 0;
  auto side_a = [&]() -> Task<> {
    for (int i = 0; i < 2000; ++i) {
      ping.release();
      if (!co_await pong.acquire()) co_return;
      ++rounds_a;
    }
    finished.set();
  };
  auto side_b = [&]() -> Task<> {
    auto server = [&]() -> Task<> {
      for (;;) {
        if (!co_await ping.acquire()) co_return;  // cancelled at the end
        ++rounds_b;
        pong.release();
      }
    };
    auto until_finished = [&]() -> Task<> { (void)co_await finished.wait(); };
    co_await when_any(server(), until_finished());
  };
  EXPECT_EQ(RunOnThreads(GetParam(), {side_a, side_b}), 0);
  EXPECT_EQ(rounds_a, 2000);
  EXPECT_EQ(rounds_b, 2000);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
