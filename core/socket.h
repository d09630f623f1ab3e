// zring/core/socket.h — BSD sockets as typed wrappers over raw syscalls.
//
// What lives here: the socket address structs and message headers in the
// kernel's own layout (SockAddrIn, SockAddrIn6, SockAddrUn, SockAddrNl,
// SockAddrStorage, MsgHdr, MMsgHdr, CMsgHdr, Linger, UCred; defined in
// socket_types.h, which this header includes), the control message helpers (cmsg_space(), cmsg_first(), ...), byte order helpers,
// and one inline wrapper per socket syscall, each returning a Result. The
// constants they take (af::, sock::, sol::, so::, tcp::, msg::, shut::,
// scm::, ...) are in constants.h, which this header includes.
//
//   core::Result<int> fd = core::socket(core::af::inet,
//                                       core::sock::stream | core::sock::cloexec);
//   if (!fd) return fd.error();
//   core::SockAddrIn addr{};
//   addr.family = core::af::inet;
//   addr.addr = core::host_to_net32(0x7f000001);  // 127.0.0.1
//   addr.port = core::host_to_net16(0);           // any port
//   if (auto r = core::bind(*fd, &addr, sizeof addr); !r) { ... }
//
// Every socket call has a syscall of its own on the architectures zring
// supports (no socketcall() multiplexer), so each wrapper is one syscall.
// errno is never read or written; addresses are passed as `const void*` plus
// a length because the kernel takes any sockaddr_* through that one door.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/constants.h"
#include "zring/core/result.h"
#include "zring/core/socket_types.h"
#include "zring/core/syscall.h"
#include "zring/core/types.h"

namespace zring::core {

// ---------------------------------------------------------------------------
// Byte order. Network order is big-endian; these are no-ops on big-endian
// hosts and a byte swap elsewhere.
// ---------------------------------------------------------------------------

// host_to_net16() / host_to_net32(): htons() / htonl().
[[nodiscard]] constexpr std::uint16_t host_to_net16(std::uint16_t v) noexcept {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return __builtin_bswap16(v);
#else
  return v;
#endif
}
[[nodiscard]] constexpr std::uint32_t host_to_net32(std::uint32_t v) noexcept {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return __builtin_bswap32(v);
#else
  return v;
#endif
}
// net_to_host16() / net_to_host32(): ntohs() / ntohl(). A swap is its own
// inverse, so these are the same functions under the reader's name.
[[nodiscard]] constexpr std::uint16_t net_to_host16(std::uint16_t v) noexcept {
  return host_to_net16(v);
}
[[nodiscard]] constexpr std::uint32_t net_to_host32(std::uint32_t v) noexcept {
  return host_to_net32(v);
}


// ---------------------------------------------------------------------------
// Control message helpers: what CMSG_ALIGN, CMSG_SPACE, CMSG_LEN,
// CMSG_DATA, CMSG_FIRSTHDR and CMSG_NXTHDR do in C.
//
//   alignas(CMsgHdr) unsigned char control[core::cmsg_space(sizeof(int))] = {};
//   core::MsgHdr m{};
//   m.control = control;
//   m.controllen = sizeof control;
//   core::CMsgHdr* c = core::cmsg_first(m);
//   c->level = core::sol::socket;
//   c->type = core::scm::rights;
//   c->len = core::cmsg_len(sizeof(int));
//   __builtin_memcpy(core::cmsg_data(c), &fd_to_pass, sizeof(int));
// ---------------------------------------------------------------------------

// cmsg_align(n): n rounded up to the alignment the kernel uses between
// control messages (that of size_t).
[[nodiscard]] constexpr std::size_t cmsg_align(std::size_t n) noexcept {
  return (n + sizeof(std::size_t) - 1) & ~(sizeof(std::size_t) - 1);
}

// cmsg_space(n): buffer bytes one control message with n data bytes takes,
// padding included; sum these to size a control buffer.
[[nodiscard]] constexpr std::size_t cmsg_space(std::size_t n) noexcept {
  return cmsg_align(sizeof(CMsgHdr)) + cmsg_align(n);
}

// cmsg_len(n): the value for CMsgHdr::len of a message with n data bytes.
[[nodiscard]] constexpr std::size_t cmsg_len(std::size_t n) noexcept {
  return cmsg_align(sizeof(CMsgHdr)) + n;
}

// cmsg_data(c): where the data of control message c starts.
[[nodiscard]] inline unsigned char* cmsg_data(CMsgHdr* c) noexcept {
  return reinterpret_cast<unsigned char*>(c) + cmsg_align(sizeof(CMsgHdr));
}
[[nodiscard]] inline const unsigned char* cmsg_data(const CMsgHdr* c) noexcept {
  return reinterpret_cast<const unsigned char*>(c) + cmsg_align(sizeof(CMsgHdr));
}

// cmsg_first(m): the first control message of m, or nullptr when the
// control buffer cannot hold even one header.
[[nodiscard]] inline CMsgHdr* cmsg_first(const MsgHdr& m) noexcept {
  if (m.control == nullptr || m.controllen < sizeof(CMsgHdr)) return nullptr;
  return static_cast<CMsgHdr*>(m.control);
}

// cmsg_next(m, c): the control message after c, or nullptr when c is the
// last one, is malformed (len shorter than a header), or the next one would
// not fit entirely inside m's control buffer.
[[nodiscard]] inline CMsgHdr* cmsg_next(const MsgHdr& m, const CMsgHdr* c) noexcept {
  if (c == nullptr || c->len < sizeof(CMsgHdr)) return nullptr;
  auto* base = static_cast<unsigned char*>(m.control);
  // Offsets from the start of the buffer rather than pointers, so that
  // nothing forms a pointer past its end.
  auto at = static_cast<std::size_t>(reinterpret_cast<const unsigned char*>(c) - base);
  // Compare lengths before aligning them: cmsg_align() of a garbage length
  // near SIZE_MAX wraps around to a small number.
  if (at > m.controllen || c->len > m.controllen - at) return nullptr;
  std::size_t step = cmsg_align(c->len);
  if (step > m.controllen - at) return nullptr;  // c is the last, unpadded
  std::size_t next = at + step;
  if (m.controllen - next < sizeof(CMsgHdr)) return nullptr;
  auto* n = reinterpret_cast<CMsgHdr*>(base + next);
  if (n->len > m.controllen - next || cmsg_align(n->len) > m.controllen - next) return nullptr;
  return n;
}

// ---------------------------------------------------------------------------
// Wrappers. Each is one syscall; a new fd comes back as a raw int that the
// caller owns (wrap it in core::Fd). Failures are Errno values, never errno.
// ---------------------------------------------------------------------------

// socket(): a new socket. `type` may carry sock::nonblock | sock::cloexec.
[[nodiscard]] inline Result<int> socket(int domain, int type, int protocol = 0) noexcept {
  return FromRaw<int>(syscall3(nr::socket, domain, type, protocol));
}

// socketpair(): two connected sockets (af::local only, on Linux).
[[nodiscard]] inline Result<SocketPair> socketpair(int domain, int type,
                                                   int protocol = 0) noexcept {
  int fds[2] = {-1, -1};
  long r = syscall4(nr::socketpair, domain, type, protocol, arg(fds));
  if (r < 0) return Errno::FromRaw(r);
  return SocketPair{fds[0], fds[1]};
}

// bind(): give the socket a local address.
[[nodiscard]] inline Result<void> bind(int fd, const void* addr, SockLen addrlen) noexcept {
  return VoidFromRaw(syscall3(nr::bind, fd, arg(addr), addrlen));
}

// listen(): accept connections, queueing up to `backlog` of them.
[[nodiscard]] inline Result<void> listen(int fd, int backlog) noexcept {
  return VoidFromRaw(syscall2(nr::listen, fd, backlog));
}

// accept(): the next connection. If addr is given, *addrlen is its size on
// the way in and the peer address's real size on the way out.
[[nodiscard]] inline Result<int> accept(int fd, void* addr = nullptr,
                                        SockLen* addrlen = nullptr) noexcept {
  return FromRaw<int>(syscall3(nr::accept, fd, arg(addr), arg(addrlen)));
}

// accept4(): accept() with sock::nonblock / sock::cloexec on the new fd.
[[nodiscard]] inline Result<int> accept4(int fd, void* addr, SockLen* addrlen,
                                         int flags) noexcept {
  return FromRaw<int>(syscall4(nr::accept4, fd, arg(addr), arg(addrlen), flags));
}

// connect(): connect to addr. On a nonblocking socket, err::inprogress
// means "wait for writability, then read so::error".
[[nodiscard]] inline Result<void> connect(int fd, const void* addr, SockLen addrlen) noexcept {
  return VoidFromRaw(syscall3(nr::connect, fd, arg(addr), addrlen));
}

// shutdown(): shut one or both directions (shut::rd, shut::wr, shut::rdwr).
[[nodiscard]] inline Result<void> shutdown(int fd, int how) noexcept {
  return VoidFromRaw(syscall2(nr::shutdown, fd, how));
}

// setsockopt(): set option `name` at `level` from len bytes at val.
[[nodiscard]] inline Result<void> setsockopt(int fd, int level, int name, const void* val,
                                             SockLen len) noexcept {
  return VoidFromRaw(syscall5(nr::setsockopt, fd, level, name, arg(val), len));
}

// getsockopt(): read option `name` into val; *len is the buffer's size on
// the way in and the option's size on the way out.
[[nodiscard]] inline Result<void> getsockopt(int fd, int level, int name, void* val,
                                             SockLen* len) noexcept {
  return VoidFromRaw(syscall5(nr::getsockopt, fd, level, name, arg(val), arg(len)));
}

// setsockopt_int() / getsockopt_int(): the common case of an int option.
[[nodiscard]] inline Result<void> setsockopt_int(int fd, int level, int name,
                                                 int value) noexcept {
  return setsockopt(fd, level, name, &value, sizeof value);
}
[[nodiscard]] inline Result<int> getsockopt_int(int fd, int level, int name) noexcept {
  int value = 0;
  SockLen len = sizeof value;
  long r = syscall5(nr::getsockopt, fd, level, name, arg(&value), arg(&len));
  if (r < 0) return Errno::FromRaw(r);
  return value;
}

// getsockname() / getpeername(): the local / remote address. *addrlen as
// for accept(); if the address is longer than the buffer it is truncated
// and *addrlen says how long it really is.
[[nodiscard]] inline Result<void> getsockname(int fd, void* addr, SockLen* addrlen) noexcept {
  return VoidFromRaw(syscall3(nr::getsockname, fd, arg(addr), arg(addrlen)));
}
[[nodiscard]] inline Result<void> getpeername(int fd, void* addr, SockLen* addrlen) noexcept {
  return VoidFromRaw(syscall3(nr::getpeername, fd, arg(addr), arg(addrlen)));
}

// sendto(): send len bytes, to addr if given (unconnected datagram
// sockets). Returns the bytes sent, which on a stream socket may be fewer.
[[nodiscard]] inline Result<std::size_t> sendto(int fd, const void* buf, std::size_t len,
                                                int flags, const void* addr,
                                                SockLen addrlen) noexcept {
  return FromRaw<std::size_t>(
      syscall6(nr::sendto, fd, arg(buf), arg(len), flags, arg(addr), addrlen));
}

// recvfrom(): receive up to len bytes, and the sender's address if addr is
// given. 0 on a stream socket is end of stream.
[[nodiscard]] inline Result<std::size_t> recvfrom(int fd, void* buf, std::size_t len,
                                                  int flags, void* addr,
                                                  SockLen* addrlen) noexcept {
  return FromRaw<std::size_t>(
      syscall6(nr::recvfrom, fd, arg(buf), arg(len), flags, arg(addr), arg(addrlen)));
}

// send() / recv(): sendto() / recvfrom() without an address. Pass
// msg::nosignal to send() to get err::pipe instead of SIGPIPE.
[[nodiscard]] inline Result<std::size_t> send(int fd, const void* buf, std::size_t len,
                                              int flags = 0) noexcept {
  return sendto(fd, buf, len, flags, nullptr, 0);
}
[[nodiscard]] inline Result<std::size_t> recv(int fd, void* buf, std::size_t len,
                                              int flags = 0) noexcept {
  return recvfrom(fd, buf, len, flags, nullptr, nullptr);
}

// sendmsg() / recvmsg(): scatter/gather I/O with an optional address and
// control messages. recvmsg() updates msg->namelen, msg->controllen and
// msg->flags.
[[nodiscard]] inline Result<std::size_t> sendmsg(int fd, const MsgHdr* m, int flags) noexcept {
  return FromRaw<std::size_t>(syscall3(nr::sendmsg, fd, arg(m), flags));
}
[[nodiscard]] inline Result<std::size_t> recvmsg(int fd, MsgHdr* m, int flags) noexcept {
  return FromRaw<std::size_t>(syscall3(nr::recvmsg, fd, arg(m), flags));
}

// sendmmsg(): send up to vlen messages in one call; returns how many went
// out (each slot's `len` is set). An error is reported only if the first
// message fails.
[[nodiscard]] inline Result<unsigned> sendmmsg(int fd, MMsgHdr* vec, unsigned vlen,
                                               int flags) noexcept {
  return FromRaw<unsigned>(syscall4(nr::sendmmsg, fd, arg(vec), vlen, flags));
}

// recvmmsg(): receive up to vlen messages; returns how many arrived. With
// msg::waitforone it blocks for the first one only. `timeout` (may be null)
// is only checked between messages — it is not a receive timeout, use
// so::rcvtimeo or a nonblocking socket for that.
[[nodiscard]] inline Result<unsigned> recvmmsg(int fd, MMsgHdr* vec, unsigned vlen, int flags,
                                               Timespec* timeout) noexcept {
  return FromRaw<unsigned>(syscall5(nr::recvmmsg, fd, arg(vec), vlen, flags, arg(timeout)));
}

}  // namespace zring::core
