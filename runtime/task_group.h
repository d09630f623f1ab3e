// zring/runtime/task_group.h — TaskGroup: a scope that does not finish
// before the tasks it started (a Trio nursery, a Seastar gate).
//
//   zring::Task<> serve(int listener) {
//     zring::TaskGroup group;
//     for (int i = 0; i < 4; ++i) group.spawn(worker(listener, i));
//     co_await group.join();          // all four have ended; rethrows the
//   }                                 // first failure, if any
//
// or, so that no path can forget join() (an exception in the body included):
//
//   co_await zring::with_task_group([&](zring::TaskGroup& g) -> zring::Task<> {
//     g.spawn(worker(listener, 0));
//     co_await something_else();      // may throw: the group is cancelled
//   });                               // and joined before it propagates
//
// Semantics, the ones a Trio or Seastar user expects:
// - spawn() starts the child at once, on the calling thread: it runs until
//   it first suspends, then spawn() returns. The group owns it from then on.
// - Children run concurrently with the owner and with each other, on the
//   owner's runtime. A TaskGroup belongs to that thread; only cancel() may
//   be called from elsewhere.
// - The first child to fail (end in an exception) cancels the group: stop is
//   requested on every child's stop token. join() rethrows that first
//   exception once every child has ended; later failures are dropped.
// - cancel() requests stop on all children (and on those spawned later:
//   a cancelled group stays cancelled). A group made with a parent token,
//   and any group while its owner waits in join(), is cancelled when that
//   token is.
// - The owner must co_await join() before the group is destroyed, on every
//   path, the exceptional ones included (with_task_group() does that). A
//   group destroyed with children still running destroys them: their
//   operations are cancelled and drained before the destructor returns
//   (op.h), so nothing they borrowed from the owner is touched afterwards;
//   but they do not get to run their own cleanup, and one that was ready to
//   run (woken, not yet resumed) must not be destroyed at all. So debug
//   builds report it and trap, except while the owner is torn down as it
//   waits in join() (a Runtime destroyed with the task alive) or inside
//   another group's teardown. Not told apart yet: a Runtime destroyed while
//   the owner waits somewhere else than join() also traps in debug.
// - spawn() allocates one small frame per child (its continuation), and the
//   group one std::stop_source state.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "zring/core/io.h"
#include "zring/runtime/op.h"
#include "zring/runtime/task.h"

namespace zring {

namespace detail {

// co_await CurrentStop{}: the stop token pointer of the awaiting coroutine
// (nullptr if it has none), without suspending.
struct CurrentStop {
  const std::stop_token* token = nullptr;
  bool await_ready() const noexcept { return false; }
  template <class Promise>
  bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
    if constexpr (requires { h.promise().stop; }) token = h.promise().stop;
    return false;
  }
  const std::stop_token* await_resume() const noexcept { return token; }
};

struct ForwardStop {
  std::stop_source* target;
  void operator()() const noexcept { target->request_stop(); }
};

// LinkedStopSource: a stop source of its own, also stopped when `parent`
// is. Its token is what the children's promises point at.
class LinkedStopSource final {
 public:
  explicit LinkedStopSource(const std::stop_token* parent = nullptr) {
    scope_.token = &token_;
    Link(parent);
  }
  ~LinkedStopSource() { scope_.Disarm(); }
  LinkedStopSource(const LinkedStopSource&) = delete;
  LinkedStopSource& operator=(const LinkedStopSource&) = delete;

  void Link(const std::stop_token* parent) {
    if (parent != nullptr && parent->stop_possible()) link_.emplace(*parent, ForwardStop{&source_});
  }
  const std::stop_token* token() const noexcept { return &token_; }
  // The children's operations link here instead of each registering a
  // std::stop_callback (op.h).
  StopScope* scope() noexcept { return &scope_; }
  void request_stop() noexcept { source_.request_stop(); }
  [[nodiscard]] bool stop_requested() const noexcept { return source_.stop_requested(); }

 private:
  std::stop_source source_;
  std::stop_token token_ = source_.get_token();
  StopScope scope_;
  std::optional<std::stop_callback<ForwardStop>> link_;  // destroyed first
};

template <class T>
using WhenValue = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// The value (or the exception) of a task that has ended.
template <class T>
WhenValue<T> TakeWhenValue(Task<T>& t) {
  if constexpr (std::is_void_v<T>) {
    t.handle().promise().Take();
    return std::monostate{};
  } else {
    return t.handle().promise().Take();
  }
}

template <class>
struct TaskValue;
template <class T>
struct TaskValue<Task<T>> {
  using type = T;
};

class ChildSet;

// ChildEnd: the continuation of one child of a ChildSet. A small coroutine
// with an empty body: the child's end resumes it, its final suspend tells
// the set and frees its own frame (and with it the child, when it owns
// one), then moves on to whoever the set says (a joiner, or nobody).
struct ChildEnd {
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  struct Final {
    bool await_ready() const noexcept { return false; }
    inline std::coroutine_handle<> await_suspend(Handle self) const noexcept;
    void await_resume() const noexcept {}
  };

  struct promise_type {
    ChildSet* set = nullptr;
    PromiseBase* child = nullptr;
    promise_type* prev = nullptr;  // the set's list of running children
    promise_type* next = nullptr;

    ChildEnd get_return_object() noexcept { return ChildEnd{Handle::from_promise(*this)}; }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    Final final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // the body is empty
  };

  Handle handle;
};

// WatchChild(): a ChildEnd for a child that someone else owns.
inline ChildEnd WatchChild() { co_return; }
// OwnChild(): a ChildEnd that owns `child` (in its frame) while it runs.
inline ChildEnd OwnChild([[maybe_unused]] Task<> child) { co_return; }

// ChildSet
//
// Children running concurrently, each with a ChildEnd as continuation: the
// shared core of TaskGroup and of when_all over a vector. Single-threaded
// (the owner's runtime thread), except request_stop().
class ChildSet final {
 public:
  explicit ChildSet(const std::stop_token* parent = nullptr) : stop_(parent) {}
  ChildSet(const ChildSet&) = delete;
  ChildSet& operator=(const ChildSet&) = delete;
  ~ChildSet() { DestroyAll(); }

  // Start(): links `end`, makes it the continuation of `child`, points the
  // child at the set's stop token and runs it until it first suspends (or
  // ends: then `end` has already run and freed itself).
  void Start(ChildEnd end, std::coroutine_handle<> child, PromiseBase& promise) noexcept {
    ChildEnd::promise_type& p = end.handle.promise();
    p.set = this;
    p.child = &promise;
    p.next = head_;
    if (head_) head_->prev = &p;
    head_ = &p;
    ++running_;
    promise.continuation = end.handle;
    promise.stop = stop_.token();
    promise.scope = stop_.scope();
    if (child.done()) {
      end.handle.resume();  // ended before it came here: just account for it
    } else {
      child.resume();
    }
  }

  // Ended(): called by a child's ChildEnd; returns who runs next.
  std::coroutine_handle<> Ended(ChildEnd::promise_type& p) noexcept {
    Unlink(p);
    --running_;
    if (p.child->exception && !failure_) {
      failure_ = p.child->exception;
      stop_.request_stop();
    }
    if (running_ == 0 && joiner_) return std::exchange(joiner_, nullptr);
    return std::noop_coroutine();
  }

  // DestroyAll(): tear down the children still running (see TaskGroup).
  void DestroyAll() noexcept {
    while (head_ != nullptr) {
      ChildEnd::promise_type* p = head_;
      Unlink(*p);
      --running_;
      ChildEnd::Handle::from_promise(*p).destroy();
    }
  }

  // co_await Join(): until no child runs.
  struct JoinAwaiter {
    ChildSet* set;
    bool await_ready() const noexcept { return set->running_ == 0; }
    void await_suspend(std::coroutine_handle<> h) const noexcept { set->joiner_ = h; }
    void await_resume() const noexcept {}
  };
  JoinAwaiter Join() noexcept { return JoinAwaiter{this}; }

  [[nodiscard]] size_t running() const noexcept { return running_; }
  [[nodiscard]] bool joining() const noexcept { return static_cast<bool>(joiner_); }
  void set_joiner(std::coroutine_handle<> h) noexcept { joiner_ = h; }
  [[nodiscard]] const std::exception_ptr& failure() const noexcept { return failure_; }
  std::exception_ptr TakeFailure() noexcept { return std::exchange(failure_, nullptr); }
  LinkedStopSource& stop() noexcept { return stop_; }
  const LinkedStopSource& stop() const noexcept { return stop_; }

 private:
  void Unlink(ChildEnd::promise_type& p) noexcept {
    if (p.prev) p.prev->next = p.next; else head_ = p.next;
    if (p.next) p.next->prev = p.prev;
    p.prev = p.next = nullptr;
  }

  LinkedStopSource stop_;
  ChildEnd::promise_type* head_ = nullptr;
  size_t running_ = 0;
  std::coroutine_handle<> joiner_;
  std::exception_ptr failure_;
};

inline std::coroutine_handle<> ChildEnd::Final::await_suspend(Handle self) const noexcept {
  std::coroutine_handle<> next = self.promise().set->Ended(self.promise());
  self.destroy();  // nothing in this frame is touched after this
  return next;
}

// How deep this thread is in tearing groups down: a group destroyed while
// its owner is destroyed by another group's teardown is not a new bug.
inline thread_local int t_group_teardown = 0;

[[noreturn, gnu::cold]] inline void UnjoinedTaskGroup(size_t running) noexcept {
  std::string line = "zring: TaskGroup destroyed with " + std::to_string(running) +
                     " running children; co_await join() on every path "
                     "(with_task_group() does it for you)\n";
  (void)core::write(2, line.data(), line.size());
  __builtin_trap();
}

}  // namespace detail

// TaskGroup
//
// See the top of this file. Neither copyable nor movable: children point
// at it.
class TaskGroup final {
 public:
  TaskGroup() = default;
  // A group that is also cancelled when `parent` is (typically the owner's
  // own: `TaskGroup g(co_await zring::StopToken());`).
  explicit TaskGroup(const std::stop_token& parent) : parent_(parent) {
    set_.stop().Link(&parent_);
  }
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  ~TaskGroup() {
    if (set_.running() == 0) return;
#ifndef NDEBUG
    if (!set_.joining() && detail::t_group_teardown == 0) {
      detail::UnjoinedTaskGroup(set_.running());
    }
#endif
    ++detail::t_group_teardown;
    set_.DestroyAll();
    --detail::t_group_teardown;
  }

  // spawn(): runs `task` until it first suspends; the group owns it until
  // it ends. Allocates one small frame (its continuation); an empty task
  // is std::invalid_argument.
  void spawn(Task<> task) {
    if (!task.valid()) throw std::invalid_argument("zring::TaskGroup::spawn: empty task");
    std::coroutine_handle<> h = task.handle();
    detail::PromiseBase& promise = task.handle().promise();
    set_.Start(detail::OwnChild(std::move(task)), h, promise);
  }

  // cancel(): any thread. Requests stop on every child, present and future.
  void cancel() noexcept { set_.stop().request_stop(); }
  [[nodiscard]] bool cancelled() const noexcept {
    return set_.stop().stop_requested();
  }
  // The token every child runs under.
  [[nodiscard]] const std::stop_token& stop_token() noexcept { return *set_.stop().token(); }
  [[nodiscard]] size_t running() const noexcept { return set_.running(); }

  class [[nodiscard]] JoinAwaiter;
  // join(): co_await it to wait until no child runs, then rethrow the first
  // child failure (once; the group may then be used again). While it
  // waits, a stop request on the awaiting task's token cancels the group.
  JoinAwaiter join() noexcept;

 private:
  std::stop_token parent_;
  detail::ChildSet set_;
};

class [[nodiscard]] TaskGroup::JoinAwaiter final {
 public:
  explicit JoinAwaiter(TaskGroup* g) noexcept : group_(g) {}
  JoinAwaiter(const JoinAwaiter&) = delete;
  JoinAwaiter& operator=(const JoinAwaiter&) = delete;

  bool await_ready() const noexcept { return group_->set_.running() == 0; }
  template <class Promise>
  void await_suspend(std::coroutine_handle<Promise> h) {
    group_->set_.set_joiner(h);
    if constexpr (requires { h.promise().stop; }) {
      const std::stop_token* stop = h.promise().stop;
      // May run at once (already stopped): cancel() resumes nobody inline.
      if (stop != nullptr && stop->stop_possible()) on_stop_.emplace(*stop, CancelGroup{group_});
    }
  }
  void await_resume() {
    on_stop_.reset();
    if (std::exception_ptr e = group_->set_.TakeFailure()) std::rethrow_exception(e);
  }

 private:
  struct CancelGroup {
    TaskGroup* group;
    void operator()() const noexcept { group->cancel(); }
  };

  TaskGroup* group_;
  std::optional<std::stop_callback<CancelGroup>> on_stop_;
};

inline TaskGroup::JoinAwaiter TaskGroup::join() noexcept { return JoinAwaiter(this); }

// with_task_group(body)
//
// Runs `body(group)` (a callable returning a Task) with a fresh TaskGroup
// and returns what the body returns, once every child has ended. The body
// and the children run under the group's stop token, which follows the
// caller's: a child's failure cancels the body too, as in a Trio nursery.
// If the body throws, the group is cancelled and joined before the
// exception propagates; otherwise the first child failure is rethrown.
template <class F, class R = typename detail::TaskValue<std::invoke_result_t<F&, TaskGroup&>>::type>
Task<R> with_task_group(F body) {
  TaskGroup group(co_await StopToken());
  std::exception_ptr failure;
  std::optional<detail::WhenValue<R>> value;
  try {
    Task<R> t = body(group);
    if (!t.valid()) throw std::invalid_argument("zring::with_task_group: empty task");
    t.handle().promise().stop = &group.stop_token();
    if constexpr (std::is_void_v<R>) {
      co_await std::move(t);
      value.emplace();
    } else {
      value.emplace(co_await std::move(t));
    }
  } catch (...) {
    failure = std::current_exception();
    group.cancel();
  }
  try {
    co_await group.join();
  } catch (...) {
    if (!failure) failure = std::current_exception();
  }
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<R>) co_return std::move(*value);
}

}  // namespace zring
