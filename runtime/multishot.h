// zring/runtime/multishot.h — operations that complete many times from one
// request: a listener's stream of connections, a socket's stream of
// received buffers.
//
//   zring::MultishotAccept connections(listen_fd);
//   for (;;) {
//     core::Result<core::Fd> c = co_await connections.next();
//     ...
//   }
//
//   zring::MultishotRecv received(fd, group);     // a BufferGroup
//   core::Result<zring::Buffer> b = co_await received.next();  // empty: EOF
//
// On io_uring one SQE with the multishot flag feeds every next(): the
// completions that arrive while nobody waits are kept in order, and when the
// kernel ends the request (an error, ENOBUFS, a full CQ) the next next()
// starts it again. On the poll backend — and on kernels that answer the
// multishot flag with EINVAL — each next() is one plain operation, so the
// same program runs everywhere.
//
// Lifetimes: the stream object owns the request. Destroying it cancels the
// request and waits for its last completion; whatever arrived and was never
// taken (an accepted fd, a provided buffer) is released. A coroutine
// destroyed while it waits in next() leaves the request running (io_uring)
// or cancels the single operation (poll), and loses nothing that arrived.
// Cancelling the waiting task's stop token cancels the request; next()
// returns ECANCELED and a later next() starts it again.
//
// A stream belongs to the runtime thread that first awaits it, does not
// move, and allows one waiter at a time.
#pragma once

#include <coroutine>
#include <cstdint>
#include <stop_token>
#include <vector>

#include "zring/core/fd.h"
#include "zring/core/result.h"
#include "zring/runtime/buffer_group.h"
#include "zring/runtime/internal/ready_queue.h"
#include "zring/runtime/op.h"
#include "zring/runtime/ops.h"

namespace zring {

namespace detail {

// The completions of a multishot request that nobody has taken yet, in the
// order the kernel posted them. Grows only when more are waiting than ever
// before, so a steady stream allocates nothing.
class CompletionQueue final {
 public:
  struct Entry {
    int32_t res;
    uint32_t flags;
  };
  [[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
  [[nodiscard]] size_t size() const noexcept { return tail_ - head_; }
  [[nodiscard]] const Entry& front() const noexcept { return items_[head_ & mask()]; }
  Entry pop() noexcept { return items_[head_++ & mask()]; }
  void push(Entry e) {
    if (size() == items_.size()) Grow();
    items_[tail_++ & mask()] = e;
  }

 private:
  [[nodiscard]] size_t mask() const noexcept { return items_.size() - 1; }
  void Grow() {
    std::vector<Entry> bigger(items_.empty() ? 16 : items_.size() * 2);
    for (size_t i = 0, n = size(); i < n; ++i) bigger[i] = items_[(head_ + i) & mask()];
    tail_ = size();
    head_ = 0;
    items_.swap(bigger);
  }
  std::vector<Entry> items_;
  size_t head_ = 0;
  size_t tail_ = 0;
};

// What MultishotOperation<> shares across its instantiations; the backends
// see it through OpBase::multishot.
class MultishotBase : public OpBase {
 public:
  MultishotBase() noexcept = default;
  MultishotBase(const MultishotBase&) = delete;
  MultishotBase& operator=(const MultishotBase&) = delete;

  // Called by the io_uring backend (through DeliverMultishot) for each
  // completion of a request armed as multishot. `final`: the kernel ended
  // the request.
  void Deliver(int32_t r, uint32_t flags, bool final, ReadyQueue& ready);

  // starts(): how many requests the stream has made: 1 for a multishot
  // request the kernel never ended, one per result otherwise.
  [[nodiscard]] uint64_t starts() const noexcept { return starts_; }

 protected:
  // Ready(): a result can be taken without suspending.
  bool Ready(bool (*rearm_after)(int32_t res)) noexcept;
  // Wait(): arms the request if it is not running and records `h` as the
  // waiter. False when a result is already there (do not suspend).
  bool Wait(std::coroutine_handle<> h, const std::stop_token* token) noexcept;
  // Detach(): the coroutine `h` waiting in next() is being destroyed.
  void Detach(std::coroutine_handle<> h) noexcept;
  // TakeEntry(): the next result, in arrival order.
  CompletionQueue::Entry TakeEntry() noexcept;
  // Stop(): cancels the request, waits for it to end, and releases every
  // result nobody took.
  void Stop() noexcept;

 private:
  [[nodiscard]] bool running() const noexcept {
    return state == OpState::kInFlight || state == OpState::kQueued;
  }
  CompletionQueue pending_;
  unsigned taken_since_arm_ = 0;
  uint64_t starts_ = 0;
  bool oneshot_only_ = false;   // the kernel refused the multishot flag
};

}  // namespace detail

// MultishotOperation<Derived>
//
// Derived provides `static const detail::OpKind kKind` (its prep() must
// fill a multishot SQE when `multishot` is set and a single-shot one
// otherwise; attempt() is the single-shot syscall for the poll backend),
// `static bool RearmAfter(int32_t res)` (a final result the user need not
// see: start again instead, when something was delivered since the last
// start), and `Convert(res, flags)`, which turns one completion into what
// next() returns.
template <class Derived>
class MultishotOperation : public detail::MultishotBase {
 public:
  MultishotOperation() noexcept {
    kind = &Derived::kKind;
    events = Derived::kKind.poll_events;
  }
  ~MultishotOperation() { Stop(); }  // a no-op when Derived stopped already

  class Next {
   public:
    explicit Next(Derived* s) noexcept : s_(s) {}
    Next(const Next&) = delete;
    Next& operator=(const Next&) = delete;
    ~Next() {
      if (waiting_) s_->Detach(waiting_);
    }
    bool await_ready() noexcept { return s_->Ready(&Derived::RearmAfter); }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
      const std::stop_token* token = nullptr;
      if constexpr (requires { h.promise().stop; }) token = h.promise().stop;
      if (!s_->Wait(h, token)) return false;
      waiting_ = h;
      return true;
    }
    auto await_resume() noexcept {
      waiting_ = {};
      detail::CompletionQueue::Entry e = s_->TakeEntry();
      return s_->Convert(e.res, e.flags);
    }

   private:
    Derived* s_;
    std::coroutine_handle<> waiting_{};
  };

  // next(): the next result of the stream.
  [[nodiscard]] Next next() noexcept { return Next(static_cast<Derived*>(this)); }
};

// MultishotAccept: a listening socket's connections, each an owned Fd
// (SOCK_CLOEXEC). EMFILE, ENFILE and other accept errors are returned once
// each; the following next() tries again.
class MultishotAccept final : public MultishotOperation<MultishotAccept> {
 public:
  explicit MultishotAccept(int listen_fd, int flags = 0) noexcept {
    fd = listen_fd;
    flags_ = flags | core::sock::cloexec;
  }
  // Stopped here, while the members discard() reads are alive.
  ~MultishotAccept() { Stop(); }

  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* s = static_cast<MultishotAccept*>(b);
    if (s->multishot) {
      ring::prep_multishot_accept(sqe, s->fd, nullptr, nullptr, s->flags_);
    } else {
      ring::prep_accept(sqe, s->fd, nullptr, nullptr, s->flags_);
    }
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* s = static_cast<MultishotAccept*>(b);
    return detail::Raw(core::accept4(s->fd, nullptr, nullptr, s->flags_));
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, &detail::CloseReturnedFd,
                                        core::ev::in, ring::abi::Op::kAccept};
  static bool RearmAfter(int32_t) noexcept { return false; }
  core::Result<core::Fd> Convert(int32_t r, uint32_t) const noexcept {
    return detail::FdResult(r);
  }

 private:
  int flags_;
};

// MultishotRecv: the bytes a socket receives, each piece in a Buffer of
// `group` (which must outlive the stream). An empty Buffer means the peer
// closed. When the group runs dry the kernel ends the request with
// ENOBUFS; the stream starts it again on the next next(), and returns
// ENOBUFS to the caller only when nothing was received since it last
// started — every buffer is still held by the caller.
class MultishotRecv final : public MultishotOperation<MultishotRecv> {
 public:
  MultishotRecv(int socket_fd, BufferGroup& group, int flags = 0) noexcept
      : group_(&group), flags_(flags) {
    fd = socket_fd;
  }
  ~MultishotRecv() { Stop(); }

  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept {
    auto* s = static_cast<MultishotRecv*>(b);
    if (s->multishot) {
      ring::prep_recv_multishot(sqe, s->fd, s->group_->id(), s->flags_);
    } else {
      ring::prep_recv(sqe, s->fd, nullptr, s->group_->buffer_size(), s->flags_);
      ring::set_buffer_select(sqe, s->group_->id());
    }
  }
  static long Attempt(detail::OpBase* b) noexcept {
    auto* s = static_cast<MultishotRecv*>(b);
    long r = s->group_->recv_into(s->fd, s->flags_, &s->taken_);
    if (r > 0) s->have_taken_ = true;
    return r;
  }
  static void Discard(detail::OpBase* b, int32_t r, uint32_t flags) noexcept {
    auto* s = static_cast<MultishotRecv*>(b);
    std::optional<uint16_t> id = s->BufferOf(flags);
    if (id) s->group_->give_back(*id);
    (void)r;
  }
  static constexpr detail::OpKind kKind{&Prep, &Attempt, &Discard, core::ev::in,
                                        ring::abi::Op::kRecv};
  static bool RearmAfter(int32_t r) noexcept { return r == -core::err::nobufs.value(); }

  core::Result<Buffer> Convert(int32_t r, uint32_t flags) noexcept {
    std::optional<uint16_t> id = BufferOf(flags);
    if (r <= 0) {
      if (id) group_->give_back(*id);
      if (r < 0) return core::Errno(-r);
      return Buffer();
    }
    if (!id) return core::err::nobufs;  // cannot happen: data always comes in a buffer
    return Buffer(group_, *id, static_cast<size_t>(r));
  }

 private:
  // The buffer a completion used: named by the CQE on io_uring, picked by
  // Attempt() on the poll backend.
  std::optional<uint16_t> BufferOf(uint32_t flags) noexcept {
    if (flags & ring::abi::kCqeFBuffer) {
      return static_cast<uint16_t>(flags >> ring::abi::kCqeBufferShift);
    }
    if (have_taken_) {
      have_taken_ = false;
      return taken_;
    }
    return std::nullopt;
  }

  BufferGroup* group_;
  int flags_;
  uint16_t taken_ = 0;
  bool have_taken_ = false;
};

}  // namespace zring
