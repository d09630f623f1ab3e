// zring/net/splice.h — moving bytes between fds without copying them
// through user space: splice, tee, vmsplice, and the two transfers built on
// them, file to socket (send_file) and file to file (copy_file).
//
//   // Serve bytes [4096, 4096 + n) of a file on a connected socket:
//   core::Result<size_t> sent =
//       co_await zring::net::send_file(file.get(), sock.get(), 4096, n);
//   if (!sent) co_return sent.error();        // *sent < n: the file ended
//
//   // Copy a whole file:
//   core::Result<size_t> copied = co_await zring::net::copy_file(in, out);
//
// All of them wait for readiness instead of blocking the thread: where the
// kernel would block (an empty or full pipe, a socket without data or
// without room) they get err::again from a nonblocking attempt, wait for
// the fd with zring::poll, and try again. On io_uring, splice and tee run as
// IORING_OP_SPLICE / IORING_OP_TEE, which the kernel executes in its worker
// threads; on the poll backend they are direct syscalls, made with
// SPLICE_F_NONBLOCK on fds switched to O_NONBLOCK (the poll backend does the
// same to every fd it waits on), so that they never block the thread.
// vmsplice has no io_uring opcode: it is a direct syscall on both backends.
//
// Cancellation and timeouts: each call is a Task that runs under the stop
// token of the task awaiting it; a stop ends the operation in flight with
// err::canceled, which the call returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "zring/core/result.h"
#include "zring/core/types.h"
#include "zring/runtime/task.h"

namespace zring::net {

// kToEnd: as a length, "until the input ends".
inline constexpr size_t kToEnd = SIZE_MAX;

// splice()
//
// Moves up to `len` bytes from `fd_in` to `fd_out`, one of which must be a
// pipe. An offset of -1 uses (and advances) the fd's own position; a pipe
// end must have -1 (else err::spipe). Returns the bytes moved, 0 when the
// input has ended (a closed pipe or socket, the end of a file). Waits
// while the input has nothing or the output has no room. `flags`:
// core::splice_f::move / more.
[[nodiscard]] Task<core::Result<size_t>> splice(int fd_in, int64_t off_in, int fd_out,
                                                int64_t off_out, size_t len,
                                                unsigned flags = 0);

// tee()
//
// Copies up to `len` bytes from pipe `pipe_in` to pipe `pipe_out` without
// consuming them from `pipe_in`. err::inval when either is not a pipe.
// Waits as splice() does; 0 when `pipe_in` is empty and its writers are
// gone.
[[nodiscard]] Task<core::Result<size_t>> tee(int pipe_in, int pipe_out, size_t len,
                                             unsigned flags = 0);

// vmsplice()
//
// To a pipe's write end: moves the bytes of `iov` into the pipe (at most
// what fits, waiting until something does). From a pipe's read end: fills
// `iov` from the pipe, waiting until it has something; 0 when it is empty
// and its writers are gone. Returns the bytes moved.
//
// Without core::splice_f::gift, the pipe may still refer to the pages of
// `iov` after the call: do not change those bytes until the reader has
// consumed them. At most 1024 segments (else err::inval).
[[nodiscard]] Task<core::Result<size_t>> vmsplice(int pipe_fd, std::span<const core::IoVec> iov,
                                                  unsigned flags = 0);

// send_file()
//
// Sends bytes [offset, offset + length) of `file_fd` on `socket_fd`, through
// a pipe with splice (file to pipe, pipe to socket, repeated), without the
// bytes entering user space. `length` may be kToEnd. The file's own
// position is neither used nor changed. Returns the bytes sent: fewer than
// `length` only when the file ended first.
//
// The pipe comes from a small per-thread cache (see "The pipes" below), so
// a steady stream of transfers makes no pipe2/close syscalls.
//
// Errors: err::inval when `file_fd` is not a regular file or block device
// (a pipe, a socket, a directory) or `offset` is negative; err::notsock
// when `socket_fd` is not a socket; err::badf for a closed fd; the
// socket's own errors (err::pipe, err::connreset) as they come. After an
// error, some bytes may have been sent: the count is lost with it.
[[nodiscard]] Task<core::Result<size_t>> send_file(int file_fd, int socket_fd, int64_t offset,
                                                   size_t length);

// copy_file()
//
// Copies `length` bytes (kToEnd: up to the end of the input) from `in_fd`
// at `in_offset` to `out_fd` at `out_offset`, through a pipe with splice.
// An offset of -1 uses and advances the fd's own position (for the output,
// this is also how to write to a pipe or socket). Returns the bytes
// copied, fewer than `length` only when the input ended first.
//
// Errors: err::inval when `in_fd` is not a regular file or block device;
// err::badf for a closed fd; the output's own errors (err::nospc, ...).
[[nodiscard]] Task<core::Result<size_t>> copy_file(int in_fd, int out_fd, int64_t in_offset = 0,
                                                   int64_t out_offset = 0,
                                                   size_t length = kToEnd);

// The pipes
//
// send_file() and copy_file() need a pipe for the duration of the call.
// Creating one is three syscalls (pipe2, fcntl to grow it, and the closes
// afterwards), so each thread keeps up to kCachedPipes idle ones: a call
// takes one (making it only if the cache is empty) and gives it back if
// the transfer ended with the pipe empty; a pipe that may still hold bytes
// (after an error or a cancellation) is closed instead, so no call ever
// sees another's data. Concurrent calls on one thread each hold their own.
inline constexpr size_t kCachedPipes = 4;
// The capacity asked for with F_SETPIPE_SZ; the default (64 KiB) remains if
// the kernel refuses (fs.pipe-max-size, the per-user pipe page limit).
inline constexpr size_t kSplicePipeBytes = 1 << 20;

// cached_pipes(): how many idle pipes this thread's cache holds (for
// tests and for counting fds).
[[nodiscard]] size_t cached_pipes() noexcept;
// drop_cached_pipes(): closes this thread's idle pipes.
void drop_cached_pipes() noexcept;

}  // namespace zring::net
