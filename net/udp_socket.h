// zring/net/udp_socket.h — UdpSocket: a UDP socket, used through the
// runtime's operations on either backend.
//
//   auto s = zring::net::UdpSocket::bind(*zring::net::SocketAddress::Parse("127.0.0.1:7001"));
//   if (!s) return s.error();
//   char buf[1500];
//   for (;;) {
//     core::Result<zring::net::ReceivedDatagram> d = co_await s->recv_from(buf, sizeof buf);
//     if (!d) break;
//     (void)co_await s->send_to(buf, d->length, d->from);
//   }
//
// Each call is one operation (or, for the batches, see datagram.h), and
// sending or receiving a single datagram allocates nothing. Buffers are
// borrowed until the co_await returns. Destroying the socket closes it;
// nothing may be in flight on it then.
#pragma once

#include <cstddef>
#include <span>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/core/socket.h"
#include "zring/net/address.h"
#include "zring/net/datagram.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/task.h"

namespace zring::net {

struct UdpOptions {
  bool reuse_address = false;  // SO_REUSEADDR
  bool reuse_port = false;     // SO_REUSEPORT: one socket per thread on one port
  bool ipv6_only = true;       // IPV6_V6ONLY on an IPv6 address
};

class UdpSocket final {
 public:
  // UdpSocket(): no socket; every operation is err::badf.
  UdpSocket() noexcept = default;
  // UdpSocket(fd): takes ownership of a UDP socket made elsewhere.
  explicit UdpSocket(core::Fd fd) noexcept : fd_(std::move(fd)) {}
  UdpSocket(UdpSocket&&) noexcept = default;
  UdpSocket& operator=(UdpSocket&&) noexcept = default;

  // bind(): a socket of the address's family bound to `local`; port 0
  // lets the kernel choose (local_address() tells which). A client that
  // does not care uses SocketAddress::Ipv4Any(0). err::afnosupport for a
  // Unix address (use UnixDatagram), the kernel's errors otherwise
  // (err::addrinuse, err::acces, err::addrnotavail).
  static core::Result<UdpSocket> bind(const SocketAddress& local, const UdpOptions& options = {});

  // connect(): sets the default destination and filters what is received
  // to datagrams from `peer`. For UDP this sends nothing and cannot block,
  // so it is a plain call, not an operation. An empty address dissolves
  // the association (AF_UNSPEC).
  core::Result<void> connect(const SocketAddress& peer) const noexcept;

  // send_to() / recv_from(): one datagram with its address (datagram.h).
  [[nodiscard]] SendToAwaiter send_to(const void* buf, size_t len,
                                      const SocketAddress& to) const noexcept {
    return net::send_to(fd_.get(), buf, len, to);
  }
  [[nodiscard]] RecvFromAwaiter recv_from(void* buf, size_t len, int flags = 0) const noexcept {
    return net::recv_from(fd_.get(), buf, len, flags);
  }

  // send() / recv(): on a connected socket. A datagram larger than `len` is
  // cut to `len` by recv(); err::connrefused reports an ICMP port
  // unreachable for an earlier datagram.
  [[nodiscard]] Awaitable<SendOp> send(const void* buf, size_t len, int flags = 0) const noexcept {
    return zring::send(fd_.get(), buf, len, flags);
  }
  [[nodiscard]] Awaitable<RecvOp> recv(void* buf, size_t len, int flags = 0) const noexcept {
    return zring::recv(fd_.get(), buf, len, flags);
  }

  // sendmsg() / recvmsg(): scatter/gather and control messages (GSO with
  // udp::segment, GRO, timestamps, IP_PKTINFO); the header and what it
  // points to must stay valid until the co_await returns.
  [[nodiscard]] Awaitable<SendmsgOp> sendmsg(const core::MsgHdr* m, int flags = 0) const noexcept {
    return zring::sendmsg(fd_.get(), m, flags);
  }
  [[nodiscard]] Awaitable<RecvmsgOp> recvmsg(core::MsgHdr* m, int flags = 0) const noexcept {
    return zring::recvmsg(fd_.get(), m, flags);
  }

  // send_batch() / recv_batch(): many datagrams per call (datagram.h).
  [[nodiscard]] Task<core::Result<size_t>> send_batch(std::span<Datagram> batch) const {
    return net::send_batch(fd_.get(), batch);
  }
  [[nodiscard]] Task<core::Result<size_t>> recv_batch(std::span<Datagram> batch) const {
    return net::recv_batch(fd_.get(), batch);
  }

  // set_broadcast(): SO_BROADCAST, needed to send to a broadcast address.
  core::Result<void> set_broadcast(bool on) const noexcept;
  core::Result<void> set_recv_buffer_size(int bytes) const noexcept;
  [[nodiscard]] core::Result<int> recv_buffer_size() const noexcept;
  core::Result<void> set_send_buffer_size(int bytes) const noexcept;
  [[nodiscard]] core::Result<int> send_buffer_size() const noexcept;
  [[nodiscard]] core::Result<SocketAddress> local_address() const noexcept;
  // peer_address(): the connected peer; err::notconn when not connected.
  [[nodiscard]] core::Result<SocketAddress> peer_address() const noexcept;

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] bool valid() const noexcept { return fd_.valid(); }
  explicit operator bool() const noexcept { return valid(); }
  [[nodiscard]] core::Fd release() noexcept { return core::Fd(fd_.release()); }
  core::Result<void> close() noexcept { return fd_.close(); }

 private:
  core::Fd fd_;
};

}  // namespace zring::net
