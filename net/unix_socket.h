// zring/net/unix_socket.h — Unix domain sockets: UnixStream (connected,
// reliable bytes), UnixListener (accepts UnixStreams) and UnixDatagram
// (messages with boundaries), and fd passing on both kinds.
//
//   auto l = zring::net::UnixListener::bind(*zring::net::SocketAddress::Parse("unix:@my-service"));
//   ...
//   auto s = co_await zring::net::UnixStream::connect(*zring::net::SocketAddress::Parse("unix:@my-service"));
//   co_await s->write_all("hi", 2);
//
//   auto [a, b] = *zring::net::UnixStream::pair();   // connected, no name
//
// Addresses: a path ("unix:/run/app.sock", SocketAddress::Unix) is a file
// in the filesystem, subject to its permissions; an abstract name
// ("unix:@name", SocketAddress::UnixAbstract) lives in the network
// namespace, needs no cleanup and has no permissions.
//
// Stale paths are the caller's business. Binding a path that exists fails
// with err::addrinuse, even when it is the socket file of a process that
// has died: whether that file may be removed (is it ours? is another
// instance running?) is for the caller to decide, e.g. by trying to connect
// first and unlinking only on err::connrefused. For the same reason
// nothing here unlinks the path when a listener closes.
//
// I/O is the same as TcpStream's and UdpSocket's (stream_io.h,
// datagram.h): one operation per call, buffers borrowed until the
// co_await returns, and nothing may be in flight when a socket is
// destroyed.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <utility>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/core/socket.h"
#include "zring/net/address.h"
#include "zring/net/datagram.h"
#include "zring/net/fd_passing.h"
#include "zring/net/stream_io.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/task.h"

namespace zring::net {

// UnixStream
class UnixStream final {
 public:
  UnixStream() noexcept = default;
  // UnixStream(fd): takes ownership of a connected SOCK_STREAM Unix socket.
  explicit UnixStream(core::Fd fd) noexcept : fd_(std::move(fd)) {}
  UnixStream(UnixStream&&) noexcept = default;
  UnixStream& operator=(UnixStream&&) noexcept = default;

  // connect(): a new socket connected to the listener at `to`.
  // err::afnosupport for an IP address; err::noent when no such path,
  // err::connrefused when nothing listens there (a stale path or name),
  // err::acces, err::timedout when `timeout` passes first.
  static Task<core::Result<UnixStream>> connect(SocketAddress to,
                                                std::chrono::nanoseconds timeout = kNoTimeout);

  // pair(): two connected streams (socketpair), e.g. to talk to a child
  // process or between threads.
  static core::Result<std::pair<UnixStream, UnixStream>> pair() noexcept;

  [[nodiscard]] Awaitable<RecvOp> read(void* buf, size_t len) const noexcept {
    return zring::recv(fd_.get(), buf, len);
  }
  [[nodiscard]] Awaitable<SendOp> write(const void* buf, size_t len) const noexcept {
    return zring::send(fd_.get(), buf, len);
  }
  [[nodiscard]] Awaitable<ReadvOp> readv(const core::IoVec* iov, unsigned count) const noexcept {
    return zring::readv(fd_.get(), iov, count);
  }
  [[nodiscard]] SendvAwaiter writev(const core::IoVec* iov, unsigned count) const noexcept {
    return SendvAwaiter(fd_.get(), iov, count);
  }
  Task<core::Result<void>> read_exact(void* buf, size_t len) const {
    return net::read_exact(fd_.get(), buf, len);
  }
  Task<core::Result<void>> write_all(const void* buf, size_t len) const {
    return net::write_all(fd_.get(), buf, len);
  }
  Task<core::Result<void>> write_all(core::IoVec* iov, unsigned count) const {
    return net::write_all(fd_.get(), iov, count);
  }
  [[nodiscard]] Awaitable<ShutdownOp> shutdown(int how) const noexcept {
    return zring::shutdown(fd_.get(), how);
  }

  // send_fds() / recv_fds(): fd passing (fd_passing.h).
  [[nodiscard]] Task<core::Result<size_t>> send_fds(const void* data, size_t len,
                                                    std::span<const int> fds) const {
    return net::send_fds(fd_.get(), data, len, fds);
  }
  [[nodiscard]] Task<core::Result<ReceivedFds>> recv_fds(void* buf, size_t len,
                                                         std::span<core::Fd> out) const {
    return net::recv_fds(fd_.get(), buf, len, out);
  }

  // peer_credentials(): the pid, uid and gid of the process that connected
  // (or made the pair), as of that moment (SO_PEERCRED).
  [[nodiscard]] core::Result<core::UCred> peer_credentials() const noexcept;
  [[nodiscard]] core::Result<SocketAddress> local_address() const noexcept;
  [[nodiscard]] core::Result<SocketAddress> peer_address() const noexcept;

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] bool valid() const noexcept { return fd_.valid(); }
  explicit operator bool() const noexcept { return valid(); }
  [[nodiscard]] core::Fd release() noexcept { return core::Fd(fd_.release()); }
  core::Result<void> close() noexcept { return fd_.close(); }

 private:
  core::Fd fd_;
};

// UnixListener
class UnixListener final {
 public:
  UnixListener() noexcept = default;
  UnixListener(UnixListener&&) noexcept = default;
  UnixListener& operator=(UnixListener&&) noexcept = default;

  // bind(): a listening socket at `address`, a path or an abstract name.
  // err::afnosupport for an IP address; err::addrinuse when the path
  // exists (see "Stale paths" above) or the name is taken.
  static core::Result<UnixListener> bind(const SocketAddress& address, int backlog = 1024);

  // accept(): the next connection (one accept operation).
  Task<core::Result<UnixStream>> accept() const;

  [[nodiscard]] core::Result<SocketAddress> local_address() const noexcept;
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] bool valid() const noexcept { return fd_.valid(); }
  explicit operator bool() const noexcept { return valid(); }
  [[nodiscard]] core::Fd release() noexcept { return core::Fd(fd_.release()); }
  core::Result<void> close() noexcept { return fd_.close(); }

 private:
  explicit UnixListener(core::Fd fd) noexcept : fd_(std::move(fd)) {}
  core::Fd fd_;
};

// UnixDatagram
class UnixDatagram final {
 public:
  UnixDatagram() noexcept = default;
  explicit UnixDatagram(core::Fd fd) noexcept : fd_(std::move(fd)) {}
  UnixDatagram(UnixDatagram&&) noexcept = default;
  UnixDatagram& operator=(UnixDatagram&&) noexcept = default;

  // bind(): a socket that receives at `address` (path or abstract name).
  static core::Result<UnixDatagram> bind(const SocketAddress& address);
  // unbound(): a socket without a name: it can send to named sockets, but
  // they see an empty sender address and cannot answer.
  static core::Result<UnixDatagram> unbound() noexcept;
  // pair(): two connected sockets without names.
  static core::Result<std::pair<UnixDatagram, UnixDatagram>> pair() noexcept;

  // connect(): the default destination, and the only sender accepted. A
  // plain call (it cannot block); an empty address dissolves it.
  core::Result<void> connect(const SocketAddress& peer) const noexcept;

  [[nodiscard]] SendToAwaiter send_to(const void* buf, size_t len,
                                      const SocketAddress& to) const noexcept {
    return net::send_to(fd_.get(), buf, len, to);
  }
  [[nodiscard]] RecvFromAwaiter recv_from(void* buf, size_t len, int flags = 0) const noexcept {
    return net::recv_from(fd_.get(), buf, len, flags);
  }
  [[nodiscard]] Awaitable<SendOp> send(const void* buf, size_t len) const noexcept {
    return zring::send(fd_.get(), buf, len);
  }
  [[nodiscard]] Awaitable<RecvOp> recv(void* buf, size_t len) const noexcept {
    return zring::recv(fd_.get(), buf, len);
  }
  [[nodiscard]] Task<core::Result<size_t>> send_batch(std::span<Datagram> batch) const {
    return net::send_batch(fd_.get(), batch);
  }
  [[nodiscard]] Task<core::Result<size_t>> recv_batch(std::span<Datagram> batch) const {
    return net::recv_batch(fd_.get(), batch);
  }
  // send_fds() / recv_fds(): on a connected socket (fd_passing.h). A
  // datagram may carry fds with no bytes at all.
  [[nodiscard]] Task<core::Result<size_t>> send_fds(const void* data, size_t len,
                                                    std::span<const int> fds) const {
    return net::send_fds(fd_.get(), data, len, fds);
  }
  [[nodiscard]] Task<core::Result<ReceivedFds>> recv_fds(void* buf, size_t len,
                                                         std::span<core::Fd> out) const {
    return net::recv_fds(fd_.get(), buf, len, out);
  }

  [[nodiscard]] core::Result<SocketAddress> local_address() const noexcept;
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] bool valid() const noexcept { return fd_.valid(); }
  explicit operator bool() const noexcept { return valid(); }
  [[nodiscard]] core::Fd release() noexcept { return core::Fd(fd_.release()); }
  core::Result<void> close() noexcept { return fd_.close(); }

 private:
  core::Fd fd_;
};

}  // namespace zring::net
