// zring/runtime/internal/readiness.h — where the poll backend learns that
// an fd is ready: epoll on Linux, poll(2) through libc where there is no
// epoll (and on Linux when asked, so that path is tested here too).
//
// The backend keeps who waits on which fd; a Readiness only watches. After
// Wait() reports an fd, the backend runs its waiters and calls Watch()
// again with what is still wanted (epoll interest is one-shot; poll(2)'s
// set is simply updated).
#pragma once

#include <memory>
#include <vector>

#include "zring/core/io.h"
#include "zring/core/result.h"

namespace zring::detail {

// DrainWake(): empties the wake fd, an eventfd (one read of its counter)
// or, where there is no eventfd, the read end of a pipe (every byte).
inline void DrainWake(int wake_fd) noexcept {
  unsigned char buf[64];
  for (;;) {
    core::Result<size_t> n = core::read(wake_fd, buf, sizeof buf);
    if (!n || *n < sizeof buf) return;
  }
}

class Readiness {
 public:
  struct Event {
    int fd;
    bool readable;  // or the peer closed its side
    bool writable;
    bool failed;    // an error or a hang-up: both directions should retry
  };

  // Epoll() / Poll(): a watcher that also watches `wake_fd` (readable when
  // another thread wants the loop to turn), drains it and reports nothing
  // for it.
  static core::Result<std::unique_ptr<Readiness>> Epoll(int wake_fd);
  static core::Result<std::unique_ptr<Readiness>> Poll(int wake_fd);

  virtual ~Readiness() = default;
  // Watch(): report `fd` when it is readable (`read`) and/or writable
  // (`write`); both false: stop. An error means the fd cannot be watched
  // (a regular file for epoll, a closed fd).
  virtual core::Result<void> Watch(int fd, bool read, bool write) noexcept = 0;
  // Wait(): up to `timeout_ms` (-1: no limit, 0: only look), appending to
  // `out` what became ready. True when the wake fd fired: another thread
  // has work for the loop even if `out` is empty.
  virtual core::Result<bool> Wait(int timeout_ms, std::vector<Event>& out) noexcept = 0;
  // The line Runtime::backend_info() gives for it.
  [[nodiscard]] virtual const char* name() const noexcept = 0;
};

}  // namespace zring::detail
