// zring/runtime/when.h — when_all and when_any: run tasks concurrently and
// wait for all of them, or for the first one.
//
//   auto [a, b] = co_await zring::when_all(fetch(x), fetch(y));
//
//   std::variant<zring::core::Result<size_t>, std::monostate> r =
//       co_await zring::when_any(read_some(fd), sleep_then_nothing(100ms));
//   if (r.index() == 1) { /* timed out; the read was cancelled and ended */ }
//
//   std::vector<int> all = co_await zring::when_all(std::move(tasks));
//
// Shared rules:
// - The children start at once, in argument order, on the calling thread:
//   each runs until it first suspends before the next starts. They then run
//   concurrently on the caller's runtime.
// - A result is produced only after EVERY child has ended: no child outlives
//   the co_await, so children may borrow from the caller's frame.
// - Each combinator gives its children a stop token of its own, also
//   stopped when the caller's is; stopping the caller stops them all.
// - A void child contributes std::monostate.
//
// when_all(a, b, ...) -> Task<std::tuple<A, B, ...>>
//   All values, in argument order. The first child to fail (end in an
//   exception) stops the others, and that first exception is rethrown once
//   they have all ended (fail fast, as in std::execution and folly).
// when_all(std::vector<Task<T>>) -> Task<std::vector<T>>
//   The same for a run-time number of tasks.
// when_any(a, b, ...) -> Task<std::variant<A, B, ...>>
//   The first child to end wins: its value (index = its position), or its
//   exception. The others are stopped and AWAITED before when_any returns,
//   so their operations are cancelled and drained, and whatever they return
//   or throw afterwards is dropped. A child that ignores its stop token
//   (a Mutex wait, a CPU loop) delays when_any until it ends by itself.
//
// Allocation: besides the children's own frames, a fixed-arity form makes
// its own frame and one std::stop_source state, however many children it
// has — its frame is every child's continuation, and it finds which child
// ended by looking at the N (a compile-time constant) frames. The vector
// form adds one small frame per child, the continuation that tells which
// child ended, so that each end costs O(1) however many there are.
// Neither needs a Runtime; they run wherever they are awaited.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "zring/runtime/task.h"
#include "zring/runtime/task_group.h"

namespace zring {

namespace detail {

enum class JoinMode { kAll, kAny };

// FixedJoin
//
// The join of N children whose continuation is the combinator's own frame.
// Each time that frame is resumed, one child has just ended; Collect()
// finds which by looking at the N frames (N is a compile-time constant,
// small) and applies the mode: kAll stops the rest on the first failure,
// kAny on the first end.
template <size_t N>
class FixedJoin final {
 public:
  FixedJoin(const std::array<std::coroutine_handle<>, N>& handles,
            const std::array<PromiseBase*, N>& promises, JoinMode mode,
            LinkedStopSource& stop) noexcept
      : handles_(handles), promises_(promises), mode_(mode), stop_(stop) {}

  // co_await Start(): runs every child until it first suspends; resumes
  // (or does not suspend) once a child has ended.
  struct StartAwaiter {
    FixedJoin* join;
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> self) noexcept { return join->StartAll(self); }
    void await_resume() const noexcept { join->Collect(); }
  };
  StartAwaiter Start() noexcept { return StartAwaiter{this}; }

  // co_await Next(): suspends until the next child ends.
  struct NextAwaiter {
    FixedJoin* join;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept { join->Collect(); }
  };
  NextAwaiter Next() noexcept { return NextAwaiter{this}; }

  [[nodiscard]] bool all_ended() const noexcept { return ended_count_ == N; }
  // kAll: the first child that failed; kAny: the winner. N if none.
  [[nodiscard]] size_t first() const noexcept { return first_; }
  // kAll: the exception of the first child that failed, if any.
  [[nodiscard]] std::exception_ptr failure() const noexcept {
    return first_ == N ? nullptr : promises_[first_]->exception;
  }

 private:
  bool StartAll(std::coroutine_handle<> self) noexcept {
    // Started one by one with no continuation (a child that ends at once
    // returns here): a child must not resume this frame while we are
    // still inside its await_suspend.
    for (size_t i = 0; i < N; ++i) {
      promises_[i]->stop = stop_.token();
      promises_[i]->scope = stop_.scope();
      if (!handles_[i].done()) handles_[i].resume();
      if (handles_[i].done()) Note(i);  // stops the rest before they start
    }
    Collect();  // those that ended while a later one ran
    for (size_t i = 0; i < N; ++i) {
      if (!ended_[i]) promises_[i]->continuation = self;
    }
    return !all_ended();
  }

  void Collect() noexcept {
    for (size_t i = 0; i < N; ++i) {
      if (!ended_[i] && handles_[i].done()) Note(i);
    }
  }

  void Note(size_t i) noexcept {
    ended_[i] = true;
    ++ended_count_;
    if (first_ != N) return;
    if (mode_ == JoinMode::kAny || promises_[i]->exception) {
      first_ = i;
      stop_.request_stop();
    }
  }

  std::array<std::coroutine_handle<>, N> handles_;
  std::array<PromiseBase*, N> promises_;
  std::array<bool, N> ended_{};
  size_t ended_count_ = 0;
  size_t first_ = N;
  JoinMode mode_;
  LinkedStopSource& stop_;
};

template <class... T>
void CheckTasks(const char* who, const Task<T>&... tasks) {
  if ((!tasks.valid() || ...)) throw std::invalid_argument(std::string(who) + ": empty task");
}

// The join over `children`, a tuple of tasks in the combinator's frame.
template <class... T>
FixedJoin<sizeof...(T)> MakeJoin(std::tuple<Task<T>...>& children, JoinMode mode,
                                 LinkedStopSource& stop) noexcept {
  return std::apply(
      [&](Task<T>&... c) {
        return FixedJoin<sizeof...(T)>({std::coroutine_handle<>(c.handle())...},
                                       {static_cast<PromiseBase*>(&c.handle().promise())...},
                                       mode, stop);
      },
      children);
}

template <size_t I = 0, class... T>
std::variant<WhenValue<T>...> TakeWinner(std::tuple<Task<T>...>& children, size_t winner) {
  if constexpr (I + 1 < sizeof...(T)) {
    if (winner != I) return TakeWinner<I + 1, T...>(children, winner);
  }
  return std::variant<WhenValue<T>...>(std::in_place_index<I>, TakeWhenValue(std::get<I>(children)));
}

}  // namespace detail

// when_all(a, b, ...): see the top of this file.
template <class... T>
Task<std::tuple<detail::WhenValue<T>...>> when_all(Task<T>... tasks) {
  static_assert(sizeof...(T) > 0, "when_all() needs at least one task");
  detail::CheckTasks("zring::when_all", tasks...);
  detail::LinkedStopSource stop(co_await detail::CurrentStop{});
  // Moved out of the parameters so they die before `stop` does.
  std::tuple<Task<T>...> children(std::move(tasks)...);
  detail::FixedJoin<sizeof...(T)> join = detail::MakeJoin(children, detail::JoinMode::kAll, stop);
  co_await join.Start();
  while (!join.all_ended()) co_await join.Next();
  if (std::exception_ptr e = join.failure()) std::rethrow_exception(e);
  co_return std::apply(
      [](Task<T>&... c) { return std::tuple<detail::WhenValue<T>...>{detail::TakeWhenValue(c)...}; },
      children);
}

// when_any(a, b, ...): see the top of this file.
template <class... T>
Task<std::variant<detail::WhenValue<T>...>> when_any(Task<T>... tasks) {
  static_assert(sizeof...(T) > 0, "when_any() needs at least one task");
  detail::CheckTasks("zring::when_any", tasks...);
  detail::LinkedStopSource stop(co_await detail::CurrentStop{});
  std::tuple<Task<T>...> children(std::move(tasks)...);
  detail::FixedJoin<sizeof...(T)> join = detail::MakeJoin(children, detail::JoinMode::kAny, stop);
  co_await join.Start();
  while (!join.all_ended()) co_await join.Next();
  co_return detail::TakeWinner(children, join.first());
}

// when_all(std::vector<Task<T>>): see the top of this file. An empty vector
// gives an empty result at once.
template <class T>
Task<std::vector<detail::WhenValue<T>>> when_all(std::vector<Task<T>> tasks) {
  for (const Task<T>& t : tasks) {
    if (!t.valid()) throw std::invalid_argument("zring::when_all: empty task");
  }
  detail::ChildSet set(co_await detail::CurrentStop{});
  std::vector<Task<T>> children(std::move(tasks));  // dies before `set`
  for (Task<T>& c : children) {
    set.Start(detail::WatchChild(), c.handle(), c.handle().promise());
  }
  co_await set.Join();
  if (std::exception_ptr e = set.TakeFailure()) std::rethrow_exception(e);
  std::vector<detail::WhenValue<T>> out;
  out.reserve(children.size());
  for (Task<T>& c : children) out.push_back(detail::TakeWhenValue(c));
  co_return out;
}

}  // namespace zring
