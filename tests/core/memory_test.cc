// core/memory.h against the real kernel: mappings behave, errors come back
// as the exact Errno, and an address is told from an error the way mmap's
// contract requires.
#include "zring/core/memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "zring/core/io.h"

namespace zring::core {
namespace {

const size_t kPage = static_cast<size_t>(::sysconf(_SC_PAGESIZE));

TEST(Mmap, AnonymousReadWrite) {
  Result<void*> p = mmap(nullptr, 2 * kPage, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_TRUE(p.ok()) << p.error().name();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(*p) % kPage, 0u);
  auto* bytes = static_cast<unsigned char*>(*p);
  EXPECT_EQ(bytes[0], 0);  // anonymous memory starts zeroed
  bytes[0] = 1;
  bytes[2 * kPage - 1] = 2;
  EXPECT_EQ(bytes[0] + bytes[2 * kPage - 1], 3);
  EXPECT_TRUE(munmap(*p, 2 * kPage).ok());
}

TEST(Mmap, SharedMemfdIsSeenThroughTheFd) {
  Result<int> fd = memfd_create("zring-mmap", MFD_CLOEXEC);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(::ftruncate(*fd, static_cast<off_t>(kPage)), 0);
  Result<void*> p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
  ASSERT_TRUE(p.ok());
  std::memcpy(*p, "shared", 6);
  char buf[6];
  ASSERT_EQ(::pread(*fd, buf, 6, 0), 6);
  EXPECT_EQ(std::string(buf, 6), "shared");
  EXPECT_TRUE(munmap(*p, kPage).ok());
  ::close(*fd);
}

TEST(Mmap, Errors) {
  const int rw = PROT_READ | PROT_WRITE;
  EXPECT_EQ(mmap(nullptr, 0, rw, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).error(), err::inval);
  EXPECT_EQ(mmap(nullptr, kPage, rw, MAP_ANONYMOUS, -1, 0).error(), err::inval);  // neither
  EXPECT_EQ(mmap(nullptr, kPage, rw, MAP_SHARED, -1, 0).error(), err::badf);
  Result<int> fd = memfd_create("zring-mmap", MFD_CLOEXEC);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(mmap(nullptr, kPage, rw, MAP_SHARED, *fd, 1).error(), err::inval);  // offset
  ::close(*fd);
  // Pipes cannot be mapped.
  Result<PipeFds> p = pipe2(O_CLOEXEC);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(mmap(nullptr, kPage, PROT_READ, MAP_SHARED, p->read, 0).error(), err::nodev);
  ::close(p->read);
  ::close(p->write);
}

TEST(Mmap, OnlyTheTopPageOfResultsIsAnError) {
  // A raw result is an error only in [-4095, -1].
  EXPECT_EQ(detail::AddressFromRaw(-1).error(), err::perm);
  EXPECT_EQ(detail::AddressFromRaw(-4095).error(), Errno(4095));
  Result<void*> high = detail::AddressFromRaw(-4096);
  ASSERT_TRUE(high.ok());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(*high), ~uintptr_t{0} - 4095);
  Result<void*> top_bit = detail::AddressFromRaw(static_cast<long>(0x8000000000000000UL));
  EXPECT_TRUE(top_bit.ok());
}

TEST(Munmap, Errors) {
  Result<void*> p = mmap(nullptr, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(munmap(static_cast<char*>(*p) + 1, kPage).error(), err::inval);
  EXPECT_EQ(munmap(*p, 0).error(), err::inval);
  EXPECT_TRUE(munmap(*p, kPage).ok());
  EXPECT_TRUE(munmap(*p, kPage).ok());  // nothing left there: still fine
}

TEST(Mremap, GrowKeepsContents) {
  Result<void*> p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_TRUE(p.ok());
  std::memcpy(*p, "keep", 4);
  Result<void*> q = mremap(*p, kPage, 16 * kPage, MREMAP_MAYMOVE);
  ASSERT_TRUE(q.ok()) << q.error().name();
  EXPECT_EQ(std::memcmp(*q, "keep", 4), 0);
  static_cast<char*>(*q)[16 * kPage - 1] = 'z';
  EXPECT_TRUE(munmap(*q, 16 * kPage).ok());
}

TEST(Mremap, Errors) {
  Result<void*> p = mmap(nullptr, 2 * kPage, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_TRUE(p.ok());
  // Two pages, both mapped: growing the first page in place hits the second.
  EXPECT_EQ(mremap(*p, kPage, 2 * kPage, 0).error(), err::nomem);
  EXPECT_EQ(mremap(static_cast<char*>(*p) + 1, kPage, 2 * kPage, MREMAP_MAYMOVE).error(),
            err::inval);
  EXPECT_EQ(mremap(*p, kPage, 2 * kPage, 0x40000).error(), err::inval);  // unknown flag
  EXPECT_EQ(mremap(*p, kPage, 0, MREMAP_MAYMOVE).error(), err::inval);
  EXPECT_TRUE(munmap(*p, 2 * kPage).ok());
}

TEST(Madvise, DontneedZeroesPrivateAnonymousMemory) {
  Result<void*> p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_TRUE(p.ok());
  auto* bytes = static_cast<volatile unsigned char*>(*p);
  bytes[10] = 42;
  ASSERT_TRUE(madvise(*p, kPage, MADV_DONTNEED).ok());
  EXPECT_EQ(bytes[10], 0);
  EXPECT_TRUE(madvise(*p, kPage, MADV_WILLNEED).ok());
  EXPECT_TRUE(munmap(*p, kPage).ok());
}

TEST(Madvise, Errors) {
  Result<void*> p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(madvise(static_cast<char*>(*p) + 1, kPage, MADV_NORMAL).error(), err::inval);
  EXPECT_EQ(madvise(*p, kPage, 12345).error(), err::inval);
  EXPECT_TRUE(munmap(*p, kPage).ok());
  // An unmapped range is ENOMEM.
  EXPECT_EQ(madvise(*p, kPage, MADV_WILLNEED).error(), err::nomem);
}

TEST(MemfdCreate, FileInMemory) {
  Result<int> fd = memfd_create("zring-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  ASSERT_TRUE(fd.ok()) << fd.error().name();
  EXPECT_NE(::fcntl(*fd, F_GETFD) & FD_CLOEXEC, 0);
  ASSERT_EQ(::write(*fd, "memfd", 5), 5);
  struct stat st;
  ASSERT_EQ(::fstat(*fd, &st), 0);
  EXPECT_EQ(st.st_size, 5);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  // Sealing is allowed: forbid growth, then a write past the end fails.
  ASSERT_EQ(::fcntl(*fd, F_ADD_SEALS, F_SEAL_GROW), 0);
  EXPECT_EQ(::fcntl(*fd, F_GET_SEALS), F_SEAL_GROW);
  EXPECT_EQ(::write(*fd, "more", 4), -1);
  char link[64] = {}, path[64];
  std::snprintf(path, sizeof path, "/proc/self/fd/%d", *fd);
  ASSERT_GT(::readlink(path, link, sizeof link - 1), 0);
  EXPECT_EQ(std::string(link).rfind("/memfd:zring-test", 0), 0u) << link;
  ::close(*fd);
}

TEST(MemfdCreate, Errors) {
  EXPECT_EQ(memfd_create("x", 0x10000000).error(), err::inval);
  std::string too_long(300, 'n');
  EXPECT_EQ(memfd_create(too_long.c_str(), 0).error(), err::inval);
  EXPECT_EQ(memfd_create(reinterpret_cast<const char*>(8), 0).error(), err::fault);
}

}  // namespace
}  // namespace zring::core
