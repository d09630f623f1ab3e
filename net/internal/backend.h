// zring/net/internal/backend.h — which backend drives this thread, for the
// few net/ calls that take a different path on each (batches, splice).
#pragma once

#include "zring/runtime/runtime.h"

namespace zring::net::detail {

// OnPollBackend(): the current thread's runtime is the poll fallback.
// Without a runtime, false: the io_uring path then fails like any
// operation awaited outside a runtime (err::nxio).
inline bool OnPollBackend() noexcept {
  Runtime* rt = Runtime::current();
  return rt != nullptr && rt->backend() == BackendKind::kPoll;
}

}  // namespace zring::net::detail
