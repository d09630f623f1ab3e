// TcpStream: connect, and the loops over short reads and writes.
#include "zring/net/tcp_stream.h"

#include "zring/core/constants.h"
#include "zring/net/socket_options.h"

namespace zring::net {

Task<core::Result<TcpStream>> TcpStream::connect(SocketAddress to,
                                                 std::chrono::nanoseconds timeout) {
  if (!to.is_ip()) co_return core::err::afnosupport;
  core::Result<core::Fd> fd = co_await zring::socket(to.domain(), core::sock::stream);
  if (!fd) co_return fd.error();
  auto op = zring::connect(fd->get(), to.data(), to.size());
  if (timeout >= std::chrono::nanoseconds::zero()) (void)std::move(op).timeout(timeout);
  if (core::Result<void> r = co_await op; !r) co_return r.error();
  co_return TcpStream(std::move(*fd));
}

Task<core::Result<void>> TcpStream::read_exact(void* buf, size_t len) const {
  auto* at = static_cast<unsigned char*>(buf);
  while (len > 0) {
    core::Result<size_t> n = co_await read(at, len);
    if (!n) co_return n.error();
    if (*n == 0) co_return kUnexpectedEof;
    at += *n;
    len -= *n;
  }
  co_return core::Ok();
}

Task<core::Result<void>> TcpStream::write_all(const void* buf, size_t len) const {
  auto* at = static_cast<const unsigned char*>(buf);
  while (len > 0) {
    core::Result<size_t> n = co_await write(at, len);
    if (!n) co_return n.error();
    if (*n == 0) co_return core::err::pipe;  // a socket never sends 0 of >0: do not loop on it
    at += *n;
    len -= *n;
  }
  co_return core::Ok();
}

Task<core::Result<void>> TcpStream::write_all(core::IoVec* iov, unsigned count) const {
  for (;;) {
    // Skip what is done (and empty entries, which would make a zero-byte
    // send look like progress).
    while (count > 0 && iov->len == 0) {
      ++iov;
      --count;
    }
    if (count == 0) co_return core::Ok();
    core::Result<size_t> n = co_await writev(iov, count);
    if (!n) co_return n.error();
    if (*n == 0) co_return core::err::pipe;
    size_t sent = *n;
    while (sent > 0) {
      size_t step = sent < iov->len ? sent : iov->len;
      iov->base = static_cast<unsigned char*>(iov->base) + step;
      iov->len -= step;
      sent -= step;
      if (iov->len == 0) {
        ++iov;
        --count;
      }
    }
  }
}

core::Result<void> TcpStream::set_nodelay(bool on) const noexcept {
  return net::set_nodelay(fd(), on);
}
core::Result<bool> TcpStream::nodelay() const noexcept { return net::nodelay(fd()); }
core::Result<void> TcpStream::set_keepalive(bool on) const noexcept {
  return net::set_keepalive(fd(), on);
}
core::Result<bool> TcpStream::keepalive() const noexcept { return net::keepalive(fd()); }
core::Result<void> TcpStream::set_recv_buffer_size(int bytes) const noexcept {
  return net::set_recv_buffer_size(fd(), bytes);
}
core::Result<int> TcpStream::recv_buffer_size() const noexcept {
  return net::recv_buffer_size(fd());
}
core::Result<void> TcpStream::set_send_buffer_size(int bytes) const noexcept {
  return net::set_send_buffer_size(fd(), bytes);
}
core::Result<int> TcpStream::send_buffer_size() const noexcept {
  return net::send_buffer_size(fd());
}
core::Result<void> TcpStream::set_linger(std::optional<std::chrono::seconds> timeout) const noexcept {
  return net::set_linger(fd(), timeout);
}
core::Result<SocketAddress> TcpStream::local_address() const noexcept {
  return net::local_address(fd());
}
core::Result<SocketAddress> TcpStream::peer_address() const noexcept {
  return net::peer_address(fd());
}

}  // namespace zring::net
