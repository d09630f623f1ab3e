// core/mem_fd.h and core/mapping.h against the real kernel: sizes, shared
// mappings seen through the file and back, seals, errors.
#include "zring/core/mem_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "zring/core/handle.h"
#include "zring/core/mapping.h"

namespace zring::core {
namespace {

static_assert(Handle<MemFd>, "MemFd reads and writes like a file");
static_assert(!Signaler<MemFd> && !Timer<MemFd>);

constexpr size_t kPage = 4096;

TEST(MemFd, CreateIsEmptyAndCloexec) {
  Result<MemFd> mem = MemFd::Create("zring-memfd-test");
  ASSERT_TRUE(mem.ok()) << mem.error().name();
  EXPECT_EQ(mem->size().value_or(1), 0u);
  EXPECT_EQ(::fcntl(mem->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

TEST(MemFd, ResizeChangesTheSize) {
  Result<MemFd> mem = MemFd::Create("zring-resize");
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->resize(3 * kPage).ok());
  EXPECT_EQ(mem->size().value_or(0), 3 * kPage);
  ASSERT_TRUE(mem->resize(10).ok());
  EXPECT_EQ(mem->size().value_or(0), 10u);
}

TEST(MemFd, MappingAndFileSeeTheSameBytes) {
  Result<MemFd> mem = MemFd::Create("zring-map");
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->resize(kPage).ok());
  Result<Mapping> m = mem->map(kPage, prot::read | prot::write);
  ASSERT_TRUE(m.ok()) << m.error().name();
  ASSERT_EQ(m->size(), kPage);

  // Stores through the mapping are the file's contents...
  std::memcpy(m->data(), "hello", 5);
  char buf[8] = {};
  ASSERT_EQ(mem->pread(buf, 5, 0).value_or(0), 5u);
  EXPECT_EQ(std::string(buf, 5), "hello");
  // ...and writes to the file show in the mapping.
  ASSERT_EQ(mem->pwrite("WORLD", 5, 100).value_or(0), 5u);
  EXPECT_EQ(std::string(m->at<char>(100), 5), "WORLD");
  // read()/write() use the file offset.
  ASSERT_EQ(mem->write("abc", 3).value_or(0), 3u);
  EXPECT_EQ(std::string(m->at<char>(0), 5), "abclo");
}

TEST(MemFd, MappingOutlivesTheDescriptor) {
  Result<MemFd> mem = MemFd::Create("zring-outlive");
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->resize(kPage).ok());
  Result<Mapping> m = mem->map(kPage, prot::read | prot::write);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(mem->close().ok());
  *m->at<int>(0) = 1234;  // still backed by the file
  EXPECT_EQ(*m->at<int>(0), 1234);
}

TEST(MemFd, SealsForbidResizingAndAreReported) {
  Result<MemFd> mem = MemFd::Create("zring-seal");
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->resize(kPage).ok());
  EXPECT_EQ(mem->seals().value_or(~0u), 0u);
  ASSERT_TRUE(mem->seal(f::seal_shrink | f::seal_grow).ok());
  Result<unsigned> seals = mem->seals();
  ASSERT_TRUE(seals.ok()) << seals.error().name();
  EXPECT_EQ(*seals, static_cast<unsigned>(F_SEAL_SHRINK | F_SEAL_GROW));
  EXPECT_EQ(mem->resize(2 * kPage).error(), err::perm);
  EXPECT_EQ(mem->resize(1).error(), err::perm);
  EXPECT_EQ(mem->resize(kPage).ok(), true);  // the same size is no change
  EXPECT_EQ(mem->size().value_or(0), kPage);
}

TEST(MemFd, WriteSealForbidsWritesAndWritableMappings) {
  Result<MemFd> mem = MemFd::Create("zring-seal-write");
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->resize(kPage).ok());
  ASSERT_TRUE(mem->seal(f::seal_write).ok());
  EXPECT_EQ(mem->pwrite("x", 1, 0).error(), err::perm);
  EXPECT_EQ(mem->map(kPage, prot::read | prot::write).error(), err::perm);
  EXPECT_TRUE(mem->map(kPage, prot::read).ok());
}

TEST(MemFd, WithoutAllowSealingSealIsEperm) {
  Result<MemFd> mem = MemFd::Create("zring-nosealing", 0);
  ASSERT_TRUE(mem.ok()) << mem.error().name();
  EXPECT_EQ(mem->seals().value_or(0), static_cast<unsigned>(F_SEAL_SEAL));
  EXPECT_EQ(mem->seal(f::seal_grow).error(), err::perm);
}

TEST(MemFd, SealSealStopsFurtherSeals) {
  Result<MemFd> mem = MemFd::Create("zring-seal-seal");
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->seal(f::seal_seal).ok());
  EXPECT_EQ(mem->seal(f::seal_shrink).error(), err::perm);
}

TEST(MemFd, NameTooLongIsEinval) {
  std::string name(300, 'n');
  Result<MemFd> mem = MemFd::Create(name.c_str());
  ASSERT_FALSE(mem.ok());
  EXPECT_EQ(mem.error(), err::inval);
}

TEST(MemFd, ClosedMemFdIsEbadf) {
  Result<MemFd> mem = MemFd::Create("zring-closed");
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->close().ok());
  EXPECT_TRUE(mem->close().ok());
  char c = 0;
  EXPECT_EQ(mem->resize(1).error(), err::badf);
  EXPECT_EQ(mem->size().error(), err::badf);
  EXPECT_EQ(mem->map(kPage, prot::read).error(), err::badf);
  EXPECT_EQ(mem->seal(f::seal_grow).error(), err::badf);
  EXPECT_EQ(mem->seals().error(), err::badf);
  EXPECT_EQ(mem->read(&c, 1).error(), err::badf);
  EXPECT_EQ(mem->write(&c, 1).error(), err::badf);
}

}  // namespace
}  // namespace zring::core
