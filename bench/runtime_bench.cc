// What the runtime's coroutine layer costs on top of the ring it drives, in
// one binary, with the same work for every contender.
//
// Cases (the contender is one '/'-separated segment, so tables can pair
// them by the rest of the name):
//
//   BM_Nop1/<impl>     one NOP at a time.
//     zring_runtime    `co_await zring::nop()` in the task that block_on()
//                      drives. The benchmark's `for (auto _ : state)` loop
//                      runs INSIDE that coroutine: one iteration is one
//                      co_await (SQE filled by the op, one io_uring_enter
//                      per loop turn, CQE reaped, coroutine resumed).
//     zring_ring       the same loop on zring::ring::Ring: get an SQE, prep
//                      a NOP, submit_and_wait(1), reap.
//     liburing         the same loop on liburing 2.3.
//   BM_Nop32/<impl>    32 NOPs in flight.
//     zring_runtime    32 spawned tasks, each doing `co_await zring::nop()`
//                      state.iterations() times, inside ONE block_on per
//                      benchmark run (KeepRunningBatch): spawning and
//                      joining the 32 tasks are timed, but amortised over
//                      32 x iterations NOPs.
//     zring_ring       batches of 32 NOPs, one submit_and_wait(32), reap.
//     liburing         the same on liburing.
//   BM_Task/<impl>     the cost of a task that does nothing, inside the
//                      task block_on() drives (the loop runs in it):
//     spawn_join       `co_await rt.spawn(trivial())`: spawn it, join it.
//     inline_await     `co_await trivial()`: a child coroutine, no spawn.
//   BM_PingPong/<path>/spin_us:<0|20>   a cross-thread round trip between
//                      two io_uring (or two epoll) runtimes on two threads,
//                      the main thread pinned to CPU 0, the other to CPU 1:
//     post_msg_ring    a coroutine hops to the other runtime with
//                      Runtime::post() and back; both run io_uring, so each
//                      post wakes the target with IORING_OP_MSG_RING.
//     post_eventfd     the same hops, both runtimes still on io_uring, but
//                      each post is made with no current runtime on the
//                      posting thread (what a plain std::thread does), so
//                      the target is woken through its eventfd.
//     post_epoll       the same hops with both runtimes forced to
//                      BackendKind::kPoll (eventfd + epoll).
//     spawn_remote_msg_ring  `co_await other.spawn_remote(trivial())`: the
//                      task starts over there, its JoinHandle resumes us
//                      here; two MSG_RING wakes plus the spawn machinery.
//                      spin_us is RuntimeOptions::spin on both runtimes.
//
// All NOP contenders use the runtime's ring shape: 256 SQ entries, 512 CQ
// entries (where the runtime's CQ starts; 32 in flight never grow it),
// SINGLE_ISSUER|DEFER_TASKRUN, ring fd registered (labels say so).
//
// Units: `time_per_op` is real time per NOP (per task, per round trip).
// The ping-pong cases also time each round trip separately and report
// rtt_p50 / rtt_p90 (of that run), cpu_per_rt (the whole process's user +
// system CPU time, both threads, per round trip, from getrusage) and
// cpu_cores (that CPU time over the wall time: 2 means both vCPUs busy).
// The tables at the end take medians over repetitions.
//
// Defaults, overridable on the command line: --benchmark_repetitions=5,
// --benchmark_enable_random_interleaving=true,
// --benchmark_display_aggregates_only=true.
//
//   bazel run --config=opt //bench:runtime_bench
//   bazel run --config=opt //bench:runtime_bench -- --benchmark_filter=Nop1/
//
// For instruction counts under callgrind (no benchmark library involved),
// a fixed number of NOPs through the same code paths:
//
//   runtime_bench --callgrind=runtime|ring|liburing --ops=N [--batch=1|32]
//   runtime_bench --callgrind=spawn_join|inline_await --ops=N
#include <liburing.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/internal/ratio_table.h"
#include "bench/internal/runtime_nops.h"
#include "bench/internal/sample_reporter.h"
#include "bench/internal/sides.h"
#include "zring/ring/abi.h"
#include "zring/ring/prep.h"
#include "zring/ring/ring.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/task.h"

namespace {

namespace abi = zring::ring::abi;
using zring::BackendKind;
using zring::JoinHandle;
using zring::Runtime;
using zring::RuntimeOptions;
using zring::Task;

// The ring every NOP contender gets: what Runtime::Create() sets up with
// default options.
constexpr unsigned kEntries = RuntimeOptions{}.entries;
constexpr uint32_t kFlags = abi::kSetupSingleIssuer | abi::kSetupDeferTaskrun;
static_assert(abi::kSetupSingleIssuer == IORING_SETUP_SINGLE_ISSUER);
static_assert(abi::kSetupDeferTaskrun == IORING_SETUP_DEFER_TASKRUN);

constexpr unsigned kInFlight = 32;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// `ops` operations per benchmark iteration; time_per_op is real time per
// operation, in seconds (the console prints it as "238.1n").
void CountOps(benchmark::State& state, unsigned ops) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * ops);
  state.counters["time_per_op"] = benchmark::Counter(
      ops, benchmark::Counter::kIsIterationInvariantRate |
               benchmark::Counter::kInvert);
}

// The raw-ring and liburing NOP contenders come from bench/internal/sides.h,
// on the ring the runtime sets up with default options.
using RawRing = bench::ZringSide;
using Liburing = bench::LiburingSide;

// A runtime with default options, or why it is not the one to measure.
std::unique_ptr<Runtime> DefaultUringRuntime(std::string* error) {
  auto rt = Runtime::Create();
  if (!rt) {
    *error = std::string("Runtime::Create: ") + rt.error().name();
    return nullptr;
  }
  if ((*rt)->backend() != BackendKind::kUring) {
    *error = "the runtime chose poll: " + (*rt)->backend_info().reason;
    return nullptr;
  }
  if (((*rt)->uring()->ring().setup_flags() & kFlags) != kFlags) {
    *error = "the runtime's ring lacks SINGLE_ISSUER|DEFER_TASKRUN";
    return nullptr;
  }
  return std::move(*rt);
}

std::string RegisteredLabel(bool registered) {
  return registered ? "fd registered" : "fd NOT registered";
}

// --- the runtime's side of the NOP cases --------------------------------

// One co_await per benchmark iteration, in the task block_on() drives.
Task<> NopEachIteration(benchmark::State& state) {
  for (auto _ : state) {
    zring::core::Result<void> r = co_await zring::nop();
    if (!r) [[unlikely]] {
      state.SkipWithError("a NOP failed");
      break;
    }
  }
}

using bench::RuntimeNops;

void Nop1Runtime(benchmark::State& state) {
  std::string error;
  std::unique_ptr<Runtime> rt = DefaultUringRuntime(&error);
  if (!rt) {
    state.SkipWithError(error.c_str());
    return;
  }
  state.SetLabel(RegisteredLabel(rt->uring()->ring().ring_fd_registered()));
  rt->block_on(NopEachIteration(state));
  CountOps(state, 1);
}

void Nop32Runtime(benchmark::State& state) {
  std::string error;
  std::unique_ptr<Runtime> rt = DefaultUringRuntime(&error);
  if (!rt) {
    state.SkipWithError(error.c_str());
    return;
  }
  state.SetLabel(RegisteredLabel(rt->uring()->ring().ring_fd_registered()));
  const int64_t per_task = state.max_iterations;
  uint64_t ok = 0;
  while (state.KeepRunningBatch(per_task)) {
    ok += rt->block_on(bench::RuntimeNopFanOut(*rt, kInFlight, per_task));
  }
  if (ok != static_cast<uint64_t>(per_task) * kInFlight) {
    state.SkipWithError("some NOPs failed");
    return;
  }
  CountOps(state, kInFlight);
}

template <class Side>
void NopDirect(benchmark::State& state, unsigned batch) {
  Side side(kFlags, kEntries);
  if (!side.error().empty()) {
    state.SkipWithError(side.error().c_str());
    return;
  }
  state.SetLabel(RegisteredLabel(side.fd_registered()));
  for (auto _ : state) {
    if (!side.Nops(batch)) [[unlikely]] {
      state.SkipWithError("a NOP batch failed or came back short");
      break;
    }
  }
  side.Sink();
  CountOps(state, batch);
}

// --- spawn + join against an inline child ---------------------------------

Task<> Trivial() { co_return; }

Task<> SpawnJoinEachIteration(Runtime& rt, benchmark::State& state) {
  for (auto _ : state) co_await rt.spawn(Trivial());
}

Task<> InlineEachIteration(benchmark::State& state) {
  for (auto _ : state) co_await Trivial();
}

void TaskSpawnJoin(benchmark::State& state) {
  std::string error;
  std::unique_ptr<Runtime> rt = DefaultUringRuntime(&error);
  if (!rt) {
    state.SkipWithError(error.c_str());
    return;
  }
  rt->block_on(SpawnJoinEachIteration(*rt, state));
  if (rt->live_tasks() != 0) state.SkipWithError("spawned tasks outlived their join");
  CountOps(state, 1);
}

void TaskInline(benchmark::State& state) {
  std::string error;
  std::unique_ptr<Runtime> rt = DefaultUringRuntime(&error);
  if (!rt) {
    state.SkipWithError(error.c_str());
    return;
  }
  rt->block_on(InlineEachIteration(state));
  CountOps(state, 1);
}

// --- cross-thread round trips ---------------------------------------------

struct PingPongPath {
  const char* name;
  BackendKind backend;
  bool force_eventfd;  // post with no current runtime: the eventfd wake
  bool spawn_remote;   // a spawn_remote + join instead of two post() hops
};
constexpr PingPongPath kPaths[] = {
    {"post_msg_ring", BackendKind::kUring, false, false},
    {"post_eventfd", BackendKind::kUring, true, false},
    {"post_epoll", BackendKind::kPoll, false, false},
    {"spawn_remote_msg_ring", BackendKind::kUring, false, true},
};

// co_await Hop{&rt, ...}: resume on `rt`'s thread. Nothing in this object
// (it lives in the coroutine's frame) is read after post(): the coroutine
// may already be running over there.
struct Hop {
  Runtime* to;
  bool force_eventfd;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    Runtime* target = to;
    if (force_eventfd) {
      // Runtime::Wake() picks MSG_RING only when the posting thread runs
      // an io_uring runtime; with none current it writes the eventfd.
      zring::detail::CurrentRuntime none(nullptr);
      target->post(h);
    } else {
      target->post(h);
    }
  }
  void await_resume() const noexcept {}
};

int64_t ProcessCpuNs() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  auto ns = [](const timeval& t) {
    return int64_t{t.tv_sec} * 1000000000 + int64_t{t.tv_usec} * 1000;
  };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

struct PingPongResult {
  std::vector<int64_t> rtt_ns;
  int64_t wall_ns = 0;
  int64_t cpu_ns = 0;
};

// The state loop, on the main thread's runtime (`home`). It is a child of
// the task block_on() drives, so that the frame that wanders to the other
// thread is never the one block_on() polls for done().
Task<> PingPongLoop(benchmark::State& state, Runtime& home, Runtime& away,
                    const PingPongPath& path, PingPongResult& out) {
  const int64_t wall0 = NowNs();
  const int64_t cpu0 = ProcessCpuNs();
  for (auto _ : state) {
    const int64_t t0 = NowNs();
    if (path.spawn_remote) {
      co_await away.spawn_remote(Trivial());
    } else {
      co_await Hop{&away, path.force_eventfd};
      co_await Hop{&home, path.force_eventfd};
    }
    out.rtt_ns.push_back(NowNs() - t0);
  }
  out.cpu_ns = ProcessCpuNs() - cpu0;
  out.wall_ns = NowNs() - wall0;
}

Task<> PingPongRoot(benchmark::State& state, Runtime& home, Runtime& away,
                    const PingPongPath& path, PingPongResult& out) {
  co_await PingPongLoop(state, home, away, path, out);
}

bool PinTo(unsigned cpu) {
  if (std::thread::hardware_concurrency() <= cpu) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

double Percentile(std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1));
  return static_cast<double>(sorted[i]);
}

void PingPong(benchmark::State& state, const PingPongPath& path) {
  RuntimeOptions options;
  options.backend = path.backend;
  options.spin = std::chrono::microseconds(state.range(0));

  cpu_set_t saved;
  const bool restore = sched_getaffinity(0, sizeof saved, &saved) == 0;
  const bool pinned = PinTo(0);

  std::promise<Runtime*> started;
  std::future<Runtime*> away_rt = started.get_future();
  bool away_pinned = false;  // written before set_value(), read after get()
  std::jthread away_thread([&](std::stop_token stop) {
    away_pinned = PinTo(1);
    auto rt = Runtime::Create(options);
    if (!rt) {
      started.set_value(nullptr);
      return;
    }
    started.set_value(rt->get());
    (*rt)->run(stop);
  });
  Runtime* away = away_rt.get();
  std::unique_ptr<Runtime> home;
  if (auto created = Runtime::Create(options)) home = std::move(*created);

  if (away == nullptr || !home) {
    state.SkipWithError("Runtime::Create failed for the requested backend");
  } else if (home->backend() != path.backend || away->backend() != path.backend) {
    state.SkipWithError("a runtime is not on the requested backend");
  } else {
    state.SetLabel(pinned && away_pinned ? "pinned to CPUs 0 and 1" : "NOT pinned");
    PingPongResult result;
    result.rtt_ns.reserve(static_cast<size_t>(state.max_iterations));
    home->block_on(PingPongRoot(state, *home, *away, path, result));
    std::sort(result.rtt_ns.begin(), result.rtt_ns.end());
    const double trips = static_cast<double>(state.iterations());
    state.counters["rtt_p50"] = Percentile(result.rtt_ns, 0.5) * 1e-9;
    state.counters["rtt_p90"] = Percentile(result.rtt_ns, 0.9) * 1e-9;
    state.counters["cpu_per_rt"] = static_cast<double>(result.cpu_ns) * 1e-9 / trips;
    state.counters["cpu_cores"] = result.wall_ns > 0
        ? static_cast<double>(result.cpu_ns) / static_cast<double>(result.wall_ns)
        : 0.0;
    CountOps(state, 1);
  }
  away_thread.request_stop();
  away_thread.join();
  home.reset();
  if (restore) sched_setaffinity(0, sizeof saved, &saved);
}

// ---------------------------------------------------------------------------
// Registration, the reporter, the tables.

struct Tables {
  bench::RatioTable ring_real{"zring_runtime", "zring_ring"};
  bench::RatioTable ring_cpu{"zring_runtime", "zring_ring"};
  bench::RatioTable liburing_real{"zring_runtime", "liburing"};
  bench::RatioTable liburing_cpu{"zring_runtime", "liburing"};
  bench::RatioTable task_real{"spawn_join", "inline_await"};
  // Ping-pong: benchmark name -> counter -> one sample per repetition.
  std::vector<std::string> ping_pong_order;
  std::map<std::string, std::map<std::string, std::vector<double>>> ping_pong;
};

void RegisterAll(Tables& t) {
  auto nop = [&t](const std::string& name, void (*fn)(benchmark::State&)) {
    for (bench::RatioTable* table :
         {&t.ring_real, &t.ring_cpu, &t.liburing_real, &t.liburing_cpu}) {
      table->Expect(name);
    }
    benchmark::RegisterBenchmark(name.c_str(), fn)
        ->UseRealTime()
        ->Unit(benchmark::kNanosecond);
  };
  nop("BM_Nop1/zring_runtime", Nop1Runtime);
  nop("BM_Nop1/zring_ring", [](benchmark::State& s) { NopDirect<RawRing>(s, 1); });
  nop("BM_Nop1/liburing", [](benchmark::State& s) { NopDirect<Liburing>(s, 1); });
  nop("BM_Nop32/zring_runtime", Nop32Runtime);
  nop("BM_Nop32/zring_ring",
      [](benchmark::State& s) { NopDirect<RawRing>(s, kInFlight); });
  nop("BM_Nop32/liburing",
      [](benchmark::State& s) { NopDirect<Liburing>(s, kInFlight); });

  t.task_real.Expect("BM_Task/spawn_join");
  benchmark::RegisterBenchmark("BM_Task/spawn_join", TaskSpawnJoin)
      ->UseRealTime()
      ->Unit(benchmark::kNanosecond);
  benchmark::RegisterBenchmark("BM_Task/inline_await", TaskInline)
      ->UseRealTime()
      ->Unit(benchmark::kNanosecond);

  for (const PingPongPath& path : kPaths) {
    std::string name = std::string("BM_PingPong/") + path.name;
    for (int spin : {0, 20}) {
      t.ping_pong_order.push_back(name + "/spin_us:" + std::to_string(spin));
    }
    const PingPongPath* p = &path;
    benchmark::RegisterBenchmark(name.c_str(),
                                 [p](benchmark::State& s) { PingPong(s, *p); })
        ->ArgName("spin_us")
        ->Arg(0)
        ->Arg(20)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

// Every repetition's counters into the tables.
class TableReporter final : public bench::SampleReporter {
 public:
  explicit TableReporter(Tables* t) : t_(t) {}

 private:
  void Sample(const std::string& name, const Run& run) override {
    auto counter = [&run](const char* key) -> std::optional<double> {
      auto it = run.counters.find(key);
      if (it == run.counters.end()) return std::nullopt;
      return it->second.value;
    };
    std::optional<double> per_op = counter("time_per_op");
    if (!per_op) return;
    const double real_ns = *per_op * 1e9;
    const double cpu_ns = real_ns * CpuShare(run);
    t_->ring_real.Add(name, real_ns);
    t_->ring_cpu.Add(name, cpu_ns);
    t_->liburing_real.Add(name, real_ns);
    t_->liburing_cpu.Add(name, cpu_ns);
    t_->task_real.Add(name, real_ns);
    if (name.rfind("BM_PingPong/", 0) == 0) {
      auto& samples = t_->ping_pong[name];
      samples["time_per_op"].push_back(*per_op);
      for (const char* key : {"rtt_p50", "rtt_p90", "cpu_per_rt", "cpu_cores"}) {
        if (std::optional<double> v = counter(key)) samples[key].push_back(*v);
      }
    }
  }

  Tables* t_;
};

std::string PingPongMarkdown(const Tables& t) {
  std::string out =
      "| case | RTT p50 µs | RTT p90 µs | mean RTT µs | CPU µs per RT | CPU cores busy |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  for (const std::string& name : t.ping_pong_order) {
    auto it = t.ping_pong.find(name);
    if (it == t.ping_pong.end()) continue;
    auto median = [&](const char* key, double scale) {
      auto c = it->second.find(key);
      if (c == it->second.end() || c->second.empty()) return std::string("-");
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", bench::Median(c->second) * scale);
      return std::string(buf);
    };
    out += "| " + name.substr(3) + " | " + median("rtt_p50", 1e6) + " | " +
           median("rtt_p90", 1e6) + " | " + median("time_per_op", 1e6) + " | " +
           median("cpu_per_rt", 1e6) + " | " + median("cpu_cores", 1) + " |\n";
  }
  return out;
}

// ---------------------------------------------------------------------------
// --callgrind mode: `ops` NOPs through the same code the NOP cases run.

template <class Side>
int RunFixed(unsigned batch, uint64_t ops) {
  Side side(kFlags, kEntries);
  if (!side.error().empty()) {
    std::fprintf(stderr, "runtime_bench: %s\n", side.error().c_str());
    return 1;
  }
  for (uint64_t done = 0; done < ops; done += batch) {
    if (!side.Nops(batch)) return 1;
  }
  side.Sink();
  return 0;
}

int RunFixedRuntime(unsigned batch, uint64_t ops) {
  std::string error;
  std::unique_ptr<Runtime> rt = DefaultUringRuntime(&error);
  if (!rt) {
    std::fprintf(stderr, "runtime_bench: %s\n", error.c_str());
    return 1;
  }
  const auto per_task = static_cast<int64_t>(ops / batch);
  uint64_t ok = batch == 1 ? rt->block_on(RuntimeNops(per_task))
                           : rt->block_on(bench::RuntimeNopFanOut(*rt, kInFlight, per_task));
  return ok == ops ? 0 : 1;
}

Task<> SpawnJoinCounted(Runtime& rt, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) co_await rt.spawn(Trivial());
}

Task<> InlineCounted(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) co_await Trivial();
}

// `ops` tasks, spawned and joined or awaited inline, one after the other.
int RunFixedTasks(bool spawn, uint64_t ops) {
  std::string error;
  std::unique_ptr<Runtime> rt = DefaultUringRuntime(&error);
  if (!rt) {
    std::fprintf(stderr, "runtime_bench: %s\n", error.c_str());
    return 1;
  }
  if (spawn) {
    rt->block_on(SpawnJoinCounted(*rt, ops));
  } else {
    rt->block_on(InlineCounted(ops));
  }
  return rt->live_tasks() == 0 ? 0 : 1;
}

bool ParseNumber(std::string_view text, uint64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

int CallgrindMain(int argc, char** argv) {
  std::string_view impl;
  uint64_t ops = 0;
  uint64_t batch = 1;
  bool bad = false;
  for (int i = 1; i < argc && !bad; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--callgrind=", 0) == 0) {
      impl = arg.substr(12);
    } else if (arg.rfind("--ops=", 0) == 0) {
      bad = !ParseNumber(arg.substr(6), &ops);
    } else if (arg.rfind("--batch=", 0) == 0) {
      bad = !ParseNumber(arg.substr(8), &batch);
    } else {
      bad = true;
    }
  }
  const bool tasks = impl == "spawn_join" || impl == "inline_await";
  if (bad || (batch != 1 && batch != kInFlight) || ops == 0 || ops % batch != 0 ||
      (impl != "runtime" && impl != "ring" && impl != "liburing" && !tasks)) {
    std::fprintf(stderr,
                 "usage: %s --callgrind=runtime|ring|liburing --ops=N [--batch=1|%u]\n"
                 "  runs N NOPs (a multiple of the batch) and exits\n"
                 "       %s --callgrind=spawn_join|inline_await --ops=N\n"
                 "  runs N trivial tasks and exits\n",
                 argv[0], kInFlight, argv[0]);
    return 2;
  }
  if (tasks) return RunFixedTasks(impl == "spawn_join", ops);
  const auto b = static_cast<unsigned>(batch);
  if (impl == "runtime") return RunFixedRuntime(b, ops);
  if (impl == "ring") return RunFixed<RawRing>(b, ops);
  return RunFixed<Liburing>(b, ops);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).rfind("--callgrind=", 0) == 0) {
      return CallgrindMain(argc, argv);
    }
  }

  if (!bench::InitializeInterleaved(argc, argv)) return 1;

  Tables tables;
  RegisterAll(tables);
  TableReporter reporter(&tables);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  auto print = [](const char* title, const bench::RatioTable& table) {
    if (table.empty()) return;
    std::cout << "\n" << title << "\n\n" << table.Markdown();
  };
  print("ns per NOP, real time (medians of time_per_op over repetitions); "
        "ratio = runtime / raw ring, target <= 1.10:",
        tables.ring_real);
  print("The same scaled to CPU time (each sample times its run's CPU / real "
        "time, leaving out time spent preempted):",
        tables.ring_cpu);
  print("ns per NOP, real time; ratio = runtime / liburing:", tables.liburing_real);
  print("The same scaled to CPU time:", tables.liburing_cpu);
  print("ns per task, real time; ratio = spawn+join / inline co_await:",
        tables.task_real);
  if (!tables.ping_pong.empty()) {
    std::cout << "\nCross-thread round trips (main thread on CPU 0, the other "
                 "runtime's thread on CPU 1; medians over repetitions; CPU is "
                 "the whole process, both threads, from getrusage):\n\n"
              << PingPongMarkdown(tables);
  }
  std::cout << std::flush;
  return 0;
}
