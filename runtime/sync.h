// zring/runtime/sync.h — Event, Mutex and Semaphore for coroutines, correct
// across threads and across runtimes.
//
//   zring::Event ready;
//   zring::Mutex mu;
//   zring::Semaphore slots(4);
//
//   zring::Task<> worker() {
//     if (!co_await ready.wait()) co_return;          // ECANCELED: stopped
//     if (!co_await slots.acquire()) co_return;       // at most 4 at a time
//     {
//       zring::LockGuard g = co_await mu.lock();      // FIFO, handed over
//       co_await zring::yield();                      // still held here
//     }                                               // unlocked
//     slots.release();
//   }
//
// How waiting works, for all three (and for Channel, channel.h):
// - A waiter is the awaiter object itself, in the waiting coroutine's frame,
//   linked into the primitive's FIFO list: a wait allocates nothing.
// - The list is guarded by a std::mutex inside the primitive, so set(),
//   unlock(), release() may be called from any thread, runtime or not.
// - A waiter is never resumed by the thread that wakes it: it is handed to
//   Runtime::post() of the runtime it waited on (Runtime::current() when it
//   suspended), so it always continues on its own thread.
// - Waiting needs a runtime; without one (a coroutine driven by hand) a wait
//   that would suspend fails with ENXIO, like an operation does (op.h), or,
//   for Mutex::lock(), which has no error to return, throws
//   std::logic_error.
// - Event::wait() and Semaphore::acquire() are cancelled by the awaiting
//   task's stop token (JoinHandle::cancel, TaskGroup::cancel, a when_any
//   loser): they return ECANCELED, and a stop requested before the wait
//   cancels it at once. Mutex::lock() is not cancellable: a lock wait lasts
//   one critical section, and a lock() that could fail would put an error
//   check in front of every critical section.
//
// A primitive must outlive its waiters. Destroying a coroutine while it
// waits unlinks it; destroying one that has been woken but not yet resumed
// is the runtime's general rule: do not destroy a task that is ready to run.
#pragma once

#include <cassert>
#include <coroutine>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <utility>

#include "zring/core/error.h"
#include "zring/core/result.h"
#include "zring/runtime/runtime.h"

namespace zring {

namespace detail {

// Waiter
//
// One suspended coroutine in a primitive's FIFO. Every field is guarded by
// the primitive's mutex, except `handle` and `runtime`, which are written
// before the waiter is linked and only read afterwards.
struct Waiter {
  Waiter* prev = nullptr;
  Waiter* next = nullptr;
  std::coroutine_handle<> handle;
  Runtime* runtime = nullptr;
  bool linked = false;

  // Wake(): resume on the waiter's own runtime. Called with the
  // primitive's mutex held, so that the waiter cannot be unlinked and
  // destroyed by its own thread in between; post() takes only the
  // runtime's own lock, which never calls back into a primitive.
  void Wake() noexcept { runtime->post(handle); }
};

// WaitList: an intrusive FIFO of waiters. Not thread-safe by itself.
class WaitList final {
 public:
  [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
  [[nodiscard]] Waiter* front() const noexcept { return head_; }

  void push_back(Waiter* w) noexcept {
    w->prev = tail_;
    w->next = nullptr;
    if (tail_) tail_->next = w; else head_ = w;
    tail_ = w;
    w->linked = true;
  }
  void remove(Waiter* w) noexcept {
    if (w->prev) w->prev->next = w->next; else head_ = w->next;
    if (w->next) w->next->prev = w->prev; else tail_ = w->prev;
    w->prev = w->next = nullptr;
    w->linked = false;
  }
  Waiter* pop_front() noexcept {
    Waiter* w = head_;
    if (w) remove(w);
    return w;
  }

 private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

// The stop token of the coroutine that awaits, if its promise has one.
template <class Promise>
const std::stop_token* StopTokenOf(std::coroutine_handle<Promise> h) noexcept {
  if constexpr (requires { h.promise().stop; }) {
    return h.promise().stop;
  } else {
    return nullptr;
  }
}

// CancelWait: the stop callback of a cancellable wait. It runs on whatever
// thread requested stop, takes the primitive's mutex and, if the waiter is
// still linked, unlinks and wakes it with ECANCELED.
struct CancelWait {
  Waiter* waiter;
  void (*cancel)(Waiter*) noexcept;
  void operator()() const noexcept { cancel(waiter); }
};
using WaitStopCallback = std::stop_callback<CancelWait>;

// CancellableWait: what Event::wait and Semaphore::acquire share — the
// waiter, its result, and the stop callback registered while suspended.
//
// Protocol: the derived awaiter links itself under the primitive's mutex in
// await_suspend and then calls Arm(); the primitive's wake path sets
// `result` (if it is not Ok) before Wake(); Cancel() is the derived
// awaiter's static that unlinks under the mutex.
class CancellableWait : public Waiter {
 protected:
  CancellableWait() = default;
  CancellableWait(const CancellableWait&) = delete;
  CancellableWait& operator=(const CancellableWait&) = delete;

  // Arm(): after linking (outside the primitive's mutex: the callback may
  // run at once and takes it).
  void Arm(const std::stop_token* stop, void (*cancel)(Waiter*) noexcept) noexcept {
    suspended_ = true;
    if (stop != nullptr && stop->stop_possible()) {
      on_stop_.emplace(*stop, CancelWait{this, cancel});
    }
  }
  // Disarm(): in await_resume. Waits for a callback running on another
  // thread to finish, so nothing touches this awaiter afterwards.
  void Disarm() noexcept {
    on_stop_.reset();
    suspended_ = false;
  }
  // Whether the coroutine was destroyed while suspended here (the derived
  // destructor must then unlink under the primitive's mutex).
  [[nodiscard]] bool abandoned() const noexcept { return suspended_; }

  core::Result<void> result;

 private:
  std::optional<WaitStopCallback> on_stop_;
  bool suspended_ = false;
};

}  // namespace detail

// ---------------------------------------------------------------------------
// Event
// ---------------------------------------------------------------------------

// Event
//
// A manual-reset event: wait() suspends until set(); set() wakes every
// waiter and leaves the event set (later waits do not suspend) until
// reset().
class Event final {
 public:
  explicit Event(bool initially_set = false) noexcept : set_(initially_set) {}
  ~Event() { assert(waiters_.empty() && "zring::Event destroyed with waiters"); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // set(): any thread. Wakes all current waiters, in the order they came.
  void set() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    set_ = true;
    while (detail::Waiter* w = waiters_.pop_front()) w->Wake();
  }
  // reset(): any thread. Later waits suspend again.
  void reset() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    set_ = false;
  }
  [[nodiscard]] bool is_set() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return set_;
  }

  class [[nodiscard]] WaitAwaiter;
  // wait(): co_await it for Ok once the event is set, ECANCELED if the
  // awaiting task is stopped first, ENXIO outside a runtime.
  WaitAwaiter wait() noexcept;

 private:
  mutable std::mutex mutex_;
  bool set_;
  detail::WaitList waiters_;
};

class [[nodiscard]] Event::WaitAwaiter final : detail::CancellableWait {
 public:
  explicit WaitAwaiter(Event* event) noexcept : event_(event) {}
  ~WaitAwaiter() {
    if (abandoned()) {
      Disarm();
      std::lock_guard<std::mutex> lock(event_->mutex_);
      if (linked) event_->waiters_.remove(this);
    }
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    const std::stop_token* stop = detail::StopTokenOf(h);
    if (stop != nullptr && stop->stop_requested()) {
      result = core::err::canceled;
      return false;
    }
    Runtime* rt = Runtime::current();
    {
      std::lock_guard<std::mutex> lock(event_->mutex_);
      if (event_->set_) return false;
      if (rt == nullptr) {
        result = core::err::nxio;
        return false;
      }
      handle = h;
      runtime = rt;
      event_->waiters_.push_back(this);
    }
    Arm(stop, &Cancel);
    return true;
  }
  core::Result<void> await_resume() noexcept {
    Disarm();
    return result;
  }

 private:
  static void Cancel(detail::Waiter* w) noexcept {
    auto* self = static_cast<WaitAwaiter*>(w);
    std::lock_guard<std::mutex> lock(self->event_->mutex_);
    if (!self->linked) return;  // set() got there first
    self->event_->waiters_.remove(self);
    self->result = core::err::canceled;
    self->Wake();
  }

  Event* event_;
};

inline Event::WaitAwaiter Event::wait() noexcept { return WaitAwaiter(this); }

// ---------------------------------------------------------------------------
// Mutex
// ---------------------------------------------------------------------------

class Mutex;

// LockGuard
//
// Owns a locked Mutex and unlocks it when destroyed. Move-only; unlock()
// releases early, release() gives up ownership without unlocking.
class [[nodiscard]] LockGuard final {
 public:
  LockGuard() noexcept = default;
  explicit LockGuard(Mutex* m) noexcept : mutex_(m) {}
  LockGuard(LockGuard&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
  LockGuard& operator=(LockGuard&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
    }
    return *this;
  }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;
  ~LockGuard() { unlock(); }

  [[nodiscard]] bool owns_lock() const noexcept { return mutex_ != nullptr; }
  explicit operator bool() const noexcept { return owns_lock(); }
  inline void unlock() noexcept;
  Mutex* release() noexcept { return std::exchange(mutex_, nullptr); }

 private:
  Mutex* mutex_ = nullptr;
};

// Mutex
//
// An asynchronous mutex with FIFO handoff: unlock() with waiters does not
// release the lock but gives it to the oldest waiter, so no newcomer can
// barge in and no waiter starves. Not recursive. Not cancellable (see the
// top of this file).
//
//   zring::LockGuard g = co_await mu.lock();
class Mutex final {
 public:
  Mutex() noexcept = default;
  ~Mutex() { assert(waiters_.empty() && "zring::Mutex destroyed with waiters"); }
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // try_lock(): takes the lock if it is free and nobody waits.
  [[nodiscard]] bool try_lock() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (locked_) return false;
    locked_ = true;
    return true;
  }

  class [[nodiscard]] LockAwaiter;
  // lock(): co_await it for a LockGuard. Outside a runtime, a lock() that
  // would have to wait throws std::logic_error (nothing could resume it).
  LockAwaiter lock() noexcept;

  // unlock(): any thread; hands the lock to the oldest waiter, if any.
  void unlock() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    assert(locked_ && "zring::Mutex::unlock of an unlocked mutex");
    if (detail::Waiter* w = waiters_.pop_front()) {
      w->Wake();  // still locked_: it owns the lock now
    } else {
      locked_ = false;
    }
  }

 private:
  std::mutex mutex_;
  bool locked_ = false;
  detail::WaitList waiters_;
};

class [[nodiscard]] Mutex::LockAwaiter final : detail::Waiter {
 public:
  explicit LockAwaiter(Mutex* m) noexcept : mutex_(m) {}
  LockAwaiter(const LockAwaiter&) = delete;
  LockAwaiter& operator=(const LockAwaiter&) = delete;
  ~LockAwaiter() {
    if (suspended_) {
      // Destroyed while waiting (its coroutine was torn down).
      std::lock_guard<std::mutex> lock(mutex_->mutex_);
      if (linked) mutex_->waiters_.remove(this);
    }
  }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    Runtime* rt = Runtime::current();
    std::lock_guard<std::mutex> lock(mutex_->mutex_);
    if (!mutex_->locked_) {
      mutex_->locked_ = true;
      return false;
    }
    if (rt == nullptr) throw std::logic_error("zring::Mutex::lock: must wait, but no runtime");
    handle = h;
    runtime = rt;
    mutex_->waiters_.push_back(this);
    suspended_ = true;
    return true;
  }
  LockGuard await_resume() noexcept {
    suspended_ = false;
    return LockGuard(mutex_);
  }

 private:
  Mutex* mutex_;
  bool suspended_ = false;
};

inline Mutex::LockAwaiter Mutex::lock() noexcept { return LockAwaiter(this); }

inline void LockGuard::unlock() noexcept {
  if (mutex_ != nullptr) std::exchange(mutex_, nullptr)->unlock();
}

// ---------------------------------------------------------------------------
// Semaphore
// ---------------------------------------------------------------------------

// Semaphore
//
// A counting semaphore with strict FIFO: an acquire of n waits while older
// acquires wait, even if n units are free, so a large request is not
// starved by small ones.
class Semaphore final {
 public:
  explicit Semaphore(size_t initial = 0) noexcept : count_(initial) {}
  ~Semaphore() { assert(waiters_.empty() && "zring::Semaphore destroyed with waiters"); }
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  // try_acquire(): takes `n` units if they are free and nobody waits.
  [[nodiscard]] bool try_acquire(size_t n = 1) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!waiters_.empty() || count_ < n) return false;
    count_ -= n;
    return true;
  }

  class [[nodiscard]] AcquireAwaiter;
  // acquire(): co_await it for Ok once `n` units are taken; ECANCELED if
  // the awaiting task is stopped first (nothing is taken), ENXIO outside a
  // runtime.
  AcquireAwaiter acquire(size_t n = 1) noexcept;

  // release(): any thread; gives back `n` units and wakes the waiters at
  // the head of the queue that can now proceed.
  void release(size_t n = 1) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    count_ += n;
    GrantLocked();
  }

  [[nodiscard]] size_t available() const noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }

 private:
  inline void GrantLocked() noexcept;

  mutable std::mutex mutex_;
  size_t count_;
  detail::WaitList waiters_;
};

class [[nodiscard]] Semaphore::AcquireAwaiter final : detail::CancellableWait {
 public:
  AcquireAwaiter(Semaphore* s, size_t n) noexcept : sem_(s), n_(n) {}
  ~AcquireAwaiter() {
    if (abandoned()) {
      Disarm();
      std::lock_guard<std::mutex> lock(sem_->mutex_);
      if (linked) {
        sem_->waiters_.remove(this);
        sem_->GrantLocked();  // it may have blocked the head of the queue
      }
    }
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    const std::stop_token* stop = detail::StopTokenOf(h);
    if (stop != nullptr && stop->stop_requested()) {
      result = core::err::canceled;
      return false;
    }
    Runtime* rt = Runtime::current();
    {
      std::lock_guard<std::mutex> lock(sem_->mutex_);
      if (sem_->waiters_.empty() && sem_->count_ >= n_) {
        sem_->count_ -= n_;
        return false;
      }
      if (rt == nullptr) {
        result = core::err::nxio;
        return false;
      }
      handle = h;
      runtime = rt;
      sem_->waiters_.push_back(this);
    }
    Arm(stop, &Cancel);
    return true;
  }
  core::Result<void> await_resume() noexcept {
    Disarm();
    return result;
  }

 private:
  friend class Semaphore;

  static void Cancel(detail::Waiter* w) noexcept {
    auto* self = static_cast<AcquireAwaiter*>(w);
    Semaphore* sem = self->sem_;
    std::lock_guard<std::mutex> lock(sem->mutex_);
    if (!self->linked) return;  // granted first
    sem->waiters_.remove(self);
    self->result = core::err::canceled;
    self->Wake();
    sem->GrantLocked();  // the waiters behind it may fit now
  }

  Semaphore* sem_;
  size_t n_;
};

inline Semaphore::AcquireAwaiter Semaphore::acquire(size_t n) noexcept {
  return AcquireAwaiter(this, n);
}

inline void Semaphore::GrantLocked() noexcept {
  while (!waiters_.empty()) {
    auto* w = static_cast<AcquireAwaiter*>(waiters_.front());
    if (w->n_ > count_) break;
    count_ -= w->n_;
    waiters_.pop_front();
    w->Wake();
  }
}

}  // namespace zring
