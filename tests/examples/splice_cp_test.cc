// examples/splice_cp: the copy in-process on both backends, byte for byte,
// and the binary's output and exit codes.
#include "examples/splice_cp_lib.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/examples/run_binary.h"
#include "tests/runtime/backends.h"

namespace zring {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

std::vector<char> WriteRandomFile(const std::string& path, size_t size, mode_t mode) {
  std::mt19937 gen(static_cast<unsigned>(size));
  std::vector<char> bytes(size);
  for (char& c : bytes) c = static_cast<char>(gen());
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::fchmod(fd, mode);
  ::close(fd);
  return bytes;
}

std::vector<char> ReadFile(const std::string& path) {
  std::vector<char> out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  ::close(fd);
  return out;
}

class SpliceCpTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  void SetUp() override {
    if (testing::HostLacksSplice()) GTEST_SKIP() << testing::kNoSpliceReason;
  }
};

TEST_P(SpliceCpTest, CopiesByteForByteWithTheSourcesMode) {
  std::string src = TempPath("splice_cp_src"), dst = TempPath("splice_cp_dst");
  std::vector<char> bytes = WriteRandomFile(src, 3 * 1024 * 1024 + 7, 0640);
  WriteRandomFile(dst, 10 * 1024 * 1024, 0600);  // longer: must be truncated
  core::Result<examples::CopyReport> r = examples::SpliceCopy(src.c_str(), dst.c_str(), GetParam());
  ASSERT_TRUE(r.ok()) << r.error().name();
  EXPECT_EQ(r->bytes, bytes.size());
  EXPECT_TRUE(ReadFile(dst) == bytes);
  struct stat st;
  ASSERT_EQ(::stat(dst.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "an existing file keeps its mode";
  ::unlink(dst.c_str());
  r = examples::SpliceCopy(src.c_str(), dst.c_str(), GetParam());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(::stat(dst.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u) << "a new file takes the source's mode";
  ::unlink(src.c_str());
  ::unlink(dst.c_str());
}

TEST_P(SpliceCpTest, EmptyFile) {
  std::string src = TempPath("splice_cp_empty"), dst = TempPath("splice_cp_empty_dst");
  WriteRandomFile(src, 0, 0600);
  core::Result<examples::CopyReport> r = examples::SpliceCopy(src.c_str(), dst.c_str(), GetParam());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->bytes, 0u);
  EXPECT_TRUE(ReadFile(dst).empty());
}

TEST_P(SpliceCpTest, Errors) {
  std::string missing = TempPath("splice_cp_missing"), dst = TempPath("splice_cp_err_dst");
  const char* dir = std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp";
  EXPECT_EQ(examples::SpliceCopy(missing.c_str(), dst.c_str(), GetParam()).error(),
            core::err::noent);
  EXPECT_EQ(examples::SpliceCopy(dir, dst.c_str(), GetParam()).error(), core::err::inval);
  std::string src = TempPath("splice_cp_err_src");
  WriteRandomFile(src, 10, 0600);
  EXPECT_EQ(examples::SpliceCopy(src.c_str(), dir, GetParam()).error(), core::err::isdir);
}

INSTANTIATE_TEST_SUITE_P(Backends, SpliceCpTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

TEST(SpliceCpBinary, PrintsTheCountAndExitsZero) {
  std::string src = TempPath("splice_cp_bin_src"), dst = TempPath("splice_cp_bin_dst");
  std::vector<char> bytes = WriteRandomFile(src, 100000, 0600);
  testing::Child child(testing::RunfilePath("examples/splice_cp"), {src, dst});
  std::string line = child.ReadLine();
  EXPECT_EQ(child.Wait(), 0);
  EXPECT_EQ(line.rfind("splice_cp: 100000 bytes in ", 0), 0u) << line;
  EXPECT_TRUE(ReadFile(dst) == bytes);
}

TEST(SpliceCpBinary, ExitCodes) {
  std::string path = testing::RunfilePath("examples/splice_cp");
  {
    testing::Child child(path, {TempPath("splice_cp_nothing"), TempPath("splice_cp_x")});
    EXPECT_EQ(child.Wait(), 1);
  }
  {
    testing::Child child(path, {"only-one"});
    EXPECT_EQ(child.Wait(), 2);
  }
  {
    testing::Child child(path, {"--bogus", "a", "b"});
    EXPECT_EQ(child.Wait(), 2);
  }
}

}  // namespace
}  // namespace zring
