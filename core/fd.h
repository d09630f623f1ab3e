// zring/core/fd.h — Fd: the owner of one file descriptor.
//
// Fd is what every other handle in core/ (EventFd, TimerFd, PidFd, MemFd,
// SignalFd) is built on, and what the typed wrappers' raw `int` results are
// wrapped in to be owned. It is move-only, closes its descriptor when it is
// destroyed, and its close() may be called any number of times, from any
// number of threads: exactly one call reaches the kernel.
//
//   core::Result<core::PipeFds> p = core::pipe2(o::cloexec);
//   if (!p) return p.error();
//   core::Fd in(p->read), out(p->write);
//   (void)out.write("hi", 2);
//   char buf[2];
//   core::Result<size_t> n = in.read(buf, sizeof buf);   // 2
//   (void)out.close();                                    // Ok
//   (void)out.close();                                    // Ok again, no syscall
//   n = out.write("x", 1);                                // err::badf, no syscall
//
// Every call goes through the typed wrappers of io.h; nothing allocates,
// errno is never touched, nothing throws.
//
// Threads. The descriptor number lives in a std::atomic<int>, and close(),
// release() and the move operations take it with an atomic exchange, so two
// threads that close the same Fd at once cannot close the number twice (a
// double close is the dangerous bug: the number may already belong to a
// file another thread just opened). What the atomic cannot do is make I/O
// and close() on the same Fd from different threads safe: a read() that
// loaded the number just before another thread's close() may reach the
// kernel after the number was reused. That is the POSIX fd model, not
// something a handle can fix; stop the I/O before closing, or cancel it
// (the ring layer does).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/constants.h"
#include "zring/core/io.h"
#include "zring/core/result.h"

namespace zring::core {

// Fd
//
// Holds a descriptor number, or -1 ("invalid"). Any negative number given to
// the constructor is stored as -1.
class Fd final {
 public:
  // Fd(): an invalid Fd, owning nothing.
  constexpr Fd() noexcept = default;

  // Fd(raw): takes ownership of `raw`, which the caller must not close
  // afterwards.
  constexpr explicit Fd(int raw) noexcept : raw_(raw < 0 ? kInvalid : raw) {}

  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  // Moving leaves `other` invalid. Move-assigning closes what this Fd held
  // before (ignoring the result, as the destructor does).
  Fd(Fd&& other) noexcept : raw_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) CloseQuietly(raw_.exchange(other.release(), kAcqRel));
    return *this;
  }

  // ~Fd(): closes the descriptor, if any.
  //
  // The result is ignored because there is nothing useful to do with it:
  // Linux releases the number even when close() reports an error (EINTR,
  // EIO from a write-back that failed), so retrying would be a double
  // close, and a destructor can neither return the error nor throw it
  // (invariant 5: nothing throws). Code that must know whether buffered
  // writes reached the file (NFS, some FUSE filesystems) calls close() itself
  // and checks the Result.
  ~Fd() { CloseQuietly(raw_.exchange(kInvalid, kAcqRel)); }

  // get(): the descriptor number, -1 when invalid. It stays owned by this Fd.
  //
  // An acquire load, so that a thread which sees -1 after another thread's
  // close() or release() also sees what that thread wrote before it (it
  // pairs with the release half of their exchange). On x86_64 it is a plain
  // load.
  [[nodiscard]] int get() const noexcept { return raw_.load(kAcquire); }

  // valid(), operator bool: whether this Fd holds a descriptor.
  [[nodiscard]] bool valid() const noexcept { return get() >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // release(): gives up ownership without closing. Returns the number (-1 if
  // there was none); the caller now owns it. Atomic like close(): of two
  // racing release() calls, one gets the number and the other -1.
  [[nodiscard]] int release() noexcept {
    return raw_.exchange(kInvalid, kAcqRel);
  }

  // close(): closes the descriptor. Idempotent and thread-safe: the first
  // call takes the number (an atomic exchange with -1) and makes the close
  // syscall; every other call, earlier or concurrent, makes no syscall and
  // returns Ok(), since the descriptor is closed, which is what the caller
  // asked for. Closing an Fd that never held a descriptor is Ok() as well.
  //
  // The winner returns the kernel's result. An error (err::badf if the
  // number was not open, err::intr, err::io) still leaves the Fd invalid:
  // Linux frees the number in every case, so never retry.
  Result<void> close() noexcept {
    int raw = raw_.exchange(kInvalid, kAcqRel);
    if (raw < 0) return Ok();
    return core::close(raw);
  }

  // dup(): a new Fd for the same open file, the lowest free number, with
  // close-on-exec set (F_DUPFD_CLOEXEC, so there is no window in which
  // another thread's exec could inherit it).
  [[nodiscard]] Result<Fd> dup() const noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    Result<int> copy = core::fcntl(raw, f::dupfd_cloexec, 0);
    if (!copy) return copy.error();
    return Fd(*copy);
  }

  // set_nonblock(): sets or clears O_NONBLOCK. This is a property of the
  // open file, shared with every dup() of it and with other processes that
  // hold it. No F_SETFL call is made when the flag is already as asked.
  Result<void> set_nonblock(bool on = true) noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    Result<int> flags = core::fcntl(raw, f::getfl);
    if (!flags) return flags.error();
    int want = on ? (*flags | o::nonblock) : (*flags & ~o::nonblock);
    if (want == *flags) return Ok();
    return core::fcntl(raw, f::setfl, want).transform([](int) {});
  }

  // nonblocking(): whether O_NONBLOCK is set.
  [[nodiscard]] Result<bool> nonblocking() const noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    return core::fcntl(raw, f::getfl).transform(
        [](int flags) { return (flags & o::nonblock) != 0; });
  }

  // set_cloexec(): sets or clears FD_CLOEXEC. Unlike O_NONBLOCK this belongs
  // to this descriptor number only, not to its dups.
  Result<void> set_cloexec(bool on = true) noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    Result<int> flags = core::fcntl(raw, f::getfd);
    if (!flags) return flags.error();
    int want = on ? (*flags | f::fd_cloexec) : (*flags & ~f::fd_cloexec);
    if (want == *flags) return Ok();
    return core::fcntl(raw, f::setfd, want).transform([](int) {});
  }

  // cloexec(): whether FD_CLOEXEC is set.
  [[nodiscard]] Result<bool> cloexec() const noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    return core::fcntl(raw, f::getfd).transform(
        [](int flags) { return (flags & f::fd_cloexec) != 0; });
  }

  // read(), write(): the syscalls, on this descriptor. On an invalid Fd they
  // return err::badf without entering the kernel. err::again means a
  // nonblocking descriptor was not ready.
  [[nodiscard]] Result<size_t> read(void* buf, size_t len) const noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    return core::read(raw, buf, len);
  }
  [[nodiscard]] Result<size_t> write(const void* buf,
                                     size_t len) const noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    return core::write(raw, buf, len);
  }

  // pread(), pwrite(): read() and write() at a file offset, leaving the
  // descriptor's own offset alone (err::spipe on pipes and sockets).
  [[nodiscard]] Result<size_t> pread(void* buf, size_t len,
                                     int64_t offset) const noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    return core::pread(raw, buf, len, offset);
  }
  [[nodiscard]] Result<size_t> pwrite(const void* buf, size_t len,
                                      int64_t offset) const noexcept {
    int raw = get();
    if (raw < 0) return err::badf;
    return core::pwrite(raw, buf, len, offset);
  }

 private:
  // --------------------------------------------------------------------------
  // Implementation details
  // --------------------------------------------------------------------------

  static constexpr int kInvalid = -1;
  static constexpr std::memory_order kAcquire = std::memory_order_acquire;
  static constexpr std::memory_order kAcqRel = std::memory_order_acq_rel;

  static void CloseQuietly(int raw) noexcept {
    if (raw >= 0) (void)core::close(raw);
  }

  // Written by whoever closes, releases or moves: always with exchange(), so
  // exactly one of them gets each number.
  std::atomic<int> raw_{kInvalid};
};

// FdOwner
//
// What every special-purpose handle (EventFd, TimerFd, PidFd, MemFd,
// SignalFd) shares: it owns one Fd and exposes the same small surface on
// it, so a handle class holds only what makes it special. Not for use on
// its own: the constructor is protected and there is no virtual
// destructor, so nobody deletes a handle through it.
class FdOwner {
 public:
  // get(): the raw descriptor, -1 once closed or released. It stays owned.
  [[nodiscard]] int get() const noexcept { return fd_.get(); }
  [[nodiscard]] bool valid() const noexcept { return fd_.valid(); }
  explicit operator bool() const noexcept { return valid(); }

  // close(): as Fd::close(): idempotent, thread-safe, Ok() after the first.
  Result<void> close() noexcept { return fd_.close(); }

  // release(): gives up ownership of the descriptor; the caller closes it.
  [[nodiscard]] int release() noexcept { return fd_.release(); }

 protected:
  explicit FdOwner(Fd fd) noexcept : fd_(std::move(fd)) {}
  FdOwner(FdOwner&&) noexcept = default;
  FdOwner& operator=(FdOwner&&) noexcept = default;
  ~FdOwner() = default;

  Fd fd_;
};

}  // namespace zring::core
