// Readiness from poll(2): what a host without epoll has. It goes through
// core::ppoll(), which is the syscall on Linux and the host's poll() in
// libc elsewhere (core/arch/host.h). The set of watched fds is kept compact
// (the wake fd first), so one call passes exactly the fds somebody waits
// on.
#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/types.h"
#include "zring/runtime/internal/readiness.h"

namespace zring::detail {
namespace {

class PollReadiness final : public Readiness {
 public:
  explicit PollReadiness(int wake_fd) {
    set_.push_back(core::PollEntry{wake_fd, kIn, 0});
  }

  core::Result<void> Watch(int fd, bool read, bool write) noexcept override {
    if (fd < 0) return core::err::badf;
    short events = 0;
    if (read) events |= kIn | kRdHup;
    if (write) events |= kOut;
    if (static_cast<size_t>(fd) >= index_.size()) {
      if (events == 0) return core::Ok();
      index_.resize(fd + 64, kAbsent);
    }
    int at = index_[fd];
    if (events == 0) {
      if (at != kAbsent) Remove(fd, at);
      return core::Ok();
    }
    if (at == kAbsent) {
      index_[fd] = static_cast<int>(set_.size());
      set_.push_back(core::PollEntry{fd, events, 0});
    } else {
      set_[at].events = events;
    }
    return core::Ok();
  }

  core::Result<bool> Wait(int timeout_ms, std::vector<Event>& out) noexcept override {
    const core::Timespec limit = core::Timespec::FromNanos(int64_t{timeout_ms} * 1'000'000);
    core::Result<int> n = core::ppoll(set_.data(), static_cast<unsigned>(set_.size()),
                                      timeout_ms < 0 ? nullptr : &limit);
    if (!n) return n.error();
    if (*n == 0) return false;
    const bool woken = (set_[0].revents & kIn) != 0;
    if (woken) DrainWake(set_[0].fd);
    // Backwards: Remove() moves the last entry into the freed place.
    for (size_t i = set_.size() - 1; i >= 1; --i) {
      const short revents = set_[i].revents;
      if (revents == 0) continue;
      const int fd = set_[i].fd;
      const bool failed = (revents & (kErr | kHup | kNval)) != 0;
      out.push_back({fd, (revents & (kIn | kRdHup)) != 0, (revents & kOut) != 0, failed});
      // Closed while watched: poll(2) would report it on every call. Its
      // waiters see EBADF when they try; a new file under the same number
      // is watched again by the next Watch().
      if (revents & kNval) Remove(fd, static_cast<int>(i));
    }
    return woken;
  }

  const char* name() const noexcept override { return "poll(2)"; }

 private:
  static constexpr int kAbsent = -1;
  // poll(2)'s events, which pollfd keeps in a short.
  static constexpr short kIn = core::ev::in;
  static constexpr short kOut = core::ev::out;
  static constexpr short kErr = core::ev::err;
  static constexpr short kHup = core::ev::hup;
  static constexpr short kNval = core::ev::nval;
  static constexpr short kRdHup = core::ev::rdhup;
  void Remove(int fd, int at) noexcept {
    const int last = static_cast<int>(set_.size()) - 1;
    if (at != last) {
      set_[at] = set_[last];
      index_[set_[at].fd] = at;
    }
    set_.pop_back();
    index_[fd] = kAbsent;
  }

  std::vector<core::PollEntry> set_;  // [0] is the wake fd
  std::vector<int> index_;            // fd -> its place in set_, or kAbsent
};

}  // namespace

core::Result<std::unique_ptr<Readiness>> Readiness::Poll(int wake_fd) {
  return std::unique_ptr<Readiness>(new PollReadiness(wake_fd));
}

}  // namespace zring::detail
