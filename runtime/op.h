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

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
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
  kResumed,   // finished, and its coroutine took the result
  kQueued,    // waiting for an SQE or for room (backpressure)
  kInFlight,  // in the kernel (or waiting for readiness)
  kDone,      // result available, its coroutine not resumed yet
};
// Whether destroying an operation in this state needs the backend: the
// one test an operation's destructor makes on the common path.
constexpr bool NeedsBackend(OpState s) noexcept { return s >= OpState::kQueued; }

// How an operation in flight is reached by a stop request.
enum class StopLink : uint8_t {
  kNone,
  kScope,  // linked into its task's StopScope
  kOwn,    // its own std::stop_callback (cancel_on, or a scope of another runtime)
};

// An intrusive, circular, doubly linked list node: a StopScope's list of
// operations in flight, with the scope itself as the sentinel, so that
// linking and unlinking never branch.
struct ScopeLink {
  ScopeLink* scope_prev;
  ScopeLink* scope_next;
};

// An operation's fields that the hot path writes before it reads them
// carry no initialiser: constructing an operation is a handful of stores.
struct OpBase : ScopeLink {
  const OpKind* kind = nullptr;
  int fd = -1;
  uint32_t events = 0;        // readiness to wait for (poll backend)

  // Written by the backend.
  int32_t res = 0;
  uint32_t cqe_flags = 0;
  OpState state = OpState::kIdle;
  StopLink stop_link = StopLink::kNone;
  bool cancel_requested = false;
  bool abandoned = false;     // its coroutine is gone: discard the result
  bool multishot = false;     // armed with a multishot flag (io_uring)
  bool timer_cut_short = false;  // a timer ended by its shorter timeout
  uint16_t attempts = 0;      // syscalls tried so far (poll backend)
  uint64_t token;             // the poll backend's slot token (internal/slots.h)
  OpBase* next;               // intrusive list of queued operations
  Runtime* runtime = nullptr; // set when it starts
  std::coroutine_handle<> waiter;

  // A linked timeout (with_timeout): nanoseconds, or -1 for none; `ts` is
  // its kernel form, and the expiry of timer operations (sleep), which alone
  // carry it from their factory.
  int64_t timeout_ns = -1;
  ring::abi::KernelTimespec ts;
  // Cancellation: the stop token to obey (the awaiting task's, or one given
  // to cancel_on()) and, when it is the task's own, the task's scope.
  const std::stop_token* stop = nullptr;
  StopScope* scope = nullptr;
  struct CancelOnStop {
    OpBase* op;
    void operator()() const noexcept;
  };
  using OwnStopCallback = std::stop_callback<CancelOnStop>;
  // Storage for the std::stop_callback of StopLink::kOwn. Words, not
  // chars: a char array in an awaiter built on the stack would make GCC's
  // -fstack-protector guard every coroutine that awaits one.
  alignas(OwnStopCallback) uintptr_t own_stop[sizeof(OwnStopCallback) / sizeof(uintptr_t)];

  OpBase() noexcept = default;
  // Operations are built by value in factory functions; only an operation
  // that has not started may move, and only what describes it moves.
  OpBase(OpBase&& other) noexcept
      : kind(other.kind),
        fd(other.fd),
        events(other.events),
        timeout_ns(other.timeout_ns),
        stop(other.stop) {
    if (IsTimer(*kind)) ts = other.ts;
  }
  static constexpr bool IsTimer(const OpKind& k) noexcept {
    return k.opcode == ring::abi::Op::kTimeout;
  }
  // TimerNs(): how long a timer runs, in nanoseconds. A timer is its own
  // timeout (a linked one would need `ts`): it runs to the earlier of its
  // expiry and its timeout, and when that is the timeout, timer_cut_short
  // tells the backend to end it with ETIMEDOUT instead of ETIME.
  int64_t TimerNs() noexcept {
    const int64_t expiry_ns = ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (timeout_ns < 0 || timeout_ns >= expiry_ns) return expiry_ns;
    timer_cut_short = true;
    return timeout_ns;
  }
  OpBase& operator=(OpBase&&) = delete;
  ~OpBase() {
    if (stop_link == StopLink::kOwn) [[unlikely]] DropOwnStop();
  }
  void DropOwnStop() noexcept;
};

// StopScope: one spawned task's stop token, watched by a single
// std::stop_callback (registered the first time the task waits for I/O)
// for every operation the task has in flight.
//
// A scope serves one runtime thread (the list is not shared between
// threads): the first operation that links in binds it to its runtime and
// arms the callback; an operation of another runtime registers on its own
// instead. The tasks of a TaskGroup or a when_*() share their
// combinator's scope.
struct StopScope {
  const std::stop_token* token = nullptr;
  Runtime* runtime = nullptr;  // set (with `callback`) by the first operation
  ScopeLink ops{&ops, &ops};   // in flight under this scope; the sentinel
  // `runtime` while operations may start under the scope, so that the
  // common start tests one word: null before the first operation arms the
  // callback and once the callback ran, from whichever thread stopped the
  // token (an operation that starts afterwards completes at once with
  // ECANCELED).
  std::atomic<Runtime*> open_for{nullptr};
  struct OnStop {
    StopScope* scope;
    void operator()() const noexcept;
  };
  std::optional<std::stop_callback<OnStop>> callback;

  StopScope() noexcept = default;
  StopScope(const StopScope&) = delete;  // `ops` points at itself
  StopScope& operator=(const StopScope&) = delete;

  // Disarm(): no callback runs after it, and no request a callback queued
  // on another thread outlives it. Called on the runtime's thread by the
  // scope's owner before the scope goes away.
  void Disarm() noexcept;
};

// RegisterStop(): gives `op`, in flight, its own std::stop_callback on
// *op->stop (StopLink::kOwn).
void RegisterStop(OpBase* op) noexcept;

[[gnu::always_inline]] inline void LinkToScope(OpBase* op, StopScope* s) noexcept {
  ScopeLink* head = &s->ops;
  op->scope_prev = head;
  op->scope_next = head->scope_next;
  head->scope_next->scope_prev = op;
  head->scope_next = op;
  op->stop_link = StopLink::kScope;
}

// ClearStop(): the operation no longer needs cancelling: leave its task's
// scope, or drop its own registration.
[[gnu::always_inline]] inline void ClearStop(OpBase* op) noexcept {
  if (op->stop_link == StopLink::kScope) [[likely]] {
    op->scope_prev->scope_next = op->scope_next;
    op->scope_next->scope_prev = op->scope_prev;
    op->stop_link = StopLink::kNone;
  } else if (op->stop_link == StopLink::kOwn) {
    op->DropOwnStop();
  }
}

// Starts `op` on the current thread's runtime. Returns false when the
// operation completed without suspending (the caller must not suspend).
// `kind` is *op->kind, passed as a constant so that the common path fills
// the SQE without an indirect call (runtime.h).
inline bool StartOp(OpBase* op, std::coroutine_handle<> waiter, const OpKind& kind) noexcept;
bool StartOp(OpBase* op, std::coroutine_handle<> waiter) noexcept;
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
    if (!detail::NeedsBackend(state)) [[likely]] return;
    if (state == detail::OpState::kDone) {
      // Completed, and its coroutine queued to resume, but destroyed first:
      // the queue must not resume a freed frame.
      detail::ForgetOp(this);
    } else {
      detail::AbandonOp(this);
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
  // Inlined into the awaiting coroutine: starting an operation is a few
  // dozen instructions, less than a call's own cost in saved registers.
  template <class Promise>
  [[gnu::always_inline]] bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    if constexpr (requires { h.promise().stop; }) {
      if (stop == nullptr) {
        stop = h.promise().stop;
        scope = h.promise().scope;
      }
    }
    return detail::StartOp(this, h, Derived::kKind);
  }
  auto await_resume() noexcept {
    state = detail::OpState::kResumed;
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
