// zring/runtime/internal/slots.h — the table that turns a 64-bit token
// (io_uring user_data, an epoll tag, a remote cancel request) back into an
// operation, safely.
//
// A token is (generation << 32 | index). Freeing a slot bumps its
// generation, so a token that outlived its operation — a late CQE, a
// cancel request posted from another thread just as the operation
// finished — no longer resolves. Tokens with the top bit set are reserved
// for the runtime's own internal operations and never name a slot.
#pragma once

#include <cstdint>
#include <vector>

#include "zring/runtime/op.h"

namespace zring::detail {

inline constexpr uint64_t kReservedTag = uint64_t{1} << 63;
inline constexpr uint64_t kTagWake = kReservedTag | 1;    // cross-thread wake-up
inline constexpr uint64_t kTagIgnore = kReservedTag | 2;  // cancels, link timeouts
inline constexpr uint64_t kTagMsgWake = kReservedTag | 3; // MSG_RING from another ring

class SlotTable final {
 public:
  // Acquire(): a slot for `op`; grows the table only when every slot is in
  // use, so steady state allocates nothing.
  uint64_t Acquire(OpBase* op) {
    uint32_t index;
    if (free_.empty()) {
      index = static_cast<uint32_t>(slots_.size());
      slots_.push_back({op, 1});
      // Release() runs on completion paths that must not allocate.
      if (free_.capacity() < slots_.capacity()) free_.reserve(slots_.capacity());
    } else {
      index = free_.back();
      free_.pop_back();
      slots_[index].op = op;
    }
    ++in_use_;
    return Token(index);
  }

  // Find(): the live operation a token names, or nullptr.
  [[nodiscard]] OpBase* Find(uint64_t token) const noexcept {
    if (token & kReservedTag) return nullptr;
    uint32_t index = static_cast<uint32_t>(token);
    if (index >= slots_.size()) return nullptr;
    const Slot& s = slots_[index];
    return s.generation == static_cast<uint32_t>(token >> 32) ? s.op : nullptr;
  }

  void Release(uint64_t token) {
    uint32_t index = static_cast<uint32_t>(token);
    Slot& s = slots_[index];
    s.op = nullptr;
    ++s.generation;
    if (s.generation == 0) s.generation = 1;
    free_.push_back(index);
    --in_use_;
  }

  void Reserve(size_t n) {
    slots_.reserve(n);
    free_.reserve(n);
  }

  [[nodiscard]] size_t in_use() const noexcept { return in_use_; }

 private:
  struct Slot {
    OpBase* op;
    uint32_t generation;
  };
  uint64_t Token(uint32_t index) const noexcept {
    return (uint64_t{slots_[index].generation} << 32) | index;
  }

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  size_t in_use_ = 0;
};

}  // namespace zring::detail
