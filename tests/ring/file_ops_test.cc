// File, pipe and directory opcodes against the running kernel, on every
// ring set-up in ring_configs.h: read/write (plain, vectored, fixed buffers,
// current position, multishot), fixed files and direct descriptors, the
// sync/allocate/truncate family, the path operations, extended attributes,
// splice and tee.
//
// Each case works in its own directory under $TEST_TMPDIR, which the
// fixture removes again. Set-up and checks use libc; only the operation
// under test goes through the ring.
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "tests/ring/ring_configs.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/core/types.h"
#include "zring/ring/abi.h"
#include "zring/ring/buf_ring.h"
#include "zring/ring/prep.h"
#include "zring/ring/register.h"
#include "zring/ring/ring.h"

namespace zring::ring {
namespace {

using testing::Fence;
using testing::kRingConfigs;
using testing::MakeRing;
using testing::NextCqe;
using testing::RingConfig;
using testing::RunOne;
using testing::Supports;

constexpr uint64_t kCur = abi::kOffsetCurrent;

// A pipe whose ends close themselves.
struct Pipe {
  core::Fd r, w;
};

Pipe MakePipe() {
  core::Result<core::PipeFds> p = core::pipe2(O_CLOEXEC);
  EXPECT_TRUE(p.ok()) << p.error().name();
  if (!p) return {};
  return {core::Fd(p->read), core::Fd(p->write)};
}

std::string ReadAll(int fd, size_t max) {
  std::string out(max, '\0');
  ssize_t n = ::read(fd, out.data(), max);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::string PreadAll(int fd, size_t max, off_t off) {
  std::string out(max, '\0');
  ssize_t n = ::pread(fd, out.data(), max, off);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

// Page-aligned anonymous memory, unmapped on destruction (fixed buffers are
// pinned page by page, so they should not share pages with the heap).
class Pages {
 public:
  explicit Pages(size_t bytes) : size_(bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(p, MAP_FAILED);
    base_ = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
  }
  Pages(const Pages&) = delete;
  Pages& operator=(const Pages&) = delete;
  ~Pages() {
    if (base_ != nullptr) ::munmap(base_, size_);
  }
  char* get() const { return base_; }
  size_t size() const { return size_; }

 private:
  char* base_ = nullptr;
  size_t size_ = 0;
};

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  return ::remove(path);
}

class FileOpsTest : public ::testing::TestWithParam<RingConfig> {
 protected:
  void SetUp() override {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/file_ops_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      EXPECT_EQ(::nftw(dir_.c_str(), RemoveEntry, 8, FTW_DEPTH | FTW_PHYS), 0);
    }
  }

  // Absolute path of `name` inside this case's directory.
  std::string Path(const char* name) const { return dir_ + "/" + name; }

  // Creates (or truncates) `name` for reading and writing.
  core::Fd CreateFile(const char* name, const char* contents = "") {
    int fd = ::open(Path(name).c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
                    0600);
    EXPECT_GE(fd, 0) << std::strerror(errno);
    size_t len = std::strlen(contents);
    if (fd >= 0 && len != 0) {
      EXPECT_EQ(::write(fd, contents, len), static_cast<ssize_t>(len));
    }
    return core::Fd(fd);
  }

  bool Exists(const char* name) const {
    struct stat st;
    return ::lstat(Path(name).c_str(), &st) == 0;
  }

  std::string dir_;
};

// --- Plain reads and writes ---------------------------------------------------

TEST_P(FileOpsTest, WriteAndReadAtExplicitOffsets) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data");
  const char text[] = "hello world";
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write(s, f.get(), text, 11, 0); }).res,
            11);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write(s, f.get(), "XY", 2, 6); }).res,
            2);
  char buf[32] = {};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read(s, f.get(), buf, sizeof buf, 0); }).res,
            11);
  EXPECT_EQ(std::string(buf, 11), "hello XYrld");
  // An explicit offset never moves the file position.
  EXPECT_EQ(::lseek(f.get(), 0, SEEK_CUR), 0);
}

TEST_P(FileOpsTest, ReadAtOrPastTheEndReturnsZero) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data", "abc");
  char buf[8];
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read(s, f.get(), buf, 8, 3); }).res, 0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read(s, f.get(), buf, 8, 1000); }).res,
            0);
}

TEST_P(FileOpsTest, ReadOnAWriteOnlyFdIsEbadf) {
  Ring ring = MakeRing(GetParam());
  CreateFile("data", "abc");
  core::Fd wo(::open(Path("data").c_str(), O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(wo.valid());
  char buf[4];
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read(s, wo.get(), buf, 4, 0); }).res,
            -EBADF);
}

TEST_P(FileOpsTest, WriteThenReadThroughAPipe) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write(s, p.w.get(), "ping", 4, kCur); }).res,
            4);
  char buf[16] = {};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read(s, p.r.get(), buf, 16, kCur); }).res,
            4);
  EXPECT_EQ(std::string(buf, 4), "ping");
}

// A read posted on an empty pipe waits for the data instead of failing.
TEST_P(FileOpsTest, PipeReadWaitsForAWriter) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[16] = {};
  abi::Sqe* sqe = ring.get_sqe();
  ASSERT_NE(sqe, nullptr);
  prep_read(sqe, p.r.get(), buf, sizeof buf, kCur);
  set_user_data(sqe, 7);
  EXPECT_TRUE(Fence(ring).empty()) << "the read completed on an empty pipe";
  ASSERT_EQ(::write(p.w.get(), "late", 4), 4);
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 7u);
  EXPECT_EQ(cqe.res, 4);
  EXPECT_EQ(std::string(buf, 4), "late");
}

// Closing the write end ends a pending read with 0 (end of file).
TEST_P(FileOpsTest, PipeReadSeesEndOfFile) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char buf[4];
  abi::Sqe* sqe = ring.get_sqe();
  ASSERT_NE(sqe, nullptr);
  prep_read(sqe, p.r.get(), buf, sizeof buf, kCur);
  set_user_data(sqe, 7);
  EXPECT_TRUE(Fence(ring).empty());
  ASSERT_TRUE(p.w.close().ok());
  abi::Cqe cqe = NextCqe(ring);
  EXPECT_EQ(cqe.user_data, 7u);
  EXPECT_EQ(cqe.res, 0);
}

TEST_P(FileOpsTest, WritevThenReadv) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data");
  char a[] = "abc", b[] = "defg";
  core::IoVec out[2] = {{a, 3}, {b, 4}};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_writev(s, f.get(), out, 2, 0); }).res, 7);
  EXPECT_EQ(PreadAll(f.get(), 16, 0), "abcdefg");
  char x[2] = {}, y[5] = {};
  core::IoVec in[2] = {{x, 2}, {y, 5}};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_readv(s, f.get(), in, 2, 0); }).res, 7);
  EXPECT_EQ(std::string(x, 2), "ab");
  EXPECT_EQ(std::string(y, 5), "cdefg");
}

TEST_P(FileOpsTest, WritevAndReadvOnAPipe) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  char a[] = "one", b[] = "two";
  core::IoVec out[2] = {{a, 3}, {b, 3}};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_writev(s, p.w.get(), out, 2, kCur); }).res,
            6);
  char x[4] = {}, y[2] = {};
  core::IoVec in[2] = {{x, 4}, {y, 2}};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_readv(s, p.r.get(), in, 2, kCur); }).res,
            6);
  EXPECT_EQ(std::string(x, 4) + std::string(y, 2), "onetwo");
}

// Offset -1 reads and writes at the file position and moves it, like
// read(2)/write(2).
TEST_P(FileOpsTest, CurrentPositionIsUsedAndAdvanced) {
  Ring ring = MakeRing(GetParam());
  if (!ring.has_feature(abi::kFeatRwCurPos)) {
    GTEST_SKIP() << "kernel lacks IORING_FEAT_RW_CUR_POS";
  }
  core::Fd f = CreateFile("data");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write(s, f.get(), "abc", 3, kCur); }).res,
            3);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write(s, f.get(), "def", 3, kCur); }).res,
            3);
  EXPECT_EQ(::lseek(f.get(), 0, SEEK_CUR), 6);
  EXPECT_EQ(PreadAll(f.get(), 16, 0), "abcdef");
  ASSERT_EQ(::lseek(f.get(), 1, SEEK_SET), 1);
  char buf[4] = {};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read(s, f.get(), buf, 4, kCur); }).res, 4);
  EXPECT_EQ(std::string(buf, 4), "bcde");
  EXPECT_EQ(::lseek(f.get(), 0, SEEK_CUR), 5);
  char iv[8] = {};
  core::IoVec v{iv, sizeof iv};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_readv(s, f.get(), &v, 1, kCur); }).res, 1);
  EXPECT_EQ(iv[0], 'f');
  EXPECT_EQ(::lseek(f.get(), 0, SEEK_CUR), 6);
}

// --- Fixed buffers ----------------------------------------------------------------

TEST_P(FileOpsTest, ReadFixedAndWriteFixed) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data");
  Pages mem(2 * 4096);
  char* out = mem.get();
  char* in = mem.get() + 4096;
  core::IoVec bufs[2] = {{out, 4096}, {in, 4096}};
  ASSERT_TRUE(register_buffers(ring, bufs, 2).ok());
  std::memcpy(out, "fixed buffers", 13);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write_fixed(s, f.get(), out, 13, 0, 0); }).res,
            13);
  // A slice in the middle of buffer 1 is fine too.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read_fixed(s, f.get(), in + 100, 13, 0, 1); })
                .res,
            13);
  EXPECT_EQ(std::string(in + 100, 13), "fixed buffers");
  EXPECT_EQ(PreadAll(f.get(), 64, 0), "fixed buffers");
  ASSERT_TRUE(unregister_buffers(ring).ok());
}

TEST_P(FileOpsTest, FixedBufferMisuseIsEfault) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data", "0123456789");
  Pages mem(2 * 4096);
  core::IoVec buf{mem.get(), 4096};
  ASSERT_TRUE(register_buffers(ring, &buf, 1).ok());
  // Outside the registered range...
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_read_fixed(s, f.get(), mem.get() + 4096, 8, 0, 0);
            }).res,
            -EFAULT);
  // ...and an index past the table.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_read_fixed(s, f.get(), mem.get(), 8, 0, 5); })
                .res,
            -EFAULT);
}

TEST_P(FileOpsTest, SparseBufferTableFilledByUpdate) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data");
  Pages mem(4096);
  ASSERT_TRUE(register_buffers_sparse(ring, 4).ok());
  std::memcpy(mem.get(), "sparse", 6);
  // Slot 1 is still empty.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write_fixed(s, f.get(), mem.get(), 6, 0, 1); })
                .res,
            -EFAULT);
  core::IoVec buf{mem.get(), 4096};
  core::Result<unsigned> updated = update_buffers(ring, 1, &buf, 1);
  ASSERT_TRUE(updated.ok()) << updated.error().name();
  EXPECT_EQ(*updated, 1u);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_write_fixed(s, f.get(), mem.get(), 6, 0, 1); })
                .res,
            6);
  EXPECT_EQ(PreadAll(f.get(), 16, 0), "sparse");
  // Past the end of the table.
  core::Result<unsigned> beyond = update_buffers(ring, 4, &buf, 1);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error(), core::err::inval);
}

TEST_P(FileOpsTest, ReadvFixedAndWritevFixed) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kReadvFixed) || !Supports(ring, abi::Op::kWritevFixed)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_READV_FIXED/WRITEV_FIXED (6.15)";
  }
  core::Fd f = CreateFile("data");
  Pages mem(4096);
  core::IoVec reg{mem.get(), 4096};
  ASSERT_TRUE(register_buffers(ring, &reg, 1).ok());
  char* base = mem.get();
  std::memcpy(base, "head", 4);
  std::memcpy(base + 1000, "tail", 4);
  // The iovecs hold addresses inside registered buffer 0.
  core::IoVec out[2] = {{base, 4}, {base + 1000, 4}};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_writev_fixed(s, f.get(), out, 2, 0, 0); }).res,
            8);
  EXPECT_EQ(PreadAll(f.get(), 16, 0), "headtail");
  core::IoVec in[2] = {{base + 2000, 3}, {base + 3000, 5}};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_readv_fixed(s, f.get(), in, 2, 0, 0); }).res,
            8);
  EXPECT_EQ(std::string(base + 2000, 3) + std::string(base + 3000, 5), "headtail");
}

// --- Fixed files and direct descriptors ---------------------------------------------

// Writes `text` through fixed-file slot `slot`; returns the CQE's result.
int WriteFixedFile(Ring& ring, int slot, const char* text) {
  return RunOne(ring, [&](abi::Sqe* s) {
           prep_write(s, slot, text, static_cast<uint32_t>(std::strlen(text)), kCur);
           set_fixed_file(s);
         }).res;
}

TEST_P(FileOpsTest, RegisteredFilesAreUsedByIndex) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data");
  Pipe p = MakePipe();
  int fds[2] = {f.get(), -1};
  ASSERT_TRUE(register_files(ring, fds, 2).ok());
  EXPECT_EQ(WriteFixedFile(ring, 0, "file"), 4);
  EXPECT_EQ(PreadAll(f.get(), 16, 0), "file");
  // Slot 1 is empty until updated.
  EXPECT_EQ(WriteFixedFile(ring, 1, "x"), -EBADF);
  int pipe_w = p.w.get();
  core::Result<unsigned> n = update_files(ring, 1, &pipe_w, 1);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(WriteFixedFile(ring, 1, "pipe"), 4);
  EXPECT_EQ(ReadAll(p.r.get(), 16), "pipe");
  // kRegisterFilesSkip leaves slot 0 alone while slot 1 is emptied.
  int change[2] = {abi::kRegisterFilesSkip, -1};
  n = update_files(ring, 0, change, 2);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(WriteFixedFile(ring, 0, "more"), 4);
  EXPECT_EQ(WriteFixedFile(ring, 1, "x"), -EBADF);
  // An index past the table.
  EXPECT_EQ(WriteFixedFile(ring, 2, "x"), -EBADF);
  ASSERT_TRUE(unregister_files(ring).ok());
}

// IORING_OP_FILES_UPDATE: the same update as a request.
TEST_P(FileOpsTest, FilesUpdateRequest) {
  Ring ring = MakeRing(GetParam());
  Pipe p = MakePipe();
  ASSERT_TRUE(register_files_sparse(ring, 4).ok());
  int fds[1] = {p.w.get()};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_files_update(s, fds, 1, 2); }).res, 1);
  EXPECT_EQ(WriteFixedFile(ring, 2, "upd"), 3);
  EXPECT_EQ(ReadAll(p.r.get(), 8), "upd");
  // With kFileIndexAlloc the kernel picks free slots and writes them back
  // into the array.
  int alloc[1] = {p.w.get()};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_files_update(s, alloc, 1, static_cast<int>(abi::kFileIndexAlloc));
            }).res,
            1);
  EXPECT_GE(alloc[0], 0);
  EXPECT_LT(alloc[0], 4);
  EXPECT_NE(alloc[0], 2);
  EXPECT_EQ(WriteFixedFile(ring, alloc[0], "alloc"), 5);
  EXPECT_EQ(ReadAll(p.r.get(), 8), "alloc");
}

TEST_P(FileOpsTest, OpenatDirectThenCloseDirect) {
  Ring ring = MakeRing(GetParam());
  ASSERT_TRUE(register_files_sparse(ring, 8).ok());
  std::string path = Path("direct");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_openat_direct(s, AT_FDCWD, path.c_str(), O_RDWR | O_CREAT, 0600, 3);
            }).res,
            0);
  EXPECT_EQ(WriteFixedFile(ring, 3, "direct"), 6);
  core::Fd check(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  EXPECT_EQ(ReadAll(check.get(), 16), "direct");
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_close_direct(s, 3); }).res, 0);
  EXPECT_EQ(WriteFixedFile(ring, 3, "x"), -EBADF);
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_close_direct(s, 3); }).res, -EBADF);
}

TEST_P(FileOpsTest, OpenatDirectAllocatesFromTheRange) {
  Ring ring = MakeRing(GetParam());
  ASSERT_TRUE(register_files_sparse(ring, 8).ok());
  ASSERT_TRUE(register_file_alloc_range(ring, 2, 2).ok());
  std::string path = Path("alloc");
  auto open_alloc = [&] {
    return RunOne(ring, [&](abi::Sqe* s) {
             prep_openat_direct(s, AT_FDCWD, path.c_str(), O_RDWR | O_CREAT, 0600,
                                abi::kFileIndexAlloc);
           }).res;
  };
  // The kernel returns the slot it chose: the range's slots in order, then
  // ENFILE when the range is full.
  EXPECT_EQ(open_alloc(), 2);
  EXPECT_EQ(open_alloc(), 3);
  EXPECT_EQ(open_alloc(), -ENFILE);
  EXPECT_EQ(WriteFixedFile(ring, 3, "ok"), 2);
  // A freed slot is reused.
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_close_direct(s, 2); }).res, 0);
  EXPECT_EQ(open_alloc(), 2);
  // A range outside the table is refused.
  core::Result<void> bad = register_file_alloc_range(ring, 6, 4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), core::err::inval);
}

TEST_P(FileOpsTest, FixedFdInstallGivesARegularFd) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kFixedFdInstall)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_FIXED_FD_INSTALL (6.8)";
  }
  Pipe p = MakePipe();
  int fds[1] = {p.w.get()};
  ASSERT_TRUE(register_files(ring, fds, 1).ok());
  int raw = RunOne(ring, [](abi::Sqe* s) { prep_fixed_fd_install(s, 0); }).res;
  ASSERT_GE(raw, 0);
  core::Fd installed(raw);
  EXPECT_NE(raw, p.w.get());
  EXPECT_EQ(::fcntl(raw, F_GETFD), FD_CLOEXEC);
  ASSERT_EQ(::write(raw, "inst", 4), 4);
  EXPECT_EQ(ReadAll(p.r.get(), 8), "inst");
  int raw2 = RunOne(ring, [](abi::Sqe* s) {
               prep_fixed_fd_install(s, 0, abi::kFixedFdNoCloexec);
             }).res;
  ASSERT_GE(raw2, 0);
  core::Fd installed2(raw2);
  EXPECT_EQ(::fcntl(raw2, F_GETFD), 0);
  // An empty slot.
  ASSERT_TRUE(unregister_files(ring).ok());
  ASSERT_TRUE(register_files_sparse(ring, 1).ok());
  EXPECT_EQ(RunOne(ring, [](abi::Sqe* s) { prep_fixed_fd_install(s, 0); }).res, -EBADF);
}

// --- Sync, allocate, truncate, advise -----------------------------------------------

TEST_P(FileOpsTest, FsyncAndFdatasync) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data", "durable");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_fsync(s, f.get()); }).res, 0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_fsync(s, f.get(), abi::kFsyncDatasync); })
                .res,
            0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_fsync(s, -1); }).res, -EBADF);
  // Unknown fsync flags are refused.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_fsync(s, f.get(), 0x80); }).res, -EINVAL);
}

TEST_P(FileOpsTest, SyncFileRange) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data", "0123456789");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_sync_file_range(s, f.get(), 10, 0,
                                   SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                       SYNC_FILE_RANGE_WAIT_AFTER);
            }).res,
            0);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_sync_file_range(s, f.get(), 10, 0, 0x40); })
                .res,
            -EINVAL);
}

TEST_P(FileOpsTest, FallocateGrowsOrKeepsTheSize) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data");
  if (::fallocate(f.get(), 0, 0, 1) != 0 && errno == EOPNOTSUPP) {
    GTEST_SKIP() << "the filesystem under TEST_TMPDIR has no fallocate";
  }
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_fallocate(s, f.get(), 0, 0, 8192); }).res,
            0);
  struct stat st;
  ASSERT_EQ(::fstat(f.get(), &st), 0);
  EXPECT_EQ(st.st_size, 8192);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_fallocate(s, f.get(), FALLOC_FL_KEEP_SIZE, 8192, 8192);
            }).res,
            0);
  ASSERT_EQ(::fstat(f.get(), &st), 0);
  EXPECT_EQ(st.st_size, 8192);
  EXPECT_GE(st.st_blocks * 512, 16384);
  Pipe p = MakePipe();
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_fallocate(s, p.w.get(), 0, 0, 10); }).res,
            -ESPIPE);
}

TEST_P(FileOpsTest, FtruncateSetsTheSize) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kFtruncate)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_FTRUNCATE (6.9)";
  }
  core::Fd f = CreateFile("data", "0123456789");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_ftruncate(s, f.get(), 4); }).res, 0);
  EXPECT_EQ(PreadAll(f.get(), 16, 0), "0123");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_ftruncate(s, f.get(), 100); }).res, 0);
  struct stat st;
  ASSERT_EQ(::fstat(f.get(), &st), 0);
  EXPECT_EQ(st.st_size, 100);
  Pipe p = MakePipe();
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_ftruncate(s, p.w.get(), 0); }).res, -EINVAL);
}

// --- Opening, closing, inspecting ------------------------------------------------------

TEST_P(FileOpsTest, OpenatThenClose) {
  Ring ring = MakeRing(GetParam());
  std::string path = Path("opened");
  int fd = RunOne(ring, [&](abi::Sqe* s) {
             prep_openat(s, AT_FDCWD, path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
           }).res;
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::fcntl(fd, F_GETFD), FD_CLOEXEC);
  EXPECT_EQ(::write(fd, "x", 1), 1);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_close(s, fd); }).res, 0);
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_close(s, fd); }).res, -EBADF);
  // Relative to a directory fd.
  core::Fd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(dir.valid());
  int rel = RunOne(ring, [&](abi::Sqe* s) {
              prep_openat(s, dir.get(), "opened", O_RDONLY | O_CLOEXEC, 0);
            }).res;
  ASSERT_GE(rel, 0);
  core::Fd owned(rel);
  EXPECT_EQ(ReadAll(rel, 4), "x");
  std::string missing = Path("missing");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_openat(s, AT_FDCWD, missing.c_str(), O_RDONLY, 0);
            }).res,
            -ENOENT);
}

TEST_P(FileOpsTest, Openat2HonoursResolveFlags) {
  Ring ring = MakeRing(GetParam());
  CreateFile("target", "t");
  ASSERT_EQ(::symlink("target", Path("link").c_str()), 0);
  std::string link = Path("link");
  core::OpenHow how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  int fd = RunOne(ring, [&](abi::Sqe* s) {
             prep_openat2(s, AT_FDCWD, link.c_str(), &how);
           }).res;
  ASSERT_GE(fd, 0);
  core::Fd owned(fd);
  EXPECT_EQ(ReadAll(fd, 4), "t");
  how.resolve = RESOLVE_NO_SYMLINKS;
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_openat2(s, AT_FDCWD, link.c_str(), &how); })
                .res,
            -ELOOP);
  // openat2 refuses a mode without O_CREAT.
  how.resolve = 0;
  how.mode = 0600;
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_openat2(s, AT_FDCWD, link.c_str(), &how); })
                .res,
            -EINVAL);
}

TEST_P(FileOpsTest, StatxReportsSizeAndType) {
  Ring ring = MakeRing(GetParam());
  CreateFile("data", "twelve bytes");
  std::string path = Path("data");
  core::Statx st{};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_statx(s, AT_FDCWD, path.c_str(), 0, STATX_SIZE | STATX_TYPE, &st);
            }).res,
            0);
  EXPECT_EQ(st.mask & (STATX_SIZE | STATX_TYPE), STATX_SIZE | STATX_TYPE);
  EXPECT_EQ(st.size, 12u);
  EXPECT_TRUE(S_ISREG(st.mode));
  core::Statx dir{};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_statx(s, AT_FDCWD, dir_.c_str(), 0, STATX_TYPE, &dir);
            }).res,
            0);
  EXPECT_TRUE(S_ISDIR(dir.mode));
  std::string missing = Path("missing");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_statx(s, AT_FDCWD, missing.c_str(), 0, STATX_SIZE, &st);
            }).res,
            -ENOENT);
}

TEST_P(FileOpsTest, RenameatMovesAndNoReplaceRefuses) {
  Ring ring = MakeRing(GetParam());
  CreateFile("a", "A");
  CreateFile("b", "B");
  std::string a = Path("a"), b = Path("b"), c = Path("c");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_renameat(s, AT_FDCWD, a.c_str(), AT_FDCWD, c.c_str(), 0);
            }).res,
            0);
  EXPECT_FALSE(Exists("a"));
  EXPECT_TRUE(Exists("c"));
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_renameat(s, AT_FDCWD, c.c_str(), AT_FDCWD, b.c_str(), RENAME_NOREPLACE);
            }).res,
            -EEXIST);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_renameat(s, AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), 0);
            }).res,
            -ENOENT);
}

TEST_P(FileOpsTest, UnlinkatRemovesFilesAndDirectories) {
  Ring ring = MakeRing(GetParam());
  CreateFile("f");
  ASSERT_EQ(::mkdir(Path("d").c_str(), 0700), 0);
  std::string f = Path("f"), d = Path("d");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_unlinkat(s, AT_FDCWD, f.c_str(), 0); }).res,
            0);
  EXPECT_FALSE(Exists("f"));
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_unlinkat(s, AT_FDCWD, f.c_str(), 0); }).res,
            -ENOENT);
  // A directory needs AT_REMOVEDIR.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_unlinkat(s, AT_FDCWD, d.c_str(), 0); }).res,
            -EISDIR);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_unlinkat(s, AT_FDCWD, d.c_str(), AT_REMOVEDIR);
            }).res,
            0);
  EXPECT_FALSE(Exists("d"));
}

TEST_P(FileOpsTest, MkdiratCreatesADirectory) {
  Ring ring = MakeRing(GetParam());
  std::string d = Path("newdir");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_mkdirat(s, AT_FDCWD, d.c_str(), 0750); }).res,
            0);
  struct stat st;
  ASSERT_EQ(::stat(d.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_mkdirat(s, AT_FDCWD, d.c_str(), 0750); }).res,
            -EEXIST);
  std::string deep = Path("no/such/parent");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_mkdirat(s, AT_FDCWD, deep.c_str(), 0750); })
                .res,
            -ENOENT);
}

TEST_P(FileOpsTest, SymlinkatCreatesALink) {
  Ring ring = MakeRing(GetParam());
  std::string l = Path("sym");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_symlinkat(s, "some/where", AT_FDCWD, l.c_str());
            }).res,
            0);
  char target[64] = {};
  ASSERT_EQ(::readlink(l.c_str(), target, sizeof target), 10);
  EXPECT_EQ(std::string(target, 10), "some/where");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_symlinkat(s, "elsewhere", AT_FDCWD, l.c_str());
            }).res,
            -EEXIST);
}

TEST_P(FileOpsTest, LinkatAddsAHardLink) {
  Ring ring = MakeRing(GetParam());
  CreateFile("orig", "shared");
  std::string o = Path("orig"), h = Path("hard");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_linkat(s, AT_FDCWD, o.c_str(), AT_FDCWD, h.c_str(), 0);
            }).res,
            0);
  struct stat a, b;
  ASSERT_EQ(::stat(o.c_str(), &a), 0);
  ASSERT_EQ(::stat(h.c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_nlink, 2u);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_linkat(s, AT_FDCWD, o.c_str(), AT_FDCWD, h.c_str(), 0);
            }).res,
            -EEXIST);
}

// --- Extended attributes ----------------------------------------------------------------

TEST_P(FileOpsTest, ExtendedAttributesByFdAndByPath) {
  Ring ring = MakeRing(GetParam());
  core::Fd f = CreateFile("data");
  if (::fsetxattr(f.get(), "user.probe", "p", 1, 0) != 0) {
    GTEST_SKIP() << "the filesystem under TEST_TMPDIR has no user xattrs: "
                 << std::strerror(errno);
  }
  std::string path = Path("data");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_fsetxattr(s, f.get(), "user.zring", "one", 0, 3);
            }).res,
            0);
  char value[16] = {};
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_fgetxattr(s, f.get(), "user.zring", value, sizeof value);
            }).res,
            3);
  EXPECT_EQ(std::string(value, 3), "one");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_setxattr(s, "user.zring", "second", path.c_str(), XATTR_REPLACE, 6);
            }).res,
            0);
  std::memset(value, 0, sizeof value);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_getxattr(s, "user.zring", value, path.c_str(), sizeof value);
            }).res,
            6);
  EXPECT_EQ(std::string(value, 6), "second");
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_getxattr(s, "user.absent", value, path.c_str(), sizeof value);
            }).res,
            -ENODATA);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_fsetxattr(s, f.get(), "user.zring", "x", XATTR_CREATE, 1);
            }).res,
            -EEXIST);
}

// --- Multishot read ----------------------------------------------------------------------

// One request, one CQE per chunk of data, each in a buffer the kernel took
// from the ring; end of file ends it.
TEST_P(FileOpsTest, ReadMultishotFromAPipe) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kReadMultishot)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_READ_MULTISHOT (6.7)";
  }
  Pipe p = MakePipe();
  core::Result<BufRing> group = BufRing::Create(ring, {.group = 5, .count = 4, .size = 64});
  ASSERT_TRUE(group.ok()) << group.error().name();
  abi::Sqe* sqe = ring.get_sqe();
  ASSERT_NE(sqe, nullptr);
  prep_read_multishot(sqe, p.r.get(), 0, 0, 5);
  set_user_data(sqe, 11);
  EXPECT_TRUE(Fence(ring).empty());
  const char* chunks[] = {"a", "bcd", "efghij", "k", "lm", "nop"};
  for (const char* chunk : chunks) {
    size_t len = std::strlen(chunk);
    ASSERT_EQ(::write(p.w.get(), chunk, len), static_cast<ssize_t>(len));
    abi::Cqe cqe = NextCqe(ring);
    EXPECT_EQ(cqe.user_data, 11u);
    ASSERT_EQ(cqe.res, static_cast<int>(len));
    ASSERT_TRUE(cqe_has_buffer(cqe));
    EXPECT_TRUE(cqe_more(cqe));
    uint16_t id = cqe_buffer_id(cqe);
    ASSERT_LT(id, 4);
    EXPECT_EQ(std::string(static_cast<char*>(group->buffer(id)), len), chunk);
    // Six reads through four buffers: each goes back after use.
    group->recycle(id);
  }
  ASSERT_TRUE(p.w.close().ok());
  abi::Cqe last = NextCqe(ring);
  EXPECT_EQ(last.user_data, 11u);
  EXPECT_EQ(last.res, 0);
  EXPECT_FALSE(cqe_more(last));
}

// Without buffers left in the group, the multishot read ends with ENOBUFS.
TEST_P(FileOpsTest, ReadMultishotEndsWhenBuffersRunOut) {
  Ring ring = MakeRing(GetParam());
  if (!Supports(ring, abi::Op::kReadMultishot)) {
    GTEST_SKIP() << "kernel lacks IORING_OP_READ_MULTISHOT (6.7)";
  }
  Pipe p = MakePipe();
  core::Result<BufRing> group = BufRing::Create(ring, {.group = 6, .count = 1, .size = 16});
  ASSERT_TRUE(group.ok()) << group.error().name();
  abi::Sqe* sqe = ring.get_sqe();
  ASSERT_NE(sqe, nullptr);
  prep_read_multishot(sqe, p.r.get(), 0, 0, 6);
  set_user_data(sqe, 12);
  EXPECT_TRUE(Fence(ring).empty());
  ASSERT_EQ(::write(p.w.get(), "first", 5), 5);
  abi::Cqe first = NextCqe(ring);
  EXPECT_EQ(first.res, 5);
  EXPECT_TRUE(cqe_more(first));
  ASSERT_EQ(::write(p.w.get(), "second", 6), 6);
  abi::Cqe second = NextCqe(ring);
  EXPECT_EQ(second.user_data, 12u);
  EXPECT_EQ(second.res, -ENOBUFS);
  EXPECT_FALSE(cqe_more(second));
  EXPECT_EQ(ReadAll(p.r.get(), 16), "second");
}

// --- Splice and tee -------------------------------------------------------------------------

TEST_P(FileOpsTest, SpliceFileToPipeAndBack) {
  Ring ring = MakeRing(GetParam());
  core::Fd src = CreateFile("src", "0123456789");
  core::Fd dst = CreateFile("dst");
  Pipe p = MakePipe();
  // File (from offset 2) into the pipe; -1 for the pipe side.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_splice(s, src.get(), 2, p.w.get(), -1, 5, 0);
            }).res,
            5);
  EXPECT_EQ(::lseek(src.get(), 0, SEEK_CUR), 10) << "an explicit offset moved the position";
  // Pipe into the other file at offset 20.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_splice(s, p.r.get(), -1, dst.get(), 20, 5, SPLICE_F_MOVE);
            }).res,
            5);
  EXPECT_EQ(PreadAll(dst.get(), 16, 20), "23456");
  // Offset -1 on the file side uses and advances its position.
  ASSERT_EQ(::lseek(src.get(), 7, SEEK_SET), 7);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_splice(s, src.get(), -1, p.w.get(), -1, 100, 0);
            }).res,
            3);
  EXPECT_EQ(::lseek(src.get(), 0, SEEK_CUR), 10);
  EXPECT_EQ(ReadAll(p.r.get(), 16), "789");
  // Neither side a pipe.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_splice(s, src.get(), 0, dst.get(), 0, 5, 0);
            }).res,
            -EINVAL);
  // An offset on the pipe side.
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_splice(s, src.get(), 0, p.w.get(), 0, 5, 0);
            }).res,
            -ESPIPE);
}

TEST_P(FileOpsTest, SpliceFromAFixedFile) {
  Ring ring = MakeRing(GetParam());
  core::Fd src = CreateFile("src", "fixedsrc");
  Pipe p = MakePipe();
  int fds[1] = {src.get()};
  ASSERT_TRUE(register_files(ring, fds, 1).ok());
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) {
              prep_splice(s, 0, 0, p.w.get(), -1, 8, abi::kSpliceFFdInFixed);
            }).res,
            8);
  EXPECT_EQ(ReadAll(p.r.get(), 16), "fixedsrc");
}

TEST_P(FileOpsTest, TeeDuplicatesWithoutConsuming) {
  Ring ring = MakeRing(GetParam());
  Pipe a = MakePipe();
  Pipe b = MakePipe();
  ASSERT_EQ(::write(a.w.get(), "teedata", 7), 7);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_tee(s, a.r.get(), b.w.get(), 64, 0); }).res,
            7);
  EXPECT_EQ(ReadAll(b.r.get(), 16), "teedata");
  EXPECT_EQ(ReadAll(a.r.get(), 16), "teedata");
  // tee needs two pipes.
  core::Fd f = CreateFile("data", "x");
  ASSERT_EQ(::write(a.w.get(), "z", 1), 1);
  EXPECT_EQ(RunOne(ring, [&](abi::Sqe* s) { prep_tee(s, a.r.get(), f.get(), 1, 0); }).res,
            -EINVAL);
}

// IORING_OP_PIPE (6.16): both fds come back through the array, close-on-
// exec when asked, and they form a working pipe.
TEST_P(FileOpsTest, PipeCreatesAConnectedPair) {
  Ring ring = MakeRing(GetParam());
  if (!testing::Supports(ring, abi::Op::kPipe)) {
    GTEST_SKIP() << "the probe says this kernel has no IORING_OP_PIPE (6.16+)";
  }
  int fds[2] = {-1, -1};
  abi::Cqe cqe = RunOne(ring, [&](abi::Sqe* s) { prep_pipe(s, fds, O_CLOEXEC); });
  ASSERT_EQ(cqe.res, 0);
  ASSERT_GE(fds[0], 0);
  ASSERT_GE(fds[1], 0);
  EXPECT_TRUE(::fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(::write(fds[1], "p", 1), 1);
  char c = 0;
  EXPECT_EQ(::read(fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'p');
  ::close(fds[0]);
  ::close(fds[1]);
  abi::Cqe bad = RunOne(ring, [&](abi::Sqe* s) { prep_pipe(s, fds, 0x1u << 30); });
  EXPECT_EQ(bad.res, -EINVAL);
}

INSTANTIATE_TEST_SUITE_P(Configs, FileOpsTest, ::testing::ValuesIn(kRingConfigs),
                         testing::ConfigName);

}  // namespace
}  // namespace zring::ring
