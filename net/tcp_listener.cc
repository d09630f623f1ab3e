// TcpListener: bind/listen, and Incoming's accept loop with its recovery
// from running out of fds.
#include "zring/net/tcp_listener.h"

#include "zring/core/constants.h"
#include "zring/core/socket.h"
#include "zring/net/socket_options.h"
#include "zring/runtime/ops.h"

namespace zring::net {
namespace {

// The fd or kernel-memory shortages that accept reports before it even
// looks at the queue (see the file comment of tcp_listener.h).
bool IsShortage(core::Errno e) noexcept {
  return e == core::err::mfile || e == core::err::nfile || e == core::err::nobufs ||
         e == core::err::nomem;
}

// The errors accept(2) says to treat like EAGAIN: the connection that was
// queued went away or hit a network error; the listener is fine.
bool IsTransient(core::Errno e) noexcept {
  return e == core::err::connaborted || e == core::err::intr || e == core::err::again ||
         e == core::err::proto || e == core::err::netdown || e == core::err::noprotoopt ||
         e == core::err::hostdown || e == core::err::nonet || e == core::err::hostunreach ||
         e == core::err::opnotsupp || e == core::err::netunreach || e == core::err::perm;
}

}  // namespace

core::Result<TcpListener> TcpListener::bind(const SocketAddress& address,
                                            const ListenOptions& options) {
  core::Result<core::Fd> fd = bound_socket(
      address, core::sock::stream,
      {options.reuse_address, options.reuse_port, options.ipv6_only});
  if (!fd) return fd.error();
  if (auto r = core::listen(fd->get(), options.backlog); !r) return r.error();
  return TcpListener(std::move(*fd));
}

Task<core::Result<TcpStream>> TcpListener::accept() const {
  core::Result<core::Fd> fd = co_await zring::accept(fd_.get());
  if (!fd) co_return fd.error();
  co_return TcpStream(std::move(*fd));
}

core::Result<SocketAddress> TcpListener::local_address() const noexcept {
  return net::local_address(fd_.get());
}

Task<core::Result<TcpStream>> Incoming::next() {
  for (;;) {
    core::Result<core::Fd> fd = co_await AcceptOne();
    if (fd) {
      shortage_reported_ = false;
      pause_ = kFirstPause;
      co_return TcpStream(std::move(*fd));
    }
    core::Errno e = fd.error();
    if (IsTransient(e)) continue;
    if (!IsShortage(e)) co_return e;
    if (!shortage_reported_) {
      shortage_reported_ = true;
      co_return e;
    }
    // Reported already: wait for fds to come back without spinning. A
    // cancelled sleep ends the wait like a cancelled accept would.
    if (core::Result<void> slept = co_await zring::sleep_for(pause_); !slept) {
      co_return slept.error();
    }
    pause_ = pause_ * 2 < kMaxPause ? pause_ * 2 : kMaxPause;
  }
}

}  // namespace zring::net
