// The liburing contender, in the usual style: one ring, an accept that is
// re-armed after each connection, then per connection a recv, a send of
// what came (re-sent until all is gone), a recv again. The ring has the
// flags zring's runtime sets up by default (SINGLE_ISSUER|DEFER_TASKRUN),
// so the two differ in the library, not in the kernel's work. The stop
// eventfd is read through the ring like any other fd.
#include <liburing.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "bench/servers/echo_server.h"

namespace bench {
namespace {

constexpr size_t kBuffer = 16 * 1024;
constexpr unsigned kEntries = 1024;  // 500 connections, each with one op in flight

enum Kind : uint64_t { kAccept = 1, kRecv, kSend, kStop, kCancel };

struct Conn {
  int fd;
  size_t len = 0;  // bytes received, being echoed
  size_t off = 0;  // of which sent
  char buf[kBuffer];
};

uint64_t Tag(Kind kind, uint32_t slot) { return (uint64_t{slot} << 8) | kind; }

class LiburingEcho final : public EchoServer {
  std::string Serve(int listen_fd, int stop_fd) override {
    io_uring ring;
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    int r = io_uring_queue_init_params(kEntries, &ring, &params);
    if (r < 0) return std::string("io_uring_queue_init_params: ") + std::strerror(-r);
    io_uring_register_ring_fd(&ring);

    std::vector<std::unique_ptr<Conn>> conns;  // index: slot
    std::vector<uint32_t> free_slots;
    unsigned in_flight = 0;
    auto sqe = [&]() {
      io_uring_sqe* s = io_uring_get_sqe(&ring);
      if (s == nullptr) {  // full: hand what is queued to the kernel first
        io_uring_submit(&ring);
        s = io_uring_get_sqe(&ring);
      }
      ++in_flight;
      return s;
    };
    auto recv = [&](uint32_t slot) {
      io_uring_sqe* s = sqe();
      io_uring_prep_recv(s, conns[slot]->fd, conns[slot]->buf, kBuffer, 0);
      io_uring_sqe_set_data64(s, Tag(kRecv, slot));
    };
    auto send = [&](uint32_t slot) {
      Conn& c = *conns[slot];
      io_uring_sqe* s = sqe();
      io_uring_prep_send(s, c.fd, c.buf + c.off, c.len - c.off, MSG_NOSIGNAL);
      io_uring_sqe_set_data64(s, Tag(kSend, slot));
    };
    auto accept = [&]() {
      io_uring_sqe* s = sqe();
      io_uring_prep_accept(s, listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      io_uring_sqe_set_data64(s, Tag(kAccept, 0));
    };
    auto drop = [&](uint32_t slot) {
      ::close(conns[slot]->fd);
      conns[slot].reset();
      free_slots.push_back(slot);
    };
    uint64_t stop_value = 0;
    {
      io_uring_sqe* s = sqe();
      io_uring_prep_read(s, stop_fd, &stop_value, sizeof stop_value, 0);
      io_uring_sqe_set_data64(s, Tag(kStop, 0));
    }
    accept();

    std::string error;
    bool stopping = false;
    while (!stopping) {
      r = io_uring_submit_and_wait(&ring, 1);
      if (r < 0 && r != -EINTR) {
        error = std::string("io_uring_submit_and_wait: ") + std::strerror(-r);
        break;
      }
      unsigned head;
      unsigned seen = 0;
      io_uring_cqe* cqe;
      io_uring_for_each_cqe(&ring, head, cqe) {
        ++seen;
        --in_flight;
        const uint64_t data = io_uring_cqe_get_data64(cqe);
        const auto kind = static_cast<Kind>(data & 0xff);
        const auto slot = static_cast<uint32_t>(data >> 8);
        const int res = cqe->res;
        switch (kind) {
          case kStop:
            stopping = true;
            break;
          case kAccept:
            if (res >= 0) {
              uint32_t s;
              if (free_slots.empty()) {
                s = static_cast<uint32_t>(conns.size());
                conns.emplace_back();
              } else {
                s = free_slots.back();
                free_slots.pop_back();
              }
              conns[s] = std::make_unique<Conn>();
              conns[s]->fd = res;
              recv(s);
            }
            accept();
            break;
          case kRecv:
            if (res <= 0) {
              drop(slot);
            } else {
              conns[slot]->len = static_cast<size_t>(res);
              conns[slot]->off = 0;
              send(slot);
            }
            break;
          case kSend:
            if (res < 0) {
              drop(slot);
            } else {
              conns[slot]->off += static_cast<size_t>(res);
              if (conns[slot]->off < conns[slot]->len) {
                send(slot);
              } else {
                recv(slot);
              }
            }
            break;
          case kCancel:
            break;
        }
      }
      io_uring_cq_advance(&ring, seen);
    }

    // Cancel what is still in flight and wait for it, so that the kernel
    // is done with every buffer before they are freed.
    io_uring_sqe* s = sqe();
    io_uring_prep_cancel64(s, 0, IORING_ASYNC_CANCEL_ANY);
    io_uring_sqe_set_data64(s, Tag(kCancel, 0));
    while (in_flight > 0) {
      io_uring_cqe* cqe;
      if (io_uring_submit_and_wait(&ring, 1) < 0) break;
      while (io_uring_peek_cqe(&ring, &cqe) == 0) {
        io_uring_cqe_seen(&ring, cqe);
        --in_flight;
      }
    }
    for (std::unique_ptr<Conn>& c : conns) {
      if (c) ::close(c->fd);
    }
    io_uring_queue_exit(&ring);
    return error;
  }
};

}  // namespace

std::unique_ptr<EchoServer> NewLiburingEcho(const EchoOptions&) {
  return std::make_unique<LiburingEcho>();
}

}  // namespace bench
