// mmap() and munmap() through libc, for builds under ThreadSanitizer only
// (memory.h says why): the sanitizer learns of mappings only through libc's
// calls, which it intercepts. Every other build compiles this file empty.
#include "zring/core/memory.h"

#if ZRING_CORE_UNDER_TSAN
#include <errno.h>
#include <sys/mman.h>

namespace zring::core::detail {

long TsanMmap(void* addr, size_t len, int prot, int flags, int fd, int64_t offset) noexcept {
  const int saved = errno;
  void* p = ::mmap(addr, len, prot, flags, fd, static_cast<off_t>(offset));
  const long raw = p == MAP_FAILED ? -static_cast<long>(errno) : reinterpret_cast<long>(p);
  errno = saved;
  return raw;
}

long TsanMunmap(void* addr, size_t len) noexcept {
  const int saved = errno;
  const long raw = ::munmap(addr, len) == 0 ? 0 : -static_cast<long>(errno);
  errno = saved;
  return raw;
}

}  // namespace zring::core::detail
#endif
