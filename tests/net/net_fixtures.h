// What the TCP tests share: a scoped RLIMIT_NOFILE, and a listener on an
// ephemeral loopback port.
#pragma once

#include <sys/resource.h>

#include <gtest/gtest.h>

#include "zring/net/address.h"
#include "zring/net/tcp_listener.h"

namespace zring::testing {

// Sets the soft RLIMIT_NOFILE for a scope and restores it afterwards, so a
// failing test cannot leave the next one short of fds.
class ScopedFdLimit {
 public:
  explicit ScopedFdLimit(rlim_t soft) {
    EXPECT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0);
    rlimit want = saved_;
    want.rlim_cur = soft < saved_.rlim_max ? soft : saved_.rlim_max;
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &want), 0);
    applied_ = want.rlim_cur;
  }
  ~ScopedFdLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  ScopedFdLimit(const ScopedFdLimit&) = delete;
  ScopedFdLimit& operator=(const ScopedFdLimit&) = delete;
  rlim_t applied() const { return applied_; }

 private:
  rlimit saved_{};
  rlim_t applied_ = 0;
};

// A listener on 127.0.0.1, port chosen by the kernel.
inline net::TcpListener LoopbackListener(net::ListenOptions options = {}) {
  auto l = net::TcpListener::bind(net::SocketAddress::Ipv4Loopback(0), options);
  EXPECT_TRUE(l.ok()) << l.error().name();
  return l ? std::move(*l) : net::TcpListener();
}

inline net::SocketAddress AddressOf(const net::TcpListener& l) {
  auto a = l.local_address();
  EXPECT_TRUE(a.ok()) << a.error().name();
  return a ? *a : net::SocketAddress();
}

}  // namespace zring::testing
