// The epoll contender: one thread, edge-triggered, nonblocking sockets, the
// way a hand-written C echo server does it. Each readable event is read
// until EAGAIN and echoed at once; what the socket would not take waits in
// a per-connection buffer for EPOLLOUT.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "bench/servers/echo_server.h"

namespace bench {
namespace {

constexpr size_t kBuffer = 16 * 1024;

struct Conn {
  int fd;
  std::vector<char> pending;  // echoed bytes the socket has not taken yet
  size_t pending_off = 0;
};

class EpollEcho final : public EchoServer {
  std::string Serve(int listen_fd, int stop_fd) override {
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return std::string("epoll_create1: ") + std::strerror(errno);
    // data.ptr: nullptr for the listener, &stop_fd for the stop event,
    // else the connection.
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = nullptr;
    epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev);
    ev.events = EPOLLIN;
    ev.data.ptr = &stop_fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd, &ev);

    std::vector<std::unique_ptr<Conn>> conns;  // index: fd
    auto close_conn = [&](Conn* c) {
      const int fd = c->fd;
      ::close(fd);  // also leaves the epoll set
      conns[static_cast<size_t>(fd)].reset();
    };
    auto flush = [](Conn* c) -> bool {  // false: the connection failed
      while (c->pending_off < c->pending.size()) {
        ssize_t n = ::send(c->fd, c->pending.data() + c->pending_off,
                           c->pending.size() - c->pending_off, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EINTR;
        c->pending_off += static_cast<size_t>(n);
      }
      c->pending.clear();
      c->pending_off = 0;
      return true;
    };
    std::string error;
    char buf[kBuffer];
    epoll_event events[256];
    bool stopping = false;
    while (!stopping) {
      const int n = epoll_wait(ep, events, 256, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        error = std::string("epoll_wait: ") + std::strerror(errno);
        break;
      }
      for (int e = 0; e < n; ++e) {
        void* tag = events[e].data.ptr;
        if (tag == &stop_fd) {
          stopping = true;
        } else if (tag == nullptr) {
          for (;;) {
            const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) break;  // EAGAIN, or an aborted connection
            if (conns.size() <= static_cast<size_t>(fd)) conns.resize(static_cast<size_t>(fd) + 1);
            conns[static_cast<size_t>(fd)] = std::make_unique<Conn>(Conn{fd, {}, 0});
            epoll_event cev{};
            cev.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP;
            cev.data.ptr = conns[static_cast<size_t>(fd)].get();
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
          }
        } else {
          auto* c = static_cast<Conn*>(tag);
          bool alive = true;
          if (events[e].events & EPOLLOUT) alive = flush(c);
          if (alive && (events[e].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
            for (;;) {
              const ssize_t r = ::recv(c->fd, buf, sizeof buf, 0);
              if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
              if (r <= 0) {
                alive = false;
                break;
              }
              size_t off = 0;
              if (c->pending.empty()) {
                ssize_t w = ::send(c->fd, buf, static_cast<size_t>(r), MSG_NOSIGNAL);
                if (w < 0 && errno != EAGAIN && errno != EINTR) {
                  alive = false;
                  break;
                }
                off = w > 0 ? static_cast<size_t>(w) : 0;
              }
              c->pending.insert(c->pending.end(), buf + off, buf + r);
            }
          }
          if (!alive) close_conn(c);
        }
      }
    }
    for (std::unique_ptr<Conn>& c : conns) {
      if (c) ::close(c->fd);
    }
    ::close(ep);
    return error;
  }
};

}  // namespace

std::unique_ptr<EchoServer> NewEpollEcho(const EchoOptions&) {
  return std::make_unique<EpollEcho>();
}

}  // namespace bench
