// zring/core/socket.h: layouts and constants against the system headers,
// then every wrapper on real loopback, Unix and UDP sockets, success and
// failure. Ports are always 0 at bind time and read back afterwards.
#include "zring/core/socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

#include <gtest/gtest.h>

#include "zring/core/result.h"
#include "zring/core/types.h"

namespace zring::core {
namespace {

// Owns a raw fd for the length of a test.
class TestFd {
 public:
  TestFd() = default;
  explicit TestFd(int fd) : fd_(fd) {}
  TestFd(const TestFd&) = delete;
  TestFd& operator=(const TestFd&) = delete;
  ~TestFd() { reset(); }
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

SockAddrIn Loopback4(std::uint16_t port) {
  SockAddrIn a{};
  a.family = af::inet;
  a.port = host_to_net16(port);
  a.addr = host_to_net32(0x7f000001);
  return a;
}

// A TCP socket bound to 127.0.0.1 on a kernel-chosen port; *port gets it.
int BoundTcp4(std::uint16_t* port) {
  Result<int> fd = core::socket(af::inet, sock::stream | sock::cloexec);
  if (!fd) return -1;
  SockAddrIn addr = Loopback4(0);
  if (!core::bind(*fd, &addr, sizeof addr)) {
    ::close(*fd);
    return -1;
  }
  SockAddrIn got{};
  SockLen len = sizeof got;
  if (!core::getsockname(*fd, &got, &len)) {
    ::close(*fd);
    return -1;
  }
  *port = net_to_host16(got.port);
  return *fd;
}

// ---------------------------------------------------------------------------
// Layouts and constants.
// ---------------------------------------------------------------------------

TEST(SocketLayout, SockAddrAndSockAddrInMatchSystem) {
  EXPECT_EQ(sizeof(SockAddr), sizeof(sockaddr));
  EXPECT_EQ(offsetof(SockAddr, family), offsetof(sockaddr, sa_family));
  EXPECT_EQ(offsetof(SockAddr, data), offsetof(sockaddr, sa_data));
  EXPECT_EQ(sizeof(SockAddr::data), sizeof(sockaddr::sa_data));

  EXPECT_EQ(sizeof(SockAddrIn), sizeof(sockaddr_in));
  EXPECT_EQ(alignof(SockAddrIn), alignof(sockaddr_in));
  EXPECT_EQ(offsetof(SockAddrIn, family), offsetof(sockaddr_in, sin_family));
  EXPECT_EQ(offsetof(SockAddrIn, port), offsetof(sockaddr_in, sin_port));
  EXPECT_EQ(offsetof(SockAddrIn, addr), offsetof(sockaddr_in, sin_addr));
  EXPECT_EQ(offsetof(SockAddrIn, zero), offsetof(sockaddr_in, sin_zero));
}

TEST(SocketLayout, SockAddrIn6MatchesSystem) {
  EXPECT_EQ(sizeof(SockAddrIn6), sizeof(sockaddr_in6));
  EXPECT_EQ(alignof(SockAddrIn6), alignof(sockaddr_in6));
  EXPECT_EQ(offsetof(SockAddrIn6, family), offsetof(sockaddr_in6, sin6_family));
  EXPECT_EQ(offsetof(SockAddrIn6, port), offsetof(sockaddr_in6, sin6_port));
  EXPECT_EQ(offsetof(SockAddrIn6, flowinfo), offsetof(sockaddr_in6, sin6_flowinfo));
  EXPECT_EQ(offsetof(SockAddrIn6, addr), offsetof(sockaddr_in6, sin6_addr));
  EXPECT_EQ(offsetof(SockAddrIn6, scope_id), offsetof(sockaddr_in6, sin6_scope_id));
}

TEST(SocketLayout, SockAddrUnNlAndStorageMatchSystem) {
  EXPECT_EQ(sizeof(SockAddrUn), sizeof(sockaddr_un));
  EXPECT_EQ(offsetof(SockAddrUn, path), offsetof(sockaddr_un, sun_path));
  EXPECT_EQ(sizeof(SockAddrUn::path), sizeof(sockaddr_un::sun_path));

  EXPECT_EQ(sizeof(SockAddrNl), sizeof(sockaddr_nl));
  EXPECT_EQ(offsetof(SockAddrNl, family), offsetof(sockaddr_nl, nl_family));
  EXPECT_EQ(offsetof(SockAddrNl, pad), offsetof(sockaddr_nl, nl_pad));
  EXPECT_EQ(offsetof(SockAddrNl, pid), offsetof(sockaddr_nl, nl_pid));
  EXPECT_EQ(offsetof(SockAddrNl, groups), offsetof(sockaddr_nl, nl_groups));

  EXPECT_EQ(sizeof(SockAddrStorage), sizeof(sockaddr_storage));
  EXPECT_EQ(alignof(SockAddrStorage), alignof(sockaddr_storage));
  EXPECT_EQ(offsetof(SockAddrStorage, family), offsetof(sockaddr_storage, ss_family));
}

TEST(SocketLayout, MsgHdrAndMMsgHdrMatchSystem) {
  EXPECT_EQ(sizeof(MsgHdr), sizeof(msghdr));
  EXPECT_EQ(offsetof(MsgHdr, name), offsetof(msghdr, msg_name));
  EXPECT_EQ(offsetof(MsgHdr, namelen), offsetof(msghdr, msg_namelen));
  EXPECT_EQ(offsetof(MsgHdr, iov), offsetof(msghdr, msg_iov));
  EXPECT_EQ(offsetof(MsgHdr, iovlen), offsetof(msghdr, msg_iovlen));
  EXPECT_EQ(offsetof(MsgHdr, control), offsetof(msghdr, msg_control));
  EXPECT_EQ(offsetof(MsgHdr, controllen), offsetof(msghdr, msg_controllen));
  EXPECT_EQ(offsetof(MsgHdr, flags), offsetof(msghdr, msg_flags));
  EXPECT_EQ(sizeof(MsgHdr::namelen), sizeof(msghdr::msg_namelen));
  EXPECT_EQ(sizeof(MsgHdr::iovlen), sizeof(msghdr::msg_iovlen));
  EXPECT_EQ(sizeof(MsgHdr::controllen), sizeof(msghdr::msg_controllen));

  EXPECT_EQ(sizeof(MMsgHdr), sizeof(mmsghdr));
  EXPECT_EQ(offsetof(MMsgHdr, hdr), offsetof(mmsghdr, msg_hdr));
  EXPECT_EQ(offsetof(MMsgHdr, len), offsetof(mmsghdr, msg_len));
  EXPECT_EQ(sizeof(SockLen), sizeof(socklen_t));
}

TEST(SocketLayout, CMsgHdrLingerAndUCredMatchSystem) {
  EXPECT_EQ(sizeof(CMsgHdr), sizeof(cmsghdr));
  EXPECT_EQ(offsetof(CMsgHdr, len), offsetof(cmsghdr, cmsg_len));
  EXPECT_EQ(offsetof(CMsgHdr, level), offsetof(cmsghdr, cmsg_level));
  EXPECT_EQ(offsetof(CMsgHdr, type), offsetof(cmsghdr, cmsg_type));
  EXPECT_EQ(sizeof(CMsgHdr::len), sizeof(cmsghdr::cmsg_len));

  EXPECT_EQ(sizeof(Linger), sizeof(linger));
  EXPECT_EQ(offsetof(Linger, onoff), offsetof(linger, l_onoff));
  EXPECT_EQ(offsetof(Linger, linger), offsetof(linger, l_linger));

  EXPECT_EQ(sizeof(UCred), sizeof(ucred));
  EXPECT_EQ(offsetof(UCred, pid), offsetof(ucred, pid));
  EXPECT_EQ(offsetof(UCred, uid), offsetof(ucred, uid));
  EXPECT_EQ(offsetof(UCred, gid), offsetof(ucred, gid));
}

// The constants live in constants.h (checked in full by its own test);
// these are the ones socket.h's wrappers and comments lean on.
TEST(SocketConstants, MatchSystemHeaders) {
  EXPECT_EQ(af::unspec, AF_UNSPEC);
  EXPECT_EQ(af::local, AF_UNIX);
  EXPECT_EQ(af::inet, AF_INET);
  EXPECT_EQ(af::inet6, AF_INET6);
  EXPECT_EQ(af::netlink, AF_NETLINK);

  EXPECT_EQ(sock::stream, SOCK_STREAM);
  EXPECT_EQ(sock::dgram, SOCK_DGRAM);
  EXPECT_EQ(sock::raw, SOCK_RAW);
  EXPECT_EQ(sock::seqpacket, SOCK_SEQPACKET);
  EXPECT_EQ(sock::nonblock, SOCK_NONBLOCK);
  EXPECT_EQ(sock::cloexec, SOCK_CLOEXEC);

  EXPECT_EQ(ipproto::tcp, IPPROTO_TCP);
  EXPECT_EQ(ipproto::udp, IPPROTO_UDP);
  EXPECT_EQ(ipproto::ipv6, IPPROTO_IPV6);
  EXPECT_EQ(sol::socket, SOL_SOCKET);
  EXPECT_EQ(sol::tcp, SOL_TCP);
  EXPECT_EQ(sol::udp, SOL_UDP);
  EXPECT_EQ(sol::ipv6, SOL_IPV6);

  EXPECT_EQ(so::reuseaddr, SO_REUSEADDR);
  EXPECT_EQ(so::type, SO_TYPE);
  EXPECT_EQ(so::error, SO_ERROR);
  EXPECT_EQ(so::rcvbuf, SO_RCVBUF);
  EXPECT_EQ(so::linger, SO_LINGER);
  EXPECT_EQ(so::peercred, SO_PEERCRED);
  EXPECT_EQ(so::rcvtimeo, SO_RCVTIMEO);
  EXPECT_EQ(so::acceptconn, SO_ACCEPTCONN);
  EXPECT_EQ(so::domain, SO_DOMAIN);
  EXPECT_EQ(tcp::nodelay, TCP_NODELAY);
  EXPECT_EQ(ipv6::v6only, IPV6_V6ONLY);

  EXPECT_EQ(shut::rd, SHUT_RD);
  EXPECT_EQ(shut::wr, SHUT_WR);
  EXPECT_EQ(shut::rdwr, SHUT_RDWR);

  EXPECT_EQ(msg::ctrunc, MSG_CTRUNC);
  EXPECT_EQ(msg::trunc, MSG_TRUNC);
  EXPECT_EQ(msg::dontwait, MSG_DONTWAIT);
  EXPECT_EQ(msg::nosignal, MSG_NOSIGNAL);
  EXPECT_EQ(msg::waitforone, MSG_WAITFORONE);
  EXPECT_EQ(msg::cmsg_cloexec, MSG_CMSG_CLOEXEC);
  EXPECT_EQ(scm::rights, SCM_RIGHTS);
  EXPECT_EQ(scm::credentials, SCM_CREDENTIALS);
}

TEST(SocketByteOrder, MatchesHtonsAndHtonl) {
  static_assert(host_to_net16(0x1234) == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0x3412 : 0x1234),
                "host_to_net16 is usable in constant expressions");
  static_assert(net_to_host32(host_to_net32(0xdeadbeef)) == 0xdeadbeef);
  const std::uint16_t shorts[] = {0, 1, 0x00ff, 0xff00, 0x1234, 80, 443, 65535};
  for (std::uint16_t v : shorts) {
    EXPECT_EQ(host_to_net16(v), htons(v)) << v;
    EXPECT_EQ(net_to_host16(v), ntohs(v)) << v;
  }
  const std::uint32_t longs[] = {0, 1, 0x7f000001, 0xc0a80001, 0x12345678, 0xffffffff};
  for (std::uint32_t v : longs) {
    EXPECT_EQ(host_to_net32(v), htonl(v)) << v;
    EXPECT_EQ(net_to_host32(v), ntohl(v)) << v;
  }
  // 127.0.0.1 in network order, as inet_pton writes it.
  in_addr a{};
  ASSERT_EQ(inet_pton(AF_INET, "127.0.0.1", &a), 1);
  EXPECT_EQ(Loopback4(0).addr, a.s_addr);
}

TEST(SocketCmsg, SizesMatchMacros) {
  for (std::size_t n : {0u, 1u, 3u, 4u, 7u, 8u, 12u, 16u, 100u}) {
    EXPECT_EQ(cmsg_align(n), CMSG_ALIGN(n)) << n;
    EXPECT_EQ(cmsg_space(n), CMSG_SPACE(n)) << n;
    EXPECT_EQ(cmsg_len(n), CMSG_LEN(n)) << n;
  }
  static_assert(cmsg_space(sizeof(int)) == CMSG_SPACE(sizeof(int)),
                "cmsg_space() is usable to size an array");
}

TEST(SocketCmsg, WalkMatchesMacros) {
  // Two messages back to back: three fds, then a UCred.
  alignas(CMsgHdr) unsigned char control[cmsg_space(3 * sizeof(int)) + cmsg_space(sizeof(UCred))] = {};
  MsgHdr m{};
  m.control = control;
  m.controllen = sizeof control;

  CMsgHdr* first = cmsg_first(m);
  ASSERT_NE(first, nullptr);
  first->level = sol::socket;
  first->type = scm::rights;
  first->len = cmsg_len(3 * sizeof(int));
  CMsgHdr* second = cmsg_next(m, first);
  ASSERT_NE(second, nullptr);
  second->level = sol::socket;
  second->type = scm::credentials;
  second->len = cmsg_len(sizeof(UCred));

  // The same buffer seen through libc's macros.
  msghdr sys{};
  sys.msg_control = control;
  sys.msg_controllen = sizeof control;
  cmsghdr* sys_first = CMSG_FIRSTHDR(&sys);
  ASSERT_EQ(static_cast<void*>(sys_first), static_cast<void*>(first));
  EXPECT_EQ(static_cast<void*>(CMSG_DATA(sys_first)), static_cast<void*>(cmsg_data(first)));
  cmsghdr* sys_second = CMSG_NXTHDR(&sys, sys_first);
  ASSERT_EQ(static_cast<void*>(sys_second), static_cast<void*>(second));
  EXPECT_EQ(CMSG_NXTHDR(&sys, sys_second), nullptr);
  EXPECT_EQ(cmsg_next(m, second), nullptr);
  const CMsgHdr* as_const = second;
  EXPECT_EQ(cmsg_data(as_const), cmsg_data(second));
}

TEST(SocketCmsg, EmptyShortAndMalformedBuffers) {
  MsgHdr m{};
  EXPECT_EQ(cmsg_first(m), nullptr);  // no buffer at all
  alignas(CMsgHdr) unsigned char control[cmsg_space(sizeof(int))] = {};
  m.control = control;
  m.controllen = sizeof(CMsgHdr) - 1;
  EXPECT_EQ(cmsg_first(m), nullptr);  // too short for a header
  m.controllen = sizeof control;
  CMsgHdr* c = cmsg_first(m);
  ASSERT_NE(c, nullptr);
  c->len = 0;  // malformed: shorter than its own header
  EXPECT_EQ(cmsg_next(m, c), nullptr);
  c->len = ~std::size_t{0} - 3;  // would step far past the end
  EXPECT_EQ(cmsg_next(m, c), nullptr);
  EXPECT_EQ(cmsg_next(m, nullptr), nullptr);

  // A good first message followed by a header whose length runs past the
  // buffer: the walk stops at the first.
  alignas(CMsgHdr) unsigned char two[cmsg_space(sizeof(int)) + cmsg_space(sizeof(int))] = {};
  MsgHdr m2{};
  m2.control = two;
  m2.controllen = sizeof two;
  CMsgHdr* a = cmsg_first(m2);
  ASSERT_NE(a, nullptr);
  a->len = cmsg_len(sizeof(int));
  CMsgHdr* b = cmsg_next(m2, a);
  ASSERT_NE(b, nullptr);
  b->len = sizeof two;  // longer than what is left after a
  EXPECT_EQ(cmsg_next(m2, a), nullptr);
  b->len = ~std::size_t{0};
  EXPECT_EQ(cmsg_next(m2, a), nullptr);
}

// ---------------------------------------------------------------------------
// TCP.
// ---------------------------------------------------------------------------

TEST(SocketTcp, LoopbackConnectSendRecvShutdown) {
  std::uint16_t port = 0;
  TestFd listener(BoundTcp4(&port));
  ASSERT_GE(listener.get(), 0);
  ASSERT_NE(port, 0);
  ASSERT_TRUE(core::listen(listener.get(), 16));

  Result<int> client = core::socket(af::inet, sock::stream | sock::cloexec);
  ASSERT_TRUE(client) << client.error().name();
  TestFd client_fd(*client);
  SockAddrIn to = Loopback4(port);
  Result<void> c = core::connect(client_fd.get(), &to, sizeof to);
  ASSERT_TRUE(c) << c.error().name();

  SockAddrIn peer{};
  SockLen peer_len = sizeof peer;
  Result<int> server = core::accept4(listener.get(), &peer, &peer_len,
                                     sock::cloexec | sock::nonblock);
  ASSERT_TRUE(server) << server.error().name();
  TestFd server_fd(*server);
  EXPECT_EQ(peer_len, sizeof(SockAddrIn));
  EXPECT_NE(::fcntl(server_fd.get(), F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_NE(::fcntl(server_fd.get(), F_GETFL) & O_NONBLOCK, 0);

  // The accepted peer, getpeername() and the client's own name all agree.
  SockAddrIn client_name{};
  SockLen client_len = sizeof client_name;
  ASSERT_TRUE(core::getsockname(client_fd.get(), &client_name, &client_len));
  SockAddrIn server_peer{};
  SockLen server_peer_len = sizeof server_peer;
  ASSERT_TRUE(core::getpeername(server_fd.get(), &server_peer, &server_peer_len));
  EXPECT_EQ(server_peer_len, client_len);
  EXPECT_EQ(std::memcmp(&server_peer, &client_name, sizeof client_name), 0);
  EXPECT_EQ(std::memcmp(&peer, &client_name, sizeof client_name), 0);
  EXPECT_EQ(server_peer.family, af::inet);
  EXPECT_EQ(server_peer.addr, host_to_net32(0x7f000001));

  const char hello[] = "hello, zring";
  Result<std::size_t> sent = core::send(client_fd.get(), hello, sizeof hello);
  ASSERT_TRUE(sent) << sent.error().name();
  EXPECT_EQ(*sent, sizeof hello);

  char buf[64] = {};
  Result<std::size_t> got = core::recv(server_fd.get(), buf, sizeof buf);
  // The data was written before recv on loopback, but be tolerant of a
  // short first read.
  std::size_t total = got ? *got : 0;
  while (got && total < sizeof hello) {
    got = core::recv(server_fd.get(), buf + total, sizeof buf - total);
    if (got) total += *got;
  }
  ASSERT_TRUE(got) << got.error().name();
  EXPECT_EQ(total, sizeof hello);
  EXPECT_STREQ(buf, hello);

  // After the client shuts its write side, the server reads end of stream.
  ASSERT_TRUE(core::shutdown(client_fd.get(), shut::wr));
  Result<std::size_t> eof = core::recv(server_fd.get(), buf, sizeof buf);
  for (int i = 0; !eof && eof.error().would_block() && i < 1000; ++i) {
    ::usleep(1000);
    eof = core::recv(server_fd.get(), buf, sizeof buf);
  }
  ASSERT_TRUE(eof) << eof.error().name();
  EXPECT_EQ(*eof, 0u);
}

TEST(SocketTcp, PlainAcceptWithoutAddress) {
  std::uint16_t port = 0;
  TestFd listener(BoundTcp4(&port));
  ASSERT_GE(listener.get(), 0);
  ASSERT_TRUE(core::listen(listener.get(), 4));
  TestFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  SockAddrIn to = Loopback4(port);
  ASSERT_TRUE(core::connect(client.get(), &to, sizeof to));

  Result<int> server = core::accept(listener.get());
  ASSERT_TRUE(server) << server.error().name();
  TestFd server_fd(*server);
  EXPECT_EQ(::fcntl(server_fd.get(), F_GETFD) & FD_CLOEXEC, 0);  // plain accept: no flags

  Result<int> acceptconn = core::getsockopt_int(listener.get(), sol::socket, so::acceptconn);
  ASSERT_TRUE(acceptconn);
  EXPECT_EQ(*acceptconn, 1);
}

TEST(SocketTcp, Ipv6Loopback) {
  Result<int> probe = core::socket(af::inet6, sock::stream | sock::cloexec);
  if (!probe) GTEST_SKIP() << "no IPv6 sockets here: " << probe.error().name();
  TestFd listener(*probe);
  SockAddrIn6 addr{};
  addr.family = af::inet6;
  addr.addr[15] = 1;  // ::1
  // v6only must be set before bind.
  ASSERT_TRUE(core::setsockopt_int(listener.get(), sol::ipv6, ipv6::v6only, 1));
  EXPECT_EQ(*core::getsockopt_int(listener.get(), ipproto::ipv6, ipv6::v6only), 1);
  Result<void> b = core::bind(listener.get(), &addr, sizeof addr);
  if (!b && (b.error() == err::addrnotavail || b.error() == err::afnosupport)) {
    GTEST_SKIP() << "the loopback has no ::1: " << b.error().name();
  }
  ASSERT_TRUE(b) << b.error().name();
  ASSERT_TRUE(core::listen(listener.get(), 4));

  SockAddrIn6 bound{};
  SockLen len = sizeof bound;
  ASSERT_TRUE(core::getsockname(listener.get(), &bound, &len));
  EXPECT_EQ(len, sizeof(SockAddrIn6));
  EXPECT_EQ(bound.family, af::inet6);
  ASSERT_NE(bound.port, 0);

  Result<int> client = core::socket(af::inet6, sock::stream | sock::cloexec);
  ASSERT_TRUE(client);
  TestFd client_fd(*client);
  ASSERT_TRUE(core::connect(client_fd.get(), &bound, sizeof bound));
  SockAddrStorage peer{};
  SockLen peer_len = sizeof peer;
  Result<int> server = core::accept4(listener.get(), &peer, &peer_len, sock::cloexec);
  ASSERT_TRUE(server) << server.error().name();
  TestFd server_fd(*server);
  EXPECT_EQ(peer.family, af::inet6);
  EXPECT_EQ(peer_len, sizeof(SockAddrIn6));

  ASSERT_TRUE(core::send(server_fd.get(), "v6", 2));
  char buf[4] = {};
  Result<std::size_t> got = core::recv(client_fd.get(), buf, sizeof buf);
  ASSERT_TRUE(got) << got.error().name();
  EXPECT_EQ(*got, 2u);
  EXPECT_EQ(std::memcmp(buf, "v6", 2), 0);
}

// ---------------------------------------------------------------------------
// Unix sockets.
// ---------------------------------------------------------------------------

TEST(SocketUnix, SocketpairPassesFdWithScmRights) {
  Result<SocketPair> pair = core::socketpair(af::local, sock::stream | sock::cloexec);
  ASSERT_TRUE(pair) << pair.error().name();
  TestFd a(pair->first), b(pair->second);
  ASSERT_NE(a.get(), b.get());

  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  TestFd pipe_read(p[0]), pipe_write(p[1]);

  // Send pipe_write's fd along with one byte of data.
  char byte = 'x';
  IoVec out_iov{&byte, 1};
  alignas(CMsgHdr) unsigned char out_control[cmsg_space(sizeof(int))] = {};
  MsgHdr out{};
  out.iov = &out_iov;
  out.iovlen = 1;
  out.control = out_control;
  out.controllen = sizeof out_control;
  CMsgHdr* c = cmsg_first(out);
  ASSERT_NE(c, nullptr);
  c->level = sol::socket;
  c->type = scm::rights;
  c->len = cmsg_len(sizeof(int));
  const int passed = pipe_write.get();
  std::memcpy(cmsg_data(c), &passed, sizeof passed);
  Result<std::size_t> sent = core::sendmsg(a.get(), &out, msg::nosignal);
  ASSERT_TRUE(sent) << sent.error().name();
  EXPECT_EQ(*sent, 1u);

  char got_byte = 0;
  IoVec in_iov{&got_byte, 1};
  alignas(CMsgHdr) unsigned char in_control[cmsg_space(sizeof(int))] = {};
  MsgHdr in{};
  in.iov = &in_iov;
  in.iovlen = 1;
  in.control = in_control;
  in.controllen = sizeof in_control;
  Result<std::size_t> got = core::recvmsg(b.get(), &in, msg::cmsg_cloexec);
  ASSERT_TRUE(got) << got.error().name();
  EXPECT_EQ(*got, 1u);
  EXPECT_EQ(got_byte, 'x');
  EXPECT_EQ(in.flags & msg::ctrunc, 0);

  CMsgHdr* r = cmsg_first(in);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->level, sol::socket);
  EXPECT_EQ(r->type, scm::rights);
  ASSERT_EQ(r->len, cmsg_len(sizeof(int)));
  int received = -1;
  std::memcpy(&received, cmsg_data(r), sizeof received);
  EXPECT_EQ(cmsg_next(in, r), nullptr);
  ASSERT_GE(received, 0);
  TestFd received_fd(received);
  EXPECT_NE(received, passed);  // a new fd for the same pipe
  EXPECT_NE(::fcntl(received, F_GETFD) & FD_CLOEXEC, 0);

  // Writing through the received fd reaches the original pipe.
  ASSERT_EQ(::write(received, "ok", 2), 2);
  char buf[2] = {};
  ASSERT_EQ(::read(pipe_read.get(), buf, 2), 2);
  EXPECT_EQ(std::memcmp(buf, "ok", 2), 0);
}

TEST(SocketUnix, AbstractAddressBindConnect) {
  Result<int> server = core::socket(af::local, sock::seqpacket | sock::cloexec);
  ASSERT_TRUE(server) << server.error().name();
  TestFd server_fd(*server);

  // An abstract name (leading NUL) unique to this process; its length is
  // the address length, not a terminator.
  SockAddrUn addr{};
  addr.family = af::local;
  char name[64];
  int n = std::snprintf(name, sizeof name, "zring-socket-test-%d", static_cast<int>(::getpid()));
  std::memcpy(addr.path + 1, name, static_cast<std::size_t>(n));
  const SockLen len = static_cast<SockLen>(offsetof(SockAddrUn, path) + 1 + n);
  ASSERT_TRUE(core::bind(server_fd.get(), &addr, len));
  ASSERT_TRUE(core::listen(server_fd.get(), 1));

  SockAddrUn bound{};
  SockLen bound_len = sizeof bound;
  ASSERT_TRUE(core::getsockname(server_fd.get(), &bound, &bound_len));
  EXPECT_EQ(bound_len, len);
  EXPECT_EQ(std::memcmp(&bound, &addr, len), 0);

  Result<int> client = core::socket(af::local, sock::seqpacket | sock::cloexec);
  ASSERT_TRUE(client);
  TestFd client_fd(*client);
  ASSERT_TRUE(core::connect(client_fd.get(), &addr, len));
  Result<int> conn = core::accept4(server_fd.get(), nullptr, nullptr, sock::cloexec);
  ASSERT_TRUE(conn) << conn.error().name();
  TestFd conn_fd(*conn);

  // Seqpacket keeps message boundaries.
  ASSERT_TRUE(core::send(client_fd.get(), "one", 3));
  ASSERT_TRUE(core::send(client_fd.get(), "two!", 4));
  char buf[16];
  Result<std::size_t> first = core::recv(conn_fd.get(), buf, sizeof buf);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 3u);
  Result<std::size_t> second = core::recv(conn_fd.get(), buf, sizeof buf);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 4u);
}

// ---------------------------------------------------------------------------
// UDP.
// ---------------------------------------------------------------------------

// Two UDP sockets on 127.0.0.1, each connected to the other.
struct UdpPair {
  TestFd a, b;
  SockAddrIn a_addr{}, b_addr{};
};

void MakeUdpPair(UdpPair* p) {
  for (TestFd* fd : {&p->a, &p->b}) {
    Result<int> s = core::socket(af::inet, sock::dgram | sock::cloexec);
    ASSERT_TRUE(s) << s.error().name();
    fd->reset(*s);
    SockAddrIn any = Loopback4(0);
    ASSERT_TRUE(core::bind(*s, &any, sizeof any));
  }
  SockLen len = sizeof p->a_addr;
  ASSERT_TRUE(core::getsockname(p->a.get(), &p->a_addr, &len));
  len = sizeof p->b_addr;
  ASSERT_TRUE(core::getsockname(p->b.get(), &p->b_addr, &len));
  ASSERT_TRUE(core::connect(p->a.get(), &p->b_addr, sizeof p->b_addr));
  ASSERT_TRUE(core::connect(p->b.get(), &p->a_addr, sizeof p->a_addr));
}

TEST(SocketUdp, SendmmsgRecvmmsgBatch) {
  UdpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeUdpPair(&p));

  const char* payloads[3] = {"a", "bb", "ccc"};
  IoVec out_iov[3];
  MMsgHdr out[3] = {};
  for (int i = 0; i < 3; ++i) {
    out_iov[i] = IoVec{const_cast<char*>(payloads[i]), std::strlen(payloads[i])};
    out[i].hdr.iov = &out_iov[i];
    out[i].hdr.iovlen = 1;
  }
  Result<unsigned> sent = core::sendmmsg(p.a.get(), out, 3, 0);
  ASSERT_TRUE(sent) << sent.error().name();
  EXPECT_EQ(*sent, 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(out[i].len, std::strlen(payloads[i]));

  // Four slots, three datagrams: recvmmsg returns 3 once the socket is
  // empty (msg::waitforone: block for the first only).
  char bufs[4][16] = {};
  IoVec in_iov[4];
  SockAddrIn from[4] = {};
  MMsgHdr in[4] = {};
  for (int i = 0; i < 4; ++i) {
    in_iov[i] = IoVec{bufs[i], sizeof bufs[i]};
    in[i].hdr.iov = &in_iov[i];
    in[i].hdr.iovlen = 1;
    in[i].hdr.name = &from[i];
    in[i].hdr.namelen = sizeof from[i];
  }
  Timespec timeout{1, 0};
  Result<unsigned> got = core::recvmmsg(p.b.get(), in, 4, msg::waitforone, &timeout);
  ASSERT_TRUE(got) << got.error().name();
  ASSERT_EQ(*got, 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(in[i].len, std::strlen(payloads[i]));
    EXPECT_EQ(std::memcmp(bufs[i], payloads[i], in[i].len), 0);
    EXPECT_EQ(in[i].hdr.namelen, sizeof(SockAddrIn));
    EXPECT_EQ(from[i].port, p.a_addr.port);
  }

  // Nothing left: a nonblocking batch read fails with EAGAIN.
  Result<unsigned> empty = core::recvmmsg(p.b.get(), in, 4, msg::dontwait, nullptr);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), err::again);
}

TEST(SocketUdp, SendtoRecvfromReportSender) {
  Result<int> a = core::socket(af::inet, sock::dgram | sock::cloexec);
  Result<int> b = core::socket(af::inet, sock::dgram | sock::cloexec);
  ASSERT_TRUE(a && b);
  TestFd a_fd(*a), b_fd(*b);
  SockAddrIn any = Loopback4(0);
  ASSERT_TRUE(core::bind(*b, &any, sizeof any));
  SockAddrIn b_addr{};
  SockLen len = sizeof b_addr;
  ASSERT_TRUE(core::getsockname(*b, &b_addr, &len));

  Result<std::size_t> sent = core::sendto(*a, "ping", 4, 0, &b_addr, sizeof b_addr);
  ASSERT_TRUE(sent) << sent.error().name();
  EXPECT_EQ(*sent, 4u);

  char buf[8] = {};
  SockAddrStorage from{};
  SockLen from_len = sizeof from;
  Result<std::size_t> got = core::recvfrom(*b, buf, sizeof buf, 0, &from, &from_len);
  ASSERT_TRUE(got) << got.error().name();
  EXPECT_EQ(*got, 4u);
  EXPECT_EQ(from_len, sizeof(SockAddrIn));
  SockAddrIn a_addr{};
  len = sizeof a_addr;
  ASSERT_TRUE(core::getsockname(*a, &a_addr, &len));  // autobound by sendto
  // a is bound to the wildcard address on an ephemeral port; the datagram
  // came from that port on 127.0.0.1.
  SockAddrIn sender{};
  std::memcpy(&sender, &from, sizeof sender);
  EXPECT_EQ(sender.family, af::inet);
  EXPECT_EQ(sender.port, a_addr.port);
  EXPECT_NE(sender.port, 0);
  EXPECT_EQ(sender.addr, host_to_net32(0x7f000001));
}

// ---------------------------------------------------------------------------
// Socket options.
// ---------------------------------------------------------------------------

TEST(SocketOption, ReuseAddr) {
  TestFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  Result<int> before = core::getsockopt_int(fd.get(), sol::socket, so::reuseaddr);
  ASSERT_TRUE(before);
  EXPECT_EQ(*before, 0);
  ASSERT_TRUE(core::setsockopt_int(fd.get(), sol::socket, so::reuseaddr, 1));
  Result<int> after = core::getsockopt_int(fd.get(), sol::socket, so::reuseaddr);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, 1);
  EXPECT_EQ(*core::getsockopt_int(fd.get(), sol::socket, so::type), sock::stream);
  EXPECT_EQ(*core::getsockopt_int(fd.get(), sol::socket, so::domain), af::inet);
}

TEST(SocketOption, TcpNoDelay) {
  TestFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(core::setsockopt_int(fd.get(), ipproto::tcp, tcp::nodelay, 1));
  int value = -1;
  SockLen len = sizeof value;
  ASSERT_TRUE(core::getsockopt(fd.get(), sol::tcp, tcp::nodelay, &value, &len));
  EXPECT_EQ(len, sizeof(int));
  EXPECT_NE(value, 0);
  ASSERT_TRUE(core::setsockopt_int(fd.get(), sol::tcp, tcp::nodelay, 0));
  EXPECT_EQ(*core::getsockopt_int(fd.get(), sol::tcp, tcp::nodelay), 0);
}

TEST(SocketOption, RcvBufIsDoubledByTheKernel) {
  TestFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(core::setsockopt_int(fd.get(), sol::socket, so::rcvbuf, 32 * 1024));
  Result<int> got = core::getsockopt_int(fd.get(), sol::socket, so::rcvbuf);
  ASSERT_TRUE(got) << got.error().name();
  // The kernel doubles the request to leave room for its bookkeeping.
  EXPECT_EQ(*got, 64 * 1024);
}

TEST(SocketOption, LingerStruct) {
  TestFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  Linger set{1, 7};
  ASSERT_TRUE(core::setsockopt(fd.get(), sol::socket, so::linger, &set, sizeof set));
  Linger got{};
  SockLen len = sizeof got;
  ASSERT_TRUE(core::getsockopt(fd.get(), sol::socket, so::linger, &got, &len));
  EXPECT_EQ(len, sizeof(Linger));
  EXPECT_NE(got.onoff, 0);
  EXPECT_EQ(got.linger, 7);
}

TEST(SocketOption, PeerCredOnSocketpair) {
  Result<SocketPair> pair = core::socketpair(af::local, sock::stream | sock::cloexec);
  ASSERT_TRUE(pair);
  TestFd a(pair->first), b(pair->second);
  UCred cred{};
  SockLen len = sizeof cred;
  ASSERT_TRUE(core::getsockopt(a.get(), sol::socket, so::peercred, &cred, &len));
  EXPECT_EQ(len, sizeof(UCred));
  EXPECT_EQ(cred.pid, ::getpid());
  EXPECT_EQ(cred.uid, ::getuid());
  EXPECT_EQ(cred.gid, ::getgid());
}

// ---------------------------------------------------------------------------
// Errors. Each failing call leaves errno alone and returns the kernel's
// error number.
// ---------------------------------------------------------------------------

TEST(SocketError, SocketWithBadFamilyIsAfNoSupport) {
  errno = 4321;
  Result<int> fd = core::socket(12345, sock::stream);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error(), err::afnosupport);
  EXPECT_EQ(errno, 4321);
}

TEST(SocketError, SocketpairOnInetIsOpNotSupp) {
  Result<SocketPair> pair = core::socketpair(af::inet, sock::stream);
  ASSERT_FALSE(pair);
  EXPECT_EQ(pair.error(), err::opnotsupp);
}

TEST(SocketError, BindOnClosedFdIsBadf) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::close(fd), 0);
  SockAddrIn addr = Loopback4(0);
  Result<void> r = core::bind(fd, &addr, sizeof addr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::badf);
}

TEST(SocketError, ConnectToClosedPortIsConnRefused) {
  // A bound socket that never listens owns the port; connecting to it is
  // refused, with no window for another process to take the port.
  std::uint16_t port = 0;
  TestFd holder(BoundTcp4(&port));
  ASSERT_GE(holder.get(), 0);
  TestFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  SockAddrIn to = Loopback4(port);
  Result<void> r = core::connect(client.get(), &to, sizeof to);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::connrefused);
}

TEST(SocketError, ConnectWithShortAddressIsInval) {
  TestFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  SockAddrIn to = Loopback4(1);
  Result<void> r = core::connect(client.get(), &to, 3);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::inval);
}

TEST(SocketError, AcceptOnNonListeningSocketIsInval) {
  std::uint16_t port = 0;
  TestFd fd(BoundTcp4(&port));
  ASSERT_GE(fd.get(), 0);
  Result<int> a = core::accept(fd.get());
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), err::inval);
  Result<int> a4 = core::accept4(fd.get(), nullptr, nullptr, sock::nonblock);
  ASSERT_FALSE(a4);
  EXPECT_EQ(a4.error(), err::inval);
}

TEST(SocketError, Accept4WithUnknownFlagIsInval) {
  std::uint16_t port = 0;
  TestFd fd(BoundTcp4(&port));
  ASSERT_GE(fd.get(), 0);
  ASSERT_TRUE(core::listen(fd.get(), 1));
  Result<int> a = core::accept4(fd.get(), nullptr, nullptr, 0x1);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), err::inval);
}

TEST(SocketError, GetsockoptWithBadPointerIsFault) {
  TestFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  SockLen len = sizeof(int);
  // Address 8 is never mapped; the kernel's copy-out fails.
  Result<void> r = core::getsockopt(fd.get(), sol::socket, so::type,
                                    reinterpret_cast<void*>(std::uintptr_t{8}), &len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::fault);
}

TEST(SocketError, UnknownOptionIsNoProtoOpt) {
  TestFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  Result<void> set = core::setsockopt_int(fd.get(), sol::socket, 9999, 1);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error(), err::noprotoopt);
  Result<int> get = core::getsockopt_int(-1, sol::socket, so::type);
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error(), err::badf);
}

TEST(SocketError, RecvOnEmptyNonblockingSocketIsAgain) {
  Result<SocketPair> pair = core::socketpair(af::local, sock::stream | sock::nonblock | sock::cloexec);
  ASSERT_TRUE(pair);
  TestFd a(pair->first), b(pair->second);
  char buf[8];
  Result<std::size_t> r = core::recv(a.get(), buf, sizeof buf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::again);
  EXPECT_TRUE(r.error().would_block());

  IoVec iov{buf, sizeof buf};
  MsgHdr m{};
  m.iov = &iov;
  m.iovlen = 1;
  Result<std::size_t> rm = core::recvmsg(a.get(), &m, 0);
  ASSERT_FALSE(rm);
  EXPECT_EQ(rm.error(), err::again);
}

TEST(SocketError, SendToClosedPeerIsPipe) {
  Result<SocketPair> pair = core::socketpair(af::local, sock::stream | sock::cloexec);
  ASSERT_TRUE(pair);
  TestFd a(pair->first);
  ASSERT_EQ(::close(pair->second), 0);
  // msg::nosignal: EPIPE comes back as a value and no SIGPIPE is raised.
  Result<std::size_t> r = core::send(a.get(), "x", 1, msg::nosignal);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::pipe);

  char byte = 'y';
  IoVec iov{&byte, 1};
  MsgHdr m{};
  m.iov = &iov;
  m.iovlen = 1;
  Result<std::size_t> rm = core::sendmsg(a.get(), &m, msg::nosignal);
  ASSERT_FALSE(rm);
  EXPECT_EQ(rm.error(), err::pipe);
}

TEST(SocketError, ListenOnNonSocketIsNotSock) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  TestFd r(p[0]), w(p[1]);
  Result<void> l = core::listen(r.get(), 1);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error(), err::notsock);
  SockAddrIn name{};
  SockLen len = sizeof name;
  Result<void> g = core::getsockname(r.get(), &name, &len);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error(), err::notsock);
}

TEST(SocketError, UnconnectedSocketIsNotConn) {
  TestFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  SockAddrIn peer{};
  SockLen len = sizeof peer;
  Result<void> g = core::getpeername(fd.get(), &peer, &len);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error(), err::notconn);
  Result<void> s = core::shutdown(fd.get(), shut::rdwr);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), err::notconn);
  Result<std::size_t> sent = core::sendto(fd.get(), "x", 1, msg::nosignal, nullptr, 0);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error(), err::pipe);  // TCP reports a never-connected send as EPIPE
}

TEST(SocketError, BatchCallsOnBadFdAreBadf) {
  MMsgHdr vec[1] = {};
  Result<unsigned> s = core::sendmmsg(-1, vec, 1, 0);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), err::badf);
  Timespec timeout{0, 1000};
  Result<unsigned> r = core::recvmmsg(-1, vec, 1, 0, &timeout);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::badf);
  char buf[1];
  Result<std::size_t> rf = core::recvfrom(-1, buf, 1, 0, nullptr, nullptr);
  ASSERT_FALSE(rf);
  EXPECT_EQ(rf.error(), err::badf);
}

}  // namespace
}  // namespace zring::core
