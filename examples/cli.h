// examples/cli.h — what the example binaries' command lines share: the
// --backend flag and the signals that stop a server.
#pragma once

#include <cstdio>
#include <optional>
#include <string_view>

#include "zring/core/result.h"
#include "zring/core/signal_fd.h"
#include "zring/runtime/runtime.h"

namespace zring::examples {

// ParseBackend(): the value of --backend=: "uring", "poll" or "auto".
inline std::optional<BackendKind> ParseBackend(std::string_view value) noexcept {
  if (value == "uring") return BackendKind::kUring;
  if (value == "poll") return BackendKind::kPoll;
  if (value == "auto") return BackendKind::kAuto;
  return std::nullopt;
}

// BlockStopSignals(): blocks SIGINT and SIGTERM and returns a signalfd
// that receives them, so a server can stop cleanly instead of being
// killed. Call it before starting any thread: threads inherit the mask,
// and a thread without it would take the signal's default action. On
// failure it says why on stderr, prefixed with `program`.
inline core::Result<core::SignalFd> BlockStopSignals(const char* program,
                                                     bool nonblocking) noexcept {
  const core::SigSet set = core::SigSet{}.add(core::sig::intr).add(core::sig::term);
  if (core::Result<void> r = core::SignalFd::block(set); !r) {
    std::fprintf(stderr, "%s: blocking signals: %s\n", program, r.error().name());
    return r.error();
  }
  core::Result<core::SignalFd> signals = core::SignalFd::Create(set, nonblocking);
  if (!signals) std::fprintf(stderr, "%s: signalfd: %s\n", program, signals.error().name());
  return signals;
}

}  // namespace zring::examples
