// examples/cli.h — what the example binaries' command lines share: the
// --backend flag (the signals that stop a server are in stop_signals.h).
#pragma once

#include <optional>
#include <string_view>

#include "zring/runtime/runtime.h"

namespace zring::examples {

// ParseBackend(): the value of --backend=: "uring", "poll" or "auto".
inline std::optional<BackendKind> ParseBackend(std::string_view value) noexcept {
  if (value == "uring") return BackendKind::kUring;
  if (value == "poll") return BackendKind::kPoll;
  if (value == "auto") return BackendKind::kAuto;
  return std::nullopt;
}

}  // namespace zring::examples
