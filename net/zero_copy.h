// zring/net/zero_copy.h — zero-copy sends that do not wait for the kernel's
// notification, and an adaptive send that uses zero-copy only where it pays.
//
//   // Called once per buffer, when the kernel no longer reads it.
//   void Released(void* pool, const void* buf, size_t len) noexcept {
//     static_cast<BufferPool*>(pool)->put(buf);
//   }
//
//   zring::Task<core::Result<void>> stream_out(const zring::net::TcpStream& s,
//                                              BufferPool& pool) {
//     zring::net::ZeroCopySender zc(s, {.on_release = &Released, .context = &pool});
//     while (const Chunk* c = pool.next_filled()) {
//       auto n = co_await zc.send_adaptive(c->data, c->size);  // queued, not yet free
//       if (!n) co_return n.error();
//     }
//     co_return co_await zc.flush();  // every buffer released
//   }
//
// A zero-copy send (io_uring's SEND_ZC) posts two completions: the result,
// as soon as the data is queued on the socket, and later a notification,
// when the kernel has let go of the pages. send() returns on the first, so
// the sending coroutine never waits for a notification; the buffer stays
// borrowed until the second, which ZeroCopySender reports through the
// release callback and counts in outstanding(). flush() waits until nothing
// is outstanding: before freeing or rewriting memory whose release was not
// tracked otherwise, and before shutdown.
//
// On the poll backend, and on kernels without SEND_ZC (before 6.0),
// send() is a plain send: the kernel copies, the buffer is released when
// the co_await returns, and the callback runs before it does. MSG_ZEROCOPY
// with error-queue notifications is not used there: on these machines
// zero-copy does not pay on loopback even with io_uring (docs/zero_copy.md),
// and it would need the socket's error queue as a second completion source.
//
// Threshold: send_adaptive() uses zero-copy from kZeroCopyThreshold bytes
// up, a plain (copying) send below; see the constant for where the number
// comes from.
//
// Rules:
// - The socket (stream) outlives the sender; the sender does not move and
//   belongs to the runtime thread that uses it.
// - A send is whole unless it fails (io_uring retries short sends itself
//   under MSG_WAITALL; the poll backend's plain path keeps sending as the
//   socket drains), so one buffer is one send and one release.
// - Every buffer passed to send()/send_adaptive() is released exactly once,
//   whatever the result (an error such as err::connreset included).
// - The release callback runs inside the runtime's completion loop: it may
//   record, recycle or free, but must not start operations or resume
//   coroutines.
// - A zero-copy send in flight is not cancelled by its task's stop token
//   (bytes queued on a socket cannot be taken back); close or shut down the
//   socket to end it. The plain path is cancelled like any operation.
//   Destroying the awaiting coroutine is safe on both paths: a zero-copy
//   request goes on and its buffer is still released.
// - Destroying the sender waits, driving the ring, for every outstanding
//   notification (as destroying an operation in flight does, op.h). The
//   kernel sends a notification once the data has left the socket, so the
//   peer must read or the connection must end first; flush() is the
//   non-blocking way to get there.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "zring/core/result.h"
#include "zring/net/tcp_stream.h"
#include "zring/runtime/ops.h"

namespace zring::net {

// kZeroCopyThreshold: the size from which send_adaptive() sends zero-copy.
//
// Measured with //bench:zc_threshold (docs/zero_copy.md; 2 vCPU EPYC under
// KVM, Linux 6.18, shared with other jobs): on TCP loopback zero-copy
// never pays. Every notification says the kernel copied the data anyway
// (it copies zero-copy pages when they reach a local socket), so SEND_ZC
// is a copying send plus page pinning plus a second CQE: 3-5x the sender's
// CPU per KiB at 1-4 KiB, about 1.5x at 16 KiB, 0.9-1.7x from 64 KiB up,
// and lower throughput at every size except 64 KiB, where it won two runs
// of three (noise on a shared machine, not a trend). No NIC or veth pair
// was available to measure the case where it can pay. The published
// figure (the kernel's Documentation/networking/msg_zerocopy.rst, for
// MSG_ZEROCOPY, whose page pinning and notifications SEND_ZC shares) is
// that zero-copy is effective for writes over about 10 KB; 16 KiB is that
// figure rounded up to a power of two, not a measurement. Measure the real
// path and set ZeroCopyOptions::threshold; to never use zero-copy (all
// traffic local), set it to SIZE_MAX.
inline constexpr size_t kZeroCopyThreshold = 16 * 1024;

// ZeroCopyStats: what a sender did, for tests and tuning.
struct ZeroCopyStats {
  uint64_t zero_copy_sends = 0;   // issued as SEND_ZC
  uint64_t plain_sends = 0;       // issued as a plain send (any reason)
  uint64_t below_threshold = 0;   // send_adaptive() chose a plain send
  uint64_t releases = 0;          // buffers released (callbacks run)
  // Notifications in which the kernel said it copied the data after all
  // (IORING_NOTIF_USAGE_ZC_COPIED, asked for with Options::report_usage):
  // on loopback, every one.
  uint64_t copied_by_kernel = 0;
};

// SendAllOp: the plain (copying) path of a ZeroCopySender, whole unless
// it fails, like the zero-copy path: MSG_WAITALL on io_uring, where the
// kernel retries a short send itself; on the poll backend each attempt
// sends what fits and waits for writability again until all is sent.
// co_await gives core::Result<size_t> (`len`, or the error that stopped it,
// possibly after part was sent).
struct SendAllOp : Operation<SendAllOp> {
  const void* buf = nullptr;
  size_t len = 0;
  size_t sent = 0;  // poll backend: progress of earlier attempts
  static void Prep(zring::detail::OpBase* b, ring::abi::Sqe* sqe) noexcept;
  static long Attempt(zring::detail::OpBase* b) noexcept;
  static constexpr zring::detail::OpKind kKind{&Prep, &Attempt, nullptr, core::ev::out,
                                               ring::abi::Op::kSend};
  core::Result<size_t> result() const noexcept { return zring::detail::SizeResult(res); }
};

// ZeroCopyReleaseFn: called once for each buffer given to
// send()/send_adaptive(), with the pointer and length given there, when the
// kernel no longer reads it.
using ZeroCopyReleaseFn = void (*)(void* context, const void* buf, size_t len) noexcept;

// ZeroCopyOptions: how a ZeroCopySender reports releases and chooses.
struct ZeroCopyOptions {
  ZeroCopyReleaseFn on_release = nullptr;
  void* context = nullptr;
  // send_adaptive()'s boundary.
  size_t threshold = kZeroCopyThreshold;
  // Ask the kernel to say in each notification whether it copied anyway
  // (stats().copied_by_kernel). Needs Linux 6.2; turn off before that,
  // where it makes every zero-copy send fail with err::inval.
  bool report_usage = true;
};

// ZeroCopySender
class ZeroCopySender final {
  struct Op;  // one zero-copy request in flight (zero_copy.cc)

 public:
  using ReleaseFn = ZeroCopyReleaseFn;
  using Options = ZeroCopyOptions;

  class SendAwaiter;
  class FlushAwaiter;

  // ZeroCopySender(): sends on `stream`'s socket, which must outlive it.
  explicit ZeroCopySender(const TcpStream& stream, Options options = {}) noexcept
      : ZeroCopySender(stream.fd(), options) {}
  // ZeroCopySender(fd): sends on a connected stream socket owned elsewhere.
  explicit ZeroCopySender(int fd, Options options = {}) noexcept;
  // Waits for every outstanding notification (see the rules above).
  ~ZeroCopySender();
  ZeroCopySender(const ZeroCopySender&) = delete;
  ZeroCopySender& operator=(const ZeroCopySender&) = delete;

  // send(): a zero-copy send of `len` bytes at `buf`. co_await gives
  // core::Result<size_t> once the data is queued; `buf` stays borrowed
  // until its release is reported.
  [[nodiscard]] SendAwaiter send(const void* buf, size_t len) noexcept;
  // send_adaptive(): send() from options().threshold bytes up, a plain
  // send below (released when the co_await returns).
  [[nodiscard]] SendAwaiter send_adaptive(const void* buf, size_t len) noexcept;
  // flush(): co_await waits until every buffer has been released, or,
  // with `max_outstanding`, until at most that many are still borrowed (a
  // pool of N buffers waits for a free one with flush(N - 1)).
  // core::Result<void>; err::busy when another flush() already waits.
  [[nodiscard]] FlushAwaiter flush(size_t max_outstanding = 0) noexcept;

  // outstanding(): zero-copy sends whose notification has not arrived.
  [[nodiscard]] size_t outstanding() const noexcept { return outstanding_; }
  [[nodiscard]] const ZeroCopyStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const Options& options() const noexcept { return options_; }
  [[nodiscard]] int fd() const noexcept { return fd_; }

  // SendAwaiter: what send()/send_adaptive() return.
  class SendAwaiter final {
   public:
    SendAwaiter(const SendAwaiter&) = delete;
    SendAwaiter& operator=(const SendAwaiter&) = delete;
    ~SendAwaiter();

    bool await_ready() const noexcept { return false; }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
      if (!owner_->CanZeroCopy(zero_copy_)) {
        owner_->CountPlain(zero_copy_);
        plain_started_ = true;
        return plain_.await_suspend(h);
      }
      return owner_->StartZeroCopy(this, h);
    }
    core::Result<size_t> await_resume() noexcept;

   private:
    friend class ZeroCopySender;
    SendAwaiter(ZeroCopySender* owner, const void* buf, size_t len, bool zero_copy) noexcept
        : owner_(owner), buf_(buf), len_(len), zero_copy_(zero_copy),
          plain_(SendAllOp()) {
      plain_.fd = owner->fd_;
      plain_.buf = buf;
      plain_.len = len;
    }

    ZeroCopySender* owner_;
    const void* buf_;
    size_t len_;
    bool zero_copy_;            // asked for (the backend may not offer it)
    bool plain_started_ = false;
    bool resumed_ = false;
    // The zero-copy path: the request, until its result arrives.
    Op* op_ = nullptr;
    std::coroutine_handle<> waiting_{};
    bool result_arrived_ = false;  // and `waiting_` was queued to resume
    int32_t res_ = 0;
    Awaitable<SendAllOp> plain_;  // the plain path; idle otherwise
  };

  // FlushAwaiter: what flush() returns.
  class FlushAwaiter final {
   public:
    FlushAwaiter(const FlushAwaiter&) = delete;
    FlushAwaiter& operator=(const FlushAwaiter&) = delete;
    ~FlushAwaiter();
    bool await_ready() const noexcept { return owner_->outstanding_ <= limit_; }
    bool await_suspend(std::coroutine_handle<> h) noexcept;
    core::Result<void> await_resume() noexcept;

   private:
    friend class ZeroCopySender;
    FlushAwaiter(ZeroCopySender* owner, size_t limit) noexcept : owner_(owner), limit_(limit) {}
    ZeroCopySender* owner_;
    size_t limit_;
    std::coroutine_handle<> waiting_{};
    bool busy_ = false;
    bool woken_ = false;  // queued to resume
  };

 private:
  bool CanZeroCopy(bool asked) const noexcept;
  void CountPlain(bool asked_zero_copy) noexcept;
  bool StartZeroCopy(SendAwaiter* a, std::coroutine_handle<> h) noexcept;
  Op* Acquire();
  // The notification of `op` arrived (or will never come): report its
  // buffer, recycle `op`, wake a flush() that waited for the last one.
  void Release(Op* op) noexcept;
  void ReportRelease(const void* buf, size_t len) noexcept;
  // The result of `op` arrived: hand it to the coroutine awaiting it.
  static void DeliverResult(Op* op, int32_t res, detail::ReadyQueue* ready) noexcept;
  static void Deliver(detail::OpBase* b, int32_t res, uint32_t flags, bool final,
                      detail::ReadyQueue& ready) noexcept;
  static void Discard(detail::OpBase* b, int32_t res, uint32_t flags) noexcept;
  static void Prep(detail::OpBase* b, ring::abi::Sqe* sqe) noexcept;
  static long Attempt(detail::OpBase* b) noexcept;
  static const detail::OpKind kZeroCopyKind;

  int fd_;
  Options options_;
  ZeroCopyStats stats_;
  size_t outstanding_ = 0;
  // Every request object this sender made; a free list threads through the
  // idle ones, so a steady stream of sends allocates nothing.
  std::vector<std::unique_ptr<Op>> ops_;
  Op* free_ = nullptr;
  FlushAwaiter* flusher_ = nullptr;
};

// adaptive_send(): `sender.send_adaptive(buf, len)`, for call sites that
// read better as a verb.
[[nodiscard]] inline ZeroCopySender::SendAwaiter adaptive_send(ZeroCopySender& sender,
                                                               const void* buf,
                                                               size_t len) noexcept {
  return sender.send_adaptive(buf, len);
}

}  // namespace zring::net
