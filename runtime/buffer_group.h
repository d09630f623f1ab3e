// zring/runtime/buffer_group.h — receive buffers the runtime picks, not the
// caller: a group of equal buffers that recv_buffer() takes from only when
// data is there.
//
//   auto group = zring::BufferGroup::Create(/*id=*/1, /*count=*/64, /*size=*/4096);
//   auto buf = co_await zring::recv_buffer(fd, **group);   // Result<Buffer>
//   if (buf) consume(buf->data(), buf->size());            // back to the group
//                                                         // when `buf` dies
//
// On io_uring the group is a provided-buffer ring (ring/buf_ring.h) and the
// kernel picks the buffer; on the poll backend it is a free list and the
// runtime picks one just before the recv. Either way a buffer taken by a
// receive whose coroutine is gone goes straight back to the group, and a
// receive finding the group empty completes with ENOBUFS.
//
// A BufferGroup belongs to the runtime (and thread) that created it and
// must outlive every Buffer taken from it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "zring/core/result.h"
#include "zring/ring/buf_ring.h"
#include "zring/runtime/op.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"

namespace zring {

class BufferGroup;

// Buffer
//
// A lease on one buffer of a group holding `size()` received bytes. Moving
// transfers the lease; destruction gives the buffer back.
class Buffer final {
 public:
  Buffer() = default;
  Buffer(BufferGroup* group, uint16_t id, size_t size) noexcept
      : group_(group), id_(id), size_(size) {}
  Buffer(Buffer&& o) noexcept
      : group_(std::exchange(o.group_, nullptr)), id_(o.id_), size_(o.size_) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      Release();
      group_ = std::exchange(o.group_, nullptr);
      id_ = o.id_;
      size_ = o.size_;
    }
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { Release(); }

  [[nodiscard]] const char* data() const noexcept;
  [[nodiscard]] size_t size() const noexcept { return size_; }
  [[nodiscard]] uint16_t id() const noexcept { return id_; }

 private:
  void Release() noexcept;

  BufferGroup* group_ = nullptr;
  uint16_t id_ = 0;
  size_t size_ = 0;
};

class BufferGroup final {
 public:
  // Create(): `count` buffers (a power of two, at most 32768) of `size`
  // bytes, as group `id` on the current runtime. ENXIO outside a runtime.
  static core::Result<std::unique_ptr<BufferGroup>> Create(uint16_t id, unsigned count,
                                                          size_t size) {
    Runtime* rt = Runtime::current();
    if (rt == nullptr) return core::err::nxio;
    std::unique_ptr<BufferGroup> g(new BufferGroup());
    g->id_ = id;
    g->size_ = size;
    if (detail::UringBackend* u = rt->uring()) {
      ring::BufRingOptions o;
      o.group = id;
      o.count = count;
      o.size = size;
      core::Result<ring::BufRing> br = ring::BufRing::Create(u->ring(), o);
      if (!br) return br.error();
      g->ring_.emplace(std::move(*br));
    } else {
      if (count == 0 || count > 32768 || (count & (count - 1)) != 0 || size == 0) {
        return core::err::inval;
      }
      g->memory_.resize(count * size);
      for (unsigned i = count; i-- > 0;) g->free_.push_back(static_cast<uint16_t>(i));
    }
    return g;
  }

  [[nodiscard]] uint16_t id() const noexcept { return id_; }
  [[nodiscard]] size_t buffer_size() const noexcept { return size_; }
  // available(): buffers not leased (poll backend: exact; io_uring: not
  // tracked, returns 0).
  [[nodiscard]] size_t available() const noexcept { return free_.size(); }

  [[nodiscard]] char* memory(uint16_t id) noexcept {
    return ring_ ? static_cast<char*>(ring_->buffer(id)) : memory_.data() + id * size_;
  }
  void give_back(uint16_t id) noexcept {
    if (ring_) ring_->recycle(id); else free_.push_back(id);
  }
  // take(): poll backend only; nullopt when empty.
  std::optional<uint16_t> take() noexcept {
    if (free_.empty()) return std::nullopt;
    uint16_t id = free_.back();
    free_.pop_back();
    return id;
  }
  [[nodiscard]] bool provided_by_kernel() const noexcept { return ring_.has_value(); }

  // recv_into(): poll backend: one recv into a buffer taken only if data
  // came (a receive that would block holds none). On success `*taken`
  // names the buffer; ENOBUFS when the group is empty.
  long recv_into(int fd, int flags, uint16_t* taken) noexcept {
    std::optional<uint16_t> id = take();
    if (!id) return -core::err::nobufs.value();
    core::Result<size_t> r = core::recv(fd, memory(*id), size_, flags);
    if (r && *r > 0) {
      *taken = *id;
      return static_cast<long>(*r);
    }
    give_back(*id);
    return r ? 0 : -static_cast<long>(r.error().value());
  }

 private:
  BufferGroup() = default;

  uint16_t id_ = 0;
  size_t size_ = 0;
  std::optional<ring::BufRing> ring_;  // io_uring
  std::vector<char> memory_;           // poll backend
  std::vector<uint16_t> free_;         // poll backend
};

inline const char* Buffer::data() const noexcept { return group_ ? group_->memory(id_) : nullptr; }
inline void Buffer::Release() noexcept {
  if (group_) group_->give_back(id_);
  group_ = nullptr;
}

// recv_buffer(): receives into a buffer of `group`. An empty Buffer
// (size 0) means the peer closed the connection.
struct RecvBufferOp : Operation<RecvBufferOp> {
  BufferGroup* group;
  int flags;
  uint16_t taken = 0;    // poll backend: the buffer attempt() used
  bool have_taken = false;

  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* o = static_cast<RecvBufferOp*>(b);
    ring::prep_recv(sqe, o->fd, nullptr, o->group->buffer_size(), o->flags);
    ring::set_buffer_select(sqe, o->group->id());
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* o = static_cast<RecvBufferOp*>(b);
    long r = o->group->recv_into(o->fd, o->flags, &o->taken);
    if (r > 0) o->have_taken = true;
    return r;
  }
  // The receive finished after its coroutine was gone: the kernel (or we)
  // still took a buffer, which goes back to the group.
  static void Discard(detail::OpBase* b, int32_t res, uint32_t cqe_flags) noexcept {
    auto* o = static_cast<RecvBufferOp*>(b);
    if (cqe_flags & ring::abi::kCqeFBuffer) {
      o->group->give_back(static_cast<uint16_t>(cqe_flags >> ring::abi::kCqeBufferShift));
    } else if (o->have_taken) {
      o->group->give_back(o->taken);
      o->have_taken = false;
    }
    (void)res;
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, &Discard, core::ev::in,
                                        ring::abi::Op::kRecv};

  core::Result<Buffer> result() noexcept {
    if (res < 0) {
      if (have_taken) {
        group->give_back(taken);
        have_taken = false;
      }
      return core::Errno(-res);
    }
    uint16_t id;
    if (cqe_flags & ring::abi::kCqeFBuffer) {
      id = static_cast<uint16_t>(cqe_flags >> ring::abi::kCqeBufferShift);
    } else if (have_taken) {
      id = taken;
      have_taken = false;
    } else {
      return Buffer();  // EOF with no buffer taken
    }
    if (res == 0) {
      group->give_back(id);
      return Buffer();
    }
    return Buffer(group, id, static_cast<size_t>(res));
  }
};

inline Awaitable<RecvBufferOp> recv_buffer(int fd, BufferGroup& group, int flags = 0) noexcept {
  RecvBufferOp op;
  op.fd = fd;
  op.group = &group;
  op.flags = flags;
  return op;
}

}  // namespace zring
