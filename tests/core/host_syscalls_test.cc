// The host syscall layer (core/arch/host.h), which a build for a system
// that is not Linux uses for every core/ call. It runs here under
// --config=host; PretendNotLinux() then makes the calls only Linux has fail
// as they would there, so the emulations (accept4, pipe2, statx, poll) run
// too.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "zring/core/constants.h"
#include "zring/core/event.h"
#include "zring/core/io.h"
#include "zring/core/io_uring.h"
#include "zring/core/socket.h"
#include "tests/runtime/fixtures.h"
#include "zring/core/syscall.h"

#if defined(ZRING_CORE_HOST_SYSCALLS)
#include "zring/core/arch/host_internal.h"
#endif

namespace zring::core {
namespace {

#if !defined(ZRING_CORE_HOST_SYSCALLS)

TEST(HostSyscalls, RunUnderConfigHost) {
  static_assert(!kHostSyscalls);
  GTEST_SKIP() << "core/ makes raw syscalls in this build; .ci/run tests the host layer "
                  "with --config=host";
}

#else

namespace host = arch::host;

// Each test leaves the layer as it found it: Linux's own calls working.
class HostSyscalls : public ::testing::Test {
 protected:
  void TearDown() override { host::PretendNotLinux(false); }
};

TEST_F(HostSyscalls, ErrnoTableIsTheIdentityOnLinux) {
  static_assert(kHostSyscalls);
  ASSERT_GT(host::kErrnoCount, 60u);
  for (size_t i = 0; i < host::kErrnoCount; ++i) {
    EXPECT_EQ(host::kErrnos[i].host, host::kErrnos[i].linux_value) << "entry " << i;
  }
  EXPECT_EQ(host::LinuxErrno(EAGAIN), err::again.value());
  EXPECT_EQ(host::LinuxErrno(ECONNREFUSED), err::connrefused.value());
  // Not in the table: Linux's own number on Linux.
  EXPECT_EQ(host::LinuxErrno(EBADFD), err::badfd.value());
}

TEST_F(HostSyscalls, FlagTablesAreTheIdentityOnLinux) {
  const struct {
    const char* name;
    const host::BitPair* pairs;
    size_t count;
  } tables[] = {{"open", host::kOpenFlags, host::kOpenFlagCount},
                {"msg", host::kMsgFlags, host::kMsgFlagCount},
                {"poll", host::kPollEvents, host::kPollEventCount}};
  for (const auto& t : tables) {
    ASSERT_GT(t.count, 5u) << t.name;
    for (size_t i = 0; i < t.count; ++i) {
      EXPECT_EQ(t.pairs[i].host, t.pairs[i].linux_value) << t.name << " entry " << i;
    }
  }
}

TEST_F(HostSyscalls, CallsOnlyLinuxHasFailWithEnosysElsewhere) {
  alignas(8) unsigned char params[120] = {};
  host::PretendNotLinux(true);
  EXPECT_EQ(io_uring_setup(4, params).error(), err::nosys);
  EXPECT_EQ(epoll_create1(0).error(), err::nosys);
  EXPECT_EQ(eventfd2(0, 0).error(), err::nosys);
  host::PretendNotLinux(false);
  Result<int> efd = eventfd2(0, 0);
  ASSERT_TRUE(efd.ok()) << efd.error().name();
  EXPECT_TRUE(close(*efd).ok());
}

bool HasFlags(int fd, bool nonblock, bool cloexec) {
  return ((::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0) == nonblock &&
         ((::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0) == cloexec;
}

TEST_F(HostSyscalls, Pipe2FromPipeAndFcntl) {
  host::PretendNotLinux(true);
  Result<PipeFds> p = pipe2(o::cloexec | o::nonblock);
  ASSERT_TRUE(p.ok()) << p.error().name();
  EXPECT_TRUE(HasFlags(p->read, true, true));
  EXPECT_TRUE(HasFlags(p->write, true, true));
  char c;
  EXPECT_EQ(read(p->read, &c, 1).error(), err::again);
  Result<int> fl = fcntl(p->read, f::getfl);
  ASSERT_TRUE(fl.ok());
  EXPECT_NE(*fl & o::nonblock, 0);
  EXPECT_EQ(pipe2(o::direct).error(), err::inval);  // not a pipe2 flag here
  EXPECT_TRUE(close(p->read).ok());
  EXPECT_TRUE(close(p->write).ok());
}

TEST_F(HostSyscalls, StatxFromFstatat) {
  char path[] = "/tmp/zring_host_statx_XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "hello", 5), 5);
  struct stat st {};
  ASSERT_EQ(::fstat(fd, &st), 0);

  host::PretendNotLinux(true);
  Statx by_path{};
  ASSERT_TRUE(statx(at::fdcwd, path, 0, statx_mask::basic_stats, &by_path).ok());
  Statx by_fd{};
  ASSERT_TRUE(statx(fd, "", at::empty_path, statx_mask::basic_stats, &by_fd).ok());
  for (const Statx& x : {by_path, by_fd}) {
    EXPECT_EQ(x.mask & statx_mask::basic_stats, statx_mask::basic_stats);
    EXPECT_EQ(x.size, 5u);
    EXPECT_EQ(x.ino, st.st_ino);
    EXPECT_EQ(x.mode, st.st_mode);
    EXPECT_EQ(x.nlink, st.st_nlink);
    EXPECT_EQ(x.mtime.sec, st.st_mtim.tv_sec);
    EXPECT_EQ(x.dev_major, major(st.st_dev));
    EXPECT_EQ(x.dev_minor, minor(st.st_dev));
  }
  Statx cwd{};
  ASSERT_TRUE(statx(at::fdcwd, "", at::empty_path, statx_mask::basic_stats, &cwd).ok());
  EXPECT_EQ(cwd.mode & s_if::fmt, s_if::dir);
  Result<Statx> via_fstat = fstat(fd);  // core::fstat is statx underneath
  ASSERT_TRUE(via_fstat.ok());
  EXPECT_EQ(via_fstat->size, 5u);
  Statx none{};
  EXPECT_EQ(statx(at::fdcwd, "/nonexistent/zring", 0, statx_mask::basic_stats, &none).error(),
            err::noent);
  EXPECT_EQ(statx(at::fdcwd, path, at::removedir, statx_mask::basic_stats, &none).error(),
            err::inval);
  ::close(fd);
  ::unlink(path);
}

// A listening TCP socket on 127.0.0.1 and its address, in Linux's layout.
struct Listener {
  int fd = -1;
  SockAddrIn addr{};
  ~Listener() {
    if (fd >= 0) ::close(fd);
  }
};

void Listen(Listener* l) {
  Result<int> s = socket(af::inet, sock::stream | sock::cloexec);
  ASSERT_TRUE(s.ok()) << s.error().name();
  l->fd = *s;
  l->addr.family = af::inet;
  l->addr.addr = host_to_net32(0x7f000001);
  ASSERT_TRUE(bind(l->fd, &l->addr, sizeof l->addr).ok());
  ASSERT_TRUE(listen(l->fd, 4).ok());
  SockLen len = sizeof l->addr;
  ASSERT_TRUE(getsockname(l->fd, &l->addr, &len).ok());
  ASSERT_EQ(len, sizeof(SockAddrIn));
  ASSERT_EQ(l->addr.family, af::inet);
  ASSERT_NE(l->addr.port, 0);
}

TEST_F(HostSyscalls, AcceptSetsFlagsAndPeer) {
  host::PretendNotLinux(true);
  Listener l;
  ASSERT_NO_FATAL_FAILURE(Listen(&l));
  Result<int> client = socket(af::inet, sock::stream);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(connect(*client, &l.addr, sizeof l.addr).ok());
  SockAddrIn mine{};
  SockLen mine_len = sizeof mine;
  ASSERT_TRUE(getsockname(*client, &mine, &mine_len).ok());

  SockAddrStorage peer{};
  SockLen peer_len = sizeof peer;
  Result<int> conn = accept4(l.fd, &peer, &peer_len, sock::nonblock | sock::cloexec);
  ASSERT_TRUE(conn.ok()) << conn.error().name();
  EXPECT_TRUE(HasFlags(*conn, true, true));
  ASSERT_EQ(peer_len, sizeof(SockAddrIn));
  SockAddrIn peer_in;
  std::memcpy(&peer_in, &peer, sizeof peer_in);
  EXPECT_EQ(peer_in.family, af::inet);
  EXPECT_EQ(peer_in.port, mine.port);
  EXPECT_EQ(peer_in.addr, host_to_net32(0x7f000001));
  // A buffer too small for the address: truncated, and the full size told.
  SockAddr small{};
  SockLen small_len = 4;
  ASSERT_TRUE(getpeername(*conn, &small, &small_len).ok());
  EXPECT_EQ(small_len, sizeof(SockAddrIn));
  EXPECT_EQ(small.family, af::inet);
  EXPECT_EQ(accept4(l.fd, nullptr, nullptr, 0x1).error(), err::inval);

  // Without flags, blocking, even from a nonblocking listener (a BSD's
  // accept() would copy the listener's O_NONBLOCK).
  ASSERT_EQ(::fcntl(l.fd, F_SETFL, ::fcntl(l.fd, F_GETFL) | O_NONBLOCK), 0);
  Result<int> client2 = socket(af::inet, sock::stream);
  ASSERT_TRUE(client2.ok());
  ASSERT_TRUE(connect(*client2, &l.addr, sizeof l.addr).ok());
  Result<int> conn2 = accept4(l.fd, nullptr, nullptr, 0);
  ASSERT_TRUE(conn2.ok()) << conn2.error().name();
  EXPECT_TRUE(HasFlags(*conn2, false, false));

  // A stream socket's recvfrom has no address to give: length 0.
  ASSERT_EQ(::write(*client, "x", 1), 1);
  char byte;
  SockAddrStorage from{};
  SockLen from_len = sizeof from;
  Result<size_t> got = recvfrom(*conn, &byte, 1, 0, &from, &from_len);
  ASSERT_TRUE(got.ok()) << got.error().name();
  EXPECT_EQ(from_len, 0u);
  ::close(*conn2);
  ::close(*client2);
  ::close(*conn);
  ::close(*client);
}

TEST_F(HostSyscalls, UdpMessagesCarryAddressesAndFlags) {
  host::PretendNotLinux(true);
  Result<int> a = socket(af::inet6, sock::dgram);
  Result<int> b = socket(af::inet6, sock::dgram);
  ASSERT_TRUE(a.ok() && b.ok());
  SockAddrIn6 to{};
  to.family = af::inet6;
  to.addr[15] = 1;  // ::1
  ASSERT_TRUE(bind(*b, &to, sizeof to).ok());
  SockLen len = sizeof to;
  ASSERT_TRUE(getsockname(*b, &to, &len).ok());
  ASSERT_EQ(to.family, af::inet6);

  char out[] = "datagram";
  IoVec out_iov{out, sizeof out};
  MsgHdr m{};
  m.name = &to;
  m.namelen = sizeof to;
  m.iov = &out_iov;
  m.iovlen = 1;
  Result<size_t> sent = sendmsg(*a, &m, msg::nosignal);
  ASSERT_TRUE(sent.ok()) << sent.error().name();

  char in[4];
  IoVec in_iov{in, sizeof in};
  SockAddrIn6 from{};
  MsgHdr r{};
  r.name = &from;
  r.namelen = sizeof from;
  r.iov = &in_iov;
  r.iovlen = 1;
  Result<size_t> got = recvmsg(*b, &r, 0);
  ASSERT_TRUE(got.ok()) << got.error().name();
  EXPECT_EQ(*got, sizeof in);
  EXPECT_NE(r.flags & msg::trunc, 0);  // the rest of the datagram was cut
  EXPECT_EQ(r.namelen, sizeof(SockAddrIn6));
  EXPECT_EQ(from.family, af::inet6);
  EXPECT_EQ(from.addr[15], 1);
  ::close(*a);
  ::close(*b);
}

TEST_F(HostSyscalls, MessageBatchesOneAtATime) {
  host::PretendNotLinux(true);
  Result<int> a = socket(af::inet, sock::dgram);
  Result<int> b = socket(af::inet, sock::dgram | sock::nonblock);
  ASSERT_TRUE(a.ok() && b.ok());
  SockAddrIn to{};
  to.family = af::inet;
  to.addr = host_to_net32(0x7f000001);
  ASSERT_TRUE(bind(*b, &to, sizeof to).ok());
  SockLen len = sizeof to;
  ASSERT_TRUE(getsockname(*b, &to, &len).ok());
  ASSERT_TRUE(connect(*a, &to, sizeof to).ok());

  char out[3][2] = {{'a', '1'}, {'b', '2'}, {'c', '3'}};
  IoVec out_iov[3];
  MMsgHdr sends[3] = {};
  for (int i = 0; i < 3; ++i) {
    out_iov[i] = {out[i], 2};
    sends[i].hdr.iov = &out_iov[i];
    sends[i].hdr.iovlen = 1;
  }
  Result<unsigned> sent = sendmmsg(*a, sends, 3, 0);
  ASSERT_TRUE(sent.ok()) << sent.error().name();
  EXPECT_EQ(*sent, 3u);
  EXPECT_EQ(sends[2].len, 2u);

  char in[4][2] = {};
  IoVec in_iov[4];
  MMsgHdr recvs[4] = {};
  for (int i = 0; i < 4; ++i) {
    in_iov[i] = {in[i], 2};
    recvs[i].hdr.iov = &in_iov[i];
    recvs[i].hdr.iovlen = 1;
  }
  // Three are there; the fourth slot ends the batch instead of waiting.
  Result<unsigned> got = recvmmsg(*b, recvs, 4, msg::waitforone, nullptr);
  ASSERT_TRUE(got.ok()) << got.error().name();
  ASSERT_EQ(*got, 3u);
  EXPECT_EQ(std::string(in[1], 2), "b2");
  EXPECT_EQ(recvs[2].len, 2u);
  // Nothing left: the first message's error.
  EXPECT_EQ(recvmmsg(*b, recvs, 4, 0, nullptr).error(), err::again);
  ::close(*a);
  ::close(*b);
}

TEST_F(HostSyscalls, FdsPassedInControlMessages) {
  host::PretendNotLinux(true);
  Result<int> a = socket(af::local, sock::stream);
  ASSERT_TRUE(a.ok());
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);

  // Two fds in Linux's layout: one CMsgHdr, two ints.
  alignas(CMsgHdr) unsigned char control[cmsg_space(2 * sizeof(int))] = {};
  MsgHdr m{};
  char byte = 'x';
  IoVec iov{&byte, 1};
  m.iov = &iov;
  m.iovlen = 1;
  m.control = control;
  m.controllen = sizeof control;
  CMsgHdr* c = cmsg_first(m);
  c->level = sol::socket;
  c->type = scm::rights;
  c->len = cmsg_len(2 * sizeof(int));
  std::memcpy(cmsg_data(c), pipe_fds, sizeof pipe_fds);
  ASSERT_TRUE(sendmsg(pair[0], &m, 0).ok());

  // Room for one: the first arrives, the second is closed, MSG_CTRUNC.
  const int before = zring::testing::CountOpenFds();
  alignas(CMsgHdr) unsigned char in_control[cmsg_space(sizeof(int))] = {};
  MsgHdr r{};
  char in_byte = 0;
  IoVec in_iov{&in_byte, 1};
  r.iov = &in_iov;
  r.iovlen = 1;
  r.control = in_control;
  r.controllen = cmsg_len(sizeof(int));  // cmsg_space() would hold two
  Result<size_t> got = recvmsg(pair[1], &r, 0);
  ASSERT_TRUE(got.ok()) << got.error().name();
  EXPECT_EQ(in_byte, 'x');
  EXPECT_NE(r.flags & msg::ctrunc, 0);
  CMsgHdr* rc = cmsg_first(r);
  ASSERT_NE(rc, nullptr);
  EXPECT_EQ(rc->level, sol::socket);
  EXPECT_EQ(rc->type, scm::rights);
  ASSERT_EQ(rc->len, cmsg_len(sizeof(int)));
  int passed;
  std::memcpy(&passed, cmsg_data(rc), sizeof passed);
  EXPECT_EQ(zring::testing::CountOpenFds(), before + 1);  // one arrived, the other was closed
  // The passed read end reads what goes into the pipe.
  ASSERT_EQ(::write(pipe_fds[1], "p", 1), 1);
  char p = 0;
  EXPECT_EQ(::read(passed, &p, 1), 1);
  EXPECT_EQ(p, 'p');
  for (int fd : {passed, pipe_fds[0], pipe_fds[1], pair[0], pair[1], *a}) ::close(fd);
}

TEST_F(HostSyscalls, PollEventsAndSocketErrors) {
  host::PretendNotLinux(true);
  // A port nobody listens on: a nonblocking connect fails later, and
  // SO_ERROR says so in Linux's number.
  Listener l;
  ASSERT_NO_FATAL_FAILURE(Listen(&l));
  SockAddrIn closed = l.addr;
  ::close(l.fd);
  l.fd = -1;
  Result<int> s = socket(af::inet, sock::stream | sock::nonblock);
  ASSERT_TRUE(s.ok());
  Result<void> c = connect(*s, &closed, sizeof closed);
  ASSERT_FALSE(c.ok());
  if (c.error() == err::inprogress) {
    PollEntry e{*s, static_cast<short>(ev::out), 0};
    const Timespec second{1, 0};
    Result<int> n = ppoll(&e, 1, &second);
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(*n, 1);
    EXPECT_NE(e.revents & ev::out, 0);
    EXPECT_EQ(e.events, static_cast<short>(ev::out));  // the caller's array left as it was
    Result<int> so_error = getsockopt_int(*s, sol::socket, so::error);
    ASSERT_TRUE(so_error.ok());
    EXPECT_EQ(*so_error, err::connrefused.value());
  } else {
    EXPECT_EQ(c.error(), err::connrefused);
  }
  Result<int> type = getsockopt_int(*s, sol::socket, so::type);
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(*type, sock::stream);
  ::close(*s);
}

#endif  // ZRING_CORE_HOST_SYSCALLS

}  // namespace
}  // namespace zring::core
