// zring/runtime/task.h — Task<T>: a lazy coroutine that produces a T.
//
//   zring::Task<int> answer() { co_return 42; }
//   zring::Task<> main_task() {
//     int v = co_await answer();        // runs answer() now, resumes here after
//   }
//
// A Task does nothing until it is awaited (or handed to Runtime::spawn /
// block_on). Awaiting transfers control symmetrically: the awaiter suspends,
// the task runs on the same thread without growing the stack, and when it
// finishes the awaiter resumes directly. An exception that escapes the task
// is carried to the awaiter and rethrown there. Tasks are move-only; a Task
// destroyed before it was awaited destroys its frame without running it.
#pragma once

#include <coroutine>
#include <exception>
#include <stop_token>
#include <type_traits>
#include <utility>

namespace zring {

template <class T = void>
class Task;

namespace detail {

struct StopScope;

// What every task promise shares: who to resume when it ends, and the
// exception that ended it, if any.
struct PromiseBase {
  std::coroutine_handle<> continuation = std::noop_coroutine();
  std::exception_ptr exception;
  // The stop token of the spawned task this coroutine runs under, handed
  // down from awaiter to awaited task so operations can be cancelled.
  const std::stop_token* stop = nullptr;
  // Its scope, when `stop` is a spawned task's own token (op.h).
  StopScope* scope = nullptr;

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(
        std::coroutine_handle<Promise> self) const noexcept {
      return self.promise().continuation;
    }
    void await_resume() const noexcept {}
  };

  std::suspend_always initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }

  void RethrowIfFailed() {
    if (exception) std::rethrow_exception(std::exchange(exception, nullptr));
  }
};

template <class T>
struct Promise final : PromiseBase {
  Task<T> get_return_object() noexcept;

  template <class U>
  void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    ::new (static_cast<void*>(&storage)) T(std::forward<U>(v));
    has_value = true;
  }
  T Take() {
    RethrowIfFailed();
    return std::move(*std::launder(reinterpret_cast<T*>(&storage)));
  }
  ~Promise() {
    if (has_value) std::launder(reinterpret_cast<T*>(&storage))->~T();
  }

  alignas(T) unsigned char storage[sizeof(T)];
  bool has_value = false;
};

template <>
struct Promise<void> final : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void Take() { RethrowIfFailed(); }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task final {
 public:
  using promise_type = detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() noexcept = default;
  explicit Task(Handle h) noexcept : handle_(h) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(handle_); }
  [[nodiscard]] bool done() const noexcept { return handle_ && handle_.done(); }

  // co_await task: run it, resume here with its value (or its exception).
  struct Awaiter {
    Handle handle;
    bool await_ready() const noexcept { return !handle || handle.done(); }
    template <class Promise>
    std::coroutine_handle<> await_suspend(
        std::coroutine_handle<Promise> awaiting) noexcept {
      if constexpr (requires { awaiting.promise().stop; }) {
        if (handle.promise().stop == nullptr) {
          handle.promise().stop = awaiting.promise().stop;
          handle.promise().scope = awaiting.promise().scope;
        }
      }
      handle.promise().continuation = awaiting;
      return handle;
    }
    T await_resume() { return handle.promise().Take(); }
  };
  Awaiter operator co_await() && noexcept { return Awaiter{handle_}; }

  // For the runtime: the frame, and taking ownership of it.
  [[nodiscard]] Handle handle() const noexcept { return handle_; }
  [[nodiscard]] Handle release() noexcept { return std::exchange(handle_, {}); }

 private:
  void Reset() noexcept {
    if (handle_) handle_.destroy();
    handle_ = {};
  }

  Handle handle_;
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace zring
