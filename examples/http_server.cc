// examples/http_server.cc — "Hello, World!" over HTTP/1.1, one runtime per
// thread, each thread with its own SO_REUSEPORT listener on the same port
// (the kernel spreads connections over them).
//
//   bazel run -c opt //examples:http_server -- --address=127.0.0.1:8080 --threads=2
//   curl -i http://127.0.0.1:8080/
//
// Flags:
//   --address=HOST:PORT    where to listen (default 127.0.0.1:8080; port 0
//                          picks a free one, printed on start)
//   --threads=N            threads, each with its own runtime and listener
//                          (default: one per CPU)
//   --backend=uring|poll|auto   (default auto: io_uring when it works)
//   --idle-timeout=DURATION     close a connection when no complete request
//                          arrived for this long: 10s, 500ms, 250us (default
//                          10s); 0 turns it off, to measure what it costs
//
// The response bytes are documented in examples/http/response.h. SIGINT or
// SIGTERM stops accepting, closes every connection, and exits with 0.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "examples/cli.h"
#include "examples/http/server.h"
#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "examples/stop_signals.h"
#include "zring/net/address.h"
#include "zring/net/tcp_listener.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/thread_per_core.h"

namespace {

using examples::http::ServerOptions;
using zring::core::Result;
using zring::examples::StopSignals;
using zring::net::SocketAddress;
using zring::net::TcpListener;

struct Flags {
  std::string_view address = "127.0.0.1:8080";
  unsigned threads = 0;
  zring::BackendKind backend = zring::BackendKind::kAuto;
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(10);
};

constexpr char kUsage[] =
    "usage: http_server [--address=HOST:PORT] [--threads=N] [--backend=uring|poll|auto]\n"
    "                   [--idle-timeout=10s|0]\n";

// "10s", "500ms", "250us", "1000ns"; a bare number is seconds.
std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  uint64_t scale;
  if (unit.empty() || unit == "s") {
    scale = 1000000000;
  } else if (unit == "ms") {
    scale = 1000000;
  } else if (unit == "us") {
    scale = 1000;
  } else if (unit == "ns") {
    scale = 1;
  } else {
    return std::nullopt;
  }
  if (n > (uint64_t{1} << 62) / scale) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<int64_t>(n * scale));
}

bool ParseFlag(std::string_view arg, Flags* flags) {
  auto value_of = [&](std::string_view name, std::string_view* value) {
    if (arg.substr(0, name.size()) != name) return false;
    *value = arg.substr(name.size());
    return true;
  };
  std::string_view v;
  if (value_of("--address=", &v)) {
    flags->address = v;
    return true;
  }
  if (value_of("--threads=", &v)) {
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), flags->threads);
    return ec == std::errc() && end == v.data() + v.size() && flags->threads > 0 &&
           flags->threads <= 1024;
  }
  if (value_of("--backend=", &v)) {
    std::optional<zring::BackendKind> b = zring::examples::ParseBackend(v);
    if (b) flags->backend = *b;
    return b.has_value();
  }
  if (value_of("--idle-timeout=", &v)) {
    std::optional<std::chrono::nanoseconds> d = ParseDuration(v);
    if (d) flags->idle_timeout = *d;
    return d.has_value();
  }
  return false;
}

const char* BackendName(zring::BackendKind kind) {
  switch (kind) {
    case zring::BackendKind::kUring:
      return "io_uring";
    case zring::BackendKind::kPoll:
      return "poll";
    case zring::BackendKind::kAuto:
      break;
  }
  return "auto";
}

// Waits for SIGINT or SIGTERM, then stops every server and waits until
// each has closed its connections.
zring::Task<int> WaitForSignalThenStop(StopSignals& signals,
                                       std::vector<zring::JoinHandle<void>>& servers) {
  int signo = 0;
  while (signo == 0) {
    Result<uint32_t> ready = co_await zring::poll(signals.fd(), zring::core::ev::in);
    if (!ready) {
      std::fprintf(stderr, "http_server: waiting for signals: %s\n", ready.error().name());
      break;
    }
    Result<int> got = signals.Read();
    if (got) signo = *got;
  }
  for (zring::JoinHandle<void>& s : servers) s.cancel();
  for (zring::JoinHandle<void>& s : servers) co_await s;
  co_return signo;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    if (!ParseFlag(argv[i], &flags)) {
      std::fprintf(stderr, "http_server: bad flag %s\n%s", argv[i], kUsage);
      return 2;
    }
  }
  Result<SocketAddress> address = SocketAddress::Parse(flags.address);
  if (!address) {
    std::fprintf(stderr, "http_server: bad address %.*s\n", static_cast<int>(flags.address.size()),
                 flags.address.data());
    return 2;
  }

  Result<StopSignals> signals = StopSignals::Install("http_server", /*nonblocking=*/true);
  if (!signals) return 1;

  zring::ThreadPerCoreOptions pool_options;
  pool_options.threads = flags.threads;
  pool_options.runtime.backend = flags.backend;
  Result<std::unique_ptr<zring::ThreadPerCore>> pool = zring::ThreadPerCore::Create(pool_options);
  if (!pool) {
    std::fprintf(stderr, "http_server: starting %s runtimes: %s\n", BackendName(flags.backend),
                 pool.error().name());
    return 1;
  }
  const unsigned threads = (*pool)->size();

  // One listener per thread. The first one resolves port 0; the others bind
  // the port it got.
  std::vector<TcpListener> listeners;
  zring::net::ListenOptions listen_options;
  listen_options.reuse_port = true;
  for (unsigned i = 0; i < threads; ++i) {
    Result<TcpListener> l = TcpListener::bind(*address, listen_options);
    if (!l) {
      std::fprintf(stderr, "http_server: listening on %s: %s\n", address->ToString().c_str(),
                   l.error().name());
      return 1;
    }
    if (i == 0) {
      Result<SocketAddress> bound = l->local_address();
      if (bound) *address = *bound;
    }
    listeners.push_back(std::move(*l));
  }

  // The main thread only waits for the signal, on a runtime of its own.
  const zring::BackendInfo& backend = (*pool)->runtime(0).backend_info();
  zring::RuntimeOptions main_options;
  main_options.backend = backend.kind;
  Result<std::unique_ptr<zring::Runtime>> main_runtime = zring::Runtime::Create(main_options);
  if (!main_runtime) {
    std::fprintf(stderr, "http_server: main runtime: %s\n", main_runtime.error().name());
    return 1;
  }

  ServerOptions options;
  options.idle_timeout = flags.idle_timeout;
  std::vector<zring::JoinHandle<void>> servers;
  for (unsigned i = 0; i < threads; ++i) {
    servers.push_back((*pool)->spawn_on(i, examples::http::Serve(listeners[i], options)));
  }

  std::printf("http_server: http://%s/ on %u thread%s, backend %s (%s)\n",
              address->ToString().c_str(), threads, threads == 1 ? "" : "s",
              BackendName(backend.kind), backend.reason.c_str());
  std::fflush(stdout);

  (*main_runtime)->block_on(WaitForSignalThenStop(*signals, servers));
  (*pool)->stop();
  return 0;
}
