// recv_buffer() and BufferGroup on both backends: the buffer is picked when
// data arrives, returned when the lease dies, and returned when the
// receive's coroutine is gone.
#include "zring/runtime/buffer_group.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "tests/runtime/backends.h"
#include "tests/runtime/fixtures.h"

namespace zring {
namespace {

using ::zring::testing::SocketPair;

using testing::BackendTest;

using BufferGroupTest = BackendTest;

TEST_P(BufferGroupTest, ReceivesIntoAGroupBuffer) {
  SocketPair s;
  ASSERT_EQ(::write(s.b, "hello", 5), 5);
  auto body = [&]() -> Task<std::string> {
    auto group = BufferGroup::Create(3, 4, 256);
    if (!group) co_return std::string("create: ") + group.error().name();
    auto buf = co_await recv_buffer(s.a, **group);
    if (!buf) co_return std::string("recv: ") + buf.error().name();
    co_return std::string(buf->data(), buf->size());
  };
  EXPECT_EQ(rt().block_on(body()), "hello");
}

TEST_P(BufferGroupTest, LeaseGoesBackSoOneBufferServesManyReceives) {
  SocketPair s;
  auto body = [&]() -> Task<std::string> {
    auto group = BufferGroup::Create(4, 1, 64);  // a single buffer
    if (!group) co_return "create";
    std::string all;
    for (int i = 0; i < 5; ++i) {
      char c = static_cast<char>('a' + i);
      EXPECT_EQ(::write(s.b, &c, 1), 1);
      auto buf = co_await recv_buffer(s.a, **group);
      if (!buf) co_return std::string("recv: ") + buf.error().name();
      all.append(buf->data(), buf->size());
    }  // each lease ends here, giving the buffer back
    co_return all;
  };
  EXPECT_EQ(rt().block_on(body()), "abcde");
}

TEST_P(BufferGroupTest, EmptyGroupIsEnobufs) {
  SocketPair s;
  ASSERT_EQ(::write(s.b, "xy", 2), 2);
  auto body = [&]() -> Task<core::Errno> {
    auto group = BufferGroup::Create(5, 1, 1);
    if (!group) co_return group.error();
    auto first = co_await recv_buffer(s.a, **group);  // holds the only buffer
    EXPECT_TRUE(first.ok());
    auto second = co_await recv_buffer(s.a, **group);
    co_return second ? core::Errno() : second.error();
  };
  EXPECT_EQ(rt().block_on(body()), core::err::nobufs);
}

TEST_P(BufferGroupTest, PeerCloseIsAnEmptyBuffer) {
  SocketPair s;
  ::shutdown(s.b, SHUT_WR);
  auto body = [&]() -> Task<size_t> {
    auto group = BufferGroup::Create(6, 2, 64);
    if (!group) co_return 999;
    auto buf = co_await recv_buffer(s.a, **group);
    co_return buf ? buf->size() : 998;
  };
  EXPECT_EQ(rt().block_on(body()), 0u);
}

TEST_P(BufferGroupTest, AbandonedReceiveGivesItsBufferBack) {
  SocketPair s;
  auto group_result = [&] {
    detail::CurrentRuntime guard(&rt());
    return BufferGroup::Create(7, 1, 64);
  }();
  ASSERT_TRUE(group_result.ok());
  BufferGroup& group = **group_result;
  {
    auto receiver = [&]() -> Task<> { (void)co_await recv_buffer(s.a, group); };
    Task<> t = receiver();
    detail::CurrentRuntime guard(&rt());
    t.handle().resume();  // the receive waits
    // Data arrives as the task dies: the kernel may already have put it in
    // the only buffer, which must come back to the group.
    ASSERT_EQ(::write(s.b, "lost", 4), 4);
  }
  ASSERT_EQ(::write(s.b, "next", 4), 4);
  auto body = [&]() -> Task<std::string> {
    std::string got;
    // The first write may or may not have been consumed by the abandoned
    // receive; either way the single buffer must be usable again.
    while (got.find("next") == std::string::npos) {
      auto buf = co_await recv_buffer(s.a, group);
      if (!buf) co_return std::string("recv: ") + buf.error().name();
      got.append(buf->data(), buf->size());
    }
    co_return got;
  };
  std::string got = rt().block_on(body());
  EXPECT_TRUE(got == "next" || got == "lostnext") << got;
}

INSTANTIATE_TEST_SUITE_P(Backends, BufferGroupTest, ::testing::ValuesIn(testing::kBackends),
                         testing::BackendName);

}  // namespace
}  // namespace zring
