// zring/core/mem_fd.h — MemFd: an anonymous file in memory.
//
// A memfd behaves like a regular file (read, write, truncate, mmap) but
// lives in RAM and has no name in any directory. Buffers shared between
// processes are passed as one: map it on both sides. Seals make a memfd
// safe to share with a peer that must not change it under you (no
// shrinking, growing or writing once sealed).
//
//   core::Result<core::MemFd> mem = core::MemFd::Create("zring-buf");
//   if (!mem) return mem.error();
//   (void)mem->resize(1 << 20);
//   core::Result<core::Mapping> m = mem->map(1 << 20, prot::read | prot::write);
//   ...
//   (void)mem->seal(f::seal_shrink | f::seal_grow);
//
// Created close-on-exec always.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/constants.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/core/mapping.h"
#include "zring/core/memory.h"
#include "zring/core/result.h"

namespace zring::core {

// MemFd
class MemFd final : public FdOwner {
 public:
  // Create(): an empty memfd. `name` (at most 249 bytes, else err::inval)
  // only shows in /proc/<pid>/fd and /proc/<pid>/maps as "memfd:<name>".
  // `flags` are mfd:: flags; mfd::cloexec is added always. The default,
  // mfd::allow_sealing, lets seal() work; without it the memfd starts with
  // f::seal_seal set and seal() gives err::perm.
  [[nodiscard]] static Result<MemFd> Create(
      const char* name, unsigned flags = mfd::allow_sealing) noexcept {
    Result<int> raw = memfd_create(name, flags | mfd::cloexec);
    if (!raw) return raw.error();
    return MemFd(Fd(*raw));
  }

  MemFd(MemFd&&) noexcept = default;
  MemFd& operator=(MemFd&&) noexcept = default;

  // resize(): sets the size to `size` bytes (new bytes read as zero).
  // err::perm if a seal forbids it (f::seal_shrink, f::seal_grow).
  Result<void> resize(uint64_t size) noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    if (size > static_cast<uint64_t>(INT64_MAX)) return err::inval;
    return ftruncate(raw, static_cast<int64_t>(size));
  }

  // size(): the current size in bytes.
  [[nodiscard]] Result<size_t> size() const noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return fstat(raw).transform(
        [](const Statx& st) { return static_cast<size_t>(st.size); });
  }

  // map(): maps `len` bytes from `offset` (a multiple of the page size),
  // shared, so that stores through the mapping are the file's contents and
  // are seen by every other mapping and by read(). `prot`: prot::read,
  // prot::write. Mapping past the end is allowed but touching a page wholly
  // past it faults (SIGBUS): resize() first. A writable shared mapping of a
  // memfd sealed with f::seal_write is err::perm.
  [[nodiscard]] Result<Mapping> map(size_t len, int prot,
                                    int64_t offset = 0) const noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return Mapping::Map(len, prot, map::shared, raw, offset);
  }

  // seal(): adds seals (f::seal_shrink, seal_grow, seal_write,
  // seal_future_write, seal_exec, and seal_seal, which forbids adding
  // more). Seals cannot be removed. err::perm if sealing is not allowed
  // (no mfd::allow_sealing, or seal_seal already set); err::busy for
  // seal_write while a writable shared mapping exists.
  Result<void> seal(unsigned seals) noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return fcntl(raw, f::add_seals, seals).transform([](int) {});
  }

  // seals(): the seals set so far (f::seal_* bits).
  [[nodiscard]] Result<unsigned> seals() const noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return fcntl(raw, f::get_seals).transform(
        [](int bits) { return static_cast<unsigned>(bits); });
  }

  // read(), write(), pread(), pwrite(): as on Fd, at the file's offset or at
  // an explicit one. A write that a seal forbids is err::perm.
  [[nodiscard]] Result<size_t> read(void* buf, size_t len) noexcept {
    return fd_.read(buf, len);
  }
  [[nodiscard]] Result<size_t> write(const void* buf, size_t len) noexcept {
    return fd_.write(buf, len);
  }
  [[nodiscard]] Result<size_t> pread(void* buf, size_t len,
                                     int64_t offset) const noexcept {
    return fd_.pread(buf, len, offset);
  }
  [[nodiscard]] Result<size_t> pwrite(const void* buf, size_t len,
                                      int64_t offset) noexcept {
    return fd_.pwrite(buf, len, offset);
  }

  // get() (from FdOwner): the descriptor, to pass to another process or to mmap yourself;
  // -1 once closed. It stays owned by this MemFd.

 private:
  explicit MemFd(Fd fd) noexcept : FdOwner(std::move(fd)) {}
};

}  // namespace zring::core
