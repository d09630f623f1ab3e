// Datagram I/O: recv_from's result, and the two ways to move a batch.
#include "zring/net/datagram.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "zring/core/constants.h"
#include "zring/net/internal/backend.h"
#include "zring/runtime/when.h"

namespace zring::net {
namespace {

namespace err = core::err;
namespace msg = core::msg;

// kMaxBatch bounds the arrays on the coroutine frame and the SQEs one
// batch takes at a time.
constexpr size_t kChunk = kMaxBatch;

// The sender's address as recvmsg/recvmmsg left it; empty when the kernel
// gave none (an unnamed Unix socket sends with a zero-length address).
SocketAddress SenderAddress(const core::SockAddrStorage& from, core::SockLen len) noexcept {
  if (len <= sizeof(from.family)) return SocketAddress();
  core::Result<SocketAddress> a = SocketAddress::FromSockaddr(&from, len);
  return a ? *a : SocketAddress();
}

void FillHeader(core::MsgHdr& m, core::IoVec& iov, const Datagram& d, void* name,
                core::SockLen namelen) noexcept {
  iov = {d.data, d.size};
  m = core::MsgHdr{};
  m.name = name;
  m.namelen = namelen;
  m.iov = &iov;
  m.iovlen = 1;
}

// --- the poll backend: sendmmsg / recvmmsg ------------------------------------

Task<core::Result<size_t>> SendBatchDirect(int fd, std::span<Datagram> batch) {
  core::MMsgHdr vec[kChunk];
  core::IoVec iov[kChunk];
  size_t sent = 0;
  while (sent < batch.size()) {
    size_t n = std::min(kChunk, batch.size() - sent);
    for (size_t i = 0; i < n; ++i) {
      const Datagram& d = batch[sent + i];
      FillHeader(vec[i].hdr, iov[i], d, const_cast<void*>(d.address.data()), d.address.size());
      vec[i].len = 0;
    }
    core::Result<unsigned> r =
        core::sendmmsg(fd, vec, static_cast<unsigned>(n), msg::dontwait | msg::nosignal);
    if (!r && r.error() == err::again) {
      core::Result<uint32_t> w = co_await zring::poll(fd, core::ev::out);
      if (!w) {
        if (sent == 0) co_return w.error();
        co_return sent;
      }
      continue;
    }
    if (!r) {
      if (sent == 0) co_return r.error();
      co_return sent;
    }
    for (unsigned i = 0; i < *r; ++i) batch[sent + i].length = vec[i].len;
    // Fewer than n: the next one failed. The next round meets that failure
    // again and reports it (or, if it was err::again, waits).
    sent += *r;
  }
  co_return sent;
}

Task<core::Result<size_t>> RecvBatchDirect(int fd, std::span<Datagram> batch) {
  core::MMsgHdr vec[kChunk];
  core::IoVec iov[kChunk];
  core::SockAddrStorage from[kChunk];
  size_t n = std::min(kChunk, batch.size());
  for (;;) {
    for (size_t i = 0; i < n; ++i) {
      FillHeader(vec[i].hdr, iov[i], batch[i], &from[i], sizeof from[i]);
      vec[i].len = 0;
    }
    core::Result<unsigned> r =
        core::recvmmsg(fd, vec, static_cast<unsigned>(n), msg::dontwait, nullptr);
    if (!r && r.error() == err::again) {
      core::Result<uint32_t> w = co_await zring::poll(fd, core::ev::in);
      if (!w) co_return w.error();
      continue;
    }
    if (!r) co_return r.error();
    for (unsigned i = 0; i < *r; ++i) {
      Datagram& d = batch[i];
      d.length = vec[i].len;
      d.truncated = (vec[i].hdr.flags & msg::trunc) != 0;
      d.address = SenderAddress(from[i], vec[i].hdr.namelen);
    }
    co_return size_t{*r};
  }
}

// --- io_uring: N operations submitted together -------------------------------

Task<core::Result<size_t>> SendOne(int fd, const Datagram& d) {
  co_return co_await send_to(fd, d.data, d.size, d.address);
}

Task<core::Result<ReceivedDatagram>> RecvOne(int fd, const Datagram& d, int flags) {
  co_return co_await recv_from(fd, d.data, d.size, flags);
}

void Fill(Datagram& d, const ReceivedDatagram& got) noexcept {
  d.length = got.length;
  d.truncated = got.truncated;
  d.address = got.from;
}

Task<core::Result<size_t>> SendBatchUring(int fd, std::span<Datagram> batch) {
  size_t sent = 0;
  while (sent < batch.size()) {
    size_t n = std::min(kChunk, batch.size() - sent);
    std::vector<Task<core::Result<size_t>>> ops;
    ops.reserve(n);
    for (size_t i = 0; i < n; ++i) ops.push_back(SendOne(fd, batch[sent + i]));
    // The children start one after the other and each stops at its first
    // operation, so all n SQEs are queued before the loop next enters the
    // kernel, and go in one io_uring_enter.
    std::vector<core::Result<size_t>> results = co_await zring::when_all(std::move(ops));
    for (size_t i = 0; i < n; ++i) {
      if (!results[i]) {
        if (sent == 0) co_return results[i].error();
        co_return sent;
      }
      batch[sent].length = *results[i];
      ++sent;
    }
  }
  co_return sent;
}

Task<core::Result<size_t>> RecvBatchUring(int fd, std::span<Datagram> batch) {
  // The wait: one operation, which io_uring arms a poll for if nothing has
  // arrived.
  core::Result<ReceivedDatagram> first = co_await RecvOne(fd, batch[0], 0);
  if (!first) co_return first.error();
  Fill(batch[0], *first);
  size_t n = std::min(kChunk, batch.size());
  if (n == 1) co_return size_t{1};
  // The rest: whatever is already queued, in one submission. MSG_DONTWAIT
  // makes io_uring complete each at once (err::again when the queue ran
  // dry) instead of arming a poll that would wait for more traffic.
  std::vector<Task<core::Result<ReceivedDatagram>>> ops;
  ops.reserve(n - 1);
  for (size_t i = 1; i < n; ++i) ops.push_back(RecvOne(fd, batch[i], msg::dontwait));
  std::vector<core::Result<ReceivedDatagram>> results = co_await zring::when_all(std::move(ops));
  // The operations run in submission order, so the filled slots are
  // normally 1..k. Should a datagram have arrived between two of them,
  // move the filled ones forward, keeping their order. Errors after the
  // first datagram (err::again, or an ICMP error on a connected socket)
  // end the batch; the first datagram is already the caller's.
  size_t filled = 1;
  for (size_t i = 1; i < n; ++i) {
    const core::Result<ReceivedDatagram>& r = results[i - 1];
    if (!r) continue;
    Fill(batch[i], *r);
    if (filled != i) std::swap(batch[filled], batch[i]);
    ++filled;
  }
  co_return filled;
}

}  // namespace

core::Result<ReceivedDatagram> RecvFromAwaiter::await_resume() noexcept {
  core::Result<size_t> n = op_.await_resume();
  if (!n) return n.error();
  ReceivedDatagram d;
  d.length = *n;
  d.truncated = (msg_.flags & msg::trunc) != 0;
  d.from = SenderAddress(from_, msg_.namelen);
  return d;
}

Task<core::Result<size_t>> send_batch(int fd, std::span<Datagram> batch) {
  if (batch.empty()) co_return size_t{0};
  if (detail::OnPollBackend()) co_return co_await SendBatchDirect(fd, batch);
  co_return co_await SendBatchUring(fd, batch);
}

Task<core::Result<size_t>> recv_batch(int fd, std::span<Datagram> batch) {
  if (batch.empty()) co_return size_t{0};
  if (detail::OnPollBackend()) co_return co_await RecvBatchDirect(fd, batch);
  co_return co_await RecvBatchUring(fd, batch);
}

}  // namespace zring::net
