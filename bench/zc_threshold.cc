// Where zero-copy send starts to pay: a TCP stream over loopback, sent by a
// zring runtime (io_uring) through net::ZeroCopySender, once with
// zero-copy (SEND_ZC, the notification awaited only when the buffer pool
// runs dry) and once with the sender's plain path (a copying send), at
// message sizes from 1 KiB to 1 MiB.
//
// For each size and path: `--reps` runs (default 5) of `--mib` MiB
// (default 256), each on a fresh connection; a receiver thread drains the
// socket into one buffer. Reported, medians over the runs:
//   GB/s            bytes / wall time of the sending loop (until the last
//                   buffer is released)
//   send ns/KiB     CPU time of the sending thread per KiB (on loopback the
//                   sender's thread also runs the kernel's transmit path,
//                   and the copy into the receiver's socket)
//   total ns/KiB    sending plus receiving thread
//   copied %        zero-copy notifications in which the kernel said it
//                   copied the data anyway (IORING_NOTIF_USAGE_ZC_COPIED)
// and the crossover: the smallest size from which zero-copy's throughput
// is at least the plain send's at that and every larger size.
//
//   ./bazelw run --config=opt //bench:zc_threshold -- [--reps=5] [--mib=256] [--pool=8]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "zring/net/zero_copy.h"
#include "zring/runtime/runtime.h"

namespace {

using zring::net::ZeroCopySender;

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}
int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Pair {
  int client = -1;
  int server = -1;
};

Pair ConnectLoopback() {
  int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(l, 1) != 0 ||
      ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    std::perror("listen");
    std::exit(1);
  }
  Pair p;
  p.client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(p.client, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  p.server = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
  ::close(l);
  // Without NODELAY, Nagle holds a small zero-copy send's skb until the
  // previous one is acked (a delayed ACK: up to 40 ms), and with it the
  // notification that frees the pool's buffer: zero-copy at 1 KiB then
  // crawls at a few MB/s. Streaming servers set it anyway.
  int one = 1;
  ::setsockopt(p.client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return p;
}

struct Run {
  double gbps = 0;
  double send_ns_per_kib = 0;
  double total_ns_per_kib = 0;
  double copied_fraction = 0;
};

// Sends `total` bytes in `size`-byte messages from a pool of `pool`
// buffers; zero-copy or the plain path of the same sender.
Run OneRun(zring::Runtime& rt, size_t size, size_t total, size_t pool, bool zero_copy) {
  Pair p = ConnectLoopback();
  std::atomic<int64_t> receiver_cpu{0};
  std::thread receiver([&] {
    int64_t cpu0 = ThreadCpuNs();
    std::vector<char> buf(1 << 20);
    size_t got = 0;
    while (got < total) {
      ssize_t n = ::recv(p.server, buf.data(), buf.size(), 0);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    receiver_cpu = ThreadCpuNs() - cpu0;
  });
  std::vector<std::unique_ptr<char[]>> buffers;
  for (size_t i = 0; i < pool; ++i) {
    buffers.push_back(std::make_unique<char[]>(size));
    std::memset(buffers.back().get(), static_cast<int>('a' + i), size);
  }
  Run run;
  auto body = [&]() -> zring::Task<> {
    zring::net::ZeroCopyOptions options;
    // The plain path of the same sender: send_adaptive() below any size.
    options.threshold = zero_copy ? 0 : ~size_t{0};
    ZeroCopySender zc(p.client, options);
    const size_t messages = total / size;
    int64_t cpu0 = ThreadCpuNs();
    int64_t wall0 = WallNs();
    for (size_t i = 0; i < messages; ++i) {
      // The pool's buffers go round; one is reused only once released.
      if (zc.outstanding() >= pool) (void)co_await zc.flush(pool - 1);
      auto n = co_await zc.send_adaptive(buffers[i % pool].get(), size);
      if (!n) {
        std::fprintf(stderr, "send: %s\n", n.error().name());
        std::exit(1);
      }
    }
    (void)co_await zc.flush();
    int64_t wall = WallNs() - wall0;
    int64_t cpu = ThreadCpuNs() - cpu0;
    const double kib = static_cast<double>(messages * size) / 1024.0;
    run.gbps = static_cast<double>(messages * size) / static_cast<double>(wall);
    run.send_ns_per_kib = static_cast<double>(cpu) / kib;
    run.total_ns_per_kib = static_cast<double>(cpu) / kib;  // receiver added below
    const auto& s = zc.stats();
    run.copied_fraction = s.zero_copy_sends ? static_cast<double>(s.copied_by_kernel) /
                                                  static_cast<double>(s.zero_copy_sends)
                                            : 0.0;
  };
  rt.block_on(body());
  receiver.join();
  run.total_ns_per_kib +=
      static_cast<double>(receiver_cpu.load()) / (static_cast<double>(total / size * size) / 1024.0);
  ::close(p.client);
  ::close(p.server);
  return run;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long Flag(int argc, char** argv, const char* name, long fallback) {
  std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) {
      return std::strtol(argv[i] + prefix.size(), nullptr, 10);
    }
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = static_cast<int>(Flag(argc, argv, "reps", 5));
  const size_t total = static_cast<size_t>(Flag(argc, argv, "mib", 256)) << 20;
  const size_t pool = static_cast<size_t>(Flag(argc, argv, "pool", 8));
  zring::RuntimeOptions options;
  options.backend = zring::BackendKind::kUring;
  auto rt = zring::Runtime::Create(options);
  if (!rt) {
    std::fprintf(stderr, "io_uring runtime: %s\n", rt.error().name());
    return 1;
  }
  const size_t sizes[] = {1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20};
  struct Row {
    size_t size;
    Run plain, zc;
  };
  std::vector<Row> rows;
  std::printf("TCP loopback, %d runs of %zu MiB per cell, pool of %zu buffers, medians\n\n", reps,
              total >> 20, pool);
  std::printf("| size | send GB/s | send_zc GB/s | send ns/KiB (sender) | send_zc ns/KiB (sender) "
              "| send ns/KiB (total) | send_zc ns/KiB (total) | zc copied by kernel |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (size_t size : sizes) {
    std::vector<double> g[2], s[2], t[2], c[2];
    for (int r = 0; r < reps; ++r) {
      // Alternate the paths so drift in the machine's load hits both.
      for (int zc = 0; zc < 2; ++zc) {
        Run run = OneRun(**rt, size, total, pool, zc == 1);
        g[zc].push_back(run.gbps);
        s[zc].push_back(run.send_ns_per_kib);
        t[zc].push_back(run.total_ns_per_kib);
        c[zc].push_back(run.copied_fraction);
      }
    }
    Row row{size, {}, {}};
    Run* runs[2] = {&row.plain, &row.zc};
    for (int zc = 0; zc < 2; ++zc) {
      runs[zc]->gbps = Median(g[zc]);
      runs[zc]->send_ns_per_kib = Median(s[zc]);
      runs[zc]->total_ns_per_kib = Median(t[zc]);
      runs[zc]->copied_fraction = Median(c[zc]);
    }
    rows.push_back(row);
    std::printf("| %zu KiB | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f%% |\n", size >> 10,
                row.plain.gbps, row.zc.gbps, row.plain.send_ns_per_kib, row.zc.send_ns_per_kib,
                row.plain.total_ns_per_kib, row.zc.total_ns_per_kib,
                100.0 * row.zc.copied_fraction);
    std::fflush(stdout);
  }
  // The smallest size from which zero-copy is at least as fast at every
  // larger size too.
  size_t crossover = 0;
  for (size_t i = rows.size(); i-- > 0;) {
    if (rows[i].zc.gbps < rows[i].plain.gbps) break;
    crossover = rows[i].size;
  }
  if (crossover == 0) {
    std::printf("\ncrossover: none; zero-copy never paid at these sizes on this path\n");
  } else {
    std::printf("\ncrossover: %zu KiB\n", crossover >> 10);
  }
  return 0;
}
