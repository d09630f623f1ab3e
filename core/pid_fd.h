// zring/core/pid_fd.h — PidFd: a process, held by a descriptor rather than
// by its pid.
//
// A pid can be reused as soon as its process is reaped; a pidfd always
// refers to the same process, so signalling or waiting through it cannot
// hit a stranger. The descriptor becomes readable when the process exits,
// which is how a runtime waits for a child without SIGCHLD.
//
//   core::Result<core::PidFd> child = core::PidFd::Open(pid);
//   if (!child) return child.error();
//   ...  // wait for child->get() to be readable, then:
//   core::Result<core::SigInfo> exit = child->wait_exit();
//   // exit->code() == CLD_EXITED (1), exit->status() == the exit code
//
// The descriptor is always close-on-exec (pidfd_open sets it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/constants.h"
#include "zring/core/fd.h"
#include "zring/core/process.h"
#include "zring/core/result.h"
#include "zring/core/types.h"

namespace zring::core {

// PidFd
class PidFd final : public FdOwner {
 public:
  // Open(): a pidfd for process `pid`. `flags`: 0, or pidfd::nonblock (then
  // wait_exit() on a running child returns err::again even when called
  // blocking). A pid that is not positive is err::inval; one that does not
  // exist (or was reaped) is err::srch; a thread that is not its group's
  // leader is err::inval on older kernels and err::noent on recent ones
  // (seen on 6.18).
  [[nodiscard]] static Result<PidFd> Open(int pid, unsigned flags = 0) noexcept {
    Result<int> raw = pidfd_open(pid, flags);
    if (!raw) return raw.error();
    return PidFd(Fd(*raw));
  }

  PidFd(PidFd&&) noexcept = default;
  PidFd& operator=(PidFd&&) noexcept = default;

  // send_signal(): sends `sig` to the process (0 only checks that it is
  // still alive). err::srch once the process has been reaped.
  Result<void> send_signal(int sig) const noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    return pidfd_send_signal(raw, sig);
  }

  // get_fd(): a copy, in this process and close-on-exec, of the process's
  // descriptor `target_fd` (pidfd_getfd). Needs ptrace rights over it
  // (err::perm otherwise, e.g. under Yama ptrace_scope >= 1 for a
  // non-descendant); err::badf if it has no such descriptor.
  [[nodiscard]] Result<Fd> get_fd(int target_fd) const noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    Result<int> copy = pidfd_getfd(raw, target_fd, 0);
    if (!copy) return copy.error();
    return Fd(*copy);
  }

  // wait_exit(): waits for the process to exit and reaps it (waitid with
  // P_PIDFD, WEXITED). The SigInfo says how: code() is CLD_EXITED (1) with
  // status() the exit code, or CLD_KILLED (2) / CLD_DUMPED (3) with status()
  // the signal; pid() is the process's pid.
  //
  // With `nonblocking`, a process still running gives err::again at once
  // (waitid itself succeeds there with an empty SigInfo, which is mapped to
  // err::again here). The process must be a child of this one (err::child
  // otherwise); reaping it twice is err::child too.
  [[nodiscard]] Result<SigInfo> wait_exit(bool nonblocking = false) const noexcept {
    int raw = fd_.get();
    if (raw < 0) return err::badf;
    SigInfo info{};
    int options = wait::exited | (nonblocking ? wait::nohang : 0);
    Result<void> waited = waitid(wait::p_pidfd, raw, &info, options);
    if (!waited) return waited.error();
    if (info.pid() == 0) return err::again;  // WNOHANG, not exited yet
    return info;
  }

  // get() (from FdOwner): the descriptor, to poll for readability (the process exited);
  // -1 once closed. It stays owned by this PidFd.

 private:
  explicit PidFd(Fd fd) noexcept : FdOwner(std::move(fd)) {}
};

}  // namespace zring::core
