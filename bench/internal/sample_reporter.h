// bench/internal/sample_reporter.h — a console reporter that also hands
// every sample to the benchmark's own tables.
//
// Google Benchmark reports a benchmark's repetitions and its aggregates in
// two calls, and with --benchmark_display_aggregates_only only the
// aggregates reach the display reporter. SampleReporter prints as usual and
// calls Sample() for each repetition when it sees them, else once with the
// "median" aggregate, never both for one benchmark.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace bench {

class SampleReporter : public benchmark::ConsoleReporter {
 public:
  SampleReporter() : ConsoleReporter(OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      std::string name = run.run_name.function_name;
      if (!run.run_name.args.empty()) name += "/" + run.run_name.args;
      if (run.run_type == Run::RT_Iteration) {
        per_repetition_.insert(name);
        Sample(name, run);
      } else if (run.aggregate_name == "median" && !per_repetition_.count(name)) {
        Sample(name, run);
      }
    }
  }

 protected:
  // Sample(): one sample of benchmark `name` (function/args).
  virtual void Sample(const std::string& name, const Run& run) = 0;

  // The run's CPU time over its real time: scaling by it leaves out the
  // time the process sat preempted (1 when unknown).
  static double CpuShare(const Run& run) {
    return run.real_accumulated_time > 0
               ? run.cpu_accumulated_time / run.real_accumulated_time
               : 1.0;
  }

 private:
  std::set<std::string> per_repetition_;
};

// InitializeInterleaved(): benchmark::Initialize() with the defaults both
// side-by-side benchmarks want: 5 repetitions, randomly interleaved so that
// a noisy stretch of a shared machine does not land on one side of a pair,
// and only aggregates on the console (every repetition still reaches
// SampleReporter and --benchmark_out). Flags given on the command line come
// later and win. False on an unrecognised flag (already reported).
inline bool InitializeInterleaved(int argc, char** argv) {
  static char repetitions[] = "--benchmark_repetitions=5";
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  static char aggregates[] = "--benchmark_display_aggregates_only=true";
  std::vector<char*> args{argv[0], repetitions, interleave, aggregates};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&count, args.data());
  return !benchmark::ReportUnrecognizedArguments(count, args.data());
}

}  // namespace bench
