// MultishotAccept and MultishotRecv on both backends: results in order,
// nothing lost when nobody waits, re-arming after the kernel ends a
// request, and release of whatever a destroyed stream still held.
#include "zring/runtime/multishot.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/buffer_group.h"
#include "zring/runtime/internal/ready_queue.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"

namespace zring::testing {
namespace {

using namespace std::chrono_literals;

// A TCP listener on 127.0.0.1, port chosen by the kernel.
struct Listener {
  int fd = -1;
  sockaddr_in addr{};
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd, 128), 0);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  }
  ~Listener() { ::close(fd); }
  // A connected client socket (the connection waits in the backlog).
  int Connect() const {
    int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::connect(c, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    return c;
  }
};

// The local port of a socket, to match accepted connections to clients.
uint16_t PeerPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  EXPECT_EQ(::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  return ntohs(a.sin_port);
}
uint16_t LocalPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  return ntohs(a.sin_port);
}

class MultishotTest : public BackendTest {};
INSTANTIATE_TEST_SUITE_P(Backends, MultishotTest, ::testing::ValuesIn(kBackends), BackendName);

TEST_P(MultishotTest, AcceptsEveryConnectionInOrder) {
  Listener l;
  rt().block_on([&]() -> Task<> {
    MultishotAccept incoming(l.fd);
    std::vector<int> clients;
    for (int round = 0; round < 3; ++round) {
      // Several connections arrive between two next(): none is lost.
      for (int i = 0; i < 4; ++i) clients.push_back(l.Connect());
      for (int i = 0; i < 4; ++i) {
        core::Result<core::Fd> c = co_await incoming.next();
        EXPECT_TRUE(c.ok()) << c.error().name();
        if (!c) continue;
        EXPECT_EQ(PeerPort(c->get()), LocalPort(clients[round * 4 + i]));
      }
    }
    for (int c : clients) ::close(c);
  }());
}

TEST_P(MultishotTest, DestroyedStreamClosesConnectionsNobodyTook) {
  Listener l;
  int before = CountOpenFds();
  std::vector<int> clients;
  rt().block_on([&]() -> Task<> {
    MultishotAccept incoming(l.fd);
    clients.push_back(l.Connect());
    core::Result<core::Fd> first = co_await incoming.next();
    EXPECT_TRUE(first.ok());
    // These may be accepted by the running request (io_uring) before the
    // stream is destroyed; they must not leak.
    for (int i = 0; i < 5; ++i) clients.push_back(l.Connect());
    co_await zring::nop();
  }());
  for (int c : clients) ::close(c);
  EXPECT_EQ(CountOpenFds(), before);
}

TEST_P(MultishotTest, WaiterDestroyedLosesNothing) {
  Listener l;
  rt().block_on([&]() -> Task<> {
    MultishotAccept incoming(l.fd);
    auto waiting = [&]() -> Task<core::Result<core::Fd>> { co_return co_await incoming.next(); };
    std::vector<int> clients;
    for (int ready_first = 0; ready_first < 2; ++ready_first) {
      // A coroutine suspends in next() and is destroyed: before anything
      // arrives, or after the kernel has accepted its connection (on
      // io_uring: the CQE is posted) but before the runtime saw it.
      Task<core::Result<core::Fd>> t = waiting();
      t.handle().resume();
      if (ready_first) {
        clients.push_back(l.Connect());
        if (detail::UringBackend* u = rt().uring()) {
          (void)u->ring().submit();
          (void)u->ring().get_events();
        }
      }
      t = Task<core::Result<core::Fd>>();
      if (!ready_first) clients.push_back(l.Connect());
      core::Result<core::Fd> c = co_await incoming.next();
      EXPECT_TRUE(c.ok()) << c.error().name();
      if (c) {
        EXPECT_EQ(PeerPort(c->get()), LocalPort(clients.back()));
      }
    }
    for (int c : clients) ::close(c);
  }());
}

TEST_P(MultishotTest, AcceptReportsEmfileOnceAndRecovers) {
  Listener l;
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  rt().block_on([&]() -> Task<> {
    MultishotAccept incoming(l.fd);
    // Fill the table up to a low limit so that accept has no fd to give.
    rlimit low = old;
    low.rlim_cur = static_cast<rlim_t>(CountOpenFds() + 16);
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> filler;
    for (int fd; (fd = ::dup(0)) >= 0;) filler.push_back(fd);
    EXPECT_EQ(errno, EMFILE);
    EXPECT_EQ(::connect(client, reinterpret_cast<const sockaddr*>(&l.addr), sizeof l.addr), 0);
    core::Result<core::Fd> c = co_await incoming.next();
    EXPECT_FALSE(c.ok());
    if (!c) {
      EXPECT_EQ(c.error(), core::err::mfile);
    }
    ::close(filler.back());
    filler.pop_back();
    c = co_await incoming.next();
    EXPECT_TRUE(c.ok()) << (c ? "" : c.error().name());
    if (c) {
      EXPECT_EQ(PeerPort(c->get()), LocalPort(client));
    }
    for (int fd : filler) ::close(fd);
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  }());
  ::close(client);
}

TEST_P(MultishotTest, StopTokenCancelsAndNextStartsAgain) {
  Listener l;
  rt().block_on([&]() -> Task<> {
    MultishotAccept incoming(l.fd);
    auto waiting = [&]() -> Task<core::Result<core::Fd>> { co_return co_await incoming.next(); };
    JoinHandle<core::Result<core::Fd>> h = rt().spawn(waiting());
    co_await zring::nop();
    h.cancel();
    core::Result<core::Fd> r = co_await h;
    EXPECT_FALSE(r.ok());
    int client = l.Connect();
    core::Result<core::Fd> c = co_await incoming.next();
    EXPECT_TRUE(c.ok());
    ::close(client);
  }());
}

// --- receive ----------------------------------------------------------------

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
  return s;
}

TEST_P(MultishotTest, ReceivesEverythingThroughTwoSmallBuffers) {
  SocketPair p;
  const std::string sent = Pattern(1000);
  rt().block_on([&]() -> Task<> {
    auto group = BufferGroup::Create(7, 2, 16);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    MultishotRecv received(p.a, **group);
    // All of it is there before the first next(): the two buffers run dry
    // and the kernel ends the request with ENOBUFS, which the stream turns
    // into a re-arm because the caller keeps giving buffers back.
    EXPECT_EQ(::write(p.b, sent.data(), sent.size()), static_cast<ssize_t>(sent.size()));
    ::shutdown(p.b, SHUT_WR);
    std::string got;
    for (;;) {
      core::Result<Buffer> b = co_await received.next();
      EXPECT_TRUE(b.ok()) << b.error().name();
      if (!b || b->size() == 0) break;
      EXPECT_LE(b->size(), 16u);
      got.append(b->data(), b->size());
    }
    EXPECT_EQ(got, sent);
  }());
}

TEST_P(MultishotTest, EnobufsReachesACallerHoldingEveryBuffer) {
  SocketPair p;
  rt().block_on([&]() -> Task<> {
    auto group = BufferGroup::Create(8, 2, 16);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    MultishotRecv received(p.a, **group);
    std::string sent = Pattern(64);
    EXPECT_EQ(::write(p.b, sent.data(), sent.size()), 64);
    core::Result<Buffer> b1 = co_await received.next();
    core::Result<Buffer> b2 = co_await received.next();
    EXPECT_TRUE(b1.ok() && b2.ok());
    core::Result<Buffer> b3 = co_await received.next();
    EXPECT_FALSE(b3.ok());
    if (!b3) {
      EXPECT_EQ(b3.error(), core::err::nobufs);
    }
    // Give the buffers back: the rest of the data comes through.
    std::string got(b1->data(), b1->size());
    got.append(b2->data(), b2->size());
    *b1 = Buffer();
    *b2 = Buffer();
    while (got.size() < sent.size()) {
      core::Result<Buffer> b = co_await received.next();
      EXPECT_TRUE(b.ok());
      if (!b || b->size() == 0) break;
      got.append(b->data(), b->size());
    }
    EXPECT_EQ(got, sent);
  }());
}

TEST_P(MultishotTest, DestroyedStreamGivesBuffersBack) {
  SocketPair p;
  rt().block_on([&]() -> Task<> {
    auto group = BufferGroup::Create(9, 2, 16);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    std::string sent = Pattern(64);
    {
      MultishotRecv received(p.a, **group);
      EXPECT_EQ(::write(p.b, sent.data(), 48), 48);
      core::Result<Buffer> b = co_await received.next();
      EXPECT_TRUE(b.ok());
      // Destroyed with a buffer possibly waiting in its queue.
    }
    // Both buffers are free again: a new stream can hold two at once.
    EXPECT_EQ(::write(p.b, sent.data(), 64), 64);
    MultishotRecv again(p.a, **group);
    core::Result<Buffer> x = co_await again.next();
    core::Result<Buffer> y = co_await again.next();
    EXPECT_TRUE(x.ok()) << x.error().name();
    EXPECT_TRUE(y.ok()) << y.error().name();
  }());
}

TEST_P(MultishotTest, ResetPeerReachesTheCaller) {
  Listener l;
  rt().block_on([&]() -> Task<> {
    int client = l.Connect();
    core::Result<core::Fd> server = co_await zring::accept(l.fd);
    EXPECT_TRUE(server.ok());
    if (!server) co_return;
    auto group = BufferGroup::Create(10, 4, 64);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    MultishotRecv received(server->get(), **group);
    EXPECT_EQ(::write(client, "hi", 2), 2);
    core::Result<Buffer> b = co_await received.next();
    EXPECT_TRUE(b.ok());
    if (b) {
      EXPECT_EQ(std::string(b->data(), b->size()), "hi");
    }
    linger lg{1, 0};
    ::setsockopt(client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::close(client);
    core::Result<Buffer> r = co_await received.next();
    EXPECT_FALSE(r.ok());
    if (!r) {
      EXPECT_EQ(r.error(), core::err::connreset);
    }
  }());
}

// Tasks waiting in next() are cancelled at every point of a stream of
// connections; every connection is taken by somebody or closed with the
// stream, and no fd outlives the test.
TEST_P(MultishotTest, CancelledWaitersNeverLeak) {
  Listener l;
  int before = CountOpenFds();
  rt().block_on([&]() -> Task<> {
    MultishotAccept incoming(l.fd);
    std::vector<int> clients;
    unsigned seed = 12345;
    for (int i = 0; i < 200; ++i) {
      auto waiting = [&]() -> Task<core::Result<core::Fd>> { co_return co_await incoming.next(); };
      JoinHandle<core::Result<core::Fd>> h = rt().spawn(waiting());
      seed = seed * 1103515245 + 12345;
      if (seed & 0x100) clients.push_back(l.Connect());
      for (unsigned k = (seed >> 9) & 3; k > 0; --k) co_await zring::nop();
      h.cancel();
      (void)co_await h;  // a connection, or ECANCELED
    }
    for (int c : clients) ::close(c);
  }());
  EXPECT_EQ(CountOpenFds(), before);
}

// next(), noting as its coroutine resumes, before the entry is taken,
// whether the runtime has cancelled the request yet (Cancel() sets
// cancel_requested).
struct NextNotingCancel {
  MultishotRecv::Next inner;
  const MultishotRecv* stream;
  bool* cancelled_at_resume;
  bool await_ready() noexcept { return inner.await_ready(); }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    return inner.await_suspend(h);
  }
  auto await_resume() noexcept {
    *cancelled_at_resume = stream->cancel_requested;
    return inner.await_resume();
  }
};

// A task (A) waits in next(); its token is stopped from another thread
// (by B) while A is already queued to resume with a result. The stop
// callback only queues the cancel for the runtime's next turn, and A,
// resuming first, takes its entry and drops the callback, which withdraws
// the queued request. The request must still end, on the spot, not run on
// until A's next next(). io_uring only: on
// the poll backend each next() is one operation, over by the time its
// waiter resumes, so there is nothing left to cancel.
TEST_P(MultishotTest, RemoteStopWithdrawnAfterATakenEntryStillCancels) {
  if (GetParam() != BackendKind::kUring) {
    GTEST_SKIP() << "io_uring only: the poll backend runs one operation per next()";
  }
  SocketPair p;
  // Recorded in the runtime, checked once it is done.
  bool armed = false;                  // one multishot request, in the kernel
  bool stopped = false;                // B has stopped A's token
  bool stopped_before_take = false;    // ... before A took its entry
  bool cancelled_at_resume = true;     // the runtime acted on the stop first
  std::string first;                   // what A took
  size_t in_flight_after_stop = 0;
  std::string left_in_socket;          // sent after the stop, not consumed
  bool next_ran = false;
  core::Result<size_t> next_result = size_t{0};
  rt().block_on([&]() -> Task<> {
    auto group = BufferGroup::Create(11, 4, 64);
    EXPECT_TRUE(group.ok());
    if (!group) co_return;
    MultishotRecv received(p.a, **group);
    // A waits in next() under its task's token, through the stream's own
    // stop callback.
    auto reader = [&]() -> Task<> {
      core::Result<Buffer> b =
          co_await NextNotingCancel{received.next(), &received, &cancelled_at_resume};
      stopped_before_take = stopped;
      if (b && b->size() > 0) first.assign(b->data(), b->size());
    };
    JoinHandle<void> a = rt().spawn(reader());
    co_await zring::yield();  // A arms the request
    co_await zring::yield();  // a Turn submits it: the kernel waits for data
    armed = received.multishot && rt().uring()->in_flight() == 1;
    if (!armed) {
      a.cancel();
      co_await a;
      co_return;
    }
    // B writes and yields in one batch, so it is queued before the Turn
    // that reaps A's completion: in the next batch B runs, then A, with no
    // DrainRemote() between them.
    auto stopper = [&]() -> Task<> {
      EXPECT_EQ(::write(p.b, "first", 5), 5);
      co_await zring::yield();
      // From another thread: the callback queues the cancel, runs none.
      std::thread([&] { a.cancel(); }).join();
      stopped = true;
    };
    co_await rt().spawn(stopper());
    co_await a;
    for (int i = 0; i < 3; ++i) co_await zring::nop();
    in_flight_after_stop = rt().uring()->in_flight();
    // A request still running would take this into a buffer.
    EXPECT_EQ(::write(p.b, "late", 4), 4);
    for (int i = 0; i < 3; ++i) co_await zring::nop();
    char buf[16];
    ssize_t n = ::recv(p.a, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) left_in_socket.assign(buf, static_cast<size_t>(n));
    // next() would wait forever on a request that runs and took nothing.
    if (rt().uring()->in_flight() == 0 || left_in_socket.empty()) {
      next_ran = true;
      core::Result<Buffer> r = co_await received.next();
      if (r) {
        next_result = r->size();
      } else {
        next_result = r.error();
      }
    }
  }());
  if (!armed) GTEST_SKIP() << "this kernel has no multishot recv";
  // The interleaving happened: stopped from another thread while A was
  // queued, acted on by nobody before A took its entry.
  ASSERT_TRUE(stopped_before_take) << "B did not stop the token before A resumed";
  ASSERT_FALSE(cancelled_at_resume) << "the runtime cancelled before A took its entry";
  EXPECT_EQ(first, "first");
  // The stop was not lost: the request ended without another next().
  EXPECT_EQ(in_flight_after_stop, 0u);
  EXPECT_EQ(left_in_socket, "late");
  EXPECT_TRUE(next_ran);
  EXPECT_FALSE(next_result.ok()) << "next() returned " << *next_result << " bytes";
  if (!next_result) {
    EXPECT_EQ(next_result.error(), core::err::canceled);
  }
}

// An operation armed as multishot whose OpKind has its own deliver hook
// gets both CQEs of a send_zc itself: the result first (not final), then
// the notification (final), and nothing reaches MultishotBase.
struct RecordingZcSend : detail::OpBase {
  const void* buf = nullptr;
  size_t len = 0;
  struct Seen {
    int32_t res;
    uint32_t flags;
    bool final;
  };
  std::vector<Seen> seen;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<RecordingZcSend*>(b);
    ring::prep_send_zc(sqe, o->fd, o->buf, o->len, MSG_NOSIGNAL);
  }
  static long Attempt(detail::OpBase*) noexcept { return -EOPNOTSUPP; }
  static void Deliver(detail::OpBase* b, int32_t res, uint32_t flags, bool final,
                      detail::ReadyQueue& ready) noexcept {
    auto* o = static_cast<RecordingZcSend*>(b);
    o->seen.push_back({res, flags, final});
    if (final) ready.Push(o->waiter);
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, nullptr, 0, ring::abi::Op::kSendZc,
                                        &Deliver};
  RecordingZcSend() { kind = &kKind; }
};
struct AwaitFinal {
  RecordingZcSend* op;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) noexcept {
    op->multishot = true;
    return detail::StartOp(op, h);
  }
  void await_resume() const noexcept {}
};

TEST_P(MultishotTest, DeliverHookGetsSendZcResultThenNotification) {
  if (GetParam() != BackendKind::kUring) GTEST_SKIP() << "io_uring only: poll never arms multishot";
  Listener l;
  int client = l.Connect();
  int server = ::accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(server, 0);
  RecordingZcSend op;
  rt().block_on([&]() -> Task<> {
    op.fd = client;
    op.buf = "zero-copy";
    op.len = 9;
    co_await AwaitFinal{&op};
  }());
  ASSERT_EQ(op.seen.size(), 2u);
  EXPECT_EQ(op.seen[0].res, 9);
  EXPECT_FALSE(op.seen[0].final);
  EXPECT_TRUE(op.seen[0].flags & ring::abi::kCqeFMore);
  EXPECT_TRUE(op.seen[1].final);
  EXPECT_TRUE(op.seen[1].flags & ring::abi::kCqeFNotif);
  EXPECT_EQ(op.state, detail::OpState::kDone);
  EXPECT_EQ(rt().uring()->in_flight(), 0u);
  char got[9];
  EXPECT_EQ(::recv(server, got, sizeof got, MSG_WAITALL), 9);
  EXPECT_EQ(std::string(got, 9), "zero-copy");
  ::close(server);
  ::close(client);
}

}  // namespace
}  // namespace zring::testing
