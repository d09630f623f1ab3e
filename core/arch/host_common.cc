// zring/core/arch/host_common.cc — what the files of the host syscall
// layer share: the errno and flag conversion tables, the switch that
// refuses Linux's own calls, and the small helpers every call uses.
#include "zring/core/syscall.h"

#if defined(ZRING_CORE_HOST_SYSCALLS)

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>

#include "zring/core/arch/host_internal.h"
#include "zring/core/constants.h"
#include "zring/core/error.h"

namespace zring::core::arch::host {

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
// See LinuxOnlyCallsWork(). -1: not decided yet.
std::atomic<int> g_portable{kLinux ? -1 : 1};
}  // namespace

bool LinuxOnlyCallsWork() noexcept {
  int portable = g_portable.load(std::memory_order_relaxed);
  if (portable < 0) {
    const char* v = getenv("ZRING_HOST_PORTABLE");
    portable = v != nullptr && v[0] == '1' ? 1 : 0;
    g_portable.store(portable, std::memory_order_relaxed);
  }
  return portable == 0;
}

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

// The host call's result: -1 with errno set is a failure.
long Ret(long r) noexcept { return r == -1 ? Fail(LinuxErrno(errno)) : r; }

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
  int known = 0;
  for (size_t i = 0; i < n; ++i) {
    known |= pairs[i].host;
    if (pairs[i].host != 0 && (host_bits & pairs[i].host) == pairs[i].host) {
      out |= pairs[i].linux_value;
    }
  }
  if constexpr (kLinux) out |= host_bits & ~known;  // Linux's own, as they are
  return out;
}

// O_* flags other than the access mode (the same three values everywhere).
const BitPair kOpenFlags[] = {
    {o::creat, O_CREAT},     {o::excl, O_EXCL},         {o::noctty, O_NOCTTY},
    {o::trunc, O_TRUNC},     {o::append, O_APPEND},     {o::nonblock, O_NONBLOCK},
    {o::directory, O_DIRECTORY}, {o::nofollow, O_NOFOLLOW}, {o::cloexec, O_CLOEXEC},
    // o::sync includes o::dsync: the longer match first.
    {o::sync, O_SYNC},
#ifdef O_DSYNC
    {o::dsync, O_DSYNC},
#endif
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

}  // namespace zring::core::arch::host

#endif  // ZRING_CORE_HOST_SYSCALLS
