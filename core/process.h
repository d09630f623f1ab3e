// zring/core/process.h — typed wrappers for process, thread, signal, time
// and scheduling syscalls.
//
// What the runtime needs around its rings: ids, signals and pidfds for
// child processes, the signal mask, clocks and sleeping, futexes to park
// and wake its threads, and CPU affinity for thread-per-core. As everywhere
// in core/, results are Results and errno is never touched.
//
//   core::Result<int> pfd = core::pidfd_open(child, 0);
//   ...  // wait for *pfd to become readable, then:
//   core::SigInfo info{};
//   if (core::waitid(wait::p_pidfd, *pfd, &info, wait::exited)) {
//     int code = info.status();
//   }
//
// clock_gettime() here is the real syscall, not the vDSO: it costs a kernel
// entry (~100 ns), so code that reads the clock per operation should cache
// the time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "zring/core/result.h"
#include "zring/core/syscall.h"
#include "zring/core/types.h"

namespace zring::core {

namespace detail {
inline constexpr int kFutexWaitPrivate = 0 | 128;  // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
inline constexpr int kFutexWakePrivate = 1 | 128;  // FUTEX_WAKE | FUTEX_PRIVATE_FLAG

// A futex word: any 4-byte, 4-aligned object, such as uint32_t or
// std::atomic<uint32_t> (which is lock-free and has uint32_t's layout).
template <class Word>
inline constexpr bool kIsFutexWord =
    sizeof(Word) == 4 && alignof(Word) == 4 && std::is_standard_layout_v<Word>;
}  // namespace detail

// ---------------------------------------------------------------------------
// Ids (these cannot fail, so they return the value itself)
// ---------------------------------------------------------------------------

// getpid(): the calling process's id (its thread group id).
inline int getpid() noexcept { return static_cast<int>(syscall0(nr::getpid)); }

// getppid(): the parent's id (0 when the parent is in another pid
// namespace).
inline int getppid() noexcept {
  return static_cast<int>(syscall0(nr::getppid));
}

// gettid(): the calling thread's id; equal to getpid() on the main thread.
inline int gettid() noexcept { return static_cast<int>(syscall0(nr::gettid)); }

// ---------------------------------------------------------------------------
// Signals and pidfds
// ---------------------------------------------------------------------------

// kill(): sends `sig` to a process (pid > 0), a process group (pid < -1 or
// 0) or everything we may signal (-1). Signal 0 only checks that the target
// exists (err::srch if not).
inline Result<void> kill(int pid, int sig) noexcept {
  return VoidFromRaw(syscall2(nr::kill, pid, sig));
}

// tgkill(): sends `sig` to thread `tid` of thread group `tgid` (err::srch
// if that thread is not in that group, which guards against tid reuse).
inline Result<void> tgkill(int tgid, int tid, int sig) noexcept {
  return VoidFromRaw(syscall3(nr::tgkill, tgid, tid, sig));
}

// pidfd_open(): an fd referring to process `pid`, readable once it exits.
// `flags`: 0 or PIDFD_NONBLOCK. The pid must be a thread-group leader
// (else err::inval) and alive or a zombie (else err::srch).
inline Result<int> pidfd_open(int pid, unsigned flags) noexcept {
  return FromRaw<int>(syscall2(nr::pidfd_open, pid, flags));
}

// pidfd_getfd(): a duplicate, in this process, of fd `targetfd` of the
// process `pidfd` refers to; needs ptrace rights over it. `flags` must be
// 0. The new fd has O_CLOEXEC set.
inline Result<int> pidfd_getfd(int pidfd, int targetfd, unsigned flags) noexcept {
  return FromRaw<int>(syscall3(nr::pidfd_getfd, pidfd, targetfd, flags));
}

// pidfd_send_signal(): kill() through a pidfd, immune to pid reuse. `info`
// is null (behave like kill()) or a SigInfo the caller built (the rules of
// rt_sigqueueinfo apply). `flags` must be 0 on kernels before 6.9.
inline Result<void> pidfd_send_signal(int pidfd, int sig,
                                      const SigInfo* info = nullptr,
                                      unsigned flags = 0) noexcept {
  return VoidFromRaw(
      syscall4(nr::pidfd_send_signal, pidfd, sig, arg(info), flags));
}

// rt_sigprocmask(): changes the calling thread's signal mask: `how` is
// SIG_BLOCK (add `set`), SIG_UNBLOCK (remove `set`) or SIG_SETMASK (replace
// with `set`). `set` may be null to only read the mask into `old`; `old`
// may be null. SIGKILL and SIGSTOP are silently left unblocked.
inline Result<void> rt_sigprocmask(int how, const SigSet* set,
                                   SigSet* old) noexcept {
  return VoidFromRaw(syscall4(nr::rt_sigprocmask, how, arg(set), arg(old),
                              arg(kSigSetSize)));
}

// waitid(): waits for a state change of a child chosen by (`idtype`, `id`):
// P_PID, P_PGID, P_ALL or P_PIDFD. `options` must hold at least one of
// WEXITED, WSTOPPED, WCONTINUED, and may add WNOHANG and WNOWAIT. On
// success `*info` says what happened (pid(), status(), code()); with
// WNOHANG and nothing to report, it succeeds with info->pid() == 0. No
// children at all: err::child. The kernel's fifth argument (struct rusage*)
// is passed as null.
inline Result<void> waitid(int idtype, int id, SigInfo* info,
                           int options) noexcept {
  return VoidFromRaw(
      syscall5(nr::waitid, idtype, id, arg(info), options, 0));
}

// ---------------------------------------------------------------------------
// Process control and limits
// ---------------------------------------------------------------------------

// prctl(): process and thread attributes (PR_SET_NAME, PR_GET_NAME,
// PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER, ...). The value is the
// option's result (0 for most setters). Pass pointer arguments through
// core::arg(): prctl(PR_GET_NAME, arg(name_buf)).
inline Result<int> prctl(int option, long a2 = 0, long a3 = 0, long a4 = 0,
                         long a5 = 0) noexcept {
  return FromRaw<int>(syscall5(nr::prctl, option, a2, a3, a4, a5));
}

// prlimit64(): reads (into `old`, if not null) and sets (from `limit`, if
// not null) resource limit `resource` (RLIMIT_*) of process `pid` (0: this
// one). It is the one limit call every architecture has (loongarch64 has no
// getrlimit / setrlimit).
inline Result<void> prlimit64(int pid, int resource, const Rlimit* limit,
                              Rlimit* old) noexcept {
  return VoidFromRaw(
      syscall4(nr::prlimit64, pid, resource, arg(limit), arg(old)));
}

// getrlimit(): this process's limit `resource`, via prlimit64().
inline Result<Rlimit> getrlimit(int resource) noexcept {
  Rlimit cur{};
  long raw = syscall4(nr::prlimit64, 0, resource, 0, arg(&cur));
  if (raw < 0) return Errno::FromRaw(raw);
  return cur;
}

// uname(): the kernel's name, release, version and machine.
inline Result<void> uname(Utsname* out) noexcept {
  return VoidFromRaw(syscall1(nr::uname, arg(out)));
}

// exit_group(): ends every thread of the process with `status` & 0xff. No
// destructors, no atexit handlers, no stdio flush. Does not return; if a
// seccomp filter made it fail, the process traps rather than continue.
[[noreturn]] inline void exit_group(int status) noexcept {
  (void)syscall1(nr::exit_group, status);
  __builtin_trap();
}

// ---------------------------------------------------------------------------
// Scheduling
// ---------------------------------------------------------------------------

// sched_yield(): lets another runnable thread run on this CPU. It cannot
// fail, so it returns nothing.
inline void sched_yield() noexcept { (void)syscall0(nr::sched_yield); }

// sched_setaffinity(): restricts thread `tid` (0: the caller) to the CPUs
// whose bits are set in `mask` (CPU n is bit n % 64 of mask[n / 64]),
// `words` 64-bit words long. A mask with no online CPU is err::inval.
inline Result<void> sched_setaffinity(int tid, const uint64_t* mask,
                                      size_t words) noexcept {
  return VoidFromRaw(syscall3(nr::sched_setaffinity, tid,
                              arg(words * sizeof(uint64_t)), arg(mask)));
}

// sched_getaffinity(): thread `tid`'s CPU mask into `mask` (`words` 64-bit
// words, which must cover the kernel's nr_cpu_ids, else err::inval).
// Returns the number of words the kernel wrote; the rest is untouched.
inline Result<size_t> sched_getaffinity(int tid, uint64_t* mask,
                                        size_t words) noexcept {
  long raw = syscall3(nr::sched_getaffinity, tid,
                      arg(words * sizeof(uint64_t)), arg(mask));
  if (raw < 0) return Errno::FromRaw(raw);
  return static_cast<size_t>(raw) / sizeof(uint64_t);
}

// getrandom(): up to `len` random bytes from the kernel's CSPRNG.
// `flags`: GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE. Requests of at most
// 256 bytes are never short once the pool is initialised.
inline Result<size_t> getrandom(void* buf, size_t len, unsigned flags) noexcept {
  return FromRaw<size_t>(syscall3(nr::getrandom, arg(buf), arg(len), flags));
}

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

// clock_gettime(): the current time of `clockid` (CLOCK_MONOTONIC,
// CLOCK_REALTIME, CLOCK_BOOTTIME, ...). A syscall, not the vDSO: see the
// note at the top of this file.
inline Result<Timespec> clock_gettime(int clockid) noexcept {
  Timespec now{};
  long raw = syscall2(nr::clock_gettime, clockid, arg(&now));
  if (raw < 0) return Errno::FromRaw(raw);
  return now;
}

// clock_nanosleep(): sleeps on `clockid` for `req` (or, with
// TIMER_ABSTIME in `flags`, until `req`). Interrupted by a signal handler:
// err::intr, with the time left in `*rem` if not null (relative sleeps
// only).
inline Result<void> clock_nanosleep(int clockid, int flags, const Timespec& req,
                                    Timespec* rem = nullptr) noexcept {
  return VoidFromRaw(
      syscall4(nr::clock_nanosleep, clockid, flags, arg(&req), arg(rem)));
}

// nanosleep(): a relative sleep on CLOCK_MONOTONIC; like clock_nanosleep().
// An nsec outside [0, 999'999'999] or a negative sec is err::inval.
inline Result<void> nanosleep(const Timespec& req,
                              Timespec* rem = nullptr) noexcept {
  return VoidFromRaw(syscall2(nr::nanosleep, arg(&req), arg(rem)));
}

// ---------------------------------------------------------------------------
// Futexes: the runtime's cross-thread parking
// ---------------------------------------------------------------------------

// futex_wait(): sleeps while `*word` == `expected`, until futex_wake() on
// the same word, a signal (err::intr) or the relative `timeout` (null:
// none; err::timedout). If `*word` already differs, returns err::again at
// once: the check and the sleep are atomic with respect to futex_wake(), so
// "check, then wait" loses no wake-up. Spurious wake-ups happen; re-check
// the word after any return.
//
// Process-private (FUTEX_PRIVATE_FLAG): the word must not be in memory
// shared with another process.
template <class Word>
inline Result<void> futex_wait(const Word* word, uint32_t expected,
                               const Timespec* timeout = nullptr) noexcept {
  static_assert(detail::kIsFutexWord<Word>,
                "futex_wait(): the word must be a 4-byte, 4-aligned object "
                "such as uint32_t or std::atomic<uint32_t>");
  return VoidFromRaw(syscall4(nr::futex, arg(word), detail::kFutexWaitPrivate,
                              expected, arg(timeout)));
}

// futex_wake(): wakes at most `count` threads sleeping in futex_wait() on
// `word` (INT32_MAX: all) and returns how many it woke.
template <class Word>
inline Result<int> futex_wake(const Word* word, int count) noexcept {
  static_assert(detail::kIsFutexWord<Word>,
                "futex_wake(): the word must be a 4-byte, 4-aligned object "
                "such as uint32_t or std::atomic<uint32_t>");
  return FromRaw<int>(
      syscall3(nr::futex, arg(word), detail::kFutexWakePrivate, count));
}

}  // namespace zring::core
