// UdpSocket on both backends: datagrams with addresses, connected use,
// batches of 32 each way, truncation, timeouts and errors.
#include "zring/net/udp_socket.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "zring/runtime/ops.h"

namespace zring::net {
namespace {

using namespace std::chrono_literals;

using UdpSocketTest = testing::BackendTest;

UdpSocket BindLoopback() {
  core::Result<UdpSocket> s = UdpSocket::bind(SocketAddress::Ipv4Loopback(0));
  EXPECT_TRUE(s.ok()) << s.error().name();
  return s ? std::move(*s) : UdpSocket();
}

SocketAddress LocalOf(const UdpSocket& s) {
  core::Result<SocketAddress> a = s.local_address();
  EXPECT_TRUE(a.ok());
  return a ? *a : SocketAddress();
}

TEST_P(UdpSocketTest, SendToAndRecvFromCarryTheAddresses) {
  UdpSocket a = BindLoopback(), b = BindLoopback();
  SocketAddress a_addr = LocalOf(a), b_addr = LocalOf(b);
  auto body = [&]() -> Task<std::string> {
    core::Result<size_t> sent = co_await a.send_to("ping", 4, b_addr);
    if (!sent || *sent != 4) co_return "send_to";
    char buf[16];
    core::Result<ReceivedDatagram> got = co_await b.recv_from(buf, sizeof buf);
    if (!got) co_return std::string("recv_from ") + got.error().name();
    if (!(got->from == a_addr)) co_return "from " + got->from.ToString();
    if (got->truncated) co_return "truncated";
    // And back to whoever sent it.
    if (!co_await b.send_to("pong", 4, got->from)) co_return "reply";
    char back[16];
    core::Result<ReceivedDatagram> reply = co_await a.recv_from(back, sizeof back);
    if (!reply || !(reply->from == b_addr)) co_return "reply from";
    co_return std::string(buf, got->length) + "/" + std::string(back, reply->length);
  };
  EXPECT_EQ(rt().block_on(body()), "ping/pong");
}

TEST_P(UdpSocketTest, Ipv6Loopback) {
  core::Result<UdpSocket> a = UdpSocket::bind(SocketAddress::Ipv6Loopback(0));
  if (!a && a.error() == core::err::addrnotavail) GTEST_SKIP() << "no IPv6 loopback";
  ASSERT_TRUE(a.ok()) << a.error().name();
  core::Result<UdpSocket> b = UdpSocket::bind(SocketAddress::Ipv6Loopback(0));
  ASSERT_TRUE(b.ok());
  SocketAddress b_addr = LocalOf(*b);
  auto body = [&]() -> Task<std::string> {
    if (!co_await a->send_to("six", 3, b_addr)) co_return "send_to";
    char buf[8];
    core::Result<ReceivedDatagram> got = co_await b->recv_from(buf, sizeof buf);
    if (!got) co_return "recv_from";
    co_return std::string(buf, got->length) + " " + got->from.ToString().substr(0, 5);
  };
  EXPECT_EQ(rt().block_on(body()), "six [::1]");
}

TEST_P(UdpSocketTest, ConnectedSendAndRecv) {
  UdpSocket a = BindLoopback(), b = BindLoopback();
  ASSERT_TRUE(a.connect(LocalOf(b)).ok());
  ASSERT_TRUE(b.connect(LocalOf(a)).ok());
  core::Result<SocketAddress> peer = a.peer_address();
  ASSERT_TRUE(peer.ok());
  EXPECT_EQ(*peer, LocalOf(b));
  auto body = [&]() -> Task<std::string> {
    if (!co_await a.send("hello", 5)) co_return "send";
    char buf[16];
    core::Result<size_t> n = co_await b.recv(buf, sizeof buf);
    if (!n) co_return "recv";
    co_return std::string(buf, *n);
  };
  EXPECT_EQ(rt().block_on(body()), "hello");
  // An empty address dissolves the association.
  ASSERT_TRUE(a.connect(SocketAddress()).ok());
  core::Result<SocketAddress> none = a.peer_address();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), core::err::notconn);
}

TEST_P(UdpSocketTest, SendmsgAndRecvmsgGatherAndScatter) {
  UdpSocket a = BindLoopback(), b = BindLoopback();
  ASSERT_TRUE(a.connect(LocalOf(b)).ok());
  auto body = [&]() -> Task<std::string> {
    char x[] = "gat", y[] = "her";
    core::IoVec out[2] = {{x, 3}, {y, 3}};
    core::MsgHdr m{};
    m.iov = out;
    m.iovlen = 2;
    if (!co_await a.sendmsg(&m)) co_return "sendmsg";
    char p[2], q[8];
    core::IoVec in[2] = {{p, 2}, {q, 8}};
    core::MsgHdr r{};
    r.iov = in;
    r.iovlen = 2;
    core::Result<size_t> n = co_await b.recvmsg(&r);
    if (!n || *n != 6) co_return "recvmsg";
    co_return std::string(p, 2) + "|" + std::string(q, 4);
  };
  EXPECT_EQ(rt().block_on(body()), "ga|ther");
}

// 32 datagrams of different lengths each way, every byte checked, in order.
TEST_P(UdpSocketTest, BatchesOf32EachWay) {
  constexpr size_t kCount = 32;
  UdpSocket a = BindLoopback(), b = BindLoopback();
  SocketAddress a_addr = LocalOf(a), b_addr = LocalOf(b);
  auto payload = [](char side, size_t i) {
    return std::string(1, side) + std::to_string(i) + std::string(i * 7, static_cast<char>('a' + i % 26));
  };
  auto body = [&]() -> Task<std::string> {
    for (char side : {'A', 'B'}) {
      const UdpSocket& from = side == 'A' ? a : b;
      const UdpSocket& to = side == 'A' ? b : a;
      const SocketAddress& to_addr = side == 'A' ? b_addr : a_addr;
      const SocketAddress& from_addr = side == 'A' ? a_addr : b_addr;
      std::vector<std::string> out(kCount);
      std::vector<Datagram> send(kCount);
      for (size_t i = 0; i < kCount; ++i) {
        out[i] = payload(side, i);
        send[i].data = out[i].data();
        send[i].size = out[i].size();
        send[i].address = to_addr;
      }
      core::Result<size_t> sent = co_await from.send_batch(send);
      if (!sent || *sent != kCount) co_return std::string("send_batch ") + side;
      for (size_t i = 0; i < kCount; ++i) {
        if (send[i].length != out[i].size()) co_return "sent length " + std::to_string(i);
      }
      // Loopback delivers while sending, so all 32 are queued by now and
      // one call takes them all.
      std::vector<std::vector<char>> in(kCount, std::vector<char>(512));
      std::vector<Datagram> recv(kCount);
      for (size_t i = 0; i < kCount; ++i) {
        recv[i].data = in[i].data();
        recv[i].size = in[i].size();
      }
      core::Result<size_t> got = co_await to.recv_batch(recv);
      if (!got) co_return std::string("recv_batch ") + got.error().name();
      if (*got != kCount) co_return "recv_batch got " + std::to_string(*got);
      for (size_t i = 0; i < kCount; ++i) {
        std::string body(static_cast<char*>(recv[i].data), recv[i].length);
        if (body != out[i]) co_return "datagram " + std::to_string(i) + " is " + body;
        if (!(recv[i].address == from_addr)) co_return "sender " + std::to_string(i);
        if (recv[i].truncated) co_return "truncated";
      }
    }
    co_return "ok";
  };
  EXPECT_EQ(rt().block_on(body()), "ok");
}

TEST_P(UdpSocketTest, RecvBatchWaitsForTheFirstDatagram) {
  UdpSocket a = BindLoopback(), b = BindLoopback();
  SocketAddress b_addr = LocalOf(b);
  auto body = [&]() -> Task<std::string> {
    char buf[4][16];
    Datagram slots[4];
    for (int i = 0; i < 4; ++i) slots[i] = Datagram{buf[i], sizeof buf[i]};
    auto receiver = rt().spawn(b.recv_batch(slots));
    co_await zring::yield();
    if (!co_await a.send_to("late", 4, b_addr)) co_return "send_to";
    core::Result<size_t> n = co_await receiver;
    if (!n || *n != 1) co_return "recv_batch";
    co_return std::string(buf[0], slots[0].length);
  };
  EXPECT_EQ(rt().block_on(body()), "late");
}

TEST_P(UdpSocketTest, ALongDatagramIsTruncated) {
  UdpSocket a = BindLoopback(), b = BindLoopback();
  SocketAddress b_addr = LocalOf(b);
  auto body = [&]() -> Task<std::string> {
    if (!co_await a.send_to("0123456789", 10, b_addr)) co_return "send_to";
    if (!co_await a.send_to("abcdefghij", 10, b_addr)) co_return "send_to";
    char buf[4];
    core::Result<ReceivedDatagram> d = co_await b.recv_from(buf, sizeof buf);
    if (!d || !d->truncated || d->length != 4) co_return "recv_from";
    char small[3];
    Datagram slot{small, sizeof small};
    core::Result<size_t> n = co_await b.recv_batch({&slot, 1});
    if (!n || *n != 1 || !slot.truncated || slot.length != 3) co_return "recv_batch";
    co_return std::string(buf, 4) + std::string(small, 3);
  };
  EXPECT_EQ(rt().block_on(body()), "0123abc");
}

TEST_P(UdpSocketTest, RecvFromTimesOut) {
  UdpSocket a = BindLoopback();
  auto body = [&]() -> Task<core::Result<ReceivedDatagram>> {
    char buf[8];
    co_return co_await a.recv_from(buf, sizeof buf).timeout(20ms);
  };
  core::Result<ReceivedDatagram> r = rt().block_on(body());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::timedout);
}

TEST_P(UdpSocketTest, CancelledRecvBatchEndsWithCanceled) {
  UdpSocket a = BindLoopback();
  auto body = [&]() -> Task<core::Result<size_t>> {
    char buf[8];
    Datagram slot{buf, sizeof buf};
    auto receiver = rt().spawn(a.recv_batch({&slot, 1}));
    co_await zring::yield();
    receiver.cancel();
    co_return co_await receiver;
  };
  core::Result<size_t> r = rt().block_on(body());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::canceled);
}

TEST_P(UdpSocketTest, ErrorsAreValues) {
  UdpSocket none;
  UdpSocket a = BindLoopback();
  // A port nobody listens on: the kernel answers a connected socket's
  // datagram with ICMP port unreachable, reported by the next receive.
  UdpSocket closed = BindLoopback();
  SocketAddress dead = LocalOf(closed);
  ASSERT_TRUE(closed.close().ok());
  ASSERT_TRUE(a.connect(dead).ok());
  auto body = [&]() -> Task<std::vector<core::Errno>> {
    std::vector<core::Errno> e;
    char buf[8];
    Datagram slot{buf, sizeof buf};
    e.push_back((co_await none.send_to("x", 1, dead)).error());
    e.push_back((co_await none.recv_from(buf, sizeof buf)).error());
    e.push_back((co_await none.send_batch({&slot, 1})).error());
    e.push_back((co_await none.recv_batch({&slot, 1})).error());
    (void)co_await a.send("x", 1);
    e.push_back((co_await a.recv(buf, sizeof buf)).error());
    co_return e;
  };
  std::vector<core::Errno> e = rt().block_on(body());
  ASSERT_EQ(e.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(e[i], core::err::badf) << i;
  EXPECT_EQ(e[4], core::err::connrefused);
  core::Result<UdpSocket> unix_bind = UdpSocket::bind(*SocketAddress::Unix("/tmp/x"));
  ASSERT_FALSE(unix_bind.ok());
  EXPECT_EQ(unix_bind.error(), core::err::afnosupport);
}

INSTANTIATE_TEST_SUITE_P(Backends, UdpSocketTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring::net
