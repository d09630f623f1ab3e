// bench/internal/sides.h — the same ring work through zring's Ring and
// through liburing, for every benchmark that compares the two.
//
// Both sides get the same setup flags and entry count and register their
// ring fd where the kernel allows; each reaps with its library's batch
// idiom (one CQ-head advance per batch).
#pragma once

#include <liburing.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include <benchmark/benchmark.h>

#include "zring/ring/abi.h"
#include "zring/ring/prep.h"
#include "zring/ring/ring.h"

namespace bench {

namespace abi = zring::ring::abi;

inline std::string Describe(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

// The two sides. Each offers the same things, filled the way its library
// means them to be used: Nops(batch) and RoundTrip(...) run one benchmark
// iteration and say whether every CQE came back as expected; Sink() keeps
// the sums the reapers computed from being optimised away.

class ZringSide final {
 public:
  ZringSide(uint32_t flags, unsigned entries) {
    zring::ring::RingOptions options;
    options.entries = entries;
    options.flags = flags;
    options.register_ring_fd = true;  // the default, spelled out
    auto ring = zring::ring::Ring::Create(options);
    if (!ring) {
      error_ = Describe("Ring::Create", ring.error().value());
      return;
    }
    ring_.emplace(std::move(*ring));
  }

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] bool fd_registered() const {
    return ring_->ring_fd_registered();
  }

  [[gnu::always_inline]] bool Nops(unsigned batch) {
    zring::ring::Ring& ring = *ring_;
    for (unsigned i = 0; i < batch; ++i) {
      abi::Sqe* sqe = ring.get_sqe();
      if (sqe == nullptr) [[unlikely]] return false;
      zring::ring::prep_nop(sqe);
      sqe->user_data = i;
    }
    if (!ring.submit_and_wait(batch)) [[unlikely]] return false;
    uint64_t sum = 0;
    unsigned seen = ring.for_each_cqe(
        [&sum](const abi::Cqe& cqe) noexcept { sum += cqe.user_data; });
    sink_ += sum;
    return seen == batch;
  }

  [[gnu::always_inline]] bool RoundTrip(int wfd, int rfd, const char* out,
                                        char* in, unsigned len) {
    zring::ring::Ring& ring = *ring_;
    abi::Sqe* write = ring.get_sqe();
    abi::Sqe* read = ring.get_sqe();
    if (write == nullptr || read == nullptr) [[unlikely]] return false;
    zring::ring::prep_write(write, wfd, out, len, abi::kOffsetCurrent);
    zring::ring::set_link(write);
    write->user_data = 1;
    zring::ring::prep_read(read, rfd, in, len, abi::kOffsetCurrent);
    read->user_data = 2;
    if (!ring.submit_and_wait(2)) [[unlikely]] return false;
    bool all_full = true;
    uint64_t sum = 0;
    unsigned seen = ring.for_each_cqe([&](const abi::Cqe& cqe) noexcept {
      all_full &= cqe.res == static_cast<int32_t>(len);
      sum += cqe.user_data;
    });
    sink_ += sum;
    return all_full && seen == 2;
  }

  void Sink() { benchmark::DoNotOptimize(sink_); }

 private:
  std::optional<zring::ring::Ring> ring_;
  std::string error_;
  uint64_t sink_ = 0;
};

class LiburingSide final {
 public:
  LiburingSide(uint32_t flags, unsigned entries) {
    io_uring_params params;
    std::memset(&params, 0, sizeof params);
    params.flags = flags;
    int r = io_uring_queue_init_params(entries, &ring_, &params);
    if (r < 0) {
      error_ = Describe("io_uring_queue_init_params", -r);
      return;
    }
    live_ = true;
    // Returns the number of fds registered (1), or -errno (EINVAL before
    // Linux 5.18), in which case liburing keeps using the plain fd.
    registered_ = io_uring_register_ring_fd(&ring_) == 1;
  }
  ~LiburingSide() {
    if (live_) io_uring_queue_exit(&ring_);
  }
  LiburingSide(const LiburingSide&) = delete;
  LiburingSide& operator=(const LiburingSide&) = delete;

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] bool fd_registered() const { return registered_; }

  [[gnu::always_inline]] bool Nops(unsigned batch) {
    for (unsigned i = 0; i < batch; ++i) {
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) [[unlikely]] return false;
      io_uring_prep_nop(sqe);
      sqe->user_data = i;
    }
    if (io_uring_submit_and_wait(&ring_, batch) < 0) [[unlikely]] return false;
    uint64_t sum = 0;
    unsigned head;
    unsigned seen = 0;
    io_uring_cqe* cqe;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      sum += cqe->user_data;
      ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
    sink_ += sum;
    return seen == batch;
  }

  [[gnu::always_inline]] bool RoundTrip(int wfd, int rfd, const char* out,
                                        char* in, unsigned len) {
    io_uring_sqe* write = io_uring_get_sqe(&ring_);
    io_uring_sqe* read = io_uring_get_sqe(&ring_);
    if (write == nullptr || read == nullptr) [[unlikely]] return false;
    io_uring_prep_write(write, wfd, out, len, abi::kOffsetCurrent);
    write->flags |= IOSQE_IO_LINK;
    write->user_data = 1;
    io_uring_prep_read(read, rfd, in, len, abi::kOffsetCurrent);
    read->user_data = 2;
    if (io_uring_submit_and_wait(&ring_, 2) < 0) [[unlikely]] return false;
    bool all_full = true;
    uint64_t sum = 0;
    unsigned head;
    unsigned seen = 0;
    io_uring_cqe* cqe;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      all_full &= cqe->res == static_cast<int32_t>(len);
      sum += cqe->user_data;
      ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
    sink_ += sum;
    return all_full && seen == 2;
  }

  void Sink() { benchmark::DoNotOptimize(sink_); }

 private:
  io_uring ring_;
  bool live_ = false;
  bool registered_ = false;
  std::string error_;
  uint64_t sink_ = 0;
};

}  // namespace bench
