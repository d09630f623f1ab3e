// echo_server: a TCP echo server, one thread and one SO_REUSEPORT listener
// per core, until SIGINT or SIGTERM.
//
//   bazel run //examples:echo_server -- --address=127.0.0.1:7000 --threads=2 --backend=auto
//
// Flags:
//   --address=HOST:PORT   where to listen (default 127.0.0.1:7000; port 0 picks one)
//   --threads=N           threads, each with its own runtime (default: one per CPU)
//   --backend=uring|poll|auto
//                         io_uring, the epoll fallback, or whatever works (default)
#include <optional>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "examples/cli.h"
#include "examples/echo_server_lib.h"
#include "examples/stop_signals.h"

namespace {

int Usage(const char* why) {
  std::fprintf(stderr,
               "echo_server: %s\n"
               "usage: echo_server [--address=HOST:PORT] [--threads=N] "
               "[--backend=uring|poll|auto]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zring;
  examples::EchoServerOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--address=", 0) == 0) {
      auto a = net::SocketAddress::Parse(arg.substr(10));
      if (!a || !a->is_ip()) return Usage("--address wants HOST:PORT, e.g. 127.0.0.1:7000 or [::1]:7000");
      options.address = *a;
    } else if (arg.rfind("--threads=", 0) == 0) {
      char* end = nullptr;
      unsigned long n = std::strtoul(argv[i] + 10, &end, 10);
      if (end == argv[i] + 10 || *end != '\0' || n > 1024) return Usage("--threads wants a number");
      options.threads = static_cast<unsigned>(n);
    } else if (arg.rfind("--backend=", 0) == 0) {
      std::optional<BackendKind> b = examples::ParseBackend(arg.substr(10));
      if (!b) return Usage("--backend wants uring, poll or auto");
      options.backend = *b;
    } else {
      return Usage("unknown flag");
    }
  }

  core::Result<examples::StopSignals> signals =
      examples::StopSignals::Install("echo_server", /*nonblocking=*/false);
  if (!signals) return 1;

  auto server = examples::EchoServer::Start(options);
  if (!server) {
    std::fprintf(stderr, "echo_server: cannot start on %s: %s\n", options.address.ToString().c_str(),
                 server.error().name());
    return 1;
  }
  std::printf("%s\n", (*server)->Describe().c_str());
  std::fflush(stdout);

  core::Result<int> sig = examples::WaitForSignal(*signals);
  (*server)->Stop();
  if (!sig) {
    std::fprintf(stderr, "echo_server: waiting for signals: %s\n", sig.error().name());
    return 1;
  }
  return 0;
}
