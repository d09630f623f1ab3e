// The shared socket options: each set, read back, and refused on what is
// not a socket.
#include "zring/net/socket_options.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/net/net_fixtures.h"
#include "zring/core/fd.h"
#include "zring/core/socket.h"

namespace zring {
namespace {

using namespace std::chrono_literals;

core::Fd TcpSocket(int domain = core::af::inet) {
  core::Result<int> raw = core::socket(domain, core::sock::stream | core::sock::cloexec);
  EXPECT_TRUE(raw.ok());
  return core::Fd(raw.value_or(-1));
}

TEST(SocketOptionsTest, FlagsRoundTrip) {
  core::Fd s = TcpSocket();
  for (bool on : {true, false, true}) {
    ASSERT_TRUE(net::set_nodelay(s.get(), on).ok());
    EXPECT_EQ(net::nodelay(s.get()).value_or(!on), on);
    ASSERT_TRUE(net::set_keepalive(s.get(), on).ok());
    EXPECT_EQ(net::keepalive(s.get()).value_or(!on), on);
    ASSERT_TRUE(net::set_reuse_address(s.get(), on).ok());
    EXPECT_EQ(net::reuse_address(s.get()).value_or(!on), on);
    ASSERT_TRUE(net::set_reuse_port(s.get(), on).ok());
    EXPECT_EQ(net::reuse_port(s.get()).value_or(!on), on);
  }
}

TEST(SocketOptionsTest, BufferSizesAreWhatTheKernelMakesOfThem) {
  core::Fd s = TcpSocket();
  // Linux doubles the value it is given (room for its bookkeeping).
  ASSERT_TRUE(net::set_recv_buffer_size(s.get(), 32768).ok());
  EXPECT_EQ(net::recv_buffer_size(s.get()).value_or(0), 65536);
  ASSERT_TRUE(net::set_send_buffer_size(s.get(), 32768).ok());
  EXPECT_EQ(net::send_buffer_size(s.get()).value_or(0), 65536);
}

TEST(SocketOptionsTest, LingerOnOffAndZero) {
  core::Fd s = TcpSocket();
  auto off = net::linger(s.get());
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->has_value());
  ASSERT_TRUE(net::set_linger(s.get(), 0s).ok());
  auto zero = net::linger(s.get());
  ASSERT_TRUE(zero.ok() && zero->has_value());
  EXPECT_EQ(**zero, 0s);
  ASSERT_TRUE(net::set_linger(s.get(), 5s).ok());
  EXPECT_EQ(net::linger(s.get())->value_or(0s), 5s);
  ASSERT_TRUE(net::set_linger(s.get(), std::nullopt).ok());
  EXPECT_FALSE(net::linger(s.get())->has_value());
}

TEST(SocketOptionsTest, AddressesOfABoundAndAnUnconnectedSocket) {
  for (net::SocketAddress at : {net::SocketAddress::Ipv4Loopback(0), net::SocketAddress::Ipv6Loopback(0)}) {
    core::Fd s = TcpSocket(at.domain());
    auto bound = core::bind(s.get(), at.data(), at.size());
    if (!bound && at.family() == net::SocketAddress::Family::kIpv6) GTEST_SKIP() << "no IPv6";
    ASSERT_TRUE(bound.ok()) << bound.error().name();
    auto local = net::local_address(s.get());
    ASSERT_TRUE(local.ok());
    EXPECT_EQ(local->family(), at.family());
    EXPECT_NE(local->port(), 0);
    net::SocketAddress same = at;
    same.set_port(local->port());
    EXPECT_TRUE(*local == same) << local->ToString();
    auto peer = net::peer_address(s.get());
    ASSERT_FALSE(peer.ok());
    EXPECT_EQ(peer.error(), core::err::notconn);
  }
}

TEST(SocketOptionsTest, SocketErrorIsOkWhenNothingIsPending) {
  core::Fd s = TcpSocket();
  EXPECT_TRUE(net::socket_error(s.get()).ok());
}

TEST(SocketOptionsTest, NotASocketAndNoFd) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  core::Fd r(fds[0]), w(fds[1]);
  EXPECT_EQ(net::set_nodelay(r.get(), true).error(), core::err::notsock);
  EXPECT_EQ(net::local_address(r.get()).error(), core::err::notsock);
  EXPECT_EQ(net::recv_buffer_size(-1).error(), core::err::badf);
  EXPECT_EQ(net::peer_address(-1).error(), core::err::badf);
}

}  // namespace
}  // namespace zring
