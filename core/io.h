// zring/core/io.h — typed wrappers for file and pipe I/O syscalls.
//
// Each function is the syscall of the same name, made through the inline
// raw layer (syscall.h) and returned as a Result (result.h): byte counts as
// Result<size_t>, new fds as Result<int> (wrap them in core::Fd to own
// them), calls without a value as Result<void>. errno is never read or
// written, nothing allocates, and no libc function is called. Flags are
// plain ints: spell them with the constants in core/constants.h (o::, at::,
// rwf::, splice_f::, ...), or with libc's macros in code that includes them.
//
//   core::Result<int> fd = core::openat(at::fdcwd, "data.bin", o::rdonly | o::cloexec);
//   if (!fd) return fd.error();
//   char buf[4096];
//   core::Result<size_t> n = core::pread(*fd, buf, sizeof buf, 0);
//   core::Result<core::Statx> st = core::fstat(*fd);
//   (void)core::close(*fd);
//
// Offsets are int64_t (the kernel's loff_t). A short read or write is a
// success with a smaller count, as with the syscall itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/constants.h"
#include "zring/core/result.h"
#include "zring/core/syscall.h"
#include "zring/core/types.h"

namespace zring::core {

// PipeFds
//
// The two ends pipe2() returns: bytes written to `write` are read from
// `read`. Both are raw fds the caller must close.
struct PipeFds {
  int read;
  int write;
};

// ---------------------------------------------------------------------------
// Reading and writing
// ---------------------------------------------------------------------------

// read(): up to `len` bytes from `fd` into `buf`. 0 means end of file (or a
// zero `len`); err::again means a nonblocking fd had nothing to read.
inline Result<size_t> read(int fd, void* buf, size_t len) noexcept {
  return FromRaw<size_t>(syscall3(nr::read, fd, arg(buf), arg(len)));
}

// write(): up to `len` bytes from `buf` to `fd`. Writing to a pipe whose
// read end is closed gives err::pipe (and SIGPIPE, unless it is blocked or
// ignored).
inline Result<size_t> write(int fd, const void* buf, size_t len) noexcept {
  return FromRaw<size_t>(syscall3(nr::write, fd, arg(buf), arg(len)));
}

// pread(): read() at file offset `offset`, leaving the fd's own offset
// alone (the pread64 syscall). Pipes and sockets give err::spipe.
inline Result<size_t> pread(int fd, void* buf, size_t len,
                            int64_t offset) noexcept {
  return FromRaw<size_t>(
      syscall4(nr::pread64, fd, arg(buf), arg(len), arg(offset)));
}

// pwrite(): write() at file offset `offset` (the pwrite64 syscall). On a
// file opened with O_APPEND, Linux appends regardless of `offset`.
inline Result<size_t> pwrite(int fd, const void* buf, size_t len,
                             int64_t offset) noexcept {
  return FromRaw<size_t>(
      syscall4(nr::pwrite64, fd, arg(buf), arg(len), arg(offset)));
}

// readv(), writev(): scatter/gather forms of read() and write() over
// `iovcnt` buffers (at most 1024, else err::inval).
inline Result<size_t> readv(int fd, const IoVec* iov, int iovcnt) noexcept {
  return FromRaw<size_t>(syscall3(nr::readv, fd, arg(iov), iovcnt));
}
inline Result<size_t> writev(int fd, const IoVec* iov, int iovcnt) noexcept {
  return FromRaw<size_t>(syscall3(nr::writev, fd, arg(iov), iovcnt));
}

// preadv(), pwritev(): readv()/writev() at an explicit offset.
//
// The kernel takes the offset split in two longs, (pos_l, pos_h), so that
// 32-bit ABIs can pass 64 bits. On the 64-bit targets zring supports,
// pos_l holds the whole offset and pos_h is ignored; we pass 0.
inline Result<size_t> preadv(int fd, const IoVec* iov, int iovcnt,
                             int64_t offset) noexcept {
  return FromRaw<size_t>(
      syscall5(nr::preadv, fd, arg(iov), iovcnt, arg(offset), 0));
}
inline Result<size_t> pwritev(int fd, const IoVec* iov, int iovcnt,
                              int64_t offset) noexcept {
  return FromRaw<size_t>(
      syscall5(nr::pwritev, fd, arg(iov), iovcnt, arg(offset), 0));
}

// preadv2(), pwritev2(): preadv()/pwritev() with RWF_* flags (rwf::nowait,
// rwf::hipri, rwf::append, ...). An offset of -1 means "at, and advancing,
// the fd's current offset", which also makes them usable on pipes.
//
// Careful with the argument order: the kernel's is
//   (fd, iov, iovcnt, pos_l, pos_h, flags)
// so `flags` is the 6th argument, after the split offset (pos_h = 0 on
// 64-bit, as for preadv()). Unknown flag bits give err::opnotsupp.
inline Result<size_t> preadv2(int fd, const IoVec* iov, int iovcnt,
                              int64_t offset, int flags) noexcept {
  return FromRaw<size_t>(
      syscall6(nr::preadv2, fd, arg(iov), iovcnt, arg(offset), 0, flags));
}
inline Result<size_t> pwritev2(int fd, const IoVec* iov, int iovcnt,
                               int64_t offset, int flags) noexcept {
  return FromRaw<size_t>(
      syscall6(nr::pwritev2, fd, arg(iov), iovcnt, arg(offset), 0, flags));
}

// lseek(): moves the fd's offset (SEEK_SET 0, SEEK_CUR 1, SEEK_END 2,
// SEEK_DATA 3, SEEK_HOLE 4) and returns the new offset.
inline Result<int64_t> lseek(int fd, int64_t offset, int whence) noexcept {
  return FromRaw<int64_t>(syscall3(nr::lseek, fd, arg(offset), whence));
}

// ---------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------

// close(): releases `fd`. On Linux the fd is gone even when an error comes
// back (err::intr, err::io from a deferred write): never retry a close.
inline Result<void> close(int fd) noexcept {
  return VoidFromRaw(syscall1(nr::close, fd));
}

// ioctl(): device control. `argp` is the request's argument: a pointer for
// most requests (FIONREAD takes an int*), an integer for a few.
template <class T = long>
inline Result<int> ioctl(int fd, unsigned long request, T argp = T{}) noexcept {
  return FromRaw<int>(syscall3(nr::ioctl, fd, arg(request), arg(argp)));
}

// fcntl(): descriptor control (F_GETFL, F_SETFL, F_GETFD, F_SETFD,
// F_DUPFD_CLOEXEC, F_ADD_SEALS, F_GETPIPE_SZ, ...). The value is the
// command's result (flags, a new fd, a size, 0). `argp` is an integer for
// most commands, a pointer for the lock and owner-ex ones.
//
// F_GETOWN can legitimately return a negative value (a process group);
// use F_GETOWN_EX instead, which this contract cannot confuse with an error.
template <class T = long>
inline Result<int> fcntl(int fd, int cmd, T argp = T{}) noexcept {
  return FromRaw<int>(syscall3(nr::fcntl, fd, cmd, arg(argp)));
}

// dup(): a new fd, the lowest free, for the same open file. It does not
// carry O_CLOEXEC; prefer fcntl(fd, F_DUPFD_CLOEXEC, 0).
inline Result<int> dup(int fd) noexcept {
  return FromRaw<int>(syscall1(nr::dup, fd));
}

// dup3(): makes `newfd` refer to `oldfd`'s open file, closing whatever
// `newfd` was. `flags` is 0 or O_CLOEXEC; oldfd == newfd is err::inval.
inline Result<int> dup3(int oldfd, int newfd, int flags) noexcept {
  return FromRaw<int>(syscall3(nr::dup3, oldfd, newfd, flags));
}

// pipe2(): a new pipe. `flags`: O_CLOEXEC, O_NONBLOCK, O_DIRECT.
inline Result<PipeFds> pipe2(int flags) noexcept {
  int fds[2] = {-1, -1};
  long raw = syscall2(nr::pipe2, arg(fds), flags);
  if (raw < 0) return Errno::FromRaw(raw);
  return PipeFds{fds[0], fds[1]};
}

// ---------------------------------------------------------------------------
// Opening, inspecting and changing files
// ---------------------------------------------------------------------------

// openat(): opens `path`, relative to `dirfd` unless absolute (AT_FDCWD:
// the working directory). `mode` only matters with O_CREAT or O_TMPFILE.
inline Result<int> openat(int dirfd, const char* path, int flags,
                          unsigned mode = 0) noexcept {
  return FromRaw<int>(syscall4(nr::openat, dirfd, arg(path), flags, mode));
}

// openat2(): openat() with an OpenHow, which adds RESOLVE_* flags and
// rejects, rather than ignores, unknown flags and a mode without O_CREAT
// (err::inval). Linux 5.6 and later; err::nosys before.
inline Result<int> openat2(int dirfd, const char* path,
                           const OpenHow& how) noexcept {
  return FromRaw<int>(syscall4(nr::openat2, dirfd, arg(path), arg(&how),
                               arg(sizeof(OpenHow))));
}

// statx(): fills `*out` with what `mask` (STATX_*) asks for about `path`
// relative to `dirfd`. `flags`: AT_EMPTY_PATH (with path "" to inspect
// dirfd itself), AT_SYMLINK_NOFOLLOW, AT_STATX_*. Check out->mask for what
// the filesystem could provide.
inline Result<void> statx(int dirfd, const char* path, int flags,
                          unsigned mask, Statx* out) noexcept {
  return VoidFromRaw(
      syscall5(nr::statx, dirfd, arg(path), flags, mask, arg(out)));
}

// fstat(): the basic attributes of an open fd (type and mode, nlink, uid,
// gid, size, blocks, times, ino, dev).
//
// This is statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS), not the fstat
// syscall, and it returns a Statx, not a struct stat: loongarch64 has no
// fstat or newfstatat syscall at all, and struct stat differs between
// architectures while Statx does not.
inline Result<Statx> fstat(int fd) noexcept {
  Statx st{};
  long raw = syscall5(nr::statx, fd, arg(""), at::empty_path,
                      statx_mask::basic_stats, arg(&st));
  if (raw < 0) return Errno::FromRaw(raw);
  return st;
}

// ftruncate(): sets the file's size to `length` (extending with zeros).
inline Result<void> ftruncate(int fd, int64_t length) noexcept {
  return VoidFromRaw(syscall2(nr::ftruncate, fd, arg(length)));
}

// fsync(), fdatasync(): flush the file's data (and, for fsync, all its
// metadata) to stable storage. Pipes and sockets give err::inval.
inline Result<void> fsync(int fd) noexcept {
  return VoidFromRaw(syscall1(nr::fsync, fd));
}
inline Result<void> fdatasync(int fd) noexcept {
  return VoidFromRaw(syscall1(nr::fdatasync, fd));
}

// fallocate(): allocates (mode 0), or with FALLOC_FL_* flags punches holes
// in, collapses or zeroes, the byte range [offset, offset + len).
inline Result<void> fallocate(int fd, int mode, int64_t offset,
                              int64_t len) noexcept {
  return VoidFromRaw(
      syscall4(nr::fallocate, fd, mode, arg(offset), arg(len)));
}

// mkdirat(): creates directory `path` relative to `dirfd`, permissions
// `mode` & ~umask.
inline Result<void> mkdirat(int dirfd, const char* path,
                            unsigned mode) noexcept {
  return VoidFromRaw(syscall3(nr::mkdirat, dirfd, arg(path), mode));
}

// unlinkat(): removes a file, or with AT_REMOVEDIR an empty directory.
inline Result<void> unlinkat(int dirfd, const char* path, int flags) noexcept {
  return VoidFromRaw(syscall3(nr::unlinkat, dirfd, arg(path), flags));
}

// renameat2(): renames `oldpath` to `newpath`. `flags`: 0 (like rename),
// RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT. It is the only
// rename on every architecture: aarch64, riscv64 and loongarch64 have no
// rename or renameat syscall.
inline Result<void> renameat2(int olddirfd, const char* oldpath, int newdirfd,
                              const char* newpath, unsigned flags) noexcept {
  return VoidFromRaw(syscall5(nr::renameat2, olddirfd, arg(oldpath), newdirfd,
                              arg(newpath), flags));
}

// ---------------------------------------------------------------------------
// Moving data between pipes without copying it through user space
// ---------------------------------------------------------------------------

// splice(): moves up to `len` bytes from `fd_in` to `fd_out`; one of them
// must be a pipe. `off_in` / `off_out` may be null (use and advance the
// fd's own offset) or point to an offset that splice reads and advances;
// for the pipe end it must be null (else err::spipe). `flags`:
// SPLICE_F_MOVE, SPLICE_F_NONBLOCK, SPLICE_F_MORE. 0 means end of input.
inline Result<size_t> splice(int fd_in, int64_t* off_in, int fd_out,
                             int64_t* off_out, size_t len,
                             unsigned flags) noexcept {
  return FromRaw<size_t>(syscall6(nr::splice, fd_in, arg(off_in), fd_out,
                                  arg(off_out), arg(len), flags));
}

// tee(): copies up to `len` bytes from pipe `fd_in` to pipe `fd_out`
// without consuming them from `fd_in`. Both must be pipes (else
// err::inval).
inline Result<size_t> tee(int fd_in, int fd_out, size_t len,
                          unsigned flags) noexcept {
  return FromRaw<size_t>(syscall4(nr::tee, fd_in, fd_out, arg(len), flags));
}

// vmsplice(): maps or copies user memory into a pipe (fd opened for
// writing), or out of one (fd opened for reading). With SPLICE_F_GIFT the
// pages must not be touched afterwards; without it, the pipe may still
// refer to them after the call returns, so do not reuse the buffer until the
// data has been consumed.
inline Result<size_t> vmsplice(int fd, const IoVec* iov, size_t nr_segs,
                               unsigned flags) noexcept {
  return FromRaw<size_t>(
      syscall4(nr::vmsplice, fd, arg(iov), arg(nr_segs), flags));
}

}  // namespace zring::core
