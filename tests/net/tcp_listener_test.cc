// TcpListener and Incoming on both backends: binding, accepting, and an
// accept loop that outlives running out of fds.
#include "zring/net/tcp_listener.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/net/net_fixtures.h"
#include "tests/runtime/backends.h"
#include "zring/net/socket_options.h"

namespace zring {
namespace {

using net::SocketAddress;
using net::TcpListener;
using net::TcpStream;
using testing::AddressOf;
using testing::LoopbackListener;
using testing::ScopedFdLimit;
using namespace std::chrono_literals;

using TcpListenerTest = testing::BackendTest;

TEST_P(TcpListenerTest, PortZeroGetsAPortLocalAddressTells) {
  TcpListener l = LoopbackListener();
  SocketAddress a = AddressOf(l);
  EXPECT_EQ(a.family(), SocketAddress::Family::kIpv4);
  EXPECT_NE(a.port(), 0);
  EXPECT_EQ(a.ToString().rfind("127.0.0.1:", 0), 0u) << a.ToString();
}

TEST_P(TcpListenerTest, ASecondBindToTheSamePortNeedsReusePortOnBoth) {
  TcpListener first = LoopbackListener();
  SocketAddress at = AddressOf(first);
  auto second = TcpListener::bind(at);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error(), core::err::addrinuse);

  auto a = TcpListener::bind(SocketAddress::Ipv4Loopback(0), {.reuse_port = true});
  ASSERT_TRUE(a.ok()) << a.error().name();
  auto b = TcpListener::bind(*a->local_address(), {.reuse_port = true});
  EXPECT_TRUE(b.ok()) << b.error().name();
  EXPECT_EQ(net::reuse_port(a->fd()).value_or(false), true);
}

TEST_P(TcpListenerTest, UnixAddressesAreNotTcp) {
  auto u = SocketAddress::Unix("/tmp/zring-not-tcp");
  ASSERT_TRUE(u.ok());
  auto l = TcpListener::bind(*u);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error(), core::err::afnosupport);
}

TEST_P(TcpListenerTest, IncomingHandsOutEachConnectionInOrder) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  auto body = [&]() -> Task<std::string> {
    std::vector<TcpStream> clients;
    for (int i = 0; i < 5; ++i) {
      auto c = co_await TcpStream::connect(to);
      if (!c) co_return std::string("connect ") + c.error().name();
      char tag = static_cast<char>('a' + i);
      if (!co_await c->write_all(&tag, 1)) co_return "write";
      clients.push_back(std::move(*c));
    }
    net::Incoming incoming = l.incoming();
    std::string tags;
    for (int i = 0; i < 5; ++i) {
      auto s = co_await incoming.next();
      if (!s) co_return std::string("next ") + s.error().name();
      char tag;
      if (!co_await s->read_exact(&tag, 1)) co_return "read";
      tags += tag;
    }
    co_return tags;
  };
  EXPECT_EQ(rt().block_on(body()), "abcde");
}

TEST_P(TcpListenerTest, CancellingIncomingEndsItWithCanceled) {
  TcpListener l = LoopbackListener();
  auto body = [&]() -> Task<core::Errno> {
    net::Incoming incoming = l.incoming();
    JoinHandle<core::Result<TcpStream>> h = Runtime::current()->spawn(incoming.next());
    co_await zring::sleep_for(1ms);
    h.cancel();
    auto s = co_await h;
    co_return s ? core::Errno() : s.error();
  };
  EXPECT_EQ(rt().block_on(body()), core::err::canceled);
}

TEST_P(TcpListenerTest, IncomingOnAClosedListenerFailsInsteadOfLooping) {
  TcpListener l = LoopbackListener();
  net::Incoming incoming = l.incoming();
  ASSERT_TRUE(l.close().ok());
  auto body = [&]() -> Task<core::Errno> {
    auto s = co_await incoming.next();
    co_return s ? core::Errno() : s.error();
  };
  EXPECT_EQ(rt().block_on(body()), core::err::badf);
}

// Takes every free fd below the soft limit; gives them back on request.
class FdHog {
 public:
  FdHog() {
    for (;;) {
      int fd = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
      if (fd < 0) {
        EXPECT_EQ(errno, EMFILE);
        break;
      }
      fds_.push_back(fd);
    }
  }
  ~FdHog() { Free(fds_.size()); }
  void Free(size_t n) {
    for (; n > 0 && !fds_.empty(); --n) {
      ::close(fds_.back());
      fds_.pop_back();
    }
  }
  size_t held() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
};

TEST_P(TcpListenerTest, IncomingReportsEmfileOnceThenAcceptsOnceFdsAreFree) {
  TcpListener l = LoopbackListener();
  SocketAddress to = AddressOf(l);
  // The client connects before fds run out: the handshake completes in the
  // kernel and the connection waits in the backlog for accept.
  auto client = rt().block_on(TcpStream::connect(to));
  ASSERT_TRUE(client.ok()) << client.error().name();
  ASSERT_TRUE(rt().block_on(client->write_all("hi", 2)).ok());

  ScopedFdLimit limit(1024);
  struct Outcome {
    core::Errno first, plain_accept, second;
    std::string greeting;
  } out;
  {
    FdHog hog;
    ASSERT_GT(hog.held(), 0u);
    auto body = [&]() -> Task<> {
      net::Incoming incoming = l.incoming();
      auto first = co_await incoming.next();
      out.first = first ? core::Errno() : first.error();
      auto plain = co_await l.accept();
      out.plain_accept = plain ? core::Errno() : plain.error();
      // Reported once: this call waits, retrying with pauses, until an fd
      // is free. How many retries happen before that does not matter.
      JoinHandle<core::Result<TcpStream>> h = Runtime::current()->spawn(incoming.next());
      co_await zring::sleep_for(20ms);
      hog.Free(4);
      auto second = co_await h;
      if (!second) {
        out.second = second.error();
        co_return;
      }
      char buf[2];
      if (co_await second->read_exact(buf, 2)) out.greeting.assign(buf, 2);
    };
    rt().block_on(body());
  }
  EXPECT_EQ(out.first, core::err::mfile) << out.first.name();
  EXPECT_EQ(out.plain_accept, core::err::mfile) << out.plain_accept.name();
  EXPECT_FALSE(out.second) << out.second.name();
  EXPECT_EQ(out.greeting, "hi");
}

INSTANTIATE_TEST_SUITE_P(Backends, TcpListenerTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
