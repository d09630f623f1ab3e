// zring/core/arch/generic_sysnr.h — syscall numbers from libc's
// <sys/syscall.h>, for targets without an inline-asm table of ours (the
// generic fallback in arch/generic.h). A name the target lacks is simply
// not defined, so a wrapper that needs it fails to compile there.
#pragma once

#include <sys/syscall.h>

namespace zring::core::nr {

#ifdef SYS_read
inline constexpr long read = SYS_read;
#endif
#ifdef SYS_write
inline constexpr long write = SYS_write;
#endif
#ifdef SYS_close
inline constexpr long close = SYS_close;
#endif
#ifdef SYS_ioctl
inline constexpr long ioctl = SYS_ioctl;
#endif
#ifdef SYS_readv
inline constexpr long readv = SYS_readv;
#endif
#ifdef SYS_writev
inline constexpr long writev = SYS_writev;
#endif
#ifdef SYS_pread64
inline constexpr long pread64 = SYS_pread64;
#endif
#ifdef SYS_pwrite64
inline constexpr long pwrite64 = SYS_pwrite64;
#endif
#ifdef SYS_preadv
inline constexpr long preadv = SYS_preadv;
#endif
#ifdef SYS_pwritev
inline constexpr long pwritev = SYS_pwritev;
#endif
#ifdef SYS_preadv2
inline constexpr long preadv2 = SYS_preadv2;
#endif
#ifdef SYS_pwritev2
inline constexpr long pwritev2 = SYS_pwritev2;
#endif
#ifdef SYS_lseek
inline constexpr long lseek = SYS_lseek;
#endif
#ifdef SYS_socket
inline constexpr long socket = SYS_socket;
#endif
#ifdef SYS_bind
inline constexpr long bind = SYS_bind;
#endif
#ifdef SYS_listen
inline constexpr long listen = SYS_listen;
#endif
#ifdef SYS_accept
inline constexpr long accept = SYS_accept;
#endif
#ifdef SYS_accept4
inline constexpr long accept4 = SYS_accept4;
#endif
#ifdef SYS_connect
inline constexpr long connect = SYS_connect;
#endif
#ifdef SYS_shutdown
inline constexpr long shutdown = SYS_shutdown;
#endif
#ifdef SYS_socketpair
inline constexpr long socketpair = SYS_socketpair;
#endif
#ifdef SYS_setsockopt
inline constexpr long setsockopt = SYS_setsockopt;
#endif
#ifdef SYS_getsockopt
inline constexpr long getsockopt = SYS_getsockopt;
#endif
#ifdef SYS_getsockname
inline constexpr long getsockname = SYS_getsockname;
#endif
#ifdef SYS_getpeername
inline constexpr long getpeername = SYS_getpeername;
#endif
#ifdef SYS_sendto
inline constexpr long sendto = SYS_sendto;
#endif
#ifdef SYS_recvfrom
inline constexpr long recvfrom = SYS_recvfrom;
#endif
#ifdef SYS_sendmsg
inline constexpr long sendmsg = SYS_sendmsg;
#endif
#ifdef SYS_recvmsg
inline constexpr long recvmsg = SYS_recvmsg;
#endif
#ifdef SYS_sendmmsg
inline constexpr long sendmmsg = SYS_sendmmsg;
#endif
#ifdef SYS_recvmmsg
inline constexpr long recvmmsg = SYS_recvmmsg;
#endif
#ifdef SYS_mmap
inline constexpr long mmap = SYS_mmap;
#endif
#ifdef SYS_munmap
inline constexpr long munmap = SYS_munmap;
#endif
#ifdef SYS_mremap
inline constexpr long mremap = SYS_mremap;
#endif
#ifdef SYS_madvise
inline constexpr long madvise = SYS_madvise;
#endif
#ifdef SYS_pipe2
inline constexpr long pipe2 = SYS_pipe2;
#endif
#ifdef SYS_memfd_create
inline constexpr long memfd_create = SYS_memfd_create;
#endif
#ifdef SYS_timerfd_create
inline constexpr long timerfd_create = SYS_timerfd_create;
#endif
#ifdef SYS_timerfd_settime
inline constexpr long timerfd_settime = SYS_timerfd_settime;
#endif
#ifdef SYS_timerfd_gettime
inline constexpr long timerfd_gettime = SYS_timerfd_gettime;
#endif
#ifdef SYS_eventfd2
inline constexpr long eventfd2 = SYS_eventfd2;
#endif
#ifdef SYS_signalfd4
inline constexpr long signalfd4 = SYS_signalfd4;
#endif
#ifdef SYS_pidfd_open
inline constexpr long pidfd_open = SYS_pidfd_open;
#endif
#ifdef SYS_pidfd_getfd
inline constexpr long pidfd_getfd = SYS_pidfd_getfd;
#endif
#ifdef SYS_pidfd_send_signal
inline constexpr long pidfd_send_signal = SYS_pidfd_send_signal;
#endif
#ifdef SYS_splice
inline constexpr long splice = SYS_splice;
#endif
#ifdef SYS_tee
inline constexpr long tee = SYS_tee;
#endif
#ifdef SYS_vmsplice
inline constexpr long vmsplice = SYS_vmsplice;
#endif
#ifdef SYS_io_uring_setup
inline constexpr long io_uring_setup = SYS_io_uring_setup;
#endif
#ifdef SYS_io_uring_enter
inline constexpr long io_uring_enter = SYS_io_uring_enter;
#endif
#ifdef SYS_io_uring_register
inline constexpr long io_uring_register = SYS_io_uring_register;
#endif
#ifdef SYS_openat2
inline constexpr long openat2 = SYS_openat2;
#endif
#ifdef SYS_openat
inline constexpr long openat = SYS_openat;
#endif
#ifdef SYS_fcntl
inline constexpr long fcntl = SYS_fcntl;
#endif
#ifdef SYS_fstat
inline constexpr long fstat = SYS_fstat;
#endif
#ifdef SYS_newfstatat
inline constexpr long newfstatat = SYS_newfstatat;
#endif
#ifdef SYS_statx
inline constexpr long statx = SYS_statx;
#endif
#ifdef SYS_ftruncate
inline constexpr long ftruncate = SYS_ftruncate;
#endif
#ifdef SYS_fsync
inline constexpr long fsync = SYS_fsync;
#endif
#ifdef SYS_fdatasync
inline constexpr long fdatasync = SYS_fdatasync;
#endif
#ifdef SYS_epoll_create1
inline constexpr long epoll_create1 = SYS_epoll_create1;
#endif
#ifdef SYS_epoll_ctl
inline constexpr long epoll_ctl = SYS_epoll_ctl;
#endif
#ifdef SYS_epoll_pwait
inline constexpr long epoll_pwait = SYS_epoll_pwait;
#endif
#ifdef SYS_ppoll
inline constexpr long ppoll = SYS_ppoll;
#endif
#ifdef SYS_clock_gettime
inline constexpr long clock_gettime = SYS_clock_gettime;
#endif
#ifdef SYS_clock_nanosleep
inline constexpr long clock_nanosleep = SYS_clock_nanosleep;
#endif
#ifdef SYS_nanosleep
inline constexpr long nanosleep = SYS_nanosleep;
#endif
#ifdef SYS_getrandom
inline constexpr long getrandom = SYS_getrandom;
#endif
#ifdef SYS_sched_yield
inline constexpr long sched_yield = SYS_sched_yield;
#endif
#ifdef SYS_getpid
inline constexpr long getpid = SYS_getpid;
#endif
#ifdef SYS_getppid
inline constexpr long getppid = SYS_getppid;
#endif
#ifdef SYS_gettid
inline constexpr long gettid = SYS_gettid;
#endif
#ifdef SYS_prctl
inline constexpr long prctl = SYS_prctl;
#endif
#ifdef SYS_kill
inline constexpr long kill = SYS_kill;
#endif
#ifdef SYS_tgkill
inline constexpr long tgkill = SYS_tgkill;
#endif
#ifdef SYS_rt_sigprocmask
inline constexpr long rt_sigprocmask = SYS_rt_sigprocmask;
#endif
#ifdef SYS_rt_sigaction
inline constexpr long rt_sigaction = SYS_rt_sigaction;
#endif
#ifdef SYS_exit_group
inline constexpr long exit_group = SYS_exit_group;
#endif
#ifdef SYS_exit
inline constexpr long exit = SYS_exit;
#endif
#ifdef SYS_dup
inline constexpr long dup = SYS_dup;
#endif
#ifdef SYS_dup3
inline constexpr long dup3 = SYS_dup3;
#endif
#ifdef SYS_mkdirat
inline constexpr long mkdirat = SYS_mkdirat;
#endif
#ifdef SYS_unlinkat
inline constexpr long unlinkat = SYS_unlinkat;
#endif
#ifdef SYS_renameat2
inline constexpr long renameat2 = SYS_renameat2;
#endif
#ifdef SYS_waitid
inline constexpr long waitid = SYS_waitid;
#endif
#ifdef SYS_futex
inline constexpr long futex = SYS_futex;
#endif
#ifdef SYS_sched_setaffinity
inline constexpr long sched_setaffinity = SYS_sched_setaffinity;
#endif
#ifdef SYS_sched_getaffinity
inline constexpr long sched_getaffinity = SYS_sched_getaffinity;
#endif
#ifdef SYS_setrlimit
inline constexpr long setrlimit = SYS_setrlimit;
#endif
#ifdef SYS_getrlimit
inline constexpr long getrlimit = SYS_getrlimit;
#endif
#ifdef SYS_prlimit64
inline constexpr long prlimit64 = SYS_prlimit64;
#endif
#ifdef SYS_uname
inline constexpr long uname = SYS_uname;
#endif
#ifdef SYS_fallocate
inline constexpr long fallocate = SYS_fallocate;
#endif
#ifdef SYS_open
inline constexpr long open = SYS_open;
#endif
#ifdef SYS_pipe
inline constexpr long pipe = SYS_pipe;
#endif
#ifdef SYS_epoll_wait
inline constexpr long epoll_wait = SYS_epoll_wait;
#endif
#ifdef SYS_epoll_create
inline constexpr long epoll_create = SYS_epoll_create;
#endif
#ifdef SYS_poll
inline constexpr long poll = SYS_poll;
#endif
#ifdef SYS_dup2
inline constexpr long dup2 = SYS_dup2;
#endif
#ifdef SYS_seccomp
inline constexpr long seccomp = SYS_seccomp;
#endif

}  // namespace zring::core::nr
