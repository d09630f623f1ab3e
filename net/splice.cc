#include "zring/net/splice.h"

#include <algorithm>
#include <array>
#include <utility>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/net/internal/backend.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"

namespace zring::net {
namespace {

namespace err = core::err;
namespace ev = core::ev;
using detail::OnPollBackend;

// zring::splice takes a 32-bit length, as IORING_OP_SPLICE does.
constexpr size_t kMaxSpliceLen = size_t{1} << 30;

core::Result<void> EnsureNonblocking(int fd) noexcept {
  core::Result<int> flags = core::fcntl(fd, core::f::getfl);
  if (!flags) return flags.error();
  if (*flags & core::o::nonblock) return core::Ok();
  return core::fcntl(fd, core::f::setfl, *flags | core::o::nonblock).transform([](int) {});
}

// What the poll backend needs before a direct splice or tee on these fds:
// nonblocking fds, so that the syscall cannot block the thread, and
// SPLICE_F_NONBLOCK for the pipe ends. On io_uring nothing: the kernel's
// workers may block. Also the first check that both fds are open.
core::Result<unsigned> PrepareFds(int fd_in, int fd_out, unsigned flags) noexcept {
  if (!OnPollBackend()) {
    // The fcntl still tells a closed fd early on both backends, before an
    // operation is queued for it.
    core::Result<int> a = core::fcntl(fd_in, core::f::getfl);
    if (!a) return a.error();
    core::Result<int> b = core::fcntl(fd_out, core::f::getfl);
    if (!b) return b.error();
    return flags;
  }
  if (core::Result<void> r = EnsureNonblocking(fd_in); !r) return r.error();
  if (core::Result<void> r = EnsureNonblocking(fd_out); !r) return r.error();
  return flags | core::splice_f::nonblock;
}

// After err::again from a splice or tee: waits until the fd that held it
// up is ready. Asking both fds at once without waiting (ppoll with a zero
// timeout) tells which one it was: the input with nothing to read or the
// output with no room.
Task<core::Result<void>> WaitForSplice(int fd_in, int fd_out) {
  core::PollEntry entries[2] = {{fd_in, static_cast<short>(ev::in), 0},
                                {fd_out, static_cast<short>(ev::out), 0}};
  core::Timespec zero{0, 0};
  if (core::Result<int> n = core::ppoll(entries, 2, &zero, nullptr); !n) co_return n.error();
  if ((entries[0].revents | entries[1].revents) & ev::nval) co_return err::badf;
  constexpr short kInputReady = ev::in | ev::err | ev::hup;
  constexpr short kOutputReady = ev::out | ev::err | ev::hup;
  if (!(entries[0].revents & kInputReady)) {
    core::Result<uint32_t> r = co_await zring::poll(fd_in, ev::in);
    if (!r) co_return r.error();
  } else if (!(entries[1].revents & kOutputReady)) {
    core::Result<uint32_t> r = co_await zring::poll(fd_out, ev::out);
    if (!r) co_return r.error();
  } else {
    // Both ready by now: it changed under us. Let others run, then retry.
    co_await zring::yield();
  }
  co_return core::Ok();
}

// One splice or tee that waits instead of failing with err::again. `flags`
// already carries what PrepareFds() added.
Task<core::Result<size_t>> SpliceUntilDone(int fd_in, int64_t off_in, int fd_out, int64_t off_out,
                                           size_t len, unsigned flags, bool is_tee) {
  len = std::min(len, kMaxSpliceLen);
  for (;;) {
    core::Result<size_t> r = is_tee ? co_await zring::tee(fd_in, fd_out, len, flags)
                                    : co_await zring::splice(fd_in, off_in, fd_out, off_out, len,
                                                             flags);
    if (r || r.error() != err::again) co_return r;
    if (core::Result<void> w = co_await WaitForSplice(fd_in, fd_out); !w) co_return w.error();
  }
}

// --- the per-thread pipe cache ------------------------------------------------

struct SplicePipe {
  core::Fd read;
  core::Fd write;
  size_t capacity = 0;
};

core::Result<SplicePipe> MakePipe() noexcept {
  // Nonblocking: the pipe is only ever spliced from when it holds bytes and
  // into when it is empty, so err::again on it would mean a bug, and a
  // nonblocking pipe turns that bug into an error rather than a hang.
  core::Result<core::PipeFds> fds = core::pipe2(core::o::cloexec | core::o::nonblock);
  if (!fds) return fds.error();
  SplicePipe p{core::Fd(fds->read), core::Fd(fds->write), 0};
  (void)core::fcntl(p.write.get(), core::f::setpipe_sz, static_cast<int>(kSplicePipeBytes));
  core::Result<int> size = core::fcntl(p.write.get(), core::f::getpipe_sz);
  p.capacity = size && *size > 0 ? static_cast<size_t>(*size) : 65536;
  return p;
}

class PipeCache final {
 public:
  core::Result<SplicePipe> Take() noexcept {
    if (count_ == 0) return MakePipe();
    return std::move(idle_[--count_]);
  }
  void Give(SplicePipe p) noexcept {
    if (count_ < idle_.size()) idle_[count_++] = std::move(p);
    // else: p's destructor closes it.
  }
  size_t size() const noexcept { return count_; }
  void Clear() noexcept {
    while (count_ > 0) idle_[--count_] = SplicePipe{};
  }

 private:
  std::array<SplicePipe, kCachedPipes> idle_;
  size_t count_ = 0;
};

thread_local PipeCache t_pipes;

// A pipe taken from the cache for one transfer. It goes back only when
// MarkEmpty() was called; otherwise its Fds close it.
class PipeLease final {
 public:
  explicit PipeLease(SplicePipe p) noexcept : pipe_(std::move(p)) {}
  PipeLease(const PipeLease&) = delete;
  PipeLease& operator=(const PipeLease&) = delete;
  ~PipeLease() {
    if (empty_) t_pipes.Give(std::move(pipe_));
  }
  const SplicePipe& operator*() const noexcept { return pipe_; }
  const SplicePipe* operator->() const noexcept { return &pipe_; }
  void MarkEmpty() noexcept { empty_ = true; }

 private:
  SplicePipe pipe_;
  bool empty_ = false;
};

// Input -> pipe -> output until `length` bytes went through or the input
// ended. Offsets of -1 use the fds' own positions.
Task<core::Result<size_t>> TransferThroughPipe(int in_fd, int64_t in_offset, int out_fd,
                                               int64_t out_offset, size_t length,
                                               unsigned extra_flags) {
  if (length == 0) co_return size_t{0};
  core::Result<SplicePipe> taken = t_pipes.Take();
  if (!taken) co_return taken.error();
  PipeLease pipe(std::move(*taken));
  size_t done = 0;
  size_t in_pipe = 0;
  while (done < length) {
    if (in_pipe == 0) {
      size_t want = std::min(length - done, pipe->capacity);
      core::Result<size_t> got =
          co_await SpliceUntilDone(in_fd, in_offset, pipe->write.get(), -1, want,
                                   core::splice_f::move | extra_flags, false);
      if (!got) co_return got.error();
      if (*got == 0) break;  // the input ended
      in_pipe = *got;
      if (in_offset >= 0) in_offset += static_cast<int64_t>(*got);
    }
    // SPLICE_F_MORE while more follows: a socket then waits to fill its
    // segments, as with MSG_MORE.
    unsigned more = done + in_pipe < length ? core::splice_f::more : 0;
    core::Result<size_t> put =
        co_await SpliceUntilDone(pipe->read.get(), -1, out_fd, out_offset, in_pipe,
                                 core::splice_f::move | more | extra_flags, false);
    if (!put) co_return put.error();
    // A splice out of a pipe that holds bytes moves at least one, or fails.
    if (*put == 0) co_return err::io;
    in_pipe -= *put;
    done += *put;
    if (out_offset >= 0) out_offset += static_cast<int64_t>(*put);
  }
  pipe.MarkEmpty();  // in_pipe is 0 on both ways out of the loop
  co_return done;
}

bool IsFileOrBlockDevice(uint16_t mode) noexcept {
  unsigned type = mode & core::s_if::fmt;
  return type == core::s_if::reg || type == core::s_if::blk;
}

// The part of [offset, offset + length) that a regular file of `size`
// bytes has (block devices report size 0: leave their length alone).
size_t ClampToFile(const core::Statx& st, int64_t offset, size_t length) noexcept {
  if ((st.mode & core::s_if::fmt) != core::s_if::reg || offset < 0) return length;
  uint64_t start = static_cast<uint64_t>(offset);
  if (start >= st.size) return 0;
  return static_cast<size_t>(std::min<uint64_t>(length, st.size - start));
}

}  // namespace

Task<core::Result<size_t>> splice(int fd_in, int64_t off_in, int fd_out, int64_t off_out,
                                  size_t len, unsigned flags) {
  core::Result<unsigned> f = PrepareFds(fd_in, fd_out, flags);
  if (!f) co_return f.error();
  co_return co_await SpliceUntilDone(fd_in, off_in, fd_out, off_out, len, *f, false);
}

Task<core::Result<size_t>> tee(int pipe_in, int pipe_out, size_t len, unsigned flags) {
  core::Result<unsigned> f = PrepareFds(pipe_in, pipe_out, flags);
  if (!f) co_return f.error();
  co_return co_await SpliceUntilDone(pipe_in, -1, pipe_out, -1, len, *f, true);
}

Task<core::Result<size_t>> vmsplice(int pipe_fd, std::span<const core::IoVec> iov,
                                    unsigned flags) {
  core::Result<int> mode = core::fcntl(pipe_fd, core::f::getfl);
  if (!mode) co_return mode.error();
  // The kernel's own rule: an fd open for writing is vmspliced into.
  bool into_pipe = (*mode & core::o::accmode) != core::o::rdonly;
  for (;;) {
    // SPLICE_F_NONBLOCK on both backends: vmsplice has no io_uring opcode,
    // so it is always a direct syscall, and must not block the thread.
    core::Result<size_t> r =
        core::vmsplice(pipe_fd, iov.data(), iov.size(), flags | core::splice_f::nonblock);
    if (r || r.error() != err::again) co_return r;
    core::Result<uint32_t> w = co_await zring::poll(pipe_fd, into_pipe ? ev::out : ev::in);
    if (!w) co_return w.error();
  }
}

Task<core::Result<size_t>> send_file(int file_fd, int socket_fd, int64_t offset,
                                     size_t length) {
  if (offset < 0) co_return err::inval;
  core::Result<core::Statx> file = core::fstat(file_fd);
  if (!file) co_return file.error();
  if (!IsFileOrBlockDevice(file->mode)) co_return err::inval;
  core::Result<core::Statx> sock = core::fstat(socket_fd);
  if (!sock) co_return sock.error();
  if ((sock->mode & core::s_if::fmt) != core::s_if::sock) co_return err::notsock;
  unsigned extra = 0;
  if (OnPollBackend()) {
    if (core::Result<void> r = EnsureNonblocking(socket_fd); !r) co_return r.error();
    extra = core::splice_f::nonblock;
  }
  co_return co_await TransferThroughPipe(file_fd, offset, socket_fd, -1,
                                         ClampToFile(*file, offset, length), extra);
}

Task<core::Result<size_t>> copy_file(int in_fd, int out_fd, int64_t in_offset,
                                     int64_t out_offset, size_t length) {
  if (in_offset < -1 || out_offset < -1) co_return err::inval;
  core::Result<core::Statx> in = core::fstat(in_fd);
  if (!in) co_return in.error();
  if (!IsFileOrBlockDevice(in->mode)) co_return err::inval;
  core::Result<core::Statx> out = core::fstat(out_fd);
  if (!out) co_return out.error();
  unsigned extra = 0;
  if (OnPollBackend()) {
    // A file output never waits; a pipe or socket output must not block.
    if (!IsFileOrBlockDevice(out->mode)) {
      if (core::Result<void> r = EnsureNonblocking(out_fd); !r) co_return r.error();
    }
    extra = core::splice_f::nonblock;
  }
  if (in_offset >= 0) length = ClampToFile(*in, in_offset, length);
  co_return co_await TransferThroughPipe(in_fd, in_offset, out_fd, out_offset, length, extra);
}

size_t cached_pipes() noexcept { return t_pipes.size(); }

void drop_cached_pipes() noexcept { t_pipes.Clear(); }

}  // namespace zring::net
