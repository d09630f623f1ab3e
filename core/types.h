// zring/core/types.h — the kernel's structs, laid out as the kernel lays
// them out, under C++ names.
//
// The typed wrappers in io.h, memory.h, event.h, process.h and the socket
// headers pass these to the kernel by pointer, so their size and every
// field offset is the ABI, not a choice. Each struct carries a
// static_assert on its size, and tests/core/types_test.cc compares sizes
// and offsets with the libc and kernel headers (which core/ itself may not
// include).
//
//   core::IoVec parts[2] = {{hdr, hdr_len}, {body, body_len}};
//   core::Result<size_t> n = core::writev(fd, parts, 2);
//
//   core::SigSet set;
//   set.add(SIGCHLD);                     // any signal number, 1..64
//   core::Result<int> sfd = core::signalfd4(-1, set, 0);
//
// Only 64-bit Linux is described (x86_64, aarch64, riscv64, loongarch64):
// `long` and pointers are 8 bytes. The one layout that differs between
// those architectures is EpollEvent, packed on x86_64 only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zring::core {

static_assert(sizeof(long) == 8 && sizeof(void*) == 8,
              "zring/core/types.h describes the 64-bit Linux ABI only");

// IoVec
//
// struct iovec: one buffer of a scatter/gather list (readv, writev,
// preadv2, vmsplice, sendmsg).
struct IoVec {
  void* base;
  size_t len;
};
static_assert(sizeof(IoVec) == 16, "IoVec must match struct iovec");

// Timespec
//
// struct __kernel_timespec, which on 64-bit Linux is also libc's struct
// timespec: seconds and nanoseconds, nsec in [0, 999'999'999] when passed
// to the kernel.
struct Timespec {
  int64_t sec;
  long nsec;

  static constexpr int64_t kNanosPerSecond = 1'000'000'000;

  // FromNanos(): a non-negative nanosecond count as a Timespec.
  static constexpr Timespec FromNanos(int64_t ns) noexcept {
    return Timespec{ns / kNanosPerSecond, static_cast<long>(ns % kNanosPerSecond)};
  }
  // ToNanos(): the whole value in nanoseconds (overflows past ~292 years).
  constexpr int64_t ToNanos() const noexcept {
    return sec * kNanosPerSecond + nsec;
  }
  friend constexpr bool operator==(const Timespec&, const Timespec&) = default;
};
static_assert(sizeof(Timespec) == 16, "Timespec must match __kernel_timespec");

// ItimerSpec
//
// struct itimerspec (timerfd_settime, timerfd_gettime): `value` is the time
// to the first expiry (zero disarms), `interval` the period after it (zero
// means one-shot).
struct ItimerSpec {
  Timespec interval;
  Timespec value;
};
static_assert(sizeof(ItimerSpec) == 32, "ItimerSpec must match struct itimerspec");

// SigSet
//
// The kernel's sigset_t: one bit per signal, signal n at bit n-1, 64
// signals. This is what rt_sigprocmask, signalfd4, epoll_pwait, ppoll and
// io_uring_enter take, always with the size kSigSetSize. (glibc's sigset_t
// is 128 bytes; only its first 8 reach the kernel.)
struct SigSet {
  uint64_t bits = 0;

  static constexpr int kMaxSignal = 64;

  // Full(): every signal (the kernel ignores SIGKILL and SIGSTOP in masks).
  static constexpr SigSet Full() noexcept { return SigSet{~uint64_t{0}}; }

  // add(), del(): set or clear signal `sig`; a number outside 1..64 is
  // ignored. They return *this so calls chain: SigSet{}.add(a).add(b).
  constexpr SigSet& add(int sig) noexcept {
    if (Valid(sig)) bits |= Bit(sig);
    return *this;
  }
  constexpr SigSet& del(int sig) noexcept {
    if (Valid(sig)) bits &= ~Bit(sig);
    return *this;
  }
  // has(): whether `sig` is in the set; false outside 1..64.
  constexpr bool has(int sig) const noexcept {
    return Valid(sig) && (bits & Bit(sig)) != 0;
  }
  constexpr bool empty() const noexcept { return bits == 0; }
  friend constexpr bool operator==(const SigSet&, const SigSet&) = default;

 private:
  static constexpr bool Valid(int sig) noexcept {
    return sig >= 1 && sig <= kMaxSignal;
  }
  static constexpr uint64_t Bit(int sig) noexcept {
    return uint64_t{1} << (sig - 1);
  }
};
inline constexpr size_t kSigSetSize = 8;
static_assert(sizeof(SigSet) == kSigSetSize, "SigSet must be the kernel's 8-byte sigset");

// SignalfdSiginfo
//
// struct signalfd_siginfo: one record read from a signalfd (always 128
// bytes; a read returns a whole number of them).
struct SignalfdSiginfo {
  uint32_t signo;
  int32_t errnum;  // ssi_errno (`errno` is a libc macro)
  int32_t code;
  uint32_t pid;
  uint32_t uid;
  int32_t fd;
  uint32_t tid;
  uint32_t band;
  uint32_t overrun;
  uint32_t trapno;
  int32_t status;
  int32_t int_value;  // ssi_int (sigqueue's value)
  uint64_t ptr;
  uint64_t utime;
  uint64_t stime;
  uint64_t addr;
  uint16_t addr_lsb;
  uint16_t pad2_;
  int32_t syscall;
  uint64_t call_addr;
  uint32_t arch;
  uint8_t pad_[28];
};
static_assert(sizeof(SignalfdSiginfo) == 128,
              "SignalfdSiginfo must match struct signalfd_siginfo");

// StatxTimestamp
//
// struct statx_timestamp: seconds since the epoch and nanoseconds.
struct StatxTimestamp {
  int64_t sec;
  uint32_t nsec;
  int32_t reserved_;
};
static_assert(sizeof(StatxTimestamp) == 16,
              "StatxTimestamp must match struct statx_timestamp");

// Statx
//
// struct statx as of Linux 6.16. `mask` says which fields the kernel
// filled; ask for what you need with statx's mask argument (STATX_BASIC_STATS
// covers everything up to `blocks`, the classic struct stat). Fields a
// kernel does not know stay as the caller left them, so zero the struct or
// check `mask`.
struct Statx {
  uint32_t mask;
  uint32_t blksize;
  uint64_t attributes;
  uint32_t nlink;
  uint32_t uid;
  uint32_t gid;
  uint16_t mode;
  uint16_t spare0_;
  uint64_t ino;
  uint64_t size;
  uint64_t blocks;  // 512-byte units
  uint64_t attributes_mask;
  StatxTimestamp atime;
  StatxTimestamp btime;
  StatxTimestamp ctime;
  StatxTimestamp mtime;
  uint32_t rdev_major;
  uint32_t rdev_minor;
  uint32_t dev_major;
  uint32_t dev_minor;
  uint64_t mnt_id;                   // STATX_MNT_ID (5.8)
  uint32_t dio_mem_align;            // STATX_DIOALIGN (6.1)
  uint32_t dio_offset_align;
  uint64_t subvol;                   // STATX_SUBVOL (6.10)
  uint32_t atomic_write_unit_min;    // STATX_WRITE_ATOMIC (6.11)
  uint32_t atomic_write_unit_max;
  uint32_t atomic_write_segments_max;
  uint32_t dio_read_offset_align;    // STATX_DIO_READ_ALIGN (6.14)
  uint32_t atomic_write_unit_max_opt;  // (6.16)
  uint32_t spare2_;
  uint64_t spare3_[8];
};
static_assert(sizeof(Statx) == 256, "Statx must match struct statx");
static_assert(offsetof(Statx, atime) == 0x40 && offsetof(Statx, mnt_id) == 0x90 &&
                  offsetof(Statx, dio_mem_align) == 0x98 &&
                  offsetof(Statx, subvol) == 0xa0,
              "Statx field offsets must match struct statx");

// OpenHow
//
// struct open_how (openat2): O_* flags, the mode for O_CREAT/O_TMPFILE
// (must be 0 otherwise), and RESOLVE_* flags.
struct OpenHow {
  uint64_t flags;
  uint64_t mode;
  uint64_t resolve;
};
static_assert(sizeof(OpenHow) == 24, "OpenHow must match struct open_how");

// EpollEvent
//
// struct epoll_event: the EPOLL* mask and the caller's 64-bit cookie. The
// kernel packs it on x86_64 only (12 bytes, `data` at offset 4) to keep the
// i386 layout; everywhere else it is naturally aligned (16 bytes). Copy
// `data` out rather than binding a reference to it.
#if defined(__x86_64__)
#define ZRING_CORE_EPOLL_PACKED __attribute__((packed))
#else
#define ZRING_CORE_EPOLL_PACKED
#endif
struct ZRING_CORE_EPOLL_PACKED EpollEvent {
  uint32_t events;
  uint64_t data;
};
#undef ZRING_CORE_EPOLL_PACKED
#if defined(__x86_64__)
static_assert(sizeof(EpollEvent) == 12, "EpollEvent is packed on x86_64");
#else
static_assert(sizeof(EpollEvent) == 16, "EpollEvent is naturally aligned here");
#endif

// PollEntry
//
// struct pollfd (ppoll): the fd (negative: ignored), the events wanted and
// the events the kernel reports.
struct PollEntry {
  int fd;
  short events;
  short revents;
};
static_assert(sizeof(PollEntry) == 8, "PollEntry must match struct pollfd");

// Rlimit
//
// struct rlimit64 (prlimit64): soft and hard limit; kRlimInfinity means
// no limit.
struct Rlimit {
  uint64_t cur;
  uint64_t max;

  static constexpr uint64_t kRlimInfinity = ~uint64_t{0};
};
static_assert(sizeof(Rlimit) == 16, "Rlimit must match struct rlimit64");

// SigInfo
//
// siginfo_t as the kernel writes it (waitid, pidfd_send_signal's info
// argument): 128 bytes, three ints, then at offset 16 a union whose member
// depends on the signal. The accessors read the SIGCHLD member, which is
// what waitid fills: pid(), uid(), status() (the exit code when code() is
// CLD_EXITED, the signal number otherwise). For a signal sent with kill(),
// pid() and uid() are the sender's: that union member puts them at the same
// offsets.
struct SigInfo {
  int32_t signo;
  int32_t errnum;  // si_errno (`errno` is a libc macro)
  int32_t code;
  int32_t pad0_;

  struct Child {
    int32_t pid;
    uint32_t uid;
    int32_t status;
    int32_t pad_;
    int64_t utime;  // clock ticks
    int64_t stime;
  };
  union {
    Child child;
    uint64_t raw_[14];
  };

  constexpr int32_t pid() const noexcept { return child.pid; }
  constexpr uint32_t uid() const noexcept { return child.uid; }
  constexpr int32_t status() const noexcept { return child.status; }
};
static_assert(sizeof(SigInfo) == 128, "SigInfo must match the kernel's siginfo_t");
static_assert(offsetof(SigInfo, child) == 16, "SigInfo's union starts at offset 16");

// Utsname
//
// struct new_utsname (uname): NUL-terminated strings of at most 64 bytes.
struct Utsname {
  static constexpr size_t kLength = 65;
  char sysname[kLength];
  char nodename[kLength];
  char release[kLength];
  char version[kLength];
  char machine[kLength];
  char domainname[kLength];
};
static_assert(sizeof(Utsname) == 390, "Utsname must match struct new_utsname");

}  // namespace zring::core
