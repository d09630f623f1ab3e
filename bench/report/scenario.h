// bench/report/scenario.h — what the report runs and what it keeps.
//
// A Scenario is a titled set of Cases ("batch 8", "500 conn x 64 B
// streaming"); each Case has Contenders doing the same work, the first one
// being zring's, to which every ratio refers. The runner calls each
// contender's `run` once per repetition, the contenders of a case
// interleaved (A B C A B C ...), after one warm-up round: the values of one
// round were measured next to each other in time, so a ratio taken within
// a round (a paired ratio, see PairedRatio() in runner.h) is free of the
// machine's slower drift.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/loadgen/histogram.h"

namespace bench::report {

// One repetition of one contender.
struct Measurement {
  double value = 0;                      // the scenario's primary figure
  std::map<std::string, double> extras;  // further columns, by key
  std::shared_ptr<Histogram> latency;    // kept for the plot, when there is one
  std::string error;                     // non-empty: this repetition failed
};

struct Contender {
  std::string name;
  std::function<Measurement()> run;
};

// The median and range of one figure over the repetitions.
struct Summary {
  double median = 0;
  double min = 0;
  double max = 0;
  size_t samples = 0;
};

struct ContenderResult {
  std::string name;
  std::vector<Measurement> reps;  // successful repetitions only
  std::vector<int> rounds;        // rounds[i]: the round of reps[i], 0 the first after warm-up
  std::vector<std::string> errors;
  Summary value;
  // This contender's value over the case's contenders[0]'s, round by round:
  // PairedRatio(*this, contenders[0]).
  Summary paired_ratio;
  std::map<std::string, Summary> extras;
  Histogram latency;  // every repetition's, merged
  bool has_latency = false;
};

struct CaseResult {
  std::string name;
  std::vector<ContenderResult> contenders;  // [0] is zring's
  std::map<std::string, std::string> targets;  // contender -> "... pass|miss"

  // The contender called `name`, or nullptr.
  [[nodiscard]] const ContenderResult* Find(const std::string& name) const {
    for (const ContenderResult& c : contenders) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
};

struct Column {
  std::string key;     // in Measurement::extras
  std::string header;  // in the table
};

struct Case {
  std::string name;
  std::vector<Contender> contenders;
};

struct Scenario {
  std::string id;        // short, for the JSON and the progress lines
  std::string title;
  std::string what;      // one sentence: what is measured, how
  std::string unit;      // of the primary figure, e.g. "ns/op"
  bool higher_is_better = false;
  std::vector<Column> extra_columns;
  std::vector<Case> cases;
  std::string skipped;   // non-empty: not run, and why
  std::string note;      // printed under the table (e.g. what --quick left out)
  // The pass/miss marks of one case, by contender; may be empty.
  std::function<std::map<std::string, std::string>(const CaseResult&)> targets;
};

struct ScenarioResult {
  std::string id;
  std::string title;
  std::string what;
  std::string unit;
  bool higher_is_better = false;
  std::vector<Column> extra_columns;
  std::vector<CaseResult> cases;
  std::string skipped;
  std::string note;
};

// "pass" or "miss" after `text`, the way the table shows a target.
inline std::string Mark(const std::string& text, bool pass) {
  return text + ": " + (pass ? "pass" : "**miss**");
}

}  // namespace bench::report
