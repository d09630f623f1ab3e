// net/splice.h on both backends: send_file and copy_file byte for byte
// across several pipe-fulls, splice/tee/vmsplice waiting for their fds,
// the pipe cache, cancellation and the errors.
#include "zring/net/splice.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/ops.h"

namespace zring::net {
namespace {

using ::zring::testing::CountOpenFds;
using ::zring::testing::Pipe;
using ::zring::testing::SocketPair;

std::vector<char> RandomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::vector<char> out(n);
  for (char& c : out) c = static_cast<char>(gen());
  return out;
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name + "_" + std::to_string(::getpid());
}

// A file in TEST_TMPDIR with the given contents, removed at the end.
struct TempFile {
  std::string path;
  int fd = -1;
  TempFile(const std::string& name, const std::vector<char>& contents) : path(TempPath(name)) {
    fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0);
    size_t done = 0;
    while (done < contents.size()) {
      ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
      EXPECT_GT(n, 0);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
  }
  ~TempFile() {
    ::close(fd);
    ::unlink(path.c_str());
  }
  std::vector<char> Read() const {
    std::vector<char> out;
    char buf[65536];
    for (off_t at = 0;;) {
      ssize_t n = ::pread(fd, buf, sizeof buf, at);
      if (n <= 0) break;
      out.insert(out.end(), buf, buf + n);
      at += n;
    }
    return out;
  }
};

// Reads from `fd` until end of stream.
Task<std::vector<char>> ReadAll(int fd) {
  std::vector<char> out;
  char buf[65536];
  for (;;) {
    core::Result<size_t> n = co_await zring::recv(fd, buf, sizeof buf);
    if (!n || *n == 0) break;
    out.insert(out.end(), buf, buf + *n);
  }
  co_return out;
}

// A connected TCP pair on loopback, made with libc: the test needs a real
// TCP socket as send_file's output, not the net layer's stream class.
struct TcpPair {
  int client = -1, server = -1;
  TcpPair() {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listener, 1), 0);
    EXPECT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    EXPECT_GE(server, 0);
    ::close(listener);
  }
  ~TcpPair() {
    ::close(client);
    ::close(server);
  }
};

class SpliceTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    testing::BackendTest::SetUp();
    if (testing::HostLacksSplice()) GTEST_SKIP() << testing::kNoSpliceReason;
  }
};

// Two pipe-fulls and 13 bytes, from an offset that is not page-aligned.
constexpr size_t kBigSize = 2 * kSplicePipeBytes + 13;
constexpr int64_t kOffset = 4097;

TEST_P(SpliceTest, SendFileToUnixSocketIsByteExact) {
  std::vector<char> contents = RandomBytes(kOffset + kBigSize + 100, 1);
  TempFile file("send_file_unix", contents);
  SocketPair sockets;
  auto body = [&]() -> Task<std::pair<core::Result<size_t>, std::vector<char>>> {
    auto reader = rt().spawn(ReadAll(sockets.b));
    core::Result<size_t> sent = co_await send_file(file.fd, sockets.a, kOffset, kBigSize);
    ::shutdown(sockets.a, SHUT_WR);
    co_return std::make_pair(sent, co_await reader);
  };
  auto [sent, received] = rt().block_on(body());
  ASSERT_TRUE(sent.ok()) << sent.error().name();
  EXPECT_EQ(*sent, kBigSize);
  ASSERT_EQ(received.size(), kBigSize);
  EXPECT_TRUE(std::equal(received.begin(), received.end(), contents.begin() + kOffset));
}

TEST_P(SpliceTest, SendFileToTcpSocketIsByteExactAndStopsAtTheEndOfTheFile) {
  std::vector<char> contents = RandomBytes(kOffset + kBigSize, 2);
  TempFile file("send_file_tcp", contents);
  TcpPair tcp;
  auto body = [&]() -> Task<std::pair<core::Result<size_t>, std::vector<char>>> {
    auto reader = rt().spawn(ReadAll(tcp.server));
    // Asks for more than the file has: the count says where it ended.
    core::Result<size_t> sent = co_await send_file(file.fd, tcp.client, kOffset, kToEnd);
    ::shutdown(tcp.client, SHUT_WR);
    co_return std::make_pair(sent, co_await reader);
  };
  auto [sent, received] = rt().block_on(body());
  ASSERT_TRUE(sent.ok()) << sent.error().name();
  EXPECT_EQ(*sent, kBigSize);
  ASSERT_EQ(received.size(), kBigSize);
  EXPECT_TRUE(std::equal(received.begin(), received.end(), contents.begin() + kOffset));
  // The file's own position was not used, so it is where writing left it.
  EXPECT_EQ(::lseek(file.fd, 0, SEEK_CUR), static_cast<off_t>(contents.size()));
}

TEST_P(SpliceTest, CopyFileWholeAndARange) {
  std::vector<char> contents = RandomBytes(kBigSize, 3);
  TempFile in("copy_in", contents);
  TempFile out("copy_out", {});
  TempFile part("copy_part", std::vector<char>(10, 'x'));
  auto body = [&]() -> Task<std::pair<core::Result<size_t>, core::Result<size_t>>> {
    core::Result<size_t> whole = co_await copy_file(in.fd, out.fd);
    core::Result<size_t> range = co_await copy_file(in.fd, part.fd, 1000, 5, 70000);
    co_return std::make_pair(whole, range);
  };
  auto [whole, range] = rt().block_on(body());
  ASSERT_TRUE(whole.ok()) << whole.error().name();
  EXPECT_EQ(*whole, contents.size());
  EXPECT_TRUE(out.Read() == contents);
  ASSERT_TRUE(range.ok()) << range.error().name();
  EXPECT_EQ(*range, 70000u);
  std::vector<char> expect(5, 'x');
  expect.insert(expect.end(), contents.begin() + 1000, contents.begin() + 71000);
  EXPECT_TRUE(part.Read() == expect);
}

TEST_P(SpliceTest, CopyFileToAPipeAtItsOwnPosition) {
  std::vector<char> contents = RandomBytes(300000, 4);
  TempFile in("copy_to_pipe", contents);
  Pipe pipe;
  auto body = [&]() -> Task<std::pair<core::Result<size_t>, std::vector<char>>> {
    auto reader = rt().spawn([](int fd) -> Task<std::vector<char>> {
      std::vector<char> out;
      char buf[65536];
      for (;;) {
        core::Result<size_t> n = co_await zring::read(fd, buf, sizeof buf);
        if (!n || *n == 0) break;
        out.insert(out.end(), buf, buf + *n);
      }
      co_return out;
    }(pipe.r));
    core::Result<size_t> copied = co_await copy_file(in.fd, pipe.w, 0, -1);
    ::close(pipe.w);
    pipe.w = -1;
    co_return std::make_pair(copied, co_await reader);
  };
  auto [copied, received] = rt().block_on(body());
  ASSERT_TRUE(copied.ok()) << copied.error().name();
  EXPECT_EQ(*copied, contents.size());
  EXPECT_TRUE(received == contents);
}

TEST_P(SpliceTest, SpliceWaitsForItsInput) {
  SocketPair sockets;
  Pipe pipe;
  auto body = [&]() -> Task<std::string> {
    // The socket is empty when the splice starts: it must wait, not fail
    // with EAGAIN and not block the thread the writer runs on.
    auto splicer = rt().spawn(net::splice(sockets.b, -1, pipe.w, -1, 100));
    co_await zring::yield();
    core::Result<size_t> w = co_await zring::send(sockets.a, "spliced", 7);
    if (!w) co_return "send";
    core::Result<size_t> moved = co_await splicer;
    if (!moved) co_return std::string("splice ") + moved.error().name();
    char buf[16] = {};
    core::Result<size_t> n = co_await zring::read(pipe.r, buf, sizeof buf);
    if (!n) co_return "read";
    co_return std::to_string(*moved) + ":" + std::string(buf, *n);
  };
  EXPECT_EQ(rt().block_on(body()), "7:spliced");
}

// Nothing ever arrives: cancelling must end the wait (on io_uring, a
// splice blocked in a kernel worker; on the poll backend, a readiness wait).
TEST_P(SpliceTest, CancelledSpliceEnds) {
  SocketPair sockets;
  Pipe pipe;
  auto body = [&]() -> Task<core::Result<size_t>> {
    auto splicer = rt().spawn(net::splice(sockets.b, -1, pipe.w, -1, 100));
    // Two trips through the kernel, so the splice has been submitted and
    // is waiting there when the cancel comes (it must end either way).
    (void)co_await zring::nop();
    (void)co_await zring::nop();
    splicer.cancel();
    co_return co_await splicer;
  };
  core::Result<size_t> r = rt().block_on(body());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::canceled) << r.error().name();
}

TEST_P(SpliceTest, TeeCopiesWithoutConsuming) {
  Pipe a, b;
  ASSERT_EQ(::write(a.w, "teed", 4), 4);
  auto body = [&]() -> Task<core::Result<size_t>> { co_return co_await net::tee(a.r, b.w, 64); };
  core::Result<size_t> n = rt().block_on(body());
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 4u);
  char x[8] = {}, y[8] = {};
  EXPECT_EQ(::read(a.r, x, sizeof x), 4);
  EXPECT_EQ(::read(b.r, y, sizeof y), 4);
  EXPECT_EQ(std::string(x), "teed");
  EXPECT_EQ(std::string(y), "teed");
}

TEST_P(SpliceTest, TeeOnANonPipeIsEinval) {
  Pipe a;
  SocketPair s;
  ASSERT_EQ(::write(a.w, "x", 1), 1);
  auto body = [&]() -> Task<core::Result<size_t>> { co_return co_await net::tee(a.r, s.a, 1); };
  core::Result<size_t> n = rt().block_on(body());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), core::err::inval);
}

TEST_P(SpliceTest, VmspliceIntoAndOutOfAPipe) {
  Pipe pipe;
  auto body = [&]() -> Task<std::string> {
    char a[] = "vm", b[] = "splice";
    core::IoVec in[2] = {{a, 2}, {b, 6}};
    core::Result<size_t> put = co_await net::vmsplice(pipe.w, in);
    if (!put || *put != 8) co_return "into";
    char x[3] = {}, y[5] = {};
    core::IoVec out[2] = {{x, 3}, {y, 5}};
    core::Result<size_t> got = co_await net::vmsplice(pipe.r, out);
    if (!got) co_return std::string("out of ") + got.error().name();
    co_return std::to_string(*got) + ":" + std::string(x, 3) + "|" + std::string(y, 5);
  };
  EXPECT_EQ(rt().block_on(body()), "8:vms|plice");
}

TEST_P(SpliceTest, VmspliceIntoAFullPipeWaitsForTheReader) {
  Pipe pipe;
  ASSERT_EQ(::fcntl(pipe.w, F_SETPIPE_SZ, 4096), 4096);
  std::vector<char> data = RandomBytes(100000, 5);
  auto body = [&]() -> Task<std::vector<char>> {
    auto reader = rt().spawn([](int fd, size_t want) -> Task<std::vector<char>> {
      std::vector<char> out;
      char buf[4096];
      while (out.size() < want) {
        core::Result<size_t> n = co_await zring::read(fd, buf, sizeof buf);
        if (!n || *n == 0) break;
        out.insert(out.end(), buf, buf + *n);
      }
      co_return out;
    }(pipe.r, data.size()));
    size_t done = 0;
    while (done < data.size()) {
      core::IoVec v{data.data() + done, data.size() - done};
      core::Result<size_t> n = co_await net::vmsplice(pipe.w, {&v, 1});
      if (!n || *n == 0) break;
      done += *n;
    }
    co_return co_await reader;
  };
  EXPECT_TRUE(rt().block_on(body()) == data);
}

TEST_P(SpliceTest, BadFdsAreEbadf) {
  Pipe pipe;
  SocketPair sockets;
  std::vector<char> contents = RandomBytes(10, 6);
  TempFile file("badf", contents);
  int closed = ::dup(pipe.r);
  ASSERT_GE(closed, 0);
  ::close(closed);
  auto body = [&]() -> Task<std::vector<core::Result<size_t>>> {
    std::vector<core::Result<size_t>> r;
    r.push_back(co_await net::splice(closed, -1, pipe.w, -1, 10));
    r.push_back(co_await net::splice(pipe.r, -1, closed, -1, 10));
    r.push_back(co_await net::tee(closed, pipe.w, 10));
    core::IoVec v{contents.data(), contents.size()};
    r.push_back(co_await net::vmsplice(closed, {&v, 1}));
    r.push_back(co_await send_file(closed, sockets.a, 0, 10));
    r.push_back(co_await send_file(file.fd, closed, 0, 10));
    r.push_back(co_await copy_file(closed, file.fd));
    r.push_back(co_await copy_file(file.fd, closed));
    co_return r;
  };
  std::vector<core::Result<size_t>> results = rt().block_on(body());
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_FALSE(results[i].ok()) << "call " << i;
    EXPECT_EQ(results[i].error(), core::err::badf) << "call " << i;
  }
}

TEST_P(SpliceTest, SendFileNeedsAFileAndASocket) {
  Pipe pipe;
  SocketPair sockets;
  TempFile file("kinds", RandomBytes(10, 7));
  TempFile other("kinds_other", {});
  auto body = [&]() -> Task<std::vector<core::Result<size_t>>> {
    std::vector<core::Result<size_t>> r;
    r.push_back(co_await send_file(pipe.r, sockets.a, 0, 10));     // not a file
    r.push_back(co_await send_file(sockets.b, sockets.a, 0, 10));  // not a file
    r.push_back(co_await send_file(file.fd, other.fd, 0, 10));     // not a socket
    r.push_back(co_await send_file(file.fd, pipe.w, 0, 10));       // not a socket
    r.push_back(co_await send_file(file.fd, sockets.a, -1, 10));   // no position
    r.push_back(co_await copy_file(pipe.r, file.fd));              // not a file
    co_return r;
  };
  std::vector<core::Result<size_t>> r = rt().block_on(body());
  const core::Errno expected[] = {core::err::inval,   core::err::inval,
                                  core::err::notsock, core::err::notsock,
                                  core::err::inval,   core::err::inval};
  ASSERT_EQ(r.size(), std::size(expected));
  for (size_t i = 0; i < r.size(); ++i) {
    ASSERT_FALSE(r[i].ok()) << "call " << i;
    EXPECT_EQ(r[i].error(), expected[i]) << "call " << i << ": " << r[i].error().name();
  }
}

TEST_P(SpliceTest, SendFilePastTheEndSendsNothing) {
  TempFile file("past_end", RandomBytes(100, 8));
  SocketPair sockets;
  auto body = [&]() -> Task<core::Result<size_t>> {
    co_return co_await send_file(file.fd, sockets.a, 100, 50);
  };
  core::Result<size_t> n = rt().block_on(body());
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(*n, 0u);
}

TEST_P(SpliceTest, PipesAreReusedAndNotLeaked) {
  drop_cached_pipes();
  int before = CountOpenFds();
  TempFile file("reuse", RandomBytes(200000, 9));
  TempFile out("reuse_out", {});
  auto body = [&]() -> Task<bool> {
    for (int i = 0; i < 5; ++i) {
      core::Result<size_t> n = co_await copy_file(file.fd, out.fd);
      if (!n || *n != 200000) co_return false;
      if (cached_pipes() != 1) co_return false;
    }
    co_return true;
  };
  EXPECT_TRUE(rt().block_on(body()));
  EXPECT_EQ(CountOpenFds(), before + 2 + 2);  // two files, one cached pipe
  drop_cached_pipes();
  EXPECT_EQ(CountOpenFds(), before + 2);
}

TEST_P(SpliceTest, CancelledSendFileClosesItsPipe) {
  drop_cached_pipes();
  TempFile file("cancel", RandomBytes(kBigSize, 10));
  int before = CountOpenFds();
  core::Result<size_t> result = core::err::inval;
  {
    SocketPair sockets;  // nobody reads: the transfer cannot finish
    auto body = [&]() -> Task<core::Result<size_t>> {
      auto sender = rt().spawn(send_file(file.fd, sockets.a, 0, kBigSize));
      co_await zring::yield();
      sender.cancel();
      co_return co_await sender;
    };
    result = rt().block_on(body());
  }
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), core::err::canceled);
  EXPECT_EQ(cached_pipes(), 0u);
  EXPECT_EQ(CountOpenFds(), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, SpliceTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring::net
