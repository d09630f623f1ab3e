#include "bench/report/machine.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>

namespace bench::report {
namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string FirstLine(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string Command(const char* command) {
  FILE* p = ::popen(command, "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string Build() {
  std::string flags;
#ifdef __OPTIMIZE__
  flags = "optimised (-c opt -O2";
#else
  flags = "NOT optimised (-O0";
#endif
#ifdef __AVX2__
  flags += " -march=native";
#endif
#ifdef NDEBUG
  flags += " -DNDEBUG";
#endif
  return flags + ")";
}

}  // namespace

Header DescribeMachine(bool quick, int server_cpu, int client_cpu) {
  Header h;
  char when[64];
  const std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  utsname u{};
  ::uname(&u);
  h.facts.emplace_back("date", when);
  h.facts.emplace_back("mode", quick ? "--quick" : "default");
  h.facts.emplace_back("CPU", CpuModel() + ", " + std::to_string(std::thread::hardware_concurrency()) +
                                  " logical CPUs");
  h.facts.emplace_back("kernel", std::string(u.release));
  h.facts.emplace_back("compiler", std::string("GCC ") + __VERSION__ + ", " + Build() +
                                       " -std=c++20, zring's libraries built the same way");
  const std::string liburing = Command("dpkg-query -W -f='${Version}' liburing-dev 2>/dev/null");
  h.facts.emplace_back("liburing", liburing.empty() ? "(version unknown)" : "Debian liburing-dev " + liburing);
  h.facts.emplace_back("load average at start", FirstLine("/proc/loadavg"));
  h.facts.emplace_back("pinning", server_cpu >= 0
                                      ? "servers on CPU " + std::to_string(server_cpu) +
                                            ", load generator on CPU " + std::to_string(client_cpu)
                                      : "none (one CPU)");
  return h;
}

}  // namespace bench::report
