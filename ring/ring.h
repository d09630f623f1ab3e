// zring/ring/ring.h — an io_uring instance: setup, the mapped SQ and CQ,
// submission and reaping, driven by zring's own syscalls.
//
//   auto ring = ring::Ring::Create({.entries = 64});
//   if (!ring) return ring.error();          // EPERM/ENOSYS: no io_uring here
//   abi::Sqe* sqe = ring->get_sqe();          // nullptr when the SQ is full
//   ring::prep_nop(sqe);
//   sqe->user_data = 42;
//   ring->submit_and_wait(1);
//   ring->for_each_cqe([](const abi::Cqe& cqe) { /* cqe.user_data, cqe.res */ });
//
// Everything on the per-operation path (get_sqe, submit, peek, reap) is
// inline here: on the machines we measure on a function return costs tens
// of nanoseconds, a large share of a NOP. Setup, teardown and registration
// live in ring.cc and register.cc.
//
// A Ring is used by one thread at a time (the kernel's SINGLE_ISSUER rule
// in any case). It registers its own fd with the kernel to save a file
// lookup per enter; that registration belongs to the creating thread, so a
// Ring moved to another thread notices the first failed enter and goes on
// with its plain fd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "zring/core/result.h"
#include "zring/core/syscall.h"
#include "zring/ring/abi.h"
#include "zring/ring/internal/atomics.h"

namespace zring::ring {

// RingOptions
//
// What io_uring_setup is asked for. `flags` takes abi::kSetup* bits; the
// fields below it only matter with the matching flag (cq_entries with
// kSetupCqsize, which Create() adds itself when cq_entries is non-zero;
// sq_thread_* with kSetupSqpoll; attach_wq_fd with kSetupAttachWq).
struct RingOptions {
  unsigned entries = 256;
  unsigned cq_entries = 0;
  uint32_t flags = 0;
  unsigned sq_thread_idle_ms = 0;
  int sq_thread_cpu = -1;
  int attach_wq_fd = -1;
  bool register_ring_fd = true;
};

// register_raw(): io_uring_register on any ring fd. Ring::register_raw and
// every helper in register.h come through here.
inline core::Result<unsigned> register_raw(int ring_fd, unsigned opcode,
                                           const void* arg,
                                           unsigned nr_args) noexcept {
  return core::FromRaw<unsigned>(
      core::syscall4(core::nr::io_uring_register, ring_fd,
                     static_cast<long>(opcode), core::arg(arg),
                     static_cast<long>(nr_args)));
}

class Ring final {
 public:
  // Create()
  //
  // Sets up a ring and maps it. Errors: EINVAL for an entry count of 0 or
  // above abi::kMaxEntries (without kSetupClamp) or flags the kernel does
  // not know; ENOSYS where io_uring does not exist; EPERM where it is
  // blocked (seccomp, kernel.io_uring_disabled); ENOMEM when locked memory
  // runs out.
  [[nodiscard]] static core::Result<Ring> Create(const RingOptions& options);
  [[nodiscard]] static core::Result<Ring> Create(unsigned entries,
                                                 uint32_t flags = 0) {
    RingOptions o;
    o.entries = entries;
    o.flags = flags;
    return Create(o);
  }

  Ring(Ring&& other) noexcept;
  Ring& operator=(Ring&& other) noexcept;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  ~Ring();

  // --- Submission -------------------------------------------------------

  // get_sqe()
  //
  // The next free SQE, or nullptr when the SQ is full: the caller decides
  // whether to submit and retry or queue the operation. The SQE holds stale
  // data; every prep_* function overwrites all of it.
  [[gnu::always_inline]] abi::Sqe* get_sqe() noexcept {
    uint32_t tail = sqe_tail_;
    if (tail == sq_limit_) [[unlikely]] {
      // Only when we reach the last known free slot do we look at how far
      // the kernel has consumed; the head only moves forward.
      sq_limit_ = detail::LoadAcquire(sq_.khead) + sq_.entries;
      if (tail == sq_limit_) return nullptr;
    }
    sqe_tail_ = tail + 1;
    return reinterpret_cast<abi::Sqe*>(
        reinterpret_cast<char*>(sq_.sqes) +
        (static_cast<size_t>(tail & sq_.mask) << sqe_shift_));
  }

  // Number of SQEs prepared but not yet handed to the kernel, and how many
  // more get_sqe() can return before the SQ is full.
  [[nodiscard]] unsigned sq_ready() const noexcept {
    return sqe_tail_ - detail::LoadAcquire(sq_.khead);
  }
  [[nodiscard]] unsigned sq_space_left() const noexcept {
    return sq_.entries - sq_ready();
  }

  // submit()
  //
  // Hands every prepared SQE to the kernel: one io_uring_enter for the
  // whole batch, none at all with SQPOLL while the poller is awake. Returns
  // how many the kernel took.
  [[gnu::always_inline]] core::Result<unsigned> submit() noexcept {
    return submit_and_wait(0);
  }

  // submit_and_wait()
  //
  // submit(), then block until at least `wait_nr` CQEs are ready. One
  // syscall for both.
  [[gnu::always_inline]] core::Result<unsigned> submit_and_wait(
      unsigned wait_nr) noexcept {
    unsigned submitted = FlushSq();
    if (wait_nr != 0 && (setup_flags_ & abi::kSetupSqpoll) == 0) [[likely]] {
      // Entering anyway, and GETEVENTS is all NeedsEnter() could add.
      return Enter(submitted, wait_nr, abi::kEnterGetevents, nullptr, 0);
    }
    unsigned flags = 0;
    if (NeedsEnter(submitted, &flags) || wait_nr != 0) {
      if (wait_nr != 0 || (setup_flags_ & abi::kSetupIopoll) != 0) {
        flags |= abi::kEnterGetevents;
      }
      return Enter(submitted, wait_nr, flags, nullptr, 0);
    }
    return submitted;
  }

  // submit_and_wait_timeout()
  //
  // submit_and_wait() that gives up after `timeout` (relative) with ETIME
  // when fewer than `wait_nr` CQEs arrived. Uses IORING_ENTER_EXT_ARG
  // (Linux 5.11); on older kernels it returns EINVAL and the caller should
  // use a timeout SQE instead.
  core::Result<unsigned> submit_and_wait_timeout(
      unsigned wait_nr, const abi::KernelTimespec& timeout) noexcept;

  // --- Completion -------------------------------------------------------

  // peek_cqe()
  //
  // The oldest unconsumed CQE, or nullptr. Never enters the kernel: with
  // DEFER_TASKRUN, or after a CQ overflow, completions may be pending in
  // the kernel that only get_events() / wait_cqe() bring in.
  [[gnu::always_inline]] abi::Cqe* peek_cqe() noexcept {
    uint32_t head = detail::LoadRelaxed(cq_.khead);
    if (head == detail::LoadAcquire(cq_.ktail)) return nullptr;
    return CqeAt(head);
  }

  // cqe_seen() / cq_advance()
  //
  // Mark CQEs consumed so the kernel may reuse their slots.
  [[gnu::always_inline]] void cqe_seen(const abi::Cqe*) noexcept {
    cq_advance(1);
  }
  [[gnu::always_inline]] void cq_advance(unsigned n) noexcept {
    detail::StoreRelease(cq_.khead, detail::LoadRelaxed(cq_.khead) + n);
  }

  // for_each_cqe()
  //
  // Calls f(const abi::Cqe&) for every ready CQE and publishes the new CQ
  // head once, after the last. Returns the count. `f` must not reap from
  // this ring itself, and must read the CQE before anything it calls may
  // resize the ring.
  template <class F>
  [[gnu::always_inline]] unsigned for_each_cqe(F&& f) noexcept(
      noexcept(f(std::declval<const abi::Cqe&>()))) {
    uint32_t head = detail::LoadRelaxed(cq_.khead);
    uint32_t tail = detail::LoadAcquire(cq_.ktail);
    for (uint32_t i = head; i != tail; ++i) f(*CqeAt(i));
    if (head != tail) detail::StoreRelease(cq_.khead, tail);
    return tail - head;
  }

  // for_each_cqe_reentrant()
  //
  // for_each_cqe() for an `f` that may itself reap from this ring (a
  // resumed coroutine that drives the ring until another operation's CQE
  // arrives) or resize it: each CQE is copied and consumed before f(cqe)
  // runs, and the head is read again after, so no CQE is seen twice. Only
  // the CQEs ready at the call are taken: those that f's own submissions
  // post wait for the next call, so that a loop turn ends. A head store per
  // completion instead of per batch.
  template <class F>
  [[gnu::always_inline]] unsigned for_each_cqe_reentrant(F&& f) {
    const uint32_t end = detail::LoadAcquire(cq_.ktail);
    unsigned n = 0;
    for (uint32_t head = detail::LoadRelaxed(cq_.khead); static_cast<int32_t>(end - head) > 0;
         head = detail::LoadRelaxed(cq_.khead)) {
      const abi::Cqe cqe = *CqeAt(head);
      detail::StoreRelease(cq_.khead, head + 1);
      ++n;
      f(cqe);
    }
    return n;
  }

  // peek_batch()
  //
  // Up to `max` ready CQE pointers, without consuming them; the caller
  // calls cq_advance(count) when done.
  [[gnu::always_inline]] unsigned peek_batch(abi::Cqe** out,
                                             unsigned max) noexcept {
    uint32_t head = detail::LoadRelaxed(cq_.khead);
    uint32_t ready = detail::LoadAcquire(cq_.ktail) - head;
    unsigned n = ready < max ? ready : max;
    for (unsigned i = 0; i < n; ++i) out[i] = CqeAt(head + i);
    return n;
  }

  [[nodiscard]] unsigned cq_ready() const noexcept {
    return detail::LoadAcquire(cq_.ktail) - detail::LoadRelaxed(cq_.khead);
  }

  // wait_cqe()
  //
  // The oldest CQE, entering the kernel (and submitting what is prepared)
  // until one is there. EINTR when a signal interrupts the wait.
  [[gnu::always_inline]] core::Result<abi::Cqe*> wait_cqe() noexcept {
    if (abi::Cqe* cqe = peek_cqe()) return cqe;
    return WaitCqeSlow(1, nullptr);
  }

  // wait_cqe_nr(): block until at least `n` CQEs are ready; returns the
  // oldest.
  core::Result<abi::Cqe*> wait_cqe_nr(unsigned n) noexcept {
    if (cq_ready() >= n && n != 0) return peek_cqe();
    return WaitCqeSlow(n, nullptr);
  }

  // wait_cqe_timeout(): wait_cqe() giving up with ETIME after `timeout`.
  core::Result<abi::Cqe*> wait_cqe_timeout(
      const abi::KernelTimespec& timeout) noexcept {
    if (abi::Cqe* cqe = peek_cqe()) return cqe;
    return WaitCqeSlow(1, &timeout);
  }

  // get_events()
  //
  // Asks the kernel to post whatever completions it holds back: task work
  // under DEFER_TASKRUN or COOP_TASKRUN, and CQEs that overflowed the CQ.
  // Does not block.
  core::Result<unsigned> get_events() noexcept {
    return Enter(FlushSq(), 0, abi::kEnterGetevents, nullptr, 0);
  }

  // cq_needs_flush(): the kernel holds completions that only an enter
  // with GETEVENTS brings into the CQ (overflow, or pending task work
  // signalled through IORING_SQ_TASKRUN).
  [[nodiscard]] bool cq_needs_flush() const noexcept {
    return (sq_flags() & (abi::kSqCqOverflow | abi::kSqTaskrun)) != 0;
  }

  // --- Raw access -------------------------------------------------------

  // enter(): io_uring_enter on this ring with its registered fd when it has
  // one. `arg`/`argsz` are the sigset or, with kEnterExtArg, the
  // abi::GetEventsArg.
  [[gnu::always_inline]] core::Result<unsigned> Enter(
      unsigned to_submit, unsigned min_complete, unsigned flags,
      const void* arg, size_t argsz) noexcept {
    long r = core::syscall6(core::nr::io_uring_enter, enter_fd_,
                            static_cast<long>(to_submit),
                            static_cast<long>(min_complete),
                            static_cast<long>(flags | enter_flags_),
                            core::arg(arg), static_cast<long>(argsz));
    if (r < 0) [[unlikely]] {
      return EnterFailed(r, to_submit, min_complete, flags, arg, argsz);
    }
    return static_cast<unsigned>(r);
  }

  // register_raw(): io_uring_register on this ring. Every register helper
  // in register.h goes through here.
  core::Result<unsigned> register_raw(unsigned opcode, const void* arg,
                                      unsigned nr_args) noexcept {
    return ring::register_raw(ring_fd_, opcode, arg, nr_args);
  }

  // --- What the kernel gave us --------------------------------------------

  [[nodiscard]] int fd() const noexcept { return ring_fd_; }
  [[nodiscard]] uint32_t features() const noexcept { return features_; }
  [[nodiscard]] bool has_feature(uint32_t feat) const noexcept {
    return (features_ & feat) == feat;
  }
  [[nodiscard]] uint32_t setup_flags() const noexcept { return setup_flags_; }
  // resize(): gives the ring `sq_entries` SQEs and `cq_entries` CQEs
  // (IORING_REGISTER_RESIZE_RINGS, Linux 6.13, rings set up with
  // DEFER_TASKRUN only). What is prepared is submitted first, and the
  // kernel carries over the CQEs not yet reaped: operations in flight go
  // on. EINVAL where the kernel or the ring's setup does not allow it
  // (the ring is unchanged then); EOVERFLOW while completions overflow,
  // or when more are waiting than `cq_entries` holds. Any pointer to an
  // SQE or CQE taken before is stale after.
  core::Result<void> resize(unsigned sq_entries, unsigned cq_entries) noexcept;

  [[nodiscard]] unsigned sq_entries() const noexcept { return sq_.entries; }
  [[nodiscard]] unsigned cq_entries() const noexcept { return cq_.entries; }
  [[nodiscard]] bool ring_fd_registered() const noexcept {
    return enter_flags_ & abi::kEnterRegisteredRing;
  }
  // CQEs the kernel dropped (only on kernels without FEAT_NODROP) and SQEs
  // it rejected as invalid: both should stay zero.
  [[nodiscard]] uint32_t cq_overflow_count() const noexcept {
    return detail::LoadRelaxed(cq_.koverflow);
  }
  [[nodiscard]] uint32_t sq_dropped() const noexcept {
    return detail::LoadRelaxed(sq_.kdropped);
  }
  [[nodiscard]] uint32_t sq_flags() const noexcept {
    return detail::LoadRelaxed(sq_.kflags);
  }

 private:
  struct SubmissionQueue {
    uint32_t* khead = nullptr;
    uint32_t* ktail = nullptr;
    uint32_t* kflags = nullptr;
    uint32_t* kdropped = nullptr;
    uint32_t* array = nullptr;
    abi::Sqe* sqes = nullptr;
    uint32_t mask = 0;
    uint32_t entries = 0;
    size_t sqes_size = 0;
  };
  struct CompletionQueue {
    uint32_t* khead = nullptr;
    uint32_t* ktail = nullptr;
    uint32_t* koverflow = nullptr;
    uint32_t* kflags = nullptr;
    abi::Cqe* cqes = nullptr;
    uint32_t mask = 0;
    uint32_t entries = 0;
  };

  Ring() = default;

  // Publishes prepared SQEs; returns how many the kernel has not consumed.
  // Storing an unchanged tail is harmless and cheaper than remembering
  // what was last published.
  [[gnu::always_inline]] unsigned FlushSq() noexcept {
    uint32_t tail = sqe_tail_;
    detail::StoreRelease(sq_.ktail, tail);
    return tail - detail::LoadRelaxed(sq_.khead);
  }

  // Whether submitting needs a syscall, and with which flags.
  [[gnu::always_inline]] bool NeedsEnter(unsigned submitted,
                                         unsigned* flags) const noexcept {
    if ((setup_flags_ & abi::kSetupSqpoll) == 0) {
      if (submitted != 0) return true;
    } else if (submitted != 0) {
      detail::FullFence();
      if (sq_flags() & abi::kSqNeedWakeup) {
        *flags |= abi::kEnterSqWakeup;
        return true;
      }
    }
    if (cq_needs_flush()) {
      *flags |= abi::kEnterGetevents;
      return true;
    }
    return false;
  }

  [[gnu::always_inline]] abi::Cqe* CqeAt(uint32_t index) const noexcept {
    return reinterpret_cast<abi::Cqe*>(
        reinterpret_cast<char*>(cq_.cqes) +
        (static_cast<size_t>(index & cq_.mask) << cqe_shift_));
  }

  core::Result<abi::Cqe*> WaitCqeSlow(unsigned n,
                                      const abi::KernelTimespec* timeout) noexcept;
  [[gnu::cold]] core::Result<unsigned> EnterFailed(long raw, unsigned to_submit,
                                                   unsigned min_complete,
                                                   unsigned flags, const void* arg,
                                                   size_t argsz) noexcept;
  void Release() noexcept;
  // Maps the rings and SQEs that `p` (from setup or a resize) describes.
  core::Result<void> MapRings(const abi::Params& p) noexcept;

  // Set once at Create(); read on every operation.
  SubmissionQueue sq_;
  CompletionQueue cq_;
  int ring_fd_ = -1;
  int enter_fd_ = -1;          // the registered index, or ring_fd_
  int registered_index_ = -1;  // our slot in the creator's ring-fd table
  uint32_t enter_flags_ = 0;   // kEnterRegisteredRing when enter_fd_ is one
  uint32_t setup_flags_ = 0;
  uint32_t features_ = 0;
  unsigned sqe_shift_ = 6;     // log2 of the SQE size: 64, or 128 with SQE128
  unsigned cqe_shift_ = 4;     // log2 of the CQE size: 16, or 32 with CQE32
  // The SQ index array sits where a resized ring's is found (ring.cc).
  bool sq_array_after_cqes_ = false;

  // The mappings, unmapped by the destructor.
  void* sq_map_ = nullptr;
  size_t sq_map_size_ = 0;
  void* cq_map_ = nullptr;     // == sq_map_ with FEAT_SINGLE_MMAP
  size_t cq_map_size_ = 0;

  // Written only by the submitting thread.
  uint32_t sqe_tail_ = 0;      // next SQE get_sqe() hands out
  uint32_t sq_limit_ = 0;      // get_sqe() rechecks the kernel's head here
};

}  // namespace zring::ring
