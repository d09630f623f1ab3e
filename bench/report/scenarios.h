// bench/report/scenarios.h — the report's scenarios, built from its
// settings; each returns a Scenario ready for RunScenario().
#pragma once

#include <chrono>
#include <string>

#include "bench/report/scenario.h"

namespace bench::report {

struct Settings {
  bool quick = false;
  int server_cpu = 0;  // -1 where the machine has one CPU
  int client_cpu = 1;
  std::chrono::nanoseconds nop_time{std::chrono::milliseconds(150)};
  std::chrono::nanoseconds rtt_time{std::chrono::seconds(1)};
  std::chrono::nanoseconds echo_time{std::chrono::milliseconds(500)};
  std::chrono::seconds http_time{2};
  std::chrono::nanoseconds zring_spin{std::chrono::microseconds(100)};
  std::string workspace;  // the repository, for the HTTP scenario's files
};

Scenario NopScenario(const Settings& settings);         // nop_scenarios.cc
Scenario SocketPairScenario(const Settings& settings);  // nop_scenarios.cc
Scenario RttScenario(const Settings& settings);         // tcp_scenarios.cc
Scenario EchoScenario(const Settings& settings);        // tcp_scenarios.cc
Scenario HttpScenario(const Settings& settings);        // http_scenario.cc

}  // namespace bench::report
