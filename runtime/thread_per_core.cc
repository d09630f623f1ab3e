// ThreadPerCore: one runtime per thread.
#include "zring/runtime/thread_per_core.h"

#include <condition_variable>
#include <mutex>

#include "zring/core/process.h"

namespace zring {

core::Result<std::unique_ptr<ThreadPerCore>> ThreadPerCore::Create(
    const ThreadPerCoreOptions& options) {
  unsigned n = options.threads;
  unsigned cpus = std::thread::hardware_concurrency();
  if (cpus == 0) cpus = 1;
  if (n == 0) n = cpus;

  std::unique_ptr<ThreadPerCore> pool(new ThreadPerCore());
  pool->runtimes_.assign(n, nullptr);

  // Each thread creates its own runtime (a ring belongs to the thread that
  // set it up: SINGLE_ISSUER) and reports back before it starts its loop.
  std::mutex mu;
  std::condition_variable cv;
  unsigned ready = 0;
  core::Errno first_error;

  // One stop source for all: stop() asks every loop at once.
  for (unsigned i = 0; i < n; ++i) {
    pool->threads_.emplace_back([&, i, options, stop = pool->stop_.get_token()] {
      if (options.pin) {
        uint64_t mask[16] = {};
        unsigned cpu = i % cpus;
        if (cpu < 64 * 16) mask[cpu / 64] = uint64_t{1} << (cpu % 64);
        (void)core::sched_setaffinity(0, mask, 16);
      }
      core::Result<std::unique_ptr<Runtime>> rt = Runtime::Create(options.runtime);
      {
        std::lock_guard<std::mutex> lock(mu);
        if (rt) {
          pool->runtimes_[i] = rt->get();
        } else if (!first_error) {
          first_error = rt.error();
        }
        ++ready;
        // Under the lock: once `ready == n` the creator may return and
        // destroy `cv`.
        cv.notify_all();
      }
      if (!rt) return;
      (*rt)->run(stop);
      // The runtime is destroyed here, on its own thread.
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return ready == n; });
  }
  if (first_error) {
    pool->stop();
    return first_error;
  }
  return pool;
}

void ThreadPerCore::stop() {
  stop_.request_stop();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  runtimes_.clear();
}

ThreadPerCore::~ThreadPerCore() { stop(); }

}  // namespace zring
