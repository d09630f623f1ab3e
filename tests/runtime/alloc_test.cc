// No allocation per operation (DESIGN.md, invariant 1), on both backends.
//
// This file replaces the global operator new and delete — every standard
// form: plain, array, sized, aligned, nothrow — with versions that count,
// then checks that thousands of operations in steady state leave the
// counts unchanged. When one does allocate, the first such allocation
// prints a stack (glibc backtrace(); symbolize with addr2line, or run the
// test under gdb with a breakpoint on AllocatedWhileArmed).
//
// The replacements call malloc/free, which the sanitizers intercept, so
// the file works as is under --config=asan and --config=tsan.
#include <execinfo.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"

namespace {

using ::zring::testing::Pipe;

std::atomic<uint64_t> g_allocations{0};
std::atomic<uint64_t> g_deallocations{0};
std::atomic<bool> g_armed{false};

// While armed, the first allocation or deallocation prints where it came
// from.
[[gnu::noinline]] void AllocatedWhileArmed(const char* what) {
  if (!g_armed.exchange(false, std::memory_order_relaxed)) return;
  static const char kHead[] = "alloc_test: while armed, a call to ";
  (void)!::write(2, kHead, sizeof kHead - 1);
  (void)!::write(2, what, std::strlen(what));
  (void)!::write(2, ":\n", 2);
  void* frames[48];
  int n = ::backtrace(frames, 48);  // may malloc (not new) on first use
  ::backtrace_symbols_fd(frames, n, 2);
}

void* Allocate(size_t size, size_t align, bool nothrow) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (g_armed.load(std::memory_order_relaxed)) AllocatedWhileArmed("operator new");
  if (size == 0) size = 1;
  void* p = nullptr;
  if (align <= alignof(std::max_align_t)) {
    p = std::malloc(size);
  } else if (::posix_memalign(&p, align, size) != 0) {
    p = nullptr;
  }
  if (p == nullptr && !nothrow) throw std::bad_alloc();
  return p;
}

void Release(void* p) noexcept {
  if (p == nullptr) return;
  g_deallocations.fetch_add(1, std::memory_order_relaxed);
  if (g_armed.load(std::memory_order_relaxed)) AllocatedWhileArmed("operator delete");
  std::free(p);
}

constexpr size_t kDefault = alignof(std::max_align_t);
size_t A(std::align_val_t a) { return static_cast<size_t>(a); }

}  // namespace

// clang-format off
void* operator new(size_t n) { return Allocate(n, kDefault, false); }
void* operator new[](size_t n) { return Allocate(n, kDefault, false); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return Allocate(n, kDefault, true); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return Allocate(n, kDefault, true); }
void* operator new(size_t n, std::align_val_t a) { return Allocate(n, A(a), false); }
void* operator new[](size_t n, std::align_val_t a) { return Allocate(n, A(a), false); }
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return Allocate(n, A(a), true); }
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return Allocate(n, A(a), true); }

void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, size_t) noexcept { Release(p); }
void operator delete[](void* p, size_t) noexcept { Release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete(void* p, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { Release(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { Release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { Release(p); }
// clang-format on

namespace zring {
namespace {

using testing::BackendTest;

constexpr int kWarmUp = 100;
constexpr int kMeasured = 10000;

// What the counters did over a stretch of code.
struct Delta {
  uint64_t allocations = 0;
  uint64_t deallocations = 0;
  int failures = 0;  // operations that did not succeed
};

class Counting final {
 public:
  Counting()
      : news_(g_allocations.load(std::memory_order_relaxed)),
        deletes_(g_deallocations.load(std::memory_order_relaxed)) {
    g_armed.store(true, std::memory_order_relaxed);
  }
  Delta Stop(int failures) const {
    g_armed.store(false, std::memory_order_relaxed);
    return Delta{g_allocations.load(std::memory_order_relaxed) - news_,
                 g_deallocations.load(std::memory_order_relaxed) - deletes_, failures};
  }

 private:
  uint64_t news_, deletes_;
};

// The counters count: the replacement is the one in use.
TEST(CountingNew, SeesAnAllocation) {
  uint64_t before = g_allocations.load();
  auto* p = new int(7);
  EXPECT_EQ(g_allocations.load(), before + 1);
  delete p;
  auto* q = new (std::align_val_t{64}) char[100];
  EXPECT_EQ(reinterpret_cast<uintptr_t>(q) % 64, 0u);
  EXPECT_EQ(g_allocations.load(), before + 2);
  ::operator delete[](q, std::align_val_t{64});
}

TEST_P(BackendTest, NopsDoNotAllocate) {
  auto body = []() -> Task<Delta> {
    int failures = 0;
    for (int i = 0; i < kWarmUp; ++i) failures += !(co_await zring::nop()).ok();
    Counting counting;
    for (int i = 0; i < kMeasured; ++i) failures += !(co_await zring::nop()).ok();
    co_return counting.Stop(failures);
  };
  Delta d = rt().block_on(body());
  EXPECT_EQ(d.failures, 0);
  EXPECT_EQ(d.allocations, 0u) << "operator new calls during " << kMeasured << " nops";
  EXPECT_EQ(d.deallocations, 0u);
}

TEST_P(BackendTest, PipeWriteReadPairsDoNotAllocate) {
  Pipe p;
  auto body = [&]() -> Task<Delta> {
    uint64_t out = 0, in = 0;
    int failures = 0;
    // The pairs are written out in this one task: co_await of a Task would
    // allocate its frame, which is not the runtime's doing.
    for (int i = 0; i < kWarmUp; ++i) {
      ++out;
      auto w = co_await zring::write(p.w, &out, sizeof out);
      auto r = co_await zring::read(p.r, &in, sizeof in);
      failures += !(w.ok() && r.ok() && *r == sizeof in && in == out);
    }
    Counting counting;
    for (int i = 0; i < kMeasured; ++i) {
      ++out;
      auto w = co_await zring::write(p.w, &out, sizeof out);
      auto r = co_await zring::read(p.r, &in, sizeof in);
      failures += !(w.ok() && r.ok() && *r == sizeof in && in == out);
    }
    co_return counting.Stop(failures);
  };
  Delta d = rt().block_on(body());
  EXPECT_EQ(d.failures, 0);
  EXPECT_EQ(d.allocations, 0u) << "operator new calls during " << kMeasured << " write+read pairs";
  EXPECT_EQ(d.deallocations, 0u);
}

// Beyond the brief's two loops, the paths a server takes: operations that
// really wait (readiness on the poll backend, a wake-up of another task),
// inside spawned tasks (a stop callback registered per operation), with and
// without a timeout, and plain sleeps.

// Two spawned tasks play ping-pong over two pipes: every read waits.
// `timeout_ns` >= 0 puts a timeout on each read (never reached). The ponger
// echoes until it reads kStop, which the pinger sends after measuring, so
// that neither task ends (and frees its frame) inside the measurement.
constexpr uint64_t kStop = ~uint64_t{0};

auto TimedRead(int fd, uint64_t* v, int64_t timeout_ns) {
  auto op = zring::read(fd, v, sizeof *v);
  if (timeout_ns >= 0) (void)std::move(op).timeout(std::chrono::nanoseconds(timeout_ns));
  return op;
}

Task<> Ponger(int in, int out, int64_t timeout_ns) {
  uint64_t v = 0;
  for (;;) {
    auto r = co_await TimedRead(in, &v, timeout_ns);
    if (!r || v == kStop) co_return;
    auto w = co_await zring::write(out, &v, sizeof v);
    if (!w) co_return;
  }
}

Task<Delta> Pinger(int in, int out, int64_t timeout_ns) {
  uint64_t v = 0;
  int failures = 0;
  std::optional<Counting> counting;
  for (int i = 0; i < kWarmUp + kMeasured; ++i) {
    if (i == kWarmUp) counting.emplace();
    v = static_cast<uint64_t>(i);
    auto w = co_await zring::write(out, &v, sizeof v);
    auto r = co_await TimedRead(in, &v, timeout_ns);
    failures += !(w.ok() && r.ok() && v == static_cast<uint64_t>(i));
  }
  Delta d = counting->Stop(failures);
  v = kStop;
  (void)co_await zring::write(out, &v, sizeof v);
  co_return d;
}

Delta PingPong(Runtime& rt, int64_t timeout_ns) {
  Pipe there, back;
  auto body = [&]() -> Task<Delta> {
    JoinHandle<void> ponger = rt.spawn(Ponger(there.r, back.w, timeout_ns));
    JoinHandle<Delta> pinger = rt.spawn(Pinger(back.r, there.w, timeout_ns));
    Delta d = co_await pinger;
    co_await ponger;
    co_return d;
  };
  return rt.block_on(body());
}

TEST_P(BackendTest, WaitingOperationsInSpawnedTasksDoNotAllocate) {
  Delta d = PingPong(rt(), -1);
  EXPECT_EQ(d.failures, 0);
  EXPECT_EQ(d.allocations, 0u) << "operator new calls during " << kMeasured << " ping-pong rounds";
  EXPECT_EQ(d.deallocations, 0u);
}

TEST_P(BackendTest, WaitingOperationsWithATimeoutDoNotAllocate) {
  Delta d = PingPong(rt(), 10'000'000'000);  // 10 s: never fires
  EXPECT_EQ(d.failures, 0);
  EXPECT_EQ(d.allocations, 0u) << "operator new calls during " << kMeasured
                               << " ping-pong rounds with a timeout on each read";
  EXPECT_EQ(d.deallocations, 0u);
}

// Completions that arrive together, after a warm-up in which they arrived
// one by one: the same eight reads in flight at once, the same operations,
// only the order of completion differs. The backend's bookkeeping must not
// grow with that order.
Task<> Drain(int fd, int* count) {
  uint64_t v = 0;
  for (;;) {
    auto r = co_await zring::read(fd, &v, sizeof v);
    if (!r || v == kStop) co_return;
    ++*count;
  }
}

TEST_P(BackendTest, CompletionsInABurstDoNotAllocate) {
  constexpr int kReaders = 8;
  constexpr int kBursts = 1000;
  Pipe pipes[kReaders];
  int got[kReaders] = {};
  auto body = [&]() -> Task<Delta> {
    std::vector<JoinHandle<void>> readers;
    for (int i = 0; i < kReaders; ++i) readers.push_back(rt().spawn(Drain(pipes[i].r, &got[i])));
    uint64_t one = 1;
    int failures = 0;
    auto turn = [] { return zring::sleep_for(std::chrono::nanoseconds(0)); };
    (void)co_await turn();  // the readers start and wait
    // Warm-up: one completion per loop turn.
    for (int round = 0; round < kWarmUp; ++round) {
      for (Pipe& p : pipes) {
        failures += !(co_await zring::write(p.w, &one, sizeof one)).ok();
        failures += !(co_await turn()).ok();
      }
    }
    // Measured: all of them (and the sleep) complete in the same turn.
    Counting counting;
    for (int round = 0; round < kBursts; ++round) {
      for (Pipe& p : pipes) failures += !(co_await zring::write(p.w, &one, sizeof one)).ok();
      failures += !(co_await turn()).ok();
    }
    Delta d = counting.Stop(failures);
    uint64_t stop = kStop;
    for (Pipe& p : pipes) (void)co_await zring::write(p.w, &stop, sizeof stop);
    for (JoinHandle<void>& r : readers) co_await r;
    co_return d;
  };
  Delta d = rt().block_on(body());
  EXPECT_EQ(d.failures, 0);
  for (int i = 0; i < kReaders; ++i) EXPECT_EQ(got[i], kWarmUp + kBursts) << "reader " << i;
  EXPECT_EQ(d.allocations, 0u) << "operator new calls when completions come in bursts";
  EXPECT_EQ(d.deallocations, 0u);
}

TEST_P(BackendTest, SleepsDoNotAllocate) {
  auto body = []() -> Task<Delta> {
    int failures = 0;
    for (int i = 0; i < kWarmUp; ++i) failures += !(co_await zring::sleep_for(std::chrono::nanoseconds(0))).ok();
    Counting counting;
    for (int i = 0; i < kMeasured; ++i) failures += !(co_await zring::sleep_for(std::chrono::nanoseconds(0))).ok();
    co_return counting.Stop(failures);
  };
  Delta d = rt().block_on(body());
  EXPECT_EQ(d.failures, 0);
  EXPECT_EQ(d.allocations, 0u) << "operator new calls during " << kMeasured << " sleeps";
  EXPECT_EQ(d.deallocations, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
