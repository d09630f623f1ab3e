// The fallback for real (DESIGN.md, invariant 6): a process that seccomp
// forbids io_uring_setup — as Docker's default profile does — still runs,
// on the poll backend, and says why.
//
// Each case runs in a forked child, because a seccomp filter cannot be
// removed and setenv() would leak into the other tests. The child reports
// through its exit code; on failure it also writes what went wrong (and
// the backend's reason) into a pipe, which the parent prints.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "zring/core/io_uring.h"
#include "zring/core/syscall.h"
#include "zring/runtime/ops.h"
#include "zring/runtime/runtime.h"
#include "zring/runtime/sync.h"

#if defined(ZRING_CORE_HOST_SYSCALLS)
#include "zring/core/arch/host_internal.h"
#endif

namespace zring {
namespace {

// Exit codes of the child.
constexpr int kChildOk = 0;
constexpr int kChildFailed = 1;
constexpr int kChildCannotFilter = 77;  // no seccomp here: skip, do not fail

#if defined(__x86_64__)
constexpr uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
constexpr uint32_t kAuditArch = AUDIT_ARCH_RISCV64;
#else
#error "fallback_test: add this architecture's AUDIT_ARCH_* value"
#endif

// BlockIoUringSetup(): from now on io_uring_setup fails with EPERM in this
// process, every other syscall is allowed. A classic-BPF program over
// struct seccomp_data:
//   arch != ours            -> allow (not a syscall we judge)
//   nr == io_uring_setup    -> errno EPERM
//   otherwise               -> allow
// Returns 0, or the errno of the step that failed.
int BlockIoUringSetup() {
  sock_filter program[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(sizeof program / sizeof program[0]);
  prog.filter = program;
  // Without CAP_SYS_ADMIN a filter needs no_new_privs first.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) return errno;
  return 0;
}

struct ChildReport {
  int exit_code = -1;  // -1: killed by a signal (see text)
  std::string text;
};

// RunInChild(): forks; the child runs `body`, which returns "" on success
// or what went wrong; the parent collects the exit code and that text.
// The child leaves with _exit so that no atexit handler of the test binary
// (gtest's, the sanitizers') runs twice.
ChildReport RunInChild(const std::function<std::string(int* exit_code)>& body) {
  ChildReport report;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    report.text = "pipe2 failed";
    return report;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    report.text = "fork failed";
    return report;
  }
  if (pid == 0) {
    ::close(fds[0]);
    int code = kChildOk;
    std::string text = body(&code);
    if (!text.empty() && code == kChildOk) code = kChildFailed;
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(code);
  }
  ::close(fds[1]);
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    report.text.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    report.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    report.text += "\n(child killed by signal " + std::to_string(WTERMSIG(status)) + ")";
  }
  return report;
}

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// The TcpRoundTrip of runtime_test.cc, through zring's own socket, accept,
// connect, send and recv: "ping" comes back, or the step that failed.
Task<std::string> PingOverLoopback(Runtime& rt) {
  auto listener = co_await zring::socket(AF_INET, SOCK_STREAM);
  if (!listener) co_return std::string("socket: ") + listener.error().name();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener->get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listener->get(), 4) != 0 ||
      ::getsockname(listener->get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    co_return std::string("bind/listen: ") + std::strerror(errno);
  }
  auto client = co_await zring::socket(AF_INET, SOCK_STREAM);
  if (!client) co_return std::string("client socket: ") + client.error().name();

  // The server echoes one message back.
  auto serve = [](int lfd) -> Task<std::string> {
    auto conn = co_await zring::accept(lfd);
    if (!conn) co_return std::string("accept: ") + conn.error().name();
    char buf[16];
    auto n = co_await zring::recv(conn->get(), buf, sizeof buf);
    if (!n) co_return std::string("server recv: ") + n.error().name();
    auto w = co_await zring::send(conn->get(), buf, *n);
    if (!w) co_return std::string("server send: ") + w.error().name();
    co_return std::string();
  };
  JoinHandle<std::string> server = rt.spawn(serve(listener->get()));

  auto c = co_await zring::connect(client->get(), &addr, sizeof addr);
  if (!c) co_return std::string("connect: ") + c.error().name();
  auto s = co_await zring::send(client->get(), "ping", 4);
  if (!s) co_return std::string("send: ") + s.error().name();
  char buf[8] = {};
  auto n = co_await zring::recv(client->get(), buf, sizeof buf);
  std::string server_error = co_await server;
  if (!server_error.empty()) co_return server_error;
  if (!n) co_return std::string("recv: ") + n.error().name();
  co_return std::string(buf, *n);
}

// --- io_uring_setup blocked by seccomp --------------------------------------

TEST(FallbackTest, SeccompEpermFallsBackToPollAndServesTcp) {
  ChildReport child = RunInChild([](int* code) -> std::string {
    ::unsetenv("ZRING_BACKEND");
    if (int e = BlockIoUringSetup(); e != 0) {
      *code = kChildCannotFilter;
      return std::string("cannot install a seccomp filter: ") + std::strerror(e);
    }
    // The filter works: the raw syscall is refused.
    alignas(8) unsigned char params[120] = {};  // struct io_uring_params, zeroed
    core::Result<int> raw = core::io_uring_setup(4, params);
    if (raw) {
      (void)::close(*raw);
      return "io_uring_setup still succeeds under the filter";
    }
    if (raw.error() != core::err::perm) {
      return std::string("io_uring_setup under the filter: ") + raw.error().name();
    }

    auto rt = Runtime::Create();  // defaults: let the runtime choose
    if (!rt) return std::string("Runtime::Create: ") + rt.error().name();
    const std::string reason = (*rt)->backend_info().reason;
    if ((*rt)->backend() != BackendKind::kPoll) return "chose io_uring; reason: " + reason;
    if ((*rt)->uring() != nullptr) return "uring() is not null on poll; reason: " + reason;
    if (!Contains(reason, "EPERM")) return "the reason does not name EPERM: " + reason;
    if (!Contains(reason, "seccomp")) return "the reason does not hint at seccomp: " + reason;
    std::string got = (*rt)->block_on(PingOverLoopback(**rt));
    if (got != "ping") return "TCP round trip: " + got + "; reason: " + reason;
    std::printf("[ child    ] backend_info().reason: %s\n", reason.c_str());
    std::fflush(stdout);
    return std::string();
  });
  if (child.exit_code == kChildCannotFilter) GTEST_SKIP() << child.text;
  EXPECT_EQ(child.exit_code, kChildOk) << child.text;
}

TEST(FallbackTest, ForcedUringUnderSeccompIsAnError) {
  ChildReport child = RunInChild([](int* code) -> std::string {
    ::unsetenv("ZRING_BACKEND");
    if (int e = BlockIoUringSetup(); e != 0) {
      *code = kChildCannotFilter;
      return std::string("cannot install a seccomp filter: ") + std::strerror(e);
    }
    RuntimeOptions options;
    options.backend = BackendKind::kUring;
    auto rt = Runtime::Create(options);
    if (rt) return "Create succeeded on " + (*rt)->backend_info().reason;
    if (rt.error() != core::err::perm) return std::string("error ") + rt.error().name();
    return std::string();
  });
  if (child.exit_code == kChildCannotFilter) GTEST_SKIP() << child.text;
  EXPECT_EQ(child.exit_code, kChildOk) << child.text;
}

// ZRING_BACKEND=uring forces io_uring the way the option does: under the
// filter that is an error too, not a silent fallback.
TEST(FallbackTest, EnvironmentUringUnderSeccompIsAnError) {
  ChildReport child = RunInChild([](int* code) -> std::string {
    ::setenv("ZRING_BACKEND", "uring", 1);
    if (int e = BlockIoUringSetup(); e != 0) {
      *code = kChildCannotFilter;
      return std::string("cannot install a seccomp filter: ") + std::strerror(e);
    }
    auto rt = Runtime::Create();
    if (rt) return "Create succeeded on " + (*rt)->backend_info().reason;
    if (rt.error() != core::err::perm) return std::string("error ") + rt.error().name();
    return std::string();
  });
  if (child.exit_code == kChildCannotFilter) GTEST_SKIP() << child.text;
  EXPECT_EQ(child.exit_code, kChildOk) << child.text;
}

// --- a host that is not Linux ---------------------------------------------

#if defined(ZRING_CORE_HOST_SYSCALLS)
// Through core's host layer with Linux's own calls refused (io_uring,
// epoll, eventfd all ENOSYS), as on a BSD or macOS host: the runtime picks
// poll(2) and a pipe, says so, and serves TCP, timeouts and cross-thread
// wake-ups.
TEST(FallbackTest, HostWithoutLinuxCallsRunsOnPollAndPipe) {
  ChildReport child = RunInChild([](int*) -> std::string {
    ::unsetenv("ZRING_BACKEND");
    ::unsetenv("ZRING_READINESS");
    core::arch::host::PretendNotLinux(true);
    auto rt = Runtime::Create();
    if (!rt) return std::string("Runtime::Create: ") + rt.error().name();
    const std::string reason = (*rt)->backend_info().reason;
    if ((*rt)->backend() != BackendKind::kPoll) return "not poll: " + reason;
    for (const char* part : {"ENOSYS", "host's libc", "poll(2)", "pipe"}) {
      if (!Contains(reason, part)) return std::string("the reason lacks \"") + part + "\": " + reason;
    }
    std::string got = (*rt)->block_on(PingOverLoopback(**rt));
    if (got != "ping") return "TCP round trip: " + got + "; reason: " + reason;

    // A receive nobody answers times out.
    auto timed_out = [](int fd) -> Task<core::Result<size_t>> {
      char buf[4];
      co_return co_await zring::recv(fd, buf, sizeof buf).timeout(std::chrono::milliseconds(20));
    };
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return "socketpair";
    core::Result<size_t> r = (*rt)->block_on(timed_out(pair[0]));
    ::close(pair[0]);
    ::close(pair[1]);
    if (r.ok() || r.error() != core::err::timedout) {
      return std::string("recv with a timeout: ") + (r.ok() ? "data" : r.error().name());
    }

    // Another thread wakes the loop out of poll(2) through the pipe.
    Event event;
    auto wait = [](Event& e) -> Task<core::Result<void>> { co_return co_await e.wait(); };
    std::thread setter([&event] { event.set(); });
    core::Result<void> woke = (*rt)->block_on(wait(event));
    setter.join();
    if (!woke) return std::string("Event::wait: ") + woke.error().name();
    std::printf("[ child    ] backend_info().reason: %s\n", reason.c_str());
    std::fflush(stdout);
    return std::string();
  });
  EXPECT_EQ(child.exit_code, kChildOk) << child.text;
}
#else
TEST(FallbackTest, HostWithoutLinuxCallsRunsOnPollAndPipe) {
  static_assert(!core::kHostSyscalls);
  GTEST_SKIP() << "core/ makes raw syscalls in this build; .ci/run runs this case with "
                  "--config=host";
}
#endif

// --- ZRING_BACKEND ----------------------------------------------------------

TEST(FallbackTest, EnvironmentPicksPoll) {
  ChildReport child = RunInChild([](int*) -> std::string {
    ::setenv("ZRING_BACKEND", "poll", 1);
    auto rt = Runtime::Create();
    if (!rt) return std::string("Runtime::Create: ") + rt.error().name();
    const std::string reason = (*rt)->backend_info().reason;
    if ((*rt)->backend() != BackendKind::kPoll) return "not poll: " + reason;
    if (!Contains(reason, "ZRING_BACKEND")) return "the reason does not name ZRING_BACKEND: " + reason;
    std::string got = (*rt)->block_on(PingOverLoopback(**rt));
    if (got != "ping") return "TCP round trip: " + got;
    return std::string();
  });
  EXPECT_EQ(child.exit_code, kChildOk) << child.text;
}

TEST(FallbackTest, EnvironmentPicksUring) {
  ChildReport child = RunInChild([](int*) -> std::string {
    ::setenv("ZRING_BACKEND", "uring", 1);
    auto rt = Runtime::Create();
    if (!rt) return std::string("Runtime::Create: ") + rt.error().name();
    const std::string reason = (*rt)->backend_info().reason;
    if ((*rt)->backend() != BackendKind::kUring) return "not io_uring: " + reason;
    if ((*rt)->uring() == nullptr) return "uring() is null on io_uring";
    if (!Contains(reason, "ZRING_BACKEND")) return "the reason does not name ZRING_BACKEND: " + reason;
    std::string got = (*rt)->block_on(PingOverLoopback(**rt));
    if (got != "ping") return "TCP round trip: " + got;
    return std::string();
  });
  EXPECT_EQ(child.exit_code, kChildOk) << child.text;
}

// RuntimeOptions::backend comes before the environment.
TEST(FallbackTest, OptionBeatsEnvironment) {
  ChildReport child = RunInChild([](int*) -> std::string {
    ::setenv("ZRING_BACKEND", "uring", 1);
    RuntimeOptions options;
    options.backend = BackendKind::kPoll;
    auto rt = Runtime::Create(options);
    if (!rt) return std::string("Runtime::Create: ") + rt.error().name();
    const std::string reason = (*rt)->backend_info().reason;
    if ((*rt)->backend() != BackendKind::kPoll) return "not poll: " + reason;
    if (Contains(reason, "ZRING_BACKEND")) return "the reason credits ZRING_BACKEND: " + reason;
    return std::string();
  });
  EXPECT_EQ(child.exit_code, kChildOk) << child.text;
}

}  // namespace
}  // namespace zring
