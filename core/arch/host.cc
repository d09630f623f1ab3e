// zring/core/arch/host.cc — host_syscall(): Linux's syscall contract made
// of the host's libc functions (arch/host.h says why). This file has the
// dispatch and the file, time, memory and process calls; the socket calls
// are in host_sockets.cc, the conversion tables in host_common.cc.
//
// Each call takes Linux's values and layouts (core/constants.h,
// core/types.h, core/socket_types.h) and converts them field by field and
// bit by bit into the host's, so the conversions run on Linux too, where
// they are the identity and the tests check that they are. Values a host
// has no equivalent for fail with EINVAL (flags) or ENOPROTOOPT (socket
// options) there; on Linux they pass through unchanged.
#include "zring/core/syscall.h"

#if defined(ZRING_CORE_HOST_SYSCALLS)

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if __has_include(<sys/random.h>)
#include <sys/random.h>  // getentropy() on macOS
#endif
#include <sys/resource.h>
#include <sys/stat.h>
#if __has_include(<sys/sysmacros.h>)
#include <sys/sysmacros.h>  // major(), minor() on Linux; <sys/types.h> has them elsewhere
#endif
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "zring/core/arch/host_internal.h"
#include "zring/core/constants.h"
#include "zring/core/error.h"
#include "zring/core/types.h"

namespace zring::core::arch {
namespace host {
namespace {

int HostOpenFlags(long flags, bool* unknown) noexcept {
  return static_cast<int>(flags & o::accmode) |
         ToHostBits(flags & ~long{o::accmode}, kOpenFlags, kOpenFlagCount, unknown);
}

int HostDirFd(long dirfd) noexcept {
  return dirfd == at::fdcwd ? AT_FDCWD : static_cast<int>(dirfd);
}

// --- files --------------------------------------------------------------------

long OpenAt(long dirfd, const char* path, long flags, long mode) noexcept {
  bool unknown = false;
  const int host_flags = HostOpenFlags(flags, &unknown);
  if (unknown) return Fail(err::inval.value());
  return Ret(openat(HostDirFd(dirfd), path, host_flags, static_cast<mode_t>(mode)));
}

long Fcntl(long fd, long cmd, long argument) noexcept {
  const int f = static_cast<int>(fd);
  switch (cmd) {
    case f::getfd: return Ret(fcntl(f, F_GETFD));  // FD_CLOEXEC is 1 everywhere
    case f::setfd: return Ret(fcntl(f, F_SETFD, static_cast<int>(argument)));
    case f::getfl: {
      long r = Ret(fcntl(f, F_GETFL));
      if (r < 0) return r;
      return (r & O_ACCMODE) | ToLinuxBits(static_cast<int>(r), kOpenFlags, kOpenFlagCount);
    }
    case f::setfl: {
      bool unknown = false;
      int host = HostOpenFlags(argument, &unknown);
      if (unknown) return Fail(err::inval.value());
      if constexpr (!kLinux) {
        // Keep the host's own bits that Linux has no name for (O_ASYNC, a
        // BSD's O_DIRECT): GETFL did not report them, so SETFL must not
        // clear them.
        const int current = fcntl(f, F_GETFL);
        if (current == -1) return Fail(LinuxErrno(errno));
        int known = O_ACCMODE;
        for (size_t i = 0; i < kOpenFlagCount; ++i) known |= kOpenFlags[i].host;
        host |= current & ~known;
      }
      return Ret(fcntl(f, F_SETFL, host));
    }
    case f::dupfd: return Ret(fcntl(f, F_DUPFD, static_cast<int>(argument)));
    case f::dupfd_cloexec: return Ret(fcntl(f, F_DUPFD_CLOEXEC, static_cast<int>(argument)));
    default:
      if constexpr (kLinux) return Ret(fcntl(f, static_cast<int>(cmd), argument));
      return Fail(err::inval.value());
  }
}

// statx(), from fstatat(): the basic stats, which is what a host has.
long StatxFromStat(long dirfd, const char* path, long flags, Statx* out) noexcept {
  if ((flags & ~long{at::empty_path | at::symlink_nofollow | at::no_automount |
                     at::statx_sync_type}) != 0) {
    return Fail(err::inval.value());
  }
  struct stat st;
  long r;
  if ((flags & at::empty_path) != 0 && path != nullptr && path[0] == '\0') {
    // The fd itself; AT_FDCWD's is the working directory.
    r = dirfd == at::fdcwd ? Ret(stat(".", &st)) : Ret(fstat(HostDirFd(dirfd), &st));
  } else {
    r = Ret(fstatat(HostDirFd(dirfd), path,
                    &st, (flags & at::symlink_nofollow) != 0 ? AT_SYMLINK_NOFOLLOW : 0));
  }
  if (r < 0) return r;
  Statx x{};
  x.mask = statx_mask::basic_stats;
  x.blksize = static_cast<std::uint32_t>(st.st_blksize);
  x.nlink = static_cast<std::uint32_t>(st.st_nlink);
  x.uid = st.st_uid;
  x.gid = st.st_gid;
  x.mode = static_cast<std::uint16_t>(st.st_mode);  // S_IF* and permissions: POSIX values
  x.ino = static_cast<std::uint64_t>(st.st_ino);
  x.size = static_cast<std::uint64_t>(st.st_size);
  x.blocks = static_cast<std::uint64_t>(st.st_blocks);
  x.dev_major = static_cast<std::uint32_t>(major(st.st_dev));
  x.dev_minor = static_cast<std::uint32_t>(minor(st.st_dev));
  x.rdev_major = static_cast<std::uint32_t>(major(st.st_rdev));
  x.rdev_minor = static_cast<std::uint32_t>(minor(st.st_rdev));
#if defined(__APPLE__)
  x.atime = {st.st_atimespec.tv_sec, static_cast<std::uint32_t>(st.st_atimespec.tv_nsec), 0};
  x.mtime = {st.st_mtimespec.tv_sec, static_cast<std::uint32_t>(st.st_mtimespec.tv_nsec), 0};
  x.ctime = {st.st_ctimespec.tv_sec, static_cast<std::uint32_t>(st.st_ctimespec.tv_nsec), 0};
#else
  x.atime = {st.st_atim.tv_sec, static_cast<std::uint32_t>(st.st_atim.tv_nsec), 0};
  x.mtime = {st.st_mtim.tv_sec, static_cast<std::uint32_t>(st.st_mtim.tv_nsec), 0};
  x.ctime = {st.st_ctim.tv_sec, static_cast<std::uint32_t>(st.st_ctim.tv_nsec), 0};
#endif
  *out = x;
  return 0;
}

long Poll(PollEntry* fds, long n, int timeout_ms) noexcept {
  static_assert(sizeof(PollEntry) == sizeof(pollfd), "PollEntry must match the host's pollfd");
  // Where the host's bits are Linux's (Linux itself), the array goes to
  // poll() untouched, so a bad one is the kernel's EFAULT or EINVAL.
  static const bool same_bits = [] {
    for (size_t i = 0; i < kPollEventCount; ++i) {
      if (kPollEvents[i].host != kPollEvents[i].linux_value) return false;
    }
    return true;
  }();
  auto* host_fds = reinterpret_cast<pollfd*>(fds);
  if (same_bits) return Ret(poll(host_fds, static_cast<nfds_t>(n), timeout_ms));
  // More entries than fds could exist is EINVAL, not a walk off the end
  // of the caller's array (checked only when large: it costs a call).
  rlimit files;
  if (n > 1024 && getrlimit(RLIMIT_NOFILE, &files) == 0 &&
      static_cast<rlim_t>(n) > files.rlim_cur) {
    return Fail(err::inval.value());
  }
  bool unknown = false;
  for (long i = 0; i < n; ++i) {
    fds[i].events = static_cast<short>(
        ToHostBits(static_cast<std::uint16_t>(fds[i].events), kPollEvents, kPollEventCount,
                   &unknown));
  }
  long r = unknown ? Fail(err::inval.value())
                   : Ret(poll(host_fds, static_cast<nfds_t>(n), timeout_ms));
  // Back to Linux's values, events too: the caller's array is theirs.
  for (long i = 0; i < n; ++i) {
    fds[i].events = static_cast<short>(
        ToLinuxBits(static_cast<std::uint16_t>(fds[i].events), kPollEvents, kPollEventCount));
    fds[i].revents = static_cast<short>(
        ToLinuxBits(static_cast<std::uint16_t>(fds[i].revents), kPollEvents, kPollEventCount));
  }
  return r;
}

long PPoll(PollEntry* fds, long n, const Timespec* ts, const void* sigmask) noexcept {
  if (sigmask != nullptr) {
    // Only Linux's ppoll takes Linux's sigset; a host's sigset differs.
    if constexpr (!kLinux) return Fail(err::nosys.value());
  }
  int ms = -1;
  if (ts != nullptr) {
    if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= 1'000'000'000) return Fail(err::inval.value());
    // Rounded up: poll(2) must not wake before the time asked for.
    int64_t total = ts->sec * 1000 + (ts->nsec + 999'999) / 1'000'000;
    ms = total > 0x7fffffff ? 0x7fffffff : static_cast<int>(total);
  }
  if (sigmask == nullptr) return Poll(fds, n, ms);
#if defined(__linux__)
  return Ret(syscall(SYS_ppoll, fds, n, ts, sigmask, 8));
#else
  return Fail(err::nosys.value());
#endif
}

clockid_t HostClock(long clock, bool* unknown) noexcept {
  switch (clock) {
    case clock::realtime: return CLOCK_REALTIME;
    case clock::monotonic: return CLOCK_MONOTONIC;
    case clock::process_cputime_id: return CLOCK_PROCESS_CPUTIME_ID;
    case clock::thread_cputime_id: return CLOCK_THREAD_CPUTIME_ID;
#ifdef CLOCK_BOOTTIME
    case clock::boottime: return CLOCK_BOOTTIME;
#endif
#ifdef CLOCK_MONOTONIC_RAW
    case clock::monotonic_raw: return CLOCK_MONOTONIC_RAW;
#endif
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<clockid_t>(clock);
  }
}

long ClockNanosleep(long clock, long flags, const Timespec* req, Timespec* rem) noexcept {
  bool unknown = false;
  clockid_t c = HostClock(clock, &unknown);
  if (unknown || (flags & ~long{1}) != 0) return Fail(err::inval.value());
  timespec want{static_cast<time_t>(req->sec), req->nsec};
  if (flags != 0) {  // TIMER_ABSTIME: sleep the difference
    timespec now;
    if (clock_gettime(c, &now) != 0) return Fail(LinuxErrno(errno));
    int64_t left = (want.tv_sec - now.tv_sec) * 1'000'000'000LL + (want.tv_nsec - now.tv_nsec);
    if (left <= 0) return 0;
    want = {static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    rem = nullptr;  // an absolute sleep reports no remainder
  }
  timespec left{};
  if (nanosleep(&want, &left) != 0) {
    if (rem != nullptr) *rem = {left.tv_sec, left.tv_nsec};
    return Fail(LinuxErrno(errno));
  }
  return 0;
}

int HostSignal(long sig, bool* unknown) noexcept {
  switch (sig) {
    case 0: return 0;
    case sig::hup: return SIGHUP;
    case sig::intr: return SIGINT;
    case sig::quit: return SIGQUIT;
    case sig::abrt: return SIGABRT;
    case sig::kill: return SIGKILL;
    case sig::usr1: return SIGUSR1;
    case sig::usr2: return SIGUSR2;
    case sig::pipe: return SIGPIPE;
    case sig::alrm: return SIGALRM;
    case sig::term: return SIGTERM;
    case sig::chld: return SIGCHLD;
    case sig::cont: return SIGCONT;
    case sig::stop: return SIGSTOP;
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<int>(sig);
  }
}

int HostRlimit(long resource, bool* unknown) noexcept {
  switch (resource) {
    case 7: return RLIMIT_NOFILE;  // Linux's numbers (asm-generic/resource.h)
    case 4: return RLIMIT_CORE;
    case 3: return RLIMIT_STACK;
    case 9: return RLIMIT_AS;
    default:
      if constexpr (!kLinux) *unknown = true;
      return static_cast<int>(resource);
  }
}

long PrLimit(long /*pid: 0*/, long resource, const Rlimit* new_limit, Rlimit* old_limit) noexcept {
  bool unknown = false;
  int r = HostRlimit(resource, &unknown);
  if (unknown) return Fail(err::inval.value());
  static_assert(sizeof(rlim_t) == sizeof(std::uint64_t), "rlim_t must be 64-bit");
  if (old_limit != nullptr) {
    rlimit h;
    if (getrlimit(r, &h) != 0) return Fail(LinuxErrno(errno));
    old_limit->cur = h.rlim_cur == RLIM_INFINITY ? Rlimit::kRlimInfinity
                                                 : static_cast<std::uint64_t>(h.rlim_cur);
    old_limit->max = h.rlim_max == RLIM_INFINITY ? Rlimit::kRlimInfinity
                                                 : static_cast<std::uint64_t>(h.rlim_max);
  }
  if (new_limit != nullptr) {
    // rlim_t is signed on FreeBSD: assigned, not brace-initialised.
    rlimit h;
    h.rlim_cur = new_limit->cur == Rlimit::kRlimInfinity ? RLIM_INFINITY
                                                          : static_cast<rlim_t>(new_limit->cur);
    h.rlim_max = new_limit->max == Rlimit::kRlimInfinity ? RLIM_INFINITY
                                                          : static_cast<rlim_t>(new_limit->max);
    if (setrlimit(r, &h) != 0) return Fail(LinuxErrno(errno));
  }
  return 0;
}

long Mmap(void* addr, size_t len, long prot, long flags, long fd, long offset) noexcept {
  static const BitPair kMapFlags[] = {
      {map::shared, MAP_SHARED}, {map::private_, MAP_PRIVATE}, {map::fixed, MAP_FIXED},
      {map::anonymous, MAP_ANON},
#ifdef MAP_POPULATE
      {map::populate, MAP_POPULATE},
#else
      {map::populate, 0},  // a hint: pages come on first touch instead
#endif
#ifdef MAP_NORESERVE
      {map::noreserve, MAP_NORESERVE},
#else
      {map::noreserve, 0},  // a hint about overcommit
#endif
  };
  bool unknown = false;
  int host_flags = ToHostBits(flags, kMapFlags, sizeof kMapFlags / sizeof kMapFlags[0], &unknown);
  if (unknown || (prot & ~long{prot::read | prot::write | prot::exec}) != 0) {
    return Fail(err::inval.value());
  }
  int host_prot = ((prot & prot::read) ? PROT_READ : 0) | ((prot & prot::write) ? PROT_WRITE : 0) |
                  ((prot & prot::exec) ? PROT_EXEC : 0);
  void* p =
      mmap(addr, len, host_prot, host_flags, static_cast<int>(fd), static_cast<off_t>(offset));
  if (p == MAP_FAILED) return Fail(LinuxErrno(errno));
  return reinterpret_cast<long>(p);
}

long GetRandom(void* buf, size_t len) noexcept {
  // getentropy(): at most 256 bytes a call, never short, never blocks once
  // the system is seeded.
  auto* p = static_cast<unsigned char*>(buf);
  size_t done = 0;
  while (done < len) {
    size_t n = len - done < 256 ? len - done : 256;
    if (getentropy(p + done, n) != 0) {
      return done > 0 ? static_cast<long>(done) : Fail(LinuxErrno(errno));
    }
    done += n;
  }
  return static_cast<long>(done);
}

// A call only Linux has: to the kernel on Linux, ENOSYS elsewhere.
long LinuxOnly(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
#if defined(__linux__)
  if (LinuxOnlyCallsWork()) return Ret(syscall(nr, a1, a2, a3, a4, a5, a6));
#else
  (void)nr, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
#endif
  return Fail(err::nosys.value());
}

// Calls whose Linux form a host spells otherwise: the kernel's own where
// it is there (every check and corner of it), built from the host's calls
// where not (the cases below).
bool Emulated(long nr) noexcept {
  switch (nr) {
    case nr::statx:
    case nr::prlimit64:
    case nr::getrlimit:
    case nr::setrlimit:
    case nr::getrandom:
    case nr::clock_nanosleep:
    case nr::nanosleep:
    case nr::sendmmsg:
    case nr::recvmmsg:
      return true;
    default:
      return false;
  }
}

long Dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
  if (Emulated(nr) && LinuxOnlyCallsWork()) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
  switch (nr) {
    // Plain I/O: the same arguments everywhere (struct iovec included).
    case nr::read: return Ret(read(Int(a1), Ptr<void>(a2), Size(a3)));
    case nr::write: return Ret(write(Int(a1), Ptr<const void>(a2), Size(a3)));
    case nr::close: return Ret(close(Int(a1)));
    case nr::readv: return Ret(readv(Int(a1), Ptr<const iovec>(a2), Int(a3)));
    case nr::writev: return Ret(writev(Int(a1), Ptr<const iovec>(a2), Int(a3)));
    case nr::pread64: return Ret(pread(Int(a1), Ptr<void>(a2), Size(a3), a4));
    case nr::pwrite64: return Ret(pwrite(Int(a1), Ptr<const void>(a2), Size(a3), a4));
    case nr::preadv: return Ret(preadv(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    case nr::pwritev: return Ret(pwritev(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    // The "2" forms without flags; offset -1 is the file's own position.
    case nr::preadv2:
      if (a6 != 0) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
      if (a4 == -1) return Ret(readv(Int(a1), Ptr<const iovec>(a2), Int(a3)));
      return Ret(preadv(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    case nr::pwritev2:
      if (a6 != 0) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
      if (a4 == -1) return Ret(writev(Int(a1), Ptr<const iovec>(a2), Int(a3)));
      return Ret(pwritev(Int(a1), Ptr<const iovec>(a2), Int(a3), a4));
    case nr::lseek: {
      // SEEK_SET/CUR/END are 0/1/2 everywhere; SEEK_DATA/HOLE are not.
      int whence = a3 <= 2 ? Int(a3) : -1;
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
      if (a3 == 3) whence = SEEK_DATA;
      if (a3 == 4) whence = SEEK_HOLE;
#endif
      if (whence < 0) return Fail(err::inval.value());
      return Ret(lseek(Int(a1), a2, whence));
    }
    case nr::fsync: return Ret(fsync(Int(a1)));
    case nr::fdatasync:
#if defined(__APPLE__)
      return Ret(fsync(Int(a1)));  // no fdatasync in macOS's libc
#else
      return Ret(fdatasync(Int(a1)));
#endif
    case nr::ftruncate: return Ret(ftruncate(Int(a1), a2));
    case nr::openat: return OpenAt(a1, Ptr<const char>(a2), a3, a4);
#if defined(__x86_64__)
    case nr::open: return OpenAt(at::fdcwd, Ptr<const char>(a1), a2, a3);
    case nr::pipe: return Ret(pipe(Ptr<int>(a1)));
    case nr::dup2: return Ret(dup2(Int(a1), Int(a2)));
    case nr::poll: return Poll(Ptr<PollEntry>(a1), a2, Int(a3));
#endif
    case nr::fcntl: return Fcntl(a1, a2, a3);
    case nr::dup: return Ret(dup(Int(a1)));
    case nr::dup3: {
      if ((a3 & ~long{o::cloexec}) != 0 || a1 == a2) return Fail(err::inval.value());
      long r = Ret(dup2(Int(a1), Int(a2)));
      if (r >= 0 && (a3 & o::cloexec) != 0) return SetFdFlags(r, false, true);
      return r;
    }
    case nr::pipe2: {
      if ((a2 & ~long{o::nonblock | o::cloexec}) != 0) return Fail(err::inval.value());
      int* fds = Ptr<int>(a1);
      long r = Ret(pipe(fds));
      if (r < 0) return r;
      for (int i = 0; i < 2; ++i) {
        if (long f = SetFdFlags(fds[i], (a2 & o::nonblock) != 0, (a2 & o::cloexec) != 0); f < 0) {
          close(fds[1 - i]);
          return f;
        }
      }
      return 0;
    }
    case nr::statx:
      return StatxFromStat(a1, Ptr<const char>(a2), a3, Ptr<Statx>(a5));
    case nr::mkdirat:
      return Ret(mkdirat(HostDirFd(a1), Ptr<const char>(a2), static_cast<mode_t>(a3)));
    case nr::unlinkat:
      if ((a3 & ~long{at::removedir}) != 0) return Fail(err::inval.value());
      return Ret(unlinkat(HostDirFd(a1), Ptr<const char>(a2), a3 != 0 ? AT_REMOVEDIR : 0));
    case nr::renameat2:
      if (a5 == 0) {
        return Ret(renameat(HostDirFd(a1), Ptr<const char>(a2), HostDirFd(a3),
                            Ptr<const char>(a4)));
      }
      return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);

    // Sockets: Linux's flags and address layouts, converted (host_sockets.cc).
    case nr::socket:
    case nr::socketpair:
    case nr::bind:
    case nr::connect:
    case nr::listen:
    case nr::accept:
    case nr::accept4:
    case nr::shutdown:
    case nr::getsockname:
    case nr::getpeername:
    case nr::setsockopt:
    case nr::getsockopt:
    case nr::sendto:
    case nr::recvfrom:
    case nr::sendmsg:
    case nr::recvmsg:
    case nr::sendmmsg:
    case nr::recvmmsg:
      return SocketCall(nr, a1, a2, a3, a4, a5, a6);

    // Waiting and time.
    case nr::ppoll:
      return PPoll(Ptr<PollEntry>(a1), a2, Ptr<const Timespec>(a3), Ptr<const void>(a4));
    case nr::clock_gettime: {
      bool unknown = false;
      clockid_t c = HostClock(a1, &unknown);
      if (unknown) return Fail(err::inval.value());
      timespec t;
      long r = Ret(clock_gettime(c, &t));
      if (r == 0) *Ptr<Timespec>(a2) = {t.tv_sec, t.tv_nsec};
      return r;
    }
    case nr::nanosleep:
      return ClockNanosleep(clock::monotonic, 0, Ptr<const Timespec>(a1), Ptr<Timespec>(a2));
    case nr::clock_nanosleep:
      return ClockNanosleep(a1, a2, Ptr<const Timespec>(a3), Ptr<Timespec>(a4));
    case nr::sched_yield: return Ret(sched_yield());

    // Memory.
    case nr::mmap: return Mmap(Ptr<void>(a1), Size(a2), a3, a4, a5, a6);
    case nr::munmap: return Ret(munmap(Ptr<void>(a1), Size(a2)));
    case nr::madvise:
      if (a3 == madv::dontneed || a3 == madv::willneed || a3 == madv::normal ||
          a3 == madv::random || a3 == madv::sequential) {
        return Ret(madvise(Ptr<void>(a1), Size(a2), Int(a3)));  // 0..4: the same everywhere
      }
      return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);

    // Processes.
    case nr::getpid: return getpid();
    case nr::getppid: return getppid();
    case nr::kill: {
      bool unknown = false;
      int s = HostSignal(a2, &unknown);
      if (unknown) return Fail(err::inval.value());
      return Ret(kill(static_cast<pid_t>(a1), s));
    }
    case nr::prlimit64:
      // Another process's limits: only Linux can set them.
      if (a1 != 0) return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
      return PrLimit(a1, a2, Ptr<const Rlimit>(a3), Ptr<Rlimit>(a4));
    case nr::getrlimit: return PrLimit(0, a1, nullptr, Ptr<Rlimit>(a2));
    case nr::setrlimit: return PrLimit(0, a1, Ptr<const Rlimit>(a2), nullptr);
    case nr::getrandom: return GetRandom(Ptr<void>(a1), Size(a2));
    case nr::exit:
    case nr::exit_group: _exit(Int(a1));

    // Everything else is Linux's own: io_uring, epoll, eventfd, timerfd,
    // signalfd, pidfd, memfd, splice/tee/vmsplice, futex, affinity, ...
    default: return LinuxOnly(nr, a1, a2, a3, a4, a5, a6);
  }
}

}  // namespace
}  // namespace host

long host_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
  // Linux's contract: errno is never touched.
  const int saved = errno;
  long r = host::Dispatch(nr, a1, a2, a3, a4, a5, a6);
  errno = saved;
  return r;
}

}  // namespace zring::core::arch

#endif  // ZRING_CORE_HOST_SYSCALLS
