// loadgen — the report's load generator on its own, against any echo
// server on 127.0.0.1.
//
//   loadgen --port=8080 [--connections=50] [--size=64] [--depth=1]
//           [--duration=5] [--requests=0] [--rate=0] [--busy-poll] [--cpu=1]
//
// Prints requests/s and latency p50/p99/p99.9/max; exits 1 on any error
// (a refused connection, an echoed byte that differs, an early close).
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench/loadgen/client.h"
#include "bench/servers/echo_server.h"

namespace {

template <class T>
bool Parse(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --port=P [--connections=N] [--size=BYTES] [--depth=K]\n"
               "          [--duration=SECONDS] [--requests=R] [--rate=PER_SECOND]\n"
               "          [--busy-poll] [--cpu=C]\n",
               argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bench::LoadSpec spec;
  double seconds = 5;
  int cpu = -1;
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view key, auto* out) {
      if (arg.substr(0, key.size()) != key) return false;
      ok = Parse(arg.substr(key.size()), out);
      return true;
    };
    if (arg == "--busy-poll") {
      spec.busy_poll = true;
    } else if (value("--port=", &spec.port) || value("--connections=", &spec.connections) ||
               value("--size=", &spec.message_size) || value("--depth=", &spec.depth) ||
               value("--duration=", &seconds) || value("--requests=", &spec.requests) ||
               value("--rate=", &spec.rate) || value("--cpu=", &cpu)) {
    } else {
      ok = false;
    }
  }
  if (!ok || spec.port == 0) return Usage(argv[0]);
  spec.duration = std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9));
  if (cpu >= 0 && !bench::PinThisThread(cpu)) {
    std::fprintf(stderr, "loadgen: could not pin to CPU %d\n", cpu);
  }
  bench::LoadResult r = bench::RunLoad(spec);
  std::printf("requests %llu in %.3f s: %.0f req/s; %llu bytes verified; errors %llu\n",
              static_cast<unsigned long long>(r.requests), r.seconds, r.requests_per_second(),
              static_cast<unsigned long long>(r.bytes_verified),
              static_cast<unsigned long long>(r.errors));
  std::printf("latency us: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
              static_cast<double>(r.latency.Percentile(0.5)) / 1e3,
              static_cast<double>(r.latency.Percentile(0.99)) / 1e3,
              static_cast<double>(r.latency.Percentile(0.999)) / 1e3,
              static_cast<double>(r.latency.max()) / 1e3);
  if (r.errors != 0) {
    std::fprintf(stderr, "loadgen: %s\n", r.first_error.c_str());
    return 1;
  }
  return 0;
}
