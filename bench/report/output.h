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

// Markdown(): a title, the machine facts, then per scenario its sentence
// and a table: case | contender | median | min–max | ratio to zring |
// extras | target.
[[nodiscard]] std::string Markdown(const Header& header, const std::vector<ScenarioResult>& results);

// Json(): the same figures, every repetition's primary value included.
[[nodiscard]] std::string Json(const Header& header, const std::vector<ScenarioResult>& results);

// Plot(): latency percentiles of every contender of every case with a
// histogram in the scenario `scenario_id`, into `png` via gnuplot. Returns
// "" on success, else why there is no plot.
[[nodiscard]] std::string Plot(const std::vector<ScenarioResult>& results,
                               const std::string& scenario_id, const std::string& png);

}  // namespace bench::report
