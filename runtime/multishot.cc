// The state machine behind MultishotOperation<>: arming, the queue of
// results nobody waits for yet, re-arming, and the two ways a stream lets go.
#include "zring/runtime/multishot.h"

#include "zring/runtime/runtime.h"

namespace zring::detail {

void DeliverMultishot(OpBase* op, int32_t res, uint32_t flags, bool final,
                      ReadyQueue& ready) noexcept {
  if (op->kind->deliver) {
    op->kind->deliver(op, res, flags, final, ready);
    return;
  }
  static_cast<MultishotBase*>(op)->Deliver(res, flags, final, ready);
}

void MultishotBase::Deliver(int32_t r, uint32_t flags, bool final, ReadyQueue& ready) {
  // The final completion of a request must read as final even when the
  // kernel posted it with F_MORE clear for a reason other than an error.
  if (final) flags &= ~ring::abi::kCqeFMore;
  else flags |= ring::abi::kCqeFMore;
  pending_.push({r, flags});
  if (waiter) {
    ready.Push(waiter);
    waiter = nullptr;
  }
}

bool MultishotBase::Ready(bool (*rearm_after)(int32_t res)) noexcept {
  if (!pending_.empty()) {
    const CompletionQueue::Entry& e = pending_.front();
    const bool final = (e.flags & ring::abi::kCqeFMore) == 0;
    if (!final || pending_.size() > 1) return true;
    if (taken_since_arm_ == 0 && e.res == -core::err::inval.value() && !oneshot_only_) {
      // The kernel does not know the multishot flag for this opcode (accept
      // before 5.19, recv before 6.0): one operation per next() from now on.
      oneshot_only_ = true;
      pending_.pop();
      return false;
    }
    if (taken_since_arm_ > 0 && rearm_after(e.res)) {
      // The request ended for a reason the caller need not see (a buffer
      // group that ran dry while it was still consuming): start again.
      pending_.pop();
      return false;
    }
    return true;
  }
  // An unread single-shot result (poll backend, or no multishot support).
  return !multishot && state == OpState::kDone;
}

bool MultishotBase::Wait(std::coroutine_handle<> h, const std::stop_token* token) noexcept {
  stop = token;
  if (running()) {
    if (!multishot) {
      // A single-shot operation runs only for a waiter, and there is one
      // waiter at a time: a second one is a caller's bug.
      res = -core::err::busy.value();
      return false;
    }
    waiter = h;
    if (stop && stop->stop_possible()) RegisterStop(this);
    return true;
  }
  Runtime* rt = Runtime::current();
  multishot = rt != nullptr && rt->uring() != nullptr && !oneshot_only_;
  abandoned = false;
  cancel_requested = false;
  taken_since_arm_ = 0;
  ++starts_;
  res = 0;
  cqe_flags = 0;
  if (!StartOp(this, h)) {
    // Finished at once (no runtime, a stop already requested, an opcode the
    // kernel lacks): the result is in `res`, read as a single shot.
    multishot = false;
    return false;
  }
  return true;
}

void MultishotBase::Detach(std::coroutine_handle<> h) noexcept {
  ClearStop(this);
  if (running()) {
    if (multishot) {
      // The request goes on; what it delivers waits for the next next().
      if (waiter == h) waiter = nullptr;
      return;
    }
    // A single operation that only this waiter wanted: cancel it; a result
    // that raced the cancel is released by kind->discard.
    AbandonOp(this);
    state = OpState::kIdle;
    return;
  }
  // Finished, and `h` queued to resume but destroyed first: the result stays
  // for the next next().
  if (waiter == h) waiter = nullptr;
  if (runtime) runtime->Unschedule(h);
}

CompletionQueue::Entry MultishotBase::TakeEntry() noexcept {
  ClearStop(this);
  if (!pending_.empty()) {
    ++taken_since_arm_;
    return pending_.pop();
  }
  state = OpState::kIdle;
  return {res, cqe_flags};
}

void MultishotBase::Stop() noexcept {
  ClearStop(this);
  if (running()) {
    AbandonOp(this);
    state = OpState::kIdle;
  }
  while (!pending_.empty()) {
    CompletionQueue::Entry e = pending_.pop();
    if (kind->discard) kind->discard(this, e.res, e.flags);
  }
  if (!multishot && state == OpState::kDone) {
    if (kind->discard) kind->discard(this, res, cqe_flags);
    state = OpState::kIdle;
  }
}

}  // namespace zring::detail
