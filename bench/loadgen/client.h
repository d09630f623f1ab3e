// bench/loadgen/client.h — the load generator: TCP connections to an echo
// server on loopback, every echoed byte checked, latency into a histogram.
//
//   bench::LoadSpec spec;
//   spec.port = server->port();
//   spec.connections = 50;
//   spec.message_size = 1024;
//   spec.depth = 8;                                // streaming: 8 in flight
//   spec.duration = std::chrono::seconds(1);
//   bench::LoadResult r = bench::RunLoad(spec);
//   r.requests_per_second(); r.latency.Percentile(0.99);
//
// Closed loop (rate == 0): each connection keeps `depth` requests in flight
// and sends the next when one comes back; latency runs from the first byte
// sent. Open loop (rate > 0): request k is due at start + k/rate on
// connection k % connections, whether or not the server has kept up, and
// its latency runs from that intended time, so a stalled server shows up
// in the percentiles instead of just slowing the sender (coordinated
// omission). A connection never has more than `depth` requests on the wire;
// due requests wait their turn behind them, their clock already running.
//
// One thread, one epoll instance, nonblocking sockets; the caller chooses
// the CPU. Request k on connection c carries a byte pattern that depends
// on both, so an echo from the wrong request or connection, a lost byte or
// a reordering is an error, counted and described.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/loadgen/histogram.h"

namespace bench {

struct LoadSpec {
  uint16_t port = 0;  // on 127.0.0.1
  unsigned connections = 1;
  size_t message_size = 64;
  unsigned depth = 1;  // requests in flight per connection (1: ping-pong)
  // Stop at whichever comes first; a zero is no limit (not both zero).
  std::chrono::nanoseconds duration{std::chrono::seconds(1)};
  uint64_t requests = 0;
  double rate = 0;  // requests per second over all connections; 0 = closed loop
  // Poll with a zero timeout instead of sleeping in epoll_wait: the client's
  // own wake-up then stays out of the round trip (RTT scenarios).
  bool busy_poll = false;
};

struct LoadResult {
  uint64_t requests = 0;        // echoed in full and verified
  uint64_t bytes_verified = 0;  // echoed bytes that matched
  uint64_t errors = 0;          // connect, send, recv, mismatch, early close
  std::string first_error;      // what the first error was, "" if none
  double seconds = 0;           // from the first send to the stop
  Histogram latency;            // ns per request

  [[nodiscard]] double requests_per_second() const noexcept {
    return seconds > 0 ? static_cast<double>(requests) / seconds : 0;
  }
};

// RunLoad(): connects, runs, closes every connection; never throws.
[[nodiscard]] LoadResult RunLoad(const LoadSpec& spec);

}  // namespace bench
