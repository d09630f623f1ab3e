// 32 datagrams from one UDP socket to another on loopback, and all 32
// received: one operation per datagram against send_batch/recv_batch, on
// both backends. What a batch saves on each backend: syscalls (poll
// backend: sendmmsg/recvmmsg) or io_uring_enter round trips (io_uring: N
// operations per submission).
//
//   bazel run -c opt //bench:udp_batch_bench
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "zring/net/udp_socket.h"
#include "zring/runtime/runtime.h"

namespace zring {
namespace {

constexpr size_t kCount = 32;
constexpr size_t kSize = 64;

enum class Mode { kOneAtATime, kBatch };

void RoundOf32(benchmark::State& state, BackendKind backend, Mode mode) {
  RuntimeOptions options;
  options.backend = backend;
  auto rt = Runtime::Create(options);
  if (!rt) {
    state.SkipWithError("no runtime");
    return;
  }
  auto a = net::UdpSocket::bind(net::SocketAddress::Ipv4Loopback(0));
  auto b = net::UdpSocket::bind(net::SocketAddress::Ipv4Loopback(0));
  if (!a || !b) {
    state.SkipWithError("bind");
    return;
  }
  net::SocketAddress to = *b->local_address();
  std::vector<char> out(kCount * kSize, 'x'), in(kCount * kSize);
  std::vector<net::Datagram> send(kCount), recv(kCount);
  bool failed = false;
  auto body = [&]() -> Task<> {
    for (auto _ : state) {
      if (mode == Mode::kOneAtATime) {
        for (size_t i = 0; i < kCount; ++i) {
          if (!co_await a->send_to(&out[i * kSize], kSize, to)) failed = true;
        }
        for (size_t i = 0; i < kCount; ++i) {
          if (!co_await b->recv_from(&in[i * kSize], kSize)) failed = true;
        }
      } else {
        for (size_t i = 0; i < kCount; ++i) {
          send[i] = net::Datagram{&out[i * kSize], kSize, to};
        }
        auto sent = co_await a->send_batch(send);
        if (!sent || *sent != kCount) failed = true;
        size_t got = 0;
        while (got < kCount && !failed) {
          for (size_t i = got; i < kCount; ++i) recv[i] = net::Datagram{&in[i * kSize], kSize};
          auto n = co_await b->recv_batch({recv.data() + got, kCount - got});
          if (!n) failed = true; else got += *n;
        }
      }
      if (failed) break;
    }
  };
  (*rt)->block_on(body());
  if (failed) state.SkipWithError("I/O failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCount));
}

BENCHMARK_CAPTURE(RoundOf32, uring_one_at_a_time, BackendKind::kUring, Mode::kOneAtATime);
BENCHMARK_CAPTURE(RoundOf32, uring_batch, BackendKind::kUring, Mode::kBatch);
BENCHMARK_CAPTURE(RoundOf32, poll_one_at_a_time, BackendKind::kPoll, Mode::kOneAtATime);
BENCHMARK_CAPTURE(RoundOf32, poll_batch, BackendKind::kPoll, Mode::kBatch);

}  // namespace
}  // namespace zring
