#include "bench/report/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "bench/internal/ratio_table.h"

namespace bench::report {

Summary Summarize(const std::vector<double>& samples) {
  Summary s;
  if (samples.empty()) return s;
  s.median = bench::Median(samples);
  s.min = *std::min_element(samples.begin(), samples.end());
  s.max = *std::max_element(samples.begin(), samples.end());
  s.samples = samples.size();
  return s;
}

Summary PairedRatio(const ContenderResult& k, const ContenderResult& reference) {
  std::map<int, double> base;
  for (size_t i = 0; i < reference.reps.size() && i < reference.rounds.size(); ++i) {
    base[reference.rounds[i]] = reference.reps[i].value;
  }
  std::vector<double> ratios;
  for (size_t i = 0; i < k.reps.size() && i < k.rounds.size(); ++i) {
    auto it = base.find(k.rounds[i]);
    if (it != base.end() && it->second > 0) ratios.push_back(k.reps[i].value / it->second);
  }
  return Summarize(ratios);
}

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

ContenderResult Finish(ContenderResult r) {
  std::vector<double> values;
  std::map<std::string, std::vector<double>> extras;
  for (const Measurement& m : r.reps) {
    values.push_back(m.value);
    for (const auto& [key, v] : m.extras) extras[key].push_back(v);
    if (m.latency) {
      r.latency.Merge(*m.latency);
      r.has_latency = true;
    }
  }
  r.value = Summarize(values);
  for (const auto& [key, v] : extras) r.extras[key] = Summarize(v);
  return r;
}

}  // namespace

ScenarioResult RunScenario(const Scenario& scenario, const RunnerOptions& options) {
  ScenarioResult out;
  out.id = scenario.id;
  out.title = scenario.title;
  out.what = scenario.what;
  out.unit = scenario.unit;
  out.higher_is_better = scenario.higher_is_better;
  out.extra_columns = scenario.extra_columns;
  out.skipped = scenario.skipped;
  out.note = scenario.note;
  if (!scenario.skipped.empty()) {
    std::fprintf(stderr, "[%s] skipped: %s\n", scenario.id.c_str(), scenario.skipped.c_str());
    return out;
  }
  const auto start = std::chrono::steady_clock::now();
  for (const Case& c : scenario.cases) {
    CaseResult result;
    result.name = c.name;
    for (const Contender& k : c.contenders) result.contenders.push_back(ContenderResult{k.name});
    const int rounds = options.warmup_rounds + options.repetitions;
    for (int round = 0; round < rounds; ++round) {
      const bool warmup = round < options.warmup_rounds;
      std::fprintf(stderr, "[%s] %s, %s %d/%d:", scenario.id.c_str(), c.name.c_str(),
                   warmup ? "warm-up" : "repetition",
                   warmup ? round + 1 : round - options.warmup_rounds + 1,
                   warmup ? options.warmup_rounds : options.repetitions);
      for (size_t i = 0; i < c.contenders.size(); ++i) {
        Measurement m = c.contenders[i].run();
        if (!m.error.empty()) {
          std::fprintf(stderr, " %s FAILED (%s)", c.contenders[i].name.c_str(), m.error.c_str());
          if (!warmup) result.contenders[i].errors.push_back(m.error);
          continue;
        }
        std::fprintf(stderr, " %s %.4g", c.contenders[i].name.c_str(), m.value);
        if (!warmup) {
          result.contenders[i].reps.push_back(std::move(m));
          result.contenders[i].rounds.push_back(round - options.warmup_rounds);
        }
      }
      std::fprintf(stderr, "\n");
    }
    for (ContenderResult& r : result.contenders) r = Finish(std::move(r));
    for (ContenderResult& r : result.contenders) {
      r.paired_ratio = PairedRatio(r, result.contenders.front());
    }
    if (scenario.targets) result.targets = scenario.targets(result);
    out.cases.push_back(std::move(result));
  }
  std::fprintf(stderr, "[%s] done in %.1f s\n", scenario.id.c_str(), Seconds(start));
  return out;
}

}  // namespace bench::report
