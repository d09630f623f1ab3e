// SocketAddress: parsing (a table with bad input), printing, and the
// sockaddr it produces compared with libc's.
#include "zring/net/address.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace zring::net {
namespace {

struct Case {
  const char* text;
  const char* printed;  // nullptr: Parse must fail
};

class ParseTable : public ::testing::TestWithParam<Case> {};

TEST_P(ParseTable, ParsesAndPrints) {
  const Case& c = GetParam();
  core::Result<SocketAddress> a = SocketAddress::Parse(c.text);
  if (c.printed == nullptr) {
    ASSERT_FALSE(a.ok()) << c.text << " parsed as " << a->ToString();
    EXPECT_EQ(a.error(), core::err::inval) << c.text;
    return;
  }
  ASSERT_TRUE(a.ok()) << c.text << ": " << a.error().name();
  EXPECT_EQ(a->ToString(), c.printed);
  // What it prints parses back to the same address.
  core::Result<SocketAddress> again = SocketAddress::Parse(a->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == *a);
}

const Case kCases[] = {
    {"1.2.3.4:80", "1.2.3.4:80"},
    {"0.0.0.0:0", "0.0.0.0:0"},
    {"255.255.255.255:65535", "255.255.255.255:65535"},
    {"127.0.0.1:8080", "127.0.0.1:8080"},
    {"[::1]:80", "[::1]:80"},
    {"[::]:0", "[::]:0"},
    {"[2001:db8::1]:443", "[2001:db8::1]:443"},
    {"[2001:0db8:0000:0000:0000:0000:0000:0001]:1", "[2001:db8::1]:1"},
    {"[2001:db8:0:1:0:0:0:1]:1", "[2001:db8:0:1::1]:1"},  // the longer run wins
    {"[2001:db8:0:0:1:0:0:1]:1", "[2001:db8::1:0:0:1]:1"},  // first run on a tie
    {"[1:0:2:3:4:5:6:7]:1", "[1:0:2:3:4:5:6:7]:1"},        // one zero is not ::
    {"[::ffff:1.2.3.4]:5", "[::ffff:1.2.3.4]:5"},
    {"[fe80::1%2]:9", "[fe80::1%2]:9"},
    {"[FE80::ABCD]:9", "[fe80::abcd]:9"},
    {"unix:/tmp/zring.sock", "unix:/tmp/zring.sock"},
    {"unix:@zring-abstract", "unix:@zring-abstract"},
    // Bad input.
    {"", nullptr},
    {"1.2.3.4", nullptr},
    {"1.2.3.4:", nullptr},
    {"1.2.3.4:65536", nullptr},
    {"1.2.3.4:-1", nullptr},
    {"1.2.3.4:8o", nullptr},
    {"1.2.3:80", nullptr},
    {"1.2.3.4.5:80", nullptr},
    {"256.1.1.1:80", nullptr},
    {"01.2.3.4:80", nullptr},
    {"1..3.4:80", nullptr},
    {"a.b.c.d:80", nullptr},
    {"::1:80", nullptr},
    {"[::1:80", nullptr},
    {"[]:80", nullptr},
    {"[1:2:3:4:5:6:7:8:9]:80", nullptr},
    {"[1::2::3]:80", nullptr},
    {"[12345::]:80", nullptr},
    {"[1:2:3:4:5:6:7]:80", nullptr},
    {"[fe80::1%]:80", nullptr},
    {"[g::1]:80", nullptr},
    {"unix:", nullptr},
    {"localhost:80", nullptr},
};

INSTANTIATE_TEST_SUITE_P(Table, ParseTable, ::testing::ValuesIn(kCases));

TEST(SocketAddress, Ipv4MatchesLibc) {
  core::Result<SocketAddress> a = SocketAddress::Parse("10.20.30.40:1234");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), sizeof(sockaddr_in));
  sockaddr_in expected{};
  expected.sin_family = AF_INET;
  expected.sin_port = htons(1234);
  ASSERT_EQ(inet_pton(AF_INET, "10.20.30.40", &expected.sin_addr), 1);
  EXPECT_EQ(std::memcmp(a->data(), &expected, sizeof expected), 0);
  EXPECT_EQ(a->domain(), AF_INET);
  EXPECT_EQ(a->port(), 1234);
}

TEST(SocketAddress, Ipv6MatchesLibc) {
  const char* texts[] = {"::1", "2001:db8::8:800:200c:417a", "::ffff:192.0.2.128", "ff02::1",
                         "1:2:3:4:5:6:7:8", "::", "1::", "::2:3:4"};
  // (glibc prints the deprecated IPv4-compatible form "::a.b.c.d" for
  // "::2:3"; RFC 5952 keeps dotted quads for IPv4-mapped addresses only.)
  for (const char* t : texts) {
    uint8_t ours[16];
    in6_addr theirs;
    ASSERT_EQ(inet_pton(AF_INET6, t, &theirs), 1) << t;
    ASSERT_TRUE(ParseIpv6(t, ours)) << t;
    EXPECT_EQ(std::memcmp(ours, &theirs, 16), 0) << t;
    // And we print what inet_ntop prints.
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &theirs, text, sizeof text);
    SocketAddress a = SocketAddress::Ipv6(ours, 1);
    EXPECT_EQ(a.ToString(), std::string("[") + text + "]:1") << t;
  }
}

TEST(SocketAddress, ScopeByInterfaceName) {
  core::Result<SocketAddress> a = SocketAddress::Parse("[fe80::1%lo]:7");
  ASSERT_TRUE(a.ok()) << a.error().name();
  const auto* in6 = static_cast<const sockaddr_in6*>(a->data());
  EXPECT_EQ(in6->sin6_scope_id, if_nametoindex("lo"));
  core::Result<SocketAddress> missing = SocketAddress::Parse("[fe80::1%nosuchif0]:7");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), core::err::nodev);
}

TEST(SocketAddress, UnixPathAndAbstractLayouts) {
  core::Result<SocketAddress> path = SocketAddress::Unix("/run/x.sock");
  ASSERT_TRUE(path.ok());
  const auto* un = static_cast<const sockaddr_un*>(path->data());
  EXPECT_EQ(un->sun_family, AF_UNIX);
  EXPECT_STREQ(un->sun_path, "/run/x.sock");
  EXPECT_EQ(path->size(), offsetof(sockaddr_un, sun_path) + 12);

  core::Result<SocketAddress> abs = SocketAddress::UnixAbstract("name");
  ASSERT_TRUE(abs.ok());
  un = static_cast<const sockaddr_un*>(abs->data());
  EXPECT_EQ(un->sun_path[0], '\0');
  EXPECT_EQ(std::memcmp(un->sun_path + 1, "name", 4), 0);
  EXPECT_EQ(abs->size(), offsetof(sockaddr_un, sun_path) + 5);

  EXPECT_EQ(SocketAddress::Unix(std::string(108, 'x')).error(), core::err::inval);
  EXPECT_EQ(SocketAddress::Unix(std::string("a\0b", 3)).error(), core::err::inval);
}

TEST(SocketAddress, FromSockaddrRoundTrips) {
  SocketAddress a = SocketAddress::Ipv4Loopback(99);
  core::Result<SocketAddress> b = SocketAddress::FromSockaddr(a.data(), a.size());
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(*b == a);
  EXPECT_EQ(b->ToString(), "127.0.0.1:99");
  SocketAddress c = SocketAddress::Ipv6Loopback(5);
  EXPECT_EQ(SocketAddress::FromSockaddr(c.data(), c.size())->ToString(), "[::1]:5");
  // Too short for its family, unknown family, null.
  EXPECT_EQ(SocketAddress::FromSockaddr(a.data(), 8).error(), core::err::inval);
  uint16_t bogus[8] = {99};
  EXPECT_EQ(SocketAddress::FromSockaddr(bogus, sizeof bogus).error(), core::err::inval);
  EXPECT_EQ(SocketAddress::FromSockaddr(nullptr, 16).error(), core::err::inval);
}

TEST(SocketAddress, SetPort) {
  SocketAddress a = SocketAddress::Ipv6Loopback(1);
  a.set_port(4242);
  EXPECT_EQ(a.port(), 4242);
  EXPECT_EQ(a.ToString(), "[::1]:4242");
}

}  // namespace
}  // namespace zring::net
