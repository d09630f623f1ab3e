// UdpSocket: making and connecting the socket; the I/O is datagram.h's.
#include "zring/net/udp_socket.h"

#include "zring/core/constants.h"
#include "zring/net/socket_options.h"

namespace zring::net {

core::Result<UdpSocket> UdpSocket::bind(const SocketAddress& local, const UdpOptions& options) {
  core::Result<core::Fd> fd = bound_socket(
      local, core::sock::dgram, {options.reuse_address, options.reuse_port, options.ipv6_only});
  if (!fd) return fd.error();
  return UdpSocket(std::move(*fd));
}

core::Result<void> UdpSocket::connect(const SocketAddress& peer) const noexcept {
  if (peer.family() == SocketAddress::Family::kNone) {
    core::SockAddr unspec{};  // family AF_UNSPEC (0): drop the association
    return core::connect(fd_.get(), &unspec, sizeof unspec);
  }
  return core::connect(fd_.get(), peer.data(), peer.size());
}

core::Result<void> UdpSocket::set_broadcast(bool on) const noexcept {
  return core::setsockopt_int(fd_.get(), core::sol::socket, core::so::broadcast, on ? 1 : 0);
}
core::Result<void> UdpSocket::set_recv_buffer_size(int bytes) const noexcept {
  return net::set_recv_buffer_size(fd_.get(), bytes);
}
core::Result<int> UdpSocket::recv_buffer_size() const noexcept {
  return net::recv_buffer_size(fd_.get());
}
core::Result<void> UdpSocket::set_send_buffer_size(int bytes) const noexcept {
  return net::set_send_buffer_size(fd_.get(), bytes);
}
core::Result<int> UdpSocket::send_buffer_size() const noexcept {
  return net::send_buffer_size(fd_.get());
}
core::Result<SocketAddress> UdpSocket::local_address() const noexcept {
  return net::local_address(fd_.get());
}
core::Result<SocketAddress> UdpSocket::peer_address() const noexcept {
  return net::peer_address(fd_.get());
}

}  // namespace zring::net
