// The zring contender: a zring::Runtime on the serving thread, an accept
// loop, and a task per connection that takes what a multishot receive
// brought (net::RecvStream) and awaits zring::send until it is echoed.
// All of them live in one TaskGroup; a task reading the stop eventfd
// cancels the group, which cancels every pending operation, and the
// group's join() returns once each task has closed its socket.
#include <cstdint>
#include <memory>
#include <string>

#include "bench/servers/echo_server.h"
#include "zring/core/fd.h"
#include "zring/net/recv_stream.h"
#include "zring/runtime/buffer_group.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/task.h"
#include "zring/runtime/task_group.h"

namespace bench {
namespace {

constexpr size_t kBuffer = 16 * 1024;

// Receives through one multishot recv into the shared buffer group
// (net::RecvStream): no SQE per read, and idle connections hold no buffer.
// ENOBUFS reaches us only when every buffer is taken at once: let the
// others give theirs back, then start again.
zring::Task<> EchoConnection(zring::core::Fd fd, zring::BufferGroup& group) {
  zring::net::RecvStream in(fd.get(), group);
  for (;;) {
    zring::core::Result<zring::Buffer> b = co_await in.next();
    if (!b && b.error() == zring::core::err::nobufs) {
      co_await zring::yield();
      continue;
    }
    if (!b || b->size() == 0) co_return;
    for (size_t off = 0; off < b->size();) {
      zring::core::Result<size_t> w = co_await zring::send(fd.get(), b->data() + off, b->size() - off);
      if (!w) co_return;
      off += *w;
    }
  }
}

zring::Task<> AcceptLoop(int listen_fd, zring::TaskGroup& group) {
  // 4096 buffers of 2 KiB (8 MiB): more than 500 connections × 8 requests
  // of 64 B or 1 KiB can have in the server at once.
  auto buffers = zring::BufferGroup::Create(1, 4096, 2048);
  if (!buffers) co_return;
  for (;;) {
    zring::core::Result<zring::core::Fd> conn = co_await zring::accept(listen_fd);
    if (!conn) co_return;  // cancelled by the stop, or the listener failed
    group.spawn(EchoConnection(std::move(*conn), **buffers));
  }
}

zring::Task<> CancelOnStop(int stop_fd, zring::TaskGroup& group) {
  uint64_t value = 0;
  (void)co_await zring::read(stop_fd, &value, sizeof value);
  group.cancel();
}

zring::Task<> ServeUntilStopped(int listen_fd, int stop_fd) {
  zring::TaskGroup group;
  group.spawn(CancelOnStop(stop_fd, group));
  group.spawn(AcceptLoop(listen_fd, group));
  co_await group.join();
}

class ZringEcho final : public EchoServer {
 public:
  explicit ZringEcho(std::chrono::nanoseconds spin) : spin_(spin) {}

 private:
  std::string Serve(int listen_fd, int stop_fd) override {
    zring::RuntimeOptions options;
    options.backend = zring::BackendKind::kUring;
    options.spin = spin_;
    auto rt = zring::Runtime::Create(options);
    if (!rt) return std::string("Runtime::Create: ") + rt.error().name();
    (*rt)->block_on(ServeUntilStopped(listen_fd, stop_fd));
    if ((*rt)->live_tasks() != 0) return "tasks outlived the stop";
    return "";
  }

  std::chrono::nanoseconds spin_;
};

}  // namespace

std::unique_ptr<EchoServer> NewZringEcho(const EchoOptions& options) {
  return std::make_unique<ZringEcho>(options.zring_spin);
}

}  // namespace bench
