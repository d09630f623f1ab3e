// Unix sockets: making, binding and connecting them; the I/O is
// stream_io.h's, datagram.h's and fd_passing.h's.
#include "zring/net/unix_socket.h"

#include "zring/core/constants.h"
#include "zring/net/socket_options.h"

namespace zring::net {
namespace {

bool IsUnix(const SocketAddress& a) noexcept { return a.family() == SocketAddress::Family::kUnix; }

core::Result<core::Fd> BoundSocket(const SocketAddress& address, int type) noexcept {
  if (!IsUnix(address)) return core::err::afnosupport;
  core::Result<int> raw = core::socket(core::af::local, type | core::sock::cloexec);
  if (!raw) return raw.error();
  core::Fd fd(*raw);
  if (auto r = core::bind(fd.get(), address.data(), address.size()); !r) return r.error();
  return fd;
}

template <class Socket>
core::Result<std::pair<Socket, Socket>> Pair(int type) noexcept {
  core::Result<core::SocketPair> p = core::socketpair(core::af::local, type | core::sock::cloexec);
  if (!p) return p.error();
  return std::pair<Socket, Socket>(Socket(core::Fd(p->first)), Socket(core::Fd(p->second)));
}

}  // namespace

// --- UnixStream --------------------------------------------------------------

Task<core::Result<UnixStream>> UnixStream::connect(SocketAddress to,
                                                   std::chrono::nanoseconds timeout) {
  if (!IsUnix(to)) co_return core::err::afnosupport;
  core::Result<core::Fd> fd = co_await zring::socket(core::af::local, core::sock::stream);
  if (!fd) co_return fd.error();
  auto op = zring::connect(fd->get(), to.data(), to.size());
  if (timeout >= std::chrono::nanoseconds::zero()) (void)std::move(op).timeout(timeout);
  if (core::Result<void> r = co_await op; !r) co_return r.error();
  co_return UnixStream(std::move(*fd));
}

core::Result<std::pair<UnixStream, UnixStream>> UnixStream::pair() noexcept {
  return Pair<UnixStream>(core::sock::stream);
}

core::Result<core::UCred> UnixStream::peer_credentials() const noexcept {
  core::UCred cred{};
  core::SockLen len = sizeof cred;
  if (auto r = core::getsockopt(fd_.get(), core::sol::socket, core::so::peercred, &cred, &len);
      !r) {
    return r.error();
  }
  return cred;
}

core::Result<SocketAddress> UnixStream::local_address() const noexcept {
  return net::local_address(fd_.get());
}
core::Result<SocketAddress> UnixStream::peer_address() const noexcept {
  return net::peer_address(fd_.get());
}

// --- UnixListener ------------------------------------------------------------

core::Result<UnixListener> UnixListener::bind(const SocketAddress& address, int backlog) {
  core::Result<core::Fd> fd = BoundSocket(address, core::sock::stream);
  if (!fd) return fd.error();
  if (auto r = core::listen(fd->get(), backlog); !r) return r.error();
  return UnixListener(std::move(*fd));
}

Task<core::Result<UnixStream>> UnixListener::accept() const {
  core::Result<core::Fd> fd = co_await zring::accept(fd_.get());
  if (!fd) co_return fd.error();
  co_return UnixStream(std::move(*fd));
}

core::Result<SocketAddress> UnixListener::local_address() const noexcept {
  return net::local_address(fd_.get());
}

// --- UnixDatagram ------------------------------------------------------------

core::Result<UnixDatagram> UnixDatagram::bind(const SocketAddress& address) {
  core::Result<core::Fd> fd = BoundSocket(address, core::sock::dgram);
  if (!fd) return fd.error();
  return UnixDatagram(std::move(*fd));
}

core::Result<UnixDatagram> UnixDatagram::unbound() noexcept {
  core::Result<int> raw = core::socket(core::af::local, core::sock::dgram | core::sock::cloexec);
  if (!raw) return raw.error();
  return UnixDatagram(core::Fd(*raw));
}

core::Result<std::pair<UnixDatagram, UnixDatagram>> UnixDatagram::pair() noexcept {
  return Pair<UnixDatagram>(core::sock::dgram);
}

core::Result<void> UnixDatagram::connect(const SocketAddress& peer) const noexcept {
  if (peer.family() == SocketAddress::Family::kNone) {
    core::SockAddr unspec{};  // AF_UNSPEC: drop the association
    return core::connect(fd_.get(), &unspec, sizeof unspec);
  }
  if (!IsUnix(peer)) return core::err::afnosupport;
  return core::connect(fd_.get(), peer.data(), peer.size());
}

core::Result<SocketAddress> UnixDatagram::local_address() const noexcept {
  return net::local_address(fd_.get());
}

}  // namespace zring::net
