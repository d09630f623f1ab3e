// examples/stop_signals.h — SIGINT and SIGTERM as an fd that turns
// readable, so that a server waits for them as for any other I/O.
//
//   auto signals = examples::StopSignals::Install("echo_server", /*nonblocking=*/false);
//   if (!signals) return 1;                  // said why on stderr
//   ...start threads and servers...
//   core::Result<int> sig = signals->Read();  // blocks until one arrives
//
// On Linux it is a signalfd with the two signals blocked: Install() before
// starting any thread, which inherits the mask. Where there is no signalfd
// (a BSD or macOS host, whose calls core/ makes through libc), handlers
// write each signal's number into a pipe instead. One StopSignals per
// process; destroying it puts the mask or the handlers back.
#pragma once

#include <memory>
#include <optional>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/core/signal_fd.h"

namespace zring::examples {

class StopSignals final {
 public:
  // Install(): on failure says why on stderr, prefixed with `program`.
  // `nonblocking`: Read() returns EAGAIN when no signal has come.
  [[nodiscard]] static core::Result<StopSignals> Install(const char* program,
                                                         bool nonblocking) noexcept;
  StopSignals(StopSignals&&) noexcept;
  StopSignals& operator=(StopSignals&&) = delete;
  ~StopSignals();

  // fd(): readable when a signal is there to Read().
  [[nodiscard]] int fd() const noexcept;
  // Read(): the number of a signal that came (EINTR and, nonblocking,
  // EAGAIN are errors to retry on).
  [[nodiscard]] core::Result<int> Read() noexcept;

 private:
  StopSignals() = default;
  std::optional<core::SignalFd> signalfd_;
  core::SigSet old_mask_{};
  core::Fd pipe_read_;
  core::Fd pipe_write_;
  bool installed_ = false;  // false once moved from
};

}  // namespace zring::examples
