// The executor and the operations, on both backends.
#include "zring/runtime/runtime.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <future>
#include <memory>
#include <vector>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"
#include "zring/runtime/ops.h"

namespace zring {
namespace {

using ::zring::testing::CountOpenFds;
using ::zring::testing::Pipe;

using namespace std::chrono_literals;
using testing::BackendTest;

TEST_P(BackendTest, BlockOnReturnsTheValue) {
  auto answer = []() -> Task<int> { co_return 42; };
  EXPECT_EQ(rt().block_on(answer()), 42);
}

TEST_P(BackendTest, ExceptionsReachTheAwaiter) {
  auto fails = []() -> Task<int> {
    throw std::runtime_error("boom");
    co_return 0;
  };
  auto outer = [&]() -> Task<std::string> {
    try {
      co_await fails();
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "no exception";
  };
  EXPECT_EQ(rt().block_on(outer()), "boom");
}

TEST_P(BackendTest, NopCompletes) {
  auto body = []() -> Task<bool> { co_return (co_await nop()).ok(); };
  EXPECT_TRUE(rt().block_on(body()));
}

TEST_P(BackendTest, PipeWriteThenRead) {
  Pipe p;
  auto body = [&]() -> Task<std::string> {
    auto w = co_await write(p.w, "hello", 5);
    EXPECT_TRUE(w.ok());
    char buf[16] = {};
    auto r = co_await read(p.r, buf, sizeof buf);
    if (!r) co_return std::string("error: ") + r.error().name();
    co_return std::string(buf, *r);
  };
  EXPECT_EQ(rt().block_on(body()), "hello");
}

TEST_P(BackendTest, ReadWaitsForAWriterTask) {
  Pipe p;
  auto reader = [&]() -> Task<std::string> {
    char buf[16] = {};
    auto r = co_await read(p.r, buf, sizeof buf);
    co_return r ? std::string(buf, *r) : std::string(r.error().name());
  };
  auto writer = [&]() -> Task<> {
    co_await sleep_for(1ms);
    (void)co_await write(p.w, "late", 4);
  };
  auto body = [&]() -> Task<std::string> {
    JoinHandle<std::string> r = rt().spawn(reader());
    JoinHandle<void> w = rt().spawn(writer());
    std::string got = co_await r;
    co_await w;
    co_return got;
  };
  EXPECT_EQ(rt().block_on(body()), "late");
}

TEST_P(BackendTest, SleepWaitsAtLeastItsDuration) {
  auto body = []() -> Task<std::chrono::nanoseconds> {
    auto start = std::chrono::steady_clock::now();
    auto r = co_await sleep_for(5ms);
    EXPECT_TRUE(r.ok());
    co_return std::chrono::steady_clock::now() - start;
  };
  EXPECT_GE(rt().block_on(body()), 5ms);
}

TEST_P(BackendTest, TimeoutFiresOnAReadThatNeverCompletes) {
  Pipe p;
  auto body = [&]() -> Task<core::Result<size_t>> {
    char buf[4];
    co_return co_await read(p.r, buf, sizeof buf).timeout(2ms);
  };
  core::Result<size_t> r = rt().block_on(body());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::timedout);
}

// A sleep with a timeout ends at the earlier of the two: ETIMEDOUT when the
// timeout comes first, success when the sleep does.
TEST_P(BackendTest, ASleepEndsAtTheEarlierOfItselfAndItsTimeout) {
  auto body = [&]() -> Task<std::pair<core::Result<void>, core::Result<void>>> {
    core::Result<void> cut = co_await zring::sleep_for(60s).timeout(1ms);
    core::Result<void> slept = co_await zring::sleep_for(1ms).timeout(60s);
    co_return std::make_pair(cut, slept);
  };
  auto [cut, slept] = rt().block_on(body());
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error(), core::err::timedout);
  EXPECT_TRUE(slept.ok()) << slept.error().name();
}

TEST_P(BackendTest, TimeoutDoesNotFireWhenTheReadCompletes) {
  Pipe p;
  ASSERT_EQ(::write(p.w, "x", 1), 1);
  auto body = [&]() -> Task<core::Result<size_t>> {
    char buf[4];
    co_return co_await with_timeout(read(p.r, buf, sizeof buf), 10s);
  };
  core::Result<size_t> r = rt().block_on(body());
  ASSERT_TRUE(r.ok()) << r.error().name();
  EXPECT_EQ(*r, 1u);
}

TEST_P(BackendTest, JoinHandleCancelStopsABlockedRead) {
  Pipe p;
  auto reader = [&]() -> Task<core::Result<size_t>> {
    char buf[4];
    co_return co_await read(p.r, buf, sizeof buf);
  };
  auto body = [&]() -> Task<core::Result<size_t>> {
    JoinHandle<core::Result<size_t>> h = rt().spawn(reader());
    co_await yield();  // the reader starts and blocks
    h.cancel();
    co_return co_await h;
  };
  core::Result<size_t> r = rt().block_on(body());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::canceled);
}

TEST_P(BackendTest, CancelOnAStopTokenFromAnotherThread) {
  Pipe p;
  std::stop_source source;
  auto body = [&]() -> Task<core::Result<size_t>> {
    char buf[4];
    std::stop_token token = source.get_token();
    co_return co_await read(p.r, buf, sizeof buf).cancel_on(token);
  };
  std::thread canceller([&] {
    std::this_thread::sleep_for(2ms);
    source.request_stop();
  });
  core::Result<size_t> r = rt().block_on(body());
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::err::canceled);
}

TEST_P(BackendTest, DestroyingATaskWithAReadInFlightIsSafe) {
  Pipe p;
  std::vector<char>* buffer = new std::vector<char>(64);
  auto reader = [&]() -> Task<> {
    (void)co_await read(p.r, buffer->data(), buffer->size());
  };
  {
    Task<> t = reader();
    auto h = t.handle();
    detail::CurrentRuntime guard(&rt());
    h.resume();  // starts the read, which suspends
    EXPECT_FALSE(h.done());
  }  // the task is destroyed here: the read is cancelled and drained
  delete buffer;
  // A write now must not land in the freed buffer (asan would say so).
  ASSERT_EQ(::write(p.w, "data", 4), 4);
  char check[8];
  EXPECT_EQ(::read(p.r, check, sizeof check), 4);
}

TEST_P(BackendTest, AcceptedFdOfADestroyedTaskIsClosed) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);

  int before = CountOpenFds();
  auto acceptor = [&]() -> Task<> { (void)co_await accept(listener); };
  int client = -1;
  {
    Task<> t = acceptor();
    detail::CurrentRuntime guard(&rt());
    t.handle().resume();
    // The connection arrives while the task dies: accept may win the race
    // against the cancel, and then the runtime must close what it got.
    client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ::close(client);
  EXPECT_EQ(CountOpenFds(), before);
  ::close(listener);
}

TEST_P(BackendTest, OpenatStatxClose) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/zring_openat_" +
                     std::to_string(::getpid());
  auto body = [&]() -> Task<int64_t> {
    auto fd = co_await openat(AT_FDCWD, path.c_str(), O_CREAT | O_RDWR, 0600);
    if (!fd) co_return -1;
    (void)co_await write(fd->get(), "abcdef", 6, 0);
    core::Statx st{};
    auto s = co_await zring::statx(AT_FDCWD, path.c_str(), 0, 0x7ff, &st);
    if (!s) co_return -2;
    auto c = co_await close(*fd);
    if (!c) co_return -3;
    co_return static_cast<int64_t>(st.size);
  };
  EXPECT_EQ(rt().block_on(body()), 6);
  ::unlink(path.c_str());
}

TEST_P(BackendTest, TcpRoundTrip) {
  auto body = [&]() -> Task<std::string> {
    auto lfd = co_await socket(AF_INET, SOCK_STREAM);
    if (!lfd) co_return "socket";
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(lfd->get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(lfd->get(), 4);
    socklen_t len = sizeof addr;
    ::getsockname(lfd->get(), reinterpret_cast<sockaddr*>(&addr), &len);
    auto cfd = co_await socket(AF_INET, SOCK_STREAM);
    if (!cfd) co_return "client socket";

    auto server = [&]() -> Task<> {
      auto conn = co_await accept(lfd->get());
      if (!conn) co_return;
      char buf[64];
      auto n = co_await recv(conn->get(), buf, sizeof buf);
      if (n) (void)co_await send(conn->get(), buf, *n);
    };
    JoinHandle<void> s = rt().spawn(server());
    auto c = co_await connect(cfd->get(), &addr, sizeof addr);
    if (!c) co_return std::string("connect ") + c.error().name();
    (void)co_await send(cfd->get(), "ping", 4);
    char buf[8] = {};
    auto n = co_await recv(cfd->get(), buf, sizeof buf);
    co_await s;
    co_return n ? std::string(buf, *n) : std::string("recv");
  };
  EXPECT_EQ(rt().block_on(body()), "ping");
}

TEST_P(BackendTest, ErrorsComeBackAsValues) {
  auto body = []() -> Task<core::Errno> {
    char buf[4];
    auto r = co_await read(-5, buf, sizeof buf);
    co_return r.error();
  };
  EXPECT_EQ(rt().block_on(body()), core::err::badf);
}

TEST_P(BackendTest, DetachedFailureIsReported) {
  auto fails = []() -> Task<> {
    throw std::runtime_error("detached boom");
    co_return;
  };
  auto body = [&]() -> Task<> {
    { JoinHandle<void> h = rt().spawn(fails()); }  // dropped: detached
    co_await yield();  // the spawned task runs (and fails) before we resume
  };
  rt().block_on(body());
  EXPECT_EQ(rt().unhandled_failures(), 1u);
}

TEST_P(BackendTest, BackendInfoSaysWhich) {
  EXPECT_FALSE(rt().backend_info().reason.empty());
  if (GetParam() == BackendKind::kUring) {
    EXPECT_NE(rt().backend_info().reason.find("io_uring"), std::string::npos);
  } else {
    EXPECT_NE(rt().backend_info().reason.find("poll"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

// A runtime on io_uring with `entries` SQEs and a CQ of up to `cq_entries`.
std::unique_ptr<Runtime> UringRuntime(unsigned entries, unsigned cq_entries) {
  RuntimeOptions options;
  options.backend = BackendKind::kUring;
  options.entries = entries;
  options.cq_entries = cq_entries;
  auto rt = Runtime::Create(options);
  EXPECT_TRUE(rt.ok()) << rt.error().name();
  if (!rt) return nullptr;
  EXPECT_NE((*rt)->uring(), nullptr);
  return (*rt)->uring() ? std::move(*rt) : nullptr;
}

// Reads one byte from `fd`, expects `want`, and counts itself in *done.
Task<> ReadOneByte(int fd, char want, int* done) {
  char c = 0;
  core::Result<size_t> n = co_await zring::read(fd, &c, 1);
  EXPECT_TRUE(n.ok());
  EXPECT_EQ(c, want);
  ++*done;
}

// Backpressure (DESIGN.md, invariant 4): with a CQ of 8 entries at most 4
// operations are in the kernel; the rest wait in the runtime's queue, none
// fails, and each starts as earlier ones complete.
TEST(UringBackpressure, NeverMoreInTheKernelThanTheCqHolds) {
  std::unique_ptr<Runtime> rt = UringRuntime(4, 8);
  ASSERT_NE(rt, nullptr);
  detail::UringBackend* u = rt->uring();
  EXPECT_EQ(u->max_in_kernel(), 4u);
  constexpr int kReaders = 20;
  std::vector<std::unique_ptr<testing::Pipe>> pipes;
  for (int i = 0; i < kReaders; ++i) pipes.push_back(std::make_unique<testing::Pipe>());
  unsigned most_in_kernel = 0;
  int done = 0;
  rt->block_on([&]() -> Task<> {
    std::vector<JoinHandle<void>> handles;
    for (int i = 0; i < kReaders; ++i) {
      handles.push_back(rt->spawn(ReadOneByte(pipes[i]->r, 'x', &done)));
    }
    // Let every reader start and the loop submit what it may.
    for (int i = 0; i < 3; ++i) {
      co_await zring::yield();
      most_in_kernel = std::max(most_in_kernel, u->in_kernel());
    }
    EXPECT_EQ(u->in_flight(), static_cast<size_t>(kReaders));  // queued or in the kernel
    // Feed them last first: queued readers get their turn as others finish.
    for (int i = kReaders; i-- > 0;) {
      EXPECT_EQ(::write(pipes[i]->w, "x", 1), 1);
      co_await zring::yield();
      most_in_kernel = std::max(most_in_kernel, u->in_kernel());
    }
    for (JoinHandle<void>& h : handles) co_await h;
  }());
  EXPECT_EQ(done, kReaders);
  EXPECT_LE(most_in_kernel, 4u);
  EXPECT_GT(most_in_kernel, 0u);
}

// The CQ starts at twice the SQ and doubles as operations pile up,
// up to RuntimeOptions::cq_entries; past that they queue, and never are
// more in the kernel than the CQ holds.
TEST(UringBackpressure, TheCqGrowsUpToItsLimit) {
  std::unique_ptr<Runtime> rt = UringRuntime(4, 64);
  ASSERT_NE(rt, nullptr);
  detail::UringBackend* u = rt->uring();
  if (u->cq_limit() == u->ring().cq_entries()) {
    GTEST_SKIP() << "the ring cannot be resized here: " << rt->backend_info().reason;
  }
  EXPECT_EQ(u->ring().cq_entries(), 8u);
  EXPECT_EQ(u->cq_limit(), 64u);
  EXPECT_NE(rt->backend_info().reason.find("CQ 8 growing to 64"), std::string::npos)
      << rt->backend_info().reason;
  constexpr int kReaders = 40;
  std::vector<std::unique_ptr<testing::Pipe>> pipes;
  for (int i = 0; i < kReaders; ++i) pipes.push_back(std::make_unique<testing::Pipe>());
  int done = 0;
  unsigned in_kernel_when_all_started = 0;
  rt->block_on([&]() -> Task<> {
    std::vector<JoinHandle<void>> handles;
    for (int i = 0; i < kReaders; ++i) {
      handles.push_back(rt->spawn(ReadOneByte(pipes[i]->r, 'y', &done)));
    }
    for (int i = 0; i < 3; ++i) co_await zring::yield();
    in_kernel_when_all_started = u->in_kernel();
    EXPECT_EQ(u->in_flight(), static_cast<size_t>(kReaders));
    EXPECT_EQ(u->ring().cq_entries(), 64u);
    EXPECT_EQ(u->max_in_kernel(), 32u);
    for (int i = 0; i < kReaders; ++i) EXPECT_EQ(::write(pipes[i]->w, "y", 1), 1);
    for (JoinHandle<void>& h : handles) co_await h;
  }());
  EXPECT_EQ(in_kernel_when_all_started, 32u);  // the other 8 queued
  EXPECT_EQ(done, kReaders);
  EXPECT_EQ(u->in_flight(), 0u);
}

// The io_uring backend resumes a coroutine as soon as its CQE is read, with
// later CQEs of the batch still in the CQ. Here the resumed coroutine
// destroys another whose read's CQE is the next one: the read is abandoned,
// and its CQE must be taken exactly once, by the abandoning drain, never
// again by the reap loop that resumed the first (asan: a freed frame).
TEST(UringReap, AResumedCoroutineMayDestroyOneWhoseCqeIsNext) {
  std::unique_ptr<Runtime> rt = UringRuntime(RuntimeOptions{}.entries,
                                             RuntimeOptions{}.cq_entries);
  ASSERT_NE(rt, nullptr);
  detail::UringBackend* u = rt->uring();
  Pipe p;
  auto reader = [](int fd, char* c) -> Task<> { (void)co_await zring::read(fd, c, 1); };
  char got = 0;
  unsigned cqes_left = 0;
  size_t in_flight_after = 1;
  rt->block_on([&]() -> Task<> {
    Task<> other = reader(p.r, &got);
    rt->Schedule(other.handle());
    co_await zring::yield();  // the reader starts: its read waits on the empty pipe
    // The write completes while it is submitted, the read it wakes a moment
    // later in the same wait: two CQEs, the write's first.
    core::Result<size_t> n = co_await zring::write(p.w, "x", 1);
    EXPECT_TRUE(n.ok());
    cqes_left = u->ring().cq_ready();
    other = Task<>();  // destroyed with its read completed but not reaped
    in_flight_after = u->in_flight();
    co_await zring::nop();
  }());
  EXPECT_EQ(cqes_left, 1u) << "the read's CQE was not waiting behind the write's";
  EXPECT_EQ(in_flight_after, 0u);
  EXPECT_EQ(u->in_flight(), 0u);
  EXPECT_EQ(u->ring().cq_ready(), 0u);
}

// Coroutines resumed from the reap submit as they go (the SQ of 4 fills
// and is flushed), and NOPs complete at once: CQEs keep arriving while the
// loop runs. It must still end with the CQEs it found, or a task waiting in
// the ready queue (here, one that yields) would wait for all the NOPs.
TEST(UringReap, ATurnEndsWhileCompletionsKeepComing) {
  std::unique_ptr<Runtime> rt = UringRuntime(4, 64);
  ASSERT_NE(rt, nullptr);
  constexpr int kTasks = 16;
  constexpr long kNops = 2000;
  long nops = 0;
  long nops_when_the_yielder_ran = -1;
  rt->block_on([&]() -> Task<> {
    auto nopper = [&]() -> Task<> {
      for (long i = 0; i < kNops; ++i) {
        EXPECT_TRUE((co_await zring::nop()).ok());
        ++nops;
      }
    };
    auto yielder = [&]() -> Task<> {
      co_await zring::yield();
      co_await zring::yield();
      nops_when_the_yielder_ran = nops;
    };
    std::vector<JoinHandle<void>> handles;
    for (int i = 0; i < kTasks; ++i) handles.push_back(rt->spawn(nopper()));
    handles.push_back(rt->spawn(yielder()));
    for (JoinHandle<void>& h : handles) co_await h;
  }());
  EXPECT_EQ(nops, kTasks * kNops);
  EXPECT_GE(nops_when_the_yielder_ran, 0);
  EXPECT_LT(nops_when_the_yielder_ran, kTasks * kNops / 10)
      << "the yielder ran only after " << nops_when_the_yielder_ran << " NOPs";
}

// The poll backend's two ways to wait: epoll (Linux's default) and poll(2)
// (what hosts without epoll use); backend_info() says which.
TEST(PollReadiness, BackendInfoNamesTheWayItWaits) {
  for (bool poll_syscall : {false, true}) {
    RuntimeOptions options;
    options.backend = BackendKind::kPoll;
    options.poll_syscall = poll_syscall;
    auto rt = Runtime::Create(options);
    ASSERT_TRUE(rt.ok()) << rt.error().name();
    const std::string& reason = (*rt)->backend_info().reason;
    EXPECT_NE(reason.find(poll_syscall ? "poll(2) readiness" : "epoll readiness"),
              std::string::npos)
        << reason;
    testing::Pipe p;
    std::string got;
    (*rt)->block_on([&]() -> Task<> {
      auto reader = [&]() -> Task<> {
        char buf[8] = {};
        core::Result<size_t> n = co_await zring::read(p.r, buf, sizeof buf);
        if (n) got.assign(buf, *n);
      };
      JoinHandle<void> h = (*rt)->spawn(reader());
      co_await zring::yield();
      EXPECT_EQ(::write(p.w, "ready", 5), 5);
      co_await h;
    }());
    EXPECT_EQ(got, "ready");
  }
}

// Parking (RuntimeOptions::spin): a post() from another thread that lands
// while the loop spins ends the spin. It must not be drained by the spin
// and then slept through: the loop would wait for a wake that already
// came. The spin is 10 s, so the post lands inside it; a second wake after
// 30 s turns a lost wake into a failure instead of a hang.
TEST(Parking, AWakeDuringTheSpinIsNotLost) {
  struct Way {
    BackendKind backend;
    bool poll_syscall;
    const char* name;
  };
  for (Way way : {Way{BackendKind::kUring, false, "io_uring"}, Way{BackendKind::kPoll, false, "epoll"},
                  Way{BackendKind::kPoll, true, "poll(2)"}}) {
    SCOPED_TRACE(way.name);
    RuntimeOptions options;
    options.backend = way.backend;
    options.poll_syscall = way.poll_syscall;
    options.spin = 10s;
    auto created = Runtime::Create(options);
    ASSERT_TRUE(created.ok()) << created.error().name();
    Runtime* rt = created->get();

    std::promise<std::coroutine_handle<>> parked;
    std::promise<void> resumed;
    bool rescued = false;
    std::thread poster([&] {
      rt->post(parked.get_future().get());
      if (resumed.get_future().wait_for(30s) == std::future_status::timeout) {
        rescued = true;
        rt->post(std::noop_coroutine());
      }
    });
    struct Park {
      std::promise<std::coroutine_handle<>>* to;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<> h) { to->set_value(h); }
      void await_resume() const noexcept {}
    };
    rt->block_on([&]() -> Task<> {
      co_await Park{&parked};
      resumed.set_value();
    }());
    poster.join();
    EXPECT_FALSE(rescued) << "the wake was lost: the loop slept until a second one";
  }
}

}  // namespace
}  // namespace zring
