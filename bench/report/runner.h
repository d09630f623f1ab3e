// bench/report/runner.h — runs a scenario: a warm-up round, then
// `repetitions` rounds of every contender of a case in turn, progress on
// stderr, medians and ranges at the end, and every contender's paired
// ratio to the case's first (zring's) contender.
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

// PairedRatio(): `k` against `reference` round by round. For each round in
// which both succeeded (and the reference's value is positive), k's value
// over the reference's; the median, min and max of those ratios, and how
// many rounds there were (zeros for none). A round that failed on either
// side is left out without shifting the others. Drift of the machine's
// speed slower than a round moves both values of a round alike and
// cancels out of each ratio, which it does not out of a ratio of medians.
[[nodiscard]] Summary PairedRatio(const ContenderResult& k, const ContenderResult& reference);

}  // namespace bench::report
