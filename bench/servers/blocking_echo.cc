// The blocking-syscall contender: a thread per connection in recv()/send(),
// the baseline a ping-pong round trip is naturally compared with. The
// accepting thread waits in poll() on the listener and the stop eventfd;
// on stop it shuts the connections down (which ends their blocking
// recv), joins their threads and closes them.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/servers/echo_server.h"

namespace bench {
namespace {

constexpr size_t kBuffer = 16 * 1024;

void EchoUntilClosed(int fd) {
  char buf[kBuffer];
  for (;;) {
    const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return;
    for (ssize_t off = 0; off < r;) {
      const ssize_t w = ::send(fd, buf + off, static_cast<size_t>(r - off), MSG_NOSIGNAL);
      if (w <= 0) return;
      off += w;
    }
  }
}

class BlockingEcho final : public EchoServer {
 public:
  explicit BlockingEcho(int cpu) : cpu_(cpu) {}

 private:
  std::string Serve(int listen_fd, int stop_fd) override {
    struct Conn {
      int fd;
      std::thread thread;
    };
    std::vector<Conn> conns;
    std::string error;
    for (;;) {
      pollfd fds[2] = {{listen_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        error = std::string("poll: ") + std::strerror(errno);
        break;
      }
      if (fds[1].revents != 0) break;
      if (fds[0].revents == 0) continue;
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int cpu = cpu_;
      conns.push_back(Conn{fd, std::thread([fd, cpu] {
                             if (cpu >= 0) PinThisThread(cpu);
                             EchoUntilClosed(fd);
                           })});
    }
    // The fds stay open until their threads are joined, so shutdown()
    // never hits a number that was closed and reused.
    for (Conn& c : conns) ::shutdown(c.fd, SHUT_RDWR);
    for (Conn& c : conns) {
      c.thread.join();
      ::close(c.fd);
    }
    return error;
  }

  int cpu_;
};

}  // namespace

std::unique_ptr<EchoServer> NewBlockingEcho(const EchoOptions& options) {
  return std::make_unique<BlockingEcho>(options.cpu);
}

}  // namespace bench
