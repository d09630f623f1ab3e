// zring/ring/buf_ring.h — a provided-buffer ring: buffers the kernel picks
// from when a receive is ready, instead of one buffer pinned per pending
// receive.
//
//   auto group = ring::BufRing::Create(ring, {.group = 7, .count = 64, .size = 4096});
//   ring::prep_recv_multishot(sqe, fd, 7, 0);
//   ... on a CQE with cqe_has_buffer(cqe):
//   uint16_t id = ring::cqe_buffer_id(cqe);
//   consume(group->buffer(id), cqe.res);
//   group->recycle(id);                  // give it back to the kernel
//
// The BufRing owns the ring memory and the buffers, and unregisters the
// group when destroyed. It must be destroyed before the Ring it was created
// on, and used from the ring's thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/result.h"
#include "zring/ring/abi.h"
#include "zring/ring/internal/atomics.h"
#include "zring/ring/ring.h"

namespace zring::ring {

struct BufRingOptions {
  uint16_t group = 0;    // the buffer group id SQEs name
  unsigned count = 64;   // number of buffers: a power of two, at most 32768
  size_t size = 4096;    // bytes per buffer
  // Let the kernel consume a buffer in pieces (Linux 6.12,
  // IOU_PBUF_RING_INC): a CQE with IORING_CQE_F_BUF_MORE leaves the buffer
  // with the kernel.
  bool incremental = false;
};

class BufRing final {
 public:
  // Create(): allocates `count` buffers of `size` bytes, registers them as
  // group `group`, and hands all of them to the kernel. EINVAL for a count
  // that is not a power of two or above 32768, EEXIST for a group already
  // in use, EINVAL on kernels before 5.19.
  [[nodiscard]] static core::Result<BufRing> Create(Ring& ring,
                                                    const BufRingOptions& options);

  BufRing(BufRing&& other) noexcept;
  BufRing& operator=(BufRing&& other) noexcept;
  BufRing(const BufRing&) = delete;
  BufRing& operator=(const BufRing&) = delete;
  ~BufRing();

  // buffer(): the memory of buffer `id`.
  [[nodiscard]] void* buffer(uint16_t id) const noexcept {
    return static_cast<char*>(buffers_) + static_cast<size_t>(id) * size_;
  }
  [[nodiscard]] size_t buffer_size() const noexcept { return size_; }
  [[nodiscard]] unsigned count() const noexcept { return count_; }
  [[nodiscard]] uint16_t group() const noexcept { return group_; }

  // add() queues buffer `id` for the kernel without publishing it;
  // publish() makes every queued buffer visible at once. recycle() is both.
  [[gnu::always_inline]] void add(uint16_t id) noexcept {
    abi::Buf& slot = bufs_[(tail_ + pending_) & mask_];
    slot.addr = reinterpret_cast<uint64_t>(buffer(id));
    slot.len = static_cast<uint32_t>(size_);
    slot.bid = id;
    ++pending_;
  }
  [[gnu::always_inline]] void publish() noexcept {
    if (pending_ == 0) return;
    tail_ = static_cast<uint16_t>(tail_ + pending_);
    pending_ = 0;
    detail::StoreRelease16(TailPtr(), tail_);
  }
  [[gnu::always_inline]] void recycle(uint16_t id) noexcept {
    add(id);
    publish();
  }

  // kernel_head(): how far the kernel has consumed (Linux 6.8).
  [[nodiscard]] core::Result<uint32_t> kernel_head() const noexcept;

 private:
  BufRing() = default;
  uint16_t* TailPtr() const noexcept {
    // The kernel keeps the tail in the reserved field at the end of the
    // first descriptor, so the ring needs no separate header.
    return reinterpret_cast<uint16_t*>(reinterpret_cast<char*>(bufs_) +
                                       abi::kBufRingTailOffset);
  }
  void Release() noexcept;

  int ring_fd_ = -1;
  abi::Buf* bufs_ = nullptr;    // the shared ring, `count_` descriptors
  size_t ring_bytes_ = 0;
  void* buffers_ = nullptr;     // count_ * size_ bytes of buffer memory
  size_t buffers_bytes_ = 0;
  size_t size_ = 0;
  unsigned count_ = 0;
  uint16_t mask_ = 0;
  uint16_t group_ = 0;
  uint16_t tail_ = 0;
  uint16_t pending_ = 0;
};

}  // namespace zring::ring
