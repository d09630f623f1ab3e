// report — every scenario, zring beside liburing, epoll and plain syscalls:
//
//   ./bazelw run //bench:report              # about 4 minutes on 2 cores
//   ./bazelw run //bench:report -- --quick   # under a minute, fewer cells
//
// Progress goes to stderr; the markdown table to stdout and, with the same
// figures as JSON and a latency plot, to bench/results/ in the repository
// (BUILD_WORKSPACE_DIRECTORY, which `bazel run` sets; else --out=DIR).
// Flags: --quick, --repetitions=N (at least 5), --only=ID[,ID] (nop,
// socketpair, rtt, echo, http), --out=DIR.
#include <sched.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/report/machine.h"
#include "bench/report/output.h"
#include "bench/report/runner.h"
#include "bench/report/scenarios.h"
#include "bench/servers/echo_server.h"

namespace {

using namespace bench::report;

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--quick] [--repetitions=N] [--only=nop,socketpair,rtt,echo,http] "
               "[--out=DIR]\n",
               argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  Settings settings;
  RunnerOptions runner;
  std::set<std::string> only;
  std::string out_dir;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--quick") {
      settings.quick = true;
    } else if (arg.rfind("--repetitions=", 0) == 0) {
      runner.repetitions = std::atoi(std::string(arg.substr(14)).c_str());
      if (runner.repetitions < 5) {
        std::fprintf(stderr, "report: at least 5 repetitions\n");
        return 2;
      }
    } else if (arg.rfind("--only=", 0) == 0) {
      std::stringstream list{std::string(arg.substr(7))};
      std::string id;
      while (std::getline(list, id, ',')) only.insert(id);
    } else if (arg.rfind("--out=", 0) == 0) {
      out_dir = std::string(arg.substr(6));
    } else {
      return Usage(argv[0]);
    }
  }
  if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    settings.workspace = ws;
    if (out_dir.empty()) out_dir = std::string(ws) + "/bench/results";
  }
  if (settings.quick) {
    settings.nop_time = std::chrono::milliseconds(50);
    settings.rtt_time = std::chrono::milliseconds(300);
    settings.echo_time = std::chrono::milliseconds(250);
    settings.http_time = std::chrono::seconds(1);
  }
  if (std::thread::hardware_concurrency() < 2) {
    settings.server_cpu = settings.client_cpu = -1;
  }
  // The load generator and every single-threaded contender run here.
  if (settings.client_cpu >= 0 && !bench::PinThisThread(settings.client_cpu)) {
    std::fprintf(stderr, "report: could not pin to CPU %d; running unpinned\n", settings.client_cpu);
  }

  const Header header = DescribeMachine(settings.quick, settings.server_cpu, settings.client_cpu);
  std::vector<Scenario> scenarios = {NopScenario(settings), SocketPairScenario(settings),
                                     RttScenario(settings), EchoScenario(settings),
                                     HttpScenario(settings)};
  std::vector<ScenarioResult> results;
  for (const Scenario& s : scenarios) {
    if (!only.empty() && !only.count(s.id)) continue;
    results.push_back(RunScenario(s, runner));
  }

  std::string markdown = Markdown(header, results);
  std::string plot_line;
  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    const std::string png = out_dir + "/latency.png";
    const std::string why = Plot(results, "rtt", png);
    plot_line = why.empty() ? "Latency plot: " + png + "\n" : "Latency plot skipped: " + why + ".\n";
  } else {
    plot_line = "No output directory (not under `bazel run` and no --out=DIR): nothing written.\n";
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char wall[96];
  std::snprintf(wall, sizeof wall, "\nWall time of the run (build excluded): %.0f s, %d repetitions + %d warm-up.\n",
                seconds, runner.repetitions, runner.warmup_rounds);
  markdown += wall;
  markdown += plot_line;
  std::cout << markdown << std::flush;
  if (!out_dir.empty()) {
    std::ofstream(out_dir + "/latest.md") << markdown;
    std::ofstream(out_dir + "/latest.json") << Json(header, results);
    std::fprintf(stderr, "report: wrote %s/latest.md and latest.json\n", out_dir.c_str());
  }
  return 0;
}
