// zring/core/internal/sysnr_generic.h — syscall numbers, the asm-generic table that aarch64, riscv64 and
// loongarch64 share (include/uapi/asm-generic/unistd.h, 64-bit names).
//
// Only the calls zring makes are listed. Values are the kernel's ABI
// numbers (checked against <sys/syscall.h> in tests/core/sysnr_test.cc).
#pragma once

namespace zring::core::nr {

inline constexpr long read = 63;
inline constexpr long write = 64;
inline constexpr long close = 57;
inline constexpr long ioctl = 29;
inline constexpr long readv = 65;
inline constexpr long writev = 66;
inline constexpr long pread64 = 67;
inline constexpr long pwrite64 = 68;
inline constexpr long preadv = 69;
inline constexpr long pwritev = 70;
inline constexpr long preadv2 = 286;
inline constexpr long pwritev2 = 287;
inline constexpr long lseek = 62;
inline constexpr long socket = 198;
inline constexpr long bind = 200;
inline constexpr long listen = 201;
inline constexpr long accept = 202;
inline constexpr long accept4 = 242;
inline constexpr long connect = 203;
inline constexpr long shutdown = 210;
inline constexpr long socketpair = 199;
inline constexpr long setsockopt = 208;
inline constexpr long getsockopt = 209;
inline constexpr long getsockname = 204;
inline constexpr long getpeername = 205;
inline constexpr long sendto = 206;
inline constexpr long recvfrom = 207;
inline constexpr long sendmsg = 211;
inline constexpr long recvmsg = 212;
inline constexpr long sendmmsg = 269;
inline constexpr long recvmmsg = 243;
inline constexpr long mmap = 222;
inline constexpr long munmap = 215;
inline constexpr long mremap = 216;
inline constexpr long madvise = 233;
inline constexpr long pipe2 = 59;
inline constexpr long memfd_create = 279;
inline constexpr long timerfd_create = 85;
inline constexpr long timerfd_settime = 86;
inline constexpr long timerfd_gettime = 87;
inline constexpr long eventfd2 = 19;
inline constexpr long signalfd4 = 74;
inline constexpr long pidfd_open = 434;
inline constexpr long pidfd_getfd = 438;
inline constexpr long pidfd_send_signal = 424;
inline constexpr long splice = 76;
inline constexpr long tee = 77;
inline constexpr long vmsplice = 75;
inline constexpr long io_uring_setup = 425;
inline constexpr long io_uring_enter = 426;
inline constexpr long io_uring_register = 427;
inline constexpr long openat2 = 437;
inline constexpr long openat = 56;
inline constexpr long fcntl = 25;
inline constexpr long fstat = 80;
inline constexpr long newfstatat = 79;
inline constexpr long statx = 291;
inline constexpr long ftruncate = 46;
inline constexpr long fsync = 82;
inline constexpr long fdatasync = 83;
inline constexpr long epoll_create1 = 20;
inline constexpr long epoll_ctl = 21;
inline constexpr long epoll_pwait = 22;
inline constexpr long ppoll = 73;
inline constexpr long clock_gettime = 113;
inline constexpr long clock_nanosleep = 115;
inline constexpr long nanosleep = 101;
inline constexpr long getrandom = 278;
inline constexpr long sched_yield = 124;
inline constexpr long getpid = 172;
inline constexpr long getppid = 173;
inline constexpr long gettid = 178;
inline constexpr long prctl = 167;
inline constexpr long kill = 129;
inline constexpr long tgkill = 131;
inline constexpr long rt_sigprocmask = 135;
inline constexpr long rt_sigaction = 134;
inline constexpr long exit_group = 94;
inline constexpr long exit = 93;
inline constexpr long dup = 23;
inline constexpr long dup3 = 24;
inline constexpr long mkdirat = 34;
inline constexpr long unlinkat = 35;
inline constexpr long renameat2 = 276;
inline constexpr long waitid = 95;
inline constexpr long futex = 98;
inline constexpr long sched_setaffinity = 122;
inline constexpr long sched_getaffinity = 123;
inline constexpr long setrlimit = 164;
inline constexpr long getrlimit = 163;
inline constexpr long prlimit64 = 261;
inline constexpr long uname = 160;
inline constexpr long fallocate = 47;
inline constexpr long seccomp = 277;

// Not in this table (use the *at / 2 / pwait forms): open, pipe, epoll_wait, epoll_create, poll, dup2.

}  // namespace zring::core::nr
