// zring/net/fd_passing.h — passing open fds between processes over a Unix
// socket (SCM_RIGHTS), with some bytes alongside.
//
//   int pipe_end = ...;
//   co_await zring::net::send_fds(sock, "p", 1, std::span<const int>(&pipe_end, 1));
//
//   core::Fd got[1];
//   char tag;
//   core::Result<zring::net::ReceivedFds> r =
//       co_await zring::net::recv_fds(sock, &tag, 1, got);
//   if (r && r->fds == 1) use(got[0]);          // an owned, close-on-exec fd
//
// The receiver gets new fd numbers for the same open files (as dup() would
// make); the sender's stay open. UnixStream and UnixDatagram expose these
// as members.
//
// On a stream socket, send at least one byte with the fds: they travel
// with the first byte of `data`, and the receiver gets them with the
// receive that reads that byte. A receive never joins bytes sent with fds
// to bytes sent before them, so one send_fds() matches one recv_fds().
#pragma once

#include <cstddef>
#include <span>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/runtime/task.h"

namespace zring::net {

// kMaxFdsPerMessage: the kernel's limit on fds in one message (SCM_MAX_FD).
inline constexpr size_t kMaxFdsPerMessage = 253;

// kFdsTruncated: what recv_fds() returns when more fds came than `out`
// could take (MSG_CTRUNC). EMSGSIZE, "message too long": the message's
// control part did not fit.
inline constexpr core::Errno kFdsTruncated = core::err::msgsize;

// send_fds()
//
// Sends `len` bytes of `data` and the fds of `fds` in one sendmsg
// (MSG_NOSIGNAL). Returns the bytes sent; on a stream socket that may be
// fewer than `len` (the fds went with the first of them: send the rest
// with write_all()). err::inval for more than kMaxFdsPerMessage fds, the
// kernel's errors otherwise (err::badf for a closed fd in `fds` as well).
[[nodiscard]] Task<core::Result<size_t>> send_fds(int socket_fd, const void* data, size_t len,
                                                  std::span<const int> fds);

// ReceivedFds: what recv_fds() returns.
struct ReceivedFds {
  size_t bytes = 0;  // bytes placed in the buffer; 0 on a stream is its end
  size_t fds = 0;    // entries of `out` filled, from the first
};

// recv_fds()
//
// Receives up to `len` bytes and up to out.size() fds, which are stored
// in `out` as owned Fds with close-on-exec set (MSG_CMSG_CLOEXEC), from
// the first entry; what `out` held before is closed. More fds than `out`
// has room for (or than kMaxFdsPerMessage) is kFdsTruncated: the kernel
// then drops the ones that did not fit, and recv_fds() closes those that
// did arrive, so an error never leaves an fd open behind it. The bytes of
// that message are consumed all the same.
//
// If the task is destroyed or cancelled after the kernel has delivered the
// fds but before recv_fds() returned them, they are closed.
[[nodiscard]] Task<core::Result<ReceivedFds>> recv_fds(int socket_fd, void* buf, size_t len,
                                                       std::span<core::Fd> out);

}  // namespace zring::net
