// Every network opcode of the ring layer run against the real kernel, under
// each ring set-up of kRingConfigs: socket, bind, listen, accept (single and
// multishot), connect, send/recv (plain, on a provided-buffer ring, with an
// address, zero-copy), sendmsg/recvmsg (fd passing, multishot), shutdown,
// splice/tee, and the errors a peer can cause (refused, reset).
//
// Sockets are blocking: the ring does the waiting (it polls and retries),
// the test never sleeps. Ports are always 0 at bind time and read back.
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tests/ring/ring_configs.h"
#include "zring/core/constants.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/core/socket.h"
#include "zring/ring/abi.h"
#include "zring/ring/buf_ring.h"
#include "zring/ring/prep.h"
#include "zring/ring/ring.h"

namespace zring::ring {
namespace {

using testing::kRingConfigs;
using testing::MakeRing;
using testing::NextCqe;
using testing::RingConfig;
using testing::RunOne;

namespace af = core::af;
namespace sock = core::sock;
namespace err = core::err;

// The CQE result the kernel gives for error `e`.
constexpr int Neg(core::Errno e) { return -e.value(); }

constexpr uint32_t kLoopback = 0x7f000001;  // 127.0.0.1

core::SockAddrIn Loopback(uint16_t port_host_order) {
  core::SockAddrIn a{};
  a.family = af::inet;
  a.port = core::host_to_net16(port_host_order);
  a.addr = core::host_to_net32(kLoopback);
  return a;
}

// Local address of `fd` (after a bind to port 0 this is the port the
// kernel picked).
void LocalAddress(int fd, core::SockAddrIn* out) {
  core::SockLen len = sizeof *out;
  *out = {};
  core::Result<void> r = core::getsockname(fd, out, &len);
  ASSERT_TRUE(r.ok()) << r.error().name();
  ASSERT_EQ(len, sizeof *out);
  ASSERT_EQ(out->family, af::inet);
}

void NewSocket(int type, core::Fd* out) {
  core::Result<int> fd = core::socket(af::inet, type | sock::cloexec);
  ASSERT_TRUE(fd.ok()) << fd.error().name();
  *out = core::Fd(*fd);
}

// A socket bound to 127.0.0.1 on a port the kernel picks; `addr` is the
// address it got.
void BoundSocket(int type, core::Fd* out, core::SockAddrIn* addr) {
  ASSERT_NO_FATAL_FAILURE(NewSocket(type, out));
  core::SockAddrIn any = Loopback(0);
  core::Result<void> r = core::bind(out->get(), &any, sizeof any);
  ASSERT_TRUE(r.ok()) << r.error().name();
  ASSERT_NO_FATAL_FAILURE(LocalAddress(out->get(), addr));
  ASSERT_NE(addr->port, 0);
}

// A listening TCP socket on 127.0.0.1.
void Listener(core::Fd* out, core::SockAddrIn* addr) {
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::stream, out, addr));
  core::Result<void> r = core::listen(out->get(), 16);
  ASSERT_TRUE(r.ok()) << r.error().name();
}

// A client socket connected (with the plain syscall) to `addr`.
void Connect(const core::SockAddrIn& addr, core::Fd* out) {
  ASSERT_NO_FATAL_FAILURE(NewSocket(sock::stream, out));
  core::Result<void> r = core::connect(out->get(), &addr, sizeof addr);
  ASSERT_TRUE(r.ok()) << r.error().name();
}

// Two connected TCP sockets over loopback, made with plain syscalls: for
// the tests whose subject is what happens on an established connection.
struct TcpPair {
  core::Fd client;
  core::Fd server;
};

void MakeTcpPair(TcpPair* pair) {
  core::Fd listener;
  core::SockAddrIn addr;
  ASSERT_NO_FATAL_FAILURE(Listener(&listener, &addr));
  ASSERT_NO_FATAL_FAILURE(Connect(addr, &pair->client));
  core::Result<int> fd = core::accept4(listener.get(), nullptr, nullptr, sock::cloexec);
  ASSERT_TRUE(fd.ok()) << fd.error().name();
  pair->server = core::Fd(*fd);
}

void MakeUnixPair(core::Fd* a, core::Fd* b) {
  core::Result<core::SocketPair> p =
      core::socketpair(af::local, sock::stream | sock::cloexec);
  ASSERT_TRUE(p.ok()) << p.error().name();
  *a = core::Fd(p->first);
  *b = core::Fd(p->second);
}

void MakePipe(core::Fd* read_end, core::Fd* write_end) {
  core::Result<core::PipeFds> p = core::pipe2(core::o::cloexec);
  ASSERT_TRUE(p.ok()) << p.error().name();
  *read_end = core::Fd(p->read);
  *write_end = core::Fd(p->write);
}

// Prepares one more SQE in the current batch.
template <class Prep>
void Queue(Ring& ring, uint64_t user_data, Prep&& prep) {
  abi::Sqe* sqe = ring.get_sqe();
  ASSERT_NE(sqe, nullptr);
  prep(sqe);
  set_user_data(sqe, user_data);
}

void Submit(Ring& ring) {
  core::Result<unsigned> r = ring.submit();
  ASSERT_TRUE(r.ok()) << r.error().name();
}

// The next `n` CQEs, in the order the kernel posted them.
std::vector<abi::Cqe> Reap(Ring& ring, size_t n) {
  std::vector<abi::Cqe> out;
  for (size_t i = 0; i < n; ++i) out.push_back(NextCqe(ring));
  return out;
}

// The one CQE in `cqes` with `user_data`; fails the test if there is not
// exactly one.
abi::Cqe Only(const std::vector<abi::Cqe>& cqes, uint64_t user_data) {
  abi::Cqe found{~0ull, -9999, 0};
  int count = 0;
  for (const abi::Cqe& c : cqes) {
    if (c.user_data == user_data) {
      found = c;
      ++count;
    }
  }
  EXPECT_EQ(count, 1) << "CQEs with user_data " << user_data;
  return found;
}

// Reads exactly `n` bytes from a blocking fd (a pipe), as a string.
std::string ReadExactly(int fd, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    core::Result<size_t> r = core::read(fd, out.data() + got, n - got);
    if (!r || *r == 0) {
      ADD_FAILURE() << "read after " << got << " of " << n << " bytes: "
                    << (r ? "EOF" : r.error().name());
      break;
    }
    got += *r;
  }
  out.resize(got);
  return out;
}

// Sends all of `data` on a blocking socket with the plain syscall.
void SendAll(int fd, std::string_view data) {
  core::Result<size_t> r = core::send(fd, data.data(), data.size(), core::msg::nosignal);
  ASSERT_TRUE(r.ok()) << r.error().name();
  ASSERT_EQ(*r, data.size());
}

// Receives through the ring until `n` bytes arrived, one recv at a time.
std::string RingRecvExactly(Ring& ring, int fd, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    abi::Cqe c = RunOne(ring, [&](abi::Sqe* s) {
      prep_recv(s, fd, out.data() + got, n - got, 0);
    });
    if (c.res <= 0) {
      ADD_FAILURE() << "recv after " << got << " of " << n << " bytes: " << c.res;
      break;
    }
    got += static_cast<size_t>(c.res);
  }
  out.resize(got);
  return out;
}

bool HasFlag(const abi::Cqe& c, uint32_t flag) { return (c.flags & flag) != 0; }

class NetOpsTest : public ::testing::TestWithParam<RingConfig> {};

// --- socket, bind, listen ----------------------------------------------------

TEST_P(NetOpsTest, SocketReturnsANewFd) {
  Ring ring = MakeRing(GetParam());
  abi::Cqe c = RunOne(ring, [](abi::Sqe* s) {
    prep_socket(s, af::inet, sock::stream | sock::cloexec, 0);
  });
  ASSERT_GE(c.res, 0);
  core::Fd fd(c.res);
  EXPECT_EQ(c.flags, 0u);
  core::Result<int> type = core::getsockopt_int(fd.get(), core::sol::socket, core::so::type);
  ASSERT_TRUE(type.ok()) << type.error().name();
  EXPECT_EQ(*type, sock::stream);
  core::Result<int> domain =
      core::getsockopt_int(fd.get(), core::sol::socket, core::so::domain);
  ASSERT_TRUE(domain.ok()) << domain.error().name();
  EXPECT_EQ(*domain, af::inet);
  core::Result<bool> cloexec = fd.cloexec();
  ASSERT_TRUE(cloexec.ok());
  EXPECT_TRUE(*cloexec);

  abi::Cqe udp = RunOne(ring, [](abi::Sqe* s) {
    prep_socket(s, af::inet, sock::dgram, core::ipproto::udp);
  }, 2);
  ASSERT_GE(udp.res, 0);
  core::Fd udp_fd(udp.res);
  EXPECT_NE(udp_fd.get(), fd.get());
  core::Result<int> udp_type =
      core::getsockopt_int(udp_fd.get(), core::sol::socket, core::so::type);
  ASSERT_TRUE(udp_type.ok());
  EXPECT_EQ(*udp_type, sock::dgram);
}

TEST_P(NetOpsTest, SocketWithUnknownFamilyIsEafnosupport) {
  Ring ring = MakeRing(GetParam());
  abi::Cqe c = RunOne(ring, [](abi::Sqe* s) { prep_socket(s, 255, sock::stream, 0); });
  if (c.res >= 0) (void)core::close(c.res);
  EXPECT_EQ(c.res, Neg(err::afnosupport));
}

TEST_P(NetOpsTest, BindAndListenOnARingSocket) {
  Ring ring = MakeRing(GetParam());
  abi::Cqe made = RunOne(ring, [](abi::Sqe* s) {
    prep_socket(s, af::inet, sock::stream | sock::cloexec, 0);
  });
  ASSERT_GE(made.res, 0);
  core::Fd fd(made.res);

  core::SockAddrIn want = Loopback(0);
  abi::Cqe bound = RunOne(ring, [&](abi::Sqe* s) {
    prep_bind(s, fd.get(), &want, sizeof want);
  }, 2);
  ASSERT_EQ(bound.res, 0);
  core::SockAddrIn got;
  ASSERT_NO_FATAL_FAILURE(LocalAddress(fd.get(), &got));
  EXPECT_EQ(got.addr, core::host_to_net32(kLoopback));
  EXPECT_NE(got.port, 0);

  // Binding a bound socket again is EINVAL.
  abi::Cqe again = RunOne(ring, [&](abi::Sqe* s) {
    prep_bind(s, fd.get(), &want, sizeof want);
  }, 3);
  EXPECT_EQ(again.res, Neg(err::inval));

  abi::Cqe listening = RunOne(ring, [&](abi::Sqe* s) { prep_listen(s, fd.get(), 8); }, 4);
  ASSERT_EQ(listening.res, 0);
  core::Result<int> accepting =
      core::getsockopt_int(fd.get(), core::sol::socket, core::so::acceptconn);
  ASSERT_TRUE(accepting.ok());
  EXPECT_EQ(*accepting, 1);

  // It really listens: a plain connect to it completes.
  core::Fd client;
  ASSERT_NO_FATAL_FAILURE(Connect(got, &client));
}

TEST_P(NetOpsTest, ListenOnUdpIsEopnotsupp) {
  Ring ring = MakeRing(GetParam());
  core::Fd udp;
  core::SockAddrIn addr;
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::dgram, &udp, &addr));
  abi::Cqe c = RunOne(ring, [&](abi::Sqe* s) { prep_listen(s, udp.get(), 8); });
  EXPECT_EQ(c.res, Neg(err::opnotsupp));
}

// --- accept --------------------------------------------------------------------

TEST_P(NetOpsTest, AcceptFillsThePeerAddress) {
  Ring ring = MakeRing(GetParam());
  core::Fd listener;
  core::SockAddrIn addr;
  ASSERT_NO_FATAL_FAILURE(Listener(&listener, &addr));

  // The accept is in the kernel before anyone connects: the ring waits.
  core::SockAddrIn peer{};
  core::SockLen peer_len = sizeof peer;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 5, [&](abi::Sqe* s) {
    prep_accept(s, listener.get(), &peer, &peer_len, sock::cloexec);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));

  core::Fd client;
  ASSERT_NO_FATAL_FAILURE(Connect(addr, &client));
  core::SockAddrIn client_addr;
  ASSERT_NO_FATAL_FAILURE(LocalAddress(client.get(), &client_addr));

  abi::Cqe c = NextCqe(ring);
  EXPECT_EQ(c.user_data, 5u);
  ASSERT_GE(c.res, 0);
  core::Fd accepted(c.res);
  EXPECT_EQ(c.flags, 0u);
  EXPECT_EQ(peer_len, sizeof(core::SockAddrIn));
  EXPECT_EQ(peer.family, af::inet);
  EXPECT_EQ(peer.addr, core::host_to_net32(kLoopback));
  EXPECT_EQ(peer.port, client_addr.port);

  // The accepted socket's local address is the listener's.
  core::SockAddrIn local;
  ASSERT_NO_FATAL_FAILURE(LocalAddress(accepted.get(), &local));
  EXPECT_EQ(local.port, addr.port);
  core::Result<bool> cloexec = accepted.cloexec();
  ASSERT_TRUE(cloexec.ok());
  EXPECT_TRUE(*cloexec);
}

TEST_P(NetOpsTest, AcceptOnANonListeningSocketIsEinval) {
  Ring ring = MakeRing(GetParam());
  core::Fd fd;
  core::SockAddrIn addr;
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::stream, &fd, &addr));
  abi::Cqe c = RunOne(ring, [&](abi::Sqe* s) {
    prep_accept(s, fd.get(), nullptr, nullptr, 0);
  });
  if (c.res >= 0) (void)core::close(c.res);
  EXPECT_EQ(c.res, Neg(err::inval));
}

TEST_P(NetOpsTest, MultishotAcceptPostsOneCqePerClientUntilCancelled) {
  Ring ring = MakeRing(GetParam());
  core::Fd listener;
  core::SockAddrIn addr;
  ASSERT_NO_FATAL_FAILURE(Listener(&listener, &addr));

  constexpr uint64_t kAccept = 10;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kAccept, [&](abi::Sqe* s) {
    prep_multishot_accept(s, listener.get(), nullptr, nullptr, sock::cloexec);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));

  core::Fd clients[3];
  std::set<uint16_t> client_ports;
  for (core::Fd& client : clients) {
    ASSERT_NO_FATAL_FAILURE(Connect(addr, &client));
    core::SockAddrIn local;
    ASSERT_NO_FATAL_FAILURE(LocalAddress(client.get(), &local));
    client_ports.insert(local.port);
  }

  std::set<uint16_t> accepted_ports;
  std::vector<core::Fd> accepted;
  for (const abi::Cqe& c : Reap(ring, 3)) {
    EXPECT_EQ(c.user_data, kAccept);
    ASSERT_GE(c.res, 0);
    accepted.emplace_back(c.res);
    EXPECT_TRUE(HasFlag(c, abi::kCqeFMore)) << "flags " << c.flags;
    core::SockAddrIn peer{};
    core::SockLen len = sizeof peer;
    ASSERT_TRUE(core::getpeername(c.res, &peer, &len).ok());
    accepted_ports.insert(peer.port);
  }
  EXPECT_EQ(accepted_ports, client_ports);
  EXPECT_EQ(ring.cq_ready(), 0u);

  constexpr uint64_t kCancel = 11;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kCancel, [&](abi::Sqe* s) { prep_cancel(s, kAccept); }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  std::vector<abi::Cqe> done = Reap(ring, 2);
  abi::Cqe cancel = Only(done, kCancel);
  abi::Cqe last = Only(done, kAccept);
  EXPECT_EQ(cancel.res, 0);
  EXPECT_EQ(last.res, Neg(err::canceled));
  EXPECT_FALSE(HasFlag(last, abi::kCqeFMore)) << "flags " << last.flags;
}

// --- connect -------------------------------------------------------------------

TEST_P(NetOpsTest, ConnectToAListener) {
  Ring ring = MakeRing(GetParam());
  core::Fd listener;
  core::SockAddrIn addr;
  ASSERT_NO_FATAL_FAILURE(Listener(&listener, &addr));
  core::Fd client;
  ASSERT_NO_FATAL_FAILURE(NewSocket(sock::stream, &client));

  abi::Cqe c = RunOne(ring, [&](abi::Sqe* s) {
    prep_connect(s, client.get(), &addr, sizeof addr);
  });
  ASSERT_EQ(c.res, 0);

  core::SockAddrIn peer{};
  core::SockLen len = sizeof peer;
  ASSERT_TRUE(core::getpeername(client.get(), &peer, &len).ok());
  EXPECT_EQ(peer.port, addr.port);
  EXPECT_EQ(peer.addr, addr.addr);

  core::SockAddrIn client_addr;
  ASSERT_NO_FATAL_FAILURE(LocalAddress(client.get(), &client_addr));
  core::SockAddrIn from{};
  core::SockLen from_len = sizeof from;
  core::Result<int> server = core::accept4(listener.get(), &from, &from_len, sock::cloexec);
  ASSERT_TRUE(server.ok()) << server.error().name();
  core::Fd server_fd(*server);
  EXPECT_EQ(from.port, client_addr.port);
}

TEST_P(NetOpsTest, ConnectToAClosedPortIsRefused) {
  Ring ring = MakeRing(GetParam());
  // A bound socket that does not listen owns the port, so nobody else can
  // be listening there while the test runs.
  core::Fd owner;
  core::SockAddrIn addr;
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::stream, &owner, &addr));
  core::Fd client;
  ASSERT_NO_FATAL_FAILURE(NewSocket(sock::stream, &client));

  abi::Cqe c = RunOne(ring, [&](abi::Sqe* s) {
    prep_connect(s, client.get(), &addr, sizeof addr);
  });
  EXPECT_EQ(c.res, Neg(err::connrefused));
}

// --- send and recv -------------------------------------------------------------

TEST_P(NetOpsTest, SendAndRecvCarryExactBytes) {
  Ring ring = MakeRing(GetParam());
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));

  // The recv is queued before the send in the same batch: it has to wait
  // for the data, the send then wakes it.
  const std::string msg = "ring-to-ring over loopback";
  char buf[128];
  std::memset(buf, 0xa5, sizeof buf);
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 1, [&](abi::Sqe* s) {
    prep_recv(s, p.server.get(), buf, sizeof buf, 0);
  }));
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 2, [&](abi::Sqe* s) {
    prep_send(s, p.client.get(), msg.data(), msg.size(), core::msg::nosignal);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  std::vector<abi::Cqe> cqes = Reap(ring, 2);
  abi::Cqe recv = Only(cqes, 1);
  abi::Cqe send = Only(cqes, 2);
  EXPECT_EQ(send.res, static_cast<int>(msg.size()));
  ASSERT_EQ(recv.res, static_cast<int>(msg.size()));
  EXPECT_EQ(std::string(buf, msg.size()), msg);
  EXPECT_EQ(static_cast<unsigned char>(buf[msg.size()]), 0xa5) << "wrote past the data";

  // The other direction, with MSG_WAITALL across two sends.
  char back[10];
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 3, [&](abi::Sqe* s) {
    prep_recv(s, p.client.get(), back, sizeof back, core::msg::waitall);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  ASSERT_NO_FATAL_FAILURE(SendAll(p.server.get(), "01234"));
  ASSERT_NO_FATAL_FAILURE(SendAll(p.server.get(), "56789"));
  abi::Cqe all = NextCqe(ring);
  EXPECT_EQ(all.user_data, 3u);
  ASSERT_EQ(all.res, 10);
  EXPECT_EQ(std::string(back, 10), "0123456789");
}

// A send far larger than the socket buffers. An io_uring send is tried
// without blocking first, so on its own it may complete short even on a
// blocking socket; with MSG_WAITALL the kernel keeps retrying the partial
// sends itself, and every byte must arrive once, in order.
TEST_P(NetOpsTest, LargeSendWithWaitallArrivesByteForByte) {
  Ring ring = MakeRing(GetParam());
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));
  constexpr size_t kSize = 4 << 20;
  std::vector<unsigned char> out(kSize);
  for (size_t i = 0; i < kSize; ++i) out[i] = static_cast<unsigned char>((i * 131) >> 3);
  std::vector<unsigned char> in(kSize, 0);

  constexpr uint64_t kSend = 1, kRecv = 2;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kSend, [&](abi::Sqe* s) {
    prep_send(s, p.client.get(), out.data(), out.size(),
              core::msg::waitall | core::msg::nosignal);
  }));
  size_t received = 0;
  auto arm_recv = [&] {
    ASSERT_NO_FATAL_FAILURE(Queue(ring, kRecv, [&](abi::Sqe* s) {
      prep_recv(s, p.server.get(), in.data() + received, kSize - received, 0);
    }));
    ASSERT_NO_FATAL_FAILURE(Submit(ring));
  };
  ASSERT_NO_FATAL_FAILURE(arm_recv());
  bool send_done = false;
  while (!send_done || received < kSize) {
    abi::Cqe c = NextCqe(ring);
    if (c.user_data == kSend) {
      // A short send would leave the loop waiting for bytes that never
      // come, so stop here.
      ASSERT_EQ(c.res, static_cast<int>(kSize));
      send_done = true;
      continue;
    }
    ASSERT_EQ(c.user_data, kRecv);
    ASSERT_GT(c.res, 0) << "after " << received << " bytes";
    received += static_cast<size_t>(c.res);
    ASSERT_LE(received, kSize);
    if (received < kSize) {
      ASSERT_NO_FATAL_FAILURE(arm_recv());
    }
  }
  EXPECT_EQ(received, kSize);
  EXPECT_TRUE(in == out) << "the stream was altered";
}

// A multishot recv on a buffer ring of two buffers: two messages take both
// buffers; the third finds none, and the kernel ends the multishot with
// ENOBUFS. The data stays in the socket, so once the buffers are recycled
// and the recv re-armed it arrives, and nothing is lost.
TEST_P(NetOpsTest, MultishotRecvOnABufRingRunsOutThenResumes) {
  Ring ring = MakeRing(GetParam());
  constexpr uint16_t kGroup = 3;
  BufRingOptions options;
  options.group = kGroup;
  options.count = 2;
  options.size = 64;
  core::Result<BufRing> bufs = BufRing::Create(ring, options);
  ASSERT_TRUE(bufs.ok()) << bufs.error().name();
  {
    // A second ring for the same group is refused, and its failure must
    // leave the first group registered (the receives below use it).
    core::Result<BufRing> twin = BufRing::Create(ring, options);
    ASSERT_FALSE(twin.ok());
    EXPECT_EQ(twin.error(), err::exist);
  }
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));

  constexpr uint64_t kRecv = 7;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kRecv, [&](abi::Sqe* s) {
    prep_recv_multishot(s, p.server.get(), kGroup, 0);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));

  const std::string msgs[3] = {"first message", "second, longer message", "third"};
  std::set<uint16_t> ids;
  std::string stream;
  // One message at a time, each waited for, so that TCP cannot merge two
  // of them into one receive.
  for (int i = 0; i < 2; ++i) {
    ASSERT_NO_FATAL_FAILURE(SendAll(p.client.get(), msgs[i]));
    abi::Cqe c = NextCqe(ring);
    EXPECT_EQ(c.user_data, kRecv);
    ASSERT_EQ(c.res, static_cast<int>(msgs[i].size())) << "message " << i;
    ASSERT_TRUE(cqe_has_buffer(c));
    EXPECT_TRUE(cqe_more(c)) << "flags " << c.flags;
    uint16_t id = cqe_buffer_id(c);
    ASSERT_LT(id, bufs->count());
    EXPECT_TRUE(ids.insert(id).second) << "buffer " << id << " handed out twice";
    stream.append(static_cast<const char*>(bufs->buffer(id)), static_cast<size_t>(c.res));
  }

  ASSERT_NO_FATAL_FAILURE(SendAll(p.client.get(), msgs[2]));
  abi::Cqe empty = NextCqe(ring);
  EXPECT_EQ(empty.user_data, kRecv);
  EXPECT_EQ(empty.res, Neg(err::nobufs));
  EXPECT_FALSE(cqe_more(empty)) << "flags " << empty.flags;
  EXPECT_FALSE(cqe_has_buffer(empty)) << "flags " << empty.flags;

  for (uint16_t id : ids) bufs->recycle(id);
  constexpr uint64_t kRearmed = 8;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kRearmed, [&](abi::Sqe* s) {
    prep_recv_multishot(s, p.server.get(), kGroup, 0);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  abi::Cqe third = NextCqe(ring);
  EXPECT_EQ(third.user_data, kRearmed);
  ASSERT_EQ(third.res, static_cast<int>(msgs[2].size()));
  ASSERT_TRUE(cqe_has_buffer(third));
  EXPECT_TRUE(cqe_more(third));
  stream.append(static_cast<const char*>(bufs->buffer(cqe_buffer_id(third))),
                static_cast<size_t>(third.res));
  EXPECT_EQ(stream, msgs[0] + msgs[1] + msgs[2]);
  bufs->recycle(cqe_buffer_id(third));

  // End of stream ends the multishot: res 0 and no MORE.
  ASSERT_TRUE(core::shutdown(p.client.get(), core::shut::wr).ok());
  abi::Cqe eof = NextCqe(ring);
  EXPECT_EQ(eof.user_data, kRearmed);
  EXPECT_EQ(eof.res, 0);
  EXPECT_FALSE(cqe_more(eof)) << "flags " << eof.flags;
}

// --- sendmsg and recvmsg ---------------------------------------------------------

// Two iovecs on each side, split differently, and an fd passed with
// SCM_RIGHTS over a Unix socketpair.
TEST_P(NetOpsTest, SendmsgAndRecvmsgPassAnFd) {
  Ring ring = MakeRing(GetParam());
  core::Fd a, b;
  ASSERT_NO_FATAL_FAILURE(MakeUnixPair(&a, &b));
  core::Fd pipe_r, pipe_w;
  ASSERT_NO_FATAL_FAILURE(MakePipe(&pipe_r, &pipe_w));

  char head[] = "scatter-";
  char tail[] = "gather";
  core::IoVec out_iov[2] = {{head, 8}, {tail, 6}};
  alignas(core::CMsgHdr) unsigned char out_ctl[core::cmsg_space(sizeof(int))] = {};
  core::MsgHdr out{};
  out.iov = out_iov;
  out.iovlen = 2;
  out.control = out_ctl;
  out.controllen = sizeof out_ctl;
  core::CMsgHdr* cm = core::cmsg_first(out);
  ASSERT_NE(cm, nullptr);
  cm->level = core::sol::socket;
  cm->type = core::scm::rights;
  cm->len = core::cmsg_len(sizeof(int));
  int passed = pipe_w.get();
  std::memcpy(core::cmsg_data(cm), &passed, sizeof passed);

  char first[5] = {};
  char second[32] = {};
  core::IoVec in_iov[2] = {{first, sizeof first}, {second, sizeof second}};
  alignas(core::CMsgHdr) unsigned char in_ctl[core::cmsg_space(sizeof(int))] = {};
  core::MsgHdr in{};
  in.iov = in_iov;
  in.iovlen = 2;
  in.control = in_ctl;
  in.controllen = sizeof in_ctl;

  ASSERT_NO_FATAL_FAILURE(Queue(ring, 1, [&](abi::Sqe* s) {
    prep_recvmsg(s, b.get(), &in, core::msg::cmsg_cloexec);
  }));
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 2, [&](abi::Sqe* s) {
    prep_sendmsg(s, a.get(), &out, core::msg::nosignal);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  std::vector<abi::Cqe> cqes = Reap(ring, 2);
  EXPECT_EQ(Only(cqes, 2).res, 14);
  ASSERT_EQ(Only(cqes, 1).res, 14);

  EXPECT_EQ(std::string(first, 5), "scatt");
  EXPECT_EQ(std::string(second, 9), "er-gather");
  EXPECT_EQ(in.flags & (core::msg::ctrunc | core::msg::trunc), 0);
  EXPECT_EQ(in.controllen, core::cmsg_space(sizeof(int)));

  core::CMsgHdr* got = core::cmsg_first(in);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->level, core::sol::socket);
  EXPECT_EQ(got->type, core::scm::rights);
  ASSERT_EQ(got->len, core::cmsg_len(sizeof(int)));
  int raw = -1;
  std::memcpy(&raw, core::cmsg_data(got), sizeof raw);
  ASSERT_GE(raw, 0);
  core::Fd received(raw);
  EXPECT_NE(received.get(), pipe_w.get());
  EXPECT_EQ(core::cmsg_next(in, got), nullptr);
  core::Result<bool> cloexec = received.cloexec();
  ASSERT_TRUE(cloexec.ok());
  EXPECT_TRUE(*cloexec) << "MSG_CMSG_CLOEXEC was not applied";

  // The received fd is the pipe's write end.
  core::Result<size_t> w = received.write("via fd", 6);
  ASSERT_TRUE(w.ok()) << w.error().name();
  EXPECT_EQ(ReadExactly(pipe_r.get(), 6), "via fd");
}

// Multishot recvmsg on UDP: each datagram lands in a provided buffer as
// RecvmsgOut, then the sender's address, then the payload.
TEST_P(NetOpsTest, MultishotRecvmsgOnUdpLaysOutHeaderNameAndPayload) {
  Ring ring = MakeRing(GetParam());
  constexpr uint16_t kGroup = 5;
  constexpr size_t kBufSize = 256;
  BufRingOptions options;
  options.group = kGroup;
  options.count = 4;
  options.size = kBufSize;
  core::Result<BufRing> bufs = BufRing::Create(ring, options);
  ASSERT_TRUE(bufs.ok()) << bufs.error().name();

  core::Fd rx, tx;
  core::SockAddrIn rx_addr, tx_addr;
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::dgram, &rx, &rx_addr));
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::dgram, &tx, &tx_addr));

  // Only the lengths of name and control matter to a multishot recvmsg.
  // MSG_TRUNC makes the header report a datagram's real length even when
  // the buffer could hold only part of it (without it, the stored length).
  core::MsgHdr shape{};
  shape.namelen = sizeof(core::SockAddrIn);
  shape.controllen = 0;
  constexpr uint64_t kRecv = 9;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kRecv, [&](abi::Sqe* s) {
    prep_recvmsg_multishot(s, rx.get(), &shape, core::msg::trunc, kGroup);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));

  // Three datagrams, the last one larger than what a buffer has room for.
  constexpr size_t kPrefix = sizeof(abi::RecvmsgOut) + sizeof(core::SockAddrIn);
  const std::string grams[3] = {"datagram one", std::string(100, 'x'),
                                std::string(kBufSize, 'y')};
  for (const std::string& g : grams) {
    core::Result<size_t> r =
        core::sendto(tx.get(), g.data(), g.size(), 0, &rx_addr, sizeof rx_addr);
    ASSERT_TRUE(r.ok()) << r.error().name();
    ASSERT_EQ(*r, g.size());
  }

  for (const std::string& g : grams) {
    SCOPED_TRACE("datagram of " + std::to_string(g.size()) + " bytes");
    abi::Cqe c = NextCqe(ring);
    EXPECT_EQ(c.user_data, kRecv);
    EXPECT_TRUE(cqe_more(c)) << "flags " << c.flags;
    ASSERT_TRUE(cqe_has_buffer(c));
    const bool fits = kPrefix + g.size() <= kBufSize;
    const size_t stored = fits ? g.size() : kBufSize - kPrefix;
    ASSERT_EQ(c.res, static_cast<int>(kPrefix + stored));

    const auto* base = static_cast<const unsigned char*>(bufs->buffer(cqe_buffer_id(c)));
    abi::RecvmsgOut hdr;
    std::memcpy(&hdr, base, sizeof hdr);
    EXPECT_EQ(hdr.namelen, sizeof(core::SockAddrIn));
    EXPECT_EQ(hdr.controllen, 0u);
    EXPECT_EQ(hdr.payloadlen, g.size()) << "the datagram's real length";
    EXPECT_EQ((hdr.flags & core::msg::trunc) != 0, !fits) << "flags " << hdr.flags;

    core::SockAddrIn from;
    std::memcpy(&from, base + sizeof(abi::RecvmsgOut), sizeof from);
    EXPECT_EQ(from.family, af::inet);
    EXPECT_EQ(from.port, tx_addr.port);
    EXPECT_EQ(from.addr, core::host_to_net32(kLoopback));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(base + kPrefix), stored),
              g.substr(0, stored));
    bufs->recycle(cqe_buffer_id(c));
  }

  constexpr uint64_t kCancel = 10;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kCancel, [&](abi::Sqe* s) { prep_cancel(s, kRecv); }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  std::vector<abi::Cqe> done = Reap(ring, 2);
  EXPECT_EQ(Only(done, kCancel).res, 0);
  abi::Cqe last = Only(done, kRecv);
  EXPECT_EQ(last.res, Neg(err::canceled));
  EXPECT_FALSE(cqe_more(last)) << "flags " << last.flags;
}

// --- zero-copy sends ----------------------------------------------------------

// Checks the two CQEs of a zero-copy send: the result, with MORE, then the
// notification that the buffer is free again, both under one user_data.
void ExpectResultThenNotification(const std::vector<abi::Cqe>& cqes,
                                  uint64_t user_data, int expected_res) {
  ASSERT_EQ(cqes.size(), 2u);
  const abi::Cqe& result = cqes[0];
  const abi::Cqe& notif = cqes[1];
  EXPECT_EQ(result.user_data, user_data);
  EXPECT_EQ(result.res, expected_res);
  EXPECT_TRUE(HasFlag(result, abi::kCqeFMore)) << "flags " << result.flags;
  EXPECT_FALSE(HasFlag(result, abi::kCqeFNotif)) << "flags " << result.flags;
  EXPECT_EQ(notif.user_data, user_data);
  EXPECT_EQ(notif.res, 0);
  EXPECT_TRUE(HasFlag(notif, abi::kCqeFNotif)) << "flags " << notif.flags;
  EXPECT_FALSE(HasFlag(notif, abi::kCqeFMore)) << "flags " << notif.flags;
}

TEST_P(NetOpsTest, SendZcPostsResultThenNotification) {
  Ring ring = MakeRing(GetParam());
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));
  std::string data(3000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);

  constexpr uint64_t kZc = 21;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kZc, [&](abi::Sqe* s) {
    prep_send_zc(s, p.client.get(), data.data(), data.size(), core::msg::nosignal);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  ASSERT_NO_FATAL_FAILURE(
      ExpectResultThenNotification(Reap(ring, 2), kZc, static_cast<int>(data.size())));
  EXPECT_EQ(RingRecvExactly(ring, p.server.get(), data.size()), data);
}

TEST_P(NetOpsTest, SendmsgZcPostsResultThenNotification) {
  Ring ring = MakeRing(GetParam());
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));
  std::string part1(1500, 'p');
  std::string part2 = "and a short tail";
  core::IoVec iov[2] = {{part1.data(), part1.size()}, {part2.data(), part2.size()}};
  core::MsgHdr m{};
  m.iov = iov;
  m.iovlen = 2;

  constexpr uint64_t kZc = 22;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kZc, [&](abi::Sqe* s) {
    prep_sendmsg_zc(s, p.client.get(), &m, core::msg::nosignal);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  const size_t total = part1.size() + part2.size();
  ASSERT_NO_FATAL_FAILURE(
      ExpectResultThenNotification(Reap(ring, 2), kZc, static_cast<int>(total)));
  EXPECT_EQ(RingRecvExactly(ring, p.server.get(), total), part1 + part2);
}

// Unix sockets cannot send zero-copy. The request still owned a
// notification slot when it failed, so the kernel posts the error with MORE
// and then the notification, exactly as for a successful send.
TEST_P(NetOpsTest, SendZcOnAUnixSocketIsEopnotsupp) {
  Ring ring = MakeRing(GetParam());
  core::Fd a, b;
  ASSERT_NO_FATAL_FAILURE(MakeUnixPair(&a, &b));
  constexpr uint64_t kZc = 23;
  ASSERT_NO_FATAL_FAILURE(Queue(ring, kZc, [&](abi::Sqe* s) {
    prep_send_zc(s, a.get(), "nope", 4, core::msg::nosignal);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  ASSERT_NO_FATAL_FAILURE(
      ExpectResultThenNotification(Reap(ring, 2), kZc, Neg(err::opnotsupp)));
}

// --- send with an address (sendto) -----------------------------------------------

TEST_P(NetOpsTest, SendWithAddressIsSendto) {
  Ring ring = MakeRing(GetParam());
  core::Fd rx, tx;
  core::SockAddrIn rx_addr, tx_addr;
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::dgram, &rx, &rx_addr));
  ASSERT_NO_FATAL_FAILURE(BoundSocket(sock::dgram, &tx, &tx_addr));

  // Without an address an unconnected datagram socket has nowhere to send.
  const std::string gram = "addressed datagram";
  abi::Cqe nowhere = RunOne(ring, [&](abi::Sqe* s) {
    prep_send(s, tx.get(), gram.data(), gram.size(), 0);
  }, 1);
  EXPECT_EQ(nowhere.res, Neg(err::destaddrreq));

  abi::Cqe sent = RunOne(ring, [&](abi::Sqe* s) {
    prep_send(s, tx.get(), gram.data(), gram.size(), 0);
    prep_send_set_addr(s, &rx_addr, sizeof rx_addr);
  }, 2);
  ASSERT_EQ(sent.res, static_cast<int>(gram.size()));

  char buf[64] = {};
  core::SockAddrIn from{};
  core::SockLen from_len = sizeof from;
  core::Result<size_t> n =
      core::recvfrom(rx.get(), buf, sizeof buf, core::msg::dontwait, &from, &from_len);
  ASSERT_TRUE(n.ok()) << n.error().name();
  EXPECT_EQ(std::string(buf, *n), gram);
  EXPECT_EQ(from.port, tx_addr.port);
}

// --- shutdown ----------------------------------------------------------------------

TEST_P(NetOpsTest, ShutdownWriteGivesThePeerEndOfStream) {
  Ring ring = MakeRing(GetParam());
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));

  char buf[16];
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 1, [&](abi::Sqe* s) {
    prep_recv(s, p.server.get(), buf, sizeof buf, 0);
  }));
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 2, [&](abi::Sqe* s) {
    prep_shutdown(s, p.client.get(), core::shut::wr);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  std::vector<abi::Cqe> cqes = Reap(ring, 2);
  EXPECT_EQ(Only(cqes, 2).res, 0);
  EXPECT_EQ(Only(cqes, 1).res, 0) << "end of stream";

  // Only one direction is shut: the server can still answer.
  ASSERT_NO_FATAL_FAILURE(SendAll(p.server.get(), "still open"));
  EXPECT_EQ(RingRecvExactly(ring, p.client.get(), 10), "still open");

  // A send on the shut side fails with EPIPE (no SIGPIPE with nosignal).
  abi::Cqe after = RunOne(ring, [&](abi::Sqe* s) {
    prep_send(s, p.client.get(), "x", 1, core::msg::nosignal);
  }, 3);
  EXPECT_EQ(after.res, Neg(err::pipe));
}

TEST_P(NetOpsTest, ShutdownOfAnUnconnectedSocketIsEnotconn) {
  Ring ring = MakeRing(GetParam());
  core::Fd fd;
  ASSERT_NO_FATAL_FAILURE(NewSocket(sock::stream, &fd));
  abi::Cqe c = RunOne(ring, [&](abi::Sqe* s) { prep_shutdown(s, fd.get(), core::shut::wr); });
  EXPECT_EQ(c.res, Neg(err::notconn));
}

// --- splice and tee ------------------------------------------------------------

TEST_P(NetOpsTest, SpliceFromASocketIntoAPipeThenTee) {
  Ring ring = MakeRing(GetParam());
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));
  core::Fd first_r, first_w, second_r, second_w;
  ASSERT_NO_FATAL_FAILURE(MakePipe(&first_r, &first_w));
  ASSERT_NO_FATAL_FAILURE(MakePipe(&second_r, &second_w));

  const std::string data = "bytes that never visit user space";
  ASSERT_NO_FATAL_FAILURE(SendAll(p.client.get(), data));
  const uint32_t n = static_cast<uint32_t>(data.size());

  abi::Cqe spliced = RunOne(ring, [&](abi::Sqe* s) {
    prep_splice(s, p.server.get(), -1, first_w.get(), -1, n, 0);
  }, 1);
  ASSERT_EQ(spliced.res, static_cast<int>(n));

  abi::Cqe teed = RunOne(ring, [&](abi::Sqe* s) {
    prep_tee(s, first_r.get(), second_w.get(), n, 0);
  }, 2);
  ASSERT_EQ(teed.res, static_cast<int>(n));

  // tee copies without consuming: both pipes hold the data.
  EXPECT_EQ(ReadExactly(second_r.get(), n), data);
  EXPECT_EQ(ReadExactly(first_r.get(), n), data);

  // Splicing between two non-pipes is EINVAL.
  abi::Cqe bad = RunOne(ring, [&](abi::Sqe* s) {
    prep_splice(s, p.server.get(), -1, p.client.get(), -1, n, 0);
  }, 3);
  EXPECT_EQ(bad.res, Neg(err::inval));
}

// --- errors a peer causes ----------------------------------------------------------

TEST_P(NetOpsTest, RecvFromAPeerThatResetIsEconnreset) {
  Ring ring = MakeRing(GetParam());
  TcpPair p;
  ASSERT_NO_FATAL_FAILURE(MakeTcpPair(&p));

  // SO_LINGER with a zero timeout makes close() abort the connection with
  // an RST instead of a FIN.
  core::Linger abort_on_close{1, 0};
  ASSERT_TRUE(core::setsockopt(p.server.get(), core::sol::socket, core::so::linger,
                               &abort_on_close, sizeof abort_on_close)
                  .ok());
  char buf[16];
  ASSERT_NO_FATAL_FAILURE(Queue(ring, 1, [&](abi::Sqe* s) {
    prep_recv(s, p.client.get(), buf, sizeof buf, 0);
  }));
  ASSERT_NO_FATAL_FAILURE(Submit(ring));
  ASSERT_TRUE(p.server.close().ok());

  abi::Cqe c = NextCqe(ring);
  EXPECT_EQ(c.user_data, 1u);
  EXPECT_EQ(c.res, Neg(err::connreset));
}

INSTANTIATE_TEST_SUITE_P(Configs, NetOpsTest, ::testing::ValuesIn(kRingConfigs),
                         testing::ConfigName);

}  // namespace
}  // namespace zring::ring
