// UnixStream, UnixListener, UnixDatagram and fd passing on both backends.
#include "zring/net/unix_socket.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
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

using UnixSocketTest = testing::BackendTest;

// An abstract name no other test (or test process) uses.
SocketAddress UniqueAbstract(const std::string& what) {
  static std::atomic<int> counter{0};
  std::string name = "zring-test-" + what + "-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++);
  core::Result<SocketAddress> a = SocketAddress::UnixAbstract(name);
  EXPECT_TRUE(a.ok());
  return *a;
}

// A socket path in /tmp: Bazel's TEST_TMPDIR is longer than the 107 bytes
// a sockaddr_un has room for.
std::string SocketPath(const std::string& name) {
  return "/tmp/zring_" + name + "_" + std::to_string(::getpid());
}

TEST_P(UnixSocketTest, StreamPairRoundTrip) {
  core::Result<std::pair<UnixStream, UnixStream>> p = UnixStream::pair();
  ASSERT_TRUE(p.ok()) << p.error().name();
  auto& [a, b] = *p;
  auto body = [&]() -> Task<std::string> {
    if (!co_await a.write_all("ping!", 5)) co_return "write_all";
    char buf[5];
    if (!co_await b.read_exact(buf, 5)) co_return "read_exact";
    char h[] = "po", t[] = "ng";
    core::IoVec iov[2] = {{h, 2}, {t, 2}};
    if (!co_await b.write_all(iov, 2)) co_return "write_all iov";
    char back[4];
    if (!co_await a.read_exact(back, 4)) co_return "read_exact back";
    // End of stream before the buffer is full.
    if (!co_await b.shutdown(core::shut::wr)) co_return "shutdown";
    char more[2];
    core::Result<void> eof = co_await a.read_exact(more, 2);
    if (eof || eof.error() != kUnexpectedEof) co_return "eof";
    co_return std::string(buf, 5) + std::string(back, 4);
  };
  EXPECT_EQ(rt().block_on(body()), "ping!pong");
}

TEST_P(UnixSocketTest, ListenerOnAnAbstractName) {
  SocketAddress name = UniqueAbstract("listener");
  core::Result<UnixListener> l = UnixListener::bind(name);
  ASSERT_TRUE(l.ok()) << l.error().name();
  core::Result<SocketAddress> bound = l->local_address();
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(*bound, name);
  EXPECT_EQ(bound->ToString().substr(0, 17), "unix:@zring-test-");
  // The name is taken while the listener lives.
  core::Result<UnixListener> again = UnixListener::bind(name);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), core::err::addrinuse);
  auto body = [&]() -> Task<std::string> {
    auto server = rt().spawn([](const UnixListener& l) -> Task<std::string> {
      core::Result<UnixStream> s = co_await l.accept();
      if (!s) co_return std::string("accept ") + s.error().name();
      core::Result<core::UCred> cred = s->peer_credentials();
      if (!cred || cred->pid != ::getpid()) co_return "peer_credentials";
      char buf[5];
      if (!co_await s->read_exact(buf, 5)) co_return "read_exact";
      if (!co_await s->write_all(buf, 5)) co_return "write_all";
      co_return std::string(buf, 5);
    }(*l));
    core::Result<UnixStream> c = co_await UnixStream::connect(name);
    if (!c) co_return std::string("connect ") + c.error().name();
    if (!co_await c->write_all("hello", 5)) co_return "client write";
    char echo[5];
    if (!co_await c->read_exact(echo, 5)) co_return "client read";
    std::string served = co_await server;
    co_return served + "/" + std::string(echo, 5);
  };
  EXPECT_EQ(rt().block_on(body()), "hello/hello");
}

// A path stays behind when its listener is gone: connecting says
// ECONNREFUSED, binding says EADDRINUSE, and removing it is the caller's
// decision.
TEST_P(UnixSocketTest, ListenerOnAPathAndItsStaleFile) {
  std::string path = SocketPath("unix_listener");
  ::unlink(path.c_str());
  core::Result<SocketAddress> addr = SocketAddress::Unix(path);
  ASSERT_TRUE(addr.ok());
  {
    core::Result<UnixListener> l = UnixListener::bind(*addr);
    ASSERT_TRUE(l.ok()) << l.error().name();
    auto body = [&]() -> Task<std::string> {
      auto server = rt().spawn(l->accept());
      core::Result<UnixStream> c = co_await UnixStream::connect(*addr);
      if (!c) co_return std::string("connect ") + c.error().name();
      core::Result<UnixStream> s = co_await server;
      if (!s) co_return "accept";
      if (!co_await s->write_all("x", 1)) co_return "write";
      char x;
      if (!co_await c->read_exact(&x, 1)) co_return "read";
      co_return std::string(1, x);
    };
    EXPECT_EQ(rt().block_on(body()), "x");
  }
  EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "the path was removed";
  auto refused = [&]() -> Task<core::Result<UnixStream>> {
    co_return co_await UnixStream::connect(*addr);
  };
  core::Result<UnixStream> c = rt().block_on(refused());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), core::err::connrefused);
  core::Result<UnixListener> rebind = UnixListener::bind(*addr);
  ASSERT_FALSE(rebind.ok());
  EXPECT_EQ(rebind.error(), core::err::addrinuse);
  ASSERT_EQ(::unlink(path.c_str()), 0);
  rebind = UnixListener::bind(*addr);
  EXPECT_TRUE(rebind.ok());
  ::unlink(path.c_str());
}

TEST_P(UnixSocketTest, ConnectErrors) {
  auto body = [&]() -> Task<std::vector<core::Errno>> {
    std::vector<core::Errno> e;
    e.push_back((co_await UnixStream::connect(*SocketAddress::Unix(SocketPath("nothing_here"))))
                    .error());
    e.push_back((co_await UnixStream::connect(SocketAddress::Ipv4Loopback(1))).error());
    e.push_back((co_await UnixStream::connect(UniqueAbstract("nobody"))).error());
    co_return e;
  };
  std::vector<core::Errno> e = rt().block_on(body());
  EXPECT_EQ(e[0], core::err::noent);
  EXPECT_EQ(e[1], core::err::afnosupport);
  EXPECT_EQ(e[2], core::err::connrefused);
  EXPECT_EQ(UnixListener::bind(SocketAddress::Ipv4Loopback(0)).error(), core::err::afnosupport);
}

TEST_P(UnixSocketTest, DatagramsBetweenNamedAndUnnamedSockets) {
  SocketAddress a_name = UniqueAbstract("dgram-a"), b_name = UniqueAbstract("dgram-b");
  core::Result<UnixDatagram> a = UnixDatagram::bind(a_name);
  core::Result<UnixDatagram> b = UnixDatagram::bind(b_name);
  core::Result<UnixDatagram> anon = UnixDatagram::unbound();
  ASSERT_TRUE(a.ok() && b.ok() && anon.ok());
  auto body = [&]() -> Task<std::string> {
    if (!co_await a->send_to("one", 3, b_name)) co_return "send_to";
    char buf[8];
    core::Result<ReceivedDatagram> d = co_await b->recv_from(buf, sizeof buf);
    if (!d || !(d->from == a_name)) co_return "recv_from named";
    std::string out(buf, d->length);
    if (!co_await anon->send_to("two", 3, b_name)) co_return "send_to anon";
    d = co_await b->recv_from(buf, sizeof buf);
    if (!d) co_return "recv_from anon";
    if (d->from.family() != SocketAddress::Family::kNone) co_return "anon has a name";
    out += std::string(buf, d->length);
    // Message boundaries hold: a short buffer truncates, never merges.
    if (!co_await a->send_to("three", 5, b_name)) co_return "send three";
    char small[2];
    d = co_await b->recv_from(small, sizeof small);
    if (!d || !d->truncated) co_return "truncated";
    co_return out + std::string(small, 2);
  };
  EXPECT_EQ(rt().block_on(body()), "onetwoth");
}

TEST_P(UnixSocketTest, DatagramPairAndBatches) {
  core::Result<std::pair<UnixDatagram, UnixDatagram>> p = UnixDatagram::pair();
  ASSERT_TRUE(p.ok());
  auto& [a, b] = *p;
  auto body = [&]() -> Task<std::string> {
    if (!co_await a.send("hi", 2)) co_return "send";
    char buf[4];
    core::Result<size_t> n = co_await b.recv(buf, sizeof buf);
    if (!n || *n != 2) co_return "recv";
    std::vector<std::string> out;
    std::vector<Datagram> send(32);
    for (size_t i = 0; i < 32; ++i) out.push_back("d" + std::to_string(i));
    for (size_t i = 0; i < 32; ++i) send[i] = Datagram{out[i].data(), out[i].size()};
    core::Result<size_t> sent = co_await a.send_batch(send);
    if (!sent || *sent != 32) co_return "send_batch";
    char in[32][8];
    std::vector<Datagram> recv(32);
    for (size_t i = 0; i < 32; ++i) recv[i] = Datagram{in[i], sizeof in[i]};
    core::Result<size_t> got = co_await b.recv_batch(recv);
    if (!got || *got != 32) co_return "recv_batch";
    for (size_t i = 0; i < 32; ++i) {
      if (std::string(static_cast<char*>(recv[i].data), recv[i].length) != out[i]) {
        co_return "datagram " + std::to_string(i);
      }
    }
    co_return std::string(buf, 2);
  };
  EXPECT_EQ(rt().block_on(body()), "hi");
}

// Send the write end of a pipe, write through the received copy, read on
// the original read end.
TEST_P(UnixSocketTest, PassingAPipeEndOverAStream) {
  core::Result<std::pair<UnixStream, UnixStream>> p = UnixStream::pair();
  ASSERT_TRUE(p.ok());
  auto& [a, b] = *p;
  Pipe pipe;
  auto body = [&]() -> Task<std::string> {
    int fds[1] = {pipe.w};
    core::Result<size_t> sent = co_await a.send_fds("F", 1, fds);
    if (!sent || *sent != 1) co_return "send_fds";
    core::Fd got[2];
    char tag = 0;
    core::Result<ReceivedFds> r = co_await b.recv_fds(&tag, 1, got);
    if (!r) co_return std::string("recv_fds ") + r.error().name();
    if (r->bytes != 1 || r->fds != 1 || tag != 'F') co_return "counts";
    if (!got[0] || got[0].get() == pipe.w || got[1]) co_return "fds";
    core::Result<bool> cloexec = got[0].cloexec();
    if (!cloexec || !*cloexec) co_return "not close-on-exec";
    if (!co_await zring::write(got[0].get(), "through", 7)) co_return "write";
    char buf[8];
    core::Result<size_t> n = co_await zring::read(pipe.r, buf, sizeof buf);
    if (!n) co_return "read";
    co_return std::string(buf, *n);
  };
  EXPECT_EQ(rt().block_on(body()), "through");
}

TEST_P(UnixSocketTest, PassingFdsOverADatagramWithNoBytes) {
  core::Result<std::pair<UnixDatagram, UnixDatagram>> p = UnixDatagram::pair();
  ASSERT_TRUE(p.ok());
  auto& [a, b] = *p;
  Pipe one, two;
  auto body = [&]() -> Task<std::string> {
    int fds[2] = {one.w, two.w};
    if (!co_await a.send_fds(nullptr, 0, fds)) co_return "send_fds";
    core::Fd got[4];
    char buf[1];
    core::Result<ReceivedFds> r = co_await b.recv_fds(buf, sizeof buf, got);
    if (!r || r->bytes != 0 || r->fds != 2) co_return "recv_fds";
    if (!co_await zring::write(got[1].get(), "2", 1)) co_return "write";
    char x;
    if (!co_await zring::read(two.r, &x, 1)) co_return "read";
    co_return std::string(1, x);
  };
  EXPECT_EQ(rt().block_on(body()), "2");
}

// More fds than room: an error, and none of them stays open.
TEST_P(UnixSocketTest, TruncatedFdsAreAnErrorAndAreClosed) {
  core::Result<std::pair<UnixStream, UnixStream>> p = UnixStream::pair();
  ASSERT_TRUE(p.ok());
  auto& [a, b] = *p;
  Pipe pipe;
  int before = CountOpenFds();
  auto body = [&]() -> Task<std::vector<core::Result<ReceivedFds>>> {
    std::vector<core::Result<ReceivedFds>> r;
    int fds[3] = {pipe.r, pipe.w, pipe.r};
    char tag;
    core::Fd one[1];
    if (!co_await a.send_fds("a", 1, fds)) co_return r;
    r.push_back(co_await b.recv_fds(&tag, 1, one));
    if (!co_await a.send_fds("b", 1, fds)) co_return r;
    r.push_back(co_await b.recv_fds(&tag, 1, {}));
    co_return r;
  };
  std::vector<core::Result<ReceivedFds>> r = rt().block_on(body());
  ASSERT_EQ(r.size(), 2u);
  for (const auto& x : r) {
    ASSERT_FALSE(x.ok());
    EXPECT_EQ(x.error(), kFdsTruncated);
  }
  EXPECT_EQ(CountOpenFds(), before);
}

TEST_P(UnixSocketTest, FdPassingErrors) {
  core::Result<std::pair<UnixStream, UnixStream>> p = UnixStream::pair();
  ASSERT_TRUE(p.ok());
  auto& [a, b] = *p;
  Pipe pipe;
  int closed = ::dup(pipe.r);
  ::close(closed);
  auto body = [&]() -> Task<std::vector<core::Errno>> {
    std::vector<core::Errno> e;
    std::vector<int> too_many(kMaxFdsPerMessage + 1, pipe.r);
    e.push_back((co_await a.send_fds("x", 1, too_many)).error());
    int bad[1] = {closed};
    e.push_back((co_await a.send_fds("x", 1, bad)).error());
    UnixStream none;
    int good[1] = {pipe.r};
    e.push_back((co_await none.send_fds("x", 1, good)).error());
    core::Fd out[1];
    char c;
    e.push_back((co_await none.recv_fds(&c, 1, out)).error());
    co_return e;
  };
  std::vector<core::Errno> e = rt().block_on(body());
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0], core::err::inval);
  EXPECT_EQ(e[1], core::err::badf);
  EXPECT_EQ(e[2], core::err::badf);
  EXPECT_EQ(e[3], core::err::badf);
}

// The receiving task is cancelled while it waits: nothing leaks, and a
// message sent afterwards is still there for the next receiver.
TEST_P(UnixSocketTest, CancelledRecvFdsLeavesNothingOpen) {
  core::Result<std::pair<UnixStream, UnixStream>> p = UnixStream::pair();
  ASSERT_TRUE(p.ok());
  auto& [a, b] = *p;
  Pipe pipe;
  int before = CountOpenFds();
  auto body = [&]() -> Task<std::string> {
    char tag;
    core::Fd out[1];
    auto receiver = rt().spawn(b.recv_fds(&tag, 1, out));
    co_await zring::yield();
    receiver.cancel();
    core::Result<ReceivedFds> r = co_await receiver;
    if (r || r.error() != core::err::canceled) co_return "not cancelled";
    int fds[1] = {pipe.w};
    if (!co_await a.send_fds("z", 1, fds)) co_return "send_fds";
    r = co_await b.recv_fds(&tag, 1, out);
    if (!r || r->fds != 1) co_return "recv_fds";
    out[0] = core::Fd();
    co_return std::string(1, tag);
  };
  EXPECT_EQ(rt().block_on(body()), "z");
  EXPECT_EQ(CountOpenFds(), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, UnixSocketTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring::net
