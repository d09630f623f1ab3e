// zring/ring/internal/atomics.h — every memory-ordering decision of the
// SQ and CQ rings, in one place.
//
// The rings are shared with the kernel, which reads and writes them from
// another context (task work on our thread, an io-wq worker, or the SQPOLL
// thread). The protocol is single-producer/single-consumer on each ring:
//   SQ: we produce (write SQEs, then publish the tail); the kernel consumes
//       and publishes the head.
//   CQ: the kernel produces (writes CQEs, then publishes the tail); we
//       consume and publish the head.
// Each index is therefore written by exactly one side; the other side needs
// acquire on load to see the entries the index covers, and the writer needs
// release on store so the entries are visible before the index.
//
// The compiler's __atomic builtins rather than std::atomic_ref: the same
// operations, and the libc++ of older toolchains (macOS's among them) has
// no atomic_ref.
#pragma once

#include <atomic>
#include <cstdint>

namespace zring::ring::detail {

// The index the other side publishes: acquire, so that the entries up to it
// (CQEs written by the kernel, or SQE slots it has finished reading) are
// visible before we touch them.
[[gnu::always_inline]] inline uint32_t LoadAcquire(const uint32_t* p) noexcept {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

// An index or flag word where we only need a fresh value, not ordering of
// other memory: our own head/tail (only we write them), or a counter we
// report.
[[gnu::always_inline]] inline uint32_t LoadRelaxed(const uint32_t* p) noexcept {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}

// Publishing our index: release, so that the SQEs we filled (SQ tail) are
// complete before the kernel can see them, and so that our reads of CQEs
// (CQ head) are finished before the kernel may overwrite those slots.
[[gnu::always_inline]] inline void StoreRelease(uint32_t* p, uint32_t v) noexcept {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

// The 16-bit tail of a provided-buffer ring: release, so the buffer
// descriptors we wrote are visible before the kernel can pick them.
[[gnu::always_inline]] inline void StoreRelease16(uint16_t* p, uint16_t v) noexcept {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

// A full barrier, needed only with SQPOLL: after publishing the SQ tail we
// read the SQ flags to see whether the poller sleeps. Without a store→load
// fence the flag read could be satisfied before the tail store is visible,
// and the poller could go to sleep without seeing our entries while we
// conclude it is awake.
[[gnu::always_inline]] inline void FullFence() noexcept {
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

}  // namespace zring::ring::detail
