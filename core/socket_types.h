// zring/core/socket_types.h — the kernel's socket structs: addresses,
// message headers, control message headers, under C++ names.
//
// Apart from socket.h so that what only needs the layouts (the host syscall
// layer, arch/host.cc) does not pull in the syscall wrappers. As in
// types.h, every size and offset is the ABI of 64-bit Linux.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/types.h"

namespace zring::core {

// SockLen: the kernel's socklen_t (a 32-bit length).
using SockLen = std::uint32_t;

// ---------------------------------------------------------------------------
// Addresses, in the kernel's layout. `family` is always the first field
// (sa_family_t, 16 bits); ports and IPv4 addresses are in network order.
// ---------------------------------------------------------------------------

// SockAddr: struct sockaddr, the generic header.
struct SockAddr {
  std::uint16_t family;
  char data[14];
};
static_assert(sizeof(SockAddr) == 16, "SockAddr must match struct sockaddr");

// SockAddrIn: struct sockaddr_in (AF_INET).
struct SockAddrIn {
  std::uint16_t family;
  std::uint16_t port;    // network order: host_to_net16(port)
  std::uint32_t addr;    // network order: host_to_net32(0x7f000001) is 127.0.0.1
  unsigned char zero[8];
};
static_assert(sizeof(SockAddrIn) == 16, "SockAddrIn must match struct sockaddr_in");

// SockAddrIn6: struct sockaddr_in6 (AF_INET6).
struct SockAddrIn6 {
  std::uint16_t family;
  std::uint16_t port;      // network order
  std::uint32_t flowinfo;  // network order
  unsigned char addr[16];  // ::1 is fifteen zeros and a 1
  std::uint32_t scope_id;  // interface index for link-local addresses
};
static_assert(sizeof(SockAddrIn6) == 28, "SockAddrIn6 must match struct sockaddr_in6");

// SockAddrUn: struct sockaddr_un (AF_UNIX). A path that starts with a NUL
// byte is an abstract address; its length is then given by the addrlen
// passed to bind()/connect(), not by a terminator.
struct SockAddrUn {
  std::uint16_t family;
  char path[108];
};
static_assert(sizeof(SockAddrUn) == 110, "SockAddrUn must match struct sockaddr_un");

// SockAddrNl: struct sockaddr_nl (AF_NETLINK). pid 0 is the kernel.
struct SockAddrNl {
  std::uint16_t family;
  std::uint16_t pad;
  std::uint32_t pid;
  std::uint32_t groups;
};
static_assert(sizeof(SockAddrNl) == 12, "SockAddrNl must match struct sockaddr_nl");

// SockAddrStorage: struct sockaddr_storage, big and aligned enough for any
// address the kernel returns (accept, getsockname, recvfrom of unknown
// family).
struct alignas(8) SockAddrStorage {
  std::uint16_t family;
  unsigned char data[126];
};
static_assert(sizeof(SockAddrStorage) == 128 && alignof(SockAddrStorage) == 8,
              "SockAddrStorage must match struct sockaddr_storage");

// ---------------------------------------------------------------------------
// Messages.
// ---------------------------------------------------------------------------

// MsgHdr: struct msghdr (struct user_msghdr in the kernel), the argument of
// sendmsg() and recvmsg().
struct MsgHdr {
  void* name;             // optional address (sendto's / recvfrom's)
  SockLen namelen;        // in: its size; out (recvmsg): the address's size
  IoVec* iov;             // the data buffers
  std::size_t iovlen;     // how many
  void* control;          // ancillary data: a run of CMsgHdr, see cmsg_*()
  std::size_t controllen; // in: its size; out (recvmsg): bytes used
  int flags;              // out (recvmsg): msg::trunc, msg::ctrunc, ...
};
static_assert(sizeof(MsgHdr) == 56, "MsgHdr must match struct msghdr (LP64)");

// MMsgHdr: struct mmsghdr, one slot of sendmmsg()/recvmmsg(). `len` is set
// by the kernel to the bytes sent or received for this slot.
struct MMsgHdr {
  MsgHdr hdr;
  unsigned len;
};
static_assert(sizeof(MMsgHdr) == 64, "MMsgHdr must match struct mmsghdr (LP64)");

// CMsgHdr: struct cmsghdr, the header of one control message. Its data
// follows at cmsg_data(); `len` counts header and data but not the trailing
// padding (cmsg_len(n)).
struct CMsgHdr {
  std::size_t len;
  int level;  // sol::socket, sol::ip, ...
  int type;   // scm::rights, scm::credentials, ...
};
static_assert(sizeof(CMsgHdr) == 16, "CMsgHdr must match struct cmsghdr (LP64)");

// Linger: struct linger, the value of so::linger.
struct Linger {
  int onoff;
  int linger;  // seconds
};
static_assert(sizeof(Linger) == 8, "Linger must match struct linger");

// UCred: struct ucred, the value of so::peercred and of an scm::credentials
// message.
struct UCred {
  std::int32_t pid;
  std::uint32_t uid;
  std::uint32_t gid;
};
static_assert(sizeof(UCred) == 12, "UCred must match struct ucred");

// SocketPair: the two ends socketpair() returns. Both are raw fds owned by
// the caller.
struct SocketPair {
  int first;
  int second;
};

}  // namespace zring::core
