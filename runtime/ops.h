// zring/runtime/ops.h — the awaitable I/O operations.
//
// Each operation is a small struct that says two things, one per backend:
// how to fill its SQE, and which syscall to make (and on which readiness)
// without io_uring. Everything else — starting, completing, cancelling,
// timeouts, abandonment — is the shared Operation<> path in op.h.
//
//   zring::Task<> echo(int fd) {
//     char buf[4096];
//     for (;;) {
//       auto n = co_await zring::recv(fd, buf, sizeof buf);
//       if (!n || *n == 0) co_return;
//       auto w = co_await zring::send(fd, buf, *n);
//       if (!w) co_return;
//     }
//   }
//
// Call them qualified (zring::read, zring::statx): core/ has wrappers of the
// same names, and arguments of core types would otherwise find both.
//
// Buffers are borrowed: they must stay valid until the co_await returns.
// If the awaiting coroutine is destroyed first, the runtime cancels the
// operation and waits for the kernel to let go of them (op.h).
#pragma once

#include <cstdint>
#include <cstring>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/core/result.h"
#include "zring/core/socket.h"
#include "zring/core/types.h"
#include "zring/ring/prep.h"
#include "zring/runtime/op.h"

namespace zring {

namespace detail {

template <class T>
long Raw(const core::Result<T>& r) noexcept {
  return r ? static_cast<long>(*r) : -static_cast<long>(r.error().value());
}
inline long Raw(const core::Result<void>& r) noexcept {
  return r ? 0 : -static_cast<long>(r.error().value());
}

inline core::Result<size_t> SizeResult(int32_t res) noexcept {
  if (res < 0) return core::Errno(-res);
  return static_cast<size_t>(res);
}
inline core::Result<void> VoidResult(int32_t res) noexcept {
  if (res < 0) return core::Errno(-res);
  return core::Ok();
}
inline core::Result<core::Fd> FdResult(int32_t res) noexcept {
  if (res < 0) return core::Errno(-res);
  return core::Fd(res);
}
// An operation that returns a new fd and finished after its coroutine was
// gone: nobody will close that fd but us.
inline void CloseReturnedFd(OpBase*, int32_t res, uint32_t) noexcept {
  if (res >= 0) (void)core::close(res);
}

}  // namespace detail

// --- nop -------------------------------------------------------------------

struct NopOp : Operation<NopOp> {
  static void Prep(detail::OpBase*, ring::abi::Sqe* sqe) noexcept { ring::prep_nop(sqe); }
  static long Attempt(detail::OpBase*) noexcept { return 0; }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0, ring::abi::Op::kNop};
  core::Result<void> result() const noexcept { return detail::VoidResult(res); }
};
inline Awaitable<NopOp> nop() noexcept { return NopOp(); }

// --- read / write ------------------------------------------------------------

// `offset` -1 means the fd's current position (and is the only choice for
// pipes and sockets).
struct ReadOp : Operation<ReadOp> {
  void* buf;
  uint32_t len;
  int64_t offset;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<ReadOp*>(b);
    ring::prep_read(sqe, o->fd, o->buf, o->len, static_cast<uint64_t>(o->offset));
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<ReadOp*>(b);
    return detail::Raw(o->offset < 0 ? core::read(o->fd, o->buf, o->len)
                                     : core::pread(o->fd, o->buf, o->len, o->offset));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::in,
                                        ring::abi::Op::kRead};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
inline Awaitable<ReadOp> read(int fd, void* buf, size_t len, int64_t offset = -1) noexcept {
  ReadOp op;
  op.fd = fd;
  op.buf = buf;
  op.len = static_cast<uint32_t>(len);
  op.offset = offset;
  return op;
}

struct WriteOp : Operation<WriteOp> {
  const void* buf;
  uint32_t len;
  int64_t offset;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<WriteOp*>(b);
    ring::prep_write(sqe, o->fd, o->buf, o->len, static_cast<uint64_t>(o->offset));
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<WriteOp*>(b);
    return detail::Raw(o->offset < 0 ? core::write(o->fd, o->buf, o->len)
                                     : core::pwrite(o->fd, o->buf, o->len, o->offset));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::out,
                                        ring::abi::Op::kWrite};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
inline Awaitable<WriteOp> write(int fd, const void* buf, size_t len, int64_t offset = -1) noexcept {
  WriteOp op;
  op.fd = fd;
  op.buf = buf;
  op.len = static_cast<uint32_t>(len);
  op.offset = offset;
  return op;
}

// The vector forms. The iovec array must stay valid until the co_await
// returns, like the buffers it points to.
struct ReadvOp : Operation<ReadvOp> {
  const core::IoVec* iov;
  unsigned count;
  int64_t offset;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<ReadvOp*>(b);
    ring::prep_readv(sqe, o->fd, o->iov, o->count, static_cast<uint64_t>(o->offset));
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<ReadvOp*>(b);
    int n = static_cast<int>(o->count);
    return detail::Raw(o->offset < 0 ? core::readv(o->fd, o->iov, n)
                                     : core::preadv(o->fd, o->iov, n, o->offset));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::in,
                                        ring::abi::Op::kReadv};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
inline Awaitable<ReadvOp> readv(int fd, const core::IoVec* iov, unsigned count,
                     int64_t offset = -1) noexcept {
  ReadvOp op;
  op.fd = fd;
  op.iov = iov;
  op.count = count;
  op.offset = offset;
  return op;
}

struct WritevOp : Operation<WritevOp> {
  const core::IoVec* iov;
  unsigned count;
  int64_t offset;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<WritevOp*>(b);
    ring::prep_writev(sqe, o->fd, o->iov, o->count, static_cast<uint64_t>(o->offset));
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<WritevOp*>(b);
    int n = static_cast<int>(o->count);
    return detail::Raw(o->offset < 0 ? core::writev(o->fd, o->iov, n)
                                     : core::pwritev(o->fd, o->iov, n, o->offset));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::out,
                                        ring::abi::Op::kWritev};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
inline Awaitable<WritevOp> writev(int fd, const core::IoVec* iov, unsigned count,
                       int64_t offset = -1) noexcept {
  WritevOp op;
  op.fd = fd;
  op.iov = iov;
  op.count = count;
  op.offset = offset;
  return op;
}

// --- files ---------------------------------------------------------------------

struct FsyncOp : Operation<FsyncOp> {
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    ring::prep_fsync(sqe, b->fd);
  }
  static long Attempt(detail::OpBase* b) noexcept { return detail::Raw(core::fsync(b->fd)); }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0, ring::abi::Op::kFsync};
  core::Result<void> result() const noexcept { return detail::VoidResult(res); }
};
inline Awaitable<FsyncOp> fsync(int fd) noexcept {
  FsyncOp op;
  op.fd = fd;
  return op;
}

// openat(): the new file as an owned Fd (O_CLOEXEC is added).
struct OpenatOp : Operation<OpenatOp> {
  const char* path;
  int flags;
  unsigned mode;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<OpenatOp*>(b);
    ring::prep_openat(sqe, o->fd, o->path, o->flags, o->mode);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<OpenatOp*>(b);
    return detail::Raw(core::openat(o->fd, o->path, o->flags, o->mode));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, &detail::CloseReturnedFd, 0,
                                        ring::abi::Op::kOpenat};
  core::Result<core::Fd> result() const noexcept { return detail::FdResult(res); }
};
inline Awaitable<OpenatOp> openat(int dirfd, const char* path, int flags, unsigned mode = 0) noexcept {
  OpenatOp op;
  op.fd = dirfd;
  op.path = path;
  op.flags = flags | core::o::cloexec;
  op.mode = mode;
  return op;
}

struct CloseOp : Operation<CloseOp> {
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    ring::prep_close(sqe, b->fd);
  }
  static long Attempt(detail::OpBase* b) noexcept { return detail::Raw(core::close(b->fd)); }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0, ring::abi::Op::kClose};
  core::Result<void> result() const noexcept { return detail::VoidResult(res); }
};
// close(): takes the raw fd out of `fd` and closes it.
inline Awaitable<CloseOp> close(core::Fd& fd) noexcept {
  CloseOp op;
  op.fd = fd.release();
  return op;
}

struct StatxOp : Operation<StatxOp> {
  const char* path;
  int flags;
  unsigned mask;
  core::Statx* out;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<StatxOp*>(b);
    ring::prep_statx(sqe, o->fd, o->path, o->flags, o->mask, o->out);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<StatxOp*>(b);
    return detail::Raw(core::statx(o->fd, o->path, o->flags, o->mask, o->out));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0, ring::abi::Op::kStatx};
  core::Result<void> result() const noexcept { return detail::VoidResult(res); }
};
inline Awaitable<StatxOp> statx(int dirfd, const char* path, int flags, unsigned mask,
                     core::Statx* out) noexcept {
  StatxOp op;
  op.fd = dirfd;
  op.path = path;
  op.flags = flags;
  op.mask = mask;
  op.out = out;
  return op;
}

// --- sockets ---------------------------------------------------------------------

struct SocketOp : Operation<SocketOp> {
  int domain, type, protocol;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<SocketOp*>(b);
    ring::prep_socket(sqe, o->domain, o->type, o->protocol);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<SocketOp*>(b);
    return detail::Raw(core::socket(o->domain, o->type, o->protocol));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, &detail::CloseReturnedFd, 0,
                                        ring::abi::Op::kSocket};
  core::Result<core::Fd> result() const noexcept { return detail::FdResult(res); }
};
// socket(): SOCK_CLOEXEC is added.
inline Awaitable<SocketOp> socket(int domain, int type, int protocol = 0) noexcept {
  SocketOp op;
  op.domain = domain;
  op.type = type | core::sock::cloexec;
  op.protocol = protocol;
  return op;
}

// accept(): the connection as an owned Fd; the peer address is kept in the
// operation (peer()). SOCK_CLOEXEC is added.
struct AcceptOp : Operation<AcceptOp> {
  int flags = 0;
  core::SockAddrStorage addr{};
  core::SockLen addrlen = 0;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<AcceptOp*>(b);
    o->addrlen = sizeof o->addr;
    ring::prep_accept(sqe, o->fd, &o->addr, &o->addrlen, o->flags);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<AcceptOp*>(b);
    o->addrlen = sizeof o->addr;
    return detail::Raw(core::accept4(o->fd, &o->addr, &o->addrlen, o->flags));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, &detail::CloseReturnedFd,
                                        core::ev::in, ring::abi::Op::kAccept};
  core::Result<core::Fd> result() const noexcept { return detail::FdResult(res); }
};
inline Awaitable<AcceptOp> accept(int listen_fd, int flags = 0) noexcept {
  AcceptOp op;
  op.fd = listen_fd;
  op.flags = flags | core::sock::cloexec;
  return op;
}

struct ConnectOp : Operation<ConnectOp> {
  core::SockAddrStorage addr{};
  core::SockLen addrlen = 0;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<ConnectOp*>(b);
    ring::prep_connect(sqe, o->fd, &o->addr, o->addrlen);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<ConnectOp*>(b);
    long r = detail::Raw(core::connect(o->fd, &o->addr, o->addrlen));
    // A nonblocking connect: EINPROGRESS first, EALREADY while it goes on,
    // EISCONN once it has succeeded.
    if (r == -core::err::isconn.value() && o->attempts > 0) return 0;
    if (r == -core::err::already.value()) return -core::err::again.value();
    return r;
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::out,
                                        ring::abi::Op::kConnect};
  core::Result<void> result() const noexcept { return detail::VoidResult(res); }
};
// connect(): `addr` is copied into the operation.
inline Awaitable<ConnectOp> connect(int fd, const void* addr, core::SockLen len) noexcept {
  ConnectOp op;
  op.fd = fd;
  if (len > sizeof op.addr) len = 0;  // the kernel then says EINVAL
  std::memcpy(&op.addr, addr, len);
  op.addrlen = len;
  return op;
}

struct SendOp : Operation<SendOp> {
  const void* buf;
  size_t len;
  int flags;
  bool zero_copy;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<SendOp*>(b);
    if (o->zero_copy) {
      ring::prep_send_zc(sqe, o->fd, o->buf, o->len, o->flags);
    } else {
      ring::prep_send(sqe, o->fd, o->buf, o->len, o->flags);
    }
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<SendOp*>(b);
    return detail::Raw(core::send(o->fd, o->buf, o->len, o->flags));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::out,
                                        ring::abi::Op::kSend};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
// send(): MSG_NOSIGNAL is added, so a closed peer is EPIPE, not a signal.
inline Awaitable<SendOp> send(int fd, const void* buf, size_t len, int flags = 0) noexcept {
  SendOp op;
  op.fd = fd;
  op.buf = buf;
  op.len = len;
  op.flags = flags | core::msg::nosignal;
  op.zero_copy = false;
  return op;
}
// send_zc(): zero-copy send; completes after the kernel's notification, so
// the buffer is free when the co_await returns. A plain send on the poll
// backend.
inline Awaitable<SendOp> send_zc(int fd, const void* buf, size_t len, int flags = 0) noexcept {
  SendOp op = send(fd, buf, len, flags);
  op.zero_copy = true;
  return op;
}

struct RecvOp : Operation<RecvOp> {
  void* buf;
  size_t len;
  int flags;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<RecvOp*>(b);
    ring::prep_recv(sqe, o->fd, o->buf, o->len, o->flags);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<RecvOp*>(b);
    return detail::Raw(core::recv(o->fd, o->buf, o->len, o->flags));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::in,
                                        ring::abi::Op::kRecv};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
inline Awaitable<RecvOp> recv(int fd, void* buf, size_t len, int flags = 0) noexcept {
  RecvOp op;
  op.fd = fd;
  op.buf = buf;
  op.len = len;
  op.flags = flags;
  return op;
}

struct SendmsgOp : Operation<SendmsgOp> {
  const core::MsgHdr* msg;
  int flags;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<SendmsgOp*>(b);
    ring::prep_sendmsg(sqe, o->fd, o->msg, static_cast<unsigned>(o->flags));
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<SendmsgOp*>(b);
    return detail::Raw(core::sendmsg(o->fd, o->msg, o->flags));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::out,
                                        ring::abi::Op::kSendmsg};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
inline Awaitable<SendmsgOp> sendmsg(int fd, const core::MsgHdr* msg, int flags = 0) noexcept {
  SendmsgOp op;
  op.fd = fd;
  op.msg = msg;
  op.flags = flags | core::msg::nosignal;
  return op;
}

struct RecvmsgOp : Operation<RecvmsgOp> {
  core::MsgHdr* msg;
  int flags;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<RecvmsgOp*>(b);
    ring::prep_recvmsg(sqe, o->fd, o->msg, static_cast<unsigned>(o->flags));
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<RecvmsgOp*>(b);
    return detail::Raw(core::recvmsg(o->fd, o->msg, o->flags));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::in,
                                        ring::abi::Op::kRecvmsg};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
inline Awaitable<RecvmsgOp> recvmsg(int fd, core::MsgHdr* msg, int flags = 0) noexcept {
  RecvmsgOp op;
  op.fd = fd;
  op.msg = msg;
  op.flags = flags;
  return op;
}

struct ShutdownOp : Operation<ShutdownOp> {
  int how;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    ring::prep_shutdown(sqe, b->fd, static_cast<ShutdownOp*>(b)->how);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    return detail::Raw(core::shutdown(b->fd, static_cast<ShutdownOp*>(b)->how));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0,
                                        ring::abi::Op::kShutdown};
  core::Result<void> result() const noexcept { return detail::VoidResult(res); }
};
inline Awaitable<ShutdownOp> shutdown(int fd, int how) noexcept {
  ShutdownOp op;
  op.fd = fd;
  op.how = how;
  return op;
}

// --- pipes ---------------------------------------------------------------------

struct SpliceOp : Operation<SpliceOp> {
  int fd_in, fd_out;
  int64_t off_in, off_out;
  uint32_t len;
  unsigned flags;
  bool tee;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<SpliceOp*>(b);
    if (o->tee) {
      ring::prep_tee(sqe, o->fd_in, o->fd_out, o->len, o->flags);
    } else {
      ring::prep_splice(sqe, o->fd_in, o->off_in, o->fd_out, o->off_out, o->len, o->flags);
    }
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<SpliceOp*>(b);
    if (o->tee) return detail::Raw(core::tee(o->fd_in, o->fd_out, o->len, o->flags));
    int64_t in = o->off_in, out = o->off_out;
    return detail::Raw(core::splice(o->fd_in, o->off_in < 0 ? nullptr : &in, o->fd_out,
                                    o->off_out < 0 ? nullptr : &out, o->len, o->flags));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0, ring::abi::Op::kSplice};
  core::Result<size_t> result() const noexcept { return detail::SizeResult(res); }
};
// splice(): moves up to `len` bytes between two fds, one a pipe. Offsets
// -1 use (and advance) the fd's position.
inline Awaitable<SpliceOp> splice(int fd_in, int64_t off_in, int fd_out, int64_t off_out,
                       size_t len, unsigned flags = 0) noexcept {
  SpliceOp op;
  op.fd_in = fd_in;
  op.fd_out = fd_out;
  op.off_in = off_in;
  op.off_out = off_out;
  op.len = static_cast<uint32_t>(len);
  op.flags = flags;
  op.tee = false;
  return op;
}
inline Awaitable<SpliceOp> tee(int fd_in, int fd_out, size_t len, unsigned flags = 0) noexcept {
  SpliceOp op = splice(fd_in, -1, fd_out, -1, len, flags);
  op.tee = true;
  return op;
}

// --- readiness ------------------------------------------------------------------

// poll(): waits until `fd` has one of `events` (ev::in, ev::out, ...);
// returns the events it has.
struct PollOp : Operation<PollOp> {
  uint32_t mask;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    ring::prep_poll_add(sqe, b->fd, static_cast<PollOp*>(b)->mask);
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<PollOp*>(b);
    core::PollEntry entry{o->fd, static_cast<short>(o->mask), 0};
    core::Timespec zero{0, 0};
    core::Result<int> n = core::ppoll(&entry, 1, &zero, nullptr);
    if (!n) return detail::Raw(n);
    return *n == 0 ? -core::err::again.value() : static_cast<uint16_t>(entry.revents);
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::in,
                                        ring::abi::Op::kPollAdd};
  core::Result<uint32_t> result() const noexcept {
    if (res < 0) return core::Errno(-res);
    return static_cast<uint32_t>(res);
  }
};
inline Awaitable<PollOp> poll(int fd, uint32_t events) noexcept {
  PollOp op;
  op.fd = fd;
  op.mask = events;
  op.events = events;
  return op;
}

// --- time -----------------------------------------------------------------------

struct SleepOp : Operation<SleepOp> {
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    ring::prep_timeout(sqe, &b->ts, 0, 0);
  }
  static long Attempt(detail::OpBase*) noexcept { return -core::err::time.value(); }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0, ring::abi::Op::kTimeout};
  // The timer firing (ETIME) is success; ECANCELED when cancelled.
  core::Result<void> result() const noexcept {
    if (res == -core::err::time.value() || res >= 0) return core::Ok();
    return core::Errno(-res);
  }
};
template <class Rep, class Period>
Awaitable<SleepOp> sleep_for(std::chrono::duration<Rep, Period> d) noexcept {
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  if (ns < 0) ns = 0;
  SleepOp op;
  op.ts = ring::abi::KernelTimespec{ns / 1000000000, ns % 1000000000};
  return op;
}
template <class Clock, class Duration>
Awaitable<SleepOp> sleep_until(std::chrono::time_point<Clock, Duration> t) noexcept {
  return sleep_for(t - Clock::now());
}

// with_timeout(op, d): the same as op.timeout(d).
template <class Op, class Rep, class Period>
Op&& with_timeout(Op&& op, std::chrono::duration<Rep, Period> d) noexcept {
  (void)std::move(op).timeout(d);
  return std::forward<Op>(op);
}

}  // namespace zring

// StartOp(), inline, and the runtime it starts operations on.
#include "zring/runtime/runtime.h"
