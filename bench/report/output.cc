#include "bench/report/output.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bench::report {
namespace {

std::string Number(double v) {
  if (std::isnan(v)) return "-";
  char buf[48];
  const double a = std::fabs(v);
  if (a >= 100000) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (a >= 100) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else if (a >= 10) {
    std::snprintf(buf, sizeof buf, "%.2f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string JsonSummary(const Summary& s) {
  return "{\"median\": " + JsonNumber(s.median) + ", \"min\": " + JsonNumber(s.min) +
         ", \"max\": " + JsonNumber(s.max) + ", \"samples\": " + std::to_string(s.samples) + "}";
}

// "1.05 (0.98–1.09)", "1" where every round gave the same ratio, ", n=3"
// when fewer rounds paired than this contender ran, "-" when none did.
std::string PairedCell(const ContenderResult& k) {
  const Summary& p = k.paired_ratio;
  if (p.samples == 0) return "-";
  std::string cell = Number(p.median);
  if (p.min != p.max) cell += " (" + Number(p.min) + "–" + Number(p.max) + ")";
  const size_t ran = k.reps.size() + k.errors.size();
  if (p.samples < ran) cell += ", n=" + std::to_string(p.samples);
  return cell;
}

}  // namespace

std::string Markdown(const Header& header, const std::vector<ScenarioResult>& results) {
  std::string out = "# zring side-by-side benchmark report\n\n";
  for (const auto& [key, value] : header.facts) out += "- " + key + ": " + value + "\n";
  out +=
      "\nRatios are to the case's zring row: *ratio to zring* divides the medians; *paired "
      "ratio* divides each round's value by the zring row's value from the same round (rounds "
      "where both succeeded; n = their number when fewer than the row ran) and gives the "
      "median and min–max of those per-round ratios, which cancels the machine's drift "
      "between rounds.\n";
  for (const ScenarioResult& s : results) {
    out += "\n## " + s.title + " (" + s.unit + (s.higher_is_better ? ", higher" : ", lower") +
           " is better)\n\n" + s.what + "\n\n";
    if (!s.skipped.empty()) {
      out += "Skipped: " + s.skipped + ".\n";
      continue;
    }
    out += "| case | contender | " + s.unit +
           " median | min–max | ratio to zring | paired ratio (median, min–max) |";
    std::string rule = "|---|---|---:|---:|---:|---:|";
    for (const Column& c : s.extra_columns) {
      out += " " + c.header + " |";
      rule += "---:|";
    }
    out += " target |\n" + rule + "---|\n";
    for (const CaseResult& c : s.cases) {
      const double base = c.contenders.empty() ? NAN : c.contenders[0].value.median;
      for (const ContenderResult& k : c.contenders) {
        const bool ok = k.value.samples > 0;
        out += "| " + c.name + " | " + k.name + " | ";
        if (!ok) {
          out += "failed: " + (k.errors.empty() ? std::string("no sample") : k.errors[0]) +
                 " | | | |";
          for (size_t i = 0; i < s.extra_columns.size(); ++i) out += " |";
          out += " |\n";
          continue;
        }
        out += Number(k.value.median) + " | " + Number(k.value.min) + "–" + Number(k.value.max) +
               " | " + (base > 0 ? Number(k.value.median / base) : std::string("-")) + " | " +
               PairedCell(k) + " |";
        for (const Column& col : s.extra_columns) {
          auto it = k.extras.find(col.key);
          out += " " + (it == k.extras.end() ? std::string("-") : Number(it->second.median)) + " |";
        }
        auto t = c.targets.find(k.name);
        out += " " + (t == c.targets.end() ? std::string() : t->second) + " |\n";
      }
    }
    if (!s.note.empty()) out += "\n" + s.note + "\n";
  }
  return out;
}

std::string Json(const Header& header, const std::vector<ScenarioResult>& results) {
  std::string out = "{\n  \"machine\": {";
  bool first = true;
  for (const auto& [key, value] : header.facts) {
    out += std::string(first ? "" : ",") + "\n    " + JsonString(key) + ": " + JsonString(value);
    first = false;
  }
  out += "\n  },\n  \"scenarios\": [";
  for (size_t si = 0; si < results.size(); ++si) {
    const ScenarioResult& s = results[si];
    out += std::string(si ? "," : "") + "\n    {\"id\": " + JsonString(s.id) +
           ", \"title\": " + JsonString(s.title) + ", \"unit\": " + JsonString(s.unit) +
           ", \"higher_is_better\": " + (s.higher_is_better ? "true" : "false") +
           ", \"skipped\": " + (s.skipped.empty() ? "null" : JsonString(s.skipped)) +
           ", \"note\": " + (s.note.empty() ? "null" : JsonString(s.note)) + ",\n     \"cases\": [";
    for (size_t ci = 0; ci < s.cases.size(); ++ci) {
      const CaseResult& c = s.cases[ci];
      const double base = c.contenders.empty() ? NAN : c.contenders[0].value.median;
      out += std::string(ci ? "," : "") + "\n      {\"case\": " + JsonString(c.name) +
             ", \"contenders\": [";
      for (size_t ki = 0; ki < c.contenders.size(); ++ki) {
        const ContenderResult& k = c.contenders[ki];
        out += std::string(ki ? "," : "") + "\n        {\"name\": " + JsonString(k.name) +
               ", \"value\": " + JsonSummary(k.value) + ", \"ratio_to_zring\": " +
               JsonNumber(base > 0 && k.value.samples ? k.value.median / base : NAN) +
               ", \"paired_ratio_to_zring\": " +
               (k.paired_ratio.samples ? JsonSummary(k.paired_ratio) : std::string("null")) +
               ", \"repetitions\": [";
        for (size_t r = 0; r < k.reps.size(); ++r) {
          out += std::string(r ? ", " : "") + JsonNumber(k.reps[r].value);
        }
        out += "], \"rounds\": [";
        for (size_t r = 0; r < k.rounds.size(); ++r) {
          out += std::string(r ? ", " : "") + std::to_string(k.rounds[r]);
        }
        out += "], \"extras\": {";
        bool first_extra = true;
        for (const auto& [key, summary] : k.extras) {
          out += std::string(first_extra ? "" : ", ") + JsonString(key) + ": " + JsonSummary(summary);
          first_extra = false;
        }
        out += "}, \"errors\": [";
        for (size_t e = 0; e < k.errors.size(); ++e) {
          out += std::string(e ? ", " : "") + JsonString(k.errors[e]);
        }
        auto t = c.targets.find(k.name);
        out += "], \"target\": " + (t == c.targets.end() ? std::string("null") : JsonString(t->second)) + "}";
      }
      out += "]}";
    }
    out += "]}";
  }
  out += "\n  ]\n}\n";
  return out;
}

std::string Plot(const std::vector<ScenarioResult>& results, const std::string& scenario_id,
                 const std::string& png) {
  const ScenarioResult* s = nullptr;
  for (const ScenarioResult& r : results) {
    if (r.id == scenario_id) s = &r;
  }
  if (s == nullptr || !s->skipped.empty()) return "the " + scenario_id + " scenario did not run";
  std::string gnuplot;
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    std::string p = std::string(dir) + "/gnuplot";
    if (::access(p.c_str(), X_OK) == 0) gnuplot = p;
  }
  if (gnuplot.empty()) return "gnuplot is not installed (apt-get install gnuplot-nox)";

  // x = 1 / (1 - q) on a log axis, so 90%, 99%, 99.9% ... are evenly spaced.
  const double qs[] = {0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999};
  const std::string dir = std::filesystem::temp_directory_path() / "zring-report-plot";
  std::filesystem::create_directories(dir);
  std::ostringstream script;
  script << "set terminal pngcairo size 1000,600 noenhanced\n"
         << "set output '" << png << "'\n"
         << "set title '" << s->title << ": latency by percentile (all repetitions)'\n"
         << "set logscale x\nset logscale y\nset grid\n"
         << "set xlabel 'percentile'\nset ylabel 'latency (us)'\n"
         << "set xtics ('50%%' 2, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000)\n"  // tic labels are formats
         << "set key top left\nplot ";
  int n = 0;
  for (const CaseResult& c : s->cases) {
    for (const ContenderResult& k : c.contenders) {
      if (!k.has_latency || k.latency.count() == 0) continue;
      const std::string data = dir + "/series" + std::to_string(n) + ".dat";
      std::ofstream f(data);
      for (double q : qs) {
        f << 1.0 / (1.0 - q) << " " << static_cast<double>(k.latency.Percentile(q)) / 1e3 << "\n";
      }
      std::string title = s->cases.size() > 1 ? c.name + " " + k.name : k.name;
      script << (n ? ", " : "") << "'" << data << "' using 1:2 with linespoints title '" << title << "'";
      ++n;
    }
  }
  if (n == 0) return "no latency samples to plot";
  script << "\n";
  const std::string script_path = dir + "/plot.gp";
  std::ofstream(script_path) << script.str();
  const std::string command = gnuplot + " '" + script_path + "' 2>&1";
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return "could not run gnuplot";
  std::string output;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) output += buf;
  const int status = ::pclose(p);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (status != 0) return "gnuplot failed: " + output;
  return "";
}

}  // namespace bench::report
