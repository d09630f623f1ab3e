// Runtime: backend selection, the loop, cross-thread requests.
#include "zring/runtime/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "zring/core/constants.h"
#include "zring/core/io.h"

namespace zring {
using detail::t_current;
namespace {


// Why io_uring_setup failed, in words a user can act on.
std::string ExplainUringFailure(core::Errno e) {
  std::string why = std::string("io_uring_setup: ") + e.name() + " — ";
  // kernel.io_uring_disabled (6.6+): 1 = only for a group, 2 = off.
  char buf[8] = {};
  core::Result<int> fd = core::openat(core::at::fdcwd, "/proc/sys/kernel/io_uring_disabled",
                                      core::o::rdonly | core::o::cloexec);
  if (fd) {
    core::Result<size_t> n = core::read(*fd, buf, sizeof buf - 1);
    (void)core::close(*fd);
    if (n && *n > 0 && buf[0] != '0') {
      return why + "kernel.io_uring_disabled = " + buf[0];
    }
  }
  if (e == core::err::perm) return why + "blocked by seccomp (a container's default profile?)";
  if (e == core::err::nosys && core::kHostSyscalls) {
    return why +
           "no io_uring here: syscalls go through the host's libc "
           "(not Linux, or ZRING_HOST_PORTABLE=1)";
  }
  if (e == core::err::nosys) return why + "this kernel has no io_uring";
  if (e == core::err::nomem) return why + "out of locked memory (RLIMIT_MEMLOCK)";
  return why + e.message();
}

BackendKind FromEnvironment() {
  const char* v = std::getenv("ZRING_BACKEND");
  if (v == nullptr) return BackendKind::kAuto;
  if (std::strcmp(v, "uring") == 0 || std::strcmp(v, "io_uring") == 0) return BackendKind::kUring;
  if (std::strcmp(v, "poll") == 0 || std::strcmp(v, "epoll") == 0) return BackendKind::kPoll;
  return BackendKind::kAuto;
}

// ZRING_READINESS=poll: the poll backend waits with poll(2), as on hosts
// without epoll (tests run the backend both ways).
bool PollSyscallFromEnvironment() {
  const char* v = std::getenv("ZRING_READINESS");
  return v != nullptr && std::strcmp(v, "poll") == 0;
}

}  // namespace

namespace detail {

CurrentRuntime::CurrentRuntime(Runtime* rt) noexcept : previous_(t_current) {
  t_current = rt;
}
CurrentRuntime::~CurrentRuntime() { t_current = previous_; }

// The operation's own std::stop_callback (StopLink::kOwn). If the token
// is stopped already, the callback runs here and cancels the operation,
// which is in flight by now.
void RegisterStop(OpBase* op) noexcept {
  ::new (static_cast<void*>(op->own_stop)) OpBase::OwnStopCallback(*op->stop,
                                                                    OpBase::CancelOnStop{op});
  op->stop_link = StopLink::kOwn;
}

void OpBase::DropOwnStop() noexcept {
  // Waits for a callback running on another thread; whatever that callback
  // queued for the runtime is withdrawn next.
  std::launder(reinterpret_cast<OwnStopCallback*>(own_stop))->~OwnStopCallback();
  stop_link = StopLink::kNone;
  // A withdrawn request still counts when the operation goes on without
  // its waiter (a multishot request after a result was taken): cancel it
  // here, on the runtime's thread.
  if (runtime && runtime->ForgetCancel(this) && NeedsBackend(state) && state != OpState::kDone) {
    runtime->Cancel(this);
  }
}

// The general path of StartOp(): no runtime, a scope to arm or of another
// runtime, a stopped token, or a token of the operation's own.
bool StartOp(OpBase* op, std::coroutine_handle<> waiter) noexcept {
  Runtime* rt = t_current;
  if (rt == nullptr) {
    // Awaited outside any runtime: there is nothing to drive it.
    op->res = -core::err::nxio.value();
    op->state = OpState::kDone;
    return false;
  }
  op->runtime = rt;
  op->waiter = waiter;
  StopScope* scope = op->scope;
  if (scope != nullptr && scope->runtime == nullptr) {
    // The scope's first operation binds it to this runtime and arms its
    // callback, which runs at once if stop was requested already.
    scope->runtime = rt;
    scope->open_for.store(rt, std::memory_order_relaxed);
    scope->callback.emplace(*scope->token, StopScope::OnStop{scope});
  }
  if (scope != nullptr && scope->runtime != rt) scope = nullptr;  // register on its own
  const std::stop_token* stop = op->stop;
  const bool stopped = scope != nullptr ? scope->open_for.load(std::memory_order_relaxed) != rt
                                        : stop != nullptr && stop->stop_requested();
  if (stopped) {
    op->res = -core::err::canceled.value();
    op->state = OpState::kDone;
    return false;
  }
  if (!rt->Start(op, *op->kind)) return false;
  if (scope != nullptr) {
    LinkToScope(op, scope);
  } else if (stop != nullptr && stop->stop_possible()) {
    RegisterStop(op);
  }
  return true;
}

void AbandonOp(OpBase* op) noexcept {
  if (op->runtime) op->runtime->Abandon(op);
  ClearStop(op);
}

void ForgetOp(OpBase* op) noexcept {
  if (op->runtime && op->waiter) op->runtime->Unschedule(op->waiter);
  ClearStop(op);
}

void OpBase::CancelOnStop::operator()() const noexcept {
  if (op->runtime) op->runtime->RequestCancel(op);
}

void StopScope::Disarm() noexcept {
  if (!callback) return;
  callback.reset();
  if (runtime) runtime->ForgetScope(this);
}

void StopScope::OnStop::operator()() const noexcept {
  scope->open_for.store(nullptr, std::memory_order_release);
  if (scope->runtime) scope->runtime->RequestCancel(scope);
}

void FinishSpawned(SpawnStateBase& state, void* frame) {
  std::coroutine_handle<> joiner;
  Runtime* joiner_runtime = nullptr;
  bool report = false;
  {
    std::lock_guard<std::mutex> lock(state.mu);
    state.done = true;
    joiner = state.joiner;
    joiner_runtime = state.joiner_runtime;
    report = !joiner && state.error && state.detached;
  }
  state.runtime->TaskEnded(frame);
  if (joiner) {
    if (joiner_runtime) {
      joiner_runtime->post(joiner);
    } else {
      state.runtime->Schedule(joiner);
    }
  } else if (report) {
    state.runtime->ReportFailure(state.error);
  }
}

void ReportDetachedFailure(SpawnStateBase& state) {
  state.runtime->ReportFailure(state.error);
}

}  // namespace detail

void Runtime::run(std::stop_token stop) {
  detail::CurrentRuntime guard(this);
  std::stop_callback wake(stop, [this] { Wake(); });
  RunUntil([&] { return stop.stop_requested(); });
}

Runtime* Runtime::current() noexcept { return t_current; }

core::Result<std::unique_ptr<Runtime>> Runtime::Create(const RuntimeOptions& options) {
  std::unique_ptr<Runtime> rt(new Runtime(options));
  rt->owner_ = std::this_thread::get_id();
  BackendKind want = options.backend;
  std::string chosen_by = "option";
  if (want == BackendKind::kAuto) {
    want = FromEnvironment();
    chosen_by = "ZRING_BACKEND";
  }
  if (want == BackendKind::kAuto) chosen_by = "probe";

  std::string why;
  if (want != BackendKind::kPoll) {
    core::Result<detail::UringBackend> u = detail::UringBackend::Create(options.entries, options.cq_entries, &why);
    if (u) {
      rt->uring_.emplace(std::move(*u));
      rt->info_ = {BackendKind::kUring, "io_uring (" + chosen_by + "): " + why};
      return rt;
    }
    if (want == BackendKind::kUring) return u.error();
    // EOPNOTSUPP: the ring was set up, but lacks operations; `why` says which.
    if (u.error() != core::err::opnotsupp) why = ExplainUringFailure(u.error());
    why += "; fell back to poll: ";
  } else {
    why = "poll (" + chosen_by + "): ";
  }
  core::Result<detail::PollBackend> p =
      detail::PollBackend::Create(options.poll_syscall || PollSyscallFromEnvironment(), &why);
  if (!p) return p.error();
  rt->poll_.emplace(std::move(*p));
  rt->info_ = {BackendKind::kPoll, why};
  return rt;
}

Runtime::~Runtime() {
  // Another thread may still be inside post() or RequestCancel() for a
  // request we already acted on; wait until it has left.
  { std::lock_guard<std::mutex> lock(remote_mutex_); }
  detail::CurrentRuntime guard(this);
  // Destroy the tasks still suspended: their operations are cancelled and
  // drained (op.h) while the backend still exists.
  while (!live_.empty()) {
    void* frame = *live_.begin();
    live_.erase(live_.begin());
    std::coroutine_handle<>::from_address(frame).destroy();
  }
}

void Runtime::Cancel(detail::OpBase* op) noexcept {
  if (uring_) uring_->Cancel(op, ready_); else poll_->Cancel(op, ready_);
}

void Runtime::Abandon(detail::OpBase* op) noexcept {
  if (uring_) uring_->Abandon(op, ready_); else poll_->Abandon(op, ready_);
}

void Runtime::RequestCancel(detail::OpBase* op) noexcept {
  if (std::this_thread::get_id() == owner_) {
    Cancel(op);
    return;
  }
  // From another thread: the owner acts on it later. The operation stays
  // alive until then, or withdraws the request when it drops its callback
  // (ForgetCancel).
  // Wake under the lock: once the owner sees the request it may finish and
  // destroy this runtime, which first takes the lock (see ~Runtime).
  std::lock_guard<std::mutex> lock(remote_mutex_);
  remote_cancels_.push_back(op);
  remote_pending_.store(true, std::memory_order_release);
  Wake();
}

void Runtime::RequestCancel(detail::StopScope* scope) noexcept {
  if (std::this_thread::get_id() == owner_) {
    // Cancel() never resumes anything and never unlinks: the list stays
    // as it is while we walk it.
    for (detail::ScopeLink* l = scope->ops.scope_next; l != &scope->ops; l = l->scope_next) {
      Cancel(static_cast<detail::OpBase*>(l));
    }
    return;
  }
  std::lock_guard<std::mutex> lock(remote_mutex_);
  remote_scope_cancels_.push_back(scope);
  remote_pending_.store(true, std::memory_order_release);
  Wake();
}

void Runtime::ForgetScope(detail::StopScope* scope) noexcept {
  if (!remote_pending_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(remote_mutex_);
  std::erase(remote_scope_cancels_, scope);
}

bool Runtime::ForgetCancel(detail::OpBase* op) noexcept {
  if (!remote_pending_.load(std::memory_order_acquire)) return false;
  std::lock_guard<std::mutex> lock(remote_mutex_);
  return std::erase(remote_cancels_, op) != 0;
}

void Runtime::post(std::coroutine_handle<> h) {
  if (std::this_thread::get_id() == owner_) {
    Schedule(h);
    return;
  }
  std::lock_guard<std::mutex> lock(remote_mutex_);
  remote_handles_.push_back(h);
  remote_pending_.store(true, std::memory_order_release);
  Wake();
}

void Runtime::DrainRemote() {
  std::vector<std::coroutine_handle<>> handles;
  std::vector<detail::OpBase*> cancels;
  std::vector<detail::StopScope*> scopes;
  {
    std::lock_guard<std::mutex> lock(remote_mutex_);
    handles.swap(remote_handles_);
    cancels.swap(remote_cancels_);
    scopes.swap(remote_scope_cancels_);
    remote_pending_.store(false, std::memory_order_relaxed);
  }
  for (detail::StopScope* scope : scopes) RequestCancel(scope);
  for (std::coroutine_handle<> h : handles) Schedule(h);
  // Each is alive: an operation that finished withdrew its request.
  for (detail::OpBase* op : cancels) Cancel(op);
}

void Runtime::Wake() noexcept {
  // From another io_uring runtime's thread, a MSG_RING lands straight in our
  // CQ; otherwise the eventfd.
  Runtime* sender = t_current;
  if (sender && sender != this && sender->uring_ && uring_ &&
      sender->uring_->WakeRing(uring_->ring().fd())) {
    return;
  }
  if (uring_) uring_->Wake(); else poll_->Wake();
}

void Runtime::ReportFailure(std::exception_ptr e) noexcept {
  failures_.fetch_add(1, std::memory_order_relaxed);
  const char* what = "unknown exception";
  std::string text;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    text = ex.what();
    what = text.c_str();
  } catch (...) {
  }
  std::string line = std::string("zring: a detached task failed: ") + what + "\n";
  (void)core::write(2, line.data(), line.size());
}

}  // namespace zring
