// The raw syscall layer: results match glibc's, errors come back as -errno
// and errno itself is left alone.
#include "zring/core/syscall.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "zring/core/result.h"

namespace zring::core {
namespace {

TEST(Syscall, NumbersMatchSystemHeader) {
  EXPECT_EQ(nr::read, SYS_read);
  EXPECT_EQ(nr::write, SYS_write);
  EXPECT_EQ(nr::close, SYS_close);
  EXPECT_EQ(nr::openat, SYS_openat);
  EXPECT_EQ(nr::io_uring_setup, SYS_io_uring_setup);
  EXPECT_EQ(nr::io_uring_enter, SYS_io_uring_enter);
  EXPECT_EQ(nr::io_uring_register, SYS_io_uring_register);
  EXPECT_EQ(nr::pidfd_getfd, SYS_pidfd_getfd);
  EXPECT_EQ(nr::preadv2, SYS_preadv2);
  EXPECT_EQ(nr::statx, SYS_statx);
  EXPECT_EQ(nr::epoll_pwait, SYS_epoll_pwait);
  EXPECT_EQ(nr::exit_group, SYS_exit_group);
}

TEST(Syscall, ZeroArgumentsMatchGlibc) {
  EXPECT_EQ(syscall0(nr::getpid), ::getpid());
  EXPECT_EQ(syscall0(nr::getppid), ::getppid());
  EXPECT_EQ(syscall0(nr::gettid), ::gettid());
}

TEST(Syscall, ErrorIsNegativeErrnoAndErrnoUntouched) {
  errno = 1234;
  long r = syscall1(nr::close, -1);
  EXPECT_EQ(r, -EBADF);
  EXPECT_TRUE(IsError(r));
  EXPECT_EQ(errno, 1234);
  EXPECT_EQ(Errno::FromRaw(r), err::badf);
}

TEST(Syscall, SixArgumentsReachTheKernel) {
  // mmap takes six arguments: an anonymous page that we can write proves
  // every register got through.
  long p = syscall6(nr::mmap, 0, 4096, 0x1 | 0x2, 0x02 | 0x20, -1, 0);
  ASSERT_FALSE(IsError(p));
  auto* bytes = reinterpret_cast<unsigned char*>(p);
  bytes[0] = 0xAB;
  bytes[4095] = 0xCD;
  EXPECT_EQ(bytes[0], 0xAB);
  EXPECT_EQ(syscall2(nr::munmap, p, 4096), 0);
}

TEST(Syscall, WriteAndReadThroughPipe) {
  int fds[2];
  ASSERT_EQ(syscall2(nr::pipe2, arg(fds), 0), 0);
  const char msg[] = "zring";
  EXPECT_EQ(syscall3(nr::write, fds[1], arg(msg), 5), 5);
  char buf[8] = {};
  EXPECT_EQ(syscall3(nr::read, fds[0], arg(buf), sizeof buf), 5);
  EXPECT_STREQ(buf, "zring");
  EXPECT_EQ(syscall1(nr::close, fds[0]), 0);
  EXPECT_EQ(syscall1(nr::close, fds[1]), 0);
}

TEST(Syscall, BadPointerIsEfault) {
  int fds[2];
  ASSERT_EQ(syscall2(nr::pipe2, arg(fds), 0), 0);
  EXPECT_EQ(syscall3(nr::write, fds[1], 8, 5), -EFAULT);
  syscall1(nr::close, fds[0]);
  syscall1(nr::close, fds[1]);
}

}  // namespace
}  // namespace zring::core
