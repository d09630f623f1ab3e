// zring/core/netlink.h: Links(), LinkByName(), LinkByIndex() against what
// libc (if_nameindex, if_nametoindex) and the SIOCGIF* ioctls report.
#include "zring/core/netlink.h"

#include <dirent.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zring/core/result.h"

namespace zring::core {
namespace {

// All links, growing the array until it holds them (the retry loop that
// Links() documents).
std::vector<Link> AllLinks() {
  std::vector<Link> links(4);
  for (int i = 0; i < 10; ++i) {
    Result<std::size_t> n = Links(links.data(), links.size());
    EXPECT_TRUE(n) << n.error().name();
    if (!n) return {};
    if (*n <= links.size()) {
      links.resize(*n);
      return links;
    }
    links.resize(*n + 4);
  }
  ADD_FAILURE() << "the interface list never settled";
  return {};
}

const Link* Find(const std::vector<Link>& links, const char* name) {
  for (const Link& l : links) {
    if (std::strcmp(l.name, name) == 0) return &l;
  }
  return nullptr;
}

bool SameLink(const Link& a, const Link& b) {
  return a.index == b.index && std::strcmp(a.name, b.name) == 0 && a.flags == b.flags &&
         a.mtu == b.mtu && a.hw_addr_len == b.hw_addr_len &&
         std::memcmp(a.hw_addr, b.hw_addr, a.hw_addr_len) == 0;
}

int OpenFdCount() {
  int count = 0;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (::readdir(d) != nullptr) ++count;
  ::closedir(d);
  return count;
}

TEST(Netlink, FlagsAndHelpersMatchNetIf) {
  EXPECT_EQ(iff::up, static_cast<unsigned>(IFF_UP));
  EXPECT_EQ(iff::broadcast, static_cast<unsigned>(IFF_BROADCAST));
  EXPECT_EQ(iff::loopback, static_cast<unsigned>(IFF_LOOPBACK));
  EXPECT_EQ(iff::pointopoint, static_cast<unsigned>(IFF_POINTOPOINT));
  EXPECT_EQ(iff::running, static_cast<unsigned>(IFF_RUNNING));
  EXPECT_EQ(iff::noarp, static_cast<unsigned>(IFF_NOARP));
  EXPECT_EQ(iff::promisc, static_cast<unsigned>(IFF_PROMISC));
  EXPECT_EQ(iff::allmulti, static_cast<unsigned>(IFF_ALLMULTI));
  EXPECT_EQ(iff::multicast, static_cast<unsigned>(IFF_MULTICAST));
  EXPECT_EQ(Link::kNameSize, static_cast<std::size_t>(IF_NAMESIZE));

  Link l{};
  EXPECT_FALSE(l.up());
  EXPECT_FALSE(l.loopback());
  l.flags = iff::up | iff::loopback;
  EXPECT_TRUE(l.up());
  EXPECT_TRUE(l.loopback());
}

TEST(Netlink, LinksContainLoopback) {
  std::vector<Link> links = AllLinks();
  ASSERT_FALSE(links.empty());
  const Link* lo = Find(links, "lo");
  ASSERT_NE(lo, nullptr) << "no \"lo\" among " << links.size() << " links";
  EXPECT_TRUE(lo->loopback());
  EXPECT_EQ(static_cast<unsigned>(lo->index), ::if_nametoindex("lo"));
  EXPECT_GT(lo->mtu, 0u);
}

TEST(Netlink, LinksAgreeWithIfNameIndex) {
  std::vector<Link> links = AllLinks();
  struct if_nameindex* sys = ::if_nameindex();
  ASSERT_NE(sys, nullptr);
  std::size_t sys_count = 0;
  for (struct if_nameindex* p = sys; p->if_index != 0; ++p) {
    ++sys_count;
    const Link* l = Find(links, p->if_name);
    EXPECT_NE(l, nullptr) << p->if_name;
    if (l != nullptr) {
      EXPECT_EQ(static_cast<unsigned>(l->index), p->if_index) << p->if_name;
    }
  }
  ::if_freenameindex(sys);
  EXPECT_EQ(links.size(), sys_count);
  for (const Link& l : links) {
    EXPECT_GT(l.index, 0) << l.name;
    EXPECT_GT(std::strlen(l.name), 0u);
    EXPECT_LT(std::strlen(l.name), Link::kNameSize);
  }
}

TEST(Netlink, FlagsMtuAndAddressMatchIoctls) {
  std::vector<Link> links = AllLinks();
  ASSERT_FALSE(links.empty());
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(s, 0);
  for (const Link& l : links) {
    ifreq req{};
    std::strncpy(req.ifr_name, l.name, IFNAMSIZ - 1);
    if (::ioctl(s, SIOCGIFFLAGS, &req) == 0) {
      // ifr_flags is a short: only the low 16 bits are comparable.
      EXPECT_EQ(l.flags & 0xffffu, static_cast<unsigned short>(req.ifr_flags)) << l.name;
    }
    std::strncpy(req.ifr_name, l.name, IFNAMSIZ - 1);
    if (::ioctl(s, SIOCGIFMTU, &req) == 0) {
      EXPECT_EQ(l.mtu, static_cast<unsigned>(req.ifr_mtu)) << l.name;
    }
    std::strncpy(req.ifr_name, l.name, IFNAMSIZ - 1);
    if (::ioctl(s, SIOCGIFHWADDR, &req) == 0 && req.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
      ASSERT_EQ(l.hw_addr_len, 6u) << l.name;
      EXPECT_EQ(std::memcmp(l.hw_addr, req.ifr_hwaddr.sa_data, 6), 0) << l.name;
    }
  }
  ::close(s);
}

TEST(Netlink, CapacityZeroStillCounts) {
  std::vector<Link> links = AllLinks();
  ASSERT_FALSE(links.empty());
  Result<std::size_t> n = Links(nullptr, 0);
  ASSERT_TRUE(n) << n.error().name();
  EXPECT_EQ(*n, links.size());
  Link unused{};
  Result<std::size_t> n2 = Links(&unused, 0);
  ASSERT_TRUE(n2);
  EXPECT_EQ(*n2, links.size());
  EXPECT_EQ(unused.index, 0);  // nothing written with capacity 0
}

TEST(Netlink, SmallCapacityFillsOnlyThePrefix) {
  std::vector<Link> links = AllLinks();
  ASSERT_FALSE(links.empty());
  Link out[2] = {};
  out[1].index = -12345;  // must stay untouched
  Result<std::size_t> n = Links(out, 1);
  ASSERT_TRUE(n) << n.error().name();
  EXPECT_EQ(*n, links.size());
  EXPECT_TRUE(SameLink(out[0], links[0])) << out[0].name << " vs " << links[0].name;
  EXPECT_EQ(out[1].index, -12345);
}

TEST(Netlink, LinkByNameEqualsLinkByIndex) {
  Result<Link> by_name = LinkByName("lo");
  ASSERT_TRUE(by_name) << by_name.error().name();
  EXPECT_STREQ(by_name->name, "lo");
  EXPECT_TRUE(by_name->loopback());
  EXPECT_EQ(static_cast<unsigned>(by_name->index), ::if_nametoindex("lo"));

  Result<Link> by_index = LinkByIndex(by_name->index);
  ASSERT_TRUE(by_index) << by_index.error().name();
  EXPECT_TRUE(SameLink(*by_name, *by_index));
}

TEST(Netlink, EveryLinkIsFoundByNameAndIndex) {
  for (const Link& l : AllLinks()) {
    Result<Link> by_name = LinkByName(l.name);
    ASSERT_TRUE(by_name) << l.name << ": " << by_name.error().name();
    EXPECT_EQ(by_name->index, l.index);
    Result<Link> by_index = LinkByIndex(l.index);
    ASSERT_TRUE(by_index) << l.index << ": " << by_index.error().name();
    EXPECT_STREQ(by_index->name, l.name);
  }
}

TEST(Netlink, MissingNameIsNoDev) {
  Result<Link> r = LinkByName("nonexistent0");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), err::nodev);
  // Longer than any interface name can be.
  Result<Link> long_name = LinkByName("averyveryverylongname0");
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error(), err::nodev);
  Result<Link> empty = LinkByName("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), err::nodev);
  // "l" is a prefix of "lo", not a match.
  Result<Link> prefix = LinkByName("l");
  ASSERT_FALSE(prefix);
  EXPECT_EQ(prefix.error(), err::nodev);
  Result<Link> null_name = LinkByName(nullptr);
  ASSERT_FALSE(null_name);
  EXPECT_EQ(null_name.error(), err::inval);
}

TEST(Netlink, MissingIndexIsNoDev) {
  for (int index : {0, -1, 0x7fffffff}) {
    Result<Link> r = LinkByIndex(index);
    ASSERT_FALSE(r) << index;
    EXPECT_EQ(r.error(), err::nodev) << index;
  }
}

TEST(Netlink, NoFdIsLeft) {
  const int before = OpenFdCount();
  ASSERT_GT(before, 0);
  Link out[4];
  for (int i = 0; i < 8; ++i) {
    (void)Links(out, 4);
    (void)LinkByName("lo");
    (void)LinkByName("nonexistent0");
    (void)LinkByIndex(0x7fffffff);
  }
  EXPECT_EQ(OpenFdCount(), before);
}

}  // namespace
}  // namespace zring::core
