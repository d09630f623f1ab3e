// TcpStream on both backends: many concurrent echo clients, short writes,
// resets, refused and timed-out connects, early end of stream, addresses.
#include "zring/net/tcp_stream.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/net/net_fixtures.h"
#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/core/socket.h"
#include "zring/net/socket_options.h"
#include "zring/net/tcp_listener.h"
#include "zring/runtime/when.h"

namespace zring {
namespace {

using net::SocketAddress;
using net::TcpListener;
using net::TcpStream;
using testing::AddressOf;
using testing::LoopbackListener;
using testing::ScopedFdLimit;
using namespace std::chrono_literals;

using TcpStreamTest = testing::BackendTest;

// FNV-1a, enough to notice a lost, duplicated or reordered byte.
uint64_t Checksum(const uint8_t* p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// Reads until end of stream, in reads of at most `chunk` bytes.
Task<core::Result<std::vector<uint8_t>>> ReadToEnd(const TcpStream& s, size_t chunk) {
  std::vector<uint8_t> out;
  std::vector<uint8_t> buf(chunk);
  for (;;) {
    core::Result<size_t> n = co_await s.read(buf.data(), buf.size());
    if (!n) co_return n.error();
    if (*n == 0) co_return out;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<long>(*n));
  }
}

Task<> Echo(TcpStream s) {
  std::vector<uint8_t> buf(16384);
  for (;;) {
    core::Result<size_t> n = co_await s.read(buf.data(), buf.size());
    if (!n || *n == 0) break;
    if (!co_await s.write_all(buf.data(), *n)) break;
  }
}

Task<int> AcceptAndEcho(const TcpListener& l, int count) {
  int errors = 0;
  net::Incoming incoming = l.incoming();
  for (int i = 0; i < count; ++i) {
    core::Result<TcpStream> s = co_await incoming.next();
    if (!s) {
      ++errors;
      continue;
    }
    (void)Runtime::current()->spawn(Echo(std::move(*s)));  // detached
  }
  co_return errors;
}

Task<core::Result<void>> WriteAllThenShutdown(const TcpStream& s, const std::vector<uint8_t>& data) {
  if (auto w = co_await s.write_all(data.data(), data.size()); !w) co_return w.error();
  co_return co_await s.shutdown(core::shut::wr);
}

// One client: a random size of random bytes out, the same back.
Task<std::string> EchoClient(SocketAddress to, uint32_t seed) {
  std::mt19937 rng(seed);
  size_t size = 1 + rng() % 65536;
  std::vector<uint8_t> data = RandomBytes(size, seed);
  core::Result<TcpStream> s = co_await TcpStream::connect(to);
  if (!s) co_return std::string("connect: ") + s.error().name();
  auto [sent, echoed] = co_await when_all(WriteAllThenShutdown(*s, data), ReadToEnd(*s, 4096));
  if (!sent) co_return std::string("write: ") + sent.error().name();
  if (!echoed) co_return std::string("read: ") + echoed.error().name();
  if (echoed->size() != size) {
    co_return "size " + std::to_string(echoed->size()) + " != " + std::to_string(size);
  }
  if (Checksum(echoed->data(), size) != Checksum(data.data(), size) || *echoed != data) {
    co_return "checksum";
  }
  co_return std::string();
}

TEST_P(TcpStreamTest, AThousandConcurrentEchoClientsLoseNothing) {
  constexpr int kClients = 1000;
  ScopedFdLimit limit(4 * kClients + 256);  // both ends of each, and slack
  ASSERT_GE(limit.applied(), rlim_t{2 * kClients + 64});
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  auto body = [&]() -> Task<std::vector<std::string>> {
    JoinHandle<int> server = Runtime::current()->spawn(AcceptAndEcho(l, kClients));
    std::vector<Task<std::string>> clients;
    for (int i = 0; i < kClients; ++i) clients.push_back(EchoClient(to, 1000u + static_cast<uint32_t>(i)));
    std::vector<std::string> results = co_await when_all(std::move(clients));
    int accept_errors = co_await server;
    if (accept_errors != 0) results.push_back("accept errors: " + std::to_string(accept_errors));
    co_return results;
  };
  std::vector<std::string> results = rt().block_on(body());
  int failed = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].empty()) {
      if (++failed <= 5) ADD_FAILURE() << "client " << i << ": " << results[i];
    }
  }
  EXPECT_EQ(failed, 0);
}

Task<core::Result<void>> SlowSmallReads(const TcpStream& s, std::vector<uint8_t>* got, size_t want) {
  uint8_t buf[700];
  while (got->size() < want) {
    core::Result<size_t> n = co_await s.read(buf, sizeof buf);
    if (!n) co_return n.error();
    if (*n == 0) co_return net::kUnexpectedEof;
    got->insert(got->end(), buf, buf + *n);
    co_await zring::yield();  // let the writer find the buffers full again
  }
  co_return core::Ok();
}

TEST_P(TcpStreamTest, WriteAllSurvivesShortWritesToASlowReader) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  std::vector<uint8_t> big = RandomBytes(2 << 20, 7);
  std::vector<uint8_t> got;
  size_t first_write = 0;
  auto body = [&]() -> Task<std::string> {
    auto client = co_await TcpStream::connect(to);
    if (!client) co_return std::string("connect ") + client.error().name();
    auto server = co_await l.accept();
    if (!server) co_return std::string("accept ") + server.error().name();
    // Buffers far smaller than the data on both sides. (Much smaller ones
    // make TCP itself crawl: a window of a few KiB waits for delayed ACKs.)
    if (!client->set_send_buffer_size(16384) || !server->set_recv_buffer_size(65536)) {
      co_return "options";
    }
    // One send of 2 MiB cannot fit in the buffers: the kernel takes part.
    auto n = co_await client->write(big.data(), big.size());
    if (!n) co_return std::string("write ") + n.error().name();
    first_write = *n;
    got.reserve(big.size());
    auto [w, r] = co_await when_all(client->write_all(big.data() + *n, big.size() - *n),
                                    SlowSmallReads(*server, &got, big.size()));
    if (!w) co_return std::string("write_all ") + w.error().name();
    if (!r) co_return std::string("reads ") + r.error().name();
    co_return std::string();
  };
  EXPECT_EQ(rt().block_on(body()), "");
  EXPECT_GT(first_write, 0u);
  EXPECT_LT(first_write, big.size());
  ASSERT_EQ(got.size(), big.size());
  EXPECT_TRUE(got == big);
}

TEST_P(TcpStreamTest, WriteAllOfIovecsSkipsEmptyOnesAndKeepsOrder) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  std::vector<uint8_t> a = RandomBytes(1 << 20, 1), b = RandomBytes(3, 2), c = RandomBytes(700000, 3);
  std::vector<uint8_t> want = a;
  want.insert(want.end(), b.begin(), b.end());
  want.insert(want.end(), c.begin(), c.end());
  std::vector<uint8_t> got;
  auto body = [&]() -> Task<std::string> {
    auto client = co_await TcpStream::connect(to);
    auto server = co_await l.accept();
    if (!client || !server) co_return "connect";
    (void)client->set_send_buffer_size(4096);
    core::IoVec iov[5] = {{nullptr, 0}, {a.data(), a.size()}, {b.data(), b.size()},
                          {nullptr, 0}, {c.data(), c.size()}};
    auto writer = [&]() -> Task<core::Result<void>> {
      if (auto w = co_await client->write_all(iov, 5); !w) co_return w;
      co_return co_await client->shutdown(core::shut::wr);
    };
    auto [w, r] = co_await when_all(writer(), ReadToEnd(*server, 1000));
    if (!w) co_return std::string("write_all ") + w.error().name();
    if (!r) co_return std::string("read ") + r.error().name();
    got = std::move(*r);
    co_return std::string();
  };
  EXPECT_EQ(rt().block_on(body()), "");
  ASSERT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want);
}

TEST_P(TcpStreamTest, ReadvAndWritevMoveOneBatchEach) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  auto body = [&]() -> Task<std::string> {
    auto client = co_await TcpStream::connect(to);
    auto server = co_await l.accept();
    if (!client || !server) co_return "connect";
    char h[] = "head-", t[] = "tail";
    core::IoVec out[2] = {{h, 5}, {t, 4}};
    auto w = co_await client->writev(out, 2);
    if (!w || *w != 9) co_return "writev";
    char x[3], y[6];
    core::IoVec in[2] = {{x, 3}, {y, 6}};
    if (auto r = co_await server->read_exact(x, 0); !r) co_return "empty read_exact";
    auto r = co_await server->readv(in, 2);
    if (!r) co_return std::string("readv ") + r.error().name();
    size_t have = *r;
    while (have < 9) {  // TCP may split it; finish with plain reads
      char* at = have < 3 ? x + have : y + (have - 3);
      size_t room = have < 3 ? 3 - have : 9 - have;
      auto more = co_await server->read(at, room);
      if (!more || *more == 0) co_return "read";
      have += *more;
    }
    co_return std::string(x, 3) + "|" + std::string(y, 6);
  };
  EXPECT_EQ(rt().block_on(body()), "hea|d-tail");
}

TEST_P(TcpStreamTest, TimeoutsOnReadAndWritevGiveEtimedout) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  std::vector<uint8_t> big = RandomBytes(8 << 20, 5);
  auto body = [&]() -> Task<std::pair<core::Errno, core::Errno>> {
    auto client = co_await TcpStream::connect(to);
    auto server = co_await l.accept();
    if (!client || !server) co_return std::make_pair(core::err::inval, core::err::inval);
    char c;
    auto r = co_await client->read(&c, 1).timeout(10ms);  // nobody writes
    (void)client->set_send_buffer_size(16384);
    (void)server->set_recv_buffer_size(16384);
    // Nobody reads: the first writev fills the buffers, a later one waits.
    core::IoVec iov[1] = {{big.data(), big.size()}};
    core::Result<size_t> w = size_t{0};
    for (int i = 0; i < 4 && w; ++i) w = co_await client->writev(iov, 1).timeout(10ms);
    co_return std::make_pair(r ? core::Errno() : r.error(), w ? core::Errno() : w.error());
  };
  auto [read_error, write_error] = rt().block_on(body());
  EXPECT_EQ(read_error, core::err::timedout) << read_error.name();
  EXPECT_EQ(write_error, core::err::timedout) << write_error.name();
}

TEST_P(TcpStreamTest, ReadExactReportsAnEarlyEndOfStream) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  auto body = [&]() -> Task<std::pair<core::Errno, std::string>> {
    auto client = co_await TcpStream::connect(to);
    auto server = co_await l.accept();
    if (!client || !server) co_return std::make_pair(core::err::inval, std::string("connect"));
    (void)co_await server->write_all("abc", 3);
    (void)co_await server->shutdown(core::shut::wr);
    char buf[3];
    if (auto r = co_await client->read_exact(buf, 3); !r) co_return std::make_pair(r.error(), std::string("first"));
    char more[5];
    auto r = co_await client->read_exact(more, 5);
    co_return std::make_pair(r.error(), std::string(buf, 3));
  };
  auto [e, text] = rt().block_on(body());
  EXPECT_EQ(text, "abc");
  EXPECT_EQ(e, net::kUnexpectedEof);
}

TEST_P(TcpStreamTest, APeerResetReachesReadThenWrite) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  auto body = [&]() -> Task<std::pair<core::Errno, core::Errno>> {
    auto client = co_await TcpStream::connect(to);
    auto server = co_await l.accept();
    if (!client || !server) co_return std::make_pair(core::err::inval, core::err::inval);
    (void)co_await client->write_all("0123456789", 10);
    char one;
    (void)co_await server->read_exact(&one, 1);  // the rest stays unread
    (void)server->set_linger(0s);                // close() sends an RST
    (void)server->close();
    char buf[16];
    auto r = co_await client->read(buf, sizeof buf);
    auto w = co_await client->write_all("x", 1);
    co_return std::make_pair(r ? core::Errno() : r.error(), w ? core::Errno() : w.error());
  };
  auto [read_error, write_error] = rt().block_on(body());
  EXPECT_EQ(read_error, core::err::connreset) << read_error.name();
  // The reset was reported by the read; what is left for the write is that
  // the stream is gone.
  EXPECT_EQ(write_error, core::err::pipe) << write_error.name();
}

TEST_P(TcpStreamTest, AResetInTheMiddleOfWriteAllEndsIt) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  std::vector<uint8_t> big = RandomBytes(8 << 20, 9);
  auto body = [&]() -> Task<core::Errno> {
    auto client = co_await TcpStream::connect(to);
    auto server = co_await l.accept();
    if (!client || !server) co_return core::err::inval;
    (void)client->set_send_buffer_size(16384);
    (void)server->set_recv_buffer_size(65536);
    auto resetter = [&]() -> Task<core::Result<void>> {
      std::vector<uint8_t> part(65536);
      auto r = co_await server->read_exact(part.data(), part.size());
      (void)server->set_linger(0s);
      (void)server->close();
      co_return r;
    };
    auto [w, r] = co_await when_all(client->write_all(big.data(), big.size()), resetter());
    if (!r) co_return core::err::io;
    co_return w ? core::Errno() : w.error();
  };
  core::Errno e = rt().block_on(body());
  EXPECT_TRUE(e == core::err::connreset || e == core::err::pipe) << e.name();
}

TEST_P(TcpStreamTest, ConnectToAPortNobodyListensOnIsRefused) {
  // A socket bound but not listening holds the port, so nobody else can
  // start listening there during the test, and it answers SYNs with RST.
  core::Result<int> raw = core::socket(core::af::inet, core::sock::stream | core::sock::cloexec);
  ASSERT_TRUE(raw.ok());
  core::Fd holder(*raw);
  SocketAddress any = SocketAddress::Ipv4Loopback(0);
  ASSERT_TRUE(core::bind(holder.get(), any.data(), any.size()).ok());
  auto to = net::local_address(holder.get());
  ASSERT_TRUE(to.ok());
  auto body = [&]() -> Task<core::Errno> {
    auto s = co_await TcpStream::connect(*to);
    co_return s ? core::Errno() : s.error();
  };
  EXPECT_EQ(rt().block_on(body()), core::err::connrefused);
}

TEST_P(TcpStreamTest, ConnectToAFullBacklogTimesOut) {
  // Backlog 0: once one connection waits unaccepted, the kernel drops
  // further SYNs (it retries them only after a second), so a connect with
  // a shorter timeout cannot finish first.
  TcpListener l = LoopbackListener({.backlog = 0});
  SocketAddress to = AddressOf(l);
  auto body = [&]() -> Task<std::pair<int, core::Errno>> {
    std::vector<TcpStream> queued;
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto s = co_await TcpStream::connect(to, 200ms);
      if (!s) co_return std::make_pair(attempt, s.error());
      queued.push_back(std::move(*s));
    }
    co_return std::make_pair(8, core::Errno());
  };
  auto [attempts, e] = rt().block_on(body());
  EXPECT_LT(attempts, 8);
  EXPECT_EQ(e, core::err::timedout) << e.name();
}

TEST_P(TcpStreamTest, CancellingAConnectClosesItsSocket) {
  TcpListener l = LoopbackListener({.backlog = 0});
  SocketAddress to = AddressOf(l);
  int before = -1, after = -1;
  auto body = [&]() -> Task<core::Errno> {
    auto filler = co_await TcpStream::connect(to, 200ms);  // fills the backlog
    before = testing::CountOpenFds();
    JoinHandle<core::Result<TcpStream>> h = Runtime::current()->spawn(TcpStream::connect(to));
    co_await zring::yield();
    h.cancel();
    auto s = co_await h;
    after = testing::CountOpenFds();
    co_return s ? core::Errno() : s.error();
  };
  EXPECT_EQ(rt().block_on(body()), core::err::canceled);
  EXPECT_EQ(before, after);
}

TEST_P(TcpStreamTest, AnEmptyStreamIsBadf) {
  auto body = [&]() -> Task<std::vector<core::Errno>> {
    TcpStream none;
    char c = 0;
    std::vector<core::Errno> out;
    out.push_back((co_await none.read(&c, 1)).error());
    out.push_back((co_await none.write(&c, 1)).error());
    out.push_back((co_await none.write_all(&c, 1)).error());
    out.push_back(none.peer_address().error());
    co_return out;
  };
  for (core::Errno e : rt().block_on(body())) EXPECT_EQ(e, core::err::badf) << e.name();
}

TEST_P(TcpStreamTest, AddressesOfBothEndsAgreeOnIpv4AndIpv6Loopback) {
  for (SocketAddress at : {SocketAddress::Ipv4Loopback(0), SocketAddress::Ipv6Loopback(0)}) {
    auto l = TcpListener::bind(at);
    if (!l && at.family() == SocketAddress::Family::kIpv6 &&
        (l.error() == core::err::addrnotavail || l.error() == core::err::afnosupport)) {
      GTEST_SKIP() << "no IPv6 loopback here";
    }
    ASSERT_TRUE(l.ok()) << l.error().name();
    auto listening = l->local_address();
    ASSERT_TRUE(listening.ok());
    EXPECT_EQ(listening->family(), at.family());
    EXPECT_NE(listening->port(), 0);
    auto body = [&]() -> Task<std::string> {
      auto client = co_await TcpStream::connect(*listening);
      auto server = co_await l->accept();
      if (!client || !server) co_return "connect";
      auto client_peer = client->peer_address();
      auto client_local = client->local_address();
      auto server_peer = server->peer_address();
      auto server_local = server->local_address();
      if (!client_peer || !client_local || !server_peer || !server_local) co_return "addresses";
      if (!(*client_peer == *listening)) co_return "client peer " + client_peer->ToString();
      if (!(*server_local == *listening)) co_return "server local " + server_local->ToString();
      if (!(*server_peer == *client_local)) {
        co_return "server peer " + server_peer->ToString() + " vs " + client_local->ToString();
      }
      co_return std::string();
    };
    EXPECT_EQ(rt().block_on(body()), "") << at.ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TcpStreamTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
