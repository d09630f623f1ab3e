// zring/runtime/channel.h — Channel<T>: a bounded multi-producer,
// multi-consumer queue for coroutines, across threads and runtimes.
//
//   zring::Channel<int> ch(16);
//
//   zring::Task<> producer() {
//     for (int i = 0; i < 100; ++i) {
//       if (!co_await ch.send(i)) break;          // EPIPE: closed
//     }
//     ch.close();
//   }
//   zring::Task<> consumer() {
//     while (std::optional<int> v = co_await ch.receive()) use(*v);
//   }                                            // nullopt: closed, drained
//
// send() suspends while the channel is full (back-pressure); receive()
// suspends while it is empty. Waiters queue in FIFO order and are resumed on
// the runtime they waited on (sync.h explains the machinery: intrusive
// waiters, one std::mutex, Runtime::post). A value goes straight from a
// sender to a waiting receiver, and a receive that frees a slot moves the
// oldest waiting sender's value in at once, so a newcomer never overtakes a
// waiter.
//
// Cancellation: a send or receive suspended in a task whose stop token is
// triggered ends at once — send() with ECANCELED (the value is dropped,
// not sent), receive() with nullopt (closed() says whether it was a close).
//
// A Channel must outlive every coroutine waiting on it.
#pragma once

#include <cassert>
#include <coroutine>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "zring/core/error.h"
#include "zring/core/result.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/sync.h"

namespace zring {

template <class T>
class Channel final {
  static_assert(std::is_move_constructible_v<T>, "Channel<T>: T must be movable");
  static_assert(!std::is_reference_v<T>, "Channel<T&>: send pointers or values");

 public:
  // Channel(capacity): capacity must be at least 1 (std::invalid_argument
  // otherwise); the buffer is allocated here, once.
  explicit Channel(size_t capacity)
      : capacity_(capacity), buffer_(capacity ? new std::optional<T>[capacity] : nullptr) {
    if (capacity == 0) throw std::invalid_argument("zring::Channel: capacity must be >= 1");
  }
  ~Channel() {
    assert(senders_.empty() && receivers_.empty() && "zring::Channel destroyed with waiters");
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  class [[nodiscard]] SendAwaiter;
  class [[nodiscard]] ReceiveAwaiter;

  // send(): co_await it for Ok once the value is in the channel (or handed
  // to a receiver); EPIPE if the channel is or gets closed first;
  // ECANCELED if the task is stopped first; ENXIO outside a runtime when it
  // would have to wait.
  SendAwaiter send(T value) noexcept(std::is_nothrow_move_constructible_v<T>) {
    return SendAwaiter(this, std::move(value));
  }
  // receive(): co_await it for the oldest value; nullopt once the channel
  // is closed and drained, or if the task is stopped first.
  ReceiveAwaiter receive() noexcept { return ReceiveAwaiter(this); }

  // try_send(): never waits. Ok, EAGAIN when full, EPIPE when closed;
  // `value` is moved from only on Ok.
  core::Result<void> try_send(T&& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    return SendLocked(value);
  }
  core::Result<void> try_send(const T& value) {
    T copy(value);
    return try_send(std::move(copy));
  }
  // try_receive(): never waits; nullopt when empty (closed() or not).
  std::optional<T> try_receive() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ReceiveLocked();
  }

  // close(): any thread, idempotent. Waiting senders get EPIPE, waiting
  // receivers nullopt; values already in the channel can still be received.
  void close() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    while (detail::Waiter* w = senders_.pop_front()) {
      static_cast<SendAwaiter*>(w)->result = core::err::pipe;
      w->Wake();
    }
    while (detail::Waiter* w = receivers_.pop_front()) w->Wake();  // value stays nullopt
  }

  [[nodiscard]] bool closed() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }
  [[nodiscard]] size_t size() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }
  [[nodiscard]] size_t capacity() const noexcept { return capacity_; }

 private:
  // Invariants, under mutex_: senders wait only while the buffer is full,
  // receivers only while it is empty (so never both at once).

  // Moves `value` to the oldest waiting receiver or into the buffer.
  core::Result<void> SendLocked(T& value) {
    if (closed_) return core::err::pipe;
    if (detail::Waiter* w = receivers_.pop_front()) {
      auto* r = static_cast<ReceiveAwaiter*>(w);
      r->value.emplace(std::move(value));
      r->Wake();
      return core::Ok();
    }
    if (count_ == capacity_) return core::err::again;
    buffer_[(head_ + count_) % capacity_].emplace(std::move(value));
    ++count_;
    return core::Ok();
  }

  // The oldest buffered value; the slot it frees goes to the oldest
  // waiting sender.
  std::optional<T> ReceiveLocked() {
    if (count_ == 0) return std::nullopt;
    std::optional<T>& slot = buffer_[head_];
    std::optional<T> out(std::move(slot));
    slot.reset();
    head_ = (head_ + 1) % capacity_;
    --count_;
    if (detail::Waiter* w = senders_.pop_front()) {
      auto* s = static_cast<SendAwaiter*>(w);
      buffer_[(head_ + count_) % capacity_].emplace(std::move(s->value));
      ++count_;
      s->Wake();  // result stays Ok
    }
    return out;
  }

  mutable std::mutex mutex_;
  const size_t capacity_;
  std::unique_ptr<std::optional<T>[]> buffer_;
  size_t head_ = 0;
  size_t count_ = 0;
  bool closed_ = false;
  detail::WaitList senders_;
  detail::WaitList receivers_;
};

template <class T>
class [[nodiscard]] Channel<T>::SendAwaiter final : detail::CancellableWait {
 public:
  SendAwaiter(Channel* ch, T&& v) noexcept(std::is_nothrow_move_constructible_v<T>)
      : ch_(ch), value(std::move(v)) {}
  ~SendAwaiter() {
    if (abandoned()) {
      Disarm();
      std::lock_guard<std::mutex> lock(ch_->mutex_);
      if (linked) ch_->senders_.remove(this);
    }
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) {
    const std::stop_token* stop = detail::StopTokenOf(h);
    if (stop != nullptr && stop->stop_requested()) {
      result = core::err::canceled;
      return false;
    }
    Runtime* rt = Runtime::current();
    {
      std::lock_guard<std::mutex> lock(ch_->mutex_);
      result = ch_->SendLocked(value);
      if (result.ok() || result.error() != core::err::again) return false;
      if (rt == nullptr) {
        result = core::err::nxio;
        return false;
      }
      result = core::Ok();
      handle = h;
      runtime = rt;
      ch_->senders_.push_back(this);
    }
    Arm(stop, &Cancel);
    return true;
  }
  core::Result<void> await_resume() noexcept {
    Disarm();
    return result;
  }

 private:
  friend class Channel;

  static void Cancel(detail::Waiter* w) noexcept {
    auto* self = static_cast<SendAwaiter*>(w);
    std::lock_guard<std::mutex> lock(self->ch_->mutex_);
    if (!self->linked) return;  // a receiver or close() got there first
    self->ch_->senders_.remove(self);
    self->result = core::err::canceled;
    self->Wake();
  }

  Channel* ch_;
  T value;
};

template <class T>
class [[nodiscard]] Channel<T>::ReceiveAwaiter final : detail::CancellableWait {
 public:
  explicit ReceiveAwaiter(Channel* ch) noexcept : ch_(ch) {}
  ~ReceiveAwaiter() {
    if (abandoned()) {
      Disarm();
      std::lock_guard<std::mutex> lock(ch_->mutex_);
      if (linked) ch_->receivers_.remove(this);
    }
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) {
    const std::stop_token* stop = detail::StopTokenOf(h);
    if (stop != nullptr && stop->stop_requested()) return false;  // nullopt
    Runtime* rt = Runtime::current();
    {
      std::lock_guard<std::mutex> lock(ch_->mutex_);
      value = ch_->ReceiveLocked();
      if (value || ch_->closed_ || rt == nullptr) return false;
      handle = h;
      runtime = rt;
      ch_->receivers_.push_back(this);
    }
    Arm(stop, &Cancel);
    return true;
  }
  std::optional<T> await_resume() noexcept(std::is_nothrow_move_constructible_v<T>) {
    Disarm();
    return std::move(value);
  }

 private:
  friend class Channel;

  static void Cancel(detail::Waiter* w) noexcept {
    auto* self = static_cast<ReceiveAwaiter*>(w);
    std::lock_guard<std::mutex> lock(self->ch_->mutex_);
    if (!self->linked) return;  // a sender or close() got there first
    self->ch_->receivers_.remove(self);
    self->Wake();
  }

  Channel* ch_;
  std::optional<T> value;
};

}  // namespace zring
