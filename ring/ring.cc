// Ring setup, teardown and the cold paths of submission and waiting.
#include "zring/ring/ring.h"

#include <utility>

#include "zring/core/constants.h"
#include "zring/core/io.h"
#include "zring/core/memory.h"

namespace zring::ring {
namespace {

core::Result<void*> MapRing(int fd, size_t size, uint64_t offset) {
  // MAP_POPULATE: the rings are touched on every operation; faulting them
  // in now keeps page faults off the hot path.
  return core::mmap(nullptr, size, core::prot::read | core::prot::write,
                    core::map::shared | core::map::populate, fd,
                    static_cast<long>(offset));
}

// Where the kernel puts the SQ index array: after the CQEs, at the next
// cache line. Setup reports it; a resize (6.18) reports 0, so a ring with
// an array is resized only where setup confirmed this layout.
uint32_t SqArrayAfterCqes(const abi::Params& p, unsigned cqe_shift) {
  constexpr uint32_t kCacheLine = 64;
  const uint32_t end = p.cq_off.cqes + (p.cq_entries << cqe_shift);
  return (end + kCacheLine - 1) & ~(kCacheLine - 1);
}

template <class T>
T* At(void* base, uint32_t offset) {
  return reinterpret_cast<T*>(static_cast<char*>(base) + offset);
}

}  // namespace

core::Result<Ring> Ring::Create(const RingOptions& options) {
  if (options.entries == 0 || (options.entries > abi::kMaxEntries &&
                               (options.flags & abi::kSetupClamp) == 0)) {
    return core::err::inval;
  }

  abi::Params p{};
  p.flags = options.flags;
  if (options.cq_entries != 0) {
    p.flags |= abi::kSetupCqsize;
    p.cq_entries = options.cq_entries;
  }
  if (p.flags & abi::kSetupSqpoll) {
    p.sq_thread_idle = options.sq_thread_idle_ms;
    if (options.sq_thread_cpu >= 0) {
      p.flags |= abi::kSetupSqAff;
      p.sq_thread_cpu = static_cast<uint32_t>(options.sq_thread_cpu);
    }
  }
  if (options.attach_wq_fd >= 0) {
    p.flags |= abi::kSetupAttachWq;
    p.wq_fd = static_cast<uint32_t>(options.attach_wq_fd);
  }

  long fd = core::syscall2(core::nr::io_uring_setup, options.entries,
                           core::arg(&p));
  if (fd < 0) return core::Errno::FromRaw(fd);

  Ring ring;
  ring.ring_fd_ = static_cast<int>(fd);
  ring.enter_fd_ = ring.ring_fd_;
  ring.setup_flags_ = p.flags;
  ring.features_ = p.features;
  ring.sqe_shift_ = (p.flags & abi::kSetupSqe128) ? 7 : 6;
  ring.cqe_shift_ = (p.flags & abi::kSetupCqe32) ? 5 : 4;
  ring.sq_array_after_cqes_ = (p.flags & abi::kSetupNoSqarray) != 0 ||
                              p.sq_off.array == SqArrayAfterCqes(p, ring.cqe_shift_);
  if (core::Result<void> m = ring.MapRings(p); !m) return m.error();

  // Not on a disabled ring: its restrictions may forbid unregistering, and
  // the registered slot would then keep the ring alive after ~Ring.
  if (options.register_ring_fd && (p.flags & abi::kSetupRDisabled) == 0) {
    // Linux 5.18+. Older kernels say EINVAL and we keep the plain fd.
    abi::RsrcUpdate update{};
    update.offset = ~0u;  // let the kernel pick a slot
    update.data = static_cast<uint64_t>(ring.ring_fd_);
    core::Result<unsigned> r =
        ring.register_raw(abi::kRegisterRingFds, &update, 1);
    if (r && *r == 1) {
      ring.enter_fd_ = ring.registered_index_ = static_cast<int>(update.offset);
      ring.enter_flags_ = abi::kEnterRegisteredRing;
    }
  }
  return ring;
}

core::Result<void> Ring::MapRings(const abi::Params& p) noexcept {
  const bool has_array = (p.flags & abi::kSetupNoSqarray) == 0;
  const size_t sq_size = has_array ? p.sq_off.array + p.sq_entries * sizeof(uint32_t) : 0;
  const size_t cq_size = p.cq_off.cqes + (static_cast<size_t>(p.cq_entries) << cqe_shift_);
  const size_t sqes_size = static_cast<size_t>(p.sq_entries) << sqe_shift_;
  const bool single = (p.features & abi::kFeatSingleMmap) != 0;
  const size_t sq_map_size = single && cq_size > sq_size ? cq_size : sq_size;

  // All three mappings, or none: the ring's own are replaced only once
  // every one of the new ones is in place.
  void* maps[3] = {nullptr, nullptr, nullptr};  // SQ ring, CQ ring, SQEs
  const size_t sizes[3] = {sq_map_size, single ? 0 : cq_size, sqes_size};
  const uint64_t offsets[3] = {abi::kOffSqRing, abi::kOffCqRing, abi::kOffSqes};
  for (int k = 0; k < 3; ++k) {
    if (k == 1 && single) continue;  // the CQ ring shares the SQ ring's mapping
    core::Result<void*> map = MapRing(ring_fd_, sizes[k], offsets[k]);
    if (!map) {
      for (int m = 0; m < k; ++m) {
        if (maps[m] != nullptr) (void)core::munmap(maps[m], sizes[m]);
      }
      return map.error();
    }
    maps[k] = *map;
  }
  sq_map_ = maps[0];
  sq_map_size_ = sq_map_size;
  cq_map_ = single ? maps[0] : maps[1];
  cq_map_size_ = single ? 0 : cq_size;

  SubmissionQueue& sq = sq_;
  sq = {};
  sq.khead = At<uint32_t>(sq_map_, p.sq_off.head);
  sq.ktail = At<uint32_t>(sq_map_, p.sq_off.tail);
  sq.kflags = At<uint32_t>(sq_map_, p.sq_off.flags);
  sq.kdropped = At<uint32_t>(sq_map_, p.sq_off.dropped);
  sq.mask = *At<uint32_t>(sq_map_, p.sq_off.ring_mask);
  sq.entries = *At<uint32_t>(sq_map_, p.sq_off.ring_entries);
  sq.sqes = static_cast<abi::Sqe*>(maps[2]);
  sq.sqes_size = sqes_size;
  if (has_array) {
    // SQE i always sits in slot i, so the index array is filled once here
    // and submission never writes it again.
    sq.array = At<uint32_t>(sq_map_, p.sq_off.array);
    for (uint32_t i = 0; i < sq.entries; ++i) sq.array[i] = i;
  }

  CompletionQueue& cq = cq_;
  cq = {};
  cq.khead = At<uint32_t>(cq_map_, p.cq_off.head);
  cq.ktail = At<uint32_t>(cq_map_, p.cq_off.tail);
  cq.koverflow = At<uint32_t>(cq_map_, p.cq_off.overflow);
  cq.kflags = p.cq_off.flags ? At<uint32_t>(cq_map_, p.cq_off.flags) : nullptr;
  cq.mask = *At<uint32_t>(cq_map_, p.cq_off.ring_mask);
  cq.entries = *At<uint32_t>(cq_map_, p.cq_off.ring_entries);
  cq.cqes = At<abi::Cqe>(cq_map_, p.cq_off.cqes);

  // The SQ head and tail are whatever the kernel says: zero for a new
  // ring, carried over by a resize.
  sqe_tail_ = detail::LoadRelaxed(sq.ktail);
  sq_limit_ = detail::LoadAcquire(sq.khead) + sq.entries;
  return core::Ok();
}

core::Result<void> Ring::resize(unsigned sq_entries, unsigned cq_entries) noexcept {
  if (sq_entries == 0 || cq_entries < sq_entries || !sq_array_after_cqes_) {
    return core::err::inval;
  }
  // The kernel answers a resize to the same sizes without offsets.
  if (sq_entries == sq_.entries && cq_entries == cq_.entries) return core::Ok();
  // The kernel carries over the SQEs it was given but not yet took, never
  // those prepared here and not published: submit them all first.
  if (core::Result<unsigned> s = submit(); !s) return s.error();
  if (sqe_tail_ != detail::LoadAcquire(sq_.khead)) return core::err::busy;
  abi::Params p{};
  p.sq_entries = sq_entries;
  p.cq_entries = cq_entries;
  p.flags = abi::kSetupCqsize;
  core::Result<unsigned> r = register_raw(abi::kRegisterResizeRings, &p, 1);
  if (!r) return r.error();
  // The kernel answers with the new rings' offsets and sizes; the flags
  // are the ring's own, which it keeps.
  p.flags = setup_flags_;
  p.features = features_;
  if ((p.flags & abi::kSetupNoSqarray) == 0 && p.sq_off.array == 0) {
    p.sq_off.array = SqArrayAfterCqes(p, cqe_shift_);
  }
  void* old_sq_map = sq_map_;
  void* old_cq_map = cq_map_;
  const size_t old_sq_map_size = sq_map_size_;
  const size_t old_cq_map_size = cq_map_size_;
  abi::Sqe* old_sqes = sq_.sqes;
  const size_t old_sqes_size = sq_.sqes_size;
  if (core::Result<void> m = MapRings(p); !m) {
    // The kernel moved to rings we could not map. The old mappings stay
    // (memory the kernel no longer reads), so nothing here dangles, and
    // every enter fails with EBADF from now on: the owner sees an error,
    // never a crash or a ring that silently drops work.
    enter_fd_ = -1;
    enter_flags_ = 0;
    return m.error();
  }
  (void)core::munmap(old_sqes, old_sqes_size);
  if (old_cq_map != old_sq_map) (void)core::munmap(old_cq_map, old_cq_map_size);
  (void)core::munmap(old_sq_map, old_sq_map_size);
  return core::Ok();
}

Ring::Ring(Ring&& other) noexcept
    : sq_(std::exchange(other.sq_, {})),
      cq_(std::exchange(other.cq_, {})),
      ring_fd_(std::exchange(other.ring_fd_, -1)),
      enter_fd_(std::exchange(other.enter_fd_, -1)),
      registered_index_(std::exchange(other.registered_index_, -1)),
      enter_flags_(std::exchange(other.enter_flags_, 0)),
      setup_flags_(std::exchange(other.setup_flags_, 0)),
      features_(std::exchange(other.features_, 0)),
      sqe_shift_(other.sqe_shift_),
      cqe_shift_(other.cqe_shift_),
      sq_array_after_cqes_(other.sq_array_after_cqes_),
      sq_map_(std::exchange(other.sq_map_, nullptr)),
      sq_map_size_(std::exchange(other.sq_map_size_, 0)),
      cq_map_(std::exchange(other.cq_map_, nullptr)),
      cq_map_size_(std::exchange(other.cq_map_size_, 0)),
      sqe_tail_(std::exchange(other.sqe_tail_, 0)),
      sq_limit_(std::exchange(other.sq_limit_, 0)) {}

Ring& Ring::operator=(Ring&& other) noexcept {
  if (this != &other) {
    Release();
    new (this) Ring(std::move(other));
  }
  return *this;
}

Ring::~Ring() { Release(); }

void Ring::Release() noexcept {
  if (ring_fd_ < 0) return;
  if (registered_index_ >= 0) {
    // The registered slot holds a reference to the ring file: without this
    // the ring would outlive close() until the thread exits. It fails (and
    // the slot stays until thread exit) if we run on another thread than
    // the one that created the ring.
    abi::RsrcUpdate update{};
    update.offset = static_cast<uint32_t>(registered_index_);
    (void)register_raw(abi::kUnregisterRingFds, &update, 1);
  }
  if (sq_.sqes != nullptr) (void)core::munmap(sq_.sqes, sq_.sqes_size);
  if (cq_map_ != nullptr && cq_map_ != sq_map_) {
    (void)core::munmap(cq_map_, cq_map_size_);
  }
  if (sq_map_ != nullptr) (void)core::munmap(sq_map_, sq_map_size_);
  (void)core::close(ring_fd_);
  ring_fd_ = enter_fd_ = registered_index_ = -1;
  enter_flags_ = 0;
  sq_ = {};
  cq_ = {};
  sq_map_ = cq_map_ = nullptr;
}

core::Result<unsigned> Ring::EnterFailed(long raw, unsigned to_submit,
                                         unsigned min_complete, unsigned flags,
                                         const void* arg,
                                         size_t argsz) noexcept {
  if ((enter_flags_ & abi::kEnterRegisteredRing) &&
      (raw == -core::err::badf.value() || raw == -core::err::inval.value())) {
    // A registered ring fd is private to the thread that registered it; on
    // any other thread the kernel answers EBADF (or EINVAL when that thread
    // never used io_uring). Retry with the real fd, and keep using it if
    // that was the reason.
    enter_fd_ = ring_fd_;
    enter_flags_ = 0;
    core::Result<unsigned> r = Enter(to_submit, min_complete, flags, arg, argsz);
    if (!r && r.error().value() == -raw) {
      enter_fd_ = registered_index_;
      enter_flags_ = abi::kEnterRegisteredRing;
    }
    return r;
  }
  return core::Errno::FromRaw(raw);
}

core::Result<unsigned> Ring::submit_and_wait_timeout(
    unsigned wait_nr, const abi::KernelTimespec& timeout) noexcept {
  unsigned submitted = FlushSq();
  unsigned flags = abi::kEnterGetevents | abi::kEnterExtArg;
  if ((setup_flags_ & abi::kSetupSqpoll) && submitted != 0) {
    detail::FullFence();
    if (sq_flags() & abi::kSqNeedWakeup) flags |= abi::kEnterSqWakeup;
  }
  abi::GetEventsArg ext{};
  ext.sigmask_sz = 8;  // the kernel's sigset size, checked even when unused
  ext.ts = reinterpret_cast<uint64_t>(&timeout);
  return Enter(submitted, wait_nr, flags, &ext, sizeof ext);
}

core::Result<abi::Cqe*> Ring::WaitCqeSlow(
    unsigned n, const abi::KernelTimespec* timeout) noexcept {
  for (;;) {
    core::Result<unsigned> r =
        timeout ? submit_and_wait_timeout(n, *timeout) : [&] {
          unsigned submitted = FlushSq();
          unsigned flags = abi::kEnterGetevents;
          NeedsEnter(submitted, &flags);
          return Enter(submitted, n, flags, nullptr, 0);
        }();
    if (!r) return r.error();
    if (n == 0 || cq_ready() >= n) return peek_cqe();
  }
}

}  // namespace zring::ring
