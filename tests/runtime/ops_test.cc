// The awaitables runtime_test.cc does not cover, each on both backends.
#include "zring/runtime/ops.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"

namespace zring {
namespace {

using ::zring::testing::SocketPair;

using OpsTest = testing::BackendTest;

TEST_P(OpsTest, WritevThenReadv) {
  SocketPair p;
  auto body = [&]() -> Task<std::string> {
    char h[] = "head-", t[] = "tail";
    core::IoVec out[2] = {{h, 5}, {t, 4}};
    auto w = co_await zring::writev(p.a, out, 2);
    if (!w || *w != 9) co_return "writev";
    char x[3], y[6];
    core::IoVec in[2] = {{x, 3}, {y, 6}};
    auto r = co_await zring::readv(p.b, in, 2);
    if (!r || *r != 9) co_return "readv";
    co_return std::string(x, 3) + "|" + std::string(y, 6);
  };
  EXPECT_EQ(rt().block_on(body()), "hea|d-tail");
}

TEST_P(OpsTest, FsyncOnAFileAndEbadfOnNone) {
  std::string path = std::string(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") +
                     "/zring_fsync_" + std::to_string(::getpid());
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  auto body = [&]() -> Task<std::pair<bool, core::Errno>> {
    auto ok = co_await zring::fsync(fd);
    auto bad = co_await zring::fsync(-1);
    co_return std::make_pair(ok.ok(), bad.error());
  };
  auto [ok, bad] = rt().block_on(body());
  EXPECT_TRUE(ok);
  EXPECT_EQ(bad, core::err::badf);
  ::close(fd);
  ::unlink(path.c_str());
}

TEST_P(OpsTest, SendmsgRecvmsg) {
  SocketPair p(SOCK_DGRAM);
  auto body = [&]() -> Task<std::string> {
    char a[] = "one", b[] = "two";
    core::IoVec out[2] = {{a, 3}, {b, 3}};
    core::MsgHdr m{};
    m.iov = out;
    m.iovlen = 2;
    auto s = co_await zring::sendmsg(p.a, &m);
    if (!s || *s != 6) co_return "sendmsg";
    char buf[16] = {};
    core::IoVec in{buf, sizeof buf};
    core::MsgHdr r{};
    r.iov = &in;
    r.iovlen = 1;
    auto n = co_await zring::recvmsg(p.b, &r);
    if (!n) co_return std::string("recvmsg ") + n.error().name();
    co_return std::string(buf, *n);
  };
  EXPECT_EQ(rt().block_on(body()), "onetwo");
}

TEST_P(OpsTest, SendZcCompletesAfterItsNotification) {
  // Zero-copy needs an inet socket; on AF_UNIX the kernel refuses it, and
  // the error must come back as a value after both of its CQEs.
  SocketPair p;
  auto body = [&]() -> Task<core::Result<size_t>> {
    co_return co_await zring::send_zc(p.a, "zc", 2);
  };
  core::Result<size_t> r = rt().block_on(body());
  if (GetParam() == BackendKind::kUring) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), core::err::opnotsupp);
  } else {
    ASSERT_TRUE(r.ok());  // a plain send on the poll backend
    EXPECT_EQ(*r, 2u);
  }
}

TEST_P(OpsTest, SpliceAndTeeThroughPipes) {
  if (testing::HostLacksSplice()) GTEST_SKIP() << testing::kNoSpliceReason;
  int p1[2], p2[2], p3[2];
  ASSERT_EQ(::pipe2(p1, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(p2, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(p3, O_CLOEXEC), 0);
  ASSERT_EQ(::write(p1[1], "spliced", 7), 7);
  auto body = [&]() -> Task<std::string> {
    auto s = co_await zring::splice(p1[0], -1, p2[1], -1, 7);
    if (!s || *s != 7) co_return "splice";
    auto t = co_await zring::tee(p2[0], p3[1], 7);
    if (!t || *t != 7) co_return "tee";
    char a[8] = {}, b[8] = {};
    (void)co_await zring::read(p2[0], a, 7);
    (void)co_await zring::read(p3[0], b, 7);
    co_return std::string(a) + "/" + b;
  };
  EXPECT_EQ(rt().block_on(body()), "spliced/spliced");
  for (int fd : {p1[0], p1[1], p2[0], p2[1], p3[0], p3[1]}) ::close(fd);
}

TEST_P(OpsTest, PollWaitsForReadiness) {
  SocketPair p;
  auto writer = [&]() -> Task<> {
    co_await yield();
    (void)co_await zring::send(p.b, "!", 1);
  };
  auto body = [&]() -> Task<uint32_t> {
    JoinHandle<void> w = rt().spawn(writer());
    auto r = co_await zring::poll(p.a, POLLIN);
    co_await w;
    co_return r ? *r : 0;
  };
  EXPECT_TRUE(rt().block_on(body()) & POLLIN);
}

TEST_P(OpsTest, ShutdownEndsThePeersStream) {
  SocketPair p;
  auto body = [&]() -> Task<int64_t> {
    auto s = co_await zring::shutdown(p.a, SHUT_WR);
    if (!s) co_return -1;
    char c;
    auto n = co_await zring::recv(p.b, &c, 1);
    co_return n ? static_cast<int64_t>(*n) : -2;
  };
  EXPECT_EQ(rt().block_on(body()), 0);
}

TEST_P(OpsTest, SleepUntilAndCancelledSleep) {
  auto body = [&]() -> Task<core::Errno> {
    auto ok = co_await zring::sleep_until(std::chrono::steady_clock::now() +
                                          std::chrono::milliseconds(1));
    EXPECT_TRUE(ok.ok());
    std::stop_source stop;
    stop.request_stop();
    std::stop_token token = stop.get_token();
    auto cancelled = co_await zring::sleep_for(std::chrono::hours(1)).cancel_on(token);
    co_return cancelled.error();
  };
  EXPECT_EQ(rt().block_on(body()), core::err::canceled);
}

INSTANTIATE_TEST_SUITE_P(Backends, OpsTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
