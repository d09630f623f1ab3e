// The zring contender: a zring::Runtime on the serving thread, an accept
// loop, and a task per connection that awaits zring::recv and then
// zring::send until its buffer is echoed. All of them live in one
// TaskGroup; a task reading the stop eventfd cancels the group, which
// cancels every pending operation, and the group's join() returns once
// each task has closed its socket.
#include <cstdint>
#include <memory>
#include <string>

#include "bench/servers/echo_server.h"
#include "zring/core/fd.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/task.h"
#include "zring/runtime/task_group.h"

namespace bench {
namespace {

constexpr size_t kBuffer = 16 * 1024;

zring::Task<> EchoConnection(zring::core::Fd fd) {
  auto buf = std::make_unique<char[]>(kBuffer);
  for (;;) {
    zring::core::Result<size_t> n = co_await zring::recv(fd.get(), buf.get(), kBuffer);
    if (!n || *n == 0) co_return;
    for (size_t off = 0; off < *n;) {
      zring::core::Result<size_t> w = co_await zring::send(fd.get(), buf.get() + off, *n - off);
      if (!w) co_return;
      off += *w;
    }
  }
}

zring::Task<> AcceptLoop(int listen_fd, zring::TaskGroup& group) {
  for (;;) {
    zring::core::Result<zring::core::Fd> conn = co_await zring::accept(listen_fd);
    if (!conn) co_return;  // cancelled by the stop, or the listener failed
    group.spawn(EchoConnection(std::move(*conn)));
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
