// SCM_RIGHTS through sendmsg/recvmsg operations.
#include "zring/net/fd_passing.h"

#include <cstdint>
#include <cstring>

#include "zring/core/constants.h"
#include "zring/core/socket.h"
#include "zring/runtime/ops.h"

namespace zring::net {
namespace {

// Room for the most fds one message can carry. Control messages must be
// aligned like CMsgHdr; the buffer gets that from its element type, since
// GCC does not honour alignas on a local variable that lives in a
// coroutine frame.
constexpr size_t kControlBytes = core::cmsg_space(kMaxFdsPerMessage * sizeof(int));
struct ControlBuffer {
  std::uint64_t words[(kControlBytes + 7) / 8] = {};
};
static_assert(alignof(ControlBuffer) >= alignof(core::CMsgHdr));

// The fds of every SCM_RIGHTS message in `m`'s control buffer, as the
// kernel left it, passed to `each`.
template <class Each>
void ForEachReceivedFd(const core::MsgHdr& m, Each&& each) noexcept {
  for (core::CMsgHdr* c = core::cmsg_first(m); c != nullptr; c = core::cmsg_next(m, c)) {
    if (c->level != core::sol::socket || c->type != core::scm::rights) continue;
    if (c->len < core::cmsg_len(0)) break;
    size_t count = (c->len - core::cmsg_len(0)) / sizeof(int);
    const unsigned char* data = core::cmsg_data(c);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, data + i * sizeof(int), sizeof fd);
      each(fd);
    }
  }
}

// Closes the fds a completed recvmsg left in the control buffer unless
// they were handed out: what happens when the task dies between the
// kernel's completion and recv_fds() reading it. The buffer starts zeroed,
// so before any completion it holds no SCM_RIGHTS message to close.
class UnclaimedFds final {
 public:
  explicit UnclaimedFds(const core::MsgHdr& m) noexcept : m_(m) {}
  UnclaimedFds(const UnclaimedFds&) = delete;
  UnclaimedFds& operator=(const UnclaimedFds&) = delete;
  ~UnclaimedFds() {
    if (!claimed_) ForEachReceivedFd(m_, [](int fd) { (void)core::close(fd); });
  }
  void Claim() noexcept { claimed_ = true; }

 private:
  const core::MsgHdr& m_;
  bool claimed_ = false;
};

}  // namespace

Task<core::Result<size_t>> send_fds(int socket_fd, const void* data, size_t len,
                                    std::span<const int> fds) {
  if (fds.size() > kMaxFdsPerMessage) co_return core::err::inval;
  ControlBuffer control;
  core::IoVec iov{const_cast<void*>(data), len};  // sendmsg does not write it
  core::MsgHdr m{};
  m.iov = &iov;
  m.iovlen = 1;
  if (!fds.empty()) {
    m.control = control.words;
    m.controllen = core::cmsg_space(fds.size() * sizeof(int));
    core::CMsgHdr* c = core::cmsg_first(m);
    c->level = core::sol::socket;
    c->type = core::scm::rights;
    c->len = core::cmsg_len(fds.size() * sizeof(int));
    std::memcpy(core::cmsg_data(c), fds.data(), fds.size() * sizeof(int));
  }
  co_return co_await zring::sendmsg(socket_fd, &m);
}

Task<core::Result<ReceivedFds>> recv_fds(int socket_fd, void* buf, size_t len,
                                         std::span<core::Fd> out) {
  ControlBuffer control;
  size_t room = out.size() < kMaxFdsPerMessage ? out.size() : kMaxFdsPerMessage;
  core::IoVec iov{buf, len};
  core::MsgHdr m{};
  m.iov = &iov;
  m.iovlen = 1;
  if (room > 0) {
    m.control = control.words;
    // Exactly the room `out` has, so that more fds are the kernel's
    // MSG_CTRUNC rather than fds we would have to close ourselves.
    m.controllen = core::cmsg_space(room * sizeof(int));
  }
  UnclaimedFds guard(m);
  core::Result<size_t> n = co_await zring::recvmsg(socket_fd, &m, core::msg::cmsg_cloexec);
  if (!n) co_return n.error();
  guard.Claim();
  ReceivedFds got;
  got.bytes = *n;
  bool overflow = false;
  ForEachReceivedFd(m, [&](int fd) {
    if (got.fds < out.size()) {
      out[got.fds++] = core::Fd(fd);
    } else {
      overflow = true;  // cannot happen with the control size above; do not leak it
      (void)core::close(fd);
    }
  });
  if (overflow || (m.flags & core::msg::ctrunc)) {
    for (size_t i = 0; i < got.fds; ++i) (void)out[i].close();
    co_return kFdsTruncated;
  }
  co_return got;
}

}  // namespace zring::net
