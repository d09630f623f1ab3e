// examples/echo_server's logic, in-process: it echoes on every thread's
// listener, and SIGTERM through StopSignals stops it cleanly: connections
// ended, listeners closed, threads joined.
#include "examples/echo_server_lib.h"

#include <csignal>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "zring/net/tcp_stream.h"

namespace zring {
namespace {

using net::TcpStream;
using EchoServerTest = testing::BackendTest;

TEST_P(EchoServerTest, EchoesThenStopsCleanlyOnSigterm) {
  // As main() does, before the server's threads start (they inherit the
  // mask); put back when `signals` goes.
  auto signals = examples::StopSignals::Install("echo_server_test", /*nonblocking=*/false);
  ASSERT_TRUE(signals.ok()) << signals.error().name();

  examples::EchoServerOptions options;
  options.address = net::SocketAddress::Ipv4Loopback(0);
  options.threads = 2;
  options.backend = GetParam();
  auto server = examples::EchoServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.error().name();
  EXPECT_EQ((*server)->backend(), GetParam());
  EXPECT_NE((*server)->address().port(), 0);
  EXPECT_NE((*server)->Describe().find((*server)->address().ToString()), std::string::npos);
  net::SocketAddress at = (*server)->address();

  // Several connections, so that both threads' listeners are likely used;
  // each must echo whichever thread took it.
  std::vector<TcpStream> clients;
  auto round_trips = [&]() -> Task<std::string> {
    for (int i = 0; i < 8; ++i) {
      auto c = co_await TcpStream::connect(at);
      if (!c) co_return std::string("connect ") + c.error().name();
      std::string msg = "ping " + std::to_string(i);
      if (!co_await c->write_all(msg.data(), msg.size())) co_return "write";
      std::string back(msg.size(), '\0');
      if (!co_await c->read_exact(back.data(), back.size())) co_return "read";
      if (back != msg) co_return "echoed " + back;
      clients.push_back(std::move(*c));
    }
    co_return std::string();
  };
  ASSERT_EQ(rt().block_on(round_trips()), "");

  // The shutdown path of main(): a signal, read from `signals`, then Stop().
  ASSERT_EQ(::raise(SIGTERM), 0);
  core::Result<int> sig = examples::WaitForSignal(*signals);
  ASSERT_TRUE(sig.ok()) << sig.error().name();
  EXPECT_EQ(*sig, SIGTERM);
  (*server)->Stop();

  // Open connections were ended by the server; new ones find nobody.
  auto after = [&]() -> Task<std::string> {
    for (TcpStream& c : clients) {
      char byte;
      auto n = co_await c.read(&byte, 1);
      if (n && *n != 0) co_return "data after stop";
      if (!n && n.error() != core::err::connreset) co_return std::string("read ") + n.error().name();
    }
    auto late = co_await TcpStream::connect(at);
    if (late) co_return "connected after stop";
    if (late.error() != core::err::connrefused) co_return std::string("connect ") + late.error().name();
    co_return std::string();
  };
  EXPECT_EQ(rt().block_on(after()), "");
  server->reset();  // a second Stop(), from the destructor, is harmless
}

INSTANTIATE_TEST_SUITE_P(Backends, EchoServerTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
