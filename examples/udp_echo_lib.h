// examples/udp_echo_lib.h — the server loop of examples/udp_echo.cc, as a
// library so that a test can run it in-process.
//
//   auto socket = zring::net::UdpSocket::bind(address);
//   auto server = runtime.spawn(zring::examples::ServeUdpEcho(*socket));
//   ...
//   server.cancel();
//   zring::examples::UdpEchoStats stats = co_await server;
//
// Each round receives a batch (net::recv_batch: at least one datagram, and
// whatever else has already arrived, up to kEchoBatch) and sends every
// datagram back to its sender in one batch.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zring/core/result.h"
#include "examples/stop_signals.h"
#include "zring/net/udp_socket.h"
#include "zring/runtime/task.h"

namespace zring::examples {

inline constexpr size_t kEchoBatch = 32;
// The largest UDP payload over IPv4; longer datagrams cannot exist.
inline constexpr size_t kMaxDatagram = 65507;

struct UdpEchoStats {
  uint64_t datagrams = 0;  // echoed
  uint64_t bytes = 0;
  uint64_t errors = 0;     // receive or send failures survived (ICMP errors, ...)
};

// ServeUdpEcho(): echoes until the task is cancelled, then returns what it
// did. A failure of one round (a send refused by the network, an ICMP
// error reported on the socket) is counted and the loop goes on; err::badf
// (the socket is gone) ends it too.
Task<UdpEchoStats> ServeUdpEcho(const net::UdpSocket& socket);

// WaitForSignal(): waits, without blocking the thread, until `signals`
// (installed nonblocking) has a signal; returns its number.
Task<core::Result<int>> WaitForSignal(StopSignals& signals);

}  // namespace zring::examples
