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

  const bool has_array = (p.flags & abi::kSetupNoSqarray) == 0;
  size_t sq_size =
      has_array ? p.sq_off.array + p.sq_entries * sizeof(uint32_t) : 0;
  size_t cq_size = p.cq_off.cqes + (static_cast<size_t>(p.cq_entries)
                                    << ring.cqe_shift_);

  if (p.features & abi::kFeatSingleMmap) {
    size_t size = sq_size > cq_size ? sq_size : cq_size;
    core::Result<void*> map = MapRing(ring.ring_fd_, size, abi::kOffSqRing);
    if (!map) return map.error();
    ring.sq_map_ = ring.cq_map_ = *map;
    ring.sq_map_size_ = size;
  } else {
    core::Result<void*> sq = MapRing(ring.ring_fd_, sq_size, abi::kOffSqRing);
    if (!sq) return sq.error();
    ring.sq_map_ = *sq;
    ring.sq_map_size_ = sq_size;
    core::Result<void*> cq = MapRing(ring.ring_fd_, cq_size, abi::kOffCqRing);
    if (!cq) return cq.error();
    ring.cq_map_ = *cq;
    ring.cq_map_size_ = cq_size;
  }

  size_t sqes_size = static_cast<size_t>(p.sq_entries) << ring.sqe_shift_;
  core::Result<void*> sqes = MapRing(ring.ring_fd_, sqes_size, abi::kOffSqes);
  if (!sqes) return sqes.error();

  SubmissionQueue& sq = ring.sq_;
  sq.khead = At<uint32_t>(ring.sq_map_, p.sq_off.head);
  sq.ktail = At<uint32_t>(ring.sq_map_, p.sq_off.tail);
  sq.kflags = At<uint32_t>(ring.sq_map_, p.sq_off.flags);
  sq.kdropped = At<uint32_t>(ring.sq_map_, p.sq_off.dropped);
  sq.mask = *At<uint32_t>(ring.sq_map_, p.sq_off.ring_mask);
  sq.entries = *At<uint32_t>(ring.sq_map_, p.sq_off.ring_entries);
  sq.sqes = static_cast<abi::Sqe*>(*sqes);
  sq.sqes_size = sqes_size;
  if (has_array) {
    // SQE i always sits in slot i, so the index array is filled once here
    // and submission never writes it again.
    sq.array = At<uint32_t>(ring.sq_map_, p.sq_off.array);
    for (uint32_t i = 0; i < sq.entries; ++i) sq.array[i] = i;
  }

  CompletionQueue& cq = ring.cq_;
  cq.khead = At<uint32_t>(ring.cq_map_, p.cq_off.head);
  cq.ktail = At<uint32_t>(ring.cq_map_, p.cq_off.tail);
  cq.koverflow = At<uint32_t>(ring.cq_map_, p.cq_off.overflow);
  cq.kflags = p.cq_off.flags ? At<uint32_t>(ring.cq_map_, p.cq_off.flags)
                             : nullptr;
  cq.mask = *At<uint32_t>(ring.cq_map_, p.cq_off.ring_mask);
  cq.entries = *At<uint32_t>(ring.cq_map_, p.cq_off.ring_entries);
  cq.cqes = At<abi::Cqe>(ring.cq_map_, p.cq_off.cqes);

  // The SQ head and tail start at whatever the kernel says (zero today);
  // reading them keeps us right if that ever changes.
  ring.sqe_tail_ = ring.sq_limit_ = detail::LoadRelaxed(sq.ktail);

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
