// TCP on loopback: the ping-pong round trip and echo throughput, each echo
// server on its own thread pinned to the server CPU, the load generator on
// the calling thread pinned to the client CPU (see report_main.cc).
#include <time.h>

#include <memory>
#include <string>

#include "bench/loadgen/client.h"
#include "bench/report/scenarios.h"
#include "bench/servers/echo_server.h"

namespace bench::report {
namespace {

int64_t CpuNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

struct Server {
  EchoKind kind;
  std::chrono::nanoseconds spin{0};
};

// One run: a fresh server, the load, the server stopped and checked.
// Extras: latency percentiles in microseconds, and the CPU time the server
// used per request (the process's CPU time less the load generator's
// thread's, so it covers every thread the server runs).
Measurement RunEcho(const Server& which, const LoadSpec& base, int server_cpu) {
  Measurement m;
  EchoOptions options;
  options.cpu = server_cpu;
  options.zring_spin = which.spin;
  std::string error;
  std::unique_ptr<EchoServer> server = StartEchoServer(which.kind, options, &error);
  if (!server) {
    m.error = error;
    return m;
  }
  LoadSpec spec = base;
  spec.port = server->port();
  const int64_t process0 = CpuNs(CLOCK_PROCESS_CPUTIME_ID);
  const int64_t client0 = CpuNs(CLOCK_THREAD_CPUTIME_ID);
  LoadResult r = RunLoad(spec);
  const int64_t client = CpuNs(CLOCK_THREAD_CPUTIME_ID) - client0;
  const int64_t process = CpuNs(CLOCK_PROCESS_CPUTIME_ID) - process0;
  if (!server->Stop()) {
    m.error = "server: " + server->error();
    return m;
  }
  if (r.errors != 0) {
    m.error = "load generator: " + r.first_error;
    return m;
  }
  if (r.requests == 0) {
    m.error = "no request completed";
    return m;
  }
  const auto us = [&](double q) { return static_cast<double>(r.latency.Percentile(q)) / 1e3; };
  m.extras["rps"] = r.requests_per_second();
  m.extras["p50"] = us(0.5);
  m.extras["p99"] = us(0.99);
  m.extras["p999"] = us(0.999);
  m.extras["max"] = static_cast<double>(r.latency.max()) / 1e3;
  m.extras["server_cpu_us"] =
      static_cast<double>(process - client) / 1e3 / static_cast<double>(r.requests);
  m.extras["client_cpu_us"] = static_cast<double>(client) / 1e3 / static_cast<double>(r.requests);
  m.latency = std::make_shared<Histogram>(r.latency);
  return m;
}

Measurement Primary(Measurement m, const char* key) {
  if (m.error.empty()) m.value = m.extras[key];
  return m;
}

double Median(const ContenderResult* c, const char* key) {
  if (c == nullptr) return -1;
  auto it = c->extras.find(key);
  return it == c->extras.end() || it->second.samples == 0 ? -1 : it->second.median;
}

}  // namespace

Scenario RttScenario(const Settings& settings) {
  Scenario s;
  s.id = "rtt";
  s.title = "TCP loopback ping-pong round trip";
  s.what =
      "One connection, 64-byte messages, one in flight; the load generator on the client "
      "CPU, the server on the server CPU. In the first case the load generator sleeps in "
      "epoll_wait as a real client does; in the second it spins, so that its own wake-up "
      "is not part of every round trip (on a loaded machine it is then time-sliced and its "
      "tail is the neighbours'). "
      "Latency in µs from the histogram of every round trip of a run; server CPU is the "
      "process's CPU time less the load generator thread's, per round trip.";
  s.unit = "µs p50";
  s.extra_columns = {{"p99", "p99 µs"},
                     {"p999", "p99.9 µs"},
                     {"max", "max µs"},
                     {"server_cpu_us", "server CPU µs/rt"}};
  LoadSpec spec;
  spec.connections = 1;
  spec.message_size = 64;
  spec.depth = 1;
  spec.busy_poll = false;
  spec.duration = settings.rtt_time;
  const int cpu = settings.server_cpu;
  const std::string spin_name =
      "zring spin " +
      std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(settings.zring_spin).count()) +
      "µs";
  const Server kinds[] = {{EchoKind::kZring},
                          {EchoKind::kZring, settings.zring_spin},
                          {EchoKind::kLiburing},
                          {EchoKind::kEpoll},
                          {EchoKind::kBlocking}};
  const std::string names[] = {"zring", spin_name, "liburing", "epoll", "blocking"};
  // Twice: with the client sleeping in epoll_wait (a real client), and
  // with the client spinning, which takes its own wake-up out of every
  // round trip so that what is left is the server's (and the kernel's):
  // the case where a server that spins instead of halting its CPU shows
  // what it saves. On a loaded machine the spinning client is time-sliced
  // and its tail is the neighbours'.
  for (bool busy_client : {false, true}) {
    Case c;
    c.name = busy_client ? "64 B, client spinning" : "64 B";
    LoadSpec load = spec;
    load.busy_poll = busy_client;
    for (size_t i = 0; i < 5; ++i) {
      const Server which = kinds[i];
      c.contenders.push_back({names[i], [=] { return Primary(RunEcho(which, load, cpu), "p50"); }});
    }
    s.cases.push_back(std::move(c));
  }
  s.targets = [spin_name](const CaseResult& r) {
    std::map<std::string, std::string> marks;
    const ContenderResult* z = r.Find("zring");
    const ContenderResult* l = r.Find("liburing");
    const ContenderResult* e = r.Find("epoll");
    const double z50 = Median(z, "p50"), z99 = Median(z, "p99");
    const double l50 = Median(l, "p50"), l99 = Median(l, "p99");
    const double e50 = Median(e, "p50"), e99 = Median(e, "p99");
    if (z50 >= 0 && l50 >= 0 && e50 >= 0) {
      marks["zring"] = Mark("p50 ≤ liburing, epoll", z50 <= l50 && z50 <= e50) + "; " +
                       Mark("p99 ≤ liburing, epoll", z99 <= l99 && z99 <= e99);
    }
    const double s50 = Median(r.Find(spin_name), "p50");
    if (s50 >= 0 && e50 >= 0) marks[spin_name] = Mark("p50 ≤ epoll/3", s50 * 3 <= e50);
    return marks;
  };
  return s;
}

Scenario EchoScenario(const Settings& settings) {
  Scenario s;
  s.id = "echo";
  s.title = "Echo throughput";
  s.what =
      "N connections × message size, closed loop: ping-pong keeps 1 request in flight per "
      "connection, streaming 8; every echoed byte verified. Requests/s over the run; latency "
      "percentiles from the same run. The zring server receives through a multishot recv "
      "into a shared buffer group (net::RecvStream); liburing's is the usual recv/send "
      "loop. When the load generator's CPU per request is about the server's, the load "
      "generator is what limits req/s on two cores, and server CPU per request is the "
      "figure that compares the servers.";
  s.unit = "req/s";
  s.higher_is_better = true;
  s.extra_columns = {{"p50", "p50 µs"}, {"p99", "p99 µs"}, {"server_cpu_us", "server CPU µs/req"},
                     {"client_cpu_us", "loadgen CPU µs/req"}};
  struct Cell {
    unsigned connections;
    size_t size;
    unsigned depth;
  };
  std::vector<Cell> cells;
  if (settings.quick) {
    cells = {{1, 64, 1}, {50, 64, 8}, {500, 64, 1}, {500, 1024, 8}};
    s.note =
        "--quick ran 4 of the 12 cells (1×64 B ping-pong, 50×64 B streaming, 500×64 B "
        "ping-pong, 500×1024 B streaming); the default run has all of them.";
  } else {
    for (unsigned n : {1u, 50u, 500u}) {
      for (size_t size : {size_t{64}, size_t{1024}}) {
        for (unsigned depth : {1u, 8u}) cells.push_back({n, size, depth});
      }
    }
  }
  const int cpu = settings.server_cpu;
  for (const Cell& cell : cells) {
    LoadSpec spec;
    spec.connections = cell.connections;
    spec.message_size = cell.size;
    spec.depth = cell.depth;
    spec.duration = settings.echo_time;
    Case c;
    c.name = std::to_string(cell.connections) + " conn × " + std::to_string(cell.size) + " B " +
             (cell.depth == 1 ? "ping-pong" : "streaming ×" + std::to_string(cell.depth));
    for (EchoKind kind : {EchoKind::kZring, EchoKind::kLiburing, EchoKind::kEpoll}) {
      c.contenders.push_back(
          {std::string(Name(kind)), [=] { return Primary(RunEcho({kind}, spec, cpu), "rps"); }});
    }
    s.cases.push_back(std::move(c));
  }
  s.targets = [](const CaseResult& r) {
    std::map<std::string, std::string> marks;
    const ContenderResult* z = r.Find("zring");
    const ContenderResult* l = r.Find("liburing");
    const ContenderResult* e = r.Find("epoll");
    if (!z || !z->value.samples || !l || !l->value.samples) return marks;
    const bool wide = r.name.rfind("500 conn", 0) == 0 && e && e->value.samples;
    std::string text = Mark("≥ 1.0× liburing", z->value.median >= l->value.median);
    if (wide) text += "; " + Mark("≥ 1.2× epoll", z->value.median >= 1.2 * e->value.median);
    // The same targets in server CPU per request: on two cores the load
    // generator's CPU, not the server's, often sets the req/s.
    const double zc = Median(z, "server_cpu_us"), lc = Median(l, "server_cpu_us");
    if (zc > 0 && lc > 0) {
      text += "; CPU/req ≤ liburing's: " + std::string(zc <= lc ? "pass" : "**miss**");
      const double ec = wide ? Median(e, "server_cpu_us") : -1;
      if (ec > 0) text += "; ≤ epoll's / 1.2: " + std::string(zc * 1.2 <= ec ? "pass" : "**miss**");
    }
    marks["zring"] = text;
    return marks;
  };
  return s;
}

}  // namespace bench::report
