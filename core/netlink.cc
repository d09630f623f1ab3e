// Interface listing over rtnetlink: one RTM_GETLINK dump request on a fresh
// NETLINK_ROUTE socket, replies parsed in place from a stack buffer.
//
// The wire format (include/uapi/linux/netlink.h, rtnetlink.h, if_link.h) is
// spelled out below under our own names: core/ includes no kernel or libc
// header. The structs stay private to this file; tests/core/netlink_test.cc
// checks what they decode against if_nameindex() and the SIOCGIF* ioctls.
#include "zring/core/netlink.h"

#include <cstddef>
#include <cstdint>

#include "zring/core/constants.h"
#include "zring/core/result.h"
#include "zring/core/socket.h"
#include "zring/core/syscall.h"
#include "zring/core/types.h"

namespace zring::core {
namespace {

// ---------------------------------------------------------------------------
// Wire format.
// ---------------------------------------------------------------------------

// struct nlmsghdr: the header of every netlink message.
struct NlHeader {
  std::uint32_t len;    // header + payload, unpadded
  std::uint16_t type;   // nlm::msg_*, rtm::*
  std::uint16_t flags;  // nlm::f_*
  std::uint32_t seq;    // echoed back by the kernel
  std::uint32_t port;   // sender's port id; 0 from the kernel
};
static_assert(sizeof(NlHeader) == 16, "NlHeader must match struct nlmsghdr");

// struct ifinfomsg: the fixed part of RTM_NEWLINK / RTM_GETLINK.
struct IfInfo {
  std::uint8_t family;
  std::uint8_t pad;
  std::uint16_t type;  // ARPHRD_*
  std::int32_t index;
  std::uint32_t flags;   // IFF_*
  std::uint32_t change;  // which flags a set request changes
};
static_assert(sizeof(IfInfo) == 16, "IfInfo must match struct ifinfomsg");

// struct rtattr: a type-length-value attribute after the fixed part.
struct Attr {
  std::uint16_t len;  // header + data, unpadded
  std::uint16_t type;
};
static_assert(sizeof(Attr) == 4, "Attr must match struct rtattr");

// NLA_TYPE_MASK: an attribute type without NLA_F_NESTED and
// NLA_F_NET_BYTEORDER.
constexpr std::uint16_t kAttrTypeMask = 0x3fff;

// The kernel sizes dump batches to the reader's buffer, up to 32 KiB; a
// buffer that large never sees a truncated batch.
constexpr std::size_t kBufferSize = 32 * 1024;

// Each call opens its own socket, so one fixed sequence number suffices.
constexpr std::uint32_t kSeq = 1;

// How many times a dump the kernel flags as inconsistent is redone.
constexpr int kAttempts = 4;

// Messages and attributes start on 4-byte boundaries (NLMSG_ALIGN,
// RTA_ALIGN).
constexpr std::size_t Align4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

// Load<T>(p): a T copied out of the receive buffer. The buffer holds bytes,
// not objects, so fields are copied rather than read through a cast.
template <class T>
T Load(const unsigned char* p) noexcept {
  T v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// Closes the netlink socket on every way out of Dump().
class SocketCloser final {
 public:
  explicit SocketCloser(int fd) noexcept : fd_(fd) {}
  SocketCloser(const SocketCloser&) = delete;
  SocketCloser& operator=(const SocketCloser&) = delete;
  ~SocketCloser() { (void)syscall1(nr::close, fd_); }

 private:
  int fd_;
};

// ParseLink(): the Link an RTM_NEWLINK payload describes; false if the
// payload is malformed.
bool ParseLink(const unsigned char* p, std::size_t len, Link* out) noexcept {
  if (len < sizeof(IfInfo)) return false;
  const auto info = Load<IfInfo>(p);
  *out = Link{};
  out->index = info.index;
  out->flags = info.flags;

  std::size_t at = Align4(sizeof(IfInfo));
  while (at < len && len - at >= sizeof(Attr)) {
    const auto a = Load<Attr>(p + at);
    if (a.len < sizeof(Attr) || a.len > len - at) return false;
    const unsigned char* data = p + at + sizeof(Attr);
    const std::size_t data_len = a.len - sizeof(Attr);
    switch (a.type & kAttrTypeMask) {
      case ifla::ifname: {
        // NUL-terminated on the wire; copy at most kNameSize - 1 bytes and
        // terminate ourselves in case it is not.
        std::size_t n = 0;
        while (n < data_len && n < Link::kNameSize - 1 && data[n] != 0) {
          out->name[n] = static_cast<char>(data[n]);
          ++n;
        }
        out->name[n] = '\0';
        break;
      }
      case ifla::mtu:
        if (data_len >= sizeof(std::uint32_t)) out->mtu = Load<std::uint32_t>(data);
        break;
      case ifla::address: {
        const std::size_t n = data_len < Link::kMaxHwAddr ? data_len : Link::kMaxHwAddr;
        for (std::size_t i = 0; i < n; ++i) out->hw_addr[i] = data[i];
        out->hw_addr_len = static_cast<unsigned>(n);
        break;
      }
      default:
        break;
    }
    at += Align4(a.len);
  }
  return true;
}

// How a dump ended.
enum class DumpEnd {
  kComplete,     // NLMSG_DONE, every link seen once
  kStopped,      // the visitor asked to stop
  kInterrupted,  // NLMSG_DONE, but the kernel flagged the list as changed
};

// Dump(): runs one RTM_GETLINK dump and calls visit(const Link&) for each
// link, in the kernel's order, until visit returns false or the dump ends.
template <class Visit>
Result<DumpEnd> Dump(Visit&& visit) noexcept {
  Result<int> fd = core::socket(af::netlink, sock::raw | sock::cloexec, netlink::route);
  if (!fd) return fd.error();
  SocketCloser closer(*fd);

  struct Request {
    NlHeader hdr;
    IfInfo info;
  } req{};
  static_assert(sizeof(Request) == sizeof(NlHeader) + sizeof(IfInfo),
                "the request must have no padding between header and payload");
  req.hdr.len = sizeof req;
  req.hdr.type = rtm::getlink;
  req.hdr.flags = nlm::f_request | nlm::f_dump;
  req.hdr.seq = kSeq;
  req.info.family = af::unspec;  // every family

  SockAddrNl kernel{};
  kernel.family = af::netlink;  // pid 0: the kernel
  Result<std::size_t> sent = core::sendto(*fd, &req, sizeof req, 0, &kernel, sizeof kernel);
  if (!sent) return sent.error();

  alignas(8) unsigned char buf[kBufferSize];
  bool interrupted = false;
  for (;;) {
    SockAddrNl from{};
    IoVec iov{buf, sizeof buf};
    MsgHdr m{};
    m.name = &from;
    m.namelen = sizeof from;
    m.iov = &iov;
    m.iovlen = 1;
    Result<std::size_t> got = core::recvmsg(*fd, &m, 0);
    if (!got) {
      if (got.error() == err::intr) continue;
      return got.error();
    }
    if ((m.flags & msg::trunc) != 0) return err::msgsize;
    if (from.pid != 0) continue;  // only the kernel speaks for the kernel

    const std::size_t len = *got;
    std::size_t at = 0;
    while (at < len && len - at >= sizeof(NlHeader)) {
      const auto h = Load<NlHeader>(buf + at);
      if (h.len < sizeof(NlHeader) || h.len > len - at) return err::proto;
      const unsigned char* payload = buf + at + sizeof(NlHeader);
      const std::size_t payload_len = h.len - sizeof(NlHeader);
      at += Align4(h.len);
      if (h.seq != kSeq) continue;  // not an answer to our request
      if ((h.flags & nlm::f_dump_intr) != 0) interrupted = true;

      switch (h.type) {
        case nlm::msg_done:
          return interrupted ? DumpEnd::kInterrupted : DumpEnd::kComplete;
        case nlm::msg_error: {
          if (payload_len < sizeof(std::int32_t)) return err::proto;
          const auto error = Load<std::int32_t>(payload);
          if (error < -4095 || error > 0) return err::proto;
          if (error < 0) return Errno(-error);
          // 0 is an acknowledgement: nothing follows it.
          return interrupted ? DumpEnd::kInterrupted : DumpEnd::kComplete;
        }
        case nlm::msg_overrun:
          return err::nobufs;
        case rtm::newlink: {
          Link link;
          if (!ParseLink(payload, payload_len, &link)) return err::proto;
          if (!visit(static_cast<const Link&>(link))) return DumpEnd::kStopped;
          break;
        }
        case nlm::msg_noop:
        default:
          break;
      }
    }
  }
}

// FindLink(): the first link for which match(link) holds; err::nodev if
// a complete dump has none.
template <class Match>
Result<Link> FindLink(Match&& match) noexcept {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    Link found{};
    bool have = false;
    Result<DumpEnd> end = Dump([&](const Link& link) {
      if (!match(link)) return true;
      found = link;
      have = true;
      return false;
    });
    if (!end) return end.error();
    if (have) return found;
    if (*end == DumpEnd::kComplete) return err::nodev;
    // Interrupted without a match: the link may have been missed, redo.
  }
  return err::again;
}

}  // namespace

Result<std::size_t> Links(Link* out, std::size_t capacity) noexcept {
  if (out == nullptr) capacity = 0;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::size_t total = 0;
    Result<DumpEnd> end = Dump([&](const Link& link) {
      if (total < capacity) out[total] = link;
      ++total;
      return true;
    });
    if (!end) return end.error();
    if (*end == DumpEnd::kComplete) return total;
  }
  return err::again;
}

Result<Link> LinkByName(const char* name) noexcept {
  if (name == nullptr) return err::inval;
  std::size_t name_len = 0;
  while (name[name_len] != '\0') {
    if (++name_len >= Link::kNameSize) return err::nodev;  // too long to exist
  }
  return FindLink([&](const Link& link) {
    for (std::size_t i = 0; i <= name_len; ++i) {  // the NUL included
      if (link.name[i] != name[i]) return false;
    }
    return true;
  });
}

Result<Link> LinkByIndex(int index) noexcept {
  if (index <= 0) return err::nodev;
  return FindLink([&](const Link& link) { return link.index == index; });
}

}  // namespace zring::core
