// StopSignals: a signalfd, or a pipe fed by signal handlers.
#include "examples/stop_signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

#include "zring/core/constants.h"
#include "zring/core/io.h"

namespace zring::examples {
namespace {

const core::SigSet kStopSet = core::SigSet{}.add(core::sig::intr).add(core::sig::term);
constexpr int kHostSignals[] = {SIGINT, SIGTERM};

// Where the handlers write: the pipe of the one StopSignals that uses one.
std::atomic<int> g_pipe_write{-1};
struct sigaction g_old_actions[2];

extern "C" void OnStopSignal(int signo) {
  // Only async-signal-safe calls here; errno is the interrupted code's.
  const int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  // A full pipe already holds a signal to stop on: nothing to do if the
  // write fails. (A variable, not a cast: glibc marks write()
  // warn_unused_result, which (void) does not silence under GCC.)
  ssize_t written = ::write(g_pipe_write.load(std::memory_order_relaxed), &byte, 1);
  (void)written;
  errno = saved;
}

}  // namespace

core::Result<StopSignals> StopSignals::Install(const char* program, bool nonblocking) noexcept {
  StopSignals s;
  core::Result<void> blocked = core::SignalFd::block(kStopSet, &s.old_mask_);
  if (blocked) {
    core::Result<core::SignalFd> fd = core::SignalFd::Create(kStopSet, nonblocking);
    if (!fd) {
      (void)core::SignalFd::set_mask(s.old_mask_);
      std::fprintf(stderr, "%s: signalfd: %s\n", program, fd.error().name());
      return fd.error();
    }
    s.signalfd_.emplace(std::move(*fd));
    s.installed_ = true;
    return s;
  }
  if (blocked.error() != core::err::nosys) {
    std::fprintf(stderr, "%s: blocking signals: %s\n", program, blocked.error().name());
    return blocked.error();
  }
  // No rt_sigprocmask, so no signalfd either: the handlers and a pipe. The
  // write end never blocks, so a handler cannot hang on a full pipe.
  core::Result<core::PipeFds> p = core::pipe2(core::o::cloexec);
  if (!p) {
    std::fprintf(stderr, "%s: pipe: %s\n", program, p.error().name());
    return p.error();
  }
  s.pipe_read_ = core::Fd(p->read);
  s.pipe_write_ = core::Fd(p->write);
  for (const core::Fd* end : {&s.pipe_write_, nonblocking ? &s.pipe_read_ : nullptr}) {
    if (end == nullptr) continue;
    core::Result<int> fl = core::fcntl(end->get(), core::f::getfl);
    if (fl) fl = core::fcntl(end->get(), core::f::setfl, *fl | core::o::nonblock);
    if (!fl) {
      std::fprintf(stderr, "%s: fcntl: %s\n", program, fl.error().name());
      return fl.error();
    }
  }
  int expected = -1;
  if (!g_pipe_write.compare_exchange_strong(expected, s.pipe_write_.get())) {
    std::fprintf(stderr, "%s: stop signals are already installed\n", program);
    return core::err::busy;
  }
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < 2; ++i) (void)::sigaction(kHostSignals[i], &action, &g_old_actions[i]);
  s.installed_ = true;
  return s;
}

StopSignals::StopSignals(StopSignals&& other) noexcept
    : signalfd_(std::move(other.signalfd_)),
      old_mask_(other.old_mask_),
      pipe_read_(std::move(other.pipe_read_)),
      pipe_write_(std::move(other.pipe_write_)),
      installed_(other.installed_) {
  other.signalfd_.reset();
  other.installed_ = false;
}

StopSignals::~StopSignals() {
  if (!installed_) return;
  if (signalfd_) {
    (void)core::SignalFd::set_mask(old_mask_);
    return;
  }
  for (int i = 0; i < 2; ++i) (void)::sigaction(kHostSignals[i], &g_old_actions[i], nullptr);
  g_pipe_write.store(-1, std::memory_order_relaxed);
}

int StopSignals::fd() const noexcept {
  return signalfd_ ? signalfd_->get() : pipe_read_.get();
}

core::Result<int> StopSignals::Read() noexcept {
  if (signalfd_) {
    core::Result<core::SignalfdSiginfo> info = signalfd_->read();
    if (!info) return info.error();
    return static_cast<int>(info->signo);
  }
  unsigned char byte = 0;
  core::Result<size_t> n = core::read(pipe_read_.get(), &byte, 1);
  if (!n) return n.error();
  if (*n == 0) return core::err::pipe;  // cannot happen while we hold the write end
  return static_cast<int>(byte);
}

}  // namespace zring::examples
