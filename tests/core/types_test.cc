// core/types.h: every struct has the size and field offsets of the libc or
// kernel struct it stands for, and the small helpers behave.
#include "zring/core/types.h"

#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#include <cstddef>
#include <cstring>

#include <gtest/gtest.h>

namespace zring::core {
namespace {

#define EXPECT_SAME_OFFSET(Ours, ours_field, Theirs, their_field) \
  EXPECT_EQ(offsetof(Ours, ours_field), offsetof(Theirs, their_field)) << #ours_field

TEST(Types, IoVecMatchesIovec) {
  EXPECT_EQ(sizeof(IoVec), sizeof(struct iovec));
  EXPECT_EQ(alignof(IoVec), alignof(struct iovec));
  EXPECT_SAME_OFFSET(IoVec, base, struct iovec, iov_base);
  EXPECT_SAME_OFFSET(IoVec, len, struct iovec, iov_len);
}

TEST(Types, TimespecMatchesTimespec) {
  EXPECT_EQ(sizeof(Timespec), sizeof(struct timespec));
  EXPECT_SAME_OFFSET(Timespec, sec, struct timespec, tv_sec);
  EXPECT_SAME_OFFSET(Timespec, nsec, struct timespec, tv_nsec);
  EXPECT_EQ(sizeof(ItimerSpec), sizeof(struct itimerspec));
  EXPECT_SAME_OFFSET(ItimerSpec, interval, struct itimerspec, it_interval);
  EXPECT_SAME_OFFSET(ItimerSpec, value, struct itimerspec, it_value);
}

TEST(Types, TimespecNanosRoundTrip) {
  constexpr Timespec t = Timespec::FromNanos(3'000'000'007);
  static_assert(t.sec == 3 && t.nsec == 7);
  static_assert(t.ToNanos() == 3'000'000'007);
  EXPECT_EQ(Timespec::FromNanos(0), (Timespec{0, 0}));
  EXPECT_EQ(Timespec::FromNanos(999'999'999).sec, 0);
}

TEST(Types, SigSetBitsMatchGlibcSigset) {
  SigSet ours;
  sigset_t theirs;
  sigemptyset(&theirs);
  for (int sig : {SIGINT, SIGCHLD, SIGUSR1, SIGRTMIN, 64}) {
    ours.add(sig);
    sigaddset(&theirs, sig);
  }
  ours.del(SIGINT);
  sigdelset(&theirs, SIGINT);
  // glibc's sigset_t is 128 bytes; the kernel sees only the first 8.
  EXPECT_EQ(std::memcmp(&ours, &theirs, kSigSetSize), 0);
  for (int sig = 1; sig <= 64; ++sig) {
    EXPECT_EQ(ours.has(sig), sigismember(&theirs, sig) == 1) << sig;
  }
}

TEST(Types, SigSetIgnoresOutOfRangeSignals) {
  SigSet s;
  s.add(0).add(65).add(-1);
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.has(0));
  EXPECT_FALSE(s.has(65));
  EXPECT_TRUE(SigSet::Full().has(1));
  EXPECT_TRUE(SigSet::Full().has(64));
  EXPECT_EQ(SigSet{}.add(SIGTERM).del(SIGTERM), SigSet{});
}

TEST(Types, SignalfdSiginfoMatches) {
  using S = struct signalfd_siginfo;
  EXPECT_EQ(sizeof(SignalfdSiginfo), sizeof(S));
  EXPECT_SAME_OFFSET(SignalfdSiginfo, signo, S, ssi_signo);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, errnum, S, ssi_errno);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, code, S, ssi_code);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, pid, S, ssi_pid);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, uid, S, ssi_uid);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, fd, S, ssi_fd);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, tid, S, ssi_tid);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, band, S, ssi_band);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, overrun, S, ssi_overrun);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, trapno, S, ssi_trapno);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, status, S, ssi_status);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, int_value, S, ssi_int);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, ptr, S, ssi_ptr);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, utime, S, ssi_utime);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, stime, S, ssi_stime);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, addr, S, ssi_addr);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, addr_lsb, S, ssi_addr_lsb);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, syscall, S, ssi_syscall);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, call_addr, S, ssi_call_addr);
  EXPECT_SAME_OFFSET(SignalfdSiginfo, arch, S, ssi_arch);
}

TEST(Types, StatxMatches) {
  using S = struct statx;
  EXPECT_EQ(sizeof(Statx), sizeof(S));
  EXPECT_EQ(sizeof(StatxTimestamp), sizeof(struct statx_timestamp));
  EXPECT_SAME_OFFSET(StatxTimestamp, sec, struct statx_timestamp, tv_sec);
  EXPECT_SAME_OFFSET(StatxTimestamp, nsec, struct statx_timestamp, tv_nsec);
  EXPECT_SAME_OFFSET(Statx, mask, S, stx_mask);
  EXPECT_SAME_OFFSET(Statx, blksize, S, stx_blksize);
  EXPECT_SAME_OFFSET(Statx, attributes, S, stx_attributes);
  EXPECT_SAME_OFFSET(Statx, nlink, S, stx_nlink);
  EXPECT_SAME_OFFSET(Statx, uid, S, stx_uid);
  EXPECT_SAME_OFFSET(Statx, gid, S, stx_gid);
  EXPECT_SAME_OFFSET(Statx, mode, S, stx_mode);
  EXPECT_SAME_OFFSET(Statx, ino, S, stx_ino);
  EXPECT_SAME_OFFSET(Statx, size, S, stx_size);
  EXPECT_SAME_OFFSET(Statx, blocks, S, stx_blocks);
  EXPECT_SAME_OFFSET(Statx, attributes_mask, S, stx_attributes_mask);
  EXPECT_SAME_OFFSET(Statx, atime, S, stx_atime);
  EXPECT_SAME_OFFSET(Statx, btime, S, stx_btime);
  EXPECT_SAME_OFFSET(Statx, ctime, S, stx_ctime);
  EXPECT_SAME_OFFSET(Statx, mtime, S, stx_mtime);
  EXPECT_SAME_OFFSET(Statx, rdev_major, S, stx_rdev_major);
  EXPECT_SAME_OFFSET(Statx, rdev_minor, S, stx_rdev_minor);
  EXPECT_SAME_OFFSET(Statx, dev_major, S, stx_dev_major);
  EXPECT_SAME_OFFSET(Statx, dev_minor, S, stx_dev_minor);
  EXPECT_SAME_OFFSET(Statx, mnt_id, S, stx_mnt_id);
  EXPECT_SAME_OFFSET(Statx, dio_mem_align, S, stx_dio_mem_align);
  EXPECT_SAME_OFFSET(Statx, dio_offset_align, S, stx_dio_offset_align);
  // The fields after these are newer than the installed 6.1 headers; their
  // offsets are pinned by the static_asserts in types.h (from the 6.16 UAPI).
}

TEST(Types, OpenHowMatches) {
  EXPECT_EQ(sizeof(OpenHow), sizeof(struct open_how));
  EXPECT_SAME_OFFSET(OpenHow, flags, struct open_how, flags);
  EXPECT_SAME_OFFSET(OpenHow, mode, struct open_how, mode);
  EXPECT_SAME_OFFSET(OpenHow, resolve, struct open_how, resolve);
}

TEST(Types, EpollEventMatches) {
  EXPECT_EQ(sizeof(EpollEvent), sizeof(struct epoll_event));
  EXPECT_EQ(alignof(EpollEvent), alignof(struct epoll_event));
  EXPECT_SAME_OFFSET(EpollEvent, events, struct epoll_event, events);
  EXPECT_SAME_OFFSET(EpollEvent, data, struct epoll_event, data);
#if defined(__x86_64__)
  EXPECT_EQ(sizeof(EpollEvent), 12u);
#else
  EXPECT_EQ(sizeof(EpollEvent), 16u);
#endif
}

TEST(Types, PollEntryMatchesPollfd) {
  EXPECT_EQ(sizeof(PollEntry), sizeof(struct pollfd));
  EXPECT_SAME_OFFSET(PollEntry, fd, struct pollfd, fd);
  EXPECT_SAME_OFFSET(PollEntry, events, struct pollfd, events);
  EXPECT_SAME_OFFSET(PollEntry, revents, struct pollfd, revents);
}

TEST(Types, RlimitMatches) {
  EXPECT_EQ(sizeof(Rlimit), sizeof(struct rlimit64));
  EXPECT_SAME_OFFSET(Rlimit, cur, struct rlimit64, rlim_cur);
  EXPECT_SAME_OFFSET(Rlimit, max, struct rlimit64, rlim_max);
  EXPECT_EQ(Rlimit::kRlimInfinity, static_cast<uint64_t>(RLIM64_INFINITY));
}

TEST(Types, SigInfoMatchesSiginfo) {
  EXPECT_EQ(sizeof(SigInfo), sizeof(siginfo_t));
  EXPECT_EQ(sizeof(SigInfo), 128u);
  EXPECT_SAME_OFFSET(SigInfo, signo, siginfo_t, si_signo);
  EXPECT_SAME_OFFSET(SigInfo, errnum, siginfo_t, si_errno);
  EXPECT_SAME_OFFSET(SigInfo, code, siginfo_t, si_code);
  EXPECT_SAME_OFFSET(SigInfo, child.pid, siginfo_t, si_pid);
  EXPECT_SAME_OFFSET(SigInfo, child.uid, siginfo_t, si_uid);
  EXPECT_SAME_OFFSET(SigInfo, child.status, siginfo_t, si_status);
  EXPECT_SAME_OFFSET(SigInfo, child.utime, siginfo_t, si_utime);
  EXPECT_SAME_OFFSET(SigInfo, child.stime, siginfo_t, si_stime);
}

TEST(Types, SigInfoAccessorsReadTheChildFields) {
  siginfo_t theirs;
  std::memset(&theirs, 0, sizeof theirs);
  theirs.si_signo = SIGCHLD;
  theirs.si_code = CLD_EXITED;
  theirs.si_pid = 4321;
  theirs.si_uid = 1000;
  theirs.si_status = 7;
  SigInfo ours;
  std::memcpy(&ours, &theirs, sizeof ours);
  EXPECT_EQ(ours.signo, SIGCHLD);
  EXPECT_EQ(ours.code, CLD_EXITED);
  EXPECT_EQ(ours.pid(), 4321);
  EXPECT_EQ(ours.uid(), 1000u);
  EXPECT_EQ(ours.status(), 7);
}

TEST(Types, UtsnameMatches) {
  EXPECT_EQ(sizeof(Utsname), sizeof(struct utsname));
  EXPECT_SAME_OFFSET(Utsname, sysname, struct utsname, sysname);
  EXPECT_SAME_OFFSET(Utsname, release, struct utsname, release);
  EXPECT_SAME_OFFSET(Utsname, machine, struct utsname, machine);
  EXPECT_SAME_OFFSET(Utsname, domainname, struct utsname, domainname);
}

}  // namespace
}  // namespace zring::core
