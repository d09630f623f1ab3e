// zring/runtime/internal/ready_queue.h — the coroutines a runtime will
// resume on its next turn: a FIFO ring buffer that grows by doubling and
// never shrinks, so steady state allocates nothing.
//
// `head_` and `tail_` run freely and are masked on access, and growing
// keeps every element at its index: a position taken before a resume is
// still valid after the resumed coroutine pushed (and grew the buffer).
#pragma once

#include <coroutine>
#include <cstddef>
#include <vector>

namespace zring::detail {

class ReadyQueue final {
 public:
  ReadyQueue() : buf_(256), data_(buf_.data()), mask_(buf_.size() - 1) {}
  ReadyQueue(ReadyQueue&& o) noexcept
      : buf_(std::move(o.buf_)), data_(buf_.data()), mask_(o.mask_), head_(o.head_), tail_(o.tail_) {}

  void Push(std::coroutine_handle<> h) {
    if (tail_ - head_ > mask_) [[unlikely]] Grow();
    data_[tail_++ & mask_] = h;
  }
  std::coroutine_handle<> Pop() noexcept { return data_[head_++ & mask_]; }

  // The position after the last coroutine queued now: resume until head()
  // reaches it to run only what was ready when the turn began.
  [[nodiscard]] size_t head() const noexcept { return head_; }
  [[nodiscard]] size_t tail() const noexcept { return tail_; }

  // Remove(): forget `h` (a coroutine being destroyed while it waits to be
  // resumed). Rare, so a scan; the slot becomes a no-op coroutine.
  void Remove(std::coroutine_handle<> h) noexcept {
    for (size_t i = head_; i != tail_; ++i) {
      if (data_[i & mask_] == h) data_[i & mask_] = std::noop_coroutine();
    }
  }
  [[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
  [[nodiscard]] size_t size() const noexcept { return tail_ - head_; }

 private:
  [[gnu::noinline]] void Grow() {
    std::vector<std::coroutine_handle<>> bigger(buf_.size() * 2);
    const size_t mask = bigger.size() - 1;
    for (size_t i = head_; i != tail_; ++i) bigger[i & mask] = data_[i & mask_];
    buf_.swap(bigger);
    data_ = buf_.data();
    mask_ = mask;
  }

  std::vector<std::coroutine_handle<>> buf_;  // size is a power of two
  std::coroutine_handle<>* data_;
  size_t mask_;
  size_t head_ = 0;  // free-running
  size_t tail_ = 0;
};

}  // namespace zring::detail
