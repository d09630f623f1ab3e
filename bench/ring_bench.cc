// zring's ring against liburing 2.3, case by case, in one binary: the same
// ring size, setup flags and ring-fd registration on both sides, and one
// harness (templated on the side) driving both, so that the only thing that
// differs is the library. Each side reads every CQE's user_data into a
// local sum (what any reaper does with a CQE), checks the count, and stores
// the sum once per batch.
//
// Cases (each named so that zring and liburing differ in one segment):
//   BM_Nop/<impl>/<setup>/batch:<n>   prepare n NOPs, one submit_and_wait(n),
//                                     reap all n with one CQ-head store
//   BM_SocketPair/<impl>/<setup>      64 bytes over an AF_UNIX stream pair: a
//                                     WRITE linked to a READ, one
//                                     submit_and_wait(2), reap both
// <setup> is `default` (no flags) or `defer_taskrun`
// (SINGLE_ISSUER|DEFER_TASKRUN). Both sides register the ring fd where the
// kernel allows; the benchmark label says whether it did.
//
// Units: "Time" is per benchmark iteration (a whole batch). The counter
// `time_per_op` is real time per NOP (per round trip for SocketPair), and
// items_per_second counts NOPs too. The tables printed at the end use
// time_per_op only: medians over repetitions, zring / liburing, once in real
// time and once scaled to CPU time (which leaves out time spent preempted,
// the steadier figure when others share the machine).
//
// Defaults, each overridable on the command line: --benchmark_repetitions=5,
// --benchmark_enable_random_interleaving=true (repetitions of all cases
// shuffled, so that noise on these shared 2-vCPU machines hits both sides
// alike), --benchmark_display_aggregates_only=true.
//
//   bazel run --config=opt //bench:ring_bench
//   bazel run --config=opt //bench:ring_bench -- --benchmark_filter='batch:1/'
//   (names end in /real_time, so anchor a filter with '/', not '$')
//
// A second mode runs a fixed number of NOPs and nothing else (no benchmark
// library), for instruction counting under callgrind (see callgrind_nop.sh):
//
//   ring_bench --callgrind=zring|liburing --ops=N [--batch=B]
//              [--setup=default|defer_taskrun]
#include <liburing.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/internal/ratio_table.h"
#include "bench/internal/sample_reporter.h"
#include "bench/internal/sides.h"
#include "zring/ring/abi.h"
#include "zring/ring/prep.h"
#include "zring/ring/ring.h"

namespace {

namespace abi = zring::ring::abi;

// Both sides take the same setup flag word.
static_assert(abi::kSetupSingleIssuer == IORING_SETUP_SINGLE_ISSUER);
static_assert(abi::kSetupDeferTaskrun == IORING_SETUP_DEFER_TASKRUN);

constexpr unsigned kEntries = 64;    // SQ size on both sides; CQ is twice that
constexpr unsigned kMessage = 64;    // bytes per socketpair round trip

struct Setup {
  const char* name;
  uint32_t flags;
};
constexpr Setup kSetups[] = {
    {"default", 0},
    {"defer_taskrun", abi::kSetupSingleIssuer | abi::kSetupDeferTaskrun},
};

using bench::Describe;
using bench::LiburingSide;
using bench::ZringSide;

// ---------------------------------------------------------------------------
// The harness, shared by both sides.

// `ops` operations per iteration: items_per_second counts them, and
// time_per_op is (real time) / (iterations * ops), in seconds, which the
// console prints with its unit ("238.1ns").
void CountOps(benchmark::State& state, unsigned ops) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * ops);
  state.counters["time_per_op"] = benchmark::Counter(
      ops, benchmark::Counter::kIsIterationInvariantRate |
               benchmark::Counter::kInvert);
}

template <class Side>
void NopBench(benchmark::State& state, uint32_t flags) {
  const auto batch = static_cast<unsigned>(state.range(0));
  Side side(flags, kEntries);
  if (!side.error().empty()) {
    state.SkipWithError(side.error().c_str());
    return;
  }
  state.SetLabel(side.fd_registered() ? "fd registered" : "fd NOT registered");
  for (auto _ : state) {
    if (!side.Nops(batch)) [[unlikely]] {
      state.SkipWithError("a NOP batch failed or came back short");
      break;
    }
  }
  side.Sink();
  CountOps(state, batch);
}

template <class Side>
void SocketPairBench(benchmark::State& state, uint32_t flags) {
  Side side(flags, kEntries);
  if (!side.error().empty()) {
    state.SkipWithError(side.error().c_str());
    return;
  }
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    state.SkipWithError(Describe("socketpair", errno).c_str());
    return;
  }
  char out[kMessage];
  char in[kMessage];
  std::memset(out, 'z', sizeof out);
  state.SetLabel(side.fd_registered() ? "fd registered" : "fd NOT registered");
  for (auto _ : state) {
    if (!side.RoundTrip(sv[0], sv[1], out, in, kMessage)) [[unlikely]] {
      state.SkipWithError("a write/read pair failed or came back short");
      break;
    }
  }
  side.Sink();
  ::close(sv[0]);
  ::close(sv[1]);
  CountOps(state, 1);
}

// zring and liburing are registered one after the other for each case, and
// each case is announced to the tables so that their rows keep this order.
void RegisterAll(std::initializer_list<bench::RatioTable*> tables) {
  for (const Setup& setup : kSetups) {
    const uint32_t flags = setup.flags;
    for (int batch : {1, 8, 32}) {
      std::string zring = std::string("BM_Nop/zring/") + setup.name;
      std::string liburing = std::string("BM_Nop/liburing/") + setup.name;
      for (bench::RatioTable* table : tables) {
        table->Expect(zring + "/batch:" + std::to_string(batch));
      }
      benchmark::RegisterBenchmark(zring.c_str(),
                                   [flags](benchmark::State& state) {
                                     NopBench<ZringSide>(state, flags);
                                   })
          ->ArgName("batch")
          ->Arg(batch)
          ->UseRealTime()
          ->Unit(benchmark::kNanosecond);
      benchmark::RegisterBenchmark(liburing.c_str(),
                                   [flags](benchmark::State& state) {
                                     NopBench<LiburingSide>(state, flags);
                                   })
          ->ArgName("batch")
          ->Arg(batch)
          ->UseRealTime()
          ->Unit(benchmark::kNanosecond);
    }
  }
  for (const Setup& setup : kSetups) {
    const uint32_t flags = setup.flags;
    std::string zring = std::string("BM_SocketPair/zring/") + setup.name;
    std::string liburing = std::string("BM_SocketPair/liburing/") + setup.name;
    for (bench::RatioTable* table : tables) table->Expect(zring);
    benchmark::RegisterBenchmark(zring.c_str(),
                                 [flags](benchmark::State& state) {
                                   SocketPairBench<ZringSide>(state, flags);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kNanosecond);
    benchmark::RegisterBenchmark(liburing.c_str(),
                                 [flags](benchmark::State& state) {
                                   SocketPairBench<LiburingSide>(state, flags);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kNanosecond);
  }
}

// Every time_per_op sample into the ratio tables: `real` gets it as is,
// `cpu` scaled by the run's CPU share, which on these shared 2-vCPU
// machines is often the steadier figure.
class TableReporter final : public bench::SampleReporter {
 public:
  TableReporter(bench::RatioTable* real, bench::RatioTable* cpu) : real_(real), cpu_(cpu) {}

 private:
  void Sample(const std::string& name, const Run& run) override {
    auto it = run.counters.find("time_per_op");
    if (it == run.counters.end()) return;
    const double real_ns = it->second.value * 1e9;
    real_->Add(name, real_ns);
    cpu_->Add(name, real_ns * CpuShare(run));
  }

  bench::RatioTable* real_;
  bench::RatioTable* cpu_;
};

// ---------------------------------------------------------------------------
// --callgrind mode: N NOPs through the same Nops() the benchmark runs, with
// nothing else in the process worth counting.

template <class Side>
int RunFixed(uint32_t flags, unsigned batch, uint64_t ops) {
  Side side(flags, kEntries);
  if (!side.error().empty()) {
    std::fprintf(stderr, "ring_bench: %s\n", side.error().c_str());
    return 1;
  }
  for (uint64_t done = 0; done < ops; done += batch) {
    if (!side.Nops(batch)) {
      std::fprintf(stderr, "ring_bench: a NOP batch failed after %llu ops\n",
                   static_cast<unsigned long long>(done));
      return 1;
    }
  }
  side.Sink();
  return 0;
}

bool ParseNumber(std::string_view text, uint64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

int CallgrindMain(int argc, char** argv) {
  std::string_view impl;
  uint64_t ops = 0;
  uint64_t batch = 1;
  const Setup* setup = &kSetups[0];
  bool bad = false;
  for (int i = 1; i < argc && !bad; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view key) -> std::optional<std::string_view> {
      if (arg.substr(0, key.size()) != key) return std::nullopt;
      return arg.substr(key.size());
    };
    if (auto v = value("--callgrind=")) {
      impl = *v;
    } else if (auto v = value("--ops=")) {
      bad = !ParseNumber(*v, &ops);
    } else if (auto v = value("--batch=")) {
      bad = !ParseNumber(*v, &batch);
    } else if (auto v = value("--setup=")) {
      setup = nullptr;
      for (const Setup& known : kSetups) {
        if (*v == known.name) setup = &known;
      }
    } else {
      bad = true;
    }
  }
  if (bad || (impl != "zring" && impl != "liburing") || setup == nullptr || batch == 0 ||
      batch > kEntries || ops % batch != 0) {
    std::fprintf(stderr,
                 "usage: %s --callgrind=zring|liburing --ops=N [--batch=B] "
                 "[--setup=default|defer_taskrun]\n"
                 "  runs N NOPs (a multiple of B, B <= %u) and exits\n",
                 argv[0], kEntries);
    return 2;
  }
  const auto per_batch = static_cast<unsigned>(batch);
  return impl == "zring"
             ? RunFixed<ZringSide>(setup->flags, per_batch, ops)
             : RunFixed<LiburingSide>(setup->flags, per_batch, ops);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).substr(0, 12) == "--callgrind=") {
      return CallgrindMain(argc, argv);
    }
  }

  if (!bench::InitializeInterleaved(argc, argv)) return 1;

  bench::RatioTable real("zring", "liburing");
  bench::RatioTable cpu("zring", "liburing");
  RegisterAll({&real, &cpu});
  TableReporter reporter(&real, &cpu);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  if (!real.empty()) {
    std::cout << "\nns per op, real time: medians over repetitions of "
                 "time_per_op; ratio = zring / liburing, below 1 means zring "
                 "is faster.\n\n"
              << real.Markdown()
              << "\nThe same in CPU time (each sample scaled by its run's "
                 "CPU time / real time, so time spent preempted is left "
                 "out):\n\n"
              << cpu.Markdown() << std::flush;
  }
  return 0;
}
