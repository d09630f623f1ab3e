// The poll fallback backend.
#include "zring/runtime/poll_backend.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/io.h"

namespace zring::detail {
namespace {

constexpr int32_t kAgain = -11;        // -EAGAIN
constexpr int32_t kInProgress = -115;  // -EINPROGRESS

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool IsTimer(const OpBase* op) { return OpBase::IsTimer(*op->kind); }

}  // namespace

core::Result<PollBackend> PollBackend::Create(bool use_poll, std::string* why) {
  PollBackend b;
  // Woken by an eventfd, or where there is none (a host that is not
  // Linux) by a pipe.
  core::Result<int> efd =
      core::eventfd2(0, core::efd::cloexec | core::efd::nonblock);
  if (efd) {
    b.wake_fd_ = core::Fd(*efd);
  } else if (efd.error() == core::err::nosys) {
    core::Result<core::PipeFds> p = core::pipe2(core::o::cloexec | core::o::nonblock);
    if (!p) return p.error();
    b.wake_fd_ = core::Fd(p->read);
    b.wake_write_fd_ = core::Fd(p->write);
  } else {
    return efd.error();
  }
  core::Result<std::unique_ptr<Readiness>> r =
      use_poll ? Readiness::Poll(b.wake_fd_.get()) : Readiness::Epoll(b.wake_fd_.get());
  // No epoll (a host that is not Linux): poll(2).
  if (!r && r.error() == core::err::nosys) r = Readiness::Poll(b.wake_fd_.get());
  if (!r) return r.error();
  b.readiness_ = std::move(*r);
  b.events_.reserve(64);
  if (why) {
    *why += std::string(b.readiness_->name()) + " readiness + direct syscalls";
    if (b.wake_write_fd_.valid()) *why += ", woken by a pipe";
    *why += "; ";
  }
  return b;
}

PollBackend::FdWaiters& PollBackend::Waiters(int fd) {
  if (static_cast<size_t>(fd) >= fds_.size()) fds_.resize(fd + 64);
  return fds_[fd];
}

bool PollBackend::Attempt(OpBase* op) noexcept {
  long r = op->kind->attempt(op);
  ++op->attempts;
  if (r == kAgain || r == kInProgress) return false;
  op->res = static_cast<int32_t>(r);
  return true;
}

bool PollBackend::Start(OpBase* op) noexcept {
  if (IsTimer(op)) {
    op->token = slots_.Acquire(op);
    op->state = OpState::kInFlight;
    timers_.push_back({NowNs() + op->TimerNs(), op->token});
    std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
    return true;
  }
  if (op->events == 0 || op->fd < 0) {
    op->res = static_cast<int32_t>(op->kind->attempt(op));
    op->state = OpState::kDone;
    return false;
  }
  FdWaiters& w = Waiters(op->fd);
  if (w.readers == nullptr && w.writers == nullptr) {
    // Nobody waits on this number, so it may be a new fd that reuses it:
    // check the flag again rather than trust what an old fd had.
    core::Result<int> fl = core::fcntl(op->fd, core::f::getfl);
    if (fl && !(*fl & core::o::nonblock)) {
      (void)core::fcntl(op->fd, core::f::setfl, *fl | core::o::nonblock);
    }
  }
  // Someone already waits in this direction: keep FIFO order and do not try
  // to jump the queue.
  bool write_side = (op->events & core::ev::out) != 0;
  if ((write_side ? w.writers : w.readers) == nullptr && Attempt(op)) {
    op->state = OpState::kDone;
    return false;
  }
  op->token = slots_.Acquire(op);
  op->state = OpState::kInFlight;
  Wait(op);
  if (op->timeout_ns >= 0) {
    timers_.push_back({NowNs() + op->timeout_ns, op->token});
    std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
  }
  return true;
}

void PollBackend::Wait(OpBase* op) noexcept {
  FdWaiters& w = Waiters(op->fd);
  OpBase** chain = (op->events & core::ev::out) ? &w.writers : &w.readers;
  op->next = nullptr;
  while (*chain) chain = &(*chain)->next;
  *chain = op;
  Rearm(op->fd);
}

void PollBackend::Rearm(int fd) noexcept {
  FdWaiters& w = fds_[fd];
  core::Result<void> r = readiness_->Watch(fd, w.readers != nullptr, w.writers != nullptr);
  if (!r) {
    // Not pollable (a regular file for epoll, a closed fd): let the
    // operations find out by trying.
    for (OpBase** chain : {&w.readers, &w.writers}) {
      for (OpBase* o = *chain; o; o = o->next) {
        o->res = static_cast<int32_t>(o->kind->attempt(o));
        if (o->res == kAgain) o->res = -r.error().value();
      }
    }
    failed_fds_.push_back(fd);
  }
}

bool PollBackend::Unlink(OpBase* op) noexcept {
  if (op->fd < 0 || static_cast<size_t>(op->fd) >= fds_.size()) return false;
  FdWaiters& w = fds_[op->fd];
  for (OpBase** chain : {&w.readers, &w.writers}) {
    for (OpBase** link = chain; *link; link = &(*link)->next) {
      if (*link == op) {
        *link = op->next;
        op->next = nullptr;
        return true;
      }
    }
  }
  return false;
}

void PollBackend::Complete(OpBase* op, int32_t res, ReadyQueue& ready) noexcept {
  slots_.Release(op->token);
  // An operation that had a timer and finished some other way leaves a
  // stale heap entry; compact in place before they pile up (servers set
  // long timeouts that rarely fire).
  const bool had_timer = IsTimer(op) || op->timeout_ns >= 0;
  const bool by_timer = res == -core::err::time.value() || res == -core::err::timedout.value();
  if (had_timer && !by_timer && ++stale_timers_ > 16 && stale_timers_ * 2 > timers_.size()) {
    std::erase_if(timers_, [this](const Timer& t) { return slots_.Find(t.token) == nullptr; });
    std::make_heap(timers_.begin(), timers_.end(), std::greater<>());
    stale_timers_ = 0;
  }
  op->res = res;
  op->state = OpState::kDone;
  if (op->abandoned) {
    if (op->kind->discard) op->kind->discard(op, res, 0);
    return;
  }
  ready.Push(op->waiter);
}

void PollBackend::Cancel(OpBase* op, ReadyQueue& ready) noexcept {
  op->cancel_requested = true;
  if (op->state != OpState::kInFlight) return;
  Unlink(op);  // timers of a cancelled op find a stale token and are skipped
  Complete(op, -core::err::canceled.value(), ready);
}

void PollBackend::Abandon(OpBase* op, ReadyQueue& ready) noexcept {
  op->abandoned = true;
  Cancel(op, ready);
}


void PollBackend::RunChain(OpBase** chain, ReadyQueue& ready) noexcept {
  while (OpBase* op = *chain) {
    if (!Attempt(op)) break;  // still not ready: it stays first in line
    *chain = op->next;
    op->next = nullptr;
    Complete(op, op->res, ready);
  }
}

int64_t PollBackend::NextTimerNs() const noexcept {
  return timers_.empty() ? -1 : timers_.front().deadline_ns;
}

void PollBackend::ExpireTimers(ReadyQueue& ready) noexcept {
  int64_t now = NowNs();
  while (!timers_.empty() && timers_.front().deadline_ns <= now) {
    uint64_t token = timers_.front().token;
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
    timers_.pop_back();
    OpBase* op = slots_.Find(token);
    if (op == nullptr) {  // finished or cancelled before it fired
      if (stale_timers_ > 0) --stale_timers_;
      continue;
    }
    if (IsTimer(op)) {
      const core::Errno e = op->timer_cut_short ? core::err::timedout : core::err::time;
      Complete(op, -e.value(), ready);
    } else {
      Unlink(op);
      Complete(op, -core::err::timedout.value(), ready);
    }
  }
}

core::Result<void> PollBackend::Turn(bool wait, int64_t timeout_ns,
                                     int64_t spin_ns, ReadyQueue& ready) noexcept {
  // Operations on fds that cannot be watched were run directly in Rearm().
  for (int fd : failed_fds_) {
    FdWaiters& w = fds_[fd];
    for (OpBase** chain : {&w.readers, &w.writers}) {
      while (OpBase* op = *chain) {
        *chain = op->next;
        op->next = nullptr;
        Complete(op, op->res, ready);
      }
    }
  }
  failed_fds_.clear();
  if (!ready.empty()) wait = false;

  ExpireTimers(ready);
  if (!ready.empty()) wait = false;

  int timeout_ms = 0;
  if (wait) {
    int64_t deadline = -1;
    if (timeout_ns >= 0) deadline = NowNs() + timeout_ns;
    int64_t next = NextTimerNs();
    if (next >= 0 && (deadline < 0 || next < deadline)) deadline = next;
    if (deadline < 0) {
      timeout_ms = -1;
    } else {
      int64_t left = deadline - NowNs();
      timeout_ms = left <= 0 ? 0 : static_cast<int>((left + 999999) / 1000000);
    }
  }

  events_.clear();
  core::Result<bool> r = false;
  if (wait && spin_ns > 0) {
    // A wake drained while spinning is work too: sleeping after it would
    // wait for a wake that already came.
    int64_t until = NowNs() + spin_ns;
    do {
      r = readiness_->Wait(0, events_);
    } while (r && !*r && events_.empty() && NowNs() < until);
    if (r && !*r && events_.empty()) r = readiness_->Wait(timeout_ms, events_);
  } else {
    r = readiness_->Wait(timeout_ms, events_);
  }
  if (!r) {
    if (r.error().interrupted()) return core::Ok();
    return r.error();
  }
  for (const Readiness::Event& e : events_) {
    if (static_cast<size_t>(e.fd) >= fds_.size()) continue;
    FdWaiters& w = fds_[e.fd];
    if (e.readable || e.failed) RunChain(&w.readers, ready);
    if (e.writable || e.failed) RunChain(&w.writers, ready);
    Rearm(e.fd);
  }
  ExpireTimers(ready);
  return core::Ok();
}

void PollBackend::Wake() noexcept {
  // Eight bytes: what an eventfd takes (a pipe takes anything).
  uint64_t one = 1;
  const core::Fd& to = wake_write_fd_.valid() ? wake_write_fd_ : wake_fd_;
  (void)core::write(to.get(), &one, sizeof one);
}

}  // namespace zring::detail
