// zring/net/recv_stream.h — RecvStream: what a connected socket receives,
// in buffers the kernel picks from a BufferGroup as data arrives.
//
//   auto group = zring::BufferGroup::Create(/*id=*/1, /*count=*/64, /*size=*/16384);
//   zring::net::RecvStream in(stream.fd(), **group);
//   for (;;) {
//     core::Result<zring::Buffer> b = co_await in.next();
//     if (!b) break;                 // err::connreset, err::nobufs, ...
//     if (b->size() == 0) break;     // the peer closed
//     consume(b->data(), b->size()); // the buffer goes back when b dies
//   }
//
// Why: one multishot receive serves the whole connection (no SQE per
// read), and idle connections hold no buffer — memory follows the data,
// not the number of connections. The stream starts the receive again when
// the kernel ends it (a CQE without IORING_CQE_F_MORE, or ENOBUFS when the
// group ran dry); next() returns err::nobufs only when the caller holds
// every buffer and nothing new could be received. On the poll backend each
// next() is one recv into a buffer of the group (runtime/multishot.h).
//
// The group and the socket must outlive the stream; the stream belongs to
// the runtime thread that first awaits it. Destroying it cancels the
// receive and gives back every buffer it had not handed out.
#pragma once

#include <memory>

#include "zring/runtime/buffer_group.h"
#include "zring/runtime/multishot.h"

namespace zring::net {

class RecvStream final {
 public:
  RecvStream(int fd, BufferGroup& group, int flags = 0)
      : recv_(std::make_unique<MultishotRecv>(fd, group, flags)) {}
  RecvStream(RecvStream&&) noexcept = default;
  RecvStream& operator=(RecvStream&&) noexcept = default;

  // next(): the next piece received (core::Result<Buffer>); an empty
  // Buffer at end of stream.
  [[nodiscard]] MultishotRecv::Next next() noexcept { return recv_->next(); }

  // starts(): receive requests made so far (re-arms included).
  [[nodiscard]] uint64_t starts() const noexcept { return recv_->starts(); }

 private:
  // On the heap: the kernel's request points at it, and the stream moves.
  std::unique_ptr<MultishotRecv> recv_;
};

}  // namespace zring::net
