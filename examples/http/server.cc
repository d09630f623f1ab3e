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
#include "zring/core/socket.h"
#include "zring/runtime/op.h"
#include "zring/runtime/ops.h"
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

// IdleReaper: ends the connections that completed no request within the
// idle timeout. Why not a timeout on each read and send: on io_uring that is
// a linked timeout per operation, an extra SQE and an hrtimer armed and
// cancelled in the kernel every time, which perf showed as about a tenth
// of the server's CPU under wrk. Instead each connection notes its
// deadline when a request completes, and one task per server looks at them
// every tick (a quarter of the timeout, at most a second) and shuts down
// the sockets of those past it, which ends their pending read or send.
// A connection is closed between `idle_timeout` and `idle_timeout` + tick
// after its last complete request.
class IdleReaper final {
 public:
  struct Entry {
    int fd = -1;
    Clock::time_point deadline;
    bool expired = false;
    Entry* prev = nullptr;
    Entry* next = nullptr;
  };

  explicit IdleReaper(nanoseconds timeout) noexcept : timeout_(timeout) {}
  [[nodiscard]] bool enabled() const noexcept { return timeout_ > nanoseconds::zero(); }
  [[nodiscard]] nanoseconds timeout() const noexcept { return timeout_; }

  void Add(Entry* e) noexcept {
    e->next = head_;
    if (head_) head_->prev = e;
    head_ = e;
  }
  void Remove(Entry* e) noexcept {
    if (e->prev) e->prev->next = e->next; else head_ = e->next;
    if (e->next) e->next->prev = e->prev;
  }

  // Run(): until cancelled (the server stops).
  zring::Task<> Run() {
    const nanoseconds tick = std::clamp<nanoseconds>(timeout_ / 4, std::chrono::milliseconds(1),
                                                    std::chrono::seconds(1));
    while (co_await zring::sleep_for(tick)) {
      const Clock::time_point now = Clock::now();
      for (Entry* e = head_; e != nullptr; e = e->next) {
        if (!e->expired && e->deadline <= now) {
          e->expired = true;
          (void)zring::core::shutdown(e->fd, zring::core::shut::rdwr);
        }
      }
    }
  }

 private:
  nanoseconds timeout_;
  Entry* head_ = nullptr;
};

// One connection, as described in server.h. `responses` and `reaper`
// (per server) outlive it.
zring::Task<> ServeConnection(zring::net::TcpStream stream, Responses& responses,
                              const ServerOptions& options, IdleReaper& reaper) {
  IdleReaper::Entry idle;
  struct Unwatch {
    IdleReaper* reaper;
    IdleReaper::Entry* entry;
    ~Unwatch() {
      if (reaper) reaper->Remove(entry);
    }
  } unwatch{nullptr, &idle};
  if (reaper.enabled()) {
    idle.fd = stream.fd();
    idle.deadline = Clock::now() + reaper.timeout();
    reaper.Add(&idle);
    unwatch.reaper = &reaper;
  }
  // Out of memory for this connection's strings: drop the connection,
  // not the server (an exception would cancel every connection of the
  // TaskGroup).
  try {
    RequestParser parser(options.limits);
    std::string out;
    char in[kReadSize];
    bool closing = false;  // the last response said Connection: close
    bool continued = false;  // 100 Continue sent for the current request

    while (!closing) {
      // End of stream (also what the reaper's shutdown looks like), a
      // reset, or ECANCELED (the server stops): nothing more to answer.
      zring::core::Result<size_t> got = co_await stream.read(in, sizeof in);
      if (!got || *got == 0 || idle.expired) co_return;

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
      if (completed && reaper.enabled()) idle.deadline = Clock::now() + reaper.timeout();
      // A client that asked to be told before it sends its body (curl does
      // for bodies over 1 KiB) would otherwise wait a second or so.
      if (!closing && !continued && parser.expects_continue()) {
        out += kContinue;
        continued = true;
      }

      // Every response of this read in one send; a client that does not
      // read them is ended by the reaper like an idle one.
      for (std::string_view pending = out; !pending.empty();) {
        zring::core::Result<size_t> sent = co_await stream.write(pending.data(), pending.size());
        if (!sent || *sent == 0) co_return;
        pending.remove_prefix(*sent);
      }
    }
    co_await LingeringClose(
        stream, reaper.enabled() ? reaper.timeout() : nanoseconds(std::chrono::seconds(1)), in,
        sizeof in);
  } catch (const std::bad_alloc&) {
  }
}

}  // namespace

zring::Task<> Serve(const zring::net::TcpListener& listener, ServerOptions options) {
  Responses responses;
  IdleReaper reaper(options.idle_timeout);
  // Cancelling Serve cancels every connection too (the group follows its
  // token), and join() below waits for them: nothing outlives `responses`
  // or `reaper`.
  zring::TaskGroup connections(co_await zring::StopToken());
  if (reaper.enabled()) connections.spawn(reaper.Run());
  zring::net::Incoming incoming = listener.incoming();
  for (;;) {
    zring::core::Result<zring::net::TcpStream> stream = co_await incoming.next();
    if (stream) {
      // One send per batch of responses: nothing for Nagle to coalesce, and
      // waiting on it would delay a response by an ACK round trip.
      (void)stream->set_nodelay(true);
      try {
        connections.spawn(ServeConnection(std::move(*stream), responses, options, reaper));
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
