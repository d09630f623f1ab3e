// zring/net/tcp_stream.h — TcpStream: one TCP connection, read and written
// through the runtime's awaitable operations (io_uring or the poll
// fallback, whichever the runtime runs on).
//
//   zring::Task<core::Result<void>> hello(const zring::net::SocketAddress& to) {
//     auto s = co_await zring::net::TcpStream::connect(to, std::chrono::seconds(1));
//     if (!s) co_return s.error();            // err::connrefused, err::timedout, ...
//     if (auto w = co_await s->write_all("hi\n", 3); !w) co_return w.error();
//     char reply[3];
//     co_return co_await s->read_exact(reply, sizeof reply);
//   }
//
// read()/write()/readv()/writev() are one operation each and return what
// the kernel did: a short count is normal on sockets (io_uring sends
// included), and read() returning 0 is end of stream. read_exact() and
// write_all() loop until the whole buffer is done.
//
// Buffers are borrowed until the co_await returns, as for every operation
// (runtime/ops.h). A TcpStream belongs to the thread whose runtime uses it;
// at most one read and one write may be in flight on it at once (the usual
// socket rule: two concurrent writes would interleave their bytes).
// Destroying it closes the socket; nothing must be in flight then.
#pragma once

#include <chrono>
#include <cstddef>
#include <coroutine>
#include <optional>
#include <stop_token>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/core/socket.h"
#include "zring/net/address.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/task.h"

namespace zring::net {

// kUnexpectedEof: what read_exact() returns when the peer ends the stream
// before the buffer is full. ENODATA ("no data available") rather than
// ECONNRESET, so that a caller can tell an orderly but early close from a
// reset (which read_exact() passes on as err::connreset).
inline constexpr core::Errno kUnexpectedEof = core::err::nodata;

// kNoTimeout: the default for connect(): wait as long as the kernel does
// (its SYN retries, about two minutes).
inline constexpr std::chrono::nanoseconds kNoTimeout{-1};

// SendvAwaiter: what TcpStream::writev() returns: a sendmsg() with
// MSG_NOSIGNAL over the caller's iovecs (a plain writev() on a reset
// socket would raise SIGPIPE). co_await gives core::Result<size_t>.
class SendvAwaiter final {
 public:
  SendvAwaiter(int fd, const core::IoVec* iov, unsigned count) noexcept
      : op_(zring::sendmsg(fd, &msg_)) {
    msg_.iov = const_cast<core::IoVec*>(iov);  // sendmsg does not write them
    msg_.iovlen = count;
  }
  // Moved only before it is awaited (from the function that made it); the
  // operation then points at this object's header, set in await_suspend().
  SendvAwaiter(SendvAwaiter&& other) noexcept : msg_(other.msg_), op_(std::move(other.op_)) {}

  // timeout() / cancel_on(): as on every operation (runtime/op.h).
  template <class Rep, class Period>
  SendvAwaiter&& timeout(std::chrono::duration<Rep, Period> d) && noexcept {
    (void)std::move(op_).timeout(d);
    return std::move(*this);
  }
  SendvAwaiter&& cancel_on(const std::stop_token& token) && noexcept {
    (void)std::move(op_).cancel_on(token);
    return std::move(*this);
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    op_.msg = &msg_;
    return op_.await_suspend(h);
  }
  core::Result<size_t> await_resume() noexcept { return op_.await_resume(); }

 private:
  core::MsgHdr msg_{};
  Awaitable<SendmsgOp> op_;
};

// TcpStream
class TcpStream final {
 public:
  // TcpStream(): no connection; every operation is err::badf.
  TcpStream() noexcept = default;
  // TcpStream(fd): takes ownership of a connected TCP socket (from accept,
  // or made elsewhere).
  explicit TcpStream(core::Fd fd) noexcept : fd_(std::move(fd)) {}

  TcpStream(TcpStream&&) noexcept = default;
  TcpStream& operator=(TcpStream&&) noexcept = default;

  // connect(): a new socket of the address's family, connected to `to`.
  // Fails with the kernel's error (err::connrefused when nothing listens,
  // err::netunreach, ...), err::timedout when `timeout` (if not
  // kNoTimeout) passes first, err::canceled when the awaiting task is
  // cancelled. The socket is closed on every failure.
  static Task<core::Result<TcpStream>> connect(SocketAddress to,
                                               std::chrono::nanoseconds timeout = kNoTimeout);

  // read(): up to `len` bytes; 0 is end of stream. One recv operation.
  [[nodiscard]] Awaitable<RecvOp> read(void* buf, size_t len) const noexcept {
    return zring::recv(fd_.get(), buf, len);
  }
  // write(): up to `len` bytes; returns how many were sent. One send
  // operation, MSG_NOSIGNAL: a closed peer is err::pipe, not SIGPIPE.
  [[nodiscard]] Awaitable<SendOp> write(const void* buf, size_t len) const noexcept {
    return zring::send(fd_.get(), buf, len);
  }
  // readv() / writev(): the same over `count` iovecs, which must stay
  // valid until the co_await returns.
  [[nodiscard]] Awaitable<ReadvOp> readv(const core::IoVec* iov, unsigned count) const noexcept {
    return zring::readv(fd_.get(), iov, count);
  }
  [[nodiscard]] SendvAwaiter writev(const core::IoVec* iov, unsigned count) const noexcept {
    return SendvAwaiter(fd_.get(), iov, count);
  }

  // read_exact(): exactly `len` bytes, in as many reads as it takes.
  // kUnexpectedEof when the stream ends first; how much arrived before an
  // error is not reported.
  Task<core::Result<void>> read_exact(void* buf, size_t len) const;

  // write_all(): all `len` bytes, in as many sends as it takes.
  Task<core::Result<void>> write_all(const void* buf, size_t len) const;
  // write_all(iov, count): all bytes of the iovecs. The array is used as
  // scratch: its entries are advanced in place past what was sent, so it
  // must be writable and its contents are unspecified afterwards.
  Task<core::Result<void>> write_all(core::IoVec* iov, unsigned count) const;

  // shutdown(): shut::wr (the peer reads end of stream after what was
  // already written), shut::rd or shut::rdwr.
  [[nodiscard]] Awaitable<ShutdownOp> shutdown(int how) const noexcept {
    return zring::shutdown(fd_.get(), how);
  }

  // Options and addresses (socket_options.h on this socket).
  core::Result<void> set_nodelay(bool on) const noexcept;
  [[nodiscard]] core::Result<bool> nodelay() const noexcept;
  core::Result<void> set_keepalive(bool on) const noexcept;
  [[nodiscard]] core::Result<bool> keepalive() const noexcept;
  core::Result<void> set_recv_buffer_size(int bytes) const noexcept;
  [[nodiscard]] core::Result<int> recv_buffer_size() const noexcept;
  core::Result<void> set_send_buffer_size(int bytes) const noexcept;
  [[nodiscard]] core::Result<int> send_buffer_size() const noexcept;
  core::Result<void> set_linger(std::optional<std::chrono::seconds> timeout) const noexcept;
  [[nodiscard]] core::Result<SocketAddress> local_address() const noexcept;
  [[nodiscard]] core::Result<SocketAddress> peer_address() const noexcept;

  // fd(): the socket, still owned by this stream; -1 when there is none.
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] bool valid() const noexcept { return fd_.valid(); }
  explicit operator bool() const noexcept { return valid(); }
  // release(): gives the socket away; this stream is empty afterwards.
  [[nodiscard]] core::Fd release() noexcept { return core::Fd(fd_.release()); }
  // close(): closes now, reporting the kernel's result (the destructor
  // closes too, quietly). Idempotent.
  core::Result<void> close() noexcept { return fd_.close(); }

 private:
  core::Fd fd_;
};

}  // namespace zring::net
