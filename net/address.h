// zring/net/address.h — SocketAddress: an IPv4, IPv6 or Unix socket
// address that parses, prints and converts to and from sockaddr.
//
//   auto a = zring::net::SocketAddress::Parse("[fe80::1%lo]:8080");
//   if (!a) return a.error();                       // EINVAL for bad text
//   core::bind(fd, a->data(), a->size());
//   std::string s = a->ToString();                  // "[fe80::1%1]:8080"
//
// Accepted text:
//   "1.2.3.4:80"            IPv4 (dotted quad, each part 0..255)
//   "[::1]:80", "[fe80::1%eth0]:80", "[fe80::1%2]:80"
//                           IPv6, with an interface name or index as scope
//   "unix:/run/app.sock"    a Unix path (at most 107 bytes)
//   "unix:@name"            a Linux abstract Unix name
// Ports are decimal 0..65535. Anything else is EINVAL; an unknown interface
// name is ENODEV.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zring/core/result.h"
#include "zring/core/socket.h"

namespace zring::net {

class SocketAddress final {
 public:
  enum class Family : uint8_t { kNone, kIpv4, kIpv6, kUnix };

  SocketAddress() = default;

  // Parse(): see the file comment for the accepted forms.
  [[nodiscard]] static core::Result<SocketAddress> Parse(std::string_view text);

  // The usual ones, without parsing.
  [[nodiscard]] static SocketAddress Ipv4(uint32_t host_order_addr, uint16_t port) noexcept;
  [[nodiscard]] static SocketAddress Ipv4Loopback(uint16_t port) noexcept {
    return Ipv4(0x7f000001, port);
  }
  [[nodiscard]] static SocketAddress Ipv4Any(uint16_t port) noexcept { return Ipv4(0, port); }
  [[nodiscard]] static SocketAddress Ipv6(const uint8_t (&addr)[16], uint16_t port,
                                          uint32_t scope_id = 0) noexcept;
  [[nodiscard]] static SocketAddress Ipv6Loopback(uint16_t port) noexcept;
  [[nodiscard]] static core::Result<SocketAddress> Unix(std::string_view path);
  [[nodiscard]] static core::Result<SocketAddress> UnixAbstract(std::string_view name);

  // FromSockaddr(): from what accept/getsockname/recvfrom returned. EINVAL
  // for an unknown family or a length too short for it.
  [[nodiscard]] static core::Result<SocketAddress> FromSockaddr(const void* addr,
                                                               core::SockLen len);

  [[nodiscard]] Family family() const noexcept { return family_; }
  [[nodiscard]] bool is_ip() const noexcept {
    return family_ == Family::kIpv4 || family_ == Family::kIpv6;
  }
  // The socket domain to create for this address (af::inet, af::inet6,
  // af::local).
  [[nodiscard]] int domain() const noexcept;
  [[nodiscard]] uint16_t port() const noexcept;
  void set_port(uint16_t port) noexcept;

  // The sockaddr to pass to bind/connect/sendto.
  [[nodiscard]] const void* data() const noexcept { return &storage_; }
  [[nodiscard]] core::SockLen size() const noexcept { return len_; }

  // ToString(): the text Parse() accepts, IPv6 in its shortest form
  // (RFC 5952) with a numeric scope.
  [[nodiscard]] std::string ToString() const;

  friend bool operator==(const SocketAddress& a, const SocketAddress& b) noexcept;

 private:
  core::SockAddrStorage storage_{};
  core::SockLen len_ = 0;
  Family family_ = Family::kNone;
};

// ParseIpv4() / ParseIpv6(): just the address part, into network-order
// bytes. False for malformed text.
[[nodiscard]] bool ParseIpv4(std::string_view text, uint8_t (&out)[4]) noexcept;
[[nodiscard]] bool ParseIpv6(std::string_view text, uint8_t (&out)[16]) noexcept;

}  // namespace zring::net
