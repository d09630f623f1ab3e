// EchoServer: per-thread accept loops, one task per connection.
#include "examples/echo_server_lib.h"

#include <cstdio>

#include "zring/runtime/task_group.h"

namespace zring::examples {
namespace {

// One connection: whatever arrives goes back, until end of stream, an
// error, or cancellation.
Task<> Echo(net::TcpStream stream) {
  char buf[16384];
  for (;;) {
    core::Result<size_t> n = co_await stream.read(buf, sizeof buf);
    if (!n || *n == 0) co_return;
    if (!co_await stream.write_all(buf, *n)) co_return;
  }
}

// One thread's accept loop. Cancelling it (its JoinHandle) ends the accept
// and then the connections, which the group owns; `ended` counts down once
// they all have.
Task<> AcceptLoop(const net::TcpListener& listener, std::latch& ended) {
  TaskGroup connections;
  net::Incoming incoming = listener.incoming();
  for (;;) {
    core::Result<net::TcpStream> s = co_await incoming.next();
    if (s) {
      (void)s->set_nodelay(true);  // replies are small and must not wait
      connections.spawn(Echo(std::move(*s)));
      continue;
    }
    if (s.error() == core::err::mfile || s.error() == core::err::nfile ||
        s.error() == core::err::nobufs || s.error() == core::err::nomem) {
      // Incoming reports a shortage once and then waits it out.
      std::fprintf(stderr, "echo_server: accept: %s, waiting for fds\n", s.error().name());
      continue;
    }
    if (s.error() != core::err::canceled) {
      std::fprintf(stderr, "echo_server: accept: %s\n", s.error().name());
    }
    break;
  }
  connections.cancel();
  co_await connections.join();
  ended.count_down();
}

}  // namespace

const char* BackendName(BackendKind kind) noexcept {
  switch (kind) {
    case BackendKind::kUring: return "io_uring";
    case BackendKind::kPoll: return "poll";
    case BackendKind::kAuto: break;
  }
  return "auto";
}

core::Result<std::unique_ptr<EchoServer>> EchoServer::Start(const EchoServerOptions& options) {
  std::unique_ptr<EchoServer> server(new EchoServer());
  ThreadPerCoreOptions pool_options;
  pool_options.threads = options.threads;
  pool_options.runtime.backend = options.backend;
  core::Result<std::unique_ptr<ThreadPerCore>> pool = ThreadPerCore::Create(pool_options);
  if (!pool) return pool.error();
  unsigned n = (*pool)->size();

  // The first listener resolves port 0; the others share its port.
  net::SocketAddress at = options.address;
  for (unsigned i = 0; i < n; ++i) {
    core::Result<net::TcpListener> l = net::TcpListener::bind(at, {.reuse_port = true});
    if (!l) return l.error();
    if (i == 0) {
      core::Result<net::SocketAddress> bound = l->local_address();
      if (!bound) return bound.error();
      at = *bound;
    }
    server->listeners_.push_back(std::move(*l));
  }
  server->address_ = at;
  server->backend_ = (*pool)->runtime(0).backend();
  server->backend_reason_ = (*pool)->runtime(0).backend_info().reason;
  server->loops_ended_ = std::make_unique<std::latch>(static_cast<std::ptrdiff_t>(n));
  server->pool_ = std::move(*pool);
  for (unsigned i = 0; i < n; ++i) {
    server->loops_.push_back(
        server->pool_->spawn_on(i, AcceptLoop(server->listeners_[i], *server->loops_ended_)));
  }
  return server;
}

std::string EchoServer::Describe() const {
  return "echo_server listening on " + address_.ToString() + ", backend " + BackendName(backend_) +
         ", " + std::to_string(threads()) + " thread" + (threads() == 1 ? "" : "s");
}

void EchoServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (JoinHandle<void>& loop : loops_) loop.cancel();
  // Each loop counts down once its connections have ended. Start() spawns
  // every loop or returns before making the latch, so this cannot wait for
  // a loop that does not exist.
  if (loops_ended_) loops_ended_->wait();
  loops_.clear();  // detached: they have ended
  listeners_.clear();
  if (pool_) pool_->stop();
}

core::Result<int> WaitForSignal(StopSignals& signals) {
  for (;;) {
    core::Result<int> signo = signals.Read();
    if (signo || signo.error() != core::err::intr) return signo;
  }
}

}  // namespace zring::examples
