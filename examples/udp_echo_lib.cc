#include "examples/udp_echo_lib.h"

#include <memory>
#include <vector>

#include "zring/core/constants.h"
#include "zring/runtime/ops.h"

namespace zring::examples {

Task<UdpEchoStats> ServeUdpEcho(const net::UdpSocket& socket) {
  UdpEchoStats stats;
  // One buffer per slot, allocated once; kEchoBatch * 64 KiB.
  std::unique_ptr<char[]> buffers(new char[kEchoBatch * kMaxDatagram]);
  net::Datagram slots[kEchoBatch];
  for (;;) {
    for (size_t i = 0; i < kEchoBatch; ++i) {
      slots[i] = net::Datagram{buffers.get() + i * kMaxDatagram, kMaxDatagram};
    }
    core::Result<size_t> got = co_await socket.recv_batch(slots);
    if (!got) {
      if (got.error() == core::err::canceled || got.error() == core::err::badf) co_return stats;
      ++stats.errors;
      continue;
    }
    // Send each back as received: to its sender, its length as it came.
    for (size_t i = 0; i < *got; ++i) slots[i].size = slots[i].length;
    core::Result<size_t> sent = co_await socket.send_batch({slots, *got});
    if (!sent) {
      if (sent.error() == core::err::canceled || sent.error() == core::err::badf) co_return stats;
      ++stats.errors;
      continue;
    }
    if (*sent < *got) ++stats.errors;
    stats.datagrams += *sent;
    for (size_t i = 0; i < *sent; ++i) stats.bytes += slots[i].length;
  }
}

Task<core::Result<int>> WaitForSignal(StopSignals& signals) {
  for (;;) {
    core::Result<int> signo = signals.Read();
    if (signo || (signo.error() != core::err::again && signo.error() != core::err::intr)) {
      co_return signo;
    }
    core::Result<uint32_t> ready = co_await zring::poll(signals.fd(), core::ev::in);
    if (!ready) co_return ready.error();
  }
}

}  // namespace zring::examples
