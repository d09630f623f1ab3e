// zring/ring/register.h — io_uring_register operations on a Ring.
//
// Every helper is a thin typed front for one IORING_REGISTER_* opcode and
// goes through Ring::register_raw(), so there is one place that makes the
// syscall. Results are the kernel's: a count or nothing on success, an
// Errno otherwise (EINVAL for an opcode the kernel does not know, EBUSY for
// a table that is already registered, ENXIO when unregistering one that is
// not).
//
//   core::IoVec bufs[2] = {{a, sizeof a}, {b, sizeof b}};
//   if (auto r = ring::register_buffers(ring, bufs, 2); !r) return r.error();
//   ring::prep_read_fixed(sqe, fd, a, sizeof a, 0, /*buf_index=*/0);
//
//   ring::Probe probe;
//   if (ring::register_probe(ring, probe) && probe.supports(abi::Op::kFutexWait)) ...
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/result.h"
#include "zring/core/types.h"
#include "zring/ring/abi.h"
#include "zring/ring/ring.h"

namespace zring::ring {

// --- Fixed buffers --------------------------------------------------------

// register_buffers(): pins `count` buffers for READ_FIXED/WRITE_FIXED.
core::Result<void> register_buffers(Ring& ring, const core::IoVec* iovs,
                                    unsigned count) noexcept;
// register_buffers_sparse(): a table of `count` empty slots to fill later
// with update_buffers().
core::Result<void> register_buffers_sparse(Ring& ring, unsigned count) noexcept;
// update_buffers(): replaces slots [offset, offset+count); returns how many
// were updated.
core::Result<unsigned> update_buffers(Ring& ring, unsigned offset,
                                      const core::IoVec* iovs,
                                      unsigned count) noexcept;
core::Result<void> unregister_buffers(Ring& ring) noexcept;

// --- Fixed files ----------------------------------------------------------

// register_files(): a table of fds for IOSQE_FIXED_FILE; -1 entries are
// empty slots.
core::Result<void> register_files(Ring& ring, const int* fds,
                                  unsigned count) noexcept;
core::Result<void> register_files_sparse(Ring& ring, unsigned count) noexcept;
// update_files(): replaces slots [offset, offset+count); abi::kRegisterFilesSkip
// leaves a slot alone, -1 empties it.
core::Result<unsigned> update_files(Ring& ring, unsigned offset, const int* fds,
                                    unsigned count) noexcept;
// register_file_alloc_range(): the slots the kernel may pick from for
// *_direct operations given abi::kFileIndexAlloc.
core::Result<void> register_file_alloc_range(Ring& ring, unsigned offset,
                                             unsigned count) noexcept;
core::Result<void> unregister_files(Ring& ring) noexcept;

// --- Notifications --------------------------------------------------------

// register_eventfd(): the eventfd is signalled on every CQE; with
// `async_only`, only for completions that did not finish inline.
core::Result<void> register_eventfd(Ring& ring, int eventfd,
                                    bool async_only = false) noexcept;
core::Result<void> unregister_eventfd(Ring& ring) noexcept;

// --- Probing --------------------------------------------------------------

// Probe
//
// What register_probe() fills: which opcodes this kernel knows. Sized for
// every opcode up to 255 so it never needs a second call.
class Probe final {
 public:
  Probe() noexcept = default;

  [[nodiscard]] bool supports(abi::Op op) const noexcept {
    unsigned i = static_cast<unsigned>(op);
    return i <= last_op() && i < kMaxOps &&
           (ops_[i].flags & abi::kIoUringOpSupported) != 0;
  }
  // The highest opcode number the kernel knows.
  [[nodiscard]] unsigned last_op() const noexcept { return header_.last_op; }

 private:
  friend core::Result<void> register_probe(Ring&, Probe&) noexcept;
  static constexpr unsigned kMaxOps = 256;

  abi::Probe header_{};
  abi::ProbeOp ops_[kMaxOps]{};
};

core::Result<void> register_probe(Ring& ring, Probe& probe) noexcept;

// --- Credentials, io-wq and restrictions ----------------------------------

// register_personality(): the current credentials under an id usable in
// Sqe::personality.
core::Result<unsigned> register_personality(Ring& ring) noexcept;
core::Result<void> unregister_personality(Ring& ring, unsigned id) noexcept;

// register_iowq_affinity(): the CPUs io-wq workers may run on, as a
// cpu_set_t-style bit mask of `size` bytes.
core::Result<void> register_iowq_affinity(Ring& ring, const void* mask,
                                          size_t size) noexcept;
core::Result<void> unregister_iowq_affinity(Ring& ring) noexcept;
// register_iowq_max_workers(): values[0] bounded, values[1] unbounded
// workers; 0 keeps the current value. On return `values` holds the old
// limits.
core::Result<void> register_iowq_max_workers(Ring& ring,
                                             unsigned values[2]) noexcept;

// register_restrictions(): on a ring created with kSetupRDisabled, limit
// what it may do; enable_rings() then starts it.
core::Result<void> register_restrictions(Ring& ring,
                                         const abi::Restriction* restrictions,
                                         unsigned count) noexcept;
core::Result<void> enable_rings(Ring& ring) noexcept;

// --- Cancellation ---------------------------------------------------------

// sync_cancel(): cancels matching requests and waits for them, with an
// optional timeout (Linux 6.0). Returns 0 for a single match, the count
// with kAsyncCancelAll, and ENOENT when none matched.
core::Result<unsigned> sync_cancel(Ring& ring, const abi::SyncCancelReg& reg) noexcept;

// --- Provided buffer rings (see buf_ring.h for the owning type) -----------

core::Result<void> register_buf_ring(Ring& ring, abi::BufReg& reg) noexcept;
core::Result<void> unregister_buf_ring(Ring& ring, uint16_t group) noexcept;
// buf_ring_head(): the kernel's consumption head for a buffer group
// (Linux 6.8).
core::Result<uint32_t> buf_ring_head(Ring& ring, uint16_t group) noexcept;

// --- NAPI busy polling and the clock (Linux 6.9 / 6.10) --------------------

core::Result<void> register_napi(Ring& ring, abi::NapiReg& napi) noexcept;
core::Result<void> unregister_napi(Ring& ring, abi::NapiReg* old) noexcept;
// register_clock(): the clock CQ-wait timeouts are measured on
// (CLOCK_MONOTONIC or CLOCK_BOOTTIME).
core::Result<void> register_clock(Ring& ring, int clock_id) noexcept;

}  // namespace zring::ring
