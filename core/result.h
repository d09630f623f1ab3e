// zring/core/result.h — Result<T>: a value or an Errno.
//
// Every fallible call in zring returns a Result instead of throwing or
// setting errno. It is cheap (a T beside an int), [[nodiscard]], and
// composes:
//
//   core::Result<core::Fd> fd = core::openat(core::at::fdcwd, "/etc/hosts",
//                                            core::o::rdonly | core::o::cloexec);
//   if (!fd) return fd.error();                      // propagate
//   auto size = core::fstat(fd->get()).transform([](auto& st) { return st.size; });
//
// value() on an error, or error() on a value, is a contract violation: it
// is checked with a trap in debug builds, never turned into an exception.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "zring/core/error.h"

namespace zring::core {

template <class T>
class [[nodiscard]] Result;

namespace detail {
template <class R>
struct IsResult : std::false_type {};
template <class T>
struct IsResult<Result<T>> : std::true_type {};

[[noreturn, gnu::cold]] inline void ResultMisuse() noexcept {
  __builtin_trap();
}
}  // namespace detail

// Result<T>
//
// Holds either a T or a non-zero Errno. T may not be a reference or void
// (see Result<void> below).
template <class T>
class [[nodiscard]] Result final {
  static_assert(!std::is_reference_v<T>,
                "Result<T&> is not supported: return a pointer or a value");

 public:
  using value_type = T;

  // A value. Implicit, so that `return n;` works in a function returning
  // Result<T>.
  template <class U = T,
            class = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                     !std::is_same_v<std::decay_t<U>, Errno> &&
                                     !std::is_same_v<std::decay_t<U>, Result>>>
  constexpr Result(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>)
      : err_(0) {
    ::new (static_cast<void*>(&value_)) T(std::forward<U>(value));
  }

  // An error. A zero Errno is a bug in the caller and becomes EINVAL so that
  // the Result still reads as failed.
  constexpr Result(Errno e) noexcept : err_(e ? e.value() : 22) {}

  Result(const Result& other) noexcept(std::is_nothrow_copy_constructible_v<T>)
      : err_(other.err_) {
    if (err_ == 0) ::new (static_cast<void*>(&value_)) T(other.value_);
  }
  Result(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>)
      : err_(other.err_) {
    if (err_ == 0) ::new (static_cast<void*>(&value_)) T(std::move(other.value_));
  }
  Result& operator=(const Result& other) {
    if (this != &other) {
      Reset();
      err_ = other.err_;
      if (err_ == 0) ::new (static_cast<void*>(&value_)) T(other.value_);
    }
    return *this;
  }
  Result& operator=(Result&& other) noexcept(
      std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      Reset();
      err_ = other.err_;
      if (err_ == 0) ::new (static_cast<void*>(&value_)) T(std::move(other.value_));
    }
    return *this;
  }
  ~Result() { Reset(); }

  [[nodiscard]] constexpr bool ok() const noexcept { return err_ == 0; }
  constexpr explicit operator bool() const noexcept { return ok(); }

  // value(): the value; the Result must be ok().
  [[nodiscard]] T& value() & noexcept { return Checked(), value_; }
  [[nodiscard]] const T& value() const& noexcept { return Checked(), value_; }
  [[nodiscard]] T&& value() && noexcept { return Checked(), std::move(value_); }
  T& operator*() & noexcept { return value(); }
  const T& operator*() const& noexcept { return value(); }
  T&& operator*() && noexcept { return std::move(*this).value(); }
  T* operator->() noexcept { return &value(); }
  const T* operator->() const noexcept { return &value(); }

  // error(): the Errno; the Result must not be ok(). On an ok() Result this
  // returns the "no error" Errno rather than trapping, so logging code can
  // call it unconditionally.
  [[nodiscard]] constexpr Errno error() const noexcept { return Errno(err_); }

  // value_or(): the value, or `fallback` on error.
  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return ok() ? value_ : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  [[nodiscard]] T value_or(U&& fallback) && {
    return ok() ? std::move(value_) : static_cast<T>(std::forward<U>(fallback));
  }

  // and_then(f): f(value) -> Result<U>, or this error unchanged.
  template <class F>
  auto and_then(F&& f) & {
    using R = std::invoke_result_t<F, T&>;
    static_assert(detail::IsResult<R>::value, "and_then(f): f must return a Result");
    return ok() ? std::forward<F>(f)(value_) : R(error());
  }
  template <class F>
  auto and_then(F&& f) const& {
    using R = std::invoke_result_t<F, const T&>;
    static_assert(detail::IsResult<R>::value, "and_then(f): f must return a Result");
    return ok() ? std::forward<F>(f)(value_) : R(error());
  }
  template <class F>
  auto and_then(F&& f) && {
    using R = std::invoke_result_t<F, T&&>;
    static_assert(detail::IsResult<R>::value, "and_then(f): f must return a Result");
    return ok() ? std::forward<F>(f)(std::move(value_)) : R(error());
  }

  // transform(f): Result<f(value)>, or this error unchanged.
  template <class F>
  auto transform(F&& f) & {
    using U = std::invoke_result_t<F, T&>;
    if (!ok()) return Result<U>(error());
    return Apply<U>(std::forward<F>(f), value_);
  }
  template <class F>
  auto transform(F&& f) const& {
    using U = std::invoke_result_t<F, const T&>;
    if (!ok()) return Result<U>(error());
    return Apply<U>(std::forward<F>(f), value_);
  }
  template <class F>
  auto transform(F&& f) && {
    using U = std::invoke_result_t<F, T&&>;
    if (!ok()) return Result<U>(error());
    return Apply<U>(std::forward<F>(f), std::move(value_));
  }

 private:
  // Apply(): f(v) as a Result<U>; only called on a value, so that the
  // compiler never sees a read of the inactive union member.
  template <class U, class F, class V>
  static Result<U> Apply(F&& f, V&& v) {
    if constexpr (std::is_void_v<U>) {
      std::forward<F>(f)(std::forward<V>(v));
      return Result<U>();
    } else {
      return Result<U>(std::forward<F>(f)(std::forward<V>(v)));
    }
  }
  void Checked() const noexcept {
    if (err_ != 0) detail::ResultMisuse();
  }
  void Reset() noexcept {
    if (err_ == 0) value_.~T();
  }

  int err_;
  union {
    T value_;
  };
};

// Result<void>
//
// Success or an Errno: what close(), bind(), listen() and friends return.
template <>
class [[nodiscard]] Result<void> final {
 public:
  using value_type = void;

  constexpr Result() noexcept = default;
  constexpr Result(Errno e) noexcept : err_(e ? e.value() : 22) {}

  [[nodiscard]] constexpr bool ok() const noexcept { return err_ == 0; }
  constexpr explicit operator bool() const noexcept { return ok(); }
  constexpr void value() const noexcept {
    if (err_ != 0) detail::ResultMisuse();
  }
  [[nodiscard]] constexpr Errno error() const noexcept { return Errno(err_); }

  template <class F>
  auto and_then(F&& f) const {
    using R = std::invoke_result_t<F>;
    static_assert(detail::IsResult<R>::value, "and_then(f): f must return a Result");
    return ok() ? std::forward<F>(f)() : R(error());
  }
  template <class F>
  auto transform(F&& f) const {
    using U = std::invoke_result_t<F>;
    if (!ok()) return Result<U>(error());
    if constexpr (std::is_void_v<U>) {
      std::forward<F>(f)();
      return Result<U>();
    } else {
      return Result<U>(std::forward<F>(f)());
    }
  }

 private:
  int err_ = 0;
};

// Ok() spells a successful Result<void> at a return statement.
[[nodiscard]] constexpr Result<void> Ok() noexcept { return Result<void>(); }

}  // namespace zring::core

namespace zring::core {

// FromRaw<T>(): a raw syscall result (negative = -errno) as a Result<T>;
// the success value is converted with static_cast.
template <class T = long>
[[gnu::always_inline]] inline Result<T> FromRaw(long raw) noexcept {
  if (raw < 0) return Errno(static_cast<int>(-raw));
  return static_cast<T>(raw);
}

// VoidFromRaw(): the same for calls whose success value is meaningless.
[[gnu::always_inline]] inline Result<void> VoidFromRaw(long raw) noexcept {
  if (raw < 0) return Errno(static_cast<int>(-raw));
  return Ok();
}

}  // namespace zring::core
