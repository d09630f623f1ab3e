// The loops over short reads and writes that every stream socket shares.
#include "zring/net/stream_io.h"

#include "zring/core/constants.h"

namespace zring::net {

Task<core::Result<void>> read_exact(int fd, void* buf, size_t len) {
  auto* at = static_cast<unsigned char*>(buf);
  while (len > 0) {
    core::Result<size_t> n = co_await zring::recv(fd, at, len);
    if (!n) co_return n.error();
    if (*n == 0) co_return kUnexpectedEof;
    at += *n;
    len -= *n;
  }
  co_return core::Ok();
}

Task<core::Result<void>> write_all(int fd, const void* buf, size_t len) {
  auto* at = static_cast<const unsigned char*>(buf);
  while (len > 0) {
    core::Result<size_t> n = co_await zring::send(fd, at, len);
    if (!n) co_return n.error();
    if (*n == 0) co_return core::err::pipe;  // a socket never sends 0 of >0: do not loop on it
    at += *n;
    len -= *n;
  }
  co_return core::Ok();
}

Task<core::Result<void>> write_all(int fd, core::IoVec* iov, unsigned count) {
  for (;;) {
    // Skip what is done (and empty entries, which would make a zero-byte
    // send look like progress).
    while (count > 0 && iov->len == 0) {
      ++iov;
      --count;
    }
    if (count == 0) co_return core::Ok();
    core::Result<size_t> n = co_await SendvAwaiter(fd, iov, count);
    if (!n) co_return n.error();
    if (*n == 0) co_return core::err::pipe;
    size_t sent = *n;
    while (sent > 0) {
      size_t step = sent < iov->len ? sent : iov->len;
      iov->base = static_cast<unsigned char*>(iov->base) + step;
      iov->len -= step;
      sent -= step;
      if (iov->len == 0) {
        ++iov;
        --count;
      }
    }
  }
}

}  // namespace zring::net
