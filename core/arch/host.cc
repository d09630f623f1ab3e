// zring/core/arch/host.cc — host_syscall(): Linux's syscall contract made
// of the host's libc functions (arch/host.h says why).
//
// Each call takes Linux's values and layouts (core/constants.h,
// core/types.h, core/socket_types.h) and converts them field by field and
// bit by bit into the host's, so the conversions run on Linux too, where
// they are the identity and the tests check that they are. Values a host
// has no equivalent for fail with EINVAL (flags) or ENOPROTOOPT (socket
// options) there; on Linux they pass through unchanged.
#include "zring/core/syscall.h"

#if defined(ZRING_CORE_HOST_SYSCALLS)

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if __has_include(<sys/random.h>)
#include <sys/random.h>  // getentropy() on macOS
#endif
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "zring/core/arch/host_internal.h"
#include "zring/core/constants.h"
#include "zring/core/error.h"
#include "zring/core/socket_types.h"
#include "zring/core/types.h"

namespace zring::core::arch {
namespace host {

#if defined(__linux__)
inline constexpr bool kLinux = true;
#else
inline constexpr bool kLinux = false;
#endif

// Hosts whose sockaddr starts with a length byte (4.4BSD's layout).
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
#define ZRING_HOST_SOCKADDR_LEN 1
#endif

// --- errno ----------------------------------------------------------------

const ErrnoPair kErrnos[] = {
    // The ones the poll backend sees on every turn first.
    {EAGAIN, err::again.value()},
    {EINPROGRESS, err::inprogress.value()},
    {EINTR, err::intr.value()},
    {EPERM, err::perm.value()},
    {ENOENT, err::noent.value()},
    {ESRCH, err::srch.value()},
    {EIO, err::io.value()},
    {ENXIO, err::nxio.value()},
    {E2BIG, err::toobig.value()},
    {ENOEXEC, err::noexec.value()},
    {EBADF, err::badf.value()},
    {ECHILD, err::child.value()},
    {ENOMEM, err::nomem.value()},
    {EACCES, err::acces.value()},
    {EFAULT, err::fault.value()},
    {EBUSY, err::busy.value()},
    {EEXIST, err::exist.value()},
    {EXDEV, err::xdev.value()},
    {ENODEV, err::nodev.value()},
    {ENOTDIR, err::notdir.value()},
    {EISDIR, err::isdir.value()},
    {EINVAL, err::inval.value()},
    {ENFILE, err::nfile.value()},
    {EMFILE, err::mfile.value()},
    {ENOTTY, err::notty.value()},
    {EFBIG, err::fbig.value()},
    {ENOSPC, err::nospc.value()},
    {ESPIPE, err::spipe.value()},
    {EROFS, err::rofs.value()},
    {EMLINK, err::mlink.value()},
    {EPIPE, err::pipe.value()},
    {EDOM, err::dom.value()},
    {ERANGE, err::range.value()},
    {EDEADLK, err::deadlk.value()},
    {ENAMETOOLONG, err::nametoolong.value()},
    {ENOLCK, err::nolck.value()},
    {ENOSYS, err::nosys.value()},
    {ENOTEMPTY, err::notempty.value()},
    {ELOOP, err::loop.value()},
    {ENOMSG, err::nomsg.value()},
    {EIDRM, err::idrm.value()},
    {EPROTO, err::proto.value()},
    {EBADMSG, err::badmsg.value()},
    {EOVERFLOW, err::overflow.value()},
    {EILSEQ, err::ilseq.value()},
    {ENOTSOCK, err::notsock.value()},
    {EDESTADDRREQ, err::destaddrreq.value()},
    {EMSGSIZE, err::msgsize.value()},
    {EPROTOTYPE, err::prototype.value()},
    {ENOPROTOOPT, err::noprotoopt.value()},
    {EPROTONOSUPPORT, err::protonosupport.value()},
    {EOPNOTSUPP, err::opnotsupp.value()},
    {EAFNOSUPPORT, err::afnosupport.value()},
    {EADDRINUSE, err::addrinuse.value()},
    {EADDRNOTAVAIL, err::addrnotavail.value()},
    {ENETDOWN, err::netdown.value()},
    {ENETUNREACH, err::netunreach.value()},
    {ENETRESET, err::netreset.value()},
    {ECONNABORTED, err::connaborted.value()},
    {ECONNRESET, err::connreset.value()},
    {ENOBUFS, err::nobufs.value()},
    {EISCONN, err::isconn.value()},
    {ENOTCONN, err::notconn.value()},
    {ETIMEDOUT, err::timedout.value()},
    {ECONNREFUSED, err::connrefused.value()},
    {EHOSTUNREACH, err::hostunreach.value()},
    {EALREADY, err::already.value()},
    {ECANCELED, err::canceled.value()},
    // Not in every libc.
#ifdef ENOTBLK
    {ENOTBLK, err::notblk.value()},
#endif
#ifdef ETXTBSY
    {ETXTBSY, err::txtbsy.value()},
#endif
#ifdef ENOTSUP
    {ENOTSUP, err::opnotsupp.value()},  // the same number as EOPNOTSUPP on Linux
#endif
#ifdef ENODATA
    {ENODATA, err::nodata.value()},
#endif
#ifdef ETIME
    {ETIME, err::time.value()},
#endif
#ifdef ESOCKTNOSUPPORT
    {ESOCKTNOSUPPORT, err::socktnosupport.value()},
#endif
#ifdef EPFNOSUPPORT
    {EPFNOSUPPORT, err::pfnosupport.value()},
#endif
#ifdef ESHUTDOWN
    {ESHUTDOWN, err::shutdown.value()},
#endif
#ifdef ETOOMANYREFS
    {ETOOMANYREFS, err::toomanyrefs.value()},
#endif
#ifdef EHOSTDOWN
    {EHOSTDOWN, err::hostdown.value()},
#endif
#ifdef EUSERS
    {EUSERS, err::users.value()},
#endif
#ifdef EREMOTE
    {EREMOTE, err::remote.value()},
#endif
#ifdef EDQUOT
    {EDQUOT, err::dquot.value()},
#endif
#ifdef ESTALE
    {ESTALE, err::stale.value()},
#endif
#ifdef EOWNERDEAD
    {EOWNERDEAD, err::ownerdead.value()},
#endif
#ifdef ENOTRECOVERABLE
    {ENOTRECOVERABLE, err::notrecoverable.value()},
#endif
#ifdef EMULTIHOP
    {EMULTIHOP, err::multihop.value()},
#endif
#ifdef ENOLINK
    {ENOLINK, err::nolink.value()},
#endif
};
const size_t kErrnoCount = sizeof kErrnos / sizeof kErrnos[0];

namespace {

// Whether calls that only Linux has go to the kernel (Linux, unless
// ZRING_HOST_PORTABLE=1 or PretendNotLinux()) or fail with ENOSYS as on
// any other host. -1: not decided yet.
std::atomic<int> g_portable{kLinux ? -1 : 1};

bool LinuxOnlyCallsWork() noexcept {
  int portable = g_portable.load(std::memory_order_relaxed);
  if (portable < 0) {
    const char* v = getenv("ZRING_HOST_PORTABLE");
    portable = v != nullptr && v[0] == '1' ? 1 : 0;
    g_portable.store(portable, std::memory_order_relaxed);
  }
  return portable == 0;
}

}  // namespace

void PretendNotLinux(bool on) noexcept {
  if constexpr (kLinux) g_portable.store(on ? 1 : 0, std::memory_order_relaxed);
}

int LinuxErrno(int host_errno) noexcept {
  for (const ErrnoPair& e : kErrnos) {
    if (e.host == host_errno) return e.linux_value;
  }
  // An errno the table lacks: on Linux it is Linux's own; elsewhere EIO
  // says "the system failed" without claiming more.
  return kLinux ? host_errno : err::io.value();
}

namespace {

long Fail(int linux_errno) noexcept { return -static_cast<long>(linux_errno); }
// The host call's result: -1 with errno set is a failure.
long Ret(long r) noexcept { return r == -1 ? Fail(LinuxErrno(errno)) : r; }

// --- bit sets ---------------------------------------------------------------

// Converts the Linux bits of `linux_bits` that `pairs` names into the
// host's. Bits it does not name pass through on Linux and make the call
// fail (`*unknown`) elsewhere.
int ToHostBits(long linux_bits, const BitPair* pairs, size_t n, bool* unknown) noexcept {
  long left = linux_bits;
  int host = 0;
  for (size_t i = 0; i < n; ++i) {
    if ((linux_bits & pairs[i].linux_value) == pairs[i].linux_value && pairs[i].linux_value != 0) {
      host |= pairs[i].host;
      left &= ~static_cast<long>(pairs[i].linux_value);
    }
  }
  if (left != 0) {
    if constexpr (kLinux) {
      host |= static_cast<int>(left);
    } else {
      *unknown = true;
    }
  }
  return host;
}

int ToLinuxBits(int host_bits, const BitPair* pairs, size_t n) noexcept {
  int out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (pairs[i].host != 0 && (host_bits & pairs[i].host) == pairs[i].host) {
      out |= pairs[i].linux_value;
    }
  }
  return out;
}

}  // namespace

// O_* flags other than the access mode (the same three values everywhere).
const BitPair kOpenFlags[] = {
    {o::creat, O_CREAT},     {o::excl, O_EXCL},         {o::noctty, O_NOCTTY},
    {o::trunc, O_TRUNC},     {o::append, O_APPEND},     {o::nonblock, O_NONBLOCK},
    {o::directory, O_DIRECTORY}, {o::nofollow, O_NOFOLLOW}, {o::cloexec, O_CLOEXEC},
    // o::sync includes o::dsync: the longer match first.
    {o::sync, O_SYNC},       {o::dsync, O_DSYNC},
};
const size_t kOpenFlagCount = sizeof kOpenFlags / sizeof kOpenFlags[0];

const BitPair kMsgFlags[] = {
    {msg::oob, MSG_OOB},         {msg::peek, MSG_PEEK},     {msg::dontroute, MSG_DONTROUTE},
    {msg::ctrunc, MSG_CTRUNC},   {msg::trunc, MSG_TRUNC},   {msg::dontwait, MSG_DONTWAIT},
    {msg::eor, MSG_EOR},         {msg::waitall, MSG_WAITALL},
#ifdef MSG_NOSIGNAL
    {msg::nosignal, MSG_NOSIGNAL},
#else
    // No such flag (macOS): sockets are made with SO_NOSIGPIPE instead.
    {msg::nosignal, 0},
#endif
#ifdef MSG_MORE
    {msg::more, MSG_MORE},
#endif
#ifdef MSG_CMSG_CLOEXEC
    {msg::cmsg_cloexec, MSG_CMSG_CLOEXEC},
#endif
};
const size_t kMsgFlagCount = sizeof kMsgFlags / sizeof kMsgFlags[0];

// poll(2) events. POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP and POLLNVAL
// have the same values everywhere; the others do not.
const BitPair kPollEvents[] = {
    {ev::in, POLLIN},         {ev::pri, POLLPRI},       {ev::out, POLLOUT},
    {ev::err, POLLERR},       {ev::hup, POLLHUP},       {ev::nval, POLLNVAL},
    {ev::rdnorm, POLLRDNORM}, {ev::rdband, POLLRDBAND}, {ev::wrnorm, POLLWRNORM},
    {ev::wrband, POLLWRBAND},
#ifdef POLLRDHUP
    {ev::rdhup, POLLRDHUP},
#else
    // Peer shutdown shows as POLLIN (a read returns 0) where there is no
    // POLLRDHUP.
    {ev::rdhup, 0},
#endif
};
const size_t kPollEventCount = sizeof kPollEvents / sizeof kPollEvents[0];

namespace {

template <size_t N>
int ToHost(long v, const BitPair (&pairs)[N], bool* unknown) noexcept {
  return ToHostBits(v, pairs, N, unknown);
}
template <size_t N>
int ToLinux(int v, const BitPair (&pairs)[N]) noexcept {
  return ToLinuxBits(v, pairs, N);
}

int HostOpenFlags(long flags, bool* unknown) noexcept {
  return static_cast<int>(flags & o::accmode) | ToHost(flags & ~long{o::accmode}, kOpenFlags, unknown);
}

// Sets O_NONBLOCK and FD_CLOEXEC on `fd` where the host could not take
// them as flags of the call that made it.
long SetFdFlags(long fd, bool nonblock, bool cloexec) noexcept {
  if (fd < 0) return fd;
  int ok = 0;
  if (nonblock) {
    int fl = fcntl(static_cast<int>(fd), F_GETFL);
    ok |= fl == -1 ? -1 : fcntl(static_cast<int>(fd), F_SETFL, fl | O_NONBLOCK);
  }
  if (cloexec) ok |= fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  if (ok == -1) {
    long e = Fail(LinuxErrno(errno));
    close(static_cast<int>(fd));
    return e;
  }
  return fd;
}

int HostDirFd(long dirfd) noexcept {
  return dirfd == at::fdcwd ? AT_FDCWD : static_cast<int>(dirfd);
}

// --- addresses ----------------------------------------------------------------

// A host socket address converted from Linux's layout.
struct HostAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
  sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
};

// Linux layout -> host layout. Returns 0 or a Linux errno.
int ToHostAddr(const void* linux_addr, long len, HostAddr* out) noexcept {
  if (linux_addr == nullptr) {
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
      const long path_len = len - static_cast<long>(offsetof(SockAddrUn, path));
      if (path_len < 0 || path_len > static_cast<long>(sizeof h->sun_path)) {
        return err::nametoolong.value();
      }
      h->sun_family = AF_UNIX;
      memcpy(h->sun_path, static_cast<const char*>(linux_addr) + offsetof(SockAddrUn, path),
             static_cast<size_t>(path_len));
      out->len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_len);
      break;
    }
    case af::unspec:
      // connect() with AF_UNSPEC dissolves a datagram association.
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

long Socket(long family, long type, long protocol) noexcept {
  bool unknown = false;
  const bool nonblock = (type & sock::nonblock) != 0;
  const bool cloexec = (type & sock::cloexec) != 0;
  const int host_family = HostFamily(family, &unknown);
  const int host_type = HostSockType(type & ~long{sock::nonblock | sock::cloexec}, &unknown);
  if (unknown) return Fail(err::afnosupport.value());
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  return FinishSocket(Ret(socket(host_family, host_type | (nonblock ? SOCK_NONBLOCK : 0) |
                                                   (cloexec ? SOCK_CLOEXEC : 0),
                                 static_cast<int>(protocol))),
                      false, false);
#else
  return FinishSocket(Ret(socket(host_family, host_type, static_cast<int>(protocol))), nonblock,
                      cloexec);
#endif
}

long SocketPair(long family, long type, long protocol, int* fds) noexcept {
  bool unknown = false;
  const bool nonblock = (type & sock::nonblock) != 0;
  const bool cloexec = (type & sock::cloexec) != 0;
  const int host_family = HostFamily(family, &unknown);
  const int host_type = HostSockType(type & ~long{sock::nonblock | sock::cloexec}, &unknown);
  if (unknown) return Fail(err::afnosupport.value());
  long r = Ret(socketpair(host_family, host_type, static_cast<int>(protocol), fds));
  if (r < 0) return r;
  for (int i = 0; i < 2; ++i) {
    long f = FinishSocket(fds[i], nonblock, cloexec);
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
  long r = Ret(accept(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_len));
  if (r < 0) return r;
  // Set before the fd is visible to the caller; a fork in between is the
  // window a host without accept4 cannot close.
  r = FinishSocket(r, (flags & sock::nonblock) != 0, (flags & sock::cloexec) != 0);
  if (r >= 0) ToLinuxAddr(peer, peer_len, addr, addrlen);
  return r;
}

long AddrCall(int (*call)(int, const sockaddr*, socklen_t), long fd, const void* addr,
              long len) noexcept {
  HostAddr h;
  if (int e = ToHostAddr(addr, len, &h); e != 0) return Fail(e);
  return Ret(call(static_cast<int>(fd), h.get(), h.len));
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
  const int host_flags = ToHost(flags, kMsgFlags, &unknown);
  if (unknown) return Fail(err::inval.value());
  HostAddr h;
  if (int e = ToHostAddr(addr, addrlen, &h); e != 0) return Fail(e);
  return Ret(sendto(static_cast<int>(fd), buf, len, host_flags, addr ? h.get() : nullptr, h.len));
}

long RecvFrom(long fd, void* buf, size_t len, long flags, void* addr, SockLen* addrlen) noexcept {
  bool unknown = false;
  const int host_flags = ToHost(flags, kMsgFlags, &unknown);
  if (unknown) return Fail(err::inval.value());
  sockaddr_storage h{};
  socklen_t hl = sizeof h;
  long r = Ret(recvfrom(static_cast<int>(fd), buf, len, host_flags,
                        addr ? reinterpret_cast<sockaddr*>(&h) : nullptr, addr ? &hl : nullptr));
  if (r >= 0 && addr != nullptr) ToLinuxAddr(h, hl, addr, addrlen);
  return r;
}

// sendmsg/recvmsg. Control messages keep Linux's layout only on Linux;
// elsewhere cmsghdr differs, and they are refused rather than garbled.
long MsgCall(bool send, long fd, MsgHdr* m, long flags) noexcept {
  bool unknown = false;
  const int host_flags = ToHost(flags, kMsgFlags, &unknown);
  if (unknown) return Fail(err::inval.value());
  if constexpr (!kLinux) {
    if (m->controllen != 0) return Fail(err::opnotsupp.value());
  }
  static_assert(sizeof(IoVec) == sizeof(iovec) && offsetof(IoVec, len) == offsetof(iovec, iov_len),
                "IoVec must match the host's struct iovec");
  HostAddr name;
  if (send) {
    if (int e = ToHostAddr(m->name, m->namelen, &name); e != 0) return Fail(e);
  } else {
    name.len = sizeof name.storage;
  }
  msghdr h{};
  h.msg_name = m->name != nullptr ? name.get() : nullptr;
  h.msg_namelen = m->name != nullptr ? name.len : 0;
  h.msg_iov = reinterpret_cast<iovec*>(m->iov);
  h.msg_iovlen = static_cast<decltype(h.msg_iovlen)>(m->iovlen);
  h.msg_control = m->control;
  h.msg_controllen = static_cast<decltype(h.msg_controllen)>(m->controllen);
  long r = send ? Ret(sendmsg(static_cast<int>(fd), &h, host_flags))
                : Ret(recvmsg(static_cast<int>(fd), &h, host_flags));
  if (r >= 0 && !send) {
    if (m->name != nullptr) {
      SockLen len = m->namelen;
      ToLinuxAddr(name.storage, h.msg_namelen, m->name, &len);
      m->namelen = len;
    }
    m->controllen = h.msg_controllen;
    m->flags = kLinux ? h.msg_flags : ToLinux(h.msg_flags, kMsgFlags);
  }
  return r;
}

// A socket option's host level and name; false if the host has none.
bool HostSockOpt(long level, long name, int* host_level, int* host_name) noexcept {
  *host_level = static_cast<int>(level);
  *host_name = static_cast<int>(name);
  if (level == sol::socket) {
    *host_level = SOL_SOCKET;
    switch (name) {
      case so::reuseaddr: *host_name = SO_REUSEADDR; return true;
#ifdef SO_REUSEPORT
      case so::reuseport: *host_name = SO_REUSEPORT; return true;
#endif
      case so::keepalive: *host_name = SO_KEEPALIVE; return true;
      case so::sndbuf: *host_name = SO_SNDBUF; return true;
      case so::rcvbuf: *host_name = SO_RCVBUF; return true;
      case so::error: *host_name = SO_ERROR; return true;
      case so::broadcast: *host_name = SO_BROADCAST; return true;
      case so::linger: *host_name = SO_LINGER; return true;  // struct linger: two ints
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

// --- files --------------------------------------------------------------------

long OpenAt(long dirfd, const char* path, long flags, long mode) noexcept {
  bool unknown = false;
  const int host_flags = HostOpenFlags(flags, &unknown);
  if (unknown) return Fail(err::inval.value());
  return Ret(openat(HostDirFd(dirfd), path, host_flags, static_cast<mode_t>(mode)));
}

long Fcntl(long fd, long cmd, long argument) noexcept {
  const int f = static_cast<int>(fd);
  switch (cmd) {
    case f::getfd: return Ret(fcntl(f, F_GETFD));  // FD_CLOEXEC is 1 everywhere
    case f::setfd: return Ret(fcntl(f, F_SETFD, static_cast<int>(argument)));
    case f::getfl: {
      long r = Ret(fcntl(f, F_GETFL));
      if (r < 0) return r;
      return (r & O_ACCMODE) | ToLinux(static_cast<int>(r), kOpenFlags);
    }
    case f::setfl: {
      bool unknown = false;
      int host = HostOpenFlags(argument, &unknown);
      if (unknown) return Fail(err::inval.value());
      return Ret(fcntl(f, F_SETFL, host));
    }
    case f::dupfd: return Ret(fcntl(f, F_DUPFD, static_cast<int>(argument)));
    case f::dupfd_cloexec: return Ret(fcntl(f, F_DUPFD_CLOEXEC, static_cast<int>(argument)));
    default:
      if constexpr (kLinux) return Ret(fcntl(f, static_cast<int>(cmd), argument));
      return Fail(err::inval.value());
  }
}

// statx(), from fstatat(): the basic stats, which is what a host has.
long StatxFromStat(long dirfd, const char* path, long flags, Statx* out) noexcept {
  if ((flags & ~long{at::empty_path | at::symlink_nofollow | at::no_automount |
                     at::statx_sync_type}) != 0) {
    return Fail(err::inval.value());
  }
  struct stat st;
  long r;
  if ((flags & at::empty_path) != 0 && path != nullptr && path[0] == '\0') {
    r = Ret(fstat(HostDirFd(dirfd), &st));
  } else {
    r = Ret(fstatat(HostDirFd(dirfd), path,
                    &st, (flags & at::symlink_nofollow) != 0 ? AT_SYMLINK_NOFOLLOW : 0));
  }
  if (r < 0) return r;
  Statx x{};
  x.mask = statx_mask::basic_stats;
  x.blksize = static_cast<std::uint32_t>(st.st_blksize);
  x.nlink = static_cast<std::uint32_t>(st.st_nlink);
  x.uid = st.st_uid;
  x.gid = st.st_gid;
  x.mode = static_cast<std::uint16_t>(st.st_mode);  // S_IF* and permissions: POSIX values
  x.ino = static_cast<std::uint64_t>(st.st_ino);
  x.size = static_cast<std::uint64_t>(st.st_size);
  x.blocks = static_cast<std::uint64_t>(st.st_blocks);
#if defined(__APPLE__)
  x.atime = {st.st_atimespec.tv_sec, static_cast<std::uint32_t>(st.st_atimespec.tv_nsec), 0};
  x.mtime = {st.st_mtimespec.tv_sec, static_cast<std::uint32_t>(st.st_mtimespec.tv_nsec), 0};
  x.ctime = {st.st_ctimespec.tv_sec, static_cast<std::uint32_t>(st.st_ctimespec.tv_nsec), 0};
#else
  x.atime = {st.st_atim.tv_sec, static_cast<std::uint32_t>(st.st_atim.tv_nsec), 0};
  x.mtime = {st.st_mtim.tv_sec, static_cast<std::uint32_t>(st.st_mtim.tv_nsec), 0};
  x.ctime = {st.st_ctim.tv_sec, static_cast<std::uint32_t>(st.st_ctim.tv_nsec), 0};
#endif
  *out = x;
  return 0;
}

long Poll(PollEntry* fds, long n, int timeout_ms) noexcept {
  static_assert(sizeof(PollEntry) == sizeof(pollfd), "PollEntry must match the host's pollfd");
  // Where the host's bits are Linux's (Linux itself), the array goes to
  // poll() untouched, so a bad one is the kernel's EFAULT or EINVAL.
  static const bool same_bits = [] {
    for (const BitPair& p : kPollEvents) {
      if (p.host != p.linux_value) return false;
    }
    return true;
  }();
  auto* host_fds = reinterpret_cast<pollfd*>(fds);
  if (same_bits) return Ret(poll(host_fds, static_cast<nfds_t>(n), timeout_ms));
  rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && static_cast<rlim_t>(n) > files.rlim_cur) {
    return Fail(err::inval.value());
  }
  bool unknown = false;
  for (long i = 0; i < n; ++i) {
    fds[i].events = static_cast<short>(ToHost(static_cast<std::uint16_t>(fds[i].events),
                                              kPollEvents, &unknown));
  }
  long r = unknown ? Fail(err::inval.value())
                   : Ret(poll(host_fds, static_cast<nfds_t>(n), timeout_ms));
  // Back to Linux's values, events too: the caller's array is theirs.
  for (long i = 0; i < n; ++i) {
    fds[i].events = static_cast<short>(ToLinux(static_cast<std::uint16_t>(fds[i].events), kPollEvents));
    fds[i].revents = static_cast<short>(ToLinux(static_cast<std::uint16_t>(fds[i].revents), kPollEvents));
  }
  return r;
}

long PPoll(PollEntry* fds, long n, const Timespec* ts, const void* sigmask) noexcept {
  if (sigmask != nullptr) {
    // Only Linux's ppoll takes Linux's sigset; a host's sigset differs.
    if constexpr (!kLinux) return Fail(err::nosys.value());
  }
  int ms = -1;
  if (ts != nullptr) {
    if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= 1'000'000'000) return Fail(err::inval.value());
    // Rounded up: poll(2) must not wake before the time asked for.
    int64_t total = ts->sec * 1000 + (ts->nsec + 999'999) / 1'000'000;
    ms = total > 0x7fffffff ? 0x7fffffff : static_cast<int>(total);
  }
  if (sigmask == nullptr) return Poll(fds, n, ms);
#if defined(__linux__)
  return Ret(syscall(SYS_ppoll, fds, n, ts, sigmask, 8));
#else
  return Fail(err::nosys.value());
#endif
}

clockid_t HostClock(long clock, bool* unknown) noexcept {
  switch (clock) {
    case clock::realtime: return CLOCK_REALTIME;
    case clock::monotonic: return CLOCK_MONOTONIC;
    case clock::process_cputime_id: return CLOCK_PROCESS_CPUTIME_ID;
    case clock::thread_cputime_id: return CLOCK_THREAD_CPUTIME_ID;
#ifdef CLOCK_BOOTTIME
    case clock::boottime: return CLOCK_BOOTTIME;
#endif
#ifdef CLOCK_MONOTONIC_RAW
    case clock::monotonic_raw: return CLOCK_MONOTONIC_RAW;
#endif
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<clockid_t>(clock);
  }
}

long ClockNanosleep(long clock, long flags, const Timespec* req, Timespec* rem) noexcept {
  bool unknown = false;
  clockid_t c = HostClock(clock, &unknown);
  if (unknown || (flags & ~long{1}) != 0) return Fail(err::inval.value());
  timespec want{static_cast<time_t>(req->sec), req->nsec};
  if (flags != 0) {  // TIMER_ABSTIME: sleep the difference
    timespec now;
    if (clock_gettime(c, &now) != 0) return Fail(LinuxErrno(errno));
    int64_t left = (want.tv_sec - now.tv_sec) * 1'000'000'000LL + (want.tv_nsec - now.tv_nsec);
    if (left <= 0) return 0;
    want = {static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    rem = nullptr;  // an absolute sleep reports no remainder
  }
  timespec left{};
  if (nanosleep(&want, &left) != 0) {
    if (rem != nullptr) *rem = {left.tv_sec, left.tv_nsec};
    return Fail(LinuxErrno(errno));
  }
  return 0;
}

int HostSignal(long sig, bool* unknown) noexcept {
  switch (sig) {
    case 0: return 0;
    case sig::hup: return SIGHUP;
    case sig::intr: return SIGINT;
    case sig::quit: return SIGQUIT;
    case sig::abrt: return SIGABRT;
    case sig::kill: return SIGKILL;
    case sig::usr1: return SIGUSR1;
    case sig::usr2: return SIGUSR2;
    case sig::pipe: return SIGPIPE;
    case sig::alrm: return SIGALRM;
    case sig::term: return SIGTERM;
    case sig::chld: return SIGCHLD;
    case sig::cont: return SIGCONT;
    case sig::stop: return SIGSTOP;
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<int>(sig);
  }
}

int HostRlimit(long resource, bool* unknown) noexcept {
  switch (resource) {
    case 7: return RLIMIT_NOFILE;  // Linux's numbers (asm-generic/resource.h)
    case 4: return RLIMIT_CORE;
    case 3: return RLIMIT_STACK;
    case 9: return RLIMIT_AS;
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<int>(resource);
  }
}

long PrLimit(long /*pid: 0*/, long resource, const Rlimit* new_limit, Rlimit* old_limit) noexcept {
  bool unknown = false;
  int r = HostRlimit(resource, &unknown);
  if (unknown) return Fail(err::inval.value());
  static_assert(sizeof(rlim_t) == sizeof(std::uint64_t), "rlim_t must be 64-bit");
  if (old_limit != nullptr) {
    rlimit h;
    if (getrlimit(r, &h) != 0) return Fail(LinuxErrno(errno));
    *old_limit = {h.rlim_cur == RLIM_INFINITY ? Rlimit::kRlimInfinity : h.rlim_cur,
                  h.rlim_max == RLIM_INFINITY ? Rlimit::kRlimInfinity : h.rlim_max};
  }
  if (new_limit != nullptr) {
    rlimit h{new_limit->cur == Rlimit::kRlimInfinity ? RLIM_INFINITY : new_limit->cur,
             new_limit->max == Rlimit::kRlimInfinity ? RLIM_INFINITY : new_limit->max};
    if (setrlimit(r, &h) != 0) return Fail(LinuxErrno(errno));
  }
  return 0;
}

long Mmap(void* addr, size_t len, long prot, long flags, long fd, long offset) noexcept {
  static const BitPair kMapFlags[] = {
      {map::shared, MAP_SHARED}, {map::private_, MAP_PRIVATE}, {map::fixed, MAP_FIXED},
      {map::anonymous, MAP_ANON},
#ifdef MAP_POPULATE
      {map::populate, MAP_POPULATE},
#else
      {map::populate, 0},  // a hint: pages come on first touch instead
#endif
#ifdef MAP_NORESERVE
      {map::noreserve, MAP_NORESERVE},
#endif
  };
  bool unknown = false;
  int host_flags = ToHost(flags, kMapFlags, &unknown);
  if (unknown || (prot & ~long{prot::read | prot::write | prot::exec}) != 0) {
    return Fail(err::inval.value());
  }
  int host_prot = ((prot & prot::read) ? PROT_READ : 0) | ((prot & prot::write) ? PROT_WRITE : 0) |
                  ((prot & prot::exec) ? PROT_EXEC : 0);
  void* p = mmap(addr, len, host_prot, host_flags, static_cast<int>(fd), static_cast<off_t>(offset));
  if (p == MAP_FAILED) return Fail(LinuxErrno(errno));
  return reinterpret_cast<long>(p);
}

long GetRandom(void* buf, size_t len) noexcept {
  // getentropy(): at most 256 bytes a call, never short, never blocks once
  // the system is seeded.
  auto* p = static_cast<unsigned char*>(buf);
  size_t done = 0;
  while (done < len) {
    size_t n = len - done < 256 ? len - done : 256;
    if (getentropy(p + done, n) != 0) return done > 0 ? static_cast<long>(done) : Fail(LinuxErrno(errno));
    done += n;
  }
  return static_cast<long>(done);
}

// A call only Linux has: to the kernel on Linux, ENOSYS elsewhere.
long LinuxOnly(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
#if defined(__linux__)
  if (LinuxOnlyCallsWork()) return Ret(syscall(nr, a1, a2, a3, a4, a5, a6));
#else
  (void)nr, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
#endif
  return Fail(err::nosys.value());
}

template <class T>
T* Ptr(long v) noexcept {
  return reinterpret_cast<T*>(v);
}
int Int(long v) noexcept { return static_cast<int>(v); }
size_t Size(long v) noexcept { return static_cast<size_t>(v); }

// Calls whose Linux form a host spells otherwise: the kernel's own where
// it is there (every check and corner of it), built from the host's calls
// where not (the cases below).
bool Emulated(long nr) noexcept {
  switch (nr) {
    case nr::statx:
    case nr::prlimit64:
    case nr::getrlimit:
    case nr::setrlimit:
    case nr::getrandom:
    case nr::clock_nanosleep:
    case nr::nanosleep:
      return true;
    default:
      return false;
  }
}

long Dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
  if (Emulated(nr) && LinuxOnlyCallsWork()) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
  switch (nr) {
    // Plain I/O: the same arguments everywhere (struct iovec included).
    case nr::read: return Ret(read(Int(a1), Ptr<void>(a2), Size(a3)));
    case nr::write: return Ret(write(Int(a1), Ptr<const void>(a2), Size(a3)));
    case nr::close: return Ret(close(Int(a1)));
    case nr::readv: return Ret(readv(Int(a1), Ptr<const iovec>(a2), Int(a3)));
    case nr::writev: return Ret(writev(Int(a1), Ptr<const iovec>(a2), Int(a3)));
    case nr::pread64: return Ret(pread(Int(a1), Ptr<void>(a2), Size(a3), a4));
    case nr::pwrite64: return Ret(pwrite(Int(a1), Ptr<const void>(a2), Size(a3), a4));
    case nr::preadv: return Ret(preadv(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    case nr::pwritev: return Ret(pwritev(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    // The "2" forms without flags; offset -1 is the file's own position.
    case nr::preadv2:
      if (a6 != 0) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
      if (a4 == -1) return Ret(readv(Int(a1), Ptr<const iovec>(a2), Int(a3)));
      return Ret(preadv(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    case nr::pwritev2:
      if (a6 != 0) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
      if (a4 == -1) return Ret(writev(Int(a1), Ptr<const iovec>(a2), Int(a3)));
      return Ret(pwritev(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    case nr::lseek: {
      // SEEK_SET/CUR/END are 0/1/2 everywhere; SEEK_DATA/HOLE are not.
      int whence = a3 <= 2 ? Int(a3) : -1;
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
      if (a3 == 3) whence = SEEK_DATA;
      if (a3 == 4) whence = SEEK_HOLE;
#endif
      if (whence < 0) return Fail(err::inval.value());
      return Ret(lseek(Int(a1), a2, whence));
    }
    case nr::fsync: return Ret(fsync(Int(a1)));
    case nr::fdatasync:
#if defined(__APPLE__)
      return Ret(fsync(Int(a1)));  // no fdatasync in macOS's libc
#else
      return Ret(fdatasync(Int(a1)));
#endif
    case nr::ftruncate: return Ret(ftruncate(Int(a1), a2));
    case nr::openat: return OpenAt(a1, Ptr<const char>(a2), a3, a4);
#if defined(__x86_64__)
    case nr::open: return OpenAt(at::fdcwd, Ptr<const char>(a1), a2, a3);
    case nr::pipe: return Ret(pipe(Ptr<int>(a1)));
    case nr::dup2: return Ret(dup2(Int(a1), Int(a2)));
    case nr::poll: return Poll(Ptr<PollEntry>(a1), a2, Int(a3));
#endif
    case nr::fcntl: return Fcntl(a1, a2, a3);
    case nr::dup: return Ret(dup(Int(a1)));
    case nr::dup3: {
      if ((a3 & ~long{o::cloexec}) != 0 || a1 == a2) return Fail(err::inval.value());
      long r = Ret(dup2(Int(a1), Int(a2)));
      if (r >= 0 && (a3 & o::cloexec) != 0) return SetFdFlags(r, false, true);
      return r;
    }
    case nr::pipe2: {
      if ((a2 & ~long{o::nonblock | o::cloexec}) != 0) return Fail(err::inval.value());
      int* fds = Ptr<int>(a1);
      long r = Ret(pipe(fds));
      if (r < 0) return r;
      for (int i = 0; i < 2; ++i) {
        if (long f = SetFdFlags(fds[i], (a2 & o::nonblock) != 0, (a2 & o::cloexec) != 0); f < 0) {
          close(fds[1 - i]);
          return f;
        }
      }
      return 0;
    }
    case nr::statx:
      return StatxFromStat(a1, Ptr<const char>(a2), a3, Ptr<Statx>(a5));
    case nr::mkdirat: return Ret(mkdirat(HostDirFd(a1), Ptr<const char>(a2), static_cast<mode_t>(a3)));
    case nr::unlinkat:
      if ((a3 & ~long{at::removedir}) != 0) return Fail(err::inval.value());
      return Ret(unlinkat(HostDirFd(a1), Ptr<const char>(a2), a3 != 0 ? AT_REMOVEDIR : 0));
    case nr::renameat2:
      if (a5 == 0) {
        return Ret(renameat(HostDirFd(a1), Ptr<const char>(a2), HostDirFd(a3), Ptr<const char>(a4)));
      }
      return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);

    // Sockets: Linux's flags and address layouts, converted.
    case nr::socket: return Socket(a1, a2, a3);
    case nr::socketpair: return SocketPair(a1, a2, a3, Ptr<int>(a4));
    case nr::bind: return AddrCall(&bind, a1, Ptr<const void>(a2), a3);
    case nr::connect: return AddrCall(&connect, a1, Ptr<const void>(a2), a3);
    case nr::listen: return Ret(listen(Int(a1), Int(a2)));
    case nr::accept: return Accept(a1, Ptr<void>(a2), Ptr<SockLen>(a3), 0);
    case nr::accept4: return Accept(a1, Ptr<void>(a2), Ptr<SockLen>(a3), a4);
    case nr::shutdown: return Ret(shutdown(Int(a1), Int(a2)));  // SHUT_*: 0/1/2 everywhere
    case nr::getsockname: return NameCall(&getsockname, a1, Ptr<void>(a2), Ptr<SockLen>(a3));
    case nr::getpeername: return NameCall(&getpeername, a1, Ptr<void>(a2), Ptr<SockLen>(a3));
    case nr::setsockopt: return SockOpt(true, a1, a2, a3, Ptr<void>(a4), a5);
    case nr::getsockopt: return SockOpt(false, a1, a2, a3, Ptr<void>(a4), a5);
    case nr::sendto: return SendTo(a1, Ptr<const void>(a2), Size(a3), a4, Ptr<const void>(a5), a6);
    case nr::recvfrom: return RecvFrom(a1, Ptr<void>(a2), Size(a3), a4, Ptr<void>(a5), Ptr<SockLen>(a6));
    case nr::sendmsg: return MsgCall(true, a1, Ptr<MsgHdr>(a2), a3);
    case nr::recvmsg: return MsgCall(false, a1, Ptr<MsgHdr>(a2), a3);

    // Waiting and time.
    case nr::ppoll: return PPoll(Ptr<PollEntry>(a1), a2, Ptr<const Timespec>(a3), Ptr<const void>(a4));
    case nr::clock_gettime: {
      bool unknown = false;
      clockid_t c = HostClock(a1, &unknown);
      if (unknown) return Fail(err::inval.value());
      timespec t;
      long r = Ret(clock_gettime(c, &t));
      if (r == 0) *Ptr<Timespec>(a2) = {t.tv_sec, t.tv_nsec};
      return r;
    }
    case nr::nanosleep: return ClockNanosleep(clock::monotonic, 0, Ptr<const Timespec>(a1), Ptr<Timespec>(a2));
    case nr::clock_nanosleep: return ClockNanosleep(a1, a2, Ptr<const Timespec>(a3), Ptr<Timespec>(a4));
    case nr::sched_yield: return Ret(sched_yield());

    // Memory.
    case nr::mmap: return Mmap(Ptr<void>(a1), Size(a2), a3, a4, a5, a6);
    case nr::munmap: return Ret(munmap(Ptr<void>(a1), Size(a2)));
    case nr::madvise:
      if (a3 == madv::dontneed || a3 == madv::willneed || a3 == madv::normal ||
          a3 == madv::random || a3 == madv::sequential) {
        return Ret(madvise(Ptr<void>(a1), Size(a2), Int(a3)));  // 0..4: the same everywhere
      }
      return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);

    // Processes.
    case nr::getpid: return getpid();
    case nr::getppid: return getppid();
    case nr::kill: {
      bool unknown = false;
      int s = HostSignal(a2, &unknown);
      if (unknown) return Fail(err::inval.value());
      return Ret(kill(static_cast<pid_t>(a1), s));
    }
    case nr::prlimit64:
      // Another process's limits: only Linux can set them.
      if (a1 != 0) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
      return PrLimit(a1, a2, Ptr<const Rlimit>(a3), Ptr<Rlimit>(a4));
    case nr::getrlimit: return PrLimit(0, a1, nullptr, Ptr<Rlimit>(a2));
    case nr::setrlimit: return PrLimit(0, a1, Ptr<const Rlimit>(a2), nullptr);
    case nr::getrandom: return GetRandom(Ptr<void>(a1), Size(a2));
    case nr::exit:
    case nr::exit_group: _exit(Int(a1));

    // Everything else is Linux's own: io_uring, epoll, eventfd, timerfd,
    // signalfd, pidfd, memfd, splice/tee/vmsplice, futex, affinity, ...
    default: return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
  }
}

}  // namespace
}  // namespace host

long host_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
  // Linux's contract: errno is never touched.
  const int saved = errno;
  long r = host::Dispatch(nr, a1, a2, a3, a4, a5, a6);
  errno = saved;
  return r;
}

}  // namespace zring::core::arch

#endif  // ZRING_CORE_HOST_SYSCALLS
