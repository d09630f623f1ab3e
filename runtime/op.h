// zring/runtime/op.h — the one operation base that every awaitable I/O
// operation builds on, and the one path by which operations start,
// complete, are cancelled and are abandoned.
//
// An operation is an awaiter object living in the awaiting coroutine's
// frame. It describes itself to the backends through an OpKind: how to
// fill an SQE (io_uring) and which readiness to wait for plus which
// syscall to make (poll fallback), and what to do with a result nobody
// will read (close a returned fd, give back a provided buffer).
//
// Lifetimes (DESIGN.md, invariant 2): if the coroutine is destroyed while
// its operation is in flight, the operation's destructor asks the backend
// to cancel it and to drive the kernel until its completion arrives, with
// other completions only queued, never resumed. So the kernel never writes
// into memory that was freed, and whatever the late completion returned is
// disposed of through OpKind::discard.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <new>
#include <optional>
#include <stop_token>

#include "zring/ring/abi.h"

namespace zring {

class Runtime;

namespace detail {

struct OpBase;
struct StopScope;
class ReadyQueue;

// What a backend needs to know about one kind of operation.
struct OpKind {
  // Fills `sqe` (the caller sets user_data and link flags afterwards).
  void (*prep)(OpBase* op, ring::abi::Sqe* sqe) noexcept;
  // The direct syscall, raw result (-errno on failure). The poll backend
  // calls it when the fd is ready, or at once for operations that are not
  // readiness-based (poll_events == 0).
  long (*attempt)(OpBase* op) noexcept;
  // A completion that nobody will observe: release what it returned.
  // May be null.
  void (*discard)(OpBase* op, int32_t res, uint32_t cqe_flags) noexcept;
  // For the poll backend: the events to wait for on OpBase::fd before
  // attempt() can succeed (0: attempt() does not block, or blocks briefly,
  // like a regular-file read).
  uint32_t poll_events;
  // The opcode, for probing whether the ring supports it.
  ring::abi::Op opcode;
  // For an operation armed with `multishot` set that is not a
  // MultishotOperation: takes each of its completions itself (`final`: the
  // kernel ended the request). Zero-copy sends use it to resume their
  // coroutine on the result and release the buffer on the later
  // notification, both CQEs of one request (net/zero_copy.h). Null: the
  // completions go to MultishotOperation's queue.
  void (*deliver)(OpBase* op, int32_t res, uint32_t cqe_flags, bool final,
                  ReadyQueue& ready) noexcept = nullptr;
};

enum class OpState : uint8_t {
  kIdle,      // not started
  kQueued,    // waiting for an SQE or a free slot (backpressure)
  kInFlight,  // in the kernel (or waiting for readiness)
  kDone,      // result available
};

struct OpBase {
  const OpKind* kind = nullptr;
  int fd = -1;
  uint32_t events = 0;        // readiness to wait for (poll backend)

  // Written by the backend.
  int32_t res = 0;
  uint32_t cqe_flags = 0;
  OpState state = OpState::kIdle;
  bool cancel_requested = false;
  bool abandoned = false;     // its coroutine is gone: discard the result
  bool resumed = false;       // await_resume() ran
  bool multishot = false;     // armed with a multishot flag (io_uring)
  uint16_t attempts = 0;      // syscalls tried so far (poll backend)
  uint64_t token = 0;         // the backend's slot token (see internal/slots.h)
  OpBase* next = nullptr;     // intrusive list of queued operations
  Runtime* runtime = nullptr;
  std::coroutine_handle<> waiter;

  // A linked timeout (with_timeout): nanoseconds, or -1 for none; `ts` is
  // its kernel form, and the expiry of timer operations (sleep).
  int64_t timeout_ns = -1;
  ring::abi::KernelTimespec ts{};
  // Cancellation from a std::stop_token, registered while in flight.
  const std::stop_token* stop = nullptr;
  struct CancelOnStop {
    OpBase* op;
    void operator()() const noexcept;
  };
  // The registration on `stop` while in flight. Its destructor is a single
  // test when nothing is registered (the common case), so that an
  // operation's destructor stays small enough to inline.
  class StopRegistration {
   public:
    using Callback = std::stop_callback<CancelOnStop>;
    StopRegistration() noexcept = default;
    StopRegistration(const StopRegistration&) = delete;
    StopRegistration& operator=(const StopRegistration&) = delete;
    ~StopRegistration() { reset(); }
    void emplace(const std::stop_token& t, CancelOnStop f) {
      ::new (static_cast<void*>(buf_)) Callback(t, f);
      engaged_ = true;
    }
    void reset() noexcept {
      if (engaged_) [[unlikely]] Destroy();
    }

   private:
    [[gnu::noinline]] void Destroy() noexcept {
      std::launder(reinterpret_cast<Callback*>(buf_))->~Callback();
      engaged_ = false;
    }
    alignas(Callback) unsigned char buf_[sizeof(Callback)];
    bool engaged_ = false;
  };
  StopRegistration on_stop;
  // The spawned task's stop scope, when `stop` is its token: then the
  // operation links into the scope's list instead of registering a
  // std::stop_callback of its own (one registration per task, not per
  // operation).
  StopScope* scope = nullptr;
  OpBase* scope_prev = nullptr;
  OpBase* scope_next = nullptr;
  bool in_scope = false;

  OpBase() noexcept = default;
  // Operations are built by value in factory functions; only an operation
  // that has not started may move, and only what describes it moves.
  OpBase(OpBase&& other) noexcept
      : kind(other.kind),
        fd(other.fd),
        events(other.events),
        timeout_ns(other.timeout_ns),
        ts(other.ts),
        stop(other.stop) {}
  OpBase& operator=(OpBase&&) = delete;
};

// StopScope: one spawned task's stop token, watched by a single
// std::stop_callback (registered the first time the task waits for I/O)
// for every operation the task has in flight.
//
// A scope serves one runtime thread (the list is not shared between
// threads): the first operation that links in binds it to its runtime, and
// an operation of another runtime registers on its own instead. The tasks
// of a TaskGroup or a when_*() share their combinator's scope.
struct StopScope {
  const std::stop_token* token = nullptr;
  Runtime* runtime = nullptr;
  OpBase* ops = nullptr;  // in flight under this scope
  struct OnStop {
    StopScope* scope;
    void operator()() const noexcept;
  };
  std::optional<std::stop_callback<OnStop>> callback;

  // Disarm(): no callback runs after it, and no request a callback queued
  // on another thread outlives it. Called on the runtime's thread by the
  // scope's owner before the scope goes away.
  void Disarm() noexcept;
};
// Registers the scope's callback (out of line: once per scope).
void ArmScope(StopScope* scope) noexcept;
void RegisterStop(OpBase* op) noexcept;

inline void LinkToScope(OpBase* op) noexcept {
  StopScope* s = op->scope;
  if (s->runtime != op->runtime) [[unlikely]] {
    if (s->runtime != nullptr) {
      RegisterStop(op);
      return;
    }
    s->runtime = op->runtime;
  }
  op->scope_prev = nullptr;
  op->scope_next = s->ops;
  if (s->ops) s->ops->scope_prev = op;
  s->ops = op;
  op->in_scope = true;
  if (!s->callback) [[unlikely]] ArmScope(s);
}

// ClearStop(): the operation no longer needs cancelling: drop its own
// registration or leave its task's scope.
[[gnu::always_inline]] inline void ClearStop(OpBase* op) noexcept {
  op->on_stop.reset();
  if (op->in_scope) {
    if (op->scope_prev) op->scope_prev->scope_next = op->scope_next;
    else op->scope->ops = op->scope_next;
    if (op->scope_next) op->scope_next->scope_prev = op->scope_prev;
    op->in_scope = false;
  }
}

// Starts `op` on the current thread's runtime. Returns false when the
// operation completed without suspending (the caller must not suspend).
inline bool StartOp(OpBase* op, std::coroutine_handle<> waiter) noexcept;
// Called by an operation's destructor while it is still in flight.
void AbandonOp(OpBase* op) noexcept;
// Called by an operation's destructor when it completed but its coroutine
// was never resumed: takes the coroutine out of the ready queue.
void ForgetOp(OpBase* op) noexcept;
// A completion of an operation armed as multishot (multishot.h, or the
// operation's own OpKind::deliver); `final`: the kernel ended the request.
void DeliverMultishot(OpBase* op, int32_t res, uint32_t flags, bool final,
                      ReadyQueue& ready) noexcept;

}  // namespace detail

// Operation<Derived>
//
// The awaiter every I/O operation derives from. Derived provides a static
// `const detail::OpKind kKind` and `result()`, which turns the raw result
// into what co_await returns.
//
//   auto n = co_await zring::read(fd, buf, sizeof buf);          // Result<size_t>
//   auto c = co_await zring::accept(listener).cancel_on(token);   // stop_token
//   auto r = co_await zring::recv(s, buf, len).timeout(100ms);    // ETIMEDOUT
template <class Derived>
class Operation : public detail::OpBase {
 public:
  Operation() noexcept {
    kind = &Derived::kKind;
    events = Derived::kKind.poll_events;
  }
  Operation(Operation&&) noexcept = default;
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;
  ~Operation() { AbandonIfInFlight(); }

  // AbandonIfInFlight(): what destroying an operation in flight does. Run
  // by Awaitable<> (below) while the derived operation's members, which
  // the kernel may still write, are alive.
  [[gnu::always_inline]] void AbandonIfInFlight() noexcept {
    if (state == detail::OpState::kIdle) return;
    if (state == detail::OpState::kDone && resumed) [[likely]] return;
    if (state == detail::OpState::kInFlight || state == detail::OpState::kQueued) {
      detail::AbandonOp(this);
    } else if (state == detail::OpState::kDone && !resumed) {
      // Completed, and its coroutine queued to resume, but destroyed first:
      // the queue must not resume a freed frame.
      detail::ForgetOp(this);
    }
  }

  // cancel_on(): cancel when `token` is stopped, instead of the awaiting
  // task's own token. `token` must outlive the co_await.
  Derived&& cancel_on(const std::stop_token& token) && noexcept {
    stop = &token;
    return static_cast<Derived&&>(*this);
  }
  // timeout(): give up after `d` with ETIMEDOUT (a linked timeout on
  // io_uring, a timer on the poll backend).
  template <class Rep, class Period>
  Derived&& timeout(std::chrono::duration<Rep, Period> d) && noexcept {
    timeout_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    if (timeout_ns < 0) timeout_ns = 0;
    return static_cast<Derived&&>(*this);
  }

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    if constexpr (requires { h.promise().stop; }) {
      if (stop == nullptr) {
        stop = h.promise().stop;
        scope = h.promise().scope;
      }
    }
    return detail::StartOp(this, h);
  }
  auto await_resume() noexcept {
    resumed = true;
    detail::ClearStop(this);
    return static_cast<Derived*>(this)->result();
  }
};

// Awaitable<Op>
//
// What the operation factories return: the operation as the most-derived
// type, so that its destructor cancels and drains an operation still in
// flight before any of the operation's own members are destroyed.
template <class Op>
class [[nodiscard]] Awaitable final : public Op {
 public:
  Awaitable(Op&& op) noexcept : Op(std::move(op)) {}
  Awaitable(Awaitable&&) noexcept = default;
  ~Awaitable() { this->AbandonIfInFlight(); }
};

// StopToken(): the stop token of the task that awaits it, set by
// Runtime::spawn / JoinHandle::cancel, or one that never stops.
//
//   std::stop_token token = co_await zring::StopToken();
struct StopToken {
  const std::stop_token* token = nullptr;
  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    if constexpr (requires { h.promise().stop; }) token = h.promise().stop;
    return false;
  }
  std::stop_token await_resume() const noexcept {
    return token ? *token : std::stop_token();
  }
};

}  // namespace zring
