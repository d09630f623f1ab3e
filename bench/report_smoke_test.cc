// The report's parts on a small scale: the histogram on samples whose
// percentiles are known, and the load generator against each echo server
// for a few hundred requests, ping-pong and streaming, every byte checked.
#include <dirent.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/loadgen/client.h"
#include "bench/loadgen/histogram.h"
#include "bench/servers/echo_server.h"

namespace bench {
namespace {

// --- Histogram ---------------------------------------------------------------

TEST(Histogram, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.5), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(0.5), 50u);
  EXPECT_EQ(h.Percentile(0.99), 99u);
  EXPECT_EQ(h.Percentile(0.999), 100u);
  EXPECT_EQ(h.Percentile(1.0), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

// 1..100000 microseconds, one sample each: the q-quantile is q * 1e5 us, and
// every reported percentile must be within the bucket precision (1/128).
TEST(Histogram, PercentilesWithinOnePercentOnKnownSamples) {
  Histogram h;
  for (uint64_t us = 1; us <= 100'000; ++us) h.Record(us * 1000);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double want = q * 100'000 * 1000;
    const double got = static_cast<double>(h.Percentile(q));
    EXPECT_NEAR(got, want, want / 128) << "q=" << q;
  }
  EXPECT_EQ(h.Percentile(1.0), 100'000'000u);
  EXPECT_EQ(h.max(), 100'000'000u);
}

TEST(Histogram, PercentilesAreOrderedOnASkewedMix) {
  Histogram h;
  for (int i = 0; i < 9000; ++i) h.Record(20'000);       // 20 us
  for (int i = 0; i < 990; ++i) h.Record(1'000'000);     // 1 ms
  for (int i = 0; i < 10; ++i) h.Record(3'000'000'000);  // 3 s
  const uint64_t p50 = h.Percentile(0.5);
  const uint64_t p99 = h.Percentile(0.99);
  const uint64_t p999 = h.Percentile(0.999);
  const uint64_t max = h.Percentile(1.0);
  EXPECT_NEAR(static_cast<double>(p50), 20'000, 20'000 / 128.0);
  EXPECT_NEAR(static_cast<double>(p99), 1e6, 1e6 / 128);
  EXPECT_NEAR(static_cast<double>(p999), 1e6, 1e6 / 128);  // rank 9990 is the last 1 ms
  EXPECT_EQ(max, 3'000'000'000u);
  EXPECT_LE(p50, p99);
  EXPECT_LE(p99, p999);
  EXPECT_LE(p999, max);
}

TEST(Histogram, BucketsTileTheRangeWithinPrecision) {
  for (unsigned b = 0; b + 1 < Histogram::kBuckets; ++b) {
    ASSERT_EQ(Histogram::BucketHigh(b) + 1, Histogram::BucketLow(b + 1)) << b;
    const uint64_t low = Histogram::BucketLow(b);
    ASSERT_EQ(Histogram::BucketOf(low), b);
    ASSERT_EQ(Histogram::BucketOf(Histogram::BucketHigh(b)), b);
    if (low >= 256) {
      ASSERT_LE(Histogram::BucketHigh(b) - low + 1, low / 128) << b;
    }
  }
  EXPECT_EQ(Histogram::BucketOf(UINT64_MAX), Histogram::kBuckets - 1);
}

TEST(Histogram, MergeAddsSamples) {
  Histogram a, b;
  for (int i = 0; i < 50; ++i) a.Record(10);
  for (int i = 0; i < 50; ++i) b.Record(200);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.min(), 10u);
  EXPECT_EQ(a.max(), 200u);
  EXPECT_EQ(a.Percentile(0.5), 10u);
  EXPECT_EQ(a.Percentile(0.51), 200u);
}

// --- The load generator against every server ---------------------------------

size_t OpenFds() {
  size_t n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
  }
  return n;
}

struct Case {
  EchoKind kind;
  unsigned connections;
  size_t size;
  unsigned depth;
};

class EchoSmoke : public ::testing::TestWithParam<Case> {};

TEST_P(EchoSmoke, EveryByteComesBackAndTheServerCleansUp) {
  const Case c = GetParam();
  const size_t fds_before = OpenFds();
  std::string error;
  std::unique_ptr<EchoServer> server = StartEchoServer(c.kind, {}, &error);
  ASSERT_NE(server, nullptr) << error;

  LoadSpec spec;
  spec.port = server->port();
  spec.connections = c.connections;
  spec.message_size = c.size;
  spec.depth = c.depth;
  spec.requests = 400;
  spec.duration = std::chrono::seconds(20);  // a bound; 400 requests end it long before
  LoadResult r = RunLoad(spec);

  EXPECT_EQ(r.errors, 0u) << r.first_error;
  EXPECT_EQ(r.requests, 400u);
  EXPECT_EQ(r.bytes_verified, 400u * c.size);
  EXPECT_EQ(r.latency.count(), 400u);
  EXPECT_LE(r.latency.Percentile(0.5), r.latency.Percentile(0.99));
  EXPECT_LE(r.latency.Percentile(0.99), r.latency.max());
  EXPECT_GT(r.requests_per_second(), 0);

  EXPECT_TRUE(server->Stop()) << server->error();
  server.reset();
  EXPECT_EQ(OpenFds(), fds_before);
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  return std::string(Name(c.kind)) + "_" + std::to_string(c.connections) + "conn_" +
         std::to_string(c.size) + "B_depth" + std::to_string(c.depth);
}

INSTANTIATE_TEST_SUITE_P(
    AllServers, EchoSmoke,
    ::testing::Values(Case{EchoKind::kZring, 1, 64, 1}, Case{EchoKind::kZring, 20, 1024, 4},
                      Case{EchoKind::kLiburing, 1, 64, 1}, Case{EchoKind::kLiburing, 20, 1024, 4},
                      Case{EchoKind::kEpoll, 1, 64, 1}, Case{EchoKind::kEpoll, 20, 1024, 4},
                      Case{EchoKind::kBlocking, 1, 64, 1}, Case{EchoKind::kBlocking, 4, 1024, 4}),
    CaseName);

// A large message is sent and echoed in pieces: the client must put it back
// together (and the servers must re-send what a short send left).
TEST(EchoSmokeLarge, BigMessagesStreamIntact) {
  for (EchoKind kind : {EchoKind::kZring, EchoKind::kLiburing, EchoKind::kEpoll}) {
    std::string error;
    auto server = StartEchoServer(kind, {}, &error);
    ASSERT_NE(server, nullptr) << error;
    LoadSpec spec;
    spec.port = server->port();
    spec.connections = 2;
    spec.message_size = 200'000;
    spec.depth = 3;
    spec.requests = 30;
    spec.duration = std::chrono::seconds(20);
    LoadResult r = RunLoad(spec);
    EXPECT_EQ(r.errors, 0u) << Name(kind) << ": " << r.first_error;
    EXPECT_EQ(r.bytes_verified, 30u * 200'000) << Name(kind);
    EXPECT_TRUE(server->Stop()) << server->error();
  }
}

// Open loop: a fixed rate paces the requests, and a count still ends it.
TEST(EchoSmokeOpenLoop, FixedRateSendsTheCountAtThatPace) {
  std::string error;
  auto server = StartEchoServer(EchoKind::kEpoll, {}, &error);
  ASSERT_NE(server, nullptr) << error;
  LoadSpec spec;
  spec.port = server->port();
  spec.connections = 4;
  spec.requests = 200;
  spec.rate = 2000;  // 200 requests take at least 99.5 ms
  spec.duration = std::chrono::seconds(20);
  LoadResult r = RunLoad(spec);
  EXPECT_EQ(r.errors, 0u) << r.first_error;
  EXPECT_EQ(r.requests, 200u);
  EXPECT_GE(r.seconds, 0.0995);
  EXPECT_TRUE(server->Stop()) << server->error();
}

// Nobody listening: a clear error, not a hang.
TEST(LoadGen, RefusedConnectionIsAnError) {
  std::string error;
  auto server = StartEchoServer(EchoKind::kEpoll, {}, &error);
  ASSERT_NE(server, nullptr) << error;
  const uint16_t port = server->port();
  ASSERT_TRUE(server->Stop());
  server.reset();
  LoadSpec spec;
  spec.port = port;
  spec.requests = 10;
  LoadResult r = RunLoad(spec);
  EXPECT_GE(r.errors, 1u);
  EXPECT_NE(r.first_error.find("connect"), std::string::npos) << r.first_error;
  EXPECT_EQ(r.requests, 0u);
}

}  // namespace
}  // namespace bench
