// The hello server: an accept loop, and per connection one read buffer,
// one parser and one output string, all reused for every request.
#include "examples/http/server.h"

#include <algorithm>
#include <cstdio>
#include <new>
#include <string>
#include <string_view>

#include "zring/core/constants.h"
#include "zring/core/result.h"
#include "zring/runtime/op.h"
#include "zring/runtime/task_group.h"

namespace examples::http {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

// One read's worth. Big enough for a few dozen pipelined requests; a
// request larger than this simply takes several reads.
constexpr size_t kReadSize = 8192;

// What a closing connection still reads and throws away (below).
constexpr size_t kLingerBytes = 64 * 1024;

bool IsShortage(zring::core::Errno e) noexcept {
  namespace err = zring::core::err;
  return e == err::mfile || e == err::nfile || e == err::nobufs || e == err::nomem;
}

// LingeringClose(): the server is closing while the client may still be
// sending (the rest of a refused request, requests pipelined after a
// `Connection: close`). Closing a socket with unread bytes makes the kernel
// send a reset, and a reset can destroy the response in the client's
// receive queue before the client has read it. So: end our side, then read
// and drop what comes until the client closes too, `budget` passes, or
// kLingerBytes were dropped.
zring::Task<> LingeringClose(const zring::net::TcpStream& stream, nanoseconds budget, char* buf,
                             size_t len) {
  if (!co_await stream.shutdown(zring::core::shut::wr)) co_return;
  const Clock::time_point deadline = Clock::now() + budget;
  size_t dropped = 0;
  while (dropped < kLingerBytes) {
    nanoseconds left = deadline - Clock::now();
    if (left <= nanoseconds::zero()) co_return;
    zring::core::Result<size_t> n = co_await stream.read(buf, len).timeout(left);
    if (!n || *n == 0) co_return;
    dropped += *n;
  }
}

}  // namespace

zring::Task<> ServeConnection(zring::net::TcpStream stream, Responses& responses,
                              const ServerOptions& options) {
  // Out of memory for this connection's strings: drop the connection,
  // not the server (an exception would cancel every connection of the
  // TaskGroup).
  try {
    RequestParser parser(options.limits);
    std::string out;
    char in[kReadSize];
    Clock::time_point deadline = Clock::now() + options.idle_timeout;
    bool closing = false;  // the last response said Connection: close
    bool continued = false;  // 100 Continue sent for the current request

    while (!closing) {
      nanoseconds left = deadline - Clock::now();
      if (left <= nanoseconds::zero()) co_return;
      // ETIMEDOUT (idle), ECANCELED (the server stops), a reset, or end of
      // stream: nothing more to answer.
      zring::core::Result<size_t> got = co_await stream.read(in, sizeof in).timeout(left);
      if (!got || *got == 0) co_return;

      responses.Update(std::chrono::system_clock::now());
      out.clear();
      bool completed = false;
      std::string_view rest(in, *got);
      while (!rest.empty() && !closing) {
        RequestParser::Step step = parser.Parse(rest);
        rest.remove_prefix(step.consumed);
        if (step.status == RequestParser::Status::kIncomplete) break;
        if (step.status == RequestParser::Status::kError) {
          out += responses.Error(parser.error_status());
          closing = true;
          break;
        }
        const Request& request = parser.request();
        out += responses.Hello(request.keep_alive, request.is_head());
        completed = true;
        continued = false;
        // Whatever was pipelined after a request that closes is not answered.
        closing = !request.keep_alive;
      }
      if (completed) deadline = Clock::now() + options.idle_timeout;
      // A client that asked to be told before it sends its body (curl does
      // for bodies over 1 KiB) would otherwise wait a second or so.
      if (!closing && !continued && parser.expects_continue()) {
        out += kContinue;
        continued = true;
      }

      // Every response of this read in one send; a client that does not read
      // them gets idle_timeout for each send to make progress.
      for (std::string_view pending = out; !pending.empty();) {
        zring::core::Result<size_t> sent =
            co_await stream.write(pending.data(), pending.size()).timeout(options.idle_timeout);
        if (!sent || *sent == 0) co_return;
        pending.remove_prefix(*sent);
      }
    }
    co_await LingeringClose(stream, options.idle_timeout, in, sizeof in);
  } catch (const std::bad_alloc&) {
  }
}

zring::Task<> Serve(const zring::net::TcpListener& listener, ServerOptions options) {
  Responses responses;
  // Cancelling Serve cancels every connection too (the group follows its
  // token), and join() below waits for them: nothing outlives `responses`.
  zring::TaskGroup connections(co_await zring::StopToken());
  zring::net::Incoming incoming = listener.incoming();
  for (;;) {
    zring::core::Result<zring::net::TcpStream> stream = co_await incoming.next();
    if (stream) {
      // One send per batch of responses: nothing for Nagle to coalesce, and
      // waiting on it would delay a response by an ACK round trip.
      (void)stream->set_nodelay(true);
      try {
        connections.spawn(ServeConnection(std::move(*stream), responses, options));
      } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "http_server: out of memory for a connection; dropped\n");
      }
      continue;
    }
    if (stream.error() == zring::core::err::canceled) break;
    if (IsShortage(stream.error())) {
      std::fprintf(stderr, "http_server: accept: %s; waiting for a free fd\n",
                   stream.error().name());
      continue;
    }
    std::fprintf(stderr, "http_server: accept: %s; no longer accepting\n", stream.error().name());
    break;
  }
  connections.cancel();
  co_await connections.join();
}

}  // namespace examples::http
