// constants.h: every constant against the libc or kernel header macro of the
// same meaning, one test per family.
//
// The installed headers are glibc 2.36 and linux-libc-dev 6.1; the machines
// run Linux 6.18. A constant those headers do not have is compared with the
// number read in the kernel's uapi headers (the comment says which release
// added it), and where the running kernel can confirm it, a test in
// ConstantsOnThisKernel does so (skipping on kernels too old to know it).
#include "zring/core/constants.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
// After <net/if.h>: adds what glibc lacks (IFF_LOWER_UP) without clashing.
#include <linux/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
// For MAP_HUGE_2MB / MAP_HUGE_1GB, which glibc does not define.
#include <linux/mman.h>

#include <errno.h>

#include <cstdint>
#include <ios>
#include <type_traits>

#include <gtest/gtest.h>

namespace zring::core {
namespace {

// The types the header promises (see its comment).
static_assert(std::is_same_v<decltype(o::cloexec), const int>);
static_assert(std::is_same_v<decltype(epoll::et), const std::uint32_t>);
static_assert(std::is_same_v<decltype(ev::in), const std::uint32_t>);
static_assert(std::is_same_v<decltype(mfd::cloexec), const std::uint32_t>);
static_assert(std::is_same_v<decltype(pidfd::nonblock), const std::uint32_t>);
static_assert(std::is_same_v<decltype(statx_mask::size), const std::uint32_t>);
static_assert(std::is_same_v<decltype(nlm::f_request), const std::uint16_t>);
static_assert(std::is_same_v<decltype(rtm::getlink), const std::uint16_t>);
static_assert(std::is_same_v<decltype(ifla::ifname), const std::uint16_t>);
static_assert(std::is_same_v<decltype(iff::up), const std::uint32_t>);
static_assert(std::is_same_v<decltype(ioctl_req::fionread), const std::uint32_t>);
// PollEntry's events field is a short: every ev:: bit must fit.
static_assert(ev::in + ev::pri + ev::out + ev::err + ev::hup + ev::nval +
                  ev::rdnorm + ev::rdband + ev::wrnorm + ev::wrband +
                  ev::msg + ev::remove + ev::rdhup <=
              0x7fff);

TEST(Constants, OpenFlags) {
  EXPECT_EQ(o::rdonly, O_RDONLY);
  EXPECT_EQ(o::wronly, O_WRONLY);
  EXPECT_EQ(o::rdwr, O_RDWR);
  EXPECT_EQ(o::accmode, O_ACCMODE);
  EXPECT_EQ(o::creat, O_CREAT);
  EXPECT_EQ(o::excl, O_EXCL);
  EXPECT_EQ(o::noctty, O_NOCTTY);
  EXPECT_EQ(o::trunc, O_TRUNC);
  EXPECT_EQ(o::append, O_APPEND);
  EXPECT_EQ(o::nonblock, O_NONBLOCK);
  EXPECT_EQ(o::ndelay, O_NDELAY);
  EXPECT_EQ(o::dsync, O_DSYNC);
  EXPECT_EQ(o::async, O_ASYNC);
  EXPECT_EQ(o::direct, O_DIRECT);
  EXPECT_EQ(o::directory, O_DIRECTORY);
  EXPECT_EQ(o::nofollow, O_NOFOLLOW);
  EXPECT_EQ(o::noatime, O_NOATIME);
  EXPECT_EQ(o::cloexec, O_CLOEXEC);
  EXPECT_EQ(o::sync, O_SYNC);
  EXPECT_EQ(o::rsync, O_RSYNC);
  EXPECT_EQ(o::path, O_PATH);
  EXPECT_EQ(o::tmpfile, O_TMPFILE);
  // glibc's O_LARGEFILE is 0 on LP64; the kernel's bit (asm-generic/fcntl.h,
  // arch/arm64/include/uapi/asm/fcntl.h) is checked here and against the
  // running kernel in ConstantsOnThisKernel.LargeFileBit.
  EXPECT_EQ(O_LARGEFILE, 0);
#if defined(__aarch64__)
  EXPECT_EQ(o::largefile, 0400000);
#else
  EXPECT_EQ(o::largefile, 0100000);
#endif
}

TEST(Constants, AtFlags) {
  EXPECT_EQ(at::fdcwd, AT_FDCWD);
  EXPECT_EQ(at::symlink_nofollow, AT_SYMLINK_NOFOLLOW);
  EXPECT_EQ(at::eaccess, AT_EACCESS);
  EXPECT_EQ(at::removedir, AT_REMOVEDIR);
  EXPECT_EQ(at::symlink_follow, AT_SYMLINK_FOLLOW);
  EXPECT_EQ(at::no_automount, AT_NO_AUTOMOUNT);
  EXPECT_EQ(at::empty_path, AT_EMPTY_PATH);
  EXPECT_EQ(at::statx_sync_type, AT_STATX_SYNC_TYPE);
  EXPECT_EQ(at::statx_sync_as_stat, AT_STATX_SYNC_AS_STAT);
  EXPECT_EQ(at::statx_force_sync, AT_STATX_FORCE_SYNC);
  EXPECT_EQ(at::statx_dont_sync, AT_STATX_DONT_SYNC);
  EXPECT_EQ(at::recursive, AT_RECURSIVE);
  EXPECT_EQ(at::rename_noreplace, RENAME_NOREPLACE);
  EXPECT_EQ(at::rename_exchange, RENAME_EXCHANGE);
  EXPECT_EQ(at::rename_whiteout, RENAME_WHITEOUT);
}

TEST(Constants, FcntlCommandsAndSeals) {
  EXPECT_EQ(f::dupfd, F_DUPFD);
  EXPECT_EQ(f::getfd, F_GETFD);
  EXPECT_EQ(f::setfd, F_SETFD);
  EXPECT_EQ(f::getfl, F_GETFL);
  EXPECT_EQ(f::setfl, F_SETFL);
  EXPECT_EQ(f::getlk, F_GETLK);
  EXPECT_EQ(f::setlk, F_SETLK);
  EXPECT_EQ(f::setlkw, F_SETLKW);
  EXPECT_EQ(f::ofd_getlk, F_OFD_GETLK);
  EXPECT_EQ(f::ofd_setlk, F_OFD_SETLK);
  EXPECT_EQ(f::ofd_setlkw, F_OFD_SETLKW);
  EXPECT_EQ(f::dupfd_cloexec, F_DUPFD_CLOEXEC);
  EXPECT_EQ(f::setpipe_sz, F_SETPIPE_SZ);
  EXPECT_EQ(f::getpipe_sz, F_GETPIPE_SZ);
  EXPECT_EQ(f::add_seals, F_ADD_SEALS);
  EXPECT_EQ(f::get_seals, F_GET_SEALS);
  EXPECT_EQ(f::fd_cloexec, FD_CLOEXEC);
  EXPECT_EQ(f::rdlck, F_RDLCK);
  EXPECT_EQ(f::wrlck, F_WRLCK);
  EXPECT_EQ(f::unlck, F_UNLCK);
  EXPECT_EQ(f::seal_seal, F_SEAL_SEAL);
  EXPECT_EQ(f::seal_shrink, F_SEAL_SHRINK);
  EXPECT_EQ(f::seal_grow, F_SEAL_GROW);
  EXPECT_EQ(f::seal_write, F_SEAL_WRITE);
  EXPECT_EQ(f::seal_future_write, F_SEAL_FUTURE_WRITE);
  // F_SEAL_EXEC: Linux 6.3 (include/uapi/linux/fcntl.h), glibc 2.38.
  EXPECT_EQ(f::seal_exec, 0x20);
}

TEST(Constants, StatxMask) {
  EXPECT_EQ(statx_mask::type, STATX_TYPE);
  EXPECT_EQ(statx_mask::mode, STATX_MODE);
  EXPECT_EQ(statx_mask::nlink, STATX_NLINK);
  EXPECT_EQ(statx_mask::uid, STATX_UID);
  EXPECT_EQ(statx_mask::gid, STATX_GID);
  EXPECT_EQ(statx_mask::atime, STATX_ATIME);
  EXPECT_EQ(statx_mask::mtime, STATX_MTIME);
  EXPECT_EQ(statx_mask::ctime, STATX_CTIME);
  EXPECT_EQ(statx_mask::ino, STATX_INO);
  EXPECT_EQ(statx_mask::size, STATX_SIZE);
  EXPECT_EQ(statx_mask::blocks, STATX_BLOCKS);
  EXPECT_EQ(statx_mask::basic_stats, STATX_BASIC_STATS);
  EXPECT_EQ(statx_mask::btime, STATX_BTIME);
  EXPECT_EQ(statx_mask::mnt_id, STATX_MNT_ID);
  EXPECT_EQ(statx_mask::dioalign, STATX_DIOALIGN);
  // Newer than linux-libc-dev 6.1 (include/uapi/linux/stat.h):
  EXPECT_EQ(statx_mask::mnt_id_unique, 0x4000u);    // Linux 6.8
  EXPECT_EQ(statx_mask::subvol, 0x8000u);           // Linux 6.10
  EXPECT_EQ(statx_mask::write_atomic, 0x10000u);    // Linux 6.11
  EXPECT_EQ(statx_mask::dio_read_align, 0x20000u);  // Linux 6.14
}

TEST(Constants, ReadWriteFlags) {
  EXPECT_EQ(rwf::hipri, RWF_HIPRI);
  EXPECT_EQ(rwf::dsync, RWF_DSYNC);
  EXPECT_EQ(rwf::sync, RWF_SYNC);
  EXPECT_EQ(rwf::nowait, RWF_NOWAIT);
  EXPECT_EQ(rwf::append, RWF_APPEND);
  // RWF_NOAPPEND (Linux 6.9) is in Debian's glibc 2.36-9+deb12u* headers
  // but not in 2.36-8 (the cross toolchains' libc6-dev).
#if defined(RWF_NOAPPEND)
  EXPECT_EQ(rwf::noappend, RWF_NOAPPEND);
#else
  EXPECT_EQ(rwf::noappend, 0x20);
#endif
  // Newer than both installed headers (include/uapi/linux/fs.h):
  EXPECT_EQ(rwf::atomic, 0x40);      // Linux 6.11
  EXPECT_EQ(rwf::dontcache, 0x80);   // Linux 6.14
  EXPECT_EQ(rwf::nosignal, 0x100);   // Linux 6.18
}

TEST(Constants, FileTypes) {
  EXPECT_EQ(s_if::fmt, S_IFMT);
  EXPECT_EQ(s_if::sock, S_IFSOCK);
  EXPECT_EQ(s_if::lnk, S_IFLNK);
  EXPECT_EQ(s_if::reg, S_IFREG);
  EXPECT_EQ(s_if::blk, S_IFBLK);
  EXPECT_EQ(s_if::dir, S_IFDIR);
  EXPECT_EQ(s_if::chr, S_IFCHR);
  EXPECT_EQ(s_if::fifo, S_IFIFO);
}

TEST(Constants, SpliceFlags) {
  EXPECT_EQ(splice_f::move, SPLICE_F_MOVE);
  EXPECT_EQ(splice_f::nonblock, SPLICE_F_NONBLOCK);
  EXPECT_EQ(splice_f::more, SPLICE_F_MORE);
  EXPECT_EQ(splice_f::gift, SPLICE_F_GIFT);
}

TEST(Constants, EventFdFlags) {
  EXPECT_EQ(efd::semaphore, EFD_SEMAPHORE);
  EXPECT_EQ(efd::cloexec, EFD_CLOEXEC);
  EXPECT_EQ(efd::nonblock, EFD_NONBLOCK);
}

TEST(Constants, TimerFdFlags) {
  EXPECT_EQ(tfd::cloexec, TFD_CLOEXEC);
  EXPECT_EQ(tfd::nonblock, TFD_NONBLOCK);
  EXPECT_EQ(tfd::timer_abstime, TFD_TIMER_ABSTIME);
  EXPECT_EQ(tfd::timer_cancel_on_set, TFD_TIMER_CANCEL_ON_SET);
}

TEST(Constants, SignalFdFlags) {
  EXPECT_EQ(sfd::cloexec, SFD_CLOEXEC);
  EXPECT_EQ(sfd::nonblock, SFD_NONBLOCK);
}

TEST(Constants, MemFdFlags) {
  EXPECT_EQ(mfd::cloexec, MFD_CLOEXEC);
  EXPECT_EQ(mfd::allow_sealing, MFD_ALLOW_SEALING);
  EXPECT_EQ(mfd::hugetlb, MFD_HUGETLB);
  // Linux 6.3 (include/uapi/linux/memfd.h), glibc 2.38:
  EXPECT_EQ(mfd::noexec_seal, 0x8u);
  EXPECT_EQ(mfd::exec, 0x10u);
}

TEST(Constants, PidFdFlags) {
  // glibc 2.36 has no <sys/pidfd.h>, and <linux/pidfd.h> drags in
  // <linux/fcntl.h>, which clashes with <fcntl.h>. linux/pidfd.h defines
  // PIDFD_NONBLOCK as O_NONBLOCK and, since Linux 6.9, PIDFD_THREAD as
  // O_EXCL and the PIDFD_SIGNAL_* bits 1, 2, 4.
  EXPECT_EQ(pidfd::nonblock, static_cast<std::uint32_t>(O_NONBLOCK));
  EXPECT_EQ(pidfd::thread, static_cast<std::uint32_t>(O_EXCL));
  EXPECT_EQ(pidfd::signal_thread, 1u);
  EXPECT_EQ(pidfd::signal_thread_group, 2u);
  EXPECT_EQ(pidfd::signal_process_group, 4u);
}

TEST(Constants, PollEvents) {
  EXPECT_EQ(ev::in, POLLIN);
  EXPECT_EQ(ev::pri, POLLPRI);
  EXPECT_EQ(ev::out, POLLOUT);
  EXPECT_EQ(ev::err, POLLERR);
  EXPECT_EQ(ev::hup, POLLHUP);
  EXPECT_EQ(ev::nval, POLLNVAL);
  EXPECT_EQ(ev::rdnorm, POLLRDNORM);
  EXPECT_EQ(ev::rdband, POLLRDBAND);
  EXPECT_EQ(ev::wrnorm, POLLWRNORM);
  EXPECT_EQ(ev::wrband, POLLWRBAND);
  EXPECT_EQ(ev::msg, POLLMSG);
  EXPECT_EQ(ev::remove, POLLREMOVE);
  EXPECT_EQ(ev::rdhup, POLLRDHUP);
}

TEST(Constants, Epoll) {
  EXPECT_EQ(epoll::in, EPOLLIN);
  EXPECT_EQ(epoll::pri, EPOLLPRI);
  EXPECT_EQ(epoll::out, EPOLLOUT);
  EXPECT_EQ(epoll::err, EPOLLERR);
  EXPECT_EQ(epoll::hup, EPOLLHUP);
  EXPECT_EQ(epoll::rdnorm, EPOLLRDNORM);
  EXPECT_EQ(epoll::rdband, EPOLLRDBAND);
  EXPECT_EQ(epoll::wrnorm, EPOLLWRNORM);
  EXPECT_EQ(epoll::wrband, EPOLLWRBAND);
  EXPECT_EQ(epoll::msg, EPOLLMSG);
  EXPECT_EQ(epoll::rdhup, EPOLLRDHUP);
  EXPECT_EQ(epoll::exclusive, EPOLLEXCLUSIVE);
  EXPECT_EQ(epoll::wakeup, EPOLLWAKEUP);
  EXPECT_EQ(epoll::oneshot, EPOLLONESHOT);
  EXPECT_EQ(epoll::et, EPOLLET);
  EXPECT_EQ(epoll::ctl_add, EPOLL_CTL_ADD);
  EXPECT_EQ(epoll::ctl_del, EPOLL_CTL_DEL);
  EXPECT_EQ(epoll::ctl_mod, EPOLL_CTL_MOD);
  EXPECT_EQ(epoll::cloexec, EPOLL_CLOEXEC);
}

TEST(Constants, MemoryProtection) {
  EXPECT_EQ(prot::none, PROT_NONE);
  EXPECT_EQ(prot::read, PROT_READ);
  EXPECT_EQ(prot::write, PROT_WRITE);
  EXPECT_EQ(prot::exec, PROT_EXEC);
}

TEST(Constants, MmapFlags) {
  EXPECT_EQ(map::shared, MAP_SHARED);
  EXPECT_EQ(map::private_, MAP_PRIVATE);
  EXPECT_EQ(map::shared_validate, MAP_SHARED_VALIDATE);
  EXPECT_EQ(map::fixed, MAP_FIXED);
  EXPECT_EQ(map::anonymous, MAP_ANONYMOUS);
  EXPECT_EQ(map::growsdown, MAP_GROWSDOWN);
  EXPECT_EQ(map::locked, MAP_LOCKED);
  EXPECT_EQ(map::noreserve, MAP_NORESERVE);
  EXPECT_EQ(map::populate, MAP_POPULATE);
  EXPECT_EQ(map::stack, MAP_STACK);
  EXPECT_EQ(map::hugetlb, MAP_HUGETLB);
  EXPECT_EQ(map::fixed_noreplace, MAP_FIXED_NOREPLACE);
  EXPECT_EQ(map::huge_shift, MAP_HUGE_SHIFT);
  EXPECT_EQ(map::huge_2mb, MAP_HUGE_2MB);
  EXPECT_EQ(map::huge_1gb, MAP_HUGE_1GB);
}

TEST(Constants, MadviseAdvice) {
  EXPECT_EQ(madv::normal, MADV_NORMAL);
  EXPECT_EQ(madv::random, MADV_RANDOM);
  EXPECT_EQ(madv::sequential, MADV_SEQUENTIAL);
  EXPECT_EQ(madv::willneed, MADV_WILLNEED);
  EXPECT_EQ(madv::dontneed, MADV_DONTNEED);
  EXPECT_EQ(madv::free, MADV_FREE);
  EXPECT_EQ(madv::remove, MADV_REMOVE);
  EXPECT_EQ(madv::dontfork, MADV_DONTFORK);
  EXPECT_EQ(madv::dofork, MADV_DOFORK);
  EXPECT_EQ(madv::hugepage, MADV_HUGEPAGE);
  EXPECT_EQ(madv::nohugepage, MADV_NOHUGEPAGE);
  EXPECT_EQ(madv::dontdump, MADV_DONTDUMP);
  EXPECT_EQ(madv::dodump, MADV_DODUMP);
  EXPECT_EQ(madv::wipeonfork, MADV_WIPEONFORK);
  EXPECT_EQ(madv::keeponfork, MADV_KEEPONFORK);
  EXPECT_EQ(madv::cold, MADV_COLD);
  EXPECT_EQ(madv::pageout, MADV_PAGEOUT);
  EXPECT_EQ(madv::populate_read, MADV_POPULATE_READ);
  EXPECT_EQ(madv::populate_write, MADV_POPULATE_WRITE);
}

TEST(Constants, AddressFamilies) {
  EXPECT_EQ(af::unspec, AF_UNSPEC);
  EXPECT_EQ(af::local, AF_UNIX);
  EXPECT_EQ(af::local, AF_LOCAL);
  EXPECT_EQ(af::inet, AF_INET);
  EXPECT_EQ(af::inet6, AF_INET6);
  EXPECT_EQ(af::netlink, AF_NETLINK);
  EXPECT_EQ(af::packet, AF_PACKET);
}

TEST(Constants, SocketTypes) {
  EXPECT_EQ(sock::stream, SOCK_STREAM);
  EXPECT_EQ(sock::dgram, SOCK_DGRAM);
  EXPECT_EQ(sock::raw, SOCK_RAW);
  EXPECT_EQ(sock::rdm, SOCK_RDM);
  EXPECT_EQ(sock::seqpacket, SOCK_SEQPACKET);
  EXPECT_EQ(sock::nonblock, SOCK_NONBLOCK);
  EXPECT_EQ(sock::cloexec, SOCK_CLOEXEC);
}

TEST(Constants, IpProtocols) {
  EXPECT_EQ(ipproto::ip, IPPROTO_IP);
  EXPECT_EQ(ipproto::icmp, IPPROTO_ICMP);
  EXPECT_EQ(ipproto::tcp, IPPROTO_TCP);
  EXPECT_EQ(ipproto::udp, IPPROTO_UDP);
  EXPECT_EQ(ipproto::ipv6, IPPROTO_IPV6);
  EXPECT_EQ(ipproto::icmpv6, IPPROTO_ICMPV6);
  EXPECT_EQ(ipproto::sctp, IPPROTO_SCTP);
  EXPECT_EQ(ipproto::udplite, IPPROTO_UDPLITE);
  EXPECT_EQ(ipproto::raw, IPPROTO_RAW);
  EXPECT_EQ(ipproto::mptcp, IPPROTO_MPTCP);
}

TEST(Constants, SocketLevels) {
  EXPECT_EQ(sol::ip, SOL_IP);
  EXPECT_EQ(sol::socket, SOL_SOCKET);
  EXPECT_EQ(sol::tcp, SOL_TCP);
  EXPECT_EQ(sol::udp, SOL_UDP);
  EXPECT_EQ(sol::ipv6, SOL_IPV6);
  EXPECT_EQ(sol::icmpv6, SOL_ICMPV6);
  // SOL_SCTP is only in the kernel's private include/linux/socket.h (and in
  // lksctp's header); like every IP-family level it is the protocol number.
  EXPECT_EQ(sol::sctp, IPPROTO_SCTP);
  EXPECT_EQ(sol::raw, SOL_RAW);
  EXPECT_EQ(sol::packet, SOL_PACKET);
  EXPECT_EQ(sol::netlink, SOL_NETLINK);
}

TEST(Constants, SocketOptions) {
  EXPECT_EQ(so::debug, SO_DEBUG);
  EXPECT_EQ(so::reuseaddr, SO_REUSEADDR);
  EXPECT_EQ(so::type, SO_TYPE);
  EXPECT_EQ(so::error, SO_ERROR);
  EXPECT_EQ(so::dontroute, SO_DONTROUTE);
  EXPECT_EQ(so::broadcast, SO_BROADCAST);
  EXPECT_EQ(so::sndbuf, SO_SNDBUF);
  EXPECT_EQ(so::rcvbuf, SO_RCVBUF);
  EXPECT_EQ(so::keepalive, SO_KEEPALIVE);
  EXPECT_EQ(so::oobinline, SO_OOBINLINE);
  EXPECT_EQ(so::no_check, SO_NO_CHECK);
  EXPECT_EQ(so::priority, SO_PRIORITY);
  EXPECT_EQ(so::linger, SO_LINGER);
  EXPECT_EQ(so::bsdcompat, SO_BSDCOMPAT);
  EXPECT_EQ(so::reuseport, SO_REUSEPORT);
  EXPECT_EQ(so::passcred, SO_PASSCRED);
  EXPECT_EQ(so::peercred, SO_PEERCRED);
  EXPECT_EQ(so::rcvlowat, SO_RCVLOWAT);
  EXPECT_EQ(so::sndlowat, SO_SNDLOWAT);
  EXPECT_EQ(so::rcvtimeo, SO_RCVTIMEO);
  EXPECT_EQ(so::rcvtimeo, SO_RCVTIMEO_OLD);
  EXPECT_EQ(so::sndtimeo, SO_SNDTIMEO);
  EXPECT_EQ(so::sndtimeo, SO_SNDTIMEO_OLD);
  EXPECT_EQ(so::bindtodevice, SO_BINDTODEVICE);
  EXPECT_EQ(so::timestamp, SO_TIMESTAMP);
  EXPECT_EQ(so::timestamp, SO_TIMESTAMP_OLD);
  EXPECT_EQ(so::acceptconn, SO_ACCEPTCONN);
  EXPECT_EQ(so::peersec, SO_PEERSEC);
  EXPECT_EQ(so::sndbufforce, SO_SNDBUFFORCE);
  EXPECT_EQ(so::rcvbufforce, SO_RCVBUFFORCE);
  EXPECT_EQ(so::timestampns, SO_TIMESTAMPNS);
  EXPECT_EQ(so::mark, SO_MARK);
  EXPECT_EQ(so::timestamping, SO_TIMESTAMPING);
  EXPECT_EQ(so::protocol, SO_PROTOCOL);
  EXPECT_EQ(so::domain, SO_DOMAIN);
  EXPECT_EQ(so::peek_off, SO_PEEK_OFF);
  EXPECT_EQ(so::busy_poll, SO_BUSY_POLL);
  EXPECT_EQ(so::max_pacing_rate, SO_MAX_PACING_RATE);
  EXPECT_EQ(so::incoming_cpu, SO_INCOMING_CPU);
  EXPECT_EQ(so::attach_reuseport_cbpf, SO_ATTACH_REUSEPORT_CBPF);
  EXPECT_EQ(so::attach_reuseport_ebpf, SO_ATTACH_REUSEPORT_EBPF);
  EXPECT_EQ(so::incoming_napi_id, SO_INCOMING_NAPI_ID);
  EXPECT_EQ(so::cookie, SO_COOKIE);
  EXPECT_EQ(so::zerocopy, SO_ZEROCOPY);
  EXPECT_EQ(so::txtime, SO_TXTIME);
  EXPECT_EQ(so::bindtoifindex, SO_BINDTOIFINDEX);
  EXPECT_EQ(so::prefer_busy_poll, SO_PREFER_BUSY_POLL);
  EXPECT_EQ(so::busy_poll_budget, SO_BUSY_POLL_BUDGET);
  // Linux 6.5 (include/uapi/asm-generic/socket.h); also checked against
  // the running kernel in ConstantsOnThisKernel.PeerPidFd.
  EXPECT_EQ(so::passpidfd, 76);
  EXPECT_EQ(so::peerpidfd, 77);
}

TEST(Constants, ControlMessages) {
  EXPECT_EQ(scm::rights, SCM_RIGHTS);
  EXPECT_EQ(scm::credentials, SCM_CREDENTIALS);
  // SCM_SECURITY and SCM_PIDFD (Linux 6.5) are in the kernel's
  // include/linux/socket.h; glibc names them from 2.39 on.
  EXPECT_EQ(scm::security, 3);
  EXPECT_EQ(scm::pidfd, 4);
  EXPECT_EQ(scm::timestamp, SCM_TIMESTAMP);
  EXPECT_EQ(scm::timestampns, SCM_TIMESTAMPNS);
  EXPECT_EQ(scm::timestamping, SCM_TIMESTAMPING);
}

TEST(Constants, TcpOptions) {
  EXPECT_EQ(tcp::nodelay, TCP_NODELAY);
  EXPECT_EQ(tcp::maxseg, TCP_MAXSEG);
  EXPECT_EQ(tcp::cork, TCP_CORK);
  EXPECT_EQ(tcp::keepidle, TCP_KEEPIDLE);
  EXPECT_EQ(tcp::keepintvl, TCP_KEEPINTVL);
  EXPECT_EQ(tcp::keepcnt, TCP_KEEPCNT);
  EXPECT_EQ(tcp::syncnt, TCP_SYNCNT);
  EXPECT_EQ(tcp::linger2, TCP_LINGER2);
  EXPECT_EQ(tcp::defer_accept, TCP_DEFER_ACCEPT);
  EXPECT_EQ(tcp::window_clamp, TCP_WINDOW_CLAMP);
  EXPECT_EQ(tcp::info, TCP_INFO);
  EXPECT_EQ(tcp::quickack, TCP_QUICKACK);
  EXPECT_EQ(tcp::congestion, TCP_CONGESTION);
  EXPECT_EQ(tcp::user_timeout, TCP_USER_TIMEOUT);
  EXPECT_EQ(tcp::fastopen, TCP_FASTOPEN);
  EXPECT_EQ(tcp::notsent_lowat, TCP_NOTSENT_LOWAT);
  EXPECT_EQ(tcp::fastopen_connect, TCP_FASTOPEN_CONNECT);
  EXPECT_EQ(tcp::ulp, TCP_ULP);
  EXPECT_EQ(tcp::fastopen_no_cookie, TCP_FASTOPEN_NO_COOKIE);
  EXPECT_EQ(tcp::zerocopy_receive, TCP_ZEROCOPY_RECEIVE);
  EXPECT_EQ(tcp::inq, TCP_INQ);
  EXPECT_EQ(tcp::tx_delay, TCP_TX_DELAY);
}

TEST(Constants, UdpOptions) {
  EXPECT_EQ(udp::cork, UDP_CORK);
  EXPECT_EQ(udp::encap, UDP_ENCAP);
  EXPECT_EQ(udp::no_check6_tx, UDP_NO_CHECK6_TX);
  EXPECT_EQ(udp::no_check6_rx, UDP_NO_CHECK6_RX);
  EXPECT_EQ(udp::segment, UDP_SEGMENT);
  EXPECT_EQ(udp::gro, UDP_GRO);
}

TEST(Constants, IpOptions) {
  EXPECT_EQ(ip::tos, IP_TOS);
  EXPECT_EQ(ip::ttl, IP_TTL);
  EXPECT_EQ(ip::hdrincl, IP_HDRINCL);
  EXPECT_EQ(ip::options, IP_OPTIONS);
  EXPECT_EQ(ip::pktinfo, IP_PKTINFO);
  EXPECT_EQ(ip::mtu_discover, IP_MTU_DISCOVER);
  EXPECT_EQ(ip::recverr, IP_RECVERR);
  EXPECT_EQ(ip::recvttl, IP_RECVTTL);
  EXPECT_EQ(ip::recvtos, IP_RECVTOS);
  EXPECT_EQ(ip::mtu, IP_MTU);
  EXPECT_EQ(ip::freebind, IP_FREEBIND);
  EXPECT_EQ(ip::transparent, IP_TRANSPARENT);
  EXPECT_EQ(ip::bind_address_no_port, IP_BIND_ADDRESS_NO_PORT);
  EXPECT_EQ(ip::multicast_if, IP_MULTICAST_IF);
  EXPECT_EQ(ip::multicast_ttl, IP_MULTICAST_TTL);
  EXPECT_EQ(ip::multicast_loop, IP_MULTICAST_LOOP);
  EXPECT_EQ(ip::add_membership, IP_ADD_MEMBERSHIP);
  EXPECT_EQ(ip::drop_membership, IP_DROP_MEMBERSHIP);
  EXPECT_EQ(ip::pmtudisc_dont, IP_PMTUDISC_DONT);
  EXPECT_EQ(ip::pmtudisc_want, IP_PMTUDISC_WANT);
  EXPECT_EQ(ip::pmtudisc_do, IP_PMTUDISC_DO);
  EXPECT_EQ(ip::pmtudisc_probe, IP_PMTUDISC_PROBE);
}

TEST(Constants, Ipv6Options) {
  EXPECT_EQ(ipv6::unicast_hops, IPV6_UNICAST_HOPS);
  EXPECT_EQ(ipv6::multicast_if, IPV6_MULTICAST_IF);
  EXPECT_EQ(ipv6::multicast_hops, IPV6_MULTICAST_HOPS);
  EXPECT_EQ(ipv6::multicast_loop, IPV6_MULTICAST_LOOP);
  EXPECT_EQ(ipv6::add_membership, IPV6_ADD_MEMBERSHIP);
  EXPECT_EQ(ipv6::drop_membership, IPV6_DROP_MEMBERSHIP);
  EXPECT_EQ(ipv6::join_group, IPV6_JOIN_GROUP);
  EXPECT_EQ(ipv6::leave_group, IPV6_LEAVE_GROUP);
  EXPECT_EQ(ipv6::mtu_discover, IPV6_MTU_DISCOVER);
  EXPECT_EQ(ipv6::mtu, IPV6_MTU);
  EXPECT_EQ(ipv6::recverr, IPV6_RECVERR);
  EXPECT_EQ(ipv6::v6only, IPV6_V6ONLY);
  EXPECT_EQ(ipv6::recvpktinfo, IPV6_RECVPKTINFO);
  EXPECT_EQ(ipv6::pktinfo, IPV6_PKTINFO);
  EXPECT_EQ(ipv6::recvhoplimit, IPV6_RECVHOPLIMIT);
  EXPECT_EQ(ipv6::hoplimit, IPV6_HOPLIMIT);
  EXPECT_EQ(ipv6::recvtclass, IPV6_RECVTCLASS);
  EXPECT_EQ(ipv6::tclass, IPV6_TCLASS);
  EXPECT_EQ(ipv6::transparent, IPV6_TRANSPARENT);
  EXPECT_EQ(ipv6::freebind, IPV6_FREEBIND);
}

TEST(Constants, ShutdownDirections) {
  EXPECT_EQ(shut::rd, SHUT_RD);
  EXPECT_EQ(shut::wr, SHUT_WR);
  EXPECT_EQ(shut::rdwr, SHUT_RDWR);
}

TEST(Constants, MsgFlags) {
  EXPECT_EQ(msg::oob, MSG_OOB);
  EXPECT_EQ(msg::peek, MSG_PEEK);
  EXPECT_EQ(msg::dontroute, MSG_DONTROUTE);
  EXPECT_EQ(msg::ctrunc, MSG_CTRUNC);
  EXPECT_EQ(msg::proxy, MSG_PROXY);
  EXPECT_EQ(msg::trunc, MSG_TRUNC);
  EXPECT_EQ(msg::dontwait, MSG_DONTWAIT);
  EXPECT_EQ(msg::eor, MSG_EOR);
  EXPECT_EQ(msg::waitall, MSG_WAITALL);
  EXPECT_EQ(msg::fin, MSG_FIN);
  EXPECT_EQ(msg::syn, MSG_SYN);
  EXPECT_EQ(msg::confirm, MSG_CONFIRM);
  EXPECT_EQ(msg::rst, MSG_RST);
  EXPECT_EQ(msg::errqueue, MSG_ERRQUEUE);
  EXPECT_EQ(msg::nosignal, MSG_NOSIGNAL);
  EXPECT_EQ(msg::more, MSG_MORE);
  EXPECT_EQ(msg::waitforone, MSG_WAITFORONE);
  EXPECT_EQ(msg::batch, MSG_BATCH);
  EXPECT_EQ(msg::zerocopy, MSG_ZEROCOPY);
  EXPECT_EQ(msg::fastopen, MSG_FASTOPEN);
  EXPECT_EQ(msg::cmsg_cloexec, MSG_CMSG_CLOEXEC);
}

TEST(Constants, IoctlRequests) {
  EXPECT_EQ(ioctl_req::tiocoutq, TIOCOUTQ);
  EXPECT_EQ(ioctl_req::fionread, FIONREAD);
  EXPECT_EQ(ioctl_req::fionbio, FIONBIO);
  EXPECT_EQ(ioctl_req::fionclex, FIONCLEX);
  EXPECT_EQ(ioctl_req::fioclex, FIOCLEX);
  EXPECT_EQ(ioctl_req::siocinq, SIOCINQ);
  EXPECT_EQ(ioctl_req::siocoutq, SIOCOUTQ);
  EXPECT_EQ(ioctl_req::siocoutqnsd, SIOCOUTQNSD);
}

TEST(Constants, NetlinkProtocolsAndOptions) {
  EXPECT_EQ(netlink::route, NETLINK_ROUTE);
  EXPECT_EQ(netlink::sock_diag, NETLINK_SOCK_DIAG);
  EXPECT_EQ(netlink::generic, NETLINK_GENERIC);
  EXPECT_EQ(netlink::add_membership, NETLINK_ADD_MEMBERSHIP);
  EXPECT_EQ(netlink::drop_membership, NETLINK_DROP_MEMBERSHIP);
  EXPECT_EQ(netlink::ext_ack, NETLINK_EXT_ACK);
  EXPECT_EQ(netlink::get_strict_chk, NETLINK_GET_STRICT_CHK);
}

TEST(Constants, NetlinkMessageHeader) {
  EXPECT_EQ(nlm::f_request, NLM_F_REQUEST);
  EXPECT_EQ(nlm::f_multi, NLM_F_MULTI);
  EXPECT_EQ(nlm::f_ack, NLM_F_ACK);
  EXPECT_EQ(nlm::f_echo, NLM_F_ECHO);
  EXPECT_EQ(nlm::f_dump_intr, NLM_F_DUMP_INTR);
  EXPECT_EQ(nlm::f_root, NLM_F_ROOT);
  EXPECT_EQ(nlm::f_match, NLM_F_MATCH);
  EXPECT_EQ(nlm::f_atomic, NLM_F_ATOMIC);
  EXPECT_EQ(nlm::f_dump, NLM_F_DUMP);
  EXPECT_EQ(nlm::f_replace, NLM_F_REPLACE);
  EXPECT_EQ(nlm::f_excl, NLM_F_EXCL);
  EXPECT_EQ(nlm::f_create, NLM_F_CREATE);
  EXPECT_EQ(nlm::f_append, NLM_F_APPEND);
  EXPECT_EQ(nlm::msg_noop, NLMSG_NOOP);
  EXPECT_EQ(nlm::msg_error, NLMSG_ERROR);
  EXPECT_EQ(nlm::msg_done, NLMSG_DONE);
  EXPECT_EQ(nlm::msg_overrun, NLMSG_OVERRUN);
  EXPECT_EQ(nlm::alignto, NLMSG_ALIGNTO);
}

TEST(Constants, RtnetlinkMessageTypes) {
  EXPECT_EQ(rtm::newlink, RTM_NEWLINK);
  EXPECT_EQ(rtm::dellink, RTM_DELLINK);
  EXPECT_EQ(rtm::getlink, RTM_GETLINK);
  EXPECT_EQ(rtm::setlink, RTM_SETLINK);
  EXPECT_EQ(rtm::newaddr, RTM_NEWADDR);
  EXPECT_EQ(rtm::deladdr, RTM_DELADDR);
  EXPECT_EQ(rtm::getaddr, RTM_GETADDR);
  EXPECT_EQ(rtm::newroute, RTM_NEWROUTE);
  EXPECT_EQ(rtm::delroute, RTM_DELROUTE);
  EXPECT_EQ(rtm::getroute, RTM_GETROUTE);
}

TEST(Constants, LinkAttributes) {
  EXPECT_EQ(ifla::unspec, IFLA_UNSPEC);
  EXPECT_EQ(ifla::address, IFLA_ADDRESS);
  EXPECT_EQ(ifla::broadcast, IFLA_BROADCAST);
  EXPECT_EQ(ifla::ifname, IFLA_IFNAME);
  EXPECT_EQ(ifla::mtu, IFLA_MTU);
  EXPECT_EQ(ifla::link, IFLA_LINK);
  EXPECT_EQ(ifla::txqlen, IFLA_TXQLEN);
  EXPECT_EQ(ifla::operstate, IFLA_OPERSTATE);
}

TEST(Constants, InterfaceFlags) {
  EXPECT_EQ(iff::up, IFF_UP);
  EXPECT_EQ(iff::broadcast, IFF_BROADCAST);
  EXPECT_EQ(iff::loopback, IFF_LOOPBACK);
  EXPECT_EQ(iff::pointopoint, IFF_POINTOPOINT);
  EXPECT_EQ(iff::running, IFF_RUNNING);
  EXPECT_EQ(iff::noarp, IFF_NOARP);
  EXPECT_EQ(iff::promisc, IFF_PROMISC);
  EXPECT_EQ(iff::allmulti, IFF_ALLMULTI);
  EXPECT_EQ(iff::multicast, IFF_MULTICAST);
  EXPECT_EQ(iff::lower_up, IFF_LOWER_UP);
}

TEST(Constants, Signals) {
  EXPECT_EQ(sig::hup, SIGHUP);
  EXPECT_EQ(sig::intr, SIGINT);
  EXPECT_EQ(sig::quit, SIGQUIT);
  EXPECT_EQ(sig::ill, SIGILL);
  EXPECT_EQ(sig::trap, SIGTRAP);
  EXPECT_EQ(sig::abrt, SIGABRT);
  EXPECT_EQ(sig::bus, SIGBUS);
  EXPECT_EQ(sig::fpe, SIGFPE);
  EXPECT_EQ(sig::kill, SIGKILL);
  EXPECT_EQ(sig::usr1, SIGUSR1);
  EXPECT_EQ(sig::segv, SIGSEGV);
  EXPECT_EQ(sig::usr2, SIGUSR2);
  EXPECT_EQ(sig::pipe, SIGPIPE);
  EXPECT_EQ(sig::alrm, SIGALRM);
  EXPECT_EQ(sig::term, SIGTERM);
  EXPECT_EQ(sig::stkflt, SIGSTKFLT);
  EXPECT_EQ(sig::chld, SIGCHLD);
  EXPECT_EQ(sig::cont, SIGCONT);
  EXPECT_EQ(sig::stop, SIGSTOP);
  EXPECT_EQ(sig::tstp, SIGTSTP);
  EXPECT_EQ(sig::ttin, SIGTTIN);
  EXPECT_EQ(sig::ttou, SIGTTOU);
  EXPECT_EQ(sig::urg, SIGURG);
  EXPECT_EQ(sig::xcpu, SIGXCPU);
  EXPECT_EQ(sig::xfsz, SIGXFSZ);
  EXPECT_EQ(sig::vtalrm, SIGVTALRM);
  EXPECT_EQ(sig::prof, SIGPROF);
  EXPECT_EQ(sig::winch, SIGWINCH);
  EXPECT_EQ(sig::io, SIGIO);
  EXPECT_EQ(sig::io, SIGPOLL);
  EXPECT_EQ(sig::pwr, SIGPWR);
  EXPECT_EQ(sig::sys, SIGSYS);
  // glibc's SIGRTMIN/SIGRTMAX call into libc (it keeps a few real-time
  // signals for itself); __SIGRTMIN/__SIGRTMAX are the kernel's bounds.
  EXPECT_EQ(sig::rtmin, __SIGRTMIN);
  EXPECT_EQ(sig::rtmax, __SIGRTMAX);
  EXPECT_LE(sig::rtmin, SIGRTMIN);
  EXPECT_EQ(sig::rtmax, SIGRTMAX);  // runtime
  EXPECT_EQ(sig::block, SIG_BLOCK);
  EXPECT_EQ(sig::unblock, SIG_UNBLOCK);
  EXPECT_EQ(sig::setmask, SIG_SETMASK);
}

TEST(Constants, WaitIdTypesAndOptions) {
  EXPECT_EQ(wait::p_all, P_ALL);
  EXPECT_EQ(wait::p_pid, P_PID);
  EXPECT_EQ(wait::p_pgid, P_PGID);
  EXPECT_EQ(wait::p_pidfd, P_PIDFD);
  EXPECT_EQ(wait::nohang, WNOHANG);
  EXPECT_EQ(wait::untraced, WUNTRACED);
  EXPECT_EQ(wait::stopped, WSTOPPED);
  EXPECT_EQ(wait::exited, WEXITED);
  EXPECT_EQ(wait::continued, WCONTINUED);
  EXPECT_EQ(wait::nowait, WNOWAIT);
}

TEST(Constants, Clocks) {
  EXPECT_EQ(clock::realtime, CLOCK_REALTIME);
  EXPECT_EQ(clock::monotonic, CLOCK_MONOTONIC);
  EXPECT_EQ(clock::process_cputime_id, CLOCK_PROCESS_CPUTIME_ID);
  EXPECT_EQ(clock::thread_cputime_id, CLOCK_THREAD_CPUTIME_ID);
  EXPECT_EQ(clock::monotonic_raw, CLOCK_MONOTONIC_RAW);
  EXPECT_EQ(clock::realtime_coarse, CLOCK_REALTIME_COARSE);
  EXPECT_EQ(clock::monotonic_coarse, CLOCK_MONOTONIC_COARSE);
  EXPECT_EQ(clock::boottime, CLOCK_BOOTTIME);
  EXPECT_EQ(clock::realtime_alarm, CLOCK_REALTIME_ALARM);
  EXPECT_EQ(clock::boottime_alarm, CLOCK_BOOTTIME_ALARM);
  EXPECT_EQ(clock::tai, CLOCK_TAI);
}

TEST(Constants, GetrandomFlags) {
  EXPECT_EQ(grnd::nonblock, GRND_NONBLOCK);
  EXPECT_EQ(grnd::random, GRND_RANDOM);
  EXPECT_EQ(grnd::insecure, GRND_INSECURE);
}

TEST(Constants, PrctlOptions) {
  EXPECT_EQ(pr::set_pdeathsig, PR_SET_PDEATHSIG);
  EXPECT_EQ(pr::get_pdeathsig, PR_GET_PDEATHSIG);
  EXPECT_EQ(pr::get_dumpable, PR_GET_DUMPABLE);
  EXPECT_EQ(pr::set_dumpable, PR_SET_DUMPABLE);
  EXPECT_EQ(pr::set_name, PR_SET_NAME);
  EXPECT_EQ(pr::get_name, PR_GET_NAME);
  EXPECT_EQ(pr::get_seccomp, PR_GET_SECCOMP);
  EXPECT_EQ(pr::set_seccomp, PR_SET_SECCOMP);
  EXPECT_EQ(pr::set_timerslack, PR_SET_TIMERSLACK);
  EXPECT_EQ(pr::get_timerslack, PR_GET_TIMERSLACK);
  EXPECT_EQ(pr::set_child_subreaper, PR_SET_CHILD_SUBREAPER);
  EXPECT_EQ(pr::get_child_subreaper, PR_GET_CHILD_SUBREAPER);
  EXPECT_EQ(pr::set_no_new_privs, PR_SET_NO_NEW_PRIVS);
  EXPECT_EQ(pr::get_no_new_privs, PR_GET_NO_NEW_PRIVS);
}

TEST(Constants, FutexOps) {
  EXPECT_EQ(futex_op::wait, FUTEX_WAIT);
  EXPECT_EQ(futex_op::wake, FUTEX_WAKE);
  EXPECT_EQ(futex_op::requeue, FUTEX_REQUEUE);
  EXPECT_EQ(futex_op::cmp_requeue, FUTEX_CMP_REQUEUE);
  EXPECT_EQ(futex_op::wake_op, FUTEX_WAKE_OP);
  EXPECT_EQ(futex_op::lock_pi, FUTEX_LOCK_PI);
  EXPECT_EQ(futex_op::unlock_pi, FUTEX_UNLOCK_PI);
  EXPECT_EQ(futex_op::trylock_pi, FUTEX_TRYLOCK_PI);
  EXPECT_EQ(futex_op::wait_bitset, FUTEX_WAIT_BITSET);
  EXPECT_EQ(futex_op::wake_bitset, FUTEX_WAKE_BITSET);
  EXPECT_EQ(futex_op::wait_requeue_pi, FUTEX_WAIT_REQUEUE_PI);
  EXPECT_EQ(futex_op::cmp_requeue_pi, FUTEX_CMP_REQUEUE_PI);
  EXPECT_EQ(futex_op::lock_pi2, FUTEX_LOCK_PI2);
  EXPECT_EQ(futex_op::private_flag, FUTEX_PRIVATE_FLAG);
  EXPECT_EQ(futex_op::clock_realtime, FUTEX_CLOCK_REALTIME);
  EXPECT_EQ(futex_op::wait_private, FUTEX_WAIT_PRIVATE);
  EXPECT_EQ(futex_op::wake_private, FUTEX_WAKE_PRIVATE);
  EXPECT_EQ(futex_op::bitset_match_any, FUTEX_BITSET_MATCH_ANY);
}

TEST(Constants, Futex2Flags) {
  // linux-libc-dev 6.1 has FUTEX_32 and FUTEX_WAITV_MAX (Linux 5.16); the
  // FUTEX2_* names came with Linux 6.7, FUTEX2_MPOL later still
  // (include/uapi/linux/futex.h).
  EXPECT_EQ(futex2::size_u32, FUTEX_32);
  EXPECT_EQ(futex2::waitv_max, FUTEX_WAITV_MAX);
  EXPECT_EQ(futex2::private_, FUTEX_PRIVATE_FLAG);
  EXPECT_EQ(futex2::size_u8, 0x0u);
  EXPECT_EQ(futex2::size_u16, 0x1u);
  EXPECT_EQ(futex2::size_u64, 0x3u);
  EXPECT_EQ(futex2::size_mask, 0x3u);
  EXPECT_EQ(futex2::numa, 0x4u);
  EXPECT_EQ(futex2::mpol, 0x8u);
}

// ---------------------------------------------------------------------------
// Values the installed headers cannot vouch for, confirmed by the kernel the
// tests run on.
// ---------------------------------------------------------------------------

// The kernel sets its O_LARGEFILE bit on every open on a 64-bit kernel, and
// F_GETFL reports it.
TEST(ConstantsOnThisKernel, LargeFileBit) {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  int fl = ::fcntl(fd, F_GETFL);
  ::close(fd);
  ASSERT_GE(fl, 0);
  EXPECT_NE(fl & o::largefile, 0) << std::hex << fl;
  EXPECT_EQ(fl & o::accmode, o::rdonly);
}

// memfd_create(MFD_NOEXEC_SEAL) seals the memfd with F_SEAL_EXEC (6.3+).
TEST(ConstantsOnThisKernel, MemFdNoExecSeal) {
  int fd = ::memfd_create("zring-constants", mfd::noexec_seal | mfd::cloexec);
  if (fd < 0 && errno == EINVAL) GTEST_SKIP() << "kernel older than 6.3";
  ASSERT_GE(fd, 0) << errno;
  int seals = ::fcntl(fd, f::get_seals);
  ::close(fd);
  ASSERT_GE(seals, 0);
  EXPECT_NE(seals & f::seal_exec, 0) << std::hex << seals;
}

// getsockopt(SO_PEERPIDFD) on a socketpair gives a pidfd (6.5+).
TEST(ConstantsOnThisKernel, PeerPidFd) {
  int sv[2];
  ASSERT_EQ(::socketpair(af::local, sock::stream | sock::cloexec, 0, sv), 0);
  int pidfd = -1;
  socklen_t len = sizeof pidfd;
  int r = ::getsockopt(sv[0], sol::socket, so::peerpidfd, &pidfd, &len);
  int e = errno;
  ::close(sv[0]);
  ::close(sv[1]);
  if (r != 0 && e == ENOPROTOOPT) GTEST_SKIP() << "kernel older than 6.5";
  ASSERT_EQ(r, 0) << e;
  EXPECT_GE(pidfd, 0);
  if (pidfd >= 0) ::close(pidfd);
}

// statx() reports the mnt_id_unique bit back when asked for it (6.8+).
TEST(ConstantsOnThisKernel, StatxMountIdUnique) {
  struct statx st {};
  ASSERT_EQ(::statx(AT_FDCWD, "/", 0, statx_mask::mnt_id_unique, &st), 0);
  if ((st.stx_mask & statx_mask::mnt_id_unique) == 0) {
    GTEST_SKIP() << "kernel older than 6.8";
  }
  SUCCEED();
}

}  // namespace
}  // namespace zring::core
