#include "bench/loadgen/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <memory>
#include <vector>

namespace bench {
namespace {

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Requests cycle through the first 251 (a prime) offsets of one pattern
// buffer, so neighbouring requests and connections carry different bytes.
constexpr size_t kOffsets = 251;

struct Conn {
  int fd = -1;
  uint64_t enqueued = 0;   // requests handed to this connection
  uint64_t sent = 0;       // requests sent in full
  size_t send_off = 0;     // bytes of request `sent` already sent
  uint64_t received = 0;   // requests echoed in full
  size_t recv_off = 0;     // bytes of request `received` already echoed
  uint64_t waiting = 0;    // open loop: due but held back by `depth`
  std::deque<int64_t> starts;  // latency clock of each enqueued, unechoed request
  bool dead = false;
};

class Run {
 public:
  Run(const LoadSpec& spec, LoadResult* out) : spec_(spec), out_(out) {}
  ~Run() {
    for (Conn& c : conns_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    if (ep_ >= 0) ::close(ep_);
  }

  void Go() {
    if (spec_.connections == 0 || spec_.message_size == 0 || spec_.depth == 0 ||
        (spec_.duration.count() <= 0 && spec_.requests == 0)) {
      Fail("bad spec: connections, message size and depth must be > 0, and "
           "a duration or a request count given");
      return;
    }
    pattern_.resize(spec_.message_size + kOffsets);
    for (size_t i = 0; i < pattern_.size(); ++i) {
      pattern_[i] = static_cast<char>((i * 131 + (i >> 8) * 7 + 1) & 0xff);
    }
    buf_ = std::make_unique<char[]>(kRecvBuf);
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) {
      Fail(std::string("epoll_create1: ") + std::strerror(errno));
      return;
    }
    if (!ConnectAll()) return;

    const int64_t start = NowNs();
    const int64_t end = spec_.duration.count() > 0 ? start + spec_.duration.count() : INT64_MAX;
    const double gap_ns = spec_.rate > 0 ? 1e9 / spec_.rate : 0;
    uint64_t next = 0;  // open loop: the next request to make due
    if (spec_.rate <= 0) {
      for (size_t i = 0; i < conns_.size(); ++i) {
        for (unsigned d = 0; d < spec_.depth && MayIssue(); ++d) Enqueue(i, start);
        Send(i);
      }
    }

    epoll_event events[256];
    int64_t now = start;
    while (now < end && !Finished()) {
      int64_t wake = end;
      if (spec_.rate > 0) {
        for (;;) {
          const int64_t due = start + static_cast<int64_t>(static_cast<double>(next) * gap_ns);
          if (!MayIssue()) break;
          if (due > now) {
            if (due < wake) wake = due;
            break;
          }
          const size_t i = next % conns_.size();
          ++next;
          if (conns_[i].dead) continue;
          Enqueue(i, due);
          Send(i);
        }
      }
      timespec timeout{0, 0};
      if (!spec_.busy_poll) {
        const int64_t wait = wake - now;
        timeout.tv_sec = wait / 1'000'000'000;
        timeout.tv_nsec = wait % 1'000'000'000;
      }
      const int n = epoll_pwait2(ep_, events, 256, &timeout, nullptr);
      if (n < 0 && errno != EINTR) {
        Fail(std::string("epoll_pwait2: ") + std::strerror(errno));
        break;
      }
      for (int e = 0; e < n; ++e) {
        const size_t i = events[e].data.u32;
        if (conns_[i].dead) continue;
        if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) Receive(i);
        if (!conns_[i].dead && (events[e].events & EPOLLOUT)) Send(i);
      }
      now = NowNs();
      if (AllDead()) break;
    }
    out_->seconds = static_cast<double>(NowNs() - start) * 1e-9;
  }

 private:
  static constexpr size_t kRecvBuf = 64 * 1024;

  const char* RequestBytes(size_t conn, uint64_t seq) const {
    return pattern_.data() + (conn * 7 + seq * 13) % kOffsets;
  }

  void Fail(const std::string& what) {
    if (out_->errors++ == 0) out_->first_error = what;
  }

  void Kill(size_t i, const std::string& what) {
    Fail("connection " + std::to_string(i) + ": " + what);
    conns_[i].dead = true;
  }

  bool AllDead() const {
    for (const Conn& c : conns_) {
      if (!c.dead) return false;
    }
    return true;
  }

  // Whether another request may be made (the request limit).
  bool MayIssue() const { return spec_.requests == 0 || issued_ < spec_.requests; }
  bool Finished() const { return spec_.requests != 0 && out_->requests >= spec_.requests; }

  bool ConnectAll() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(spec_.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    conns_.resize(spec_.connections);
    for (size_t i = 0; i < conns_.size(); ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        Fail(std::string("socket: ") + std::strerror(errno));
        return false;
      }
      conns_[i].fd = fd;
      if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        Fail("connect " + std::to_string(i) + ": " + std::strerror(errno));
        return false;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      int nonblock = 1;
      ::ioctl(fd, FIONBIO, &nonblock);
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
      ev.data.u32 = static_cast<uint32_t>(i);
      if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        Fail(std::string("epoll_ctl: ") + std::strerror(errno));
        return false;
      }
    }
    return true;
  }

  // A request's clock starts at `start`; it goes on the wire now unless
  // `depth` are already there.
  void Enqueue(size_t i, int64_t start) {
    Conn& c = conns_[i];
    ++issued_;
    c.starts.push_back(start);
    if (c.enqueued - c.received < spec_.depth) {
      ++c.enqueued;
    } else {
      ++c.waiting;
    }
  }

  void Send(size_t i) {
    Conn& c = conns_[i];
    const size_t size = spec_.message_size;
    while (c.sent < c.enqueued) {
      const char* p = RequestBytes(i, c.sent) + c.send_off;
      const ssize_t n = ::send(c.fd, p, size - c.send_off, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;  // EPOLLOUT resumes
        Kill(i, std::string("send: ") + std::strerror(errno));
        return;
      }
      c.send_off += static_cast<size_t>(n);
      if (c.send_off == size) {
        c.send_off = 0;
        ++c.sent;
      }
    }
  }

  void Receive(size_t i) {
    Conn& c = conns_[i];
    const size_t size = spec_.message_size;
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf_.get(), kRecvBuf, 0);
      if (n == 0) {
        Kill(i, "the server closed the connection");
        return;
      }
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        Kill(i, std::string("recv: ") + std::strerror(errno));
        return;
      }
      const int64_t now = NowNs();
      size_t at = 0;
      bool more_to_send = false;
      while (at < static_cast<size_t>(n)) {
        if (c.received >= c.enqueued) {
          Kill(i, "echoed bytes nobody sent");
          return;
        }
        const size_t chunk = std::min(static_cast<size_t>(n) - at, size - c.recv_off);
        if (std::memcmp(buf_.get() + at, RequestBytes(i, c.received) + c.recv_off, chunk) != 0) {
          Kill(i, "echoed bytes differ from request " + std::to_string(c.received));
          return;
        }
        out_->bytes_verified += chunk;
        at += chunk;
        c.recv_off += chunk;
        if (c.recv_off < size) continue;
        c.recv_off = 0;
        ++c.received;
        ++out_->requests;
        out_->latency.Record(static_cast<uint64_t>(now - c.starts.front()));
        c.starts.pop_front();
        if (c.waiting > 0) {
          --c.waiting;
          ++c.enqueued;
          more_to_send = true;
        } else if (spec_.rate <= 0 && MayIssue()) {
          Enqueue(i, now);
          more_to_send = true;
        }
      }
      if (more_to_send) Send(i);
      if (c.dead) return;
      // A short read drained the socket: bytes that arrive later raise a
      // new edge, so the EAGAIN read would only cost a syscall.
      if (static_cast<size_t>(n) < kRecvBuf) return;
    }
  }

  const LoadSpec& spec_;
  LoadResult* out_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  std::vector<char> pattern_;
  std::unique_ptr<char[]> buf_;
  uint64_t issued_ = 0;
};

}  // namespace

LoadResult RunLoad(const LoadSpec& spec) {
  LoadResult result;
  Run run(spec, &result);
  run.Go();
  return result;
}

}  // namespace bench
