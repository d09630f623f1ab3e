// HTTP hello world: zring's examples/http_server (one thread) against
// nginx with one worker (bench/nginx/hello.conf), both pinned to the server
// CPU as child processes, measured by wrk pinned to the client CPU. Skipped,
// with the reason, when wrk, nginx, the server binary or the nginx config
// is not there.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/report/scenarios.h"

extern char** environ;

namespace bench::report {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kConnections = 50;

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = std::string(path ? path : "") + ":/usr/sbin:/sbin";
  std::stringstream in(dirs);
  std::string dir;
  while (std::getline(in, dir, ':')) {
    if (dir.empty()) continue;
    fs::path p = fs::path(dir) / name;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return "";
}

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool Accepting(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// A child process pinned to `cpu`; killed with SIGTERM and reaped when
// this goes away.
class Child {
 public:
  Child(const std::vector<std::string>& argv, int cpu, const std::string& log) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (pid_ > 0 && cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      sched_setaffinity(pid_, sizeof set, &set);
    }
  }
  ~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  [[nodiscard]] bool running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Runs a shell-free command, returns its standard output.
std::string Capture(const std::vector<std::string>& argv, int cpu) {
  char path[] = "/tmp/zring-report-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return "";
  ::close(fd);
  {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_TRUNC, 0644);
    pid_t pid;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) == 0) {
      if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        sched_setaffinity(pid, sizeof set, &set);
      }
      int status;
      ::waitpid(pid, &status, 0);
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  ::unlink(path);
  return out.str();
}

// wrk's "   50%  123.45us" line -> microseconds; -1 when absent.
double WrkDuration(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  if (at == std::string::npos) return -1;
  std::string token;
  std::istringstream(text.substr(at + label.size())) >> token;
  size_t end = 0;
  double v;
  try {
    v = std::stod(token, &end);
  } catch (const std::exception&) {
    return -1;
  }
  const std::string unit = token.substr(end);
  if (unit == "ms") return v * 1e3;
  if (unit == "s") return v * 1e6;
  if (unit == "ns") return v / 1e3;
  return v;  // "us"
}

// The CPU time (user + system) `pid` has used so far, in µs; -1 if unknown.
double ProcessCpuUs(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = -1, stime = -1;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  if (utime < 0 || stime < 0) return -1;
  return (utime + stime) * 1e6 / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// wrk's "  1234567 requests in 5.00s" -> 1234567; -1 when absent.
double WrkRequests(const std::string& text) {
  const size_t at = text.find(" requests in ");
  if (at == std::string::npos) return -1;
  size_t start = text.find_last_of(" \n", at - 1);
  start = start == std::string::npos ? 0 : start + 1;
  try {
    return std::stod(text.substr(start, at - start));
  } catch (const std::exception&) {
    return -1;
  }
}

// Runs wrk against `port`; with `server` > 0, also the server's CPU time
// per request: on two cores one wrk thread saturates before either server
// does, so requests/s alone cannot tell the servers apart, CPU can.
Measurement RunWrk(const std::string& wrk, uint16_t port, const Settings& settings,
                   pid_t server) {
  Measurement m;
  const double cpu_before = server > 0 ? ProcessCpuUs(server) : -1;
  const std::string out =
      Capture({wrk, "-t1", "-c" + std::to_string(kConnections),
               "-d" + std::to_string(settings.http_time.count()) + "s", "--latency",
               "http://127.0.0.1:" + std::to_string(port) + "/"},
              settings.client_cpu);
  const size_t at = out.find("Requests/sec:");
  if (at == std::string::npos) {
    m.error = "wrk printed no Requests/sec";
    return m;
  }
  m.value = std::stod(out.substr(at + 13));
  const double cpu_after = server > 0 ? ProcessCpuUs(server) : -1;
  const double requests = WrkRequests(out);
  if (cpu_before >= 0 && cpu_after >= 0 && requests > 0) {
    m.extras["cpu"] = (cpu_after - cpu_before) / requests;
  }
  m.extras["p50"] = WrkDuration(out, " 50%");
  m.extras["p99"] = WrkDuration(out, " 99%");
  for (const char* bad : {"Non-2xx", "Socket errors"}) {
    const size_t line = out.find(bad);
    if (line != std::string::npos) m.error = "wrk: " + out.substr(line, out.find('\n', line) - line);
  }
  return m;
}

bool WaitAccepting(uint16_t port, const Child& child) {
  for (int i = 0; i < 300; ++i) {
    if (Accepting(port)) return true;
    if (!child.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

Measurement ZringHttp(const std::string& server, const std::string& wrk, const Settings& settings) {
  const uint16_t port = FreePort();
  Child child({server, "--address=127.0.0.1:" + std::to_string(port), "--threads=1"},
              settings.server_cpu, "/tmp/zring-report-http_server.log");
  if (!WaitAccepting(port, child)) {
    return Measurement{0, {}, nullptr, "http_server did not start (see /tmp/zring-report-http_server.log)"};
  }
  return RunWrk(wrk, port, settings, child.pid());
}

Measurement NginxHttp(const std::string& nginx, const std::string& conf_template,
                      const std::string& wrk, const Settings& settings) {
  char dir_template[] = "/tmp/zring-report-nginx-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return Measurement{0, {}, nullptr, "mkdtemp failed"};
  const std::string dir = dir_template;
  const uint16_t port = FreePort();
  std::ifstream in(conf_template);
  std::stringstream text;
  text << in.rdbuf();
  std::string conf = text.str();
  for (auto [key, value] : {std::pair<std::string, std::string>{"@PORT@", std::to_string(port)},
                            {"@TMPDIR@", dir}}) {
    for (size_t at; (at = conf.find(key)) != std::string::npos;) conf.replace(at, key.size(), value);
  }
  std::ofstream(dir + "/nginx.conf") << conf;
  Measurement m;
  {
    Child child({nginx, "-p", dir, "-c", dir + "/nginx.conf"}, settings.server_cpu, dir + "/stdout.log");
    if (!WaitAccepting(port, child)) {
      m.error = "nginx did not start (see " + dir + "/error.log)";
      return m;
    }
    m = RunWrk(wrk, port, settings, child.pid());
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return m;
}

}  // namespace

Scenario HttpScenario(const Settings& settings) {
  Scenario s;
  s.id = "http";
  s.title = "HTTP hello world";
  s.what = "wrk -t1 -c" + std::to_string(kConnections) +
           " against `examples/http_server --threads=1` and nginx with one worker "
           "(bench/nginx/hello.conf), each pinned to the server CPU; requests/s, and the "
           "server's CPU time per request (user + system, /proc): on two cores the one wrk "
           "thread saturates first, so CPU per request is what tells the servers apart.";
  s.unit = "req/s";
  s.higher_is_better = true;
  s.extra_columns = {{"p50", "p50 µs"}, {"p99", "p99 µs"}, {"cpu", "server CPU µs/req"}};
  const std::string wrk = FindInPath("wrk");
  const std::string nginx = FindInPath("nginx");
  // Both come with the report's runfiles (the cwd under `bazel run`); a
  // workspace checkout is the fallback for a binary run by hand.
  auto find = [&settings](const std::string& runfile, const std::string& in_workspace) {
    if (::access(runfile.c_str(), R_OK) == 0) return fs::absolute(runfile).string();
    const fs::path ws = settings.workspace.empty() ? fs::current_path() : fs::path(settings.workspace);
    return (ws / in_workspace).string();
  };
  const std::string server = find("examples/http_server", "bazel-bin/examples/http_server");
  const std::string conf = find("bench/nginx/hello.conf", "bench/nginx/hello.conf");
  std::vector<std::string> missing;
  if (wrk.empty()) missing.push_back("wrk is not installed");
  if (nginx.empty()) missing.push_back("nginx is not installed");
  if (::access(server.c_str(), X_OK) != 0) {
    missing.push_back("no examples/http_server binary at " + server +
                      " (build it with `./bazelw build -c opt //examples:http_server`)");
  }
  if (::access(conf.c_str(), R_OK) != 0) missing.push_back("no " + conf);
  if (!missing.empty()) {
    for (const std::string& m : missing) s.skipped += (s.skipped.empty() ? "" : "; ") + m;
    return s;
  }
  Case c;
  c.name = std::to_string(kConnections) + " connections";
  c.contenders.push_back({"zring", [=] { return ZringHttp(server, wrk, settings); }});
  c.contenders.push_back({"nginx", [=] { return NginxHttp(nginx, conf, wrk, settings); }});
  s.cases.push_back(std::move(c));
  s.targets = [](const CaseResult& r) {
    std::map<std::string, std::string> marks;
    const ContenderResult* z = r.Find("zring");
    const ContenderResult* n = r.Find("nginx");
    if (z && n && z->value.samples && n->value.samples) {
      marks["zring"] = Mark("≥ 1.3× nginx", z->value.median >= 1.3 * n->value.median);
      auto zc = z->extras.find("cpu");
      auto nc = n->extras.find("cpu");
      if (zc != z->extras.end() && nc != n->extras.end() && zc->second.samples &&
          nc->second.samples) {
        // What the req/s target would show with a client that does not
        // saturate first.
        marks["zring"] += "; CPU/req ≤ nginx's / 1.3: " +
                          std::string(zc->second.median * 1.3 <= nc->second.median ? "pass" : "**miss**");
      }
    }
    return marks;
  };
  return s;
}

}  // namespace bench::report
