// zring/core/netlink.h — list the network interfaces through rtnetlink.
//
// Links() asks the kernel for every interface (an RTM_GETLINK dump over a
// NETLINK_ROUTE socket) and copies name, index, flags, MTU and hardware
// address into caller-provided Link slots. Nothing is allocated: the reply
// is parsed from a buffer on the stack and the socket is closed before the
// call returns.
//
//   core::Link links[16];
//   core::Result<size_t> n = core::Links(links, 16);
//   if (!n) return n.error();
//   for (size_t i = 0; i < *n && i < 16; ++i) {
//     if (links[i].up() && !links[i].loopback()) use(links[i]);
//   }
//
//   core::Result<core::Link> lo = core::LinkByName("lo");   // err::nodev if absent
//
// These make several syscalls each and are meant for start-up and
// configuration, not for a hot path.
#pragma once

#include <cstddef>

#include "zring/core/constants.h"
#include "zring/core/result.h"

namespace zring::core {

// Link
//
// One network interface as the kernel describes it in an RTM_NEWLINK
// message. Fields the kernel did not send stay zero.
struct Link {
  static constexpr std::size_t kNameSize = 16;    // IFNAMSIZ, NUL included
  static constexpr std::size_t kMaxHwAddr = 32;   // MAX_ADDR_LEN

  int index;                          // ifindex, > 0
  char name[kNameSize];               // NUL-terminated ("lo", "eth0")
  unsigned flags;                     // iff::* bits (constants.h)
  unsigned mtu;                       // bytes
  unsigned char hw_addr[kMaxHwAddr];  // link-layer address (MAC for Ethernet)
  unsigned hw_addr_len;               // bytes used in hw_addr (0 for none)

  // up(): administratively up (iff::up). Whether a carrier is present is
  // iff::running / iff::lower_up.
  [[nodiscard]] bool up() const noexcept { return (flags & iff::up) != 0; }
  // loopback(): the loopback interface (iff::loopback).
  [[nodiscard]] bool loopback() const noexcept { return (flags & iff::loopback) != 0; }
};

// Links()
//
// Fills out[0 .. min(capacity, total)) with the interfaces, in the order
// the kernel lists them, and returns `total`, the number of interfaces the
// kernel reported — which may be larger than `capacity`. A caller that got
// back more than it had room for retries with a bigger array (interfaces
// may come and go between two calls, so loop until total <= capacity).
// capacity 0 (out may then be null) only counts.
//
// Errors: those of socket/sendto/recvmsg on a netlink socket (err::mfile,
// err::nobufs, err::acces under a restrictive seccomp profile, ...), the
// errno of an NLMSG_ERROR reply, err::msgsize for a reply larger than the
// internal 32 KiB buffer, err::proto for a malformed reply, and err::again
// if the list kept changing while the kernel dumped it (the dump is
// retried a few times before giving up).
[[nodiscard]] Result<std::size_t> Links(Link* out, std::size_t capacity) noexcept;

// LinkByName()
//
// The interface called `name`; err::nodev if there is none (a name of 16
// bytes or more can never match), err::inval if name is null, or any error
// of Links().
[[nodiscard]] Result<Link> LinkByName(const char* name) noexcept;

// LinkByIndex()
//
// The interface with ifindex `index`; err::nodev if there is none (index
// <= 0 included), or any error of Links().
[[nodiscard]] Result<Link> LinkByIndex(int index) noexcept;

}  // namespace zring::core
