// bench/internal/ratio_table.h — zring against a baseline, case by case.
//
// The side-by-side benchmarks name the implementation as one
// '/'-separated segment of the benchmark name, so that the rest of the name
// is the case:
//
//   BM_Nop/zring/default/batch:8      BM_Nop/liburing/default/batch:8
//
// RatioTable collects ns/op samples (one per repetition) under such names,
// pairs the two implementations by case, and renders the medians and their
// ratio as a markdown table:
//
//   bench::RatioTable table("zring", "liburing");
//   table.Add("BM_Nop/zring/default/batch:8", 91.0);
//   table.Add("BM_Nop/liburing/default/batch:8", 106.0);
//   std::cout << table.Markdown();
//
//   | case | zring ns/op | liburing ns/op | ratio |
//   |---|---:|---:|---:|
//   | Nop/default/batch:8 | 91.0 | 106.0 | 0.858 |
//
// It knows nothing about Google Benchmark: the caller decides what a
// sample is (see ring_bench.cc for a reporter that feeds one).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// Median()
//
// The median of `samples` (the mean of the two middle values for an even
// count); NaN for an empty vector.
[[nodiscard]] double Median(std::vector<double> samples);

class RatioTable final {
 public:
  // One case: the medians of both sides, NaN where a side has no sample,
  // and ratio = subject / baseline (NaN unless both are there).
  struct Row {
    std::string case_name;
    double subject_ns = 0;
    double baseline_ns = 0;
    double ratio = 0;
    size_t subject_samples = 0;
    size_t baseline_samples = 0;
  };

  RatioTable(std::string subject, std::string baseline);

  // Add()
  //
  // One sample for the benchmark `name`. Returns false, and records
  // nothing, when no segment of `name` is the subject's or the baseline's
  // name.
  bool Add(std::string_view name, double ns_per_op);

  // Expect()
  //
  // Fixes the position of the case of benchmark `name` without adding a
  // sample, so that the rows keep this order however the samples arrive
  // (random interleaving reports benchmarks in a shuffled order). Returns
  // false for a name that Add() would refuse.
  bool Expect(std::string_view name);

  // Rows(): one per case that has at least one sample, in the order cases
  // were first expected or added.
  [[nodiscard]] std::vector<Row> Rows() const;

  // Markdown(): "case | <subject> ns/op | <baseline> ns/op | ratio", a
  // line per case; a missing side prints as "-".
  [[nodiscard]] std::string Markdown() const;

  // empty(): no samples at all.
  [[nodiscard]] bool empty() const noexcept;

 private:
  struct Case {
    std::string name;
    std::vector<double> subject;
    std::vector<double> baseline;
  };

  // The case of `name` (created if new), and which side `name` is on;
  // nullptr when `name` names neither side.
  Case* Find(std::string_view name, bool* is_subject);

  std::string subject_;
  std::string baseline_;
  std::vector<Case> cases_;
};

}  // namespace bench
