// zring/core/memory.h — typed wrappers for the memory-mapping syscalls.
//
// mmap() is how the ring maps its SQ, CQ and SQE arrays, and memfd_create()
// gives anonymous files for buffers shared through an fd. As everywhere in
// core/, results are Results and errno is never touched.
//
//   core::Result<void*> p = core::mmap(nullptr, 1 << 20, prot::read | prot::write,
//                                      map::shared | map::anonymous, -1, 0);
//   if (!p) return p.error();
//   ...
//   (void)core::munmap(*p, 1 << 20);
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/result.h"
#include "zring/core/syscall.h"

#if defined(__SANITIZE_THREAD__)
#define ZRING_CORE_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ZRING_CORE_UNDER_TSAN 1
#endif
#endif
#ifndef ZRING_CORE_UNDER_TSAN
#define ZRING_CORE_UNDER_TSAN 0
#endif

namespace zring::core {

namespace detail {
// A raw result that is an address: only [-4095, -1] means -errno, since a
// high address (top bit set) is a valid mapping on some kernels and
// architectures, so `raw < 0` is not the test.
[[gnu::always_inline]] inline Result<void*> AddressFromRaw(long raw) noexcept {
  if (IsError(raw)) return Errno::FromRaw(raw);
  return reinterpret_cast<void*>(raw);
}
#if ZRING_CORE_UNDER_TSAN
// memory_tsan.cc: libc's mmap() and munmap(), raw results (-errno).
long TsanMmap(void* addr, size_t len, int prot, int flags, int fd, int64_t offset) noexcept;
long TsanMunmap(void* addr, size_t len) noexcept;
#endif
}  // namespace detail

// mmap(): maps `len` bytes of `fd` at `offset` (a multiple of the page
// size), or anonymous memory with MAP_ANONYMOUS and fd -1. `addr` is a hint
// unless MAP_FIXED / MAP_FIXED_NOREPLACE. Returns the mapping's address.
//
// Under ThreadSanitizer it goes through libc (memory_tsan.cc), whose
// mmap() the sanitizer intercepts to start the range afresh: after a raw
// mmap, a new mapping at an address another thread's old one had (a ring's,
// resized away) looks like a race with that mapping's last writer.
inline Result<void*> mmap(void* addr, size_t len, int prot, int flags, int fd,
                          int64_t offset) noexcept {
#if ZRING_CORE_UNDER_TSAN
  return detail::AddressFromRaw(detail::TsanMmap(addr, len, prot, flags, fd, offset));
#else
  return detail::AddressFromRaw(syscall6(nr::mmap, arg(addr), arg(len), prot,
                                         flags, fd, arg(offset)));
#endif
}

// munmap(): removes mappings in [addr, addr + len); `addr` must be
// page-aligned (else err::inval). Unmapping nothing is not an error. Under
// ThreadSanitizer through libc, as mmap().
inline Result<void> munmap(void* addr, size_t len) noexcept {
#if ZRING_CORE_UNDER_TSAN
  return VoidFromRaw(detail::TsanMunmap(addr, len));
#else
  return VoidFromRaw(syscall2(nr::munmap, arg(addr), arg(len)));
#endif
}

// mremap(): grows, shrinks or moves a mapping. Without MREMAP_MAYMOVE a
// mapping that cannot grow in place fails with err::nomem; `new_addr` is
// used only with MREMAP_FIXED. Returns the (possibly new) address.
inline Result<void*> mremap(void* old_addr, size_t old_len, size_t new_len,
                            int flags, void* new_addr = nullptr) noexcept {
  return detail::AddressFromRaw(syscall5(nr::mremap, arg(old_addr),
                                         arg(old_len), arg(new_len), flags,
                                         arg(new_addr)));
}

// madvise(): advice (MADV_DONTNEED, MADV_WILLNEED, MADV_HUGEPAGE, ...) for
// [addr, addr + len); `addr` must be page-aligned.
inline Result<void> madvise(void* addr, size_t len, int advice) noexcept {
  return VoidFromRaw(syscall3(nr::madvise, arg(addr), arg(len), advice));
}

// memfd_create(): an anonymous file living in memory, as a new fd. `name`
// (at most 249 bytes, else err::inval) only shows in /proc; `flags`:
// MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB, MFD_NOEXEC_SEAL, ...
inline Result<int> memfd_create(const char* name, unsigned flags) noexcept {
  return FromRaw<int>(syscall2(nr::memfd_create, arg(name), flags));
}

}  // namespace zring::core
