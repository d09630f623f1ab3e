// zring/net/tcp_listener.h — TcpListener: a listening TCP socket, and
// Incoming, the accept loop a server runs on it.
//
//   auto l = zring::net::TcpListener::bind(*zring::net::SocketAddress::Parse("127.0.0.1:0"));
//   if (!l) return l.error();
//   std::printf("listening on %s\n", l->local_address()->ToString().c_str());
//   zring::net::Incoming incoming = l->incoming();
//   for (;;) {
//     core::Result<zring::net::TcpStream> s = co_await incoming.next();
//     if (!s) { if (s.error() == core::err::canceled) break; continue; }
//     runtime.spawn(serve(std::move(*s)));
//   }
//
// accept() is one accept operation and returns whatever it returned.
// Incoming::next() is what a server loop wants instead: it retries the
// errors accept(2) says to retry, and it survives running out of fds
// (below). The listener must outlive its Incoming.
//
// Out of fds (EMFILE, ENFILE, and ENOBUFS/ENOMEM, their kernel-memory
// cousins). Accepting needs a free fd before it looks at the queue, so
// accept fails at once, again and again, while the connection waits in
// the backlog: retrying at once would spin a core. Incoming::next() reports
// the error once, so the caller can log it or shed load, and on the
// following calls waits with a growing pause (1 ms doubling up to 100 ms)
// between attempts, until an fd is free again; then it returns the waiting
// connection, which was never dropped, and the next shortage is reported
// again. It does not keep a reserve fd to accept-and-close connections:
// those clients would see a reset instead of a short delay, and the
// backlog already bounds how many wait.
#pragma once

#include <chrono>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/net/address.h"
#include "zring/net/tcp_stream.h"
#include "zring/runtime/task.h"

namespace zring::net {

struct ListenOptions {
  bool reuse_address = true;  // SO_REUSEADDR: restart without waiting for TIME_WAIT
  bool reuse_port = false;    // SO_REUSEPORT: one listener per thread on one port
  int backlog = 1024;         // connections the kernel queues before accept
  bool ipv6_only = true;      // IPV6_V6ONLY on an IPv6 address (see bind())
};

class TcpListener;

// Incoming
//
// The accept loop of one listener (see the file comment). Made by
// TcpListener::incoming(); it borrows the listener.
class Incoming final {
 public:
  // next(): the next connection. Errors: err::canceled when the awaiting
  // task is cancelled; err::mfile / err::nfile / err::nobufs / err::nomem
  // once per shortage; err::badf / err::inval when the listener is closed
  // or not listening. The transient ones (a connection aborted before it
  // was accepted, network errors accept(2) lists as "treat like EAGAIN")
  // are retried, not returned.
  Task<core::Result<TcpStream>> next();

 private:
  friend class TcpListener;
  explicit Incoming(int fd) noexcept : fd_(fd) {}

  // The one place that asks the kernel for a connection: one accept today,
  // a multishot accept on io_uring later.
  Task<core::Result<core::Fd>> AcceptOne();

  static constexpr std::chrono::milliseconds kFirstPause{1};
  static constexpr std::chrono::milliseconds kMaxPause{100};

  int fd_;
  bool shortage_reported_ = false;
  std::chrono::milliseconds pause_{kFirstPause};
};

// TcpListener
class TcpListener final {
 public:
  TcpListener() noexcept = default;
  TcpListener(TcpListener&&) noexcept = default;
  TcpListener& operator=(TcpListener&&) noexcept = default;

  // bind(): a socket of the address's family, bound to it and listening.
  // Port 0 lets the kernel pick one (local_address() tells which). An IPv6
  // address is IPv6 only unless options.ipv6_only is false, so that
  // "[::]:80" and "0.0.0.0:80" can be bound side by side whatever the
  // host's net.ipv6.bindv6only says. Errors are the kernel's:
  // err::addrinuse, err::acces for a privileged port, ...
  static core::Result<TcpListener> bind(const SocketAddress& address,
                                        const ListenOptions& options = {});

  // accept(): one accept operation: the connection, or its error as is.
  Task<core::Result<TcpStream>> accept() const;

  // incoming(): the accept loop, for servers.
  [[nodiscard]] Incoming incoming() const noexcept { return Incoming(fd_.get()); }

  [[nodiscard]] core::Result<SocketAddress> local_address() const noexcept;

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] bool valid() const noexcept { return fd_.valid(); }
  explicit operator bool() const noexcept { return valid(); }
  [[nodiscard]] core::Fd release() noexcept { return core::Fd(fd_.release()); }
  core::Result<void> close() noexcept { return fd_.close(); }

 private:
  explicit TcpListener(core::Fd fd) noexcept : fd_(std::move(fd)) {}
  core::Fd fd_;
};

}  // namespace zring::net
