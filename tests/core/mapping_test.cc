// core/mapping.h against the real kernel: ownership of an mmap()ed region
// (MemFd::map() is covered in mem_fd_test.cc).
#include "zring/core/mapping.h"

#include <sys/mman.h>

#include <cstddef>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "zring/core/constants.h"

namespace zring::core {
namespace {

static_assert(!std::is_copy_constructible_v<Mapping> &&
                  !std::is_copy_assignable_v<Mapping> &&
                  std::is_nothrow_move_constructible_v<Mapping> &&
                  std::is_nothrow_move_assignable_v<Mapping>,
              "Mapping is move-only");

constexpr size_t kPage = 4096;

// Whether [p, p + len) is mapped in this process (msync fails with ENOMEM
// on an unmapped range).
bool IsMapped(void* p, size_t len) { return ::msync(p, len, MS_ASYNC) == 0; }

TEST(Mapping, DefaultIsEmpty) {
  Mapping m;
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(static_cast<bool>(m));
  EXPECT_EQ(m.data(), nullptr);
  EXPECT_EQ(m.size(), 0u);
  EXPECT_TRUE(m.unmap().ok());
}

TEST(Mapping, DestructorAndUnmapRelease) {
  void* where = nullptr;
  {
    Result<Mapping> m =
        Mapping::Map(kPage, prot::read | prot::write, map::private_ | map::anonymous,
                     -1, 0);
    ASSERT_TRUE(m.ok()) << m.error().name();
    where = m->data();
    EXPECT_TRUE(IsMapped(where, kPage));
  }
  EXPECT_FALSE(IsMapped(where, kPage));

  Result<Mapping> m = Mapping::Map(kPage, prot::read,
                                   map::private_ | map::anonymous, -1, 0);
  ASSERT_TRUE(m.ok());
  where = m->data();
  EXPECT_TRUE(m->unmap().ok());
  EXPECT_TRUE(m->empty());
  EXPECT_FALSE(IsMapped(where, kPage));
  EXPECT_TRUE(m->unmap().ok());  // nothing left to unmap
}

TEST(Mapping, MoveTransfersAndMoveAssignUnmapsTheOld) {
  Result<Mapping> a = Mapping::Map(kPage, prot::read,
                                   map::private_ | map::anonymous, -1, 0);
  Result<Mapping> b = Mapping::Map(kPage, prot::read,
                                   map::private_ | map::anonymous, -1, 0);
  ASSERT_TRUE(a.ok() && b.ok());
  void* pa = a->data();
  void* pb = b->data();
  Mapping x = std::move(a).value();
  EXPECT_EQ(x.data(), pa);
  EXPECT_TRUE(a->empty());  // NOLINT(bugprone-use-after-move)
  x = std::move(b).value();
  EXPECT_EQ(x.data(), pb);
  EXPECT_FALSE(IsMapped(pa, kPage));
  EXPECT_TRUE(IsMapped(pb, kPage));
}

TEST(Mapping, ReleaseLeavesTheRegionMapped) {
  Result<Mapping> m = Mapping::Map(kPage, prot::read,
                                   map::private_ | map::anonymous, -1, 0);
  ASSERT_TRUE(m.ok());
  auto [data, size] = m->release();
  EXPECT_TRUE(m->empty());
  EXPECT_EQ(size, kPage);
  EXPECT_TRUE(IsMapped(data, size));
  ASSERT_EQ(::munmap(data, size), 0);
}

TEST(Mapping, ZeroLengthIsEinval) {
  Result<Mapping> m = Mapping::Map(0, prot::read,
                                   map::private_ | map::anonymous, -1, 0);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), err::inval);
}

}  // namespace
}  // namespace zring::core
