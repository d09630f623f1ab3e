// zring/core/arch/host_sockets.cc — the host layer's socket calls:
// Linux's address layouts, socket types, message flags and options,
// converted to the host's and back.
#include "zring/core/syscall.h"

#if defined(ZRING_CORE_HOST_SYSCALLS)

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "zring/core/arch/host_internal.h"
#include "zring/core/constants.h"
#include "zring/core/error.h"
#include "zring/core/socket_types.h"

namespace zring::core::arch::host {

// Hosts whose sockaddr starts with a length byte (4.4BSD's layout).
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
#define ZRING_HOST_SOCKADDR_LEN 1
#endif

namespace {

// --- addresses ----------------------------------------------------------------

// A host socket address converted from Linux's layout.
struct HostAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
  sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
};

// Linux layout -> host layout. Returns 0 or a Linux errno.
// No address (a null pointer, or a zero length as a connected socket's
// sendmsg passes) leaves out->len at 0.
int ToHostAddr(const void* linux_addr, long len, HostAddr* out) noexcept {
  if (linux_addr == nullptr || len == 0) {
    out->len = 0;
    return 0;
  }
  if (len < static_cast<long>(sizeof(std::uint16_t))) return err::inval.value();
  std::uint16_t family;
  memcpy(&family, linux_addr, sizeof family);
  switch (family) {
    case af::inet: {
      if (len < static_cast<long>(sizeof(SockAddrIn))) return err::inval.value();
      SockAddrIn in;
      memcpy(&in, linux_addr, sizeof in);
      auto* h = reinterpret_cast<sockaddr_in*>(&out->storage);
      h->sin_family = AF_INET;
      h->sin_port = in.port;
      memcpy(&h->sin_addr, &in.addr, sizeof in.addr);
      out->len = sizeof(sockaddr_in);
      break;
    }
    case af::inet6: {
      if (len < static_cast<long>(sizeof(SockAddrIn6))) return err::inval.value();
      SockAddrIn6 in6;
      memcpy(&in6, linux_addr, sizeof in6);
      auto* h = reinterpret_cast<sockaddr_in6*>(&out->storage);
      h->sin6_family = AF_INET6;
      h->sin6_port = in6.port;
      h->sin6_flowinfo = in6.flowinfo;
      memcpy(&h->sin6_addr, in6.addr, sizeof in6.addr);
      h->sin6_scope_id = in6.scope_id;
      out->len = sizeof(sockaddr_in6);
      break;
    }
    case af::local: {
      auto* h = reinterpret_cast<sockaddr_un*>(&out->storage);
      const char* path = static_cast<const char*>(linux_addr) + offsetof(SockAddrUn, path);
      long path_len = len - static_cast<long>(offsetof(SockAddrUn, path));
      if (path_len > static_cast<long>(sizeof h->sun_path) && path[0] != '\0') {
        // Linux reads a path only up to its NUL (a caller may pass the
        // whole struct's size); a host's sun_path may be shorter (104).
        path_len = static_cast<long>(strnlen(path, static_cast<size_t>(path_len))) + 1;
      }
      if (path_len < 0 || path_len > static_cast<long>(sizeof h->sun_path)) {
        return err::nametoolong.value();
      }
      h->sun_family = AF_UNIX;
      memcpy(h->sun_path, path, static_cast<size_t>(path_len));
      out->len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_len);
      break;
    }
    case af::unspec:
      // connect() with AF_UNSPEC dissolves a datagram association.
      if (len > static_cast<long>(sizeof out->storage)) return err::inval.value();
      out->storage.ss_family = AF_UNSPEC;
      out->len = static_cast<socklen_t>(len);
      break;
    default:
      if constexpr (!kLinux) return err::afnosupport.value();
      if (len > static_cast<long>(sizeof out->storage)) return err::inval.value();
      memcpy(&out->storage, linux_addr, static_cast<size_t>(len));
      out->len = static_cast<socklen_t>(len);
      return 0;
  }
#ifdef ZRING_HOST_SOCKADDR_LEN
  out->storage.ss_len = static_cast<std::uint8_t>(out->len);
#endif
  return 0;
}

// Host layout -> Linux layout, into the caller's buffer of *linux_len bytes
// (truncated as the kernel truncates), *linux_len set to the full size.
void ToLinuxAddr(const sockaddr_storage& host, socklen_t host_len, void* linux_addr,
                 SockLen* linux_len) noexcept {
  if (linux_addr == nullptr || linux_len == nullptr) return;
  if (host_len == 0) {  // no address (recvfrom on a stream socket)
    *linux_len = 0;
    return;
  }
  SockAddrStorage out{};
  size_t size = 0;
  switch (host.ss_family) {
    case AF_INET: {
      const auto* h = reinterpret_cast<const sockaddr_in*>(&host);
      SockAddrIn in{};
      in.family = af::inet;
      in.port = h->sin_port;
      memcpy(&in.addr, &h->sin_addr, sizeof in.addr);
      memcpy(&out, &in, sizeof in);
      size = sizeof in;
      break;
    }
    case AF_INET6: {
      const auto* h = reinterpret_cast<const sockaddr_in6*>(&host);
      SockAddrIn6 in6{};
      in6.family = af::inet6;
      in6.port = h->sin6_port;
      in6.flowinfo = h->sin6_flowinfo;
      memcpy(in6.addr, &h->sin6_addr, sizeof in6.addr);
      in6.scope_id = h->sin6_scope_id;
      memcpy(&out, &in6, sizeof in6);
      size = sizeof in6;
      break;
    }
    case AF_UNIX: {
      const auto* h = reinterpret_cast<const sockaddr_un*>(&host);
      const size_t path_offset = offsetof(sockaddr_un, sun_path);
      size_t path_len = host_len > path_offset ? host_len - path_offset : 0;
      if constexpr (!kLinux) {
        // A BSD reports an unnamed socket as a zeroed path (sun_noname),
        // Linux as the family alone; a named one up to its NUL, plus it.
        const size_t n = strnlen(h->sun_path, path_len);
        path_len = n == 0 ? 0 : n + 1 <= path_len ? n + 1 : n;
      }
      if (path_len > sizeof(SockAddrUn::path)) path_len = sizeof(SockAddrUn::path);
      out.family = af::local;
      memcpy(reinterpret_cast<char*>(&out) + offsetof(SockAddrUn, path), h->sun_path, path_len);
      size = offsetof(SockAddrUn, path) + path_len;
      break;
    }
    default:
      // An unknown family: its bytes as they are on Linux, and only the
      // family elsewhere.
      if constexpr (kLinux) {
        size = host_len < sizeof out ? host_len : sizeof out;
        memcpy(&out, &host, size);
      } else {
        out.family = static_cast<std::uint16_t>(host.ss_family);
        size = sizeof out.family;
      }
      break;
  }
  const size_t room = *linux_len;
  memcpy(linux_addr, &out, size < room ? size : room);
  *linux_len = static_cast<SockLen>(size);
}

// --- sockets ----------------------------------------------------------------

int HostFamily(long family, bool* unknown) noexcept {
  switch (family) {
    case af::unspec: return AF_UNSPEC;
    case af::local: return AF_UNIX;
    case af::inet: return AF_INET;
    case af::inet6: return AF_INET6;
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<int>(family);
  }
}

int HostSockType(long type, bool* unknown) noexcept {
  switch (type) {
    case sock::stream: return SOCK_STREAM;
    case sock::dgram: return SOCK_DGRAM;
    case sock::raw: return SOCK_RAW;
    case sock::seqpacket: return SOCK_SEQPACKET;
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<int>(type);
  }
}

// A new socket's setup where the host lacks SOCK_NONBLOCK/SOCK_CLOEXEC
// or MSG_NOSIGNAL.
long FinishSocket(long fd, bool nonblock, bool cloexec) noexcept {
#if defined(SO_NOSIGPIPE)
  if (fd >= 0) {
    int one = 1;
    setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  }
#endif
  return SetFdFlags(fd, nonblock, cloexec);
}

// socket()'s and socketpair()'s family and type, in the host's values,
// with the flags Linux or-s into the type taken apart.
struct SocketArgs {
  int family;
  int type;
  bool nonblock;
  bool cloexec;
};

bool ToHostSocketArgs(long family, long type, SocketArgs* out) noexcept {
  bool unknown = false;
  out->nonblock = (type & sock::nonblock) != 0;
  out->cloexec = (type & sock::cloexec) != 0;
  out->family = HostFamily(family, &unknown);
  out->type = HostSockType(type & ~long{sock::nonblock | sock::cloexec}, &unknown);
  return !unknown;
}

long Socket(long family, long type, long protocol) noexcept {
  SocketArgs a;
  if (!ToHostSocketArgs(family, type, &a)) return Fail(err::afnosupport.value());
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  const int flags = (a.nonblock ? SOCK_NONBLOCK : 0) | (a.cloexec ? SOCK_CLOEXEC : 0);
  return FinishSocket(Ret(socket(a.family, a.type | flags, static_cast<int>(protocol))), false,
                      false);
#else
  return FinishSocket(Ret(socket(a.family, a.type, static_cast<int>(protocol))), a.nonblock,
                      a.cloexec);
#endif
}

long SocketPair(long family, long type, long protocol, int* fds) noexcept {
  SocketArgs a;
  if (!ToHostSocketArgs(family, type, &a)) return Fail(err::afnosupport.value());
  long r = Ret(socketpair(a.family, a.type, static_cast<int>(protocol), fds));
  if (r < 0) return r;
  for (int i = 0; i < 2; ++i) {
    long f = FinishSocket(fds[i], a.nonblock, a.cloexec);
    if (f < 0) {
      close(fds[1 - i]);  // FinishSocket() closed the other on failure
      return f;
    }
  }
  return 0;
}

long Accept(long fd, void* addr, SockLen* addrlen, long flags) noexcept {
  if ((flags & ~long{sock::nonblock | sock::cloexec}) != 0) return Fail(err::inval.value());
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof peer;
  auto* peer_addr = reinterpret_cast<sockaddr*>(&peer);
  const bool nonblock = (flags & sock::nonblock) != 0;
  const bool cloexec = (flags & sock::cloexec) != 0;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  long r = Ret(accept4(static_cast<int>(fd), peer_addr, &peer_len,
                       (nonblock ? SOCK_NONBLOCK : 0) | (cloexec ? SOCK_CLOEXEC : 0)));
#else
  long r = Ret(accept(static_cast<int>(fd), peer_addr, &peer_len));
  // Flags set before the caller sees the fd; a fork in between is the
  // window a host without accept4 cannot close. A BSD's accept() also
  // copies O_NONBLOCK from the listener, which Linux's does not: cleared
  // unless asked for.
  if (r >= 0) {
    const int fl = fcntl(static_cast<int>(r), F_GETFL);
    if (fl != -1 && (fl & O_NONBLOCK) != 0 && !nonblock) {
      (void)fcntl(static_cast<int>(r), F_SETFL, fl & ~O_NONBLOCK);
    }
    r = FinishSocket(r, nonblock, cloexec);
  }
#endif
  if (r >= 0) ToLinuxAddr(peer, peer_len, addr, addrlen);
  return r;
}

long AddrCall(int (*call)(int, const sockaddr*, socklen_t), long fd, const void* addr,
              long len) noexcept {
  HostAddr h;
  if (int e = ToHostAddr(addr, len, &h); e != 0) return Fail(e);
  return Ret(call(static_cast<int>(fd), h.get(), h.len));
}

// connect(): on Linux, calling it again on a nonblocking socket whose
// connect finished reports how it ended. A BSD instead says EISCONN or
// EINVAL, or has dropped the error; so there the pending error is read
// first, which is what Linux would return.
long Connect(long fd, const void* addr, long len) noexcept {
  if constexpr (!kLinux) {
    int e = 0;
    socklen_t l = sizeof e;
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e != 0) {
      return Fail(LinuxErrno(e));
    }
  }
  return AddrCall(&connect, fd, addr, len);
}

long NameCall(int (*call)(int, sockaddr*, socklen_t*), long fd, void* addr,
              SockLen* len) noexcept {
  sockaddr_storage h{};
  socklen_t hl = sizeof h;
  long r = Ret(call(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&h), &hl));
  if (r == 0) ToLinuxAddr(h, hl, addr, len);
  return r;
}

long SendTo(long fd, const void* buf, size_t len, long flags, const void* addr,
            long addrlen) noexcept {
  bool unknown = false;
  const int host_flags = ToHostBits(flags, kMsgFlags, kMsgFlagCount, &unknown);
  if (unknown) return Fail(err::inval.value());
  HostAddr h;
  if (int e = ToHostAddr(addr, addrlen, &h); e != 0) return Fail(e);
  return Ret(sendto(static_cast<int>(fd), buf, len, host_flags, h.len != 0 ? h.get() : nullptr,
                    h.len));
}

long RecvFrom(long fd, void* buf, size_t len, long flags, void* addr, SockLen* addrlen) noexcept {
  bool unknown = false;
  const int host_flags = ToHostBits(flags, kMsgFlags, kMsgFlagCount, &unknown);
  if (unknown) return Fail(err::inval.value());
  sockaddr_storage h{};
  socklen_t hl = sizeof h;
  long r = Ret(recvfrom(static_cast<int>(fd), buf, len, host_flags,
                        addr ? reinterpret_cast<sockaddr*>(&h) : nullptr, addr ? &hl : nullptr));
  if (r >= 0 && addr != nullptr) ToLinuxAddr(h, hl, addr, addrlen);
  return r;
}

// --- control messages ---------------------------------------------------------

// Linux's control messages are a run of CMsgHdr {size_t len; int level;
// int type;} each followed by its data and aligned to 8; a BSD's header
// is 12 bytes and its alignment may be 4. They are rebuilt one by one with
// the host's CMSG_* macros (on Linux that is the identity). Only fd
// passing (SCM_RIGHTS, an array of ints everywhere) crosses to another
// host; other kinds pass on Linux and are refused (send) or dropped
// (receive) elsewhere.
constexpr size_t LinuxCmsgAlign(size_t n) noexcept {
  return (n + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1);
}
constexpr size_t kLinuxCmsgHeader = LinuxCmsgAlign(sizeof(CMsgHdr));
// The host-side buffer: enough for a few hundred fds in one message.
constexpr size_t kMaxControl = 2048;

bool IsRights(long level, long type) noexcept {
  return level == sol::socket && type == scm::rights;
}

// Linux's control in `m` into `out` (kMaxControl bytes, cmsghdr-aligned):
// bytes used, or -errno.
long ToHostControl(const MsgHdr& m, unsigned char* out) noexcept {
  const auto* in = static_cast<const unsigned char*>(m.control);
  size_t used = 0;
  for (size_t at = 0; at + sizeof(CMsgHdr) <= m.controllen;) {
    CMsgHdr c;
    memcpy(&c, in + at, sizeof c);
    if (c.len < kLinuxCmsgHeader || c.len > m.controllen - at) return Fail(err::inval.value());
    const size_t data_len = c.len - kLinuxCmsgHeader;
    const bool rights = IsRights(c.level, c.type);
    if (!rights && !kLinux) return Fail(err::opnotsupp.value());
    if (used + CMSG_SPACE(data_len) > kMaxControl) return Fail(err::nobufs.value());
    auto* h = reinterpret_cast<cmsghdr*>(out + used);
    h->cmsg_len = static_cast<decltype(h->cmsg_len)>(CMSG_LEN(data_len));
    h->cmsg_level = rights ? SOL_SOCKET : c.level;
    h->cmsg_type = rights ? SCM_RIGHTS : c.type;
    memcpy(CMSG_DATA(h), in + at + kLinuxCmsgHeader, data_len);
    used += CMSG_SPACE(data_len);
    at += LinuxCmsgAlign(c.len);
  }
  return static_cast<long>(used);
}

// The host's received control in `h` into Linux's buffer of `m`: bytes
// used. What does not fit is dropped and reported as msg::ctrunc, and the
// fds of a dropped part are closed, as Linux does.
size_t ToLinuxControl(msghdr& h, MsgHdr* m, bool* truncated) noexcept {
  auto* out = static_cast<unsigned char*>(m->control);
  const size_t cap = m->controllen;
  size_t used = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    const size_t data_len = c->cmsg_len - CMSG_LEN(0);
    const bool rights = c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS;
    if (!rights && !kLinux) continue;  // a host's own kind, which Linux has no layout for
    const size_t room = cap > used + kLinuxCmsgHeader ? cap - used - kLinuxCmsgHeader : 0;
    size_t take = data_len <= room ? data_len : 0;
    if (take < data_len) {
      *truncated = true;
      if (rights) {
        take = room / sizeof(int) * sizeof(int);
        for (size_t i = take; i + sizeof(int) <= data_len; i += sizeof(int)) {
          int fd;
          memcpy(&fd, CMSG_DATA(c) + i, sizeof fd);
          close(fd);
        }
      }
    }
    if (room == 0 || (take == 0 && data_len != 0)) continue;
    CMsgHdr lc{kLinuxCmsgHeader + take, rights ? sol::socket : c->cmsg_level,
               rights ? scm::rights : c->cmsg_type};
    memcpy(out + used, &lc, sizeof lc);
    memcpy(out + used + kLinuxCmsgHeader, CMSG_DATA(c), take);
    const size_t space = LinuxCmsgAlign(kLinuxCmsgHeader + take);
    used += space < cap - used ? space : cap - used;
  }
  return used;
}

// sendmsg/recvmsg, with addresses and control messages converted.
long MsgCall(bool send, long fd, MsgHdr* m, long flags) noexcept {
  bool unknown = false;
  const int host_flags = ToHostBits(flags, kMsgFlags, kMsgFlagCount, &unknown);
  if (unknown) return Fail(err::inval.value());
  static_assert(sizeof(IoVec) == sizeof(iovec) && offsetof(IoVec, len) == offsetof(iovec, iov_len),
                "IoVec must match the host's struct iovec");
  HostAddr name;
  if (send) {
    if (int e = ToHostAddr(m->name, m->namelen, &name); e != 0) return Fail(e);
  } else {
    name.len = sizeof name.storage;
  }
  msghdr h{};
  h.msg_name = m->name != nullptr && name.len != 0 ? name.get() : nullptr;
  h.msg_namelen = h.msg_name != nullptr ? name.len : 0;
  h.msg_iov = reinterpret_cast<iovec*>(m->iov);
  h.msg_iovlen = static_cast<decltype(h.msg_iovlen)>(m->iovlen);
  alignas(cmsghdr) unsigned char control[kMaxControl];
  if (m->control != nullptr && m->controllen != 0) {
    size_t len;
    if (send) {
      long used = ToHostControl(*m, control);
      if (used < 0) return used;
      len = static_cast<size_t>(used);
    } else {
      // As much as Linux's buffer holds, so that the host truncates where
      // Linux would (a BSD's smaller headers may leave more; that is cut
      // in ToLinuxControl()).
      len = m->controllen < kMaxControl ? m->controllen : kMaxControl;
    }
    h.msg_control = len != 0 ? control : nullptr;
    h.msg_controllen = static_cast<decltype(h.msg_controllen)>(len);
  }
  long r = send ? Ret(sendmsg(static_cast<int>(fd), &h, host_flags))
                : Ret(recvmsg(static_cast<int>(fd), &h, host_flags));
  if (r >= 0 && !send) {
    if (m->name != nullptr) {
      SockLen len = m->namelen;
      ToLinuxAddr(name.storage, h.msg_namelen, m->name, &len);
      m->namelen = len;
    }
    bool truncated = false;
    m->controllen = h.msg_control != nullptr ? ToLinuxControl(h, m, &truncated) : 0;
    m->flags = ToLinuxBits(h.msg_flags, kMsgFlags, kMsgFlagCount) | (truncated ? msg::ctrunc : 0);
  }
  return r;
}

// sendmmsg/recvmmsg, one message at a time: how many went, or the first
// message's error. recvmmsg's timeout is not kept (the poll backend never
// passes one); after the first message with msg::waitforone, the rest only
// take what is already there.
long MMsgCall(bool send, long fd, MMsgHdr* vec, long vlen, long flags,
              const void* timeout) noexcept {
  if (timeout != nullptr) return Fail(err::inval.value());
  long done = 0;
  for (; done < vlen; ++done) {
    long f = flags & ~long{msg::waitforone};
    if (!send && done > 0 && (flags & msg::waitforone) != 0) f |= msg::dontwait;
    long r = MsgCall(send, fd, &vec[done].hdr, f);
    if (r < 0) return done > 0 ? done : r;
    vec[done].len = static_cast<unsigned>(r);
  }
  return done;
}

// A socket option's host level and name; false if the host has none.
bool HostSockOpt(long level, long name, int* host_level, int* host_name) noexcept {
  *host_level = static_cast<int>(level);
  *host_name = static_cast<int>(name);
  if (level == sol::socket) {
    *host_level = SOL_SOCKET;
    switch (name) {
      case so::reuseaddr: *host_name = SO_REUSEADDR; return true;
#if defined(SO_REUSEPORT_LB)
      // FreeBSD's SO_REUSEPORT does not spread connections; this does.
      case so::reuseport: *host_name = SO_REUSEPORT_LB; return true;
#elif defined(SO_REUSEPORT)
      case so::reuseport: *host_name = SO_REUSEPORT; return true;
#endif
      case so::keepalive: *host_name = SO_KEEPALIVE; return true;
      case so::sndbuf: *host_name = SO_SNDBUF; return true;
      case so::rcvbuf: *host_name = SO_RCVBUF; return true;
      case so::error: *host_name = SO_ERROR; return true;
      case so::broadcast: *host_name = SO_BROADCAST; return true;
#if defined(SO_LINGER_SEC)
      // macOS's SO_LINGER counts ticks; Linux's, like this one, seconds.
      case so::linger: *host_name = SO_LINGER_SEC; return true;
#else
      case so::linger: *host_name = SO_LINGER; return true;  // struct linger: two ints
#endif
      case so::type: *host_name = SO_TYPE; return true;
      case so::rcvlowat: *host_name = SO_RCVLOWAT; return true;
      case so::sndlowat: *host_name = SO_SNDLOWAT; return true;
      case so::oobinline: *host_name = SO_OOBINLINE; return true;
      case so::dontroute: *host_name = SO_DONTROUTE; return true;
      default: return kLinux;
    }
  }
  if (level == sol::tcp) {
    *host_level = IPPROTO_TCP;
    if (name == tcp::nodelay) {
      *host_name = TCP_NODELAY;
      return true;
    }
    return kLinux;
  }
  if (level == sol::ipv6) {
    *host_level = IPPROTO_IPV6;
    if (name == ipv6::v6only) {
      *host_name = IPV6_V6ONLY;
      return true;
    }
    return kLinux;
  }
  return kLinux;
}

long SockOpt(bool set, long fd, long level, long name, void* value, long len_or_ptr) noexcept {
  int host_level, host_name;
  if (!HostSockOpt(level, name, &host_level, &host_name)) return Fail(err::noprotoopt.value());
  if (set) {
    return Ret(setsockopt(static_cast<int>(fd), host_level, host_name, value,
                          static_cast<socklen_t>(len_or_ptr)));
  }
  auto* len = reinterpret_cast<SockLen*>(len_or_ptr);
  socklen_t hl = len ? *len : 0;
  long r = Ret(getsockopt(static_cast<int>(fd), host_level, host_name, value, len ? &hl : nullptr));
  if (r == 0 && len) *len = hl;
  if (r == 0 && host_level == SOL_SOCKET && host_name == SO_ERROR && value && hl >= sizeof(int)) {
    int e;
    memcpy(&e, value, sizeof e);
    if (e != 0) e = LinuxErrno(e);
    memcpy(value, &e, sizeof e);
  }
  if (r == 0 && host_level == SOL_SOCKET && host_name == SO_TYPE && value && hl >= sizeof(int)) {
    int t;
    memcpy(&t, value, sizeof t);
    t = t == SOCK_STREAM ? sock::stream : t == SOCK_DGRAM ? sock::dgram
      : t == SOCK_SEQPACKET ? sock::seqpacket : t == SOCK_RAW ? sock::raw : t;
    memcpy(value, &t, sizeof t);
  }
  return r;
}

}  // namespace

long SocketCall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
  switch (nr) {
    case nr::socket: return Socket(a1, a2, a3);
    case nr::socketpair: return SocketPair(a1, a2, a3, Ptr<int>(a4));
    case nr::bind: return AddrCall(&bind, a1, Ptr<const void>(a2), a3);
    case nr::connect: return Connect(a1, Ptr<const void>(a2), a3);
    case nr::listen: return Ret(listen(Int(a1), Int(a2)));
    case nr::accept: return Accept(a1, Ptr<void>(a2), Ptr<SockLen>(a3), 0);
    case nr::accept4: return Accept(a1, Ptr<void>(a2), Ptr<SockLen>(a3), a4);
    case nr::shutdown: return Ret(shutdown(Int(a1), Int(a2)));  // SHUT_*: 0/1/2 everywhere
    case nr::getsockname: return NameCall(&getsockname, a1, Ptr<void>(a2), Ptr<SockLen>(a3));
    case nr::getpeername: return NameCall(&getpeername, a1, Ptr<void>(a2), Ptr<SockLen>(a3));
    case nr::setsockopt: return SockOpt(true, a1, a2, a3, Ptr<void>(a4), a5);
    case nr::getsockopt: return SockOpt(false, a1, a2, a3, Ptr<void>(a4), a5);
    case nr::sendto: return SendTo(a1, Ptr<const void>(a2), Size(a3), a4, Ptr<const void>(a5), a6);
    case nr::recvfrom:
      return RecvFrom(a1, Ptr<void>(a2), Size(a3), a4, Ptr<void>(a5), Ptr<SockLen>(a6));
    case nr::sendmsg: return MsgCall(true, a1, Ptr<MsgHdr>(a2), a3);
    case nr::recvmsg: return MsgCall(false, a1, Ptr<MsgHdr>(a2), a3);
    case nr::sendmmsg: return MMsgCall(true, a1, Ptr<MMsgHdr>(a2), a3, a4, nullptr);
    case nr::recvmmsg: return MMsgCall(false, a1, Ptr<MMsgHdr>(a2), a3, a4, Ptr<const void>(a5));
    default: return Fail(err::nosys.value());
  }
}

}  // namespace zring::core::arch::host

#endif  // ZRING_CORE_HOST_SYSCALLS
