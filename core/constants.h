// zring/core/constants.h — the numbers of the Linux ABI, under C++ names.
//
// Every flag, option, command and identifier that the core wrappers and the
// layers above pass to the kernel, defined here so that no libc or kernel
// header has to be included. Each family lives in its own namespace named
// after the C prefix, lower case, and each constant drops that prefix:
// AF_INET is af::inet, SO_REUSEADDR is so::reuseaddr, O_CLOEXEC is
// o::cloexec (docs/conventions.md has the full table). The C spellings are
// macros, ours are not, so a file can include both this header and the libc
// one.
//
//   int flags = o::rdwr | o::cloexec | o::nonblock;
//   long fd = syscall3(nr::socket, af::inet6, sock::stream | sock::cloexec, 0);
//   std::uint32_t interest = epoll::in | epoll::rdhup | epoll::et;
//
// Naming rules beyond "drop the prefix":
//   - A name that is a C++ keyword gets a trailing underscore
//     (MAP_PRIVATE is map::private_, FUTEX2_PRIVATE is futex2::private_),
//     except SIGINT, which docs/conventions.md spells sig::intr.
//   - A name that is a macro under -std=gnu++20 is avoided (AF_UNIX is
//     af::local, because `unix` is predefined to 1 there).
//   - A family whose natural namespace would collide with the typed wrapper
//     of the same syscall (core::statx, core::futex, core::ioctl) is named
//     after the argument it fills: statx_mask::, futex_op::, ioctl_req::.
//
// Types follow what the kernel takes: `int` for commands, levels, options
// and int-typed flag words (open, socket, mmap, send/recv, preadv2, ...);
// `std::uint32_t` for unsigned masks (poll/epoll events, memfd, pidfd,
// renameat2, splice, getrandom, statx masks, futex2 flags, interface flags,
// ioctl requests); `std::uint16_t` for netlink header and attribute fields.
//
// The values are those of x86_64, aarch64, riscv64 and loongarch64, the
// architectures zring supports. The last three use the kernel's asm-generic
// headers, and x86_64's own headers give the same numbers for everything
// defined here. The one exception is aarch64's fcntl.h, which keeps four O_*
// values from 32-bit ARM (see namespace o). Other architectures (mips, sparc, alpha,
// parisc, powerpc, 32-bit ABIs) use different numbers for many of these, so
// this header refuses to compile there rather than hand out wrong ones.
#pragma once

#include <cstdint>

#if !defined(__LP64__) ||                                   \
    !((defined(__x86_64__) && !defined(__ILP32__)) ||       \
      defined(__aarch64__) ||                               \
      (defined(__riscv) && __riscv_xlen == 64) ||           \
      defined(__loongarch64))
#error "zring/core/constants.h: values are checked for x86_64, aarch64, riscv64 and loongarch64 (LP64) only"
#endif

namespace zring::core {

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

// o: open(2)/openat(2) flags (O_*), also the file status flags that
// fcntl(F_GETFL/F_SETFL) reads and writes. Written in octal, as the kernel
// does.
namespace o {
inline constexpr int rdonly = 00;
inline constexpr int wronly = 01;
inline constexpr int rdwr = 02;
inline constexpr int accmode = 03;  // mask of the three above
inline constexpr int creat = 0100;
inline constexpr int excl = 0200;
inline constexpr int noctty = 0400;
inline constexpr int trunc = 01000;
inline constexpr int append = 02000;
inline constexpr int nonblock = 04000;
inline constexpr int ndelay = nonblock;  // the old name, same bit
inline constexpr int dsync = 010000;
inline constexpr int async = 020000;  // O_ASYNC (FASYNC): SIGIO on readiness
// aarch64's uapi fcntl.h keeps 32-bit ARM's numbering for these four; every
// other supported architecture takes asm-generic's. o::tmpfile includes
// o::directory, so it differs too. o::largefile is the kernel's bit: glibc
// defines O_LARGEFILE as 0 on 64-bit targets because the kernel sets the bit
// itself on every open there, and it is what fcntl(F_GETFL) reports.
#if defined(__aarch64__)
inline constexpr int directory = 040000;
inline constexpr int nofollow = 0100000;
inline constexpr int direct = 0200000;
inline constexpr int largefile = 0400000;
#else
inline constexpr int direct = 040000;
inline constexpr int largefile = 0100000;
inline constexpr int directory = 0200000;
inline constexpr int nofollow = 0400000;
#endif
inline constexpr int noatime = 01000000;
inline constexpr int cloexec = 02000000;
inline constexpr int sync = 04000000 | dsync;  // __O_SYNC plus O_DSYNC
inline constexpr int rsync = sync;             // Linux treats it as O_SYNC
inline constexpr int path = 010000000;
inline constexpr int tmpfile = 020000000 | directory;  // __O_TMPFILE plus O_DIRECTORY
}  // namespace o

// at: *at(2) flags (AT_*), and the renameat2(2) flags (RENAME_*), which have
// no family of their own.
namespace at {
inline constexpr int fdcwd = -100;  // "relative to the working directory"
inline constexpr int symlink_nofollow = 0x100;
inline constexpr int eaccess = 0x200;    // faccessat: use the effective ids
inline constexpr int removedir = 0x200;  // unlinkat: rmdir (same bit, other call)
inline constexpr int symlink_follow = 0x400;
inline constexpr int no_automount = 0x800;
inline constexpr int empty_path = 0x1000;
// statx(2) synchronisation with a network filesystem's server.
inline constexpr int statx_sync_type = 0x6000;  // mask of the two below
inline constexpr int statx_sync_as_stat = 0x0000;
inline constexpr int statx_force_sync = 0x2000;
inline constexpr int statx_dont_sync = 0x4000;
inline constexpr int recursive = 0x8000;
// renameat2(2)'s flags argument is unsigned.
inline constexpr std::uint32_t rename_noreplace = 1U << 0;
inline constexpr std::uint32_t rename_exchange = 1U << 1;
inline constexpr std::uint32_t rename_whiteout = 1U << 2;
}  // namespace at

// f: fcntl(2) commands (F_*), FD_CLOEXEC as f::fd_cloexec, the record lock
// types and the memfd seals (F_SEAL_*).
namespace f {
inline constexpr int dupfd = 0;
inline constexpr int getfd = 1;
inline constexpr int setfd = 2;
inline constexpr int getfl = 3;
inline constexpr int setfl = 4;
// 5/6/7 take a 64-bit struct flock on LP64 (32-bit ABIs use 12/13/14).
inline constexpr int getlk = 5;
inline constexpr int setlk = 6;
inline constexpr int setlkw = 7;
inline constexpr int ofd_getlk = 36;
inline constexpr int ofd_setlk = 37;
inline constexpr int ofd_setlkw = 38;
// Linux-specific commands start at 1024.
inline constexpr int dupfd_cloexec = 1030;
inline constexpr int setpipe_sz = 1031;
inline constexpr int getpipe_sz = 1032;
inline constexpr int add_seals = 1033;
inline constexpr int get_seals = 1034;
// F_GETFD / F_SETFD value.
inline constexpr int fd_cloexec = 1;
// struct flock l_type.
inline constexpr int rdlck = 0;
inline constexpr int wrlck = 1;
inline constexpr int unlck = 2;
// Seals (F_ADD_SEALS / F_GET_SEALS), for memfds opened with
// mfd::allow_sealing.
inline constexpr int seal_seal = 0x1;
inline constexpr int seal_shrink = 0x2;
inline constexpr int seal_grow = 0x4;
inline constexpr int seal_write = 0x8;
inline constexpr int seal_future_write = 0x10;  // Linux 5.1
inline constexpr int seal_exec = 0x20;          // Linux 6.3
}  // namespace f

// statx_mask: the fields statx(2) is asked for and reports (STATX_*).
// STATX_ALL is left out on purpose: the kernel keeps it only for old code;
// ask for basic_stats | btime instead.
namespace statx_mask {
inline constexpr std::uint32_t type = 0x1;
inline constexpr std::uint32_t mode = 0x2;
inline constexpr std::uint32_t nlink = 0x4;
inline constexpr std::uint32_t uid = 0x8;
inline constexpr std::uint32_t gid = 0x10;
inline constexpr std::uint32_t atime = 0x20;
inline constexpr std::uint32_t mtime = 0x40;
inline constexpr std::uint32_t ctime = 0x80;
inline constexpr std::uint32_t ino = 0x100;
inline constexpr std::uint32_t size = 0x200;
inline constexpr std::uint32_t blocks = 0x400;
inline constexpr std::uint32_t basic_stats = 0x7ff;  // what stat(2) returns
inline constexpr std::uint32_t btime = 0x800;
inline constexpr std::uint32_t mnt_id = 0x1000;
inline constexpr std::uint32_t dioalign = 0x2000;         // Linux 6.1
inline constexpr std::uint32_t mnt_id_unique = 0x4000;    // Linux 6.8
inline constexpr std::uint32_t subvol = 0x8000;           // Linux 6.10
inline constexpr std::uint32_t write_atomic = 0x10000;    // Linux 6.11
inline constexpr std::uint32_t dio_read_align = 0x20000;  // Linux 6.14
}  // namespace statx_mask

// rwf: per-call flags of preadv2(2)/pwritev2(2) and of io_uring reads and
// writes (RWF_*; the kernel's type is int). Older kernels reject the newer
// ones with EOPNOTSUPP.
namespace rwf {
inline constexpr int hipri = 0x1;
inline constexpr int dsync = 0x2;
inline constexpr int sync = 0x4;
inline constexpr int nowait = 0x8;
inline constexpr int append = 0x10;
inline constexpr int noappend = 0x20;   // Linux 6.9
inline constexpr int atomic = 0x40;     // Linux 6.11
inline constexpr int dontcache = 0x80;  // Linux 6.14: uncached buffered I/O
inline constexpr int nosignal = 0x100;  // Linux 6.18: EPIPE without SIGPIPE
}  // namespace rwf

// s_if: the file type bits of a mode (S_IF*), as in Statx::mode. Compare
// `mode & s_if::fmt` with one of the others: the types are values, not
// independent bits (s_if::sock shares bits with s_if::reg and s_if::dir).
namespace s_if {
inline constexpr unsigned fmt = 0170000;
inline constexpr unsigned sock = 0140000;
inline constexpr unsigned lnk = 0120000;
inline constexpr unsigned reg = 0100000;
inline constexpr unsigned blk = 0060000;
inline constexpr unsigned dir = 0040000;
inline constexpr unsigned chr = 0020000;
inline constexpr unsigned fifo = 0010000;
}  // namespace s_if

// splice_f: splice(2)/tee(2)/vmsplice(2) flags (SPLICE_F_*).
namespace splice_f {
inline constexpr std::uint32_t move = 0x1;
inline constexpr std::uint32_t nonblock = 0x2;
inline constexpr std::uint32_t more = 0x4;
inline constexpr std::uint32_t gift = 0x8;
}  // namespace splice_f

// ---------------------------------------------------------------------------
// File descriptors of special kinds
// ---------------------------------------------------------------------------

// The *_CLOEXEC and *_NONBLOCK flags below are O_CLOEXEC and O_NONBLOCK by
// definition in the kernel, so they are spelled that way here.

// efd: eventfd2(2) flags (EFD_*).
namespace efd {
inline constexpr int semaphore = 0x1;
inline constexpr int cloexec = o::cloexec;
inline constexpr int nonblock = o::nonblock;
}  // namespace efd

// tfd: timerfd_create(2) flags and timerfd_settime(2) flags (TFD_*).
namespace tfd {
inline constexpr int cloexec = o::cloexec;
inline constexpr int nonblock = o::nonblock;
inline constexpr int timer_abstime = 1 << 0;
inline constexpr int timer_cancel_on_set = 1 << 1;
}  // namespace tfd

// sfd: signalfd4(2) flags (SFD_*).
namespace sfd {
inline constexpr int cloexec = o::cloexec;
inline constexpr int nonblock = o::nonblock;
}  // namespace sfd

// mfd: memfd_create(2) flags (MFD_*). Not O_* values: a namespace of its own.
namespace mfd {
inline constexpr std::uint32_t cloexec = 0x1;
inline constexpr std::uint32_t allow_sealing = 0x2;
inline constexpr std::uint32_t hugetlb = 0x4;
inline constexpr std::uint32_t noexec_seal = 0x8;  // Linux 6.3
inline constexpr std::uint32_t exec = 0x10;        // Linux 6.3
}  // namespace mfd

// pidfd: pidfd_open(2) flags and pidfd_send_signal(2) flags (PIDFD_*).
namespace pidfd {
inline constexpr std::uint32_t nonblock = o::nonblock;
inline constexpr std::uint32_t thread = o::excl;  // Linux 6.9: a thread, not a process
// pidfd_send_signal(2) scope, Linux 6.9.
inline constexpr std::uint32_t signal_thread = 1U << 0;
inline constexpr std::uint32_t signal_thread_group = 1U << 1;
inline constexpr std::uint32_t signal_process_group = 1U << 2;
}  // namespace pidfd

// ---------------------------------------------------------------------------
// Readiness
// ---------------------------------------------------------------------------

// ev: poll(2)/ppoll(2) events (POLL*), also io_uring's POLL_ADD mask.
// PollEntry's fields are `short`; these constants fit in one.
namespace ev {
inline constexpr std::uint32_t in = 0x1;
inline constexpr std::uint32_t pri = 0x2;
inline constexpr std::uint32_t out = 0x4;
inline constexpr std::uint32_t err = 0x8;
inline constexpr std::uint32_t hup = 0x10;
inline constexpr std::uint32_t nval = 0x20;
inline constexpr std::uint32_t rdnorm = 0x40;
inline constexpr std::uint32_t rdband = 0x80;
inline constexpr std::uint32_t wrnorm = 0x100;
inline constexpr std::uint32_t wrband = 0x200;
inline constexpr std::uint32_t msg = 0x400;
inline constexpr std::uint32_t remove = 0x1000;
inline constexpr std::uint32_t rdhup = 0x2000;
}  // namespace ev

// epoll: epoll event bits (EPOLL*; the same numbers as ev:: plus the input
// flags in the top bits), epoll_ctl(2) operations and epoll_create1(2)'s
// flag.
namespace epoll {
inline constexpr std::uint32_t in = 0x1;
inline constexpr std::uint32_t pri = 0x2;
inline constexpr std::uint32_t out = 0x4;
inline constexpr std::uint32_t err = 0x8;
inline constexpr std::uint32_t hup = 0x10;
inline constexpr std::uint32_t rdnorm = 0x40;
inline constexpr std::uint32_t rdband = 0x80;
inline constexpr std::uint32_t wrnorm = 0x100;
inline constexpr std::uint32_t wrband = 0x200;
inline constexpr std::uint32_t msg = 0x400;
inline constexpr std::uint32_t rdhup = 0x2000;
inline constexpr std::uint32_t exclusive = 1U << 28;
inline constexpr std::uint32_t wakeup = 1U << 29;
inline constexpr std::uint32_t oneshot = 1U << 30;
inline constexpr std::uint32_t et = 1U << 31;  // why the events are unsigned
inline constexpr int ctl_add = 1;
inline constexpr int ctl_del = 2;
inline constexpr int ctl_mod = 3;
inline constexpr int cloexec = o::cloexec;
}  // namespace epoll

// ---------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------

// prot: mmap(2)/mprotect(2) protections (PROT_*).
namespace prot {
inline constexpr int none = 0x0;
inline constexpr int read = 0x1;
inline constexpr int write = 0x2;
inline constexpr int exec = 0x4;
}  // namespace prot

// map: mmap(2) flags (MAP_*). MAP_PRIVATE is map::private_ (`private` is a
// keyword). MAP_FAILED is not here: mmap's error comes back as an Errno.
namespace map {
inline constexpr int shared = 0x1;
inline constexpr int private_ = 0x2;
inline constexpr int shared_validate = 0x3;  // shared, and reject unknown flags
inline constexpr int fixed = 0x10;
inline constexpr int anonymous = 0x20;
inline constexpr int growsdown = 0x100;
inline constexpr int locked = 0x2000;
inline constexpr int noreserve = 0x4000;
inline constexpr int populate = 0x8000;
inline constexpr int stack = 0x20000;
inline constexpr int hugetlb = 0x40000;
inline constexpr int fixed_noreplace = 0x100000;
// With map::hugetlb, bits 26..31 hold log2 of the huge page size; 0 means
// the system default.
inline constexpr int huge_shift = 26;
inline constexpr int huge_2mb = 21 << huge_shift;
inline constexpr int huge_1gb = 30 << huge_shift;
}  // namespace map

// madv: madvise(2) advice (MADV_*).
namespace madv {
inline constexpr int normal = 0;
inline constexpr int random = 1;
inline constexpr int sequential = 2;
inline constexpr int willneed = 3;
inline constexpr int dontneed = 4;
inline constexpr int free = 8;
inline constexpr int remove = 9;
inline constexpr int dontfork = 10;
inline constexpr int dofork = 11;
inline constexpr int hugepage = 14;
inline constexpr int nohugepage = 15;
inline constexpr int dontdump = 16;
inline constexpr int dodump = 17;
inline constexpr int wipeonfork = 18;
inline constexpr int keeponfork = 19;
inline constexpr int cold = 20;
inline constexpr int pageout = 21;
inline constexpr int populate_read = 22;
inline constexpr int populate_write = 23;
}  // namespace madv

// ---------------------------------------------------------------------------
// Sockets
// ---------------------------------------------------------------------------

// af: address families (AF_*). AF_UNIX is af::local: `unix` is a predefined
// macro under -std=gnu++20.
namespace af {
inline constexpr int unspec = 0;
inline constexpr int local = 1;
inline constexpr int inet = 2;
inline constexpr int inet6 = 10;
inline constexpr int netlink = 16;
inline constexpr int packet = 17;
}  // namespace af

// sock: socket types and the flags or-ed into the type (SOCK_*).
namespace sock {
inline constexpr int stream = 1;
inline constexpr int dgram = 2;
inline constexpr int raw = 3;
inline constexpr int rdm = 4;
inline constexpr int seqpacket = 5;
inline constexpr int nonblock = o::nonblock;
inline constexpr int cloexec = o::cloexec;
}  // namespace sock

// ipproto: protocol numbers (IPPROTO_*).
namespace ipproto {
inline constexpr int ip = 0;
inline constexpr int icmp = 1;
inline constexpr int tcp = 6;
inline constexpr int udp = 17;
inline constexpr int ipv6 = 41;
inline constexpr int icmpv6 = 58;
inline constexpr int sctp = 132;
inline constexpr int udplite = 136;
inline constexpr int raw = 255;
inline constexpr int mptcp = 262;  // socket(af::inet, sock::stream, ipproto::mptcp)
}  // namespace ipproto

// sol: setsockopt(2)/getsockopt(2) levels (SOL_*). For the IP family the
// level is the protocol number; only SOL_SOCKET and the non-IP ones are
// numbers of their own.
namespace sol {
inline constexpr int ip = 0;
inline constexpr int socket = 1;
inline constexpr int tcp = 6;
inline constexpr int udp = 17;
inline constexpr int ipv6 = 41;
inline constexpr int icmpv6 = 58;
inline constexpr int sctp = 132;
inline constexpr int raw = 255;
inline constexpr int packet = 263;
inline constexpr int netlink = 270;
}  // namespace sol

// so: options at level sol::socket (SO_*). On LP64 the kernel's
// SO_RCVTIMEO/SO_SNDTIMEO/SO_TIMESTAMP* are the "_OLD" numbers, whose
// timeval/timespec are already 64-bit; the "_NEW" ones exist for 32-bit
// ABIs and are not needed here.
namespace so {
inline constexpr int debug = 1;
inline constexpr int reuseaddr = 2;
inline constexpr int type = 3;
inline constexpr int error = 4;
inline constexpr int dontroute = 5;
inline constexpr int broadcast = 6;
inline constexpr int sndbuf = 7;
inline constexpr int rcvbuf = 8;
inline constexpr int keepalive = 9;
inline constexpr int oobinline = 10;
inline constexpr int no_check = 11;
inline constexpr int priority = 12;
inline constexpr int linger = 13;
inline constexpr int bsdcompat = 14;
inline constexpr int reuseport = 15;
inline constexpr int passcred = 16;
inline constexpr int peercred = 17;
inline constexpr int rcvlowat = 18;
inline constexpr int sndlowat = 19;
inline constexpr int rcvtimeo = 20;
inline constexpr int sndtimeo = 21;
inline constexpr int bindtodevice = 25;
inline constexpr int timestamp = 29;
inline constexpr int acceptconn = 30;
inline constexpr int peersec = 31;
inline constexpr int sndbufforce = 32;
inline constexpr int rcvbufforce = 33;
inline constexpr int timestampns = 35;
inline constexpr int mark = 36;
inline constexpr int timestamping = 37;
inline constexpr int protocol = 38;
inline constexpr int domain = 39;
inline constexpr int peek_off = 42;
inline constexpr int busy_poll = 46;
inline constexpr int max_pacing_rate = 47;
inline constexpr int incoming_cpu = 49;
// Steer SO_REUSEPORT groups with a BPF program (thread-per-core accept).
inline constexpr int attach_reuseport_cbpf = 51;
inline constexpr int attach_reuseport_ebpf = 52;
inline constexpr int incoming_napi_id = 56;
inline constexpr int cookie = 57;
inline constexpr int zerocopy = 60;
inline constexpr int txtime = 61;
inline constexpr int bindtoifindex = 62;
inline constexpr int prefer_busy_poll = 69;  // Linux 5.11
inline constexpr int busy_poll_budget = 70;  // Linux 5.11
inline constexpr int passpidfd = 76;         // Linux 6.5
inline constexpr int peerpidfd = 77;         // Linux 6.5
}  // namespace so

// scm: control message types at level sol::socket (SCM_*). The timestamp
// ones share their numbers with the options that turn them on.
namespace scm {
inline constexpr int rights = 1;
inline constexpr int credentials = 2;
inline constexpr int security = 3;
inline constexpr int pidfd = 4;  // Linux 6.5, with so::passpidfd
inline constexpr int timestamp = so::timestamp;
inline constexpr int timestampns = so::timestampns;
inline constexpr int timestamping = so::timestamping;
}  // namespace scm

// tcp: options at level sol::tcp (TCP_*).
namespace tcp {
inline constexpr int nodelay = 1;
inline constexpr int maxseg = 2;
inline constexpr int cork = 3;
inline constexpr int keepidle = 4;
inline constexpr int keepintvl = 5;
inline constexpr int keepcnt = 6;
inline constexpr int syncnt = 7;
inline constexpr int linger2 = 8;
inline constexpr int defer_accept = 9;
inline constexpr int window_clamp = 10;
inline constexpr int info = 11;
inline constexpr int quickack = 12;
inline constexpr int congestion = 13;
inline constexpr int user_timeout = 18;
inline constexpr int fastopen = 23;
inline constexpr int notsent_lowat = 25;
inline constexpr int fastopen_connect = 30;
inline constexpr int ulp = 31;  // e.g. "tls" for kernel TLS
inline constexpr int fastopen_no_cookie = 34;
inline constexpr int zerocopy_receive = 35;  // getsockopt with struct tcp_zerocopy_receive
inline constexpr int inq = 36;               // bytes queued to read, as a cmsg
inline constexpr int tx_delay = 37;
}  // namespace tcp

// udp: options at level sol::udp (UDP_*).
namespace udp {
inline constexpr int cork = 1;
inline constexpr int encap = 100;
inline constexpr int no_check6_tx = 101;
inline constexpr int no_check6_rx = 102;
inline constexpr int segment = 103;  // GSO: one send, several datagrams
inline constexpr int gro = 104;      // GRO: one receive, several datagrams
}  // namespace udp

// ip: options at level sol::ip (IP_*), and the values of ip::mtu_discover.
namespace ip {
inline constexpr int tos = 1;
inline constexpr int ttl = 2;
inline constexpr int hdrincl = 3;
inline constexpr int options = 4;
inline constexpr int pktinfo = 8;
inline constexpr int mtu_discover = 10;
inline constexpr int recverr = 11;
inline constexpr int recvttl = 12;
inline constexpr int recvtos = 13;
inline constexpr int mtu = 14;
inline constexpr int freebind = 15;
inline constexpr int transparent = 19;
inline constexpr int bind_address_no_port = 24;
inline constexpr int multicast_if = 32;
inline constexpr int multicast_ttl = 33;
inline constexpr int multicast_loop = 34;
inline constexpr int add_membership = 35;
inline constexpr int drop_membership = 36;
inline constexpr int pmtudisc_dont = 0;
inline constexpr int pmtudisc_want = 1;
inline constexpr int pmtudisc_do = 2;
inline constexpr int pmtudisc_probe = 3;
}  // namespace ip

// ipv6: options at level sol::ipv6 (IPV6_*). RFC 3493's JOIN_GROUP and
// LEAVE_GROUP are the Linux ADD_MEMBERSHIP and DROP_MEMBERSHIP.
namespace ipv6 {
inline constexpr int unicast_hops = 16;
inline constexpr int multicast_if = 17;
inline constexpr int multicast_hops = 18;
inline constexpr int multicast_loop = 19;
inline constexpr int add_membership = 20;
inline constexpr int drop_membership = 21;
inline constexpr int join_group = add_membership;
inline constexpr int leave_group = drop_membership;
inline constexpr int mtu_discover = 23;
inline constexpr int mtu = 24;
inline constexpr int recverr = 25;
inline constexpr int v6only = 26;
inline constexpr int recvpktinfo = 49;
inline constexpr int pktinfo = 50;
inline constexpr int recvhoplimit = 51;
inline constexpr int hoplimit = 52;
inline constexpr int recvtclass = 66;
inline constexpr int tclass = 67;
inline constexpr int transparent = 75;
inline constexpr int freebind = 78;
}  // namespace ipv6

// shut: shutdown(2) directions (SHUT_*).
namespace shut {
inline constexpr int rd = 0;
inline constexpr int wr = 1;
inline constexpr int rdwr = 2;
}  // namespace shut

// msg: send/recv flags and msghdr.msg_flags bits (MSG_*). The kernel-internal
// ones (MSG_SENDPAGE_*, MSG_SPLICE_PAGES, MSG_NO_SHARED_FRAGS, ...) are left
// out: user space must not pass them.
namespace msg {
inline constexpr int oob = 0x1;
inline constexpr int peek = 0x2;
inline constexpr int dontroute = 0x4;
inline constexpr int ctrunc = 0x8;
inline constexpr int proxy = 0x10;  // glibc's name; the kernel calls it MSG_PROBE
inline constexpr int trunc = 0x20;
inline constexpr int dontwait = 0x40;
inline constexpr int eor = 0x80;
inline constexpr int waitall = 0x100;
inline constexpr int fin = 0x200;
inline constexpr int syn = 0x400;
inline constexpr int confirm = 0x800;
inline constexpr int rst = 0x1000;
inline constexpr int errqueue = 0x2000;
inline constexpr int nosignal = 0x4000;
inline constexpr int more = 0x8000;
inline constexpr int waitforone = 0x10000;
inline constexpr int batch = 0x40000;
inline constexpr int zerocopy = 0x4000000;
inline constexpr int fastopen = 0x20000000;
inline constexpr int cmsg_cloexec = 0x40000000;
}  // namespace msg

// ioctl_req: ioctl(2) requests (named after the argument, since
// core::ioctl is the wrapper). These are asm-generic/ioctls.h numbers,
// shared by all four supported architectures (powerpc, mips, sparc and alpha
// use others).
namespace ioctl_req {
inline constexpr std::uint32_t tiocoutq = 0x5411;
inline constexpr std::uint32_t fionread = 0x541B;
inline constexpr std::uint32_t fionbio = 0x5421;
inline constexpr std::uint32_t fionclex = 0x5450;
inline constexpr std::uint32_t fioclex = 0x5451;
// The socket spellings: bytes readable, bytes not yet acked, bytes not yet
// sent.
inline constexpr std::uint32_t siocinq = fionread;
inline constexpr std::uint32_t siocoutq = tiocoutq;
inline constexpr std::uint32_t siocoutqnsd = 0x894B;
}  // namespace ioctl_req

// ---------------------------------------------------------------------------
// Netlink (rtnetlink: enumerating links)
// ---------------------------------------------------------------------------

// netlink: netlink protocols, the third argument of
// socket(af::netlink, ...) (NETLINK_ROUTE, ...), and the options at level
// sol::netlink (NETLINK_ADD_MEMBERSHIP, ...), which share the C prefix.
namespace netlink {
inline constexpr int route = 0;
inline constexpr int sock_diag = 4;
inline constexpr int generic = 16;
inline constexpr int add_membership = 1;
inline constexpr int drop_membership = 2;
inline constexpr int ext_ack = 11;
inline constexpr int get_strict_chk = 12;
}  // namespace netlink

// nlm: struct nlmsghdr fields. Flags (NLM_F_*) keep their `f_`; message
// types (NLMSG_*) take `msg_`, so both fit in one namespace.
namespace nlm {
inline constexpr std::uint16_t f_request = 0x1;
inline constexpr std::uint16_t f_multi = 0x2;
inline constexpr std::uint16_t f_ack = 0x4;
inline constexpr std::uint16_t f_echo = 0x8;
inline constexpr std::uint16_t f_dump_intr = 0x10;
// Modifiers of a GET request.
inline constexpr std::uint16_t f_root = 0x100;
inline constexpr std::uint16_t f_match = 0x200;
inline constexpr std::uint16_t f_atomic = 0x400;
inline constexpr std::uint16_t f_dump = f_root | f_match;
// Modifiers of a NEW request (same bits as above, other meaning).
inline constexpr std::uint16_t f_replace = 0x100;
inline constexpr std::uint16_t f_excl = 0x200;
inline constexpr std::uint16_t f_create = 0x400;
inline constexpr std::uint16_t f_append = 0x800;
inline constexpr std::uint16_t msg_noop = 1;
inline constexpr std::uint16_t msg_error = 2;
inline constexpr std::uint16_t msg_done = 3;
inline constexpr std::uint16_t msg_overrun = 4;
// Netlink headers and attributes are padded to this many bytes.
inline constexpr std::uint32_t alignto = 4;
}  // namespace nlm

// rtm: rtnetlink message types (RTM_*).
namespace rtm {
inline constexpr std::uint16_t newlink = 16;
inline constexpr std::uint16_t dellink = 17;
inline constexpr std::uint16_t getlink = 18;
inline constexpr std::uint16_t setlink = 19;
inline constexpr std::uint16_t newaddr = 20;
inline constexpr std::uint16_t deladdr = 21;
inline constexpr std::uint16_t getaddr = 22;
inline constexpr std::uint16_t newroute = 24;
inline constexpr std::uint16_t delroute = 25;
inline constexpr std::uint16_t getroute = 26;
}  // namespace rtm

// ifla: link attribute types in an RTM_NEWLINK message (IFLA_*).
namespace ifla {
inline constexpr std::uint16_t unspec = 0;
inline constexpr std::uint16_t address = 1;
inline constexpr std::uint16_t broadcast = 2;
inline constexpr std::uint16_t ifname = 3;
inline constexpr std::uint16_t mtu = 4;
inline constexpr std::uint16_t link = 5;
inline constexpr std::uint16_t txqlen = 13;
inline constexpr std::uint16_t operstate = 16;
}  // namespace ifla

// iff: interface flags (IFF_*), struct ifinfomsg's ifi_flags.
namespace iff {
inline constexpr std::uint32_t up = 0x1;
inline constexpr std::uint32_t broadcast = 0x2;
inline constexpr std::uint32_t loopback = 0x8;
inline constexpr std::uint32_t pointopoint = 0x10;
inline constexpr std::uint32_t running = 0x40;
inline constexpr std::uint32_t noarp = 0x80;
inline constexpr std::uint32_t promisc = 0x100;
inline constexpr std::uint32_t allmulti = 0x200;
inline constexpr std::uint32_t multicast = 0x1000;
inline constexpr std::uint32_t lower_up = 0x10000;  // carrier present
}  // namespace iff

// ---------------------------------------------------------------------------
// Processes, signals, time
// ---------------------------------------------------------------------------

// sig: signal numbers (SIG*) and rt_sigprocmask(2)'s `how` (SIG_BLOCK, ...).
// SIGINT is sig::intr because `int` is a keyword; the rest drop the prefix.
// x86_64 and the asm-generic architectures number signals the same way.
namespace sig {
inline constexpr int hup = 1;
inline constexpr int intr = 2;
inline constexpr int quit = 3;
inline constexpr int ill = 4;
inline constexpr int trap = 5;
inline constexpr int abrt = 6;
inline constexpr int bus = 7;
inline constexpr int fpe = 8;
inline constexpr int kill = 9;
inline constexpr int usr1 = 10;
inline constexpr int segv = 11;
inline constexpr int usr2 = 12;
inline constexpr int pipe = 13;
inline constexpr int alrm = 14;
inline constexpr int term = 15;
inline constexpr int stkflt = 16;
inline constexpr int chld = 17;
inline constexpr int cont = 18;
inline constexpr int stop = 19;
inline constexpr int tstp = 20;
inline constexpr int ttin = 21;
inline constexpr int ttou = 22;
inline constexpr int urg = 23;
inline constexpr int xcpu = 24;
inline constexpr int xfsz = 25;
inline constexpr int vtalrm = 26;
inline constexpr int prof = 27;
inline constexpr int winch = 28;
inline constexpr int io = 29;  // also SIGPOLL
inline constexpr int pwr = 30;
inline constexpr int sys = 31;
// The kernel's real-time range. glibc keeps the first two or three for its
// threads (its SIGRTMIN is a function returning 34 or 35), so a program that
// also uses glibc should not take 32..34 for itself.
inline constexpr int rtmin = 32;
inline constexpr int rtmax = 64;
// rt_sigprocmask(2) `how`.
inline constexpr int block = 0;
inline constexpr int unblock = 1;
inline constexpr int setmask = 2;
}  // namespace sig

// wait: waitid(2) id types (P_*) and wait options (W*).
namespace wait {
inline constexpr int p_all = 0;
inline constexpr int p_pid = 1;
inline constexpr int p_pgid = 2;
inline constexpr int p_pidfd = 3;
inline constexpr int nohang = 0x1;
inline constexpr int untraced = 0x2;
inline constexpr int stopped = 0x2;  // waitid's name for untraced
inline constexpr int exited = 0x4;
inline constexpr int continued = 0x8;
inline constexpr int nowait = 0x1000000;
}  // namespace wait

// clock: clock ids (CLOCK_*), for clock_gettime(2), timerfd_create(2),
// io_uring timeouts. 10 (CLOCK_SGI_CYCLE) is unused.
namespace clock {
inline constexpr int realtime = 0;
inline constexpr int monotonic = 1;
inline constexpr int process_cputime_id = 2;
inline constexpr int thread_cputime_id = 3;
inline constexpr int monotonic_raw = 4;
inline constexpr int realtime_coarse = 5;
inline constexpr int monotonic_coarse = 6;
inline constexpr int boottime = 7;
inline constexpr int realtime_alarm = 8;
inline constexpr int boottime_alarm = 9;
inline constexpr int tai = 11;
}  // namespace clock

// grnd: getrandom(2) flags (GRND_*).
namespace grnd {
inline constexpr std::uint32_t nonblock = 0x1;
inline constexpr std::uint32_t random = 0x2;
inline constexpr std::uint32_t insecure = 0x4;  // Linux 5.6
}  // namespace grnd

// pr: prctl(2) options (PR_*).
namespace pr {
inline constexpr int set_pdeathsig = 1;
inline constexpr int get_pdeathsig = 2;
inline constexpr int get_dumpable = 3;
inline constexpr int set_dumpable = 4;
inline constexpr int set_name = 15;  // thread name, at most 15 bytes plus NUL
inline constexpr int get_name = 16;
inline constexpr int get_seccomp = 21;
inline constexpr int set_seccomp = 22;
inline constexpr int set_timerslack = 29;
inline constexpr int get_timerslack = 30;
inline constexpr int set_child_subreaper = 36;
inline constexpr int get_child_subreaper = 37;
inline constexpr int set_no_new_privs = 38;
inline constexpr int get_no_new_privs = 39;
}  // namespace pr

// futex_op: the `futex_op` argument of futex(2) (FUTEX_*): a command, plus
// flags or-ed in. Named after the argument because core::futex is the
// syscall's wrapper.
namespace futex_op {
inline constexpr int wait = 0;
inline constexpr int wake = 1;
inline constexpr int requeue = 3;
inline constexpr int cmp_requeue = 4;
inline constexpr int wake_op = 5;
inline constexpr int lock_pi = 6;
inline constexpr int unlock_pi = 7;
inline constexpr int trylock_pi = 8;
inline constexpr int wait_bitset = 9;
inline constexpr int wake_bitset = 10;
inline constexpr int wait_requeue_pi = 11;
inline constexpr int cmp_requeue_pi = 12;
inline constexpr int lock_pi2 = 13;
// The word is not shared with another process: a cheaper lookup.
inline constexpr int private_flag = 128;
inline constexpr int clock_realtime = 256;
inline constexpr int wait_private = wait | private_flag;
inline constexpr int wake_private = wake | private_flag;
// The bitset that matches every waiter (FUTEX_WAIT_BITSET and io_uring's
// FUTEX_WAIT/FUTEX_WAKE).
inline constexpr std::uint32_t bitset_match_any = 0xffffffff;
}  // namespace futex_op

// futex2: flags of futex_waitv(2), futex_wait(2), futex_wake(2) and the
// io_uring futex operations (FUTEX2_*, Linux 6.7; futex_waitv since 5.16
// accepts size_u32 | private_). The low two bits are a size, not flags.
namespace futex2 {
inline constexpr std::uint32_t size_u8 = 0x0;
inline constexpr std::uint32_t size_u16 = 0x1;
inline constexpr std::uint32_t size_u32 = 0x2;
inline constexpr std::uint32_t size_u64 = 0x3;
inline constexpr std::uint32_t size_mask = 0x3;
inline constexpr std::uint32_t numa = 0x4;
inline constexpr std::uint32_t mpol = 0x8;
// `private` is a keyword. Same bit as futex_op::private_flag.
inline constexpr std::uint32_t private_ = 128;
// The most entries futex_waitv(2) takes.
inline constexpr int waitv_max = 128;
}  // namespace futex2

}  // namespace zring::core
