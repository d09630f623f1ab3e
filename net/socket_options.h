// zring/net/socket_options.h — the socket options every socket kind shares
// (TCP streams and listeners, UDP, Unix sockets), and the socket's own
// addresses.
//
//   auto s = co_await zring::net::TcpStream::connect(addr);
//   (void)zring::net::set_nodelay(s->fd(), true);
//   zring::core::Result<int> n = zring::net::send_buffer_size(s->fd());
//   zring::core::Result<SocketAddress> me = zring::net::local_address(s->fd());
//
// They take a raw fd so that any socket class (or a socket the caller made
// itself) can use them; each is one setsockopt/getsockopt/getsockname/
// getpeername syscall through core/, and each failure is the kernel's errno
// (err::badf, err::notsock, err::noprotoopt for an option the socket kind
// does not have, err::notconn for peer_address() of an unconnected socket).
#pragma once

#include <chrono>
#include <optional>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/net/address.h"

namespace zring::net {

// set_nodelay() / nodelay(): TCP_NODELAY, no Nagle delay for small writes.
core::Result<void> set_nodelay(int fd, bool on) noexcept;
[[nodiscard]] core::Result<bool> nodelay(int fd) noexcept;

// set_keepalive() / keepalive(): SO_KEEPALIVE, probe idle connections.
core::Result<void> set_keepalive(int fd, bool on) noexcept;
[[nodiscard]] core::Result<bool> keepalive(int fd) noexcept;

// set_recv_buffer_size() / recv_buffer_size(): SO_RCVBUF. Linux doubles
// what is set (for its bookkeeping) and clamps it to net.core.rmem_max and
// a floor, so the getter returns what the kernel really uses, not `bytes`.
core::Result<void> set_recv_buffer_size(int fd, int bytes) noexcept;
[[nodiscard]] core::Result<int> recv_buffer_size(int fd) noexcept;

// set_send_buffer_size() / send_buffer_size(): SO_SNDBUF, the same rules.
core::Result<void> set_send_buffer_size(int fd, int bytes) noexcept;
[[nodiscard]] core::Result<int> send_buffer_size(int fd) noexcept;

// set_reuse_address() / reuse_address(): SO_REUSEADDR, bind a listening
// port that still has connections in TIME_WAIT.
core::Result<void> set_reuse_address(int fd, bool on) noexcept;
[[nodiscard]] core::Result<bool> reuse_address(int fd) noexcept;

// set_reuse_port() / reuse_port(): SO_REUSEPORT, several sockets (one per
// thread) bound to the same port, the kernel spreading connections or
// datagrams between them.
core::Result<void> set_reuse_port(int fd, bool on) noexcept;
[[nodiscard]] core::Result<bool> reuse_port(int fd) noexcept;

// set_linger() / linger(): SO_LINGER. nullopt turns it off (close()
// returns at once, unsent data still goes out in the background); a
// duration of zero makes close() drop unsent data and send an RST, which is
// how a peer "resets" a connection.
core::Result<void> set_linger(int fd, std::optional<std::chrono::seconds> timeout) noexcept;
[[nodiscard]] core::Result<std::optional<std::chrono::seconds>> linger(int fd) noexcept;

// socket_error(): SO_ERROR, the pending asynchronous error, which reading
// also clears. Ok() when there is none.
[[nodiscard]] core::Result<void> socket_error(int fd) noexcept;

// local_address(): getsockname(), e.g. the port the kernel picked for a
// socket bound to port 0.
[[nodiscard]] core::Result<SocketAddress> local_address(int fd) noexcept;

// peer_address(): getpeername(); err::notconn when not connected.
[[nodiscard]] core::Result<SocketAddress> peer_address(int fd) noexcept;

// bound_socket(): a close-on-exec IP socket of `type` (sock::stream,
// sock::dgram) with the reuse options and, on an IPv6 address,
// IPV6_V6ONLY set as asked, bound to `address`: what TCP listeners and
// UDP sockets share before they differ. err::afnosupport for a Unix address.
struct BindOptions {
  bool reuse_address = false;
  bool reuse_port = false;
  bool ipv6_only = true;
};
[[nodiscard]] core::Result<core::Fd> bound_socket(const SocketAddress& address, int type,
                                                  const BindOptions& options) noexcept;

}  // namespace zring::net
