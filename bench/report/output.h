// bench/report/output.h — the report's results as markdown, JSON and a
// gnuplot latency plot.
#pragma once

#include <string>
#include <vector>

#include "bench/report/scenario.h"

namespace bench::report {

struct Header {
  std::vector<std::pair<std::string, std::string>> facts;  // "kernel", "6.1.0" ...
};

// Markdown(): a title, the machine facts, a sentence on the two ratios,
// then per scenario its sentence and a table: case | contender | median |
// min–max | ratio to zring (of medians) | paired ratio (median, min–max
// over rounds; see PairedRatio() in runner.h) | extras | target.
[[nodiscard]] std::string Markdown(const Header& header, const std::vector<ScenarioResult>& results);

// Json(): the same figures, every repetition's primary value and round
// included. Per contender, "ratio_to_zring" is the ratio of medians and
// "paired_ratio_to_zring" {median, min, max, samples} the paired ratio
// (null where no round paired).
[[nodiscard]] std::string Json(const Header& header, const std::vector<ScenarioResult>& results);

// Plot(): latency percentiles of every contender of every case with a
// histogram in the scenario `scenario_id`, into `png` via gnuplot. Returns
// "" on success, else why there is no plot.
[[nodiscard]] std::string Plot(const std::vector<ScenarioResult>& results,
                               const std::string& scenario_id, const std::string& png);

}  // namespace bench::report
