// zring/runtime/thread_per_core.h — N threads, each with its own Runtime
// (its own ring), optionally pinned to a CPU.
//
//   auto pool = zring::ThreadPerCore::Create({.threads = 2, .pin = true});
//   auto h = (*pool)->spawn_on(1, serve_shard(1));   // runs on thread 1
//   ...
//   (*pool)->stop();                                  // or the destructor
//
// Nothing is shared between the threads but what the user shares: tasks
// move between them only through spawn_on(), JoinHandle and the
// cross-thread channels in channel.h. A thread wakes another through
// IORING_OP_MSG_RING when both run on io_uring (no syscall on the
// receiving side beyond the one it is already blocked in), through an
// eventfd otherwise.
#pragma once

#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include "zring/core/result.h"
#include "zring/runtime/runtime.h"

namespace zring {

struct ThreadPerCoreOptions {
  unsigned threads = 0;   // 0: one per online CPU
  bool pin = false;       // pin thread i to CPU i (modulo the CPU count)
  RuntimeOptions runtime;
};

class ThreadPerCore final {
 public:
  // Create(): starts the threads and waits until each has its runtime; an
  // error from any of them (io_uring forced but unavailable, ...) is
  // returned and every thread stopped.
  static core::Result<std::unique_ptr<ThreadPerCore>> Create(
      const ThreadPerCoreOptions& options = {});
  ~ThreadPerCore();
  ThreadPerCore(const ThreadPerCore&) = delete;
  ThreadPerCore& operator=(const ThreadPerCore&) = delete;

  [[nodiscard]] unsigned size() const noexcept {
    return static_cast<unsigned>(runtimes_.size());
  }
  // runtime(): thread i's runtime, for post()/spawn_remote()/backend_info().
  [[nodiscard]] Runtime& runtime(unsigned i) noexcept { return *runtimes_[i]; }

  // spawn_on(): runs `task` on thread `i` (any thread may call it).
  template <class T>
  JoinHandle<T> spawn_on(unsigned i, Task<T> task) {
    return runtimes_[i % runtimes_.size()]->spawn_remote(std::move(task));
  }

  // stop(): asks every thread to return from its loop and joins them.
  // Tasks still suspended are destroyed with their runtimes (their
  // operations cancelled and drained).
  void stop();

 private:
  ThreadPerCore() = default;

  std::vector<Runtime*> runtimes_;  // owned by their threads
  // std::thread and a stop_source rather than std::jthread, which older
  // libc++ (macOS's) lacks.
  std::stop_source stop_;
  std::vector<std::thread> threads_;
};

}  // namespace zring
