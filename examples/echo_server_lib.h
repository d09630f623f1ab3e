// examples/echo_server_lib.h — the echo server of examples/echo_server.cc,
// as a library so that a test can run it in-process.
//
//   auto signals = examples::StopSignals::Install("echo", false);  // before any thread starts
//   auto server = examples::EchoServer::Start({.threads = 2});
//   std::printf("%s\n", (*server)->Describe().c_str());
//   (void)examples::WaitForSignal(*signals);
//   (*server)->Stop();                                // stop accepting, end connections
//
// Thread per core: each thread has its own runtime and its own listener on
// the same address (SO_REUSEPORT, the kernel spreads connections), and
// serves the connections it accepted. Nothing is shared between threads.
//
// Stopping: each thread's accept loop is cancelled, which cancels the
// connections it started (their reads and writes end with ECANCELED and
// they close their sockets) and waits for them to end; then the listeners
// close, so new connects are refused, and the threads exit.
#pragma once

#include <latch>
#include <memory>
#include <string>
#include <vector>

#include "zring/core/result.h"
#include "examples/stop_signals.h"
#include "zring/net/address.h"
#include "zring/net/tcp_listener.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/thread_per_core.h"

namespace zring::examples {

struct EchoServerOptions {
  net::SocketAddress address = net::SocketAddress::Ipv4Loopback(7000);
  unsigned threads = 0;  // 0: one per online CPU
  BackendKind backend = BackendKind::kAuto;
};

class EchoServer final {
 public:
  // Start(): binds one listener per thread (port 0: the kernel picks one,
  // the same for all), starts the threads and their accept loops.
  static core::Result<std::unique_ptr<EchoServer>> Start(const EchoServerOptions& options);
  ~EchoServer() { Stop(); }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  // The address it listens on, its port resolved.
  [[nodiscard]] const net::SocketAddress& address() const noexcept { return address_; }
  [[nodiscard]] BackendKind backend() const noexcept { return backend_; }
  [[nodiscard]] unsigned threads() const noexcept { return static_cast<unsigned>(listeners_.size()); }
  // Describe(): the one line the program prints on start.
  [[nodiscard]] std::string Describe() const;

  // Stop(): see the file comment. Blocks until every thread has ended;
  // idempotent. Call it from a thread that is not one of the server's.
  void Stop();

 private:
  EchoServer() = default;

  net::SocketAddress address_;
  BackendKind backend_ = BackendKind::kAuto;
  std::string backend_reason_;
  std::vector<net::TcpListener> listeners_;
  std::unique_ptr<ThreadPerCore> pool_;
  std::vector<JoinHandle<void>> loops_;
  std::unique_ptr<std::latch> loops_ended_;
  bool stopped_ = false;
};

// WaitForSignal(): blocks until a signal of `signals` arrives; its number.
// `signals` must be blocking (installed with nonblocking = false).
[[nodiscard]] core::Result<int> WaitForSignal(StopSignals& signals);

// BackendName(): "io_uring", "poll" or "auto".
[[nodiscard]] const char* BackendName(BackendKind kind) noexcept;

}  // namespace zring::examples
