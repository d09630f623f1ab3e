// zring/runtime/internal/ready_queue.h — the coroutines a runtime will
// resume on its next turn: a FIFO ring buffer that grows by doubling and
// never shrinks, so steady state allocates nothing.
#pragma once

#include <coroutine>
#include <cstddef>
#include <vector>

namespace zring::detail {

class ReadyQueue final {
 public:
  ReadyQueue() : buf_(256), data_(buf_.data()), mask_(buf_.size() - 1) {}
  ReadyQueue(ReadyQueue&& o) noexcept
      : buf_(std::move(o.buf_)), data_(buf_.data()), mask_(o.mask_), head_(o.head_), size_(o.size_) {}

  void Push(std::coroutine_handle<> h) {
    if (size_ > mask_) [[unlikely]] Grow();
    data_[(head_ + size_) & mask_] = h;
    ++size_;
  }
  std::coroutine_handle<> Pop() noexcept {
    std::coroutine_handle<> h = data_[head_];
    head_ = (head_ + 1) & mask_;
    --size_;
    return h;
  }
  // Remove(): forget `h` (a coroutine being destroyed while it waits to be
  // resumed). Rare, so a scan; the slot becomes a no-op coroutine.
  void Remove(std::coroutine_handle<> h) noexcept {
    for (size_t i = 0; i < size_; ++i) {
      std::coroutine_handle<>& slot = buf_[(head_ + i) & (buf_.size() - 1)];
      if (slot == h) slot = std::noop_coroutine();
    }
  }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] size_t size() const noexcept { return size_; }

 private:
  [[gnu::noinline]] void Grow() {
    std::vector<std::coroutine_handle<>> bigger(buf_.size() * 2);
    for (size_t i = 0; i < size_; ++i) {
      bigger[i] = buf_[(head_ + i) & (buf_.size() - 1)];
    }
    buf_.swap(bigger);
    head_ = 0;
    data_ = buf_.data();
    mask_ = buf_.size() - 1;
  }

  std::vector<std::coroutine_handle<>> buf_;  // size is a power of two
  std::coroutine_handle<>* data_;
  size_t mask_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace zring::detail
