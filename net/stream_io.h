// zring/net/stream_io.h — what every stream socket (TcpStream,
// UnixStream) shares: the loops over short reads and writes, and a
// vectored send that cannot raise SIGPIPE.
//
//   if (auto r = co_await zring::net::write_all(fd, "hello", 5); !r) ...
//   char reply[5];
//   core::Result<void> got = co_await zring::net::read_exact(fd, reply, 5);
//   if (!got && got.error() == zring::net::kUnexpectedEof) ...  // peer closed early
//
// They take a raw fd, so that any stream class (or a socket made
// elsewhere) uses the one implementation; the classes expose them as
// members. Buffers are borrowed until the co_await returns.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <stop_token>

#include "zring/core/result.h"
#include "zring/core/socket.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/task.h"

namespace zring::net {

// kUnexpectedEof: what read_exact() returns when the peer ends the stream
// before the buffer is full. ENODATA ("no data available") rather than
// ECONNRESET, so that a caller can tell an orderly but early close from a
// reset (which read_exact() passes on as err::connreset).
inline constexpr core::Errno kUnexpectedEof = core::err::nodata;

// kNoTimeout: the default for a stream's connect(): wait as long as the kernel does
// (its SYN retries, about two minutes).
inline constexpr std::chrono::nanoseconds kNoTimeout{-1};

// SendvAwaiter: what writev() of TcpStream and UnixStream returns: a sendmsg() with
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

// read_exact(): exactly `len` bytes, in as many receives as it takes.
// kUnexpectedEof when the stream ends first; how much arrived before an
// error is not reported.
Task<core::Result<void>> read_exact(int fd, void* buf, size_t len);

// write_all(): all `len` bytes, in as many sends as it takes (MSG_NOSIGNAL:
// a closed peer is err::pipe).
Task<core::Result<void>> write_all(int fd, const void* buf, size_t len);

// write_all(fd, iov, count): all bytes of the iovecs. The array is used as
// scratch: its entries are advanced in place past what was sent, so it
// must be writable and its contents are unspecified afterwards.
Task<core::Result<void>> write_all(int fd, core::IoVec* iov, unsigned count);

}  // namespace zring::net
