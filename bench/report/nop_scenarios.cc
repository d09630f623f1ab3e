// NOP submit+reap and a socketpair round trip: zring's ring and liburing
// through the same loops (bench/internal/sides.h), zring's runtime through
// bench/internal/runtime_nops.h, all on the ring the runtime sets up by
// default (256 entries, a CQ of 512 where the runtime's starts,
// SINGLE_ISSUER|DEFER_TASKRUN, ring fd registered).
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "bench/internal/runtime_nops.h"
#include "bench/internal/sides.h"
#include "bench/report/runner.h"
#include "bench/report/scenarios.h"
#include "zring/ring/abi.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"

namespace bench::report {
namespace {

namespace abi = zring::ring::abi;

constexpr unsigned kEntries = zring::RuntimeOptions{}.entries;
constexpr uint32_t kFlags = abi::kSetupSingleIssuer | abi::kSetupDeferTaskrun;
constexpr unsigned kMessage = 64;
// The NOP target: zring runtime's paired ratio to zring ring at most this.
constexpr double kRuntimeOverRing = 1.10;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Calls `step` (which does `per_step` operations and says whether they all
// succeeded) until `time` has passed, reading the clock every
// `steps_per_clock` steps; ns per operation.
template <class Step>
Measurement Timed(std::chrono::nanoseconds time, uint64_t per_step, Step&& step,
                  int steps_per_clock = 64) {
  Measurement m;
  uint64_t ops = 0;
  const int64_t start = NowNs();
  const int64_t end = start + time.count();
  int64_t now = start;
  while (now < end) {
    for (int i = 0; i < steps_per_clock; ++i) {
      if (!step()) {
        m.error = "an operation failed or came back short";
        return m;
      }
      ops += per_step;
    }
    now = NowNs();
  }
  m.value = static_cast<double>(now - start) / static_cast<double>(ops);
  return m;
}

template <class Side>
Measurement SideNops(std::chrono::nanoseconds time, unsigned batch) {
  Side side(kFlags, kEntries);
  if (!side.error().empty()) return Measurement{0, {}, nullptr, side.error()};
  Measurement m = Timed(time, batch, [&] { return side.Nops(batch); });
  side.Sink();
  return m;
}

std::unique_ptr<zring::Runtime> UringRuntime(std::string* error) {
  zring::RuntimeOptions options;
  options.backend = zring::BackendKind::kUring;
  auto rt = zring::Runtime::Create(options);
  if (!rt) {
    *error = std::string("Runtime::Create: ") + rt.error().name();
    return nullptr;
  }
  return std::move(*rt);
}

Measurement RuntimeNopBatch(std::chrono::nanoseconds time, unsigned batch) {
  std::string error;
  auto rt = UringRuntime(&error);
  if (!rt) return Measurement{0, {}, nullptr, error};
  // 1024 NOPs per task per step, so that block_on() and (in flight > 1)
  // spawning and joining the tasks stay under 0.5% of each step: what is
  // measured is the co_await, as the ring loops measure their loop and not
  // their setup. A step is then milliseconds long: read the clock after
  // each.
  constexpr int64_t kPerTask = 1024;
  const uint64_t per_step = kPerTask * batch;
  return Timed(
      time, per_step,
      [&] {
        const uint64_t ok = batch == 1
                                ? rt->block_on(RuntimeNops(kPerTask))
                                : rt->block_on(RuntimeNopFanOut(*rt, batch, kPerTask));
        return ok == per_step;
      },
      /*steps_per_clock=*/1);
}

struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd); }
  ~SocketPair() {
    if (fd[0] >= 0) ::close(fd[0]);
    if (fd[1] >= 0) ::close(fd[1]);
  }
};

template <class Side>
Measurement SideRoundTrips(std::chrono::nanoseconds time) {
  Side side(kFlags, kEntries);
  if (!side.error().empty()) return Measurement{0, {}, nullptr, side.error()};
  SocketPair sp;
  char out[kMessage];
  char in[kMessage];
  std::memset(out, 'z', sizeof out);
  Measurement m = Timed(time, 1, [&] { return side.RoundTrip(sp.fd[0], sp.fd[1], out, in, kMessage); });
  side.Sink();
  return m;
}

Measurement SyscallRoundTrips(std::chrono::nanoseconds time) {
  SocketPair sp;
  char out[kMessage];
  char in[kMessage];
  std::memset(out, 'z', sizeof out);
  return Timed(time, 1, [&] {
    return ::write(sp.fd[0], out, kMessage) == kMessage && ::read(sp.fd[1], in, kMessage) == kMessage;
  });
}

zring::Task<uint64_t> RuntimeRoundTrips(int wfd, int rfd, int64_t n) {
  char out[kMessage];
  char in[kMessage];
  std::memset(out, 'z', sizeof out);
  uint64_t ok = 0;
  for (int64_t i = 0; i < n; ++i) {
    auto w = co_await zring::write(wfd, out, kMessage);
    auto r = co_await zring::read(rfd, in, kMessage);
    ok += (w && *w == kMessage && r && *r == kMessage) ? 1 : 0;
  }
  co_return ok;
}

Measurement RuntimeRoundTripsTimed(std::chrono::nanoseconds time) {
  std::string error;
  auto rt = UringRuntime(&error);
  if (!rt) return Measurement{0, {}, nullptr, error};
  SocketPair sp;
  constexpr int64_t kPerStep = 32;
  return Timed(time, kPerStep, [&] {
    return rt->block_on(RuntimeRoundTrips(sp.fd[0], sp.fd[1], kPerStep)) == kPerStep;
  });
}

}  // namespace

Scenario NopScenario(const Settings& settings) {
  Scenario s;
  s.id = "nop";
  s.title = "NOP submit + reap";
  s.what =
      "Prepare `batch` NOPs, one submit-and-wait, reap them all; ns per NOP. zring ring and "
      "liburing run the same loop (bench/internal/sides.h); zring runtime is `co_await "
      "zring::nop()` in `batch` tasks, spawned once per 1024 NOPs each.";
  s.unit = "ns/op";
  const auto time = settings.nop_time;
  for (unsigned batch : {1u, 8u, 32u}) {
    Case c;
    c.name = "batch " + std::to_string(batch);
    c.contenders.push_back({"zring ring", [=] { return SideNops<bench::ZringSide>(time, batch); }});
    c.contenders.push_back({"liburing", [=] { return SideNops<bench::LiburingSide>(time, batch); }});
    c.contenders.push_back({"zring runtime", [=] { return RuntimeNopBatch(time, batch); }});
    s.cases.push_back(std::move(c));
  }
  s.targets = [](const CaseResult& r) {
    std::map<std::string, std::string> marks;
    const ContenderResult* z = r.Find("zring ring");
    const ContenderResult* l = r.Find("liburing");
    if (z && l && z->value.samples && l->value.samples) {
      marks["zring ring"] = Mark("≤ liburing", z->value.median <= l->value.median);
    }
    // The coroutine layer adds at most 10% over the raw ring: judged on the
    // paired ratio to "zring ring" by name (not to whichever contender is
    // first), since the ratio of medians moves with the machine's drift.
    const ContenderResult* rt = r.Find("zring runtime");
    if (z && rt) {
      const Summary paired = PairedRatio(*rt, *z);
      if (paired.samples) {
        char text[96];
        std::snprintf(text, sizeof text, "≤ %.2f× zring ring (paired median %.3f)",
                      kRuntimeOverRing, paired.median);
        marks["zring runtime"] = Mark(text, paired.median <= kRuntimeOverRing);
      }
    }
    return marks;
  };
  return s;
}

Scenario SocketPairScenario(const Settings& settings) {
  Scenario s;
  s.id = "socketpair";
  s.title = "Socketpair round trip";
  s.what =
      "64 bytes written to one end of an AF_UNIX stream pair and read from the other; ns per "
      "round trip. Rings: a WRITE linked to a READ, one submit-and-wait; runtime: `co_await "
      "write` then `co_await read`; syscalls: write(2) then read(2).";
  s.unit = "ns/rt";
  const auto time = settings.nop_time;
  Case c;
  c.name = "64 B";
  c.contenders.push_back({"zring ring", [=] { return SideRoundTrips<bench::ZringSide>(time); }});
  c.contenders.push_back({"liburing", [=] { return SideRoundTrips<bench::LiburingSide>(time); }});
  c.contenders.push_back({"zring runtime", [=] { return RuntimeRoundTripsTimed(time); }});
  c.contenders.push_back({"syscalls", [=] { return SyscallRoundTrips(time); }});
  s.cases.push_back(std::move(c));
  return s;
}

}  // namespace bench::report
