// bench/servers/echo_server.h — the echo servers the report measures, each
// on a thread of its own in the calling process.
//
//   std::string error;
//   auto server = bench::StartEchoServer(bench::EchoKind::kEpoll, {.cpu = 0}, &error);
//   if (!server) ...                       // `error` says why
//   bench::LoadSpec spec; spec.port = server->port(); ...
//   server->Stop();                        // or let it go out of scope
//
// Every server listens on 127.0.0.1 at a port the kernel picks, echoes
// whatever each connection sends until the peer closes, and on Stop()
// closes every socket it opened and joins every thread it started, so the
// next run starts from a clean process.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace bench {

enum class EchoKind {
  kZring,     // zring::Runtime: accept, then recv/send per connection task
  kLiburing,  // liburing, one ring: accept, then recv/send per connection
  kEpoll,     // edge-triggered epoll, nonblocking sockets
  kBlocking,  // a thread per connection in blocking recv/send
};

[[nodiscard]] std::string_view Name(EchoKind kind) noexcept;

struct EchoOptions {
  int cpu = -1;  // pin the serving thread to this CPU; -1: no pinning
  // zring only: RuntimeOptions::spin (busy-poll before sleeping).
  std::chrono::nanoseconds zring_spin{0};
};

class EchoServer {
 public:
  virtual ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  [[nodiscard]] uint16_t port() const noexcept { return port_; }

  // Stop(): asks the server to stop, joins its threads and closes its fds.
  // Idempotent. Returns false when the server had failed while running;
  // error() then says why.
  bool Stop();
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 protected:
  EchoServer() = default;

  // Serve(): the serving thread's body, already pinned. Returns when a
  // read of `stop_fd` (a nonblocking eventfd) would succeed, having closed
  // every connection. A non-empty return value is an error.
  virtual std::string Serve(int listen_fd, int stop_fd) = 0;

 private:
  friend std::unique_ptr<EchoServer> StartEchoServer(EchoKind, const EchoOptions&,
                                                     std::string*);
  bool Start(const EchoOptions& options, std::string* error);

  int listen_fd_ = -1;
  int stop_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::string error_;
};

// StartEchoServer(): listening and serving when it returns; nullptr (and
// `*error` set) when it could not start.
[[nodiscard]] std::unique_ptr<EchoServer> StartEchoServer(EchoKind kind,
                                                          const EchoOptions& options,
                                                          std::string* error);

// The servers, one per file; StartEchoServer() picks.
std::unique_ptr<EchoServer> NewZringEcho(const EchoOptions& options);
std::unique_ptr<EchoServer> NewLiburingEcho(const EchoOptions& options);
std::unique_ptr<EchoServer> NewEpollEcho(const EchoOptions& options);
std::unique_ptr<EchoServer> NewBlockingEcho(const EchoOptions& options);

// PinThisThread(): restricts the calling thread to `cpu`; false if there
// is no such CPU or the kernel refused.
bool PinThisThread(int cpu);

}  // namespace bench
