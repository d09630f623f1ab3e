// ZeroCopySender on both backends: buffers released only after their
// notification (the receiver sees every original pattern although each
// buffer is rewritten as soon as its release is reported), flush(),
// destruction with notifications outstanding, a reset peer, and which path
// send_adaptive() takes.
#include "zring/net/zero_copy.h"

#include <poll.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/net/net_fixtures.h"
#include "tests/runtime/backends.h"
#include "zring/net/tcp_listener.h"
#include "zring/net/tcp_stream.h"
#include "zring/runtime/runtime.h"

namespace zring::testing {
namespace {

using net::TcpListener;
using net::TcpStream;
using net::ZeroCopySender;
using net::ZeroCopyStats;

class ZeroCopyTest : public BackendTest {};
INSTANTIATE_TEST_SUITE_P(Backends, ZeroCopyTest, ::testing::ValuesIn(kBackends), BackendName);

uint8_t PatternByte(uint32_t message, size_t j) {
  return static_cast<uint8_t>(message * 131u + j * 7u + (j >> 8));
}
void FillPattern(uint8_t* p, size_t size, uint32_t message) {
  for (size_t j = 0; j < size; ++j) p[j] = PatternByte(message, j);
}
// Empty when `p` holds message `message`, else where it differs.
std::string CheckPattern(const uint8_t* p, size_t size, uint32_t message) {
  for (size_t j = 0; j < size; ++j) {
    if (p[j] != PatternByte(message, j)) {
      return "message " + std::to_string(message) + " differs at byte " + std::to_string(j);
    }
  }
  return "";
}

// Reads `count` messages of `size` bytes, numbered from 0; empty when all
// arrived intact. On a mismatch it closes the socket with data unread, so
// the peer's sends fail (RST) instead of waiting for a reader that left.
Task<std::string> ReceivePatterns(TcpStream& s, uint32_t count, size_t size) {
  std::vector<uint8_t> got(size);
  for (uint32_t i = 0; i < count; ++i) {
    core::Result<void> r = co_await s.read_exact(got.data(), size);
    if (!r) co_return "read " + std::to_string(i) + ": " + r.error().name();
    std::string bad = CheckPattern(got.data(), size, i);
    if (!bad.empty()) {
      (void)s.close();
      co_return bad;
    }
  }
  co_return "";
}

struct Connection {
  TcpStream client;
  TcpStream server;
};
Task<core::Result<Connection>> Connect(TcpListener& l) {
  auto client = co_await TcpStream::connect(AddressOf(l));
  if (!client) co_return client.error();
  auto server = co_await l.accept();
  if (!server) co_return server.error();
  co_return Connection{std::move(*client), std::move(*server)};
}

// A set of buffers whose releases the sender reports.
struct Buffers {
  explicit Buffers(size_t n, size_t size) : size(size) {
    for (size_t i = 0; i < n; ++i) {
      storage.push_back(std::make_unique<uint8_t[]>(size));
      free.push_back(true);
    }
  }
  static void Released(void* self, const void* buf, size_t len) noexcept {
    auto* b = static_cast<Buffers*>(self);
    ++b->releases;
    for (size_t i = 0; i < b->storage.size(); ++i) {
      if (b->storage[i].get() == buf) {
        if (b->free[i] || len != b->size) ++b->bad_releases;  // twice, or wrong length
        b->free[i] = true;
        return;
      }
    }
    ++b->bad_releases;  // a pointer we never sent
  }
  net::ZeroCopyOptions Options() { return {.on_release = &Released, .context = this}; }
  // A released buffer, now taken; -1 when every one is in flight.
  int Take() {
    for (size_t i = 0; i < free.size(); ++i) {
      if (free[i]) {
        free[i] = false;
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  size_t size;
  std::vector<std::unique_ptr<uint8_t[]>> storage;
  std::vector<bool> free;
  int releases = 0;
  int bad_releases = 0;
};

TEST_P(ZeroCopyTest, BuffersRewrittenRightAfterReleaseNeverCorruptTheStream) {
  constexpr uint32_t kMessages = 48;
  constexpr size_t kSize = 64 * 1024;
  TcpListener l = LoopbackListener();
  Buffers bufs(3, kSize);
  ZeroCopyStats stats;
  auto body = [&]() -> Task<std::string> {
    auto c = co_await Connect(l);
    if (!c) co_return std::string("connect ") + c.error().name();
    // A receive window smaller than a message and a send buffer larger
    // than all three: a send's result arrives while most of its bytes still
    // wait in the socket, still read from the caller's pages. A buffer
    // rewritten then would corrupt the stream.
    if (!c->server.set_recv_buffer_size(32768) || !c->client.set_send_buffer_size(1 << 20)) {
      co_return "options";
    }
    JoinHandle<std::string> receiver =
        Runtime::current()->spawn(ReceivePatterns(c->server, kMessages, kSize));
    ZeroCopySender zc(c->client, bufs.Options());
    for (uint32_t i = 0; i < kMessages; ++i) {
      int b = bufs.Take();
      while (b < 0) {
        // Every buffer is still borrowed by the kernel: wait for one.
        if (auto f = co_await zc.flush(bufs.storage.size() - 1); !f) {
          co_return std::string("flush ") + f.error().name();
        }
        if (zc.outstanding() > bufs.storage.size() - 1) co_return "flush(n) woke too early";
        b = bufs.Take();
      }
      // Written only once its previous send was released.
      FillPattern(bufs.storage[b].get(), kSize, i);
      auto n = co_await zc.send(bufs.storage[b].get(), kSize);
      if (!n) {
        co_return "send " + std::to_string(i) + ": " + n.error().name() + "; receiver: " +
                  co_await receiver;
      }
      if (*n != kSize) co_return "short send " + std::to_string(*n);
    }
    if (auto f = co_await zc.flush(); !f) co_return std::string("flush ") + f.error().name();
    stats = zc.stats();
    co_return co_await receiver;
  };
  EXPECT_EQ(rt().block_on(body()), "");
  EXPECT_EQ(bufs.releases, int{kMessages});
  EXPECT_EQ(bufs.bad_releases, 0);
  EXPECT_EQ(stats.releases, kMessages);
  if (GetParam() == BackendKind::kUring) {
    EXPECT_EQ(stats.zero_copy_sends, kMessages);
    EXPECT_EQ(stats.plain_sends, 0u);
  } else {
    EXPECT_EQ(stats.zero_copy_sends, 0u);
    EXPECT_EQ(stats.plain_sends, kMessages);
  }
}

TEST_P(ZeroCopyTest, FlushReturnsOnlyAfterEveryNotification) {
  constexpr uint32_t kMessages = 16;
  constexpr size_t kSize = 4096;
  TcpListener l = LoopbackListener();
  Buffers bufs(kMessages, kSize);
  auto body = [&]() -> Task<std::string> {
    auto c = co_await Connect(l);
    if (!c) co_return std::string("connect ") + c.error().name();
    JoinHandle<std::string> receiver =
        Runtime::current()->spawn(ReceivePatterns(c->server, kMessages, kSize));
    ZeroCopySender zc(c->client, bufs.Options());
    for (uint32_t i = 0; i < kMessages; ++i) {
      int b = bufs.Take();
      if (b < 0) co_return "no free buffer";
      FillPattern(bufs.storage[b].get(), kSize, i);
      auto n = co_await zc.send(bufs.storage[b].get(), kSize);
      if (!n) co_return std::string("send ") + n.error().name();
    }
    // Releases seen so far plus those outstanding account for every send.
    if (static_cast<size_t>(bufs.releases) + zc.outstanding() != kMessages) {
      co_return "releases " + std::to_string(bufs.releases) + " + outstanding " +
                std::to_string(zc.outstanding());
    }
    if (auto f = co_await zc.flush(); !f) co_return std::string("flush ") + f.error().name();
    if (zc.outstanding() != 0) co_return "outstanding after flush";
    if (bufs.releases != int{kMessages}) co_return "releases after flush " + std::to_string(bufs.releases);
    // A second flush with nothing outstanding returns at once.
    if (auto f = co_await zc.flush(); !f) co_return "second flush";
    co_return co_await receiver;
  };
  EXPECT_EQ(rt().block_on(body()), "");
  EXPECT_EQ(bufs.bad_releases, 0);
}

// Reads `bytes` from a blocking point of view on another thread, checking
// the patterns of `size`-byte messages.
void ReadOnThread(int fd, uint32_t count, size_t size, std::string* error) {
  std::vector<uint8_t> got(size);
  for (uint32_t i = 0; i < count; ++i) {
    size_t have = 0;
    while (have < size) {
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, -1);
      ssize_t n = ::recv(fd, got.data() + have, size - have, MSG_DONTWAIT);
      if (n == 0) {
        *error = "eof";
        return;
      }
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        *error = std::string("recv ") + std::strerror(errno);
        return;
      }
      have += static_cast<size_t>(n);
    }
    std::string bad = CheckPattern(got.data(), size, i);
    if (!bad.empty()) {
      *error = bad;
      return;
    }
  }
}

// The receiver does not read until the sender is being destroyed, so the
// kernel still holds the last buffers (their data waits in the socket for
// window): the destructor must wait for those notifications, and every
// buffer is released before the test frees them (asan).
TEST_P(ZeroCopyTest, SenderDestroyedWithNotificationsOutstandingReleasesEverything) {
  constexpr size_t kSize = 4096;
  constexpr uint32_t kMaxMessages = 256;
  TcpListener l = LoopbackListener();
  auto bufs = std::make_unique<Buffers>(kMaxMessages, kSize);
  std::string reader_error = "reader not started";
  uint32_t sent = 0;
  size_t outstanding_at_destruction = 0;
  auto body = [&]() -> Task<std::string> {
    auto c = co_await Connect(l);
    if (!c) co_return std::string("connect ") + c.error().name();
    // A small receive window fills after a few messages; a large send
    // buffer then queues the rest without blocking the sender.
    if (!c->server.set_recv_buffer_size(4096) || !c->client.set_send_buffer_size(1 << 20)) {
      co_return "options";
    }
    std::thread reader;
    {
      ZeroCopySender zc(c->client, bufs->Options());
      while (sent < kMaxMessages) {
        int b = bufs->Take();
        FillPattern(bufs->storage[b].get(), kSize, sent);
        auto n = co_await zc.send(bufs->storage[b].get(), kSize);
        if (!n) co_return std::string("send ") + n.error().name();
        ++sent;
        // On the poll backend nothing is ever outstanding: a few are enough.
        if (sent >= 4 && (zc.outstanding() > 0 || GetParam() == BackendKind::kPoll)) break;
      }
      outstanding_at_destruction = zc.outstanding();
      // Nothing is reaped between here and the destructor: whatever is
      // outstanding now is outstanding when it runs.
      reader_error.clear();
      reader = std::thread(ReadOnThread, c->server.fd(), sent, kSize, &reader_error);
    }
    reader.join();
    co_return "";
  };
  EXPECT_EQ(rt().block_on(body()), "");
  EXPECT_EQ(reader_error, "");
  EXPECT_EQ(bufs->releases, static_cast<int>(sent));
  EXPECT_EQ(bufs->bad_releases, 0);
  if (GetParam() == BackendKind::kUring) {
    EXPECT_GT(outstanding_at_destruction, 0u) << "the test did not exercise the destructor";
  } else {
    EXPECT_EQ(outstanding_at_destruction, 0u);
  }
  bufs.reset();  // only now: the kernel has let go of every page
}

TEST_P(ZeroCopyTest, SendToResetPeerFailsAndStillReleasesTheBuffer) {
  TcpListener l = LoopbackListener();
  Buffers bufs(1, 64 * 1024);
  core::Result<size_t> result = size_t{0};
  size_t outstanding_after_flush = 1;
  auto body = [&]() -> Task<std::string> {
    auto c = co_await Connect(l);
    if (!c) co_return std::string("connect ") + c.error().name();
    // Abortive close: the peer answers with RST.
    if (!c->server.set_linger(std::chrono::seconds(0))) co_return "linger";
    (void)c->server.close();
    ZeroCopySender zc(c->client, bufs.Options());
    int b = bufs.Take();
    FillPattern(bufs.storage[b].get(), bufs.size, 0);
    result = co_await zc.send(bufs.storage[b].get(), bufs.size);
    if (auto f = co_await zc.flush(); !f) co_return std::string("flush ") + f.error().name();
    outstanding_after_flush = zc.outstanding();
    co_return "";
  };
  EXPECT_EQ(rt().block_on(body()), "");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error() == core::err::connreset || result.error() == core::err::pipe)
      << result.error().name();
  EXPECT_EQ(bufs.releases, 1);
  EXPECT_EQ(bufs.bad_releases, 0);
  EXPECT_EQ(outstanding_after_flush, 0u);
}

TEST_P(ZeroCopyTest, AdaptiveSendTakesBothPaths) {
  constexpr size_t kThreshold = 8192;
  TcpListener l = LoopbackListener();
  Buffers small(1, 512);
  Buffers large(1, kThreshold);  // exactly the threshold: zero-copy
  ZeroCopyStats after_small, after_large;
  auto body = [&]() -> Task<std::string> {
    auto c = co_await Connect(l);
    if (!c) co_return std::string("connect ") + c.error().name();
    net::ZeroCopyOptions options;
    options.threshold = kThreshold;
    ZeroCopySender zc(c->client, options);
    FillPattern(small.storage[0].get(), small.size, 0);
    FillPattern(large.storage[0].get(), large.size, 1);
    auto n = co_await net::adaptive_send(zc, small.storage[0].get(), small.size);
    if (!n || *n != small.size) co_return "small send";
    after_small = zc.stats();
    n = co_await zc.send_adaptive(large.storage[0].get(), large.size);
    if (!n || *n != large.size) co_return "large send";
    if (auto f = co_await zc.flush(); !f) co_return "flush";
    after_large = zc.stats();
    std::vector<uint8_t> got(small.size + large.size);
    if (auto r = co_await c->server.read_exact(got.data(), got.size()); !r) co_return "read";
    std::string bad = CheckPattern(got.data(), small.size, 0);
    if (bad.empty()) bad = CheckPattern(got.data() + small.size, large.size, 1);
    co_return bad;
  };
  EXPECT_EQ(rt().block_on(body()), "");
  // Below the threshold: a plain send, whatever the backend.
  EXPECT_EQ(after_small.below_threshold, 1u);
  EXPECT_EQ(after_small.plain_sends, 1u);
  EXPECT_EQ(after_small.zero_copy_sends, 0u);
  EXPECT_EQ(after_small.releases, 1u);
  // At the threshold: zero-copy where the backend has it.
  EXPECT_EQ(after_large.below_threshold, 1u);
  if (GetParam() == BackendKind::kUring) {
    EXPECT_EQ(after_large.zero_copy_sends, 1u);
    EXPECT_EQ(after_large.plain_sends, 1u);
  } else {
    EXPECT_EQ(after_large.zero_copy_sends, 0u);
    EXPECT_EQ(after_large.plain_sends, 2u);
  }
  EXPECT_EQ(after_large.releases, 2u);
}

TEST(ZeroCopyThreshold, DefaultIsTheNamedConstant) {
  EXPECT_EQ(net::ZeroCopyOptions().threshold, net::kZeroCopyThreshold);
}

}  // namespace
}  // namespace zring::testing
