// udp_echo: a UDP echo server on one runtime, receiving and answering in
// batches, until SIGINT or SIGTERM.
//
//   bazel run //examples:udp_echo -- --address=127.0.0.1:7001 --backend=auto
//
// Flags:
//   --address=HOST:PORT   where to listen (default 127.0.0.1:7001; port 0 picks one)
//   --backend=uring|poll|auto
//
// It prints "udp_echo listening on HOST:PORT (BACKEND)" once bound, and on
// exit how many datagrams it echoed. Exit status: 0 after a signal, 1 when
// it cannot start, 2 bad usage.
#include <optional>
#include <cstdio>
#include <string_view>

#include "examples/cli.h"
#include "examples/udp_echo_lib.h"
#include "examples/stop_signals.h"
#include "zring/net/address.h"
#include "zring/net/udp_socket.h"
#include "zring/runtime/runtime.h"

namespace {

int Usage(const char* why) {
  std::fprintf(stderr,
               "udp_echo: %s\nusage: udp_echo [--address=HOST:PORT] [--backend=uring|poll|auto]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zring;
  net::SocketAddress address = net::SocketAddress::Ipv4Loopback(7001);
  RuntimeOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--address=", 0) == 0) {
      auto a = net::SocketAddress::Parse(arg.substr(10));
      if (!a || !a->is_ip()) return Usage("--address wants HOST:PORT, e.g. 127.0.0.1:7001");
      address = *a;
    } else if (arg.rfind("--backend=", 0) == 0) {
      std::optional<BackendKind> b = examples::ParseBackend(arg.substr(10));
      if (!b) return Usage("--backend wants uring, poll or auto");
      options.backend = *b;
    } else {
      return Usage("unknown flag");
    }
  }

  core::Result<examples::StopSignals> signals =
      examples::StopSignals::Install("udp_echo", /*nonblocking=*/true);
  if (!signals) return 1;
  core::Result<std::unique_ptr<Runtime>> rt = Runtime::Create(options);
  if (!rt) {
    std::fprintf(stderr, "udp_echo: no runtime: %s\n", rt.error().name());
    return 1;
  }
  core::Result<net::UdpSocket> socket = net::UdpSocket::bind(address);
  if (!socket) {
    std::fprintf(stderr, "udp_echo: cannot bind %s: %s\n", address.ToString().c_str(),
                 socket.error().name());
    return 1;
  }
  core::Result<net::SocketAddress> bound = socket->local_address();
  std::printf("udp_echo listening on %s (%s)\n",
              bound ? bound->ToString().c_str() : address.ToString().c_str(),
              (*rt)->backend_info().reason.c_str());
  std::fflush(stdout);

  Runtime& runtime = **rt;
  auto main_task = [&]() -> Task<int> {
    JoinHandle<examples::UdpEchoStats> server = runtime.spawn(examples::ServeUdpEcho(*socket));
    core::Result<int> sig = co_await examples::WaitForSignal(*signals);
    server.cancel();
    examples::UdpEchoStats stats = co_await server;
    std::printf("udp_echo: echoed %llu datagrams, %llu bytes, %llu errors\n",
                static_cast<unsigned long long>(stats.datagrams),
                static_cast<unsigned long long>(stats.bytes),
                static_cast<unsigned long long>(stats.errors));
    if (!sig) {
      std::fprintf(stderr, "udp_echo: waiting for signals: %s\n", sig.error().name());
      co_return 1;
    }
    co_return 0;
  };
  return runtime.block_on(main_task());
}
