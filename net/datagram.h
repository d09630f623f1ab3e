// zring/net/datagram.h — datagram I/O on any datagram socket (UDP, Unix
// SOCK_DGRAM): send_to / recv_from with addresses, and batches.
//
//   char buf[1500];
//   core::Result<zring::net::ReceivedDatagram> d =
//       co_await zring::net::recv_from(fd, buf, sizeof buf);
//   if (d) co_await zring::net::send_to(fd, buf, d->length, d->from);
//
//   zring::net::Datagram batch[32];        // each: data, size (capacity)
//   core::Result<size_t> n = co_await zring::net::recv_batch(fd, batch);
//
// UdpSocket and UnixDatagram expose these as members; they are free
// functions on a raw fd so that both (and sockets made elsewhere) share one
// implementation.
//
// send_to() and recv_from() are one sendmsg/recvmsg operation each and
// allocate nothing. The batches are Tasks:
// - on the poll backend, one sendmmsg/recvmmsg syscall moves the batch
//   (MSG_DONTWAIT; on err::again they wait for readiness and retry);
// - on io_uring, there is no batched opcode, so a batch is N sendmsg (or
//   recvmsg) operations submitted together, which reach the kernel in one
//   io_uring_enter: when_all over one small task per datagram. For
//   receiving, the first datagram is awaited alone (the wait), then the
//   other N-1 are asked for at once with MSG_DONTWAIT, which takes what has
//   already arrived without waiting for more. That costs one coroutine
//   frame per datagram (an allocation each) on top of the batch's own.
#pragma once

#include <coroutine>
#include <cstddef>
#include <span>

#include "zring/core/result.h"
#include "zring/core/socket.h"
#include "zring/net/address.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/task.h"

namespace zring::net {

// Datagram
//
// One slot of a batch. The caller fills `data` and `size` (and `address`
// to send on an unconnected socket); the batch call fills the rest.
struct Datagram {
  void* data = nullptr;    // send: the bytes (not written); receive: the buffer
  size_t size = 0;         // send: how many bytes; receive: the buffer's size
  SocketAddress address;   // send: where to (empty: the connected peer);
                           // receive: who sent it (empty: an unnamed socket)
  size_t length = 0;       // out: bytes sent or received
  bool truncated = false;  // out, receive: the datagram was longer than
                           // `size` and the rest was dropped
};

// ReceivedDatagram: what recv_from() returns.
struct ReceivedDatagram {
  size_t length = 0;       // bytes placed in the buffer
  SocketAddress from;      // the sender (empty for an unnamed Unix socket)
  bool truncated = false;  // the datagram was longer than the buffer
};

// SendToAwaiter
//
// What send_to() returns: one sendmsg operation to an address; co_await
// gives core::Result<size_t>. Holds its own copy of the address.
class SendToAwaiter final {
 public:
  SendToAwaiter(int fd, const void* buf, size_t len, const SocketAddress& to) noexcept
      : to_(to), op_(zring::sendmsg(fd, &msg_)) {
    iov_ = {const_cast<void*>(buf), len};  // sendmsg does not write it
  }
  // Moved only before it is awaited; the pointers into this object are
  // set in await_suspend().
  SendToAwaiter(SendToAwaiter&& other) noexcept
      : to_(other.to_), iov_(other.iov_), op_(std::move(other.op_)) {}

  // timeout() / cancel_on(): as on every operation (runtime/op.h).
  template <class Rep, class Period>
  SendToAwaiter&& timeout(std::chrono::duration<Rep, Period> d) && noexcept {
    (void)std::move(op_).timeout(d);
    return std::move(*this);
  }
  SendToAwaiter&& cancel_on(const std::stop_token& token) && noexcept {
    (void)std::move(op_).cancel_on(token);
    return std::move(*this);
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    msg_.name = const_cast<void*>(to_.data());  // nor this
    msg_.namelen = to_.size();
    msg_.iov = &iov_;
    msg_.iovlen = 1;
    op_.msg = &msg_;
    return op_.await_suspend(h);
  }
  core::Result<size_t> await_resume() noexcept { return op_.await_resume(); }

 private:
  SocketAddress to_;
  core::IoVec iov_{};
  core::MsgHdr msg_{};
  Awaitable<SendmsgOp> op_;  // last: destroyed (and drained) first
};

// RecvFromAwaiter
//
// What recv_from() returns: one recvmsg operation that also takes the
// sender's address; co_await gives core::Result<ReceivedDatagram>.
class RecvFromAwaiter final {
 public:
  RecvFromAwaiter(int fd, void* buf, size_t len, int flags) noexcept
      : op_(zring::recvmsg(fd, &msg_, flags)) {
    iov_ = {buf, len};
  }
  RecvFromAwaiter(RecvFromAwaiter&& other) noexcept
      : iov_(other.iov_), op_(std::move(other.op_)) {}

  template <class Rep, class Period>
  RecvFromAwaiter&& timeout(std::chrono::duration<Rep, Period> d) && noexcept {
    (void)std::move(op_).timeout(d);
    return std::move(*this);
  }
  RecvFromAwaiter&& cancel_on(const std::stop_token& token) && noexcept {
    (void)std::move(op_).cancel_on(token);
    return std::move(*this);
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    msg_.name = &from_;
    msg_.namelen = sizeof from_;
    msg_.iov = &iov_;
    msg_.iovlen = 1;
    op_.msg = &msg_;
    return op_.await_suspend(h);
  }
  core::Result<ReceivedDatagram> await_resume() noexcept;

 private:
  core::SockAddrStorage from_{};
  core::IoVec iov_{};
  core::MsgHdr msg_{};
  Awaitable<RecvmsgOp> op_;
};

// send_to(): one datagram to `to`. On a connected socket `to` may be an
// empty SocketAddress (then it goes to the peer).
[[nodiscard]] inline SendToAwaiter send_to(int fd, const void* buf, size_t len,
                                           const SocketAddress& to) noexcept {
  return SendToAwaiter(fd, buf, len, to);
}

// recv_from(): one datagram and its sender. A datagram longer than `len`
// is cut (truncated is set); the rest is lost, as with recvfrom(2).
// `flags`: msg::peek, msg::dontwait (err::again at once when nothing has
// arrived), ...
[[nodiscard]] inline RecvFromAwaiter recv_from(int fd, void* buf, size_t len,
                                               int flags = 0) noexcept {
  return RecvFromAwaiter(fd, buf, len, flags);
}

// kMaxBatch: the most datagrams one send round or one recv_batch() moves
// (a syscall's worth, or one submission's).
inline constexpr size_t kMaxBatch = 64;

// send_batch()
//
// Sends every datagram of `batch`, kMaxBatch at a time (see the file
// comment for how), filling each one's `length`. Returns how many were
// sent, counted from the front: the first failure stops the count, and is
// returned itself when it is the first datagram's. On io_uring the datagrams after a failed one may still
// have been sent, and datagrams of one batch may leave in another order
// when the socket's buffer fills (they are separate operations).
[[nodiscard]] Task<core::Result<size_t>> send_batch(int fd, std::span<Datagram> batch);

// recv_batch()
//
// Waits for at least one datagram, then takes as many more as have already
// arrived, up to min(batch.size(), kMaxBatch), without waiting for them.
// Returns how many slots were filled; they are the first ones of `batch`. On io_uring, the
// slots may be reordered to bring the filled ones to the front (whole
// Datagram values are swapped, buffers included) in the rare case a
// datagram arrives between two of the batch's operations.
[[nodiscard]] Task<core::Result<size_t>> recv_batch(int fd, std::span<Datagram> batch);

}  // namespace zring::net
