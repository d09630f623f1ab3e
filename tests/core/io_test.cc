// core/io.h against the real kernel: each wrapper once on the success path,
// compared with glibc where that says something, and on its error paths
// with the exact Errno.
#include "zring/core/io.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace zring::core {
namespace {

void* const kBadPointer = reinterpret_cast<void*>(8);

// A pipe whose ends are closed at the end of the test.
struct Pipe {
  explicit Pipe(int flags = O_CLOEXEC) {
    Result<PipeFds> p = pipe2(flags);
    EXPECT_TRUE(p.ok()) << p.error().name();
    if (p) fds = *p;
  }
  ~Pipe() {
    if (fds.read >= 0) ::close(fds.read);
    if (fds.write >= 0) ::close(fds.write);
  }
  PipeFds fds{-1, -1};
};

// An fd number that is certainly closed: one we just opened and closed.
int ClosedFd() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ::close(fd);
  return fd;
}

// A fresh directory under TEST_TMPDIR, removed with its files at the end.
class IoFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/io_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_path_ = tmpl;
    dirfd_ = ::open(dir_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dirfd_, 0);
  }
  void TearDown() override {
    for (const char* name : {"a", "b", "c", "sub"}) {
      ::unlinkat(dirfd_, name, 0);
      ::unlinkat(dirfd_, name, AT_REMOVEDIR);
    }
    ::close(dirfd_);
    ::rmdir(dir_path_.c_str());
  }
  // A new read-write file `name` in the directory; the caller closes it.
  int Create(const char* name) {
    int fd = ::openat(dirfd_, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    EXPECT_GE(fd, 0);
    return fd;
  }
  std::string dir_path_;
  int dirfd_ = -1;
};

// --- read / write ----------------------------------------------------------

TEST(IoReadWrite, ThroughPipe) {
  Pipe p;
  Result<size_t> w = write(p.fds.write, "hello", 5);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, 5u);
  char buf[16] = {};
  Result<size_t> r = read(p.fds.read, buf, sizeof buf);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 5u);
  EXPECT_STREQ(buf, "hello");
}

TEST(IoReadWrite, ZeroAtEndOfFile) {
  Pipe p;
  ::close(p.fds.write);
  p.fds.write = -1;
  char c;
  Result<size_t> r = read(p.fds.read, &c, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0u);
}

TEST(IoReadWrite, Errors) {
  char c = 0;
  EXPECT_EQ(read(ClosedFd(), &c, 1).error(), err::badf);
  EXPECT_EQ(write(ClosedFd(), &c, 1).error(), err::badf);
  Pipe p(O_NONBLOCK | O_CLOEXEC);
  EXPECT_EQ(read(p.fds.read, &c, 1).error(), err::again);
  EXPECT_EQ(write(p.fds.write, kBadPointer, 4).error(), err::fault);
  EXPECT_EQ(read(p.fds.write, &c, 1).error(), err::badf);  // write end
}

TEST(IoReadWrite, BrokenPipe) {
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old), 0);
  Pipe p;
  ::close(p.fds.read);
  p.fds.read = -1;
  EXPECT_EQ(write(p.fds.write, "x", 1).error(), err::pipe);
  ::sigaction(SIGPIPE, &old, nullptr);
}

// --- pread / pwrite --------------------------------------------------------

TEST_F(IoFiles, PreadPwriteLeaveOffsetAlone) {
  int fd = Create("a");
  Result<size_t> w = pwrite(fd, "abcdef", 6, 100);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, 6u);
  char buf[4] = {};
  Result<size_t> r = pread(fd, buf, 3, 102);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 3u);
  EXPECT_EQ(std::string(buf, 3), "cde");
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 0);
  struct stat st;
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 106);
  ::close(fd);
}

TEST_F(IoFiles, PreadPwriteErrors) {
  Pipe p;
  char buf[4];
  EXPECT_EQ(pread(p.fds.read, buf, 1, 0).error(), err::spipe);
  EXPECT_EQ(pwrite(p.fds.write, "x", 1, 0).error(), err::spipe);
  int fd = Create("a");
  EXPECT_EQ(pread(fd, buf, 1, -1).error(), err::inval);
  EXPECT_EQ(pwrite(fd, kBadPointer, 4, 0).error(), err::fault);
  ::close(fd);
  EXPECT_EQ(pread(fd, buf, 1, 0).error(), err::badf);
}

// --- readv / writev / preadv / pwritev / preadv2 / pwritev2 ----------------

TEST(IoVector, ReadvWritevScatterGather) {
  Pipe p;
  char a[] = "zr", b[] = "ing";
  IoVec out[2] = {{a, 2}, {b, 3}};
  Result<size_t> w = writev(p.fds.write, out, 2);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, 5u);
  char x[3] = {}, y[2] = {};
  IoVec in[2] = {{x, 3}, {y, 2}};
  Result<size_t> r = readv(p.fds.read, in, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 5u);
  EXPECT_EQ(std::string(x, 3), "zri");
  EXPECT_EQ(std::string(y, 2), "ng");
}

TEST(IoVector, ReadvWritevErrors) {
  Pipe p;
  char c;
  IoVec one{&c, 1};
  EXPECT_EQ(writev(p.fds.write, &one, -1).error(), err::inval);
  EXPECT_EQ(writev(p.fds.write, &one, 1025).error(), err::inval);
  EXPECT_EQ(readv(ClosedFd(), &one, 1).error(), err::badf);
  EXPECT_EQ(writev(p.fds.write, static_cast<const IoVec*>(kBadPointer), 1).error(),
            err::fault);
}

TEST_F(IoFiles, PreadvPwritevAtOffset) {
  int fd = Create("a");
  char a[] = "12", b[] = "345";
  IoVec out[2] = {{a, 2}, {b, 3}};
  Result<size_t> w = pwritev(fd, out, 2, 10);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, 5u);
  char glibc[5];
  ASSERT_EQ(::pread(fd, glibc, 5, 10), 5);
  EXPECT_EQ(std::string(glibc, 5), "12345");
  char x[2], y[2];
  IoVec in[2] = {{x, 2}, {y, 2}};
  Result<size_t> r = preadv(fd, in, 2, 11);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4u);
  EXPECT_EQ(std::string(x, 2) + std::string(y, 2), "2345");
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 0);
  ::close(fd);
}

TEST(IoVector, PreadvPwritevErrors) {
  Pipe p;
  char c;
  IoVec one{&c, 1};
  EXPECT_EQ(preadv(p.fds.read, &one, 1, 0).error(), err::spipe);
  EXPECT_EQ(pwritev(p.fds.write, &one, 1, 0).error(), err::spipe);
  EXPECT_EQ(preadv(ClosedFd(), &one, 1, 0).error(), err::badf);
}

TEST_F(IoFiles, Preadv2Pwritev2OffsetAndFlagsInTheRightPlaces) {
  int fd = Create("a");
  char data[] = "abcdef";
  IoVec v{data, 6};
  Result<size_t> w = pwritev2(fd, &v, 1, 4, 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, 6u);
  struct stat st;
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 10);  // written at offset 4: the offset went to pos_l
  // RWF_APPEND (flags, the 6th argument) ignores the offset and appends.
  char tail[] = "XY";
  IoVec t{tail, 2};
  ASSERT_TRUE(pwritev2(fd, &t, 1, 0, RWF_APPEND).ok());
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 12);
  char buf[3] = {};
  IoVec r{buf, 3};
  Result<size_t> n = preadv2(fd, &r, 1, 9, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "fXY");
  ::close(fd);
}

TEST(IoVector, Preadv2CurrentOffsetOnPipe) {
  Pipe p;
  ASSERT_EQ(::write(p.fds.write, "pipe", 4), 4);
  char buf[4];
  IoVec v{buf, 4};
  Result<size_t> n = preadv2(p.fds.read, &v, 1, -1, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "pipe");
}

TEST(IoVector, Preadv2Pwritev2Errors) {
  Pipe p;
  char c = 'c';
  IoVec one{&c, 1};
  EXPECT_EQ(pwritev2(p.fds.write, &one, 1, -1, 0x40000000).error(), err::opnotsupp);
  EXPECT_EQ(preadv2(p.fds.read, &one, 1, 0, 0).error(), err::spipe);
  EXPECT_EQ(preadv2(ClosedFd(), &one, 1, -1, 0).error(), err::badf);
}

// --- lseek -----------------------------------------------------------------

TEST_F(IoFiles, LseekMatchesGlibc) {
  int fd = Create("a");
  ASSERT_EQ(::write(fd, "0123456789", 10), 10);
  Result<int64_t> end = lseek(fd, 0, SEEK_END);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 10);
  Result<int64_t> set = lseek(fd, 3, SEEK_SET);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, 3);
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 3);
  Result<int64_t> big = lseek(fd, int64_t{1} << 40, SEEK_SET);  // 64-bit offset
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(*big, int64_t{1} << 40);
  EXPECT_EQ(lseek(fd, 0, 99).error(), err::inval);
  EXPECT_EQ(lseek(fd, -1, SEEK_SET).error(), err::inval);
  ::close(fd);
}

TEST(IoLseek, Errors) {
  Pipe p;
  EXPECT_EQ(lseek(p.fds.read, 0, SEEK_SET).error(), err::spipe);
  EXPECT_EQ(lseek(ClosedFd(), 0, SEEK_SET).error(), err::badf);
}

// --- close / dup / dup3 / pipe2 --------------------------------------------

TEST(IoClose, ClosesOnceThenBadf) {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(close(fd).ok());
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
  EXPECT_EQ(close(fd).error(), err::badf);
  EXPECT_EQ(close(-1).error(), err::badf);
}

TEST(IoDup, SharesTheOpenFile) {
  Pipe p;
  Result<int> d = dup(p.fds.write);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(*d, p.fds.write);
  EXPECT_EQ(::fcntl(*d, F_GETFD) & FD_CLOEXEC, 0);
  ASSERT_EQ(::write(*d, "d", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(p.fds.read, &c, 1), 1);
  EXPECT_EQ(c, 'd');
  ::close(*d);
  EXPECT_EQ(dup(ClosedFd()).error(), err::badf);
}

TEST(IoDup, Dup3ChoosesTheNumber) {
  Pipe p;
  int target = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(target, 0);
  Result<int> d = dup3(p.fds.write, target, O_CLOEXEC);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, target);
  EXPECT_NE(::fcntl(target, F_GETFD) & FD_CLOEXEC, 0);
  ASSERT_EQ(::write(target, "3", 1), 1);  // now the pipe, not /dev/null
  char c = 0;
  ASSERT_EQ(::read(p.fds.read, &c, 1), 1);
  EXPECT_EQ(c, '3');
  EXPECT_EQ(dup3(target, target, 0).error(), err::inval);
  EXPECT_EQ(dup3(p.fds.write, target, O_NONBLOCK).error(), err::inval);
  EXPECT_EQ(dup3(ClosedFd(), target, 0).error(), err::badf);
  ::close(target);
}

TEST(IoPipe2, FlagsApplyToBothEnds) {
  Result<PipeFds> p = pipe2(O_NONBLOCK | O_CLOEXEC);
  ASSERT_TRUE(p.ok());
  for (int fd : {p->read, p->write}) {
    EXPECT_NE(::fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  }
  EXPECT_EQ(::fcntl(p->read, F_GETFL) & O_ACCMODE, O_RDONLY);
  EXPECT_EQ(::fcntl(p->write, F_GETFL) & O_ACCMODE, O_WRONLY);
  ::close(p->read);
  ::close(p->write);
}

TEST(IoPipe2, Errors) {
  EXPECT_EQ(pipe2(O_RDWR).error(), err::inval);
  EXPECT_EQ(pipe2(0x7fff0000).error(), err::inval);
}

// --- ioctl / fcntl ---------------------------------------------------------

TEST(IoIoctl, FionreadCountsPipeBytes) {
  Pipe p;
  ASSERT_EQ(::write(p.fds.write, "abc", 3), 3);
  int pending = -1;
  Result<int> r = ioctl(p.fds.read, FIONREAD, &pending);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0);
  EXPECT_EQ(pending, 3);
}

TEST(IoIoctl, Errors) {
  Pipe p;
  void* none = nullptr;
  EXPECT_EQ(ioctl(p.fds.read, TCGETS, none).error(), err::notty);
  EXPECT_EQ(ioctl(p.fds.read, FIONREAD, kBadPointer).error(), err::fault);
  EXPECT_EQ(ioctl(ClosedFd(), FIONREAD, kBadPointer).error(), err::badf);
}

TEST(IoFcntl, FlagsAndDescriptorFlags) {
  Pipe p;
  Result<int> fl = fcntl(p.fds.read, F_GETFL);
  ASSERT_TRUE(fl.ok());
  EXPECT_EQ(*fl, ::fcntl(p.fds.read, F_GETFL));
  EXPECT_EQ(*fl & O_NONBLOCK, 0);
  ASSERT_TRUE(fcntl(p.fds.read, F_SETFL, *fl | O_NONBLOCK).ok());
  EXPECT_NE(::fcntl(p.fds.read, F_GETFL) & O_NONBLOCK, 0);
  ASSERT_TRUE(fcntl(p.fds.read, F_SETFD, 0).ok());
  EXPECT_EQ(*fcntl(p.fds.read, F_GETFD), 0);
  Result<int> d = fcntl(p.fds.read, F_DUPFD_CLOEXEC, 100);
  ASSERT_TRUE(d.ok());
  EXPECT_GE(*d, 100);
  EXPECT_EQ(::fcntl(*d, F_GETFD), FD_CLOEXEC);
  ::close(*d);
  Result<int> size = fcntl(p.fds.read, F_GETPIPE_SZ);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, ::fcntl(p.fds.read, F_GETPIPE_SZ));
}

TEST(IoFcntl, Errors) {
  Pipe p;
  EXPECT_EQ(fcntl(p.fds.read, 12345).error(), err::inval);
  EXPECT_EQ(fcntl(ClosedFd(), F_GETFL).error(), err::badf);
  EXPECT_EQ(fcntl(p.fds.read, F_GETLK, kBadPointer).error(), err::fault);
}

// --- openat / openat2 / statx / fstat --------------------------------------

TEST_F(IoFiles, OpenatCreatesAndOpens) {
  Result<int> fd = openat(dirfd_, "a", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  ASSERT_TRUE(fd.ok()) << fd.error().name();
  ASSERT_EQ(::write(*fd, "x", 1), 1);
  struct stat st;
  ASSERT_EQ(::fstatat(dirfd_, "a", &st, 0), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 1);
  ::close(*fd);
  Result<int> again = openat(AT_FDCWD, (dir_path_ + "/a").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_TRUE(again.ok());
  ::close(*again);
}

TEST_F(IoFiles, OpenatErrors) {
  EXPECT_EQ(openat(dirfd_, "missing", O_RDONLY).error(), err::noent);
  int fd = Create("a");
  ::close(fd);
  EXPECT_EQ(openat(dirfd_, "a", O_RDWR | O_CREAT | O_EXCL, 0600).error(), err::exist);
  EXPECT_EQ(openat(dirfd_, static_cast<const char*>(kBadPointer), O_RDONLY).error(),
            err::fault);
  EXPECT_EQ(openat(ClosedFd(), "a", O_RDONLY).error(), err::badf);
  EXPECT_EQ(openat(dirfd_, "a/b", O_RDONLY).error(), err::notdir);
}

TEST_F(IoFiles, Openat2) {
  int fd = Create("a");
  ::close(fd);
  OpenHow how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH;
  Result<int> r = openat2(dirfd_, "a", how);
  ASSERT_TRUE(r.ok()) << r.error().name();
  ::close(*r);
  EXPECT_EQ(openat2(dirfd_, "../escape", how).error(), err::xdev);
  OpenHow mode_without_creat{};
  mode_without_creat.flags = O_RDONLY;
  mode_without_creat.mode = 0644;
  EXPECT_EQ(openat2(dirfd_, "a", mode_without_creat).error(), err::inval);
  OpenHow bad_resolve{};
  bad_resolve.resolve = uint64_t{1} << 40;
  EXPECT_EQ(openat2(dirfd_, "a", bad_resolve).error(), err::inval);
}

TEST_F(IoFiles, FstatMatchesGlibc) {
  int fd = Create("a");
  ASSERT_EQ(::write(fd, "0123456789abc", 13), 13);
  Result<Statx> ours = fstat(fd);
  ASSERT_TRUE(ours.ok());
  struct stat theirs;
  ASSERT_EQ(::fstat(fd, &theirs), 0);
  EXPECT_EQ(ours->size, static_cast<uint64_t>(theirs.st_size));
  EXPECT_EQ(ours->mode, theirs.st_mode);
  EXPECT_EQ(ours->ino, theirs.st_ino);
  EXPECT_EQ(ours->nlink, theirs.st_nlink);
  EXPECT_EQ(ours->uid, theirs.st_uid);
  EXPECT_EQ(ours->gid, theirs.st_gid);
  EXPECT_EQ(ours->blocks, static_cast<uint64_t>(theirs.st_blocks));
  EXPECT_EQ(ours->mtime.sec, theirs.st_mtim.tv_sec);
  EXPECT_EQ((ours->mask & STATX_BASIC_STATS), STATX_BASIC_STATS);
  ::close(fd);

  Pipe p;
  Result<Statx> pipe_st = fstat(p.fds.read);
  ASSERT_TRUE(pipe_st.ok());
  EXPECT_TRUE(S_ISFIFO(pipe_st->mode));
}

TEST(IoFstat, Errors) {
  EXPECT_EQ(fstat(ClosedFd()).error(), err::badf);
  EXPECT_EQ(fstat(-1).error(), err::badf);
}

TEST_F(IoFiles, StatxByPath) {
  int fd = Create("a");
  ASSERT_EQ(::write(fd, "1234", 4), 4);
  ::close(fd);
  Statx st{};
  ASSERT_TRUE(statx(dirfd_, "a", 0, STATX_SIZE | STATX_TYPE, &st).ok());
  EXPECT_NE(st.mask & STATX_SIZE, 0u);
  EXPECT_EQ(st.size, 4u);
  EXPECT_TRUE(S_ISREG(st.mode));
  Statx dir{};
  ASSERT_TRUE(statx(dirfd_, "", AT_EMPTY_PATH, STATX_TYPE, &dir).ok());
  EXPECT_TRUE(S_ISDIR(dir.mode));
}

TEST_F(IoFiles, StatxErrors) {
  Statx st{};
  EXPECT_EQ(statx(dirfd_, "missing", 0, STATX_SIZE, &st).error(), err::noent);
  EXPECT_EQ(statx(dirfd_, ".", 0, STATX_SIZE, static_cast<Statx*>(kBadPointer)).error(),
            err::fault);
  EXPECT_EQ(statx(dirfd_, ".", 0, 0x80000000U, &st).error(), err::inval);  // reserved
  EXPECT_EQ(statx(dirfd_, ".", 0x7000000, STATX_SIZE, &st).error(), err::inval);
}

// --- ftruncate / fsync / fdatasync / fallocate -----------------------------

TEST_F(IoFiles, FtruncateSetsSize) {
  int fd = Create("a");
  ASSERT_TRUE(ftruncate(fd, 12345).ok());
  struct stat st;
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 12345);
  ASSERT_TRUE(ftruncate(fd, 3).ok());
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 3);
  EXPECT_EQ(ftruncate(fd, -1).error(), err::inval);
  ::close(fd);
  Pipe p;
  EXPECT_EQ(ftruncate(p.fds.write, 0).error(), err::inval);
  EXPECT_EQ(ftruncate(ClosedFd(), 0).error(), err::badf);
}

TEST_F(IoFiles, FsyncFdatasync) {
  int fd = Create("a");
  ASSERT_EQ(::write(fd, "sync", 4), 4);
  EXPECT_TRUE(fsync(fd).ok());
  EXPECT_TRUE(fdatasync(fd).ok());
  ::close(fd);
  Pipe p;
  EXPECT_EQ(fsync(p.fds.write).error(), err::inval);
  EXPECT_EQ(fdatasync(p.fds.write).error(), err::inval);
  EXPECT_EQ(fsync(ClosedFd()).error(), err::badf);
  EXPECT_EQ(fdatasync(ClosedFd()).error(), err::badf);
}

TEST_F(IoFiles, FallocateExtends) {
  int fd = Create("a");
  Result<void> r = fallocate(fd, 0, 0, 8192);
  if (r.error() == err::opnotsupp) {
    ::close(fd);
    GTEST_SKIP() << "filesystem has no fallocate";
  }
  ASSERT_TRUE(r.ok()) << r.error().name();
  struct stat st;
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 8192);
  // FALLOC_FL_KEEP_SIZE allocates without changing the size.
  ASSERT_TRUE(fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 4096).ok());
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 8192);
  EXPECT_EQ(fallocate(fd, 0, 0, 0).error(), err::inval);
  EXPECT_EQ(fallocate(fd, 0, -1, 10).error(), err::inval);
  ::close(fd);
  Pipe p;
  EXPECT_EQ(fallocate(p.fds.write, 0, 0, 10).error(), err::spipe);
  EXPECT_EQ(fallocate(ClosedFd(), 0, 0, 10).error(), err::badf);
}

// --- mkdirat / unlinkat / renameat2 ----------------------------------------

TEST_F(IoFiles, MkdiratUnlinkat) {
  ASSERT_TRUE(mkdirat(dirfd_, "sub", 0755).ok());
  struct stat st;
  ASSERT_EQ(::fstatat(dirfd_, "sub", &st, 0), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(mkdirat(dirfd_, "sub", 0755).error(), err::exist);
  EXPECT_EQ(unlinkat(dirfd_, "sub", 0).error(), err::isdir);
  EXPECT_TRUE(unlinkat(dirfd_, "sub", AT_REMOVEDIR).ok());
  EXPECT_NE(::fstatat(dirfd_, "sub", &st, 0), 0);

  int fd = Create("a");
  ::close(fd);
  EXPECT_EQ(unlinkat(dirfd_, "a", AT_REMOVEDIR).error(), err::notdir);
  EXPECT_TRUE(unlinkat(dirfd_, "a", 0).ok());
  EXPECT_EQ(unlinkat(dirfd_, "a", 0).error(), err::noent);
  EXPECT_EQ(unlinkat(dirfd_, "a", 0x1234).error(), err::inval);
  EXPECT_EQ(mkdirat(dirfd_, "missing/sub", 0755).error(), err::noent);
}

TEST_F(IoFiles, Renameat2) {
  int fd = Create("a");
  ASSERT_EQ(::write(fd, "A", 1), 1);
  ::close(fd);
  ASSERT_TRUE(renameat2(dirfd_, "a", dirfd_, "b", 0).ok());
  struct stat st;
  EXPECT_NE(::fstatat(dirfd_, "a", &st, 0), 0);
  ASSERT_EQ(::fstatat(dirfd_, "b", &st, 0), 0);
  EXPECT_EQ(st.st_size, 1);

  fd = Create("c");
  ::close(fd);
  EXPECT_EQ(renameat2(dirfd_, "b", dirfd_, "c", RENAME_NOREPLACE).error(), err::exist);
  EXPECT_EQ(renameat2(dirfd_, "b", dirfd_, "c", RENAME_NOREPLACE | RENAME_EXCHANGE)
                .error(),
            err::inval);
  EXPECT_EQ(renameat2(dirfd_, "missing", dirfd_, "c", 0).error(), err::noent);
  // RENAME_EXCHANGE swaps the two names.
  ASSERT_TRUE(renameat2(dirfd_, "b", dirfd_, "c", RENAME_EXCHANGE).ok());
  ASSERT_EQ(::fstatat(dirfd_, "c", &st, 0), 0);
  EXPECT_EQ(st.st_size, 1);
}

// --- splice / tee / vmsplice -----------------------------------------------

TEST_F(IoFiles, SpliceFromPipeToFileAtOffset) {
  Pipe p;
  ASSERT_EQ(::write(p.fds.write, "spliced", 7), 7);
  int fd = Create("a");
  int64_t off = 5;
  Result<size_t> n = splice(p.fds.read, nullptr, fd, &off, 7, 0);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 7u);
  EXPECT_EQ(off, 12);                      // advanced by splice
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 0);  // fd offset untouched
  char buf[7];
  ASSERT_EQ(::pread(fd, buf, 7, 5), 7);
  EXPECT_EQ(std::string(buf, 7), "spliced");

  // And back: file (at its own offset, null) into the pipe.
  ASSERT_EQ(::lseek(fd, 5, SEEK_SET), 5);
  n = splice(fd, nullptr, p.fds.write, nullptr, 3, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 8);
  ASSERT_EQ(::read(p.fds.read, buf, 3), 3);
  EXPECT_EQ(std::string(buf, 3), "spl");
  ::close(fd);
}

TEST_F(IoFiles, SpliceErrors) {
  Pipe p(O_NONBLOCK | O_CLOEXEC);
  int fd = Create("a");
  int fd2 = Create("b");
  int64_t off = 0;
  EXPECT_EQ(splice(p.fds.read, &off, fd, nullptr, 1, 0).error(), err::spipe);
  EXPECT_EQ(splice(fd, nullptr, fd2, nullptr, 1, 0).error(), err::inval);
  EXPECT_EQ(splice(p.fds.read, nullptr, fd, nullptr, 1, SPLICE_F_NONBLOCK).error(),
            err::again);
  EXPECT_EQ(splice(ClosedFd(), nullptr, p.fds.write, nullptr, 1, 0).error(), err::badf);
  ::close(fd);
  ::close(fd2);
}

TEST(IoTee, DuplicatesWithoutConsuming) {
  Pipe src, dst;
  ASSERT_EQ(::write(src.fds.write, "teedata", 7), 7);
  Result<size_t> n = tee(src.fds.read, dst.fds.write, 100, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 7u);
  char a[7], b[7];
  ASSERT_EQ(::read(dst.fds.read, a, 7), 7);
  ASSERT_EQ(::read(src.fds.read, b, 7), 7);
  EXPECT_EQ(std::string(a, 7), "teedata");
  EXPECT_EQ(std::string(b, 7), "teedata");
}

TEST_F(IoFiles, TeeErrors) {
  Pipe src(O_NONBLOCK | O_CLOEXEC), dst;
  int fd = Create("a");
  EXPECT_EQ(tee(src.fds.read, fd, 1, 0).error(), err::inval);
  EXPECT_EQ(tee(src.fds.read, dst.fds.write, 1, SPLICE_F_NONBLOCK).error(), err::again);
  EXPECT_EQ(tee(ClosedFd(), dst.fds.write, 1, 0).error(), err::badf);
  ::close(fd);
}

TEST(IoVmsplice, UserMemoryIntoPipe) {
  Pipe p;
  static char part1[] = "vm", part2[] = "splice";
  IoVec v[2] = {{part1, 2}, {part2, 6}};
  Result<size_t> n = vmsplice(p.fds.write, v, 2, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 8u);
  char buf[8];
  ASSERT_EQ(::read(p.fds.read, buf, 8), 8);
  EXPECT_EQ(std::string(buf, 8), "vmsplice");
}

TEST_F(IoFiles, VmspliceErrors) {
  char c = 'x';
  IoVec one{&c, 1};
  int fd = Create("a");
  EXPECT_EQ(vmsplice(fd, &one, 1, 0).error(), err::badf);  // not a pipe
  ::close(fd);
  EXPECT_EQ(vmsplice(ClosedFd(), &one, 1, 0).error(), err::badf);
  Pipe p;
  EXPECT_EQ(vmsplice(p.fds.write, &one, 1, 0x100).error(), err::inval);
}

}  // namespace
}  // namespace zring::core
