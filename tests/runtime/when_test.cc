// when_all and when_any, on both backends.
#include "zring/runtime/when.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"

// Every allocation of this test binary is counted, to check what the
// combinators allocate.
namespace {

using ::zring::testing::Pipe;
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace zring {
namespace {

using namespace std::chrono_literals;
using testing::BackendTest;

// What a child blocked in a read saw, written after the read returned: if
// it is filled in when the combinator returns, the child was awaited.
struct ReadOutcome {
  bool returned = false;
  core::Errno error;
  size_t bytes = 0;
};

Task<> Yields(int n) {
  for (int i = 0; i < n; ++i) co_await yield();
}

TEST_P(BackendTest, WhenAllReturnsValuesInArgumentOrder) {
  std::vector<int> finished;
  auto number = [&](int yields, int v) -> Task<int> {
    co_await Yields(yields);
    finished.push_back(v);
    co_return v;
  };
  auto text = [&]() -> Task<std::string> {
    co_await Yields(2);
    finished.push_back(-1);
    co_return "text";
  };
  auto nothing = [&]() -> Task<> {
    finished.push_back(-2);  // ends while starting
    co_return;
  };
  auto body = [&]() -> Task<std::tuple<int, std::string, std::monostate, int>> {
    co_return co_await when_all(number(5, 1), text(), nothing(), number(0, 4));
  };
  auto [a, b, c, d] = rt().block_on(body());
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, "text");
  EXPECT_EQ(c, std::monostate{});
  EXPECT_EQ(d, 4);
  // They ran concurrently: they ended in the order of their work, not of
  // the arguments.
  EXPECT_EQ(finished, (std::vector<int>{-2, 4, -1, 1}));
}

TEST_P(BackendTest, WhenAllOfTasksThatEndAtOnceDoesNotSuspend) {
  auto value = [](int v) -> Task<int> { co_return v; };
  auto body = [&]() -> Task<int> {
    auto [a, b] = co_await when_all(value(20), value(22));
    co_return a + b;
  };
  EXPECT_EQ(rt().block_on(body()), 42);
}

TEST_P(BackendTest, WhenAllRethrowsOnlyAfterEveryChildEnded) {
  bool slow_done = false;
  auto fails = []() -> Task<int> {
    co_await yield();
    throw std::runtime_error("child failed");
  };
  auto slow = [&]() -> Task<> {
    co_await Yields(10);  // ignores the stop request: yield is not an operation
    slow_done = true;
  };
  auto body = [&]() -> Task<std::string> {
    try {
      co_await when_all(fails(), slow());
    } catch (const std::runtime_error& e) {
      EXPECT_TRUE(slow_done) << "the exception overtook a running child";
      co_return e.what();
    }
    co_return "no exception";
  };
  EXPECT_EQ(rt().block_on(body()), "child failed");
}

TEST_P(BackendTest, WhenAllFailureCancelsTheOtherChildren) {
  Pipe p;
  ReadOutcome outcome;
  auto fails = []() -> Task<> {
    co_await yield();
    throw std::runtime_error("boom");
  };
  auto reader = [&]() -> Task<> {
    char buf[8];
    auto r = co_await read(p.r, buf, sizeof buf);
    outcome.returned = true;
    if (!r) outcome.error = r.error();
  };
  auto body = [&]() -> Task<bool> {
    try {
      co_await when_all(reader(), fails());
    } catch (const std::runtime_error&) {
      co_return true;
    }
    co_return false;
  };
  EXPECT_TRUE(rt().block_on(body()));
  EXPECT_TRUE(outcome.returned);
  EXPECT_EQ(outcome.error, core::err::canceled);
}

TEST_P(BackendTest, WhenAllRethrowsTheFirstFailureInTime) {
  auto fails_after = [](int yields, std::string what) -> Task<int> {
    co_await Yields(yields);
    throw std::runtime_error(what);
  };
  auto body = [&]() -> Task<std::string> {
    try {
      co_await when_all(fails_after(3, "late"), fails_after(1, "early"));
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "none";
  };
  EXPECT_EQ(rt().block_on(body()), "early");
}

TEST_P(BackendTest, WhenAnyPicksTheWinnerAndAwaitsTheLosers) {
  Pipe p1, p2;
  ReadOutcome o1, o2;
  auto loser = [](int fd, ReadOutcome* o) -> Task<size_t> {
    char buf[8];
    auto r = co_await read(fd, buf, sizeof buf);
    o->returned = true;
    if (!r) o->error = r.error();
    co_return r ? *r : 0;
  };
  auto winner = []() -> Task<std::string> {
    co_await Yields(3);
    co_return "won";
  };
  auto body = [&]() -> Task<std::variant<size_t, std::string, size_t>> {
    co_return co_await when_any(loser(p1.r, &o1), winner(), loser(p2.r, &o2));
  };
  auto v = rt().block_on(body());
  ASSERT_EQ(v.index(), 1u);
  EXPECT_EQ(std::get<1>(v), "won");
  // Both losers were cancelled and ran to their end before when_any
  // returned.
  EXPECT_TRUE(o1.returned);
  EXPECT_TRUE(o2.returned);
  EXPECT_EQ(o1.error, core::err::canceled);
  EXPECT_EQ(o2.error, core::err::canceled);
}

TEST_P(BackendTest, WhenAnyWithTwoChildrenOfTheSameType) {
  auto after = [](int yields, int v) -> Task<int> {
    co_await Yields(yields);
    co_return v;
  };
  auto body = [&]() -> Task<std::variant<int, int>> {
    co_return co_await when_any(after(4, 10), after(1, 20));
  };
  auto v = rt().block_on(body());
  ASSERT_EQ(v.index(), 1u);
  EXPECT_EQ(std::get<1>(v), 20);
}

TEST_P(BackendTest, WhenAnyTimerBeatsAnIdleRead) {
  Pipe p;
  ReadOutcome o;
  auto timer = []() -> Task<> { (void)co_await sleep_for(1ms); };
  auto reader = [&]() -> Task<> {
    char buf[8];
    auto r = co_await read(p.r, buf, sizeof buf);
    o.returned = true;
    if (!r) o.error = r.error();
  };
  auto body = [&]() -> Task<size_t> {
    auto v = co_await when_any(timer(), reader());
    co_return v.index();
  };
  EXPECT_EQ(rt().block_on(body()), 0u);
  EXPECT_TRUE(o.returned);
  EXPECT_EQ(o.error, core::err::canceled);
}

TEST_P(BackendTest, WhenAnyReadBeatsALongTimerWhichIsCancelled) {
  Pipe p;
  ASSERT_EQ(::write(p.w, "abc", 3), 3);
  core::Result<void> slept;
  bool timer_returned = false;
  auto timer = [&]() -> Task<> {
    slept = co_await sleep_for(30s);
    timer_returned = true;
  };
  auto reader = [&]() -> Task<std::string> {
    co_await yield();  // let the timer start first
    char buf[8];
    auto r = co_await read(p.r, buf, sizeof buf);
    co_return r ? std::string(buf, *r) : std::string(r.error().name());
  };
  auto start = std::chrono::steady_clock::now();
  auto body = [&]() -> Task<std::variant<std::monostate, std::string>> {
    co_return co_await when_any(timer(), reader());
  };
  auto v = rt().block_on(body());
  ASSERT_EQ(v.index(), 1u);
  EXPECT_EQ(std::get<1>(v), "abc");
  EXPECT_TRUE(timer_returned);
  ASSERT_FALSE(slept.ok());
  EXPECT_EQ(slept.error(), core::err::canceled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_P(BackendTest, WhenAnyRethrowsTheWinnersException) {
  Pipe p;
  ReadOutcome o;
  auto fails = []() -> Task<int> {
    co_await yield();
    throw std::runtime_error("winner threw");
  };
  auto reader = [&]() -> Task<int> {
    char buf[8];
    auto r = co_await read(p.r, buf, sizeof buf);
    o.returned = true;
    if (!r) o.error = r.error();
    co_return 0;
  };
  auto body = [&]() -> Task<std::string> {
    try {
      co_await when_any(reader(), fails());
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "none";
  };
  EXPECT_EQ(rt().block_on(body()), "winner threw");
  EXPECT_TRUE(o.returned);
  EXPECT_EQ(o.error, core::err::canceled);
}

TEST_P(BackendTest, NestedWhenAnyInsideWhenAll) {
  Pipe idle, ready;
  ASSERT_EQ(::write(ready.w, "xy", 2), 2);
  auto read_pipe = [](int fd) -> Task<core::Result<size_t>> {
    char buf[8];
    co_return co_await read(fd, buf, sizeof buf);
  };
  auto sleep_ms = [](int ms) -> Task<> { (void)co_await sleep_for(std::chrono::milliseconds(ms)); };
  auto value = []() -> Task<int> {
    co_await yield();
    co_return 7;
  };
  auto body = [&]() -> Task<std::tuple<size_t, size_t, int, size_t>> {
    auto [a, b, c] = co_await when_all(when_any(read_pipe(idle.r), sleep_ms(1)),
                                       when_any(read_pipe(ready.r), sleep_ms(30000)), value());
    // In `b`, the read won with 2 bytes.
    size_t bytes = std::get<0>(b) ? *std::get<0>(b) : 0;
    co_return std::make_tuple(a.index(), b.index(), c, bytes);
  };
  auto start = std::chrono::steady_clock::now();
  auto [a, b, c, bytes] = rt().block_on(body());
  EXPECT_EQ(a, 1u);  // the timer beat the idle read
  EXPECT_EQ(b, 0u);  // the ready read beat the long timer
  EXPECT_EQ(bytes, 2u);
  EXPECT_EQ(c, 7);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_P(BackendTest, StoppingTheCallerStopsEveryChild) {
  Pipe p1, p2;
  ReadOutcome o1, o2;
  auto reader = [](int fd, ReadOutcome* o) -> Task<> {
    char buf[8];
    auto r = co_await read(fd, buf, sizeof buf);
    o->returned = true;
    if (!r) o->error = r.error();
  };
  auto both = [&]() -> Task<> { co_await when_all(reader(p1.r, &o1), reader(p2.r, &o2)); };
  auto body = [&]() -> Task<> {
    JoinHandle<void> h = rt().spawn(both());
    co_await yield();  // both reads are in flight
    h.cancel();
    co_await h;
  };
  rt().block_on(body());
  EXPECT_EQ(o1.error, core::err::canceled);
  EXPECT_EQ(o2.error, core::err::canceled);
}

TEST_P(BackendTest, StoppingTheCallerFromAnotherThreadStopsEveryChild) {
  Pipe p1, p2;
  ReadOutcome o1, o2;
  auto reader = [](int fd, ReadOutcome* o) -> Task<> {
    char buf[8];
    auto r = co_await read(fd, buf, sizeof buf);
    o->returned = true;
    if (!r) o->error = r.error();
  };
  auto either = [&]() -> Task<> { co_await when_any(reader(p1.r, &o1), reader(p2.r, &o2)); };
  std::thread canceller;
  auto body = [&]() -> Task<> {
    JoinHandle<void> h = rt().spawn(either());
    co_await yield();  // both reads are in flight
    canceller = std::thread([&h] { h.cancel(); });
    co_await h;
  };
  rt().block_on(body());
  canceller.join();
  EXPECT_EQ(o1.error, core::err::canceled);
  EXPECT_EQ(o2.error, core::err::canceled);
}

TEST_P(BackendTest, WhenAllOverAVectorKeepsTheOrder) {
  auto square = [](int i) -> Task<int> {
    co_await Yields((i * 7) % 5);
    co_return i * i;
  };
  auto body = [&]() -> Task<std::vector<int>> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 200; ++i) tasks.push_back(square(i));
    co_return co_await when_all(std::move(tasks));
  };
  std::vector<int> got = rt().block_on(body());
  ASSERT_EQ(got.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(got[i], i * i);
}

TEST_P(BackendTest, WhenAllOverAVectorOfVoidAndOfNothing) {
  int count = 0;
  auto bump = [&]() -> Task<> {
    co_await yield();
    ++count;
  };
  auto body = [&]() -> Task<size_t> {
    std::vector<Task<>> tasks;
    for (int i = 0; i < 5; ++i) tasks.push_back(bump());
    std::vector<std::monostate> r = co_await when_all(std::move(tasks));
    std::vector<int> none = co_await when_all(std::vector<Task<int>>{});
    co_return r.size() + none.size();
  };
  EXPECT_EQ(rt().block_on(body()), 5u);
  EXPECT_EQ(count, 5);
}

TEST_P(BackendTest, WhenAllOverAVectorFailsFast) {
  Pipe p;
  std::vector<ReadOutcome> outcomes(3);
  auto reader = [&](int i) -> Task<int> {
    char buf[8];
    auto r = co_await read(p.r, buf, sizeof buf);
    outcomes[i].returned = true;
    if (!r) outcomes[i].error = r.error();
    co_return i;
  };
  auto fails = []() -> Task<int> {
    co_await yield();
    throw std::runtime_error("vector child failed");
  };
  auto body = [&]() -> Task<std::string> {
    std::vector<Task<int>> tasks;
    tasks.push_back(reader(0));
    tasks.push_back(fails());
    tasks.push_back(reader(1));
    tasks.push_back(reader(2));
    try {
      co_await when_all(std::move(tasks));
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "none";
  };
  EXPECT_EQ(rt().block_on(body()), "vector child failed");
  for (const ReadOutcome& o : outcomes) {
    EXPECT_TRUE(o.returned);
    EXPECT_EQ(o.error, core::err::canceled);
  }
}

TEST_P(BackendTest, FixedArityFormsAllocateNothingPerChild) {
  auto value = [](int v) -> Task<int> {
    co_await yield();
    co_return v;
  };
  // Allocations made by the combinator itself: the children's frames are
  // made before counting starts.
  auto two = [&]() -> Task<long> {
    Task<int> a = value(1), b = value(2);
    long before = g_allocations.load();
    auto [x, y] = co_await when_all(std::move(a), std::move(b));
    EXPECT_EQ(x + y, 3);
    co_return g_allocations.load() - before;
  };
  auto four = [&]() -> Task<long> {
    Task<int> a = value(1), b = value(2), c = value(3), d = value(4);
    long before = g_allocations.load();
    auto [w, x, y, z] = co_await when_all(std::move(a), std::move(b), std::move(c), std::move(d));
    EXPECT_EQ(w + x + y + z, 10);
    co_return g_allocations.load() - before;
  };
  auto any_of_four = [&]() -> Task<long> {
    Task<int> a = value(1), b = value(2), c = value(3), d = value(4);
    long before = g_allocations.load();
    auto v = co_await when_any(std::move(a), std::move(b), std::move(c), std::move(d));
    EXPECT_EQ(v.index(), 0u);
    co_return g_allocations.load() - before;
  };
  (void)rt().block_on(two());  // warm up the runtime's queues
  long for_two = rt().block_on(two());
  long for_four = rt().block_on(four());
  long for_any = rt().block_on(any_of_four());
  // Its own frame and one stop state, whatever the number of children.
  EXPECT_EQ(for_two, 2);
  EXPECT_EQ(for_four, 2);
  EXPECT_EQ(for_any, 2);
}

TEST_P(BackendTest, EmptyTaskIsRejected) {
  auto body = [&]() -> Task<bool> {
    try {
      co_await when_all(Task<int>(), []() -> Task<int> { co_return 1; }());
    } catch (const std::invalid_argument&) {
      co_return true;
    }
    co_return false;
  };
  EXPECT_TRUE(rt().block_on(body()));
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
