// RecvStream over TCP on both backends: every byte arrives in order through
// a buffer group far smaller than the data (the ENOBUFS path, again and
// again), the peer's close and reset reach the caller, and an idle stream
// holds no buffer.
#include "zring/net/recv_stream.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "tests/net/net_fixtures.h"
#include "tests/runtime/backends.h"
#include "zring/net/socket_options.h"
#include "zring/net/tcp_listener.h"
#include "zring/net/tcp_stream.h"
#include "zring/runtime/when.h"

namespace zring::testing {
namespace {

class RecvStreamTest : public BackendTest {};
INSTANTIATE_TEST_SUITE_P(Backends, RecvStreamTest, ::testing::ValuesIn(kBackends), BackendName);

struct Connection {
  net::TcpStream client, server;
};

Task<Connection> Connect(net::TcpListener& l) {
  auto client = co_await net::TcpStream::connect(*l.local_address());
  EXPECT_TRUE(client.ok());
  auto server = co_await l.accept();
  EXPECT_TRUE(server.ok());
  co_return Connection{client ? std::move(*client) : net::TcpStream(),
                       server ? std::move(*server) : net::TcpStream()};
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_P(RecvStreamTest, TwoSmallBuffersCarryAMebibyteInOrder) {
  net::TcpListener l = LoopbackListener();
  const std::string sent = RandomBytes((1 << 20) + 77, 7);
  uint64_t starts = 0;
  rt().block_on([&]() -> Task<> {
    Connection c = co_await Connect(l);
    auto group = BufferGroup::Create(3, 2, 4096);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    net::RecvStream in(c.server.fd(), **group);
    auto writer = [&]() -> Task<core::Result<void>> {
      auto w = co_await c.client.write_all(sent.data(), sent.size());
      (void)co_await c.client.shutdown(core::shut::wr);
      co_return w;
    };
    auto reader = [&]() -> Task<std::string> {
      std::string got;
      for (;;) {
        core::Result<Buffer> b = co_await in.next();
        EXPECT_TRUE(b.ok()) << b.error().name();
        if (!b || b->size() == 0) break;
        got.append(b->data(), b->size());
      }
      co_return got;
    };
    auto [w, got] = co_await when_all(writer(), reader());
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(got.size(), sent.size());
    EXPECT_TRUE(got == sent) << "bytes differ";
    starts = in.starts();
  }());
  if (GetParam() == BackendKind::kUring) {
    // 1 MiB through 8 KiB of buffers: the kernel ended the multishot
    // receive on ENOBUFS many times and the stream started it again.
    EXPECT_GT(starts, 1u);
    EXPECT_LT(starts, (1u << 20) / 4096);
  }
}

TEST_P(RecvStreamTest, PeerResetReachesTheReader) {
  net::TcpListener l = LoopbackListener();
  rt().block_on([&]() -> Task<> {
    Connection c = co_await Connect(l);
    auto group = BufferGroup::Create(4, 4, 1024);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    net::RecvStream in(c.server.fd(), **group);
    EXPECT_TRUE((co_await c.client.write_all("abc", 3)).ok());
    core::Result<Buffer> b = co_await in.next();
    EXPECT_TRUE(b.ok());
    if (b) {
      EXPECT_EQ(std::string(b->data(), b->size()), "abc");
    }
    EXPECT_TRUE(net::set_linger(c.client.fd(), std::chrono::seconds(0)).ok());
    (void)c.client.close();
    core::Result<Buffer> r = co_await in.next();
    EXPECT_FALSE(r.ok());
    if (!r) {
      EXPECT_EQ(r.error(), core::err::connreset);
    }
  }());
}

TEST_P(RecvStreamTest, MovedStreamKeepsReceiving) {
  net::TcpListener l = LoopbackListener();
  rt().block_on([&]() -> Task<> {
    Connection c = co_await Connect(l);
    auto group = BufferGroup::Create(5, 2, 64);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    net::RecvStream first(c.server.fd(), **group);
    EXPECT_TRUE((co_await c.client.write_all("one", 3)).ok());
    core::Result<Buffer> a = co_await first.next();
    EXPECT_TRUE(a.ok());
    net::RecvStream moved = std::move(first);
    EXPECT_TRUE((co_await c.client.write_all("two", 3)).ok());
    core::Result<Buffer> b = co_await moved.next();
    EXPECT_TRUE(b.ok());
    if (a && b) {
      EXPECT_EQ(std::string(a->data(), a->size()) + std::string(b->data(), b->size()), "onetwo");
    }
  }());
}

}  // namespace
}  // namespace zring::testing
