#include "bench/servers/echo_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bench {

std::string_view Name(EchoKind kind) noexcept {
  switch (kind) {
    case EchoKind::kZring: return "zring";
    case EchoKind::kLiburing: return "liburing";
    case EchoKind::kEpoll: return "epoll";
    case EchoKind::kBlocking: return "blocking";
  }
  return "?";
}

bool PinThisThread(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

EchoServer::~EchoServer() { Stop(); }

bool EchoServer::Start(const EchoOptions& options, std::string* error) {
  // Nonblocking, so that the epoll server can accept until EAGAIN.
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // Accepted sockets inherit TCP_NODELAY from the listener: no server
  // holds a small echo back waiting for an ACK (Nagle).
  ::setsockopt(listen_fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  // A backlog above the 500 connections the largest scenario opens at once.
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 4096) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    *error = std::string("bind/listen: ") + std::strerror(errno);
    return false;
  }
  port_ = ntohs(addr.sin_port);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    *error = std::string("eventfd: ") + std::strerror(errno);
    return false;
  }
  const int cpu = options.cpu;
  thread_ = std::thread([this, cpu] {
    if (cpu >= 0) PinThisThread(cpu);
    error_ = Serve(listen_fd_, stop_fd_);
  });
  return true;
}

bool EchoServer::Stop() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof one) != sizeof one) {
      error_ = std::string("eventfd write: ") + std::strerror(errno);
    }
    thread_.join();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
  listen_fd_ = stop_fd_ = -1;
  return error_.empty();
}

std::unique_ptr<EchoServer> StartEchoServer(EchoKind kind, const EchoOptions& options,
                                            std::string* error) {
  std::unique_ptr<EchoServer> server;
  switch (kind) {
    case EchoKind::kZring: server = NewZringEcho(options); break;
    case EchoKind::kLiburing: server = NewLiburingEcho(options); break;
    case EchoKind::kEpoll: server = NewEpollEcho(options); break;
    case EchoKind::kBlocking: server = NewBlockingEcho(options); break;
  }
  if (!server || !server->Start(options, error)) return nullptr;
  return server;
}

}  // namespace bench
