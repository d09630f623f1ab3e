// Readiness from epoll: one-shot interest per fd, re-armed by Watch().
#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/runtime/internal/readiness.h"

namespace zring::detail {
namespace {

constexpr uint64_t kWakeData = ~uint64_t{0};

class EpollReadiness final : public Readiness {
 public:
  EpollReadiness(core::Fd epoll, int wake_fd) noexcept : epoll_(std::move(epoll)), wake_fd_(wake_fd) {}

  core::Result<void> Watch(int fd, bool read, bool write) noexcept override {
    uint32_t events = 0;
    if (read) events |= core::epoll::in | core::epoll::rdhup;
    if (write) events |= core::epoll::out;
    if (events == 0) return core::Ok();  // one-shot: already disarmed
    if (static_cast<size_t>(fd) >= registered_.size()) registered_.resize(fd + 64, false);
    core::EpollEvent ev{events | core::epoll::oneshot, static_cast<uint64_t>(fd)};
    int op = registered_[fd] ? core::epoll::ctl_mod : core::epoll::ctl_add;
    core::Result<void> r = core::epoll_ctl(epoll_.get(), op, fd, &ev);
    if (!r && r.error() == core::err::noent) {
      // The fd was closed and its number reused behind our back.
      r = core::epoll_ctl(epoll_.get(), core::epoll::ctl_add, fd, &ev);
    } else if (!r && r.error() == core::err::exist) {
      r = core::epoll_ctl(epoll_.get(), core::epoll::ctl_mod, fd, &ev);
    }
    registered_[fd] = r.ok();
    return r;
  }

  core::Result<bool> Wait(int timeout_ms, std::vector<Event>& out) noexcept override {
    core::EpollEvent events[64];
    core::Result<int> n = core::epoll_pwait(epoll_.get(), events, 64, timeout_ms);
    if (!n) return n.error();
    bool woken = false;
    for (int i = 0; i < *n; ++i) {
      const uint32_t revents = events[i].events;
      if (events[i].data == kWakeData) {
        DrainWake(wake_fd_);
        woken = true;
        continue;
      }
      const bool failed = (revents & (core::epoll::err | core::epoll::hup)) != 0;
      out.push_back({static_cast<int>(events[i].data),
                     (revents & (core::epoll::in | core::epoll::rdhup)) != 0,
                     (revents & core::epoll::out) != 0, failed});
    }
    return woken;
  }

  const char* name() const noexcept override { return "epoll"; }

 private:
  core::Fd epoll_;
  int wake_fd_;
  std::vector<bool> registered_;
};

}  // namespace

core::Result<std::unique_ptr<Readiness>> Readiness::Epoll(int wake_fd) {
  core::Result<int> ep = core::epoll_create1(core::epoll::cloexec);
  if (!ep) return ep.error();
  core::Fd epoll(*ep);
  core::EpollEvent ev{core::epoll::in, kWakeData};
  if (core::Result<void> r = core::epoll_ctl(epoll.get(), core::epoll::ctl_add, wake_fd, &ev); !r) {
    return r.error();
  }
  return std::unique_ptr<Readiness>(new EpollReadiness(std::move(epoll), wake_fd));
}

}  // namespace zring::detail
