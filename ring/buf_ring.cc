// BufRing setup and teardown.
#include "zring/ring/buf_ring.h"

#include <utility>

#include "zring/core/constants.h"
#include "zring/core/memory.h"

namespace zring::ring {
namespace {

constexpr size_t kPage = 4096;

size_t RoundUp(size_t n) { return (n + kPage - 1) & ~(kPage - 1); }

core::Result<void*> MapAnonymous(size_t bytes) {
  return core::mmap(nullptr, bytes, core::prot::read | core::prot::write,
                    core::map::private_ | core::map::anonymous, -1, 0);
}

}  // namespace

core::Result<BufRing> BufRing::Create(Ring& ring, const BufRingOptions& o) {
  if (o.count == 0 || o.count > 32768 || (o.count & (o.count - 1)) != 0 ||
      o.size == 0 || o.size > (1u << 31)) {
    return core::err::inval;
  }
  BufRing br;
  br.size_ = o.size;
  br.count_ = o.count;
  br.mask_ = static_cast<uint16_t>(o.count - 1);
  br.group_ = o.group;

  // The ring must be page-aligned; anonymous mmap gives that and zeroes it
  // (the tail starts at 0).
  br.ring_bytes_ = RoundUp(o.count * sizeof(abi::Buf));
  core::Result<void*> ring_mem = MapAnonymous(br.ring_bytes_);
  if (!ring_mem) return ring_mem.error();
  br.bufs_ = static_cast<abi::Buf*>(*ring_mem);

  br.buffers_bytes_ = RoundUp(o.count * o.size);
  core::Result<void*> buffers = MapAnonymous(br.buffers_bytes_);
  if (!buffers) {
    br.buffers_bytes_ = 0;
    return buffers.error();
  }
  br.buffers_ = *buffers;

  abi::BufReg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br.bufs_);
  reg.ring_entries = o.count;
  reg.bgid = o.group;
  reg.flags = o.incremental ? abi::kIouPbufRingInc : 0;
  core::Result<unsigned> r = register_raw(ring.fd(), abi::kRegisterPbufRing,
                                          &reg, 1);
  if (!r) return r.error();
  // Only now is there a group of ours for the destructor to unregister; set
  // earlier, a failed mmap above would unregister a group id that may
  // belong to another BufRing on this ring.
  br.ring_fd_ = ring.fd();
  for (unsigned i = 0; i < o.count; ++i) br.add(static_cast<uint16_t>(i));
  br.publish();
  return br;
}

BufRing::BufRing(BufRing&& other) noexcept
    : ring_fd_(std::exchange(other.ring_fd_, -1)),
      bufs_(std::exchange(other.bufs_, nullptr)),
      ring_bytes_(std::exchange(other.ring_bytes_, 0)),
      buffers_(std::exchange(other.buffers_, nullptr)),
      buffers_bytes_(std::exchange(other.buffers_bytes_, 0)),
      size_(std::exchange(other.size_, 0)),
      count_(std::exchange(other.count_, 0)),
      mask_(std::exchange(other.mask_, 0)),
      group_(std::exchange(other.group_, 0)),
      tail_(std::exchange(other.tail_, 0)),
      pending_(std::exchange(other.pending_, 0)) {}

BufRing& BufRing::operator=(BufRing&& other) noexcept {
  if (this != &other) {
    Release();
    new (this) BufRing(std::move(other));
  }
  return *this;
}

BufRing::~BufRing() { Release(); }

void BufRing::Release() noexcept {
  if (ring_fd_ >= 0) {
    abi::BufReg reg{};
    reg.bgid = group_;
    (void)register_raw(ring_fd_, abi::kUnregisterPbufRing, &reg, 1);
    ring_fd_ = -1;
  }
  if (bufs_ != nullptr) (void)core::munmap(bufs_, ring_bytes_);
  if (buffers_ != nullptr) (void)core::munmap(buffers_, buffers_bytes_);
  bufs_ = nullptr;
  buffers_ = nullptr;
}

core::Result<uint32_t> BufRing::kernel_head() const noexcept {
  abi::BufStatus status{};
  status.buf_group = group_;
  core::Result<unsigned> r =
      register_raw(ring_fd_, abi::kRegisterPbufStatus, &status, 1);
  if (!r) return r.error();
  return status.head;
}

}  // namespace zring::ring
