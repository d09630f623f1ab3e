// SocketAddress: parsing and printing without libc's inet_* helpers.
#include "zring/net/address.h"

#include <cstring>

#include "zring/core/constants.h"
#include "zring/core/netlink.h"

namespace zring::net {
namespace {

bool ParseDecimal(std::string_view text, uint32_t max, uint32_t* out) {
  if (text.empty() || text.size() > 10) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "host:port" → host, port; the host of an IPv6 address keeps its brackets.
bool SplitHostPort(std::string_view text, std::string_view* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  uint32_t p;
  if (!ParseDecimal(text.substr(colon + 1), 65535, &p)) return false;
  *host = text.substr(0, colon);
  *port = static_cast<uint16_t>(p);
  return true;
}

void AppendHex16(std::string* out, unsigned v) {
  static const char kDigits[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned d = (v >> shift) & 0xf;
    if (d != 0 || started || shift == 0) {
      out->push_back(kDigits[d]);
      started = true;
    }
  }
}

// The shortest text form of an IPv6 address (RFC 5952).
void AppendIpv6(std::string* out, const unsigned char* addr) {
  unsigned g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<unsigned>(addr[2 * i] << 8 | addr[2 * i + 1]);
  // IPv4-mapped addresses keep the dotted quad (section 5).
  if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
    *out += "::ffff:";
    for (int i = 12; i < 16; ++i) {
      *out += std::to_string(addr[i]);
      if (i < 15) *out += '.';
    }
    return;
  }
  // The longest run of two or more zero groups becomes "::" (the first
  // such run on a tie).
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      *out += "::";
      i += best_len - 1;
      continue;
    }
    if (i > 0 && !(best >= 0 && i == best + best_len)) *out += ':';
    AppendHex16(out, g[i]);
  }
}

}  // namespace

bool ParseIpv4(std::string_view text, uint8_t (&out)[4]) noexcept {
  for (int i = 0; i < 4; ++i) {
    size_t dot = i < 3 ? text.find('.') : text.size();
    if (dot == std::string_view::npos) return false;
    std::string_view part = text.substr(0, dot);
    // No leading zeros: "01" is octal to some parsers and ambiguous.
    if (part.size() > 1 && part[0] == '0') return false;
    uint32_t v;
    if (!ParseDecimal(part, 255, &v)) return false;
    out[i] = static_cast<uint8_t>(v);
    text.remove_prefix(i < 3 ? dot + 1 : dot);
  }
  return text.empty();
}

bool ParseIpv6(std::string_view text, uint8_t (&out)[16]) noexcept {
  uint16_t groups[8] = {};
  int count = 0;      // groups written
  int gap = -1;       // where "::" stands, in groups
  if (text.size() >= 2 && text.substr(0, 2) == "::") {
    gap = 0;
    text.remove_prefix(2);
  }
  while (!text.empty()) {
    if (count == 8) return false;
    // A trailing dotted quad fills two groups ("::ffff:1.2.3.4").
    size_t colon = text.find(':');
    std::string_view part = text.substr(0, colon);
    if (colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
      uint8_t v4[4];
      if (count > 6 || !ParseIpv4(part, v4)) return false;
      groups[count++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      text = {};
      break;
    }
    if (part.empty() || part.size() > 4) return false;
    unsigned v = 0;
    for (char c : part) {
      int d = HexDigit(c);
      if (d < 0) return false;
      v = v << 4 | static_cast<unsigned>(d);
    }
    groups[count++] = static_cast<uint16_t>(v);
    if (colon == std::string_view::npos) {
      text = {};
      break;
    }
    text.remove_prefix(colon + 1);
    if (!text.empty() && text[0] == ':') {
      if (gap >= 0) return false;  // "::" twice
      gap = count;
      text.remove_prefix(1);
    } else if (text.empty()) {
      return false;  // a single trailing ':'
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count > 7) return false;
  uint16_t full[8] = {};
  if (gap < 0) {
    std::memcpy(full, groups, sizeof full);
  } else {
    int tail = count - gap;
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  }
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(full[i]);
  }
  return true;
}

SocketAddress SocketAddress::Ipv4(uint32_t host_order_addr, uint16_t port) noexcept {
  SocketAddress a;
  auto* in = reinterpret_cast<core::SockAddrIn*>(&a.storage_);
  in->family = static_cast<uint16_t>(core::af::inet);
  in->port = core::host_to_net16(port);
  in->addr = core::host_to_net32(host_order_addr);
  a.len_ = sizeof(core::SockAddrIn);
  a.family_ = Family::kIpv4;
  return a;
}

SocketAddress SocketAddress::Ipv6(const uint8_t (&addr)[16], uint16_t port,
                                  uint32_t scope_id) noexcept {
  SocketAddress a;
  auto* in6 = reinterpret_cast<core::SockAddrIn6*>(&a.storage_);
  in6->family = static_cast<uint16_t>(core::af::inet6);
  in6->port = core::host_to_net16(port);
  std::memcpy(in6->addr, addr, 16);
  in6->scope_id = scope_id;
  a.len_ = sizeof(core::SockAddrIn6);
  a.family_ = Family::kIpv6;
  return a;
}

SocketAddress SocketAddress::Ipv6Loopback(uint16_t port) noexcept {
  uint8_t loopback[16] = {};
  loopback[15] = 1;
  return Ipv6(loopback, port);
}

core::Result<SocketAddress> SocketAddress::Unix(std::string_view path) {
  SocketAddress a;
  auto* un = reinterpret_cast<core::SockAddrUn*>(&a.storage_);
  if (path.empty() || path.size() >= sizeof un->path) return core::err::inval;
  if (path.find('\0') != std::string_view::npos) return core::err::inval;
  un->family = static_cast<uint16_t>(core::af::local);
  std::memcpy(un->path, path.data(), path.size());
  a.len_ = static_cast<core::SockLen>(offsetof(core::SockAddrUn, path) + path.size() + 1);
  a.family_ = Family::kUnix;
  return a;
}

core::Result<SocketAddress> SocketAddress::UnixAbstract(std::string_view name) {
  SocketAddress a;
  auto* un = reinterpret_cast<core::SockAddrUn*>(&a.storage_);
  // Abstract names start with a NUL byte and are not NUL-terminated: the
  // length says where they end.
  if (name.size() + 1 > sizeof un->path) return core::err::inval;
  un->family = static_cast<uint16_t>(core::af::local);
  un->path[0] = '\0';
  std::memcpy(un->path + 1, name.data(), name.size());
  a.len_ = static_cast<core::SockLen>(offsetof(core::SockAddrUn, path) + 1 + name.size());
  a.family_ = Family::kUnix;
  return a;
}

core::Result<SocketAddress> SocketAddress::Parse(std::string_view text) {
  if (text.substr(0, 5) == "unix:") {
    std::string_view rest = text.substr(5);
    if (!rest.empty() && rest[0] == '@') return UnixAbstract(rest.substr(1));
    return Unix(rest);
  }
  std::string_view host;
  uint16_t port;
  if (!SplitHostPort(text, &host, &port)) return core::err::inval;
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return core::err::inval;
    host = host.substr(1, host.size() - 2);
    uint32_t scope = 0;
    size_t pct = host.find('%');
    if (pct != std::string_view::npos) {
      std::string_view zone = host.substr(pct + 1);
      host = host.substr(0, pct);
      if (zone.empty()) return core::err::inval;
      if (!ParseDecimal(zone, 0xffffffffu, &scope)) {
        std::string name(zone);
        core::Result<core::Link> link = core::LinkByName(name.c_str());
        if (!link) return link.error();
        scope = static_cast<uint32_t>(link->index);
      }
    }
    uint8_t addr[16];
    if (!ParseIpv6(host, addr)) return core::err::inval;
    return Ipv6(addr, port, scope);
  }
  uint8_t v4[4];
  if (!ParseIpv4(host, v4)) return core::err::inval;
  return Ipv4(static_cast<uint32_t>(v4[0]) << 24 | static_cast<uint32_t>(v4[1]) << 16 |
                  static_cast<uint32_t>(v4[2]) << 8 | v4[3],
              port);
}

core::Result<SocketAddress> SocketAddress::FromSockaddr(const void* addr, core::SockLen len) {
  if (addr == nullptr || len < sizeof(uint16_t) || len > sizeof(core::SockAddrStorage)) {
    return core::err::inval;
  }
  uint16_t family;
  std::memcpy(&family, addr, sizeof family);
  SocketAddress a;
  if (family == core::af::inet && len >= sizeof(core::SockAddrIn)) {
    a.family_ = Family::kIpv4;
    a.len_ = sizeof(core::SockAddrIn);
  } else if (family == core::af::inet6 && len >= sizeof(core::SockAddrIn6)) {
    a.family_ = Family::kIpv6;
    a.len_ = sizeof(core::SockAddrIn6);
  } else if (family == core::af::local) {
    a.family_ = Family::kUnix;
    a.len_ = len;
  } else {
    return core::err::inval;
  }
  std::memcpy(&a.storage_, addr, a.len_);
  return a;
}

int SocketAddress::domain() const noexcept {
  switch (family_) {
    case Family::kIpv4: return core::af::inet;
    case Family::kIpv6: return core::af::inet6;
    case Family::kUnix: return core::af::local;
    case Family::kNone: break;
  }
  return core::af::unspec;
}

uint16_t SocketAddress::port() const noexcept {
  if (family_ == Family::kIpv4) {
    return core::net_to_host16(reinterpret_cast<const core::SockAddrIn*>(&storage_)->port);
  }
  if (family_ == Family::kIpv6) {
    return core::net_to_host16(reinterpret_cast<const core::SockAddrIn6*>(&storage_)->port);
  }
  return 0;
}

void SocketAddress::set_port(uint16_t port) noexcept {
  if (family_ == Family::kIpv4) {
    reinterpret_cast<core::SockAddrIn*>(&storage_)->port = core::host_to_net16(port);
  } else if (family_ == Family::kIpv6) {
    reinterpret_cast<core::SockAddrIn6*>(&storage_)->port = core::host_to_net16(port);
  }
}

std::string SocketAddress::ToString() const {
  std::string out;
  if (family_ == Family::kIpv4) {
    auto* in = reinterpret_cast<const core::SockAddrIn*>(&storage_);
    uint32_t a = core::net_to_host32(in->addr);
    for (int shift = 24; shift >= 0; shift -= 8) {
      out += std::to_string((a >> shift) & 0xff);
      if (shift) out += '.';
    }
  } else if (family_ == Family::kIpv6) {
    auto* in6 = reinterpret_cast<const core::SockAddrIn6*>(&storage_);
    out += '[';
    AppendIpv6(&out, in6->addr);
    if (in6->scope_id != 0) out += "%" + std::to_string(in6->scope_id);
    out += ']';
  } else if (family_ == Family::kUnix) {
    auto* un = reinterpret_cast<const core::SockAddrUn*>(&storage_);
    size_t n = len_ - offsetof(core::SockAddrUn, path);
    if (n > 0 && un->path[0] == '\0') {
      return "unix:@" + std::string(un->path + 1, n - 1);
    }
    return "unix:" + std::string(un->path, strnlen(un->path, n));
  } else {
    return "<none>";
  }
  out += ':';
  out += std::to_string(port());
  return out;
}

bool operator==(const SocketAddress& a, const SocketAddress& b) noexcept {
  return a.family_ == b.family_ && a.len_ == b.len_ &&
         std::memcmp(&a.storage_, &b.storage_, a.len_) == 0;
}

}  // namespace zring::net
