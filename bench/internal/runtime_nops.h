// bench/internal/runtime_nops.h — NOPs through the runtime's coroutine
// layer, for every benchmark that puts the runtime beside the raw ring.
//
//   uint64_t ok = rt->block_on(bench::RuntimeNops(n));                 // one at a time
//   uint64_t ok = rt->block_on(bench::RuntimeNopFanOut(*rt, 32, n));   // 32 in flight
#pragma once

#include <cstdint>
#include <vector>

#include "zring/core/result.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/task.h"

namespace bench {

// RuntimeNops(): `n` NOPs one after the other; how many succeeded.
inline zring::Task<uint64_t> RuntimeNops(int64_t n) {
  uint64_t ok = 0;
  for (int64_t i = 0; i < n; ++i) {
    zring::core::Result<void> r = co_await zring::nop();
    ok += r.ok() ? 1 : 0;
  }
  co_return ok;
}

// RuntimeNopFanOut(): `tasks` spawned RuntimeNops(per_task), joined; how
// many NOPs succeeded in all.
inline zring::Task<uint64_t> RuntimeNopFanOut(zring::Runtime& rt, unsigned tasks,
                                              int64_t per_task) {
  std::vector<zring::JoinHandle<uint64_t>> joins;
  joins.reserve(tasks);
  for (unsigned i = 0; i < tasks; ++i) joins.push_back(rt.spawn(RuntimeNops(per_task)));
  uint64_t ok = 0;
  for (zring::JoinHandle<uint64_t>& j : joins) ok += co_await j;
  co_return ok;
}

}  // namespace bench
