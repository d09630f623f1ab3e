// zring/runtime/runtime.h — the executor: one per thread, on io_uring or on
// the poll fallback.
//
//   zring::Task<int> serve();
//   int main() {
//     auto rt = zring::Runtime::Create();          // io_uring if it can
//     if (!rt) return 1;
//     std::printf("%s\n", (*rt)->backend_info().reason.c_str());
//     return (*rt)->block_on(serve());
//   }
//
// A Runtime belongs to the thread that created it: operations started on
// that thread go to its backend, and block_on()/run() drive it. Other
// threads talk to it only through post() and JoinHandle::cancel().
//
// Backend choice, first match wins: RuntimeOptions::backend, then the
// environment variable ZRING_BACKEND=uring|poll, then io_uring if
// io_uring_setup works, then poll. backend_info() says which and why.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "zring/core/result.h"
#include "zring/runtime/internal/ready_queue.h"
#include "zring/runtime/op.h"
#include "zring/runtime/poll_backend.h"
#include "zring/runtime/task.h"
#include "zring/runtime/uring_backend.h"

namespace zring {

class Runtime;
namespace detail {
// The runtime driving this thread (Runtime::current()).
inline thread_local Runtime* t_current = nullptr;
}  // namespace detail

enum class BackendKind { kAuto, kUring, kPoll };

struct RuntimeOptions {
  BackendKind backend = BackendKind::kAuto;
  unsigned entries = 256;  // SQ size on io_uring
  // The most CQ entries on io_uring. At most half as many operations are in
  // the kernel at once (each may post two CQEs: its own and a linked
  // timeout's or a zero-copy notification); more wait in the runtime's
  // queue. The CQ starts at twice `entries` and doubles as operations pile
  // up where the kernel can resize rings (6.13); elsewhere it has this many
  // from the start. Large by default so that a server's idle connections,
  // each with a receive pending, do not hold the others back: 65536 (the
  // kernel's maximum) allows 32768 in flight and costs 1 MiB per ring once
  // reached.
  unsigned cq_entries = 65536;
  // On the poll backend, wait with poll(2) instead of epoll: what hosts
  // without epoll use, selectable on Linux (also by ZRING_READINESS=poll)
  // so that the same tests run that path.
  bool poll_syscall = false;
  // Busy-poll for completions this long before sleeping in the kernel. Off
  // by default: it trades up to one core while idle for wake-up latency
  // (tens of microseconds on VMs whose idle vCPUs halt).
  std::chrono::nanoseconds spin{0};
};

struct BackendInfo {
  BackendKind kind = BackendKind::kAuto;
  std::string reason;
};

template <class T>
class JoinHandle;

class Runtime final {
 public:
  // Create(): picks a backend (see above). Fails only when the chosen
  // backend cannot start: io_uring forced but unavailable, or no epoll.
  static core::Result<std::unique_ptr<Runtime>> Create(const RuntimeOptions& options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // current(): the runtime driving this thread, or nullptr.
  static Runtime* current() noexcept;

  // block_on(): runs `task` to completion on this thread, driving I/O and
  // every spawned task meanwhile; returns its value or rethrows its
  // exception.
  template <class T>
  T block_on(Task<T> task);

  // spawn(): runs `task` concurrently; the runtime owns it. Dropping the
  // JoinHandle detaches it; a detached task that ends in an exception is
  // reported on stderr and counted in unhandled_failures().
  template <class T>
  JoinHandle<T> spawn(Task<T> task);

  // spawn_remote(): spawn() from any thread; the task starts on this
  // runtime's thread.
  template <class T>
  JoinHandle<T> spawn_remote(Task<T> task);

  // run(): drives this runtime until `stop` is requested (from any
  // thread): what each thread of a thread-per-core runtime does.
  void run(std::stop_token stop);

  // post(): thread-safe; resume `h` on this runtime's thread.
  void post(std::coroutine_handle<> h);

  [[nodiscard]] const BackendInfo& backend_info() const noexcept { return info_; }
  [[nodiscard]] BackendKind backend() const noexcept { return info_.kind; }
  [[nodiscard]] uint64_t unhandled_failures() const noexcept {
    return failures_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] size_t live_tasks() const noexcept { return live_.size(); }
  // The io_uring backend, or nullptr on the poll backend.
  [[nodiscard]] detail::UringBackend* uring() noexcept {
    return uring_ ? &*uring_ : nullptr;
  }

  // --- For operations and tasks (op.h) -------------------------------------
  // Start(): `kind` is *op->kind (a constant where the caller knows it).
  bool Start(detail::OpBase* op, const detail::OpKind& kind) noexcept;
  void Cancel(detail::OpBase* op) noexcept;
  void Abandon(detail::OpBase* op) noexcept;
  void RequestCancel(detail::OpBase* op) noexcept;  // any thread
  // `op` dropped its own stop callback: no request for it may still be
  // queued. True when one was (the caller still owes the cancel).
  bool ForgetCancel(detail::OpBase* op) noexcept;
  // Cancels every operation in flight under `scope`; from any thread.
  void RequestCancel(detail::StopScope* scope) noexcept;
  // The task of `scope` ended: no request for it may still be queued.
  void ForgetScope(detail::StopScope* scope) noexcept;
  void Schedule(std::coroutine_handle<> h) { ready_.Push(h); }
  void Unschedule(std::coroutine_handle<> h) noexcept { ready_.Remove(h); }
  void TaskStarted(void* frame) { live_.insert(frame); }
  void TaskEnded(void* frame) { live_.erase(frame); }
  void ReportFailure(std::exception_ptr e) noexcept;

 private:
  explicit Runtime(const RuntimeOptions& options) : options_(options) {}

  template <class Done>
  void RunUntil(Done&& done);
  void RunReady();
  void DrainRemote();
  core::Result<void> Turn(bool wait);
  void Wake() noexcept;

  RuntimeOptions options_;
  BackendInfo info_;
  std::optional<detail::UringBackend> uring_;
  std::optional<detail::PollBackend> poll_;
  detail::ReadyQueue ready_;
  std::thread::id owner_;
  std::unordered_set<void*> live_;  // frames of spawned tasks still running
  std::atomic<uint64_t> failures_{0};

  // Written by other threads, under remote_mutex_.
  std::mutex remote_mutex_;
  std::vector<std::coroutine_handle<>> remote_handles_;
  std::vector<detail::OpBase*> remote_cancels_;
  std::vector<detail::StopScope*> remote_scope_cancels_;
  std::atomic<bool> remote_pending_{false};
};

// ---------------------------------------------------------------------------
// JoinHandle and spawn: implementation details below.
// ---------------------------------------------------------------------------

namespace detail {

// What a spawned task and its JoinHandle share. The task may run on
// another thread than the one awaiting it (spawn_on), so the hand-over
// fields are guarded by `mu`.
struct SpawnStateBase {
  std::mutex mu;
  std::stop_source stop;
  std::stop_token token = stop.get_token();
  StopScope scope;
  std::exception_ptr error;
  std::coroutine_handle<> joiner;
  Runtime* joiner_runtime = nullptr;
  Runtime* runtime = nullptr;  // where the task runs
  bool done = false;
  bool detached = false;
  bool joined = false;
};
template <class T>
struct SpawnState : SpawnStateBase {
  std::optional<T> value;
};
template <>
struct SpawnState<void> : SpawnStateBase {};

// The coroutine that owns a spawned task: it starts when scheduled, frees
// its own frame when it ends, and reports to the JoinHandle through the
// shared state.
struct Detached {
  struct promise_type {
    Detached get_return_object() noexcept {
      return Detached{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}  // the body catches everything
  };
  std::coroutine_handle<promise_type> handle;
};

// co_await SelfAddress{}: the awaiting coroutine's own frame address.
struct SelfAddress {
  void* address = nullptr;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) noexcept {
    address = h.address();
    return false;
  }
  void* await_resume() const noexcept { return address; }
};

void FinishSpawned(SpawnStateBase& state, void* frame);

template <class T>
Detached RunSpawned(Task<T> task, std::shared_ptr<SpawnState<T>> state,
                    bool registered) {
  void* self = co_await SelfAddress{};
  if (!registered) Runtime::current()->TaskStarted(self);
  state->scope.token = &state->token;
  task.handle().promise().stop = &state->token;
  task.handle().promise().scope = &state->scope;
  // Whether the task ends or the runtime destroys this frame, the scope's
  // callback goes first, while the runtime still exists.
  struct DisarmOnExit {
    StopScope* scope;
    ~DisarmOnExit() { scope->Disarm(); }
  } disarm{&state->scope};
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
    } else {
      state->value.emplace(co_await std::move(task));
    }
  } catch (...) {
    state->error = std::current_exception();
  }
  FinishSpawned(*state, self);
}

}  // namespace detail

// JoinHandle<T>
//
// co_await it for the task's value (or exception); cancel() requests stop
// on the task's stop token, which cancels the operation it is blocked in.
// Both work from any thread.
template <class T>
class [[nodiscard]] JoinHandle final {
 public:
  JoinHandle() = default;
  explicit JoinHandle(std::shared_ptr<detail::SpawnState<T>> s) : state_(std::move(s)) {}
  JoinHandle(JoinHandle&&) noexcept = default;
  JoinHandle& operator=(JoinHandle&&) noexcept = default;
  ~JoinHandle() { Detach(); }

  void cancel() noexcept {
    if (state_) state_->stop.request_stop();
  }
  [[nodiscard]] bool done() const {
    if (!state_) return true;
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->done;
  }

  bool await_ready() const noexcept { return !state_; }
  bool await_suspend(std::coroutine_handle<> h) {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->joined = true;
    if (state_->done) return false;
    state_->joiner = h;
    state_->joiner_runtime = Runtime::current();
    return true;
  }
  T await_resume() {
    if (state_->error) std::rethrow_exception(state_->error);
    if constexpr (!std::is_void_v<T>) return std::move(*state_->value);
  }

 private:
  void Detach();
  std::shared_ptr<detail::SpawnState<T>> state_;
};

template <class T>
JoinHandle<T> Runtime::spawn(Task<T> task) {
  auto state = std::make_shared<detail::SpawnState<T>>();
  state->runtime = this;
  detail::Detached d = detail::RunSpawned<T>(std::move(task), state, true);
  TaskStarted(d.handle.address());
  Schedule(d.handle);
  return JoinHandle<T>(std::move(state));
}

template <class T>
JoinHandle<T> Runtime::spawn_remote(Task<T> task) {
  auto state = std::make_shared<detail::SpawnState<T>>();
  state->runtime = this;
  detail::Detached d = detail::RunSpawned<T>(std::move(task), state, false);
  post(d.handle);
  return JoinHandle<T>(std::move(state));
}

namespace detail {
void ReportDetachedFailure(SpawnStateBase& state);
}  // namespace detail

template <class T>
void JoinHandle<T>::Detach() {
  if (!state_) return;
  bool report = false;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->detached = true;
    // A coroutine destroyed while awaiting this handle must not be resumed.
    state_->joiner = nullptr;
    state_->joiner_runtime = nullptr;
    report = state_->done && state_->error && !state_->joined;
  }
  if (report) detail::ReportDetachedFailure(*state_);
  state_.reset();
}

// yield(): lets every other ready coroutine run before this one resumes.
struct Yield {
  bool await_ready() const noexcept { return Runtime::current() == nullptr; }
  void await_suspend(std::coroutine_handle<> h) const { Runtime::current()->Schedule(h); }
  void await_resume() const noexcept {}
};
inline Yield yield() noexcept { return {}; }

namespace detail {
// Makes a runtime current on this thread for a scope.
class CurrentRuntime final {
 public:
  explicit CurrentRuntime(Runtime* rt) noexcept;
  ~CurrentRuntime();
  CurrentRuntime(const CurrentRuntime&) = delete;
  CurrentRuntime& operator=(const CurrentRuntime&) = delete;

 private:
  Runtime* previous_;
};
}  // namespace detail

[[gnu::always_inline]] inline bool Runtime::Start(detail::OpBase* op,
                                                  const detail::OpKind& kind) noexcept {
  if (uring_) [[likely]] return uring_->Start(op, kind);
  return poll_->Start(op);
}

[[gnu::always_inline]] inline void Runtime::RunReady() {
  // Only what is ready now: coroutines readied meanwhile wait for the next
  // turn, so I/O is submitted at least once per batch.
  // Signed distance, not `!=`: a nested block_on() inside a resumed
  // coroutine may run the queue past `end`.
  const size_t end = ready_.tail();
  while (static_cast<std::ptrdiff_t>(end - ready_.head()) > 0) ready_.Pop().resume();
}

[[gnu::always_inline]] inline core::Result<void> Runtime::Turn(bool wait) {
  int64_t spin = options_.spin.count();
  if (uring_) [[likely]] return uring_->Turn(wait, -1, spin, ready_);
  return poll_->Turn(wait, -1, spin, ready_);
}

template <class Done>
void Runtime::RunUntil(Done&& done) {
  for (;;) {
    if (remote_pending_.load(std::memory_order_acquire)) DrainRemote();
    RunReady();
    if (done()) return;
    // Block only when nothing is ready; otherwise still turn the backend
    // (without waiting) so that a coroutine that keeps yielding cannot
    // starve I/O.
    if (core::Result<void> r = Turn(ready_.empty()); !r) {
      // The backend failed (not an operation: the ring or epoll itself).
      // Nothing can make progress; say so rather than spin.
      ReportFailure(std::make_exception_ptr(std::system_error(r.error().code())));
      return;
    }
  }
}

template <class T>
T Runtime::block_on(Task<T> task) {
  detail::CurrentRuntime guard(this);
  auto h = task.handle();
  if (!h) throw std::invalid_argument("block_on: empty task");
  Schedule(h);
  RunUntil([&] { return h.done(); });
  if (!h.done()) throw std::runtime_error("block_on: the runtime's backend failed");
  return h.promise().Take();
}

namespace detail {
[[gnu::always_inline]] inline bool StartOp(OpBase* op, std::coroutine_handle<> waiter,
                                           const OpKind& kind) noexcept {
  Runtime* rt = t_current;
  if (rt == nullptr) [[unlikely]] return StartOp(op, waiter);
  op->runtime = rt;
  op->waiter = waiter;
  if (StopScope* s = op->scope) {
    // The common case: a spawned task's operation, in the task's scope.
    // A scope not yet armed, or of another runtime, or stopped: the
    // general path.
    if (s->open_for.load(std::memory_order_relaxed) != rt) [[unlikely]] {
      return StartOp(op, waiter);
    }
    if (!rt->Start(op, kind)) return false;
    LinkToScope(op, s);
    return true;
  }
  if (op->stop != nullptr) [[unlikely]] return StartOp(op, waiter);
  return rt->Start(op, kind);
}
}  // namespace detail

}  // namespace zring
