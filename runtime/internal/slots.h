// zring/runtime/internal/slots.h — the table that turns a 64-bit token
// (the poll backend's timers) back into an operation, safely.
//
// A token is (generation << 32 | index). Freeing a slot bumps its
// generation, so a token that outlived its operation — a timer of an
// operation that finished some other way — no longer resolves.
#pragma once

#include <cstdint>
#include <vector>

#include "zring/runtime/op.h"

namespace zring::detail {

class SlotTable final {
 public:
  // Acquire(): a slot for `op`; grows the table only when every slot is in
  // use, so steady state allocates nothing.
  uint64_t Acquire(OpBase* op) {
    uint32_t index = free_head_;
    if (index == kNone) [[unlikely]] {
      index = Grow();
    }
    Slot& s = slots_[index];
    free_head_ = s.next_free;
    s.op = op;
    ++in_use_;
    return (uint64_t{s.generation} << 32) | index;
  }

  // Find(): the live operation a token names, or nullptr.
  [[nodiscard]] OpBase* Find(uint64_t token) const noexcept {
    uint32_t index = static_cast<uint32_t>(token);
    if (index >= slots_.size()) return nullptr;
    const Slot& s = slots_[index];
    return s.generation == static_cast<uint32_t>(token >> 32) ? s.op : nullptr;
  }

  void Release(uint64_t token) noexcept {
    uint32_t index = static_cast<uint32_t>(token);
    Slot& s = slots_[index];
    s.op = nullptr;
    ++s.generation;
    if (s.generation == 0) [[unlikely]] s.generation = 1;
    s.next_free = free_head_;
    free_head_ = index;
    --in_use_;
  }

  void Reserve(size_t n) { slots_.reserve(n); }

  [[nodiscard]] size_t in_use() const noexcept { return in_use_; }

 private:
  static constexpr uint32_t kNone = ~0u;
  struct Slot {
    OpBase* op;
    uint32_t generation;
    uint32_t next_free;
  };
  [[gnu::noinline]] uint32_t Grow() {
    uint32_t index = static_cast<uint32_t>(slots_.size());
    slots_.push_back({nullptr, 1, kNone});
    return index;
  }

  std::vector<Slot> slots_;
  uint32_t free_head_ = kNone;
  size_t in_use_ = 0;
};

}  // namespace zring::detail
