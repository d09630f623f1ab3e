// The hello server in-process on both backends: a real TCP client on the
// same runtime talks to Serve() on a loopback listener.
//
// Every read of the client carries a generous timeout so that a server that
// fails to answer or to close makes the test fail with ETIMEDOUT instead of
// hanging; no test depends on how long anything takes.
#include "examples/http/server.h"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "examples/http/response.h"
#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/net/address.h"
#include "zring/net/tcp_listener.h"
#include "zring/net/tcp_stream.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"

namespace examples::http {
namespace {

using namespace std::chrono_literals;
using zring::JoinHandle;
using zring::Task;
using zring::core::Errno;
using zring::core::Result;
using zring::net::SocketAddress;
using zring::net::TcpListener;
using zring::net::TcpStream;

constexpr auto kGuard = 10s;  // for a read that should end well before

// The Date value changes with the second; compare everything else.
std::string MaskDates(std::string_view in) {
  std::string out(in);
  for (size_t at = 0; (at = out.find("\r\nDate: ", at)) != std::string::npos; at += 8) {
    if (at + 8 + kHttpDateSize <= out.size()) {
      out.replace(at + 8, kHttpDateSize, kHttpDateSize, '#');
    }
  }
  return out;
}

// What the client saw until the server closed, or until it gave up.
struct Received {
  std::string bytes;
  bool closed = false;  // read() returned 0: the server closed in order
  Errno error;          // a read failed (ETIMEDOUT: the guard fired)
};

Task<Received> ReadUntilClosed(const TcpStream& s) {
  Received r;
  char buf[4096];
  for (;;) {
    Result<size_t> n = co_await s.read(buf, sizeof buf).timeout(kGuard);
    if (!n) {
      r.error = n.error();
      co_return r;
    }
    if (*n == 0) {
      r.closed = true;
      co_return r;
    }
    r.bytes.append(buf, *n);
  }
}

// The length of the first response in `s` if it is all there, else 0.
size_t ResponseLength(std::string_view s, bool head) {
  size_t end = s.find("\r\n\r\n");
  if (end == std::string_view::npos) return 0;
  size_t at = s.find("\r\nContent-Length: ");
  if (at == std::string_view::npos || at > end) return 0;
  size_t length = std::stoul(std::string(s.substr(at + 18, end - at - 18)));
  size_t total = end + 4 + (head ? 0 : length);
  return s.size() >= total ? total : 0;
}

// Reads until `heads.size()` responses arrived (heads[i]: the i-th answers
// a HEAD, so it has no body), and returns exactly their bytes.
Task<Result<std::string>> ReadResponses(const TcpStream& s, std::vector<bool> heads) {
  std::string got;
  size_t complete = 0, parsed = 0;
  char buf[4096];
  while (parsed < heads.size()) {
    if (size_t len = ResponseLength(std::string_view(got).substr(complete), heads[parsed])) {
      complete += len;
      ++parsed;
      continue;
    }
    Result<size_t> n = co_await s.read(buf, sizeof buf).timeout(kGuard);
    if (!n) co_return n.error();
    if (*n == 0) co_return zring::net::kUnexpectedEof;
    got.append(buf, *n);
  }
  if (complete != got.size()) co_return zring::core::err::msgsize;  // bytes nobody asked for
  co_return got;
}

// One response with a body. (A braced list in a co_await inside a lambda
// coroutine trips GCC 12: "array used as initializer".)
const std::vector<bool> kOneGet = {false};

Task<> Join(JoinHandle<void> h) { co_await h; }

class HttpServerTest : public zring::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    Result<TcpListener> l = TcpListener::bind(SocketAddress::Ipv4Loopback(0));
    ASSERT_TRUE(l.ok()) << l.error().name();
    listener_ = std::move(*l);
    Result<SocketAddress> a = listener_.local_address();
    ASSERT_TRUE(a.ok()) << a.error().name();
    address_ = *a;
  }

  // Runs `client(server)` with the server running on the same runtime, then
  // stops the server and checks that it left no fd open.
  template <class Client>
  void RunWithServer(Client client) {
    int fds_before = zring::testing::CountOpenFds();
    JoinHandle<void> server = rt().spawn(Serve(listener_, options_));
    rt().block_on(client(server));
    server.cancel();
    rt().block_on(Join(std::move(server)));
    EXPECT_EQ(zring::testing::CountOpenFds(), fds_before);
  }

  Task<TcpStream> Connect() {
    Result<TcpStream> s = co_await TcpStream::connect(address_, kGuard);
    EXPECT_TRUE(s.ok()) << s.error().name();
    co_return s ? std::move(*s) : TcpStream();
  }

  static Task<bool> Send(const TcpStream& s, std::string_view bytes) {
    Result<void> w = co_await s.write_all(bytes.data(), bytes.size());
    EXPECT_TRUE(w.ok()) << w.error().name();
    co_return w.ok();
  }

  std::string Hello(bool keep_alive, bool head = false) const {
    return MaskDates(responses_.Hello(keep_alive, head));
  }
  std::string Error(int status) const { return MaskDates(responses_.Error(status)); }

  TcpListener listener_;
  SocketAddress address_;
  ServerOptions options_;
  Responses responses_;  // what the server's bytes must be, dates aside
};

constexpr std::string_view kGet = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";
constexpr std::string_view kGetClose = "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

TEST_P(HttpServerTest, OneRequestThenAnotherOnTheSameConnection) {
  Result<std::string> first = Errno(), second = Errno();
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    if (!co_await Send(s, kGet)) co_return;
    first = co_await ReadResponses(s, kOneGet);
    if (!co_await Send(s, kGet)) co_return;
    second = co_await ReadResponses(s, kOneGet);
  });
  ASSERT_TRUE(first.ok()) << first.error().name();
  EXPECT_EQ(MaskDates(*first), Hello(true));
  EXPECT_EQ(first->size(), 154u);
  ASSERT_TRUE(second.ok()) << second.error().name();
  EXPECT_EQ(MaskDates(*second), Hello(true));
}

TEST_P(HttpServerTest, TenPipelinedRequestsInOneWriteAnsweredInOrder) {
  // HEAD answers have no body and the last one closes: the byte stream
  // matches only if every answer is where its request was.
  std::string requests, expected;
  for (int i = 0; i < 10; ++i) {
    bool head = i == 3 || i == 4 || i == 7;
    bool last = i == 9;
    requests += std::string(head ? "HEAD" : "GET") + " /" + std::to_string(i) +
                " HTTP/1.1\r\nHost: test\r\n" + (last ? "Connection: close\r\n" : "") + "\r\n";
    expected += Hello(!last, head);
  }
  Received got;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    if (!co_await Send(s, requests)) co_return;
    got = co_await ReadUntilClosed(s);
  });
  EXPECT_FALSE(got.error) << got.error.name();
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(MaskDates(got.bytes), expected);
}

TEST_P(HttpServerTest, MalformedRequestGets400AndTheConnectionCloses) {
  Received got;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    // A good request first: it is answered, then the bad one ends it all.
    std::string bytes =
        std::string(kGet) + "GET / HTTP/1.1\r\nHost test\r\n\r\n" + std::string(kGet);
    if (!co_await Send(s, bytes)) co_return;
    got = co_await ReadUntilClosed(s);
  });
  EXPECT_FALSE(got.error) << got.error.name();
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(MaskDates(got.bytes), Hello(true) + Error(400));
}

TEST_P(HttpServerTest, NulByteGets400) {
  Received got;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    if (!co_await Send(s, std::string_view("GET /\0 HTTP/1.1\r\n\r\n", 20))) co_return;
    got = co_await ReadUntilClosed(s);
  });
  EXPECT_TRUE(got.closed) << got.error.name();
  EXPECT_EQ(MaskDates(got.bytes), Error(400));
}

TEST_P(HttpServerTest, HeadersOverTheLimitGet431AndTheConnectionCloses) {
  Received got;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    std::string big =
        "GET / HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n";
    if (!co_await Send(s, big)) co_return;
    got = co_await ReadUntilClosed(s);
  });
  EXPECT_FALSE(got.error) << got.error.name();
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(MaskDates(got.bytes), Error(431));
}

TEST_P(HttpServerTest, RequestLineOverTheLimitGets414) {
  Received got;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    if (!co_await Send(s, "GET /" + std::string(10000, 'a') + " HTTP/1.1\r\n")) co_return;
    got = co_await ReadUntilClosed(s);
  });
  EXPECT_TRUE(got.closed) << got.error.name();
  EXPECT_EQ(MaskDates(got.bytes), Error(414));
}

TEST_P(HttpServerTest, RequestsSplitAcrossManySmallWrites) {
  std::string bytes = "POST /form HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello=world" +
                      std::string(kGetClose);
  Received got;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    (void)s.set_nodelay(true);  // so that the bytes leave one by one
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (!co_await Send(s, std::string_view(bytes).substr(i, 1))) co_return;
    }
    got = co_await ReadUntilClosed(s);
  });
  EXPECT_FALSE(got.error) << got.error.name();
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(MaskDates(got.bytes), Hello(true) + Hello(false));
}

TEST_P(HttpServerTest, ExpectContinueGets100BeforeTheBody) {
  Result<std::string> interim = Errno();
  Received rest;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    constexpr std::string_view kHead =
        "PUT /up HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n"
        "Connection: close\r\n\r\n";
    if (!co_await Send(s, kHead)) co_return;
    std::string got(kContinue.size(), '\0');
    Result<void> r = co_await s.read_exact(got.data(), got.size());
    interim = r ? Result<std::string>(got) : Result<std::string>(r.error());
    if (!co_await Send(s, "body")) co_return;
    rest = co_await ReadUntilClosed(s);
  });
  ASSERT_TRUE(interim.ok()) << interim.error().name();
  EXPECT_EQ(*interim, kContinue);
  EXPECT_TRUE(rest.closed) << rest.error.name();
  EXPECT_EQ(MaskDates(rest.bytes), Hello(false));
}

TEST_P(HttpServerTest, ConnectionCloseIsHonoured) {
  Received got;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    // The request pipelined after the closing one is not answered.
    if (!co_await Send(s, std::string(kGetClose) + std::string(kGet))) co_return;
    got = co_await ReadUntilClosed(s);
  });
  EXPECT_FALSE(got.error) << got.error.name();
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(MaskDates(got.bytes), Hello(false));
}

TEST_P(HttpServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  Received closed;
  Result<std::string> kept = Errno();
  Result<std::string> again = Errno();
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream a = co_await Connect();
    if (!co_await Send(a, "GET / HTTP/1.0\r\n\r\n")) co_return;
    closed = co_await ReadUntilClosed(a);

    TcpStream b = co_await Connect();
    constexpr std::string_view kKeepAlive = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    if (!co_await Send(b, kKeepAlive)) co_return;
    kept = co_await ReadResponses(b, kOneGet);
    if (!co_await Send(b, kKeepAlive)) co_return;
    again = co_await ReadResponses(b, kOneGet);
  });
  EXPECT_TRUE(closed.closed) << closed.error.name();
  EXPECT_EQ(MaskDates(closed.bytes), Hello(false));
  ASSERT_TRUE(kept.ok()) << kept.error().name();
  EXPECT_EQ(MaskDates(*kept), Hello(true));
  ASSERT_TRUE(again.ok()) << again.error().name();
  EXPECT_EQ(MaskDates(*again), Hello(true));
}

TEST_P(HttpServerTest, IdleTimeoutClosesASilentConnection) {
  options_.idle_timeout = 100ms;
  Received silent, partial, after_one;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream a = co_await Connect();
    silent = co_await ReadUntilClosed(a);  // sends nothing at all

    TcpStream b = co_await Connect();
    if (!co_await Send(b, "GET / HTTP/1.1\r\nHo")) co_return;  // and never the rest
    partial = co_await ReadUntilClosed(b);

    TcpStream c = co_await Connect();
    if (!co_await Send(c, kGet)) co_return;  // one answer, then silence
    after_one = co_await ReadUntilClosed(c);
  });
  EXPECT_TRUE(silent.closed) << silent.error.name();
  EXPECT_EQ(silent.bytes, "");
  EXPECT_TRUE(partial.closed) << partial.error.name();
  EXPECT_EQ(partial.bytes, "");
  EXPECT_TRUE(after_one.closed) << after_one.error.name();
  EXPECT_EQ(MaskDates(after_one.bytes), Hello(true));
}

TEST_P(HttpServerTest, ADribblingClientIsClosedAtTheIdleDeadline) {
  // Each byte arrives well within the idle timeout, but the request never
  // completes: the timeout is for a whole request, not for each read.
  options_.idle_timeout = 200ms;
  Errno send_error;
  int bytes_sent = 0;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    if (!co_await Send(s, "GET / HTTP/1.1\r\nX-Slow: ")) co_return;
    // Once the server has closed, the next bytes are answered with a
    // reset and a later send fails. 10 s worth of bytes is a guard only.
    for (; bytes_sent < 500; ++bytes_sent) {
      Result<size_t> w = co_await s.write("a", 1).timeout(kGuard);
      if (!w) {
        send_error = w.error();
        co_return;
      }
      (void)co_await zring::sleep_for(20ms);
    }
  });
  EXPECT_TRUE(send_error == zring::core::err::pipe || send_error == zring::core::err::connreset)
      << send_error.name() << " after " << bytes_sent << " bytes";
}

TEST_P(HttpServerTest, AClientThatNeverReadsIsClosed) {
  // Requests pipelined without end and no response ever read: the
  // server's send stops making progress, and after the idle timeout it
  // gives up on the connection instead of waiting forever.
  options_.idle_timeout = 100ms;
  Errno send_error;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    TcpStream s = co_await Connect();
    std::string burst;
    for (int i = 0; i < 1000; ++i) burst += kGet;
    for (int i = 0; i < 100000; ++i) {  // a guard: about 30 MB of requests
      Result<size_t> w = co_await s.write(burst.data(), burst.size()).timeout(kGuard);
      if (!w) {
        send_error = w.error();
        co_return;
      }
    }
  });
  EXPECT_TRUE(send_error == zring::core::err::pipe || send_error == zring::core::err::connreset)
      << send_error.name();
}

TEST_P(HttpServerTest, StoppingTheServerClosesOpenConnections) {
  Result<std::string> answer = Errno();
  Received after_stop;
  RunWithServer([&](JoinHandle<void>& server) -> Task<> {
    TcpStream s = co_await Connect();
    if (!co_await Send(s, kGet)) co_return;
    answer = co_await ReadResponses(s, kOneGet);
    server.cancel();
    after_stop = co_await ReadUntilClosed(s);
  });
  ASSERT_TRUE(answer.ok()) << answer.error().name();
  EXPECT_TRUE(after_stop.closed) << after_stop.error.name();
  EXPECT_EQ(after_stop.bytes, "");
}

TEST_P(HttpServerTest, ManyConnectionsAtOnce) {
  constexpr int kClients = 20;
  int answered = 0;
  RunWithServer([&](JoinHandle<void>&) -> Task<> {
    std::vector<TcpStream> streams;
    for (int i = 0; i < kClients; ++i) streams.push_back(co_await Connect());
    for (TcpStream& s : streams) {
      if (!co_await Send(s, kGet)) co_return;
    }
    for (TcpStream& s : streams) {
      Result<std::string> r = co_await ReadResponses(s, kOneGet);
      if (r && MaskDates(*r) == Hello(true)) ++answered;
    }
  });
  EXPECT_EQ(answered, kClients);
}

INSTANTIATE_TEST_SUITE_P(Backends, HttpServerTest, ::testing::ValuesIn(zring::testing::kBackends),
                         zring::testing::BackendName);

}  // namespace
}  // namespace examples::http
