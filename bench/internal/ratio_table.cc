#include "bench/internal/ratio_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

namespace bench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Splits `name` at '/' and looks for a segment equal to `impl`. On a hit,
// `case_name` gets the other segments joined again (with a leading "BM_"
// dropped from the first, which only repeats that this is a benchmark).
bool CaseOf(std::string_view name, std::string_view impl,
            std::string* case_name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = name.find('/', start);
    parts.push_back(name.substr(start, slash == std::string_view::npos
                                           ? std::string_view::npos
                                           : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  auto hit = std::find(parts.begin(), parts.end(), impl);
  if (hit == parts.end()) return false;
  parts.erase(hit);

  case_name->clear();
  for (std::string_view part : parts) {
    if (!case_name->empty()) case_name->push_back('/');
    if (case_name->empty() && part.substr(0, 3) == "BM_") part.remove_prefix(3);
    case_name->append(part);
  }
  return true;
}

std::string Cell(double v, const char* format) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

double Median(std::vector<double> samples) {
  if (samples.empty()) return kNaN;
  size_t mid = samples.size() / 2;
  std::nth_element(samples.begin(), samples.begin() + mid, samples.end());
  double upper = samples[mid];
  if (samples.size() % 2 != 0) return upper;
  double lower = *std::max_element(samples.begin(), samples.begin() + mid);
  return (lower + upper) / 2;
}

RatioTable::RatioTable(std::string subject, std::string baseline)
    : subject_(std::move(subject)), baseline_(std::move(baseline)) {}

RatioTable::Case* RatioTable::Find(std::string_view name, bool* is_subject) {
  std::string case_name;
  *is_subject = CaseOf(name, subject_, &case_name);
  if (!*is_subject && !CaseOf(name, baseline_, &case_name)) return nullptr;
  for (Case& c : cases_) {
    if (c.name == case_name) return &c;
  }
  cases_.push_back(Case{std::move(case_name), {}, {}});
  return &cases_.back();
}

bool RatioTable::Add(std::string_view name, double ns_per_op) {
  bool is_subject;
  Case* c = Find(name, &is_subject);
  if (c == nullptr) return false;
  (is_subject ? c->subject : c->baseline).push_back(ns_per_op);
  return true;
}

bool RatioTable::Expect(std::string_view name) {
  bool is_subject;
  return Find(name, &is_subject) != nullptr;
}

bool RatioTable::empty() const noexcept {
  for (const Case& c : cases_) {
    if (!c.subject.empty() || !c.baseline.empty()) return false;
  }
  return true;
}

std::vector<RatioTable::Row> RatioTable::Rows() const {
  std::vector<Row> rows;
  rows.reserve(cases_.size());
  for (const Case& c : cases_) {
    if (c.subject.empty() && c.baseline.empty()) continue;
    Row row;
    row.case_name = c.name;
    row.subject_ns = Median(c.subject);
    row.baseline_ns = Median(c.baseline);
    row.ratio = (c.subject.empty() || c.baseline.empty())
                    ? kNaN
                    : row.subject_ns / row.baseline_ns;
    row.subject_samples = c.subject.size();
    row.baseline_samples = c.baseline.size();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string RatioTable::Markdown() const {
  std::string out = "| case | " + subject_ + " ns/op | " + baseline_ +
                    " ns/op | ratio |\n|---|---:|---:|---:|\n";
  for (const Row& row : Rows()) {
    out += "| " + row.case_name + " | " + Cell(row.subject_ns, "%.1f") +
           " | " + Cell(row.baseline_ns, "%.1f") + " | " +
           Cell(row.ratio, "%.3f") + " |\n";
  }
  return out;
}

}  // namespace bench
