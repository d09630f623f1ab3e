// bench/report/runner.h — runs a scenario: a warm-up round, then
// `repetitions` rounds of every contender of a case in turn, progress on
// stderr, medians and ranges at the end.
#pragma once

#include "bench/report/scenario.h"

namespace bench::report {

struct RunnerOptions {
  int repetitions = 5;
  int warmup_rounds = 1;
};

[[nodiscard]] ScenarioResult RunScenario(const Scenario& scenario, const RunnerOptions& options);

// Summarize(): median, min and max of `samples` (zeros for none).
[[nodiscard]] Summary Summarize(const std::vector<double>& samples);

}  // namespace bench::report
