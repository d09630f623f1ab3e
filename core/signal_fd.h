// zring/core/signal_fd.h — SignalFd: signals received by reading a
// descriptor instead of by a handler.
//
// A runtime cannot run arbitrary code in a signal handler; with a signalfd,
// SIGINT, SIGTERM or SIGCHLD become ordinary readable events on its loop.
// The signals must be blocked first, or they are still delivered the old
// way (to a handler, or with their default action):
//
//   core::SigSet set = core::SigSet{}.add(sig::intr).add(sig::term);
//   (void)core::SignalFd::block(set);     // before starting other threads
//   core::Result<core::SignalFd> s = core::SignalFd::Create(set);
//   ...  // wait for s->get() to be readable, then:
//   core::Result<core::SignalfdSiginfo> info = s->read();  // info->signo
//
// The signal mask is per thread and inherited by new threads. Block in the
// main thread before any other thread starts, so that no thread is left
// where a process-directed signal could still be delivered normally.
// Reading dequeues signals pending for the process or for the reading
// thread (not those directed at another thread with tgkill).
//
// Created close-on-exec always, and nonblocking unless asked otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/fd.h"
#include "zring/core/process.h"
#include "zring/core/result.h"
#include "zring/core/types.h"

namespace zring::core {

// SignalFd
class SignalFd final : public FdOwner {
 public:
  // Create(): a signalfd for the signals in `mask` (SIGKILL and SIGSTOP are
  // silently ignored). With `nonblocking` (the default), read() with nothing
  // pending returns err::again.
  [[nodiscard]] static Result<SignalFd> Create(const SigSet& mask,
                                               bool nonblocking = true) noexcept {
    int flags = sfd::cloexec | (nonblocking ? sfd::nonblock : 0);
    Result<int> raw = signalfd4(-1, mask, flags);
    if (!raw) return raw.error();
    return SignalFd(Fd(*raw));
  }

  // block(), unblock(): add `set` to, or remove it from, the calling
  // thread's signal mask (rt_sigprocmask). The mask as it was before goes
  // to `*old` when it is not null, so that it can be restored with
  // set_mask().
  static Result<void> block(const SigSet& set, SigSet* old = nullptr) noexcept {
    return rt_sigprocmask(sig::block, &set, old);
  }
  static Result<void> unblock(const SigSet& set,
                              SigSet* old = nullptr) noexcept {
    return rt_sigprocmask(sig::unblock, &set, old);
  }
  // set_mask(): replaces the calling thread's signal mask with `set`.
  static Result<void> set_mask(const SigSet& set,
                               SigSet* old = nullptr) noexcept {
    return rt_sigprocmask(sig::setmask, &set, old);
  }

  SignalFd(SignalFd&&) noexcept = default;
  SignalFd& operator=(SignalFd&&) noexcept = default;

  // read(): dequeues one pending signal of the mask. Nothing pending:
  // blocks, or err::again when nonblocking.
  [[nodiscard]] Result<SignalfdSiginfo> read() noexcept {
    SignalfdSiginfo info{};
    Result<size_t> got = fd_.read(&info, sizeof info);
    if (!got) return got.error();
    return info;  // a signalfd reads whole records only
  }

  // read(out, count): dequeues up to `count` pending signals into `out`
  // and returns how many. `count` 0 is err::inval.
  [[nodiscard]] Result<size_t> read(SignalfdSiginfo* out, size_t count) noexcept {
    Result<size_t> got = fd_.read(out, count * sizeof(SignalfdSiginfo));
    if (!got) return got.error();
    return *got / sizeof(SignalfdSiginfo);
  }

  // update(): replaces the set of signals this descriptor reports. Signals
  // added must be blocked too.
  Result<void> update(const SigSet& mask) noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return signalfd4(raw, mask, 0).transform([](int) {});
  }

  // get() (from FdOwner): the descriptor, to poll for readability (a signal pending); -1
  // once closed. It stays owned by this SignalFd.

 private:
  explicit SignalFd(Fd fd) noexcept : FdOwner(std::move(fd)) {}
};

}  // namespace zring::core
