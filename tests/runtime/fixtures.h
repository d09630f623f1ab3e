// Small helpers the runtime tests share: fd pairs that close themselves,
// an fd count for leak checks, and running bodies on runtimes of their own.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <latch>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "zring/runtime/runtime.h"

namespace zring::testing {

// A pipe; both ends closed by the destructor unless set to -1.
struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    r = fds[0];
    w = fds[1];
  }
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

// A connected AF_UNIX pair of `type` (SOCK_STREAM, SOCK_DGRAM, ...).
struct SocketPair {
  int a = -1, b = -1;
  explicit SocketPair(int type = SOCK_STREAM) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds), 0);
    a = fds[0];
    b = fds[1];
  }
  ~SocketPair() {
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
};

// The number of fds this process has open.
inline int CountOpenFds() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n - 1;  // the directory stream's own fd
}

// Runs each body on a runtime of its own, in a thread of its own, and
// returns how many failed. The runtimes are destroyed only once every body
// has returned, so no body ever wakes a waiter on a runtime that is gone.
inline int RunOnThreads(BackendKind kind, const std::vector<std::function<Task<>()>>& bodies) {
  std::latch all_returned(static_cast<std::ptrdiff_t>(bodies.size()));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (const auto& body : bodies) {
    threads.emplace_back([&, b = &body] {
      RuntimeOptions options;
      options.backend = kind;
      auto rt = Runtime::Create(options);
      if (!rt) {
        ++failures;
        all_returned.count_down();
        return;
      }
      try {
        (*rt)->block_on((*b)());
      } catch (...) {
        ++failures;
      }
      all_returned.arrive_and_wait();
    });
  }
  for (std::thread& t : threads) t.join();
  return failures.load();
}

}  // namespace zring::testing
