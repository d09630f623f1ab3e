// Socket options and addresses as one syscall each through core/.
#include "zring/net/socket_options.h"

#include "zring/core/constants.h"
#include "zring/core/socket.h"

namespace zring::net {
namespace {

core::Result<void> SetFlag(int fd, int level, int name, bool on) noexcept {
  return core::setsockopt_int(fd, level, name, on ? 1 : 0);
}

core::Result<bool> GetFlag(int fd, int level, int name) noexcept {
  return core::getsockopt_int(fd, level, name).transform([](int v) { return v != 0; });
}

}  // namespace

core::Result<void> set_nodelay(int fd, bool on) noexcept {
  return SetFlag(fd, core::sol::tcp, core::tcp::nodelay, on);
}
core::Result<bool> nodelay(int fd) noexcept {
  return GetFlag(fd, core::sol::tcp, core::tcp::nodelay);
}

core::Result<void> set_keepalive(int fd, bool on) noexcept {
  return SetFlag(fd, core::sol::socket, core::so::keepalive, on);
}
core::Result<bool> keepalive(int fd) noexcept {
  return GetFlag(fd, core::sol::socket, core::so::keepalive);
}

core::Result<void> set_recv_buffer_size(int fd, int bytes) noexcept {
  return core::setsockopt_int(fd, core::sol::socket, core::so::rcvbuf, bytes);
}
core::Result<int> recv_buffer_size(int fd) noexcept {
  return core::getsockopt_int(fd, core::sol::socket, core::so::rcvbuf);
}

core::Result<void> set_send_buffer_size(int fd, int bytes) noexcept {
  return core::setsockopt_int(fd, core::sol::socket, core::so::sndbuf, bytes);
}
core::Result<int> send_buffer_size(int fd) noexcept {
  return core::getsockopt_int(fd, core::sol::socket, core::so::sndbuf);
}

core::Result<void> set_reuse_address(int fd, bool on) noexcept {
  return SetFlag(fd, core::sol::socket, core::so::reuseaddr, on);
}
core::Result<bool> reuse_address(int fd) noexcept {
  return GetFlag(fd, core::sol::socket, core::so::reuseaddr);
}

core::Result<void> set_reuse_port(int fd, bool on) noexcept {
  return SetFlag(fd, core::sol::socket, core::so::reuseport, on);
}
core::Result<bool> reuse_port(int fd) noexcept {
  return GetFlag(fd, core::sol::socket, core::so::reuseport);
}

core::Result<void> set_linger(int fd, std::optional<std::chrono::seconds> timeout) noexcept {
  core::Linger l{};
  if (timeout) {
    l.onoff = 1;
    l.linger = timeout->count() < 0 ? 0 : static_cast<int>(timeout->count());
  }
  return core::setsockopt(fd, core::sol::socket, core::so::linger, &l, sizeof l);
}
core::Result<std::optional<std::chrono::seconds>> linger(int fd) noexcept {
  core::Linger l{};
  core::SockLen len = sizeof l;
  if (auto r = core::getsockopt(fd, core::sol::socket, core::so::linger, &l, &len); !r) {
    return r.error();
  }
  if (!l.onoff) return std::optional<std::chrono::seconds>();
  return std::optional<std::chrono::seconds>(std::chrono::seconds(l.linger));
}

core::Result<void> socket_error(int fd) noexcept {
  core::Result<int> e = core::getsockopt_int(fd, core::sol::socket, core::so::error);
  if (!e) return e.error();
  if (*e != 0) return core::Errno(*e);
  return core::Ok();
}

core::Result<SocketAddress> local_address(int fd) noexcept {
  core::SockAddrStorage storage{};
  core::SockLen len = sizeof storage;
  if (auto r = core::getsockname(fd, &storage, &len); !r) return r.error();
  return SocketAddress::FromSockaddr(&storage, len);
}

core::Result<SocketAddress> peer_address(int fd) noexcept {
  core::SockAddrStorage storage{};
  core::SockLen len = sizeof storage;
  if (auto r = core::getpeername(fd, &storage, &len); !r) return r.error();
  return SocketAddress::FromSockaddr(&storage, len);
}

core::Result<core::Fd> bound_socket(const SocketAddress& address, int type,
                                    const BindOptions& options) noexcept {
  if (!address.is_ip()) return core::err::afnosupport;
  core::Result<int> raw = core::socket(address.domain(), type | core::sock::cloexec);
  if (!raw) return raw.error();
  core::Fd fd(*raw);
  if (options.reuse_address) {
    if (auto r = set_reuse_address(fd.get(), true); !r) return r.error();
  }
  if (options.reuse_port) {
    if (auto r = set_reuse_port(fd.get(), true); !r) return r.error();
  }
  if (address.family() == SocketAddress::Family::kIpv6) {
    if (auto r = core::setsockopt_int(fd.get(), core::sol::ipv6, core::ipv6::v6only,
                                      options.ipv6_only ? 1 : 0);
        !r) {
      return r.error();
    }
  }
  if (auto r = core::bind(fd.get(), address.data(), address.size()); !r) return r.error();
  return fd;
}

}  // namespace zring::net
