// examples/http/server.h — the hello server's accept loop and connections,
// on one runtime thread. examples/http_server.cc runs one per thread.
//
//   auto listener = zring::net::TcpListener::bind(address, {.reuse_port = true});
//   zring::JoinHandle<> server = runtime.spawn(examples::http::Serve(*listener, {}));
//   ...
//   server.cancel();          // stops accepting, closes every connection,
//   co_await server;          // and ends once they are all gone
//
// Each connection reads into one fixed buffer, parses every complete
// request the read delivered (pipelining), and answers them all with one
// send, in order. It ends when the client closes, when a response says
// `Connection: close` (the client asked for it, HTTP/1.0 without
// keep-alive, or a request the parser refused), or when no complete
// request arrived within ServerOptions::idle_timeout since the connection
// opened or since the last complete request: a client that sends nothing,
// or one byte now and then, is closed all the same.
#pragma once

#include <chrono>

#include "examples/http/request_parser.h"
#include "examples/http/response.h"
#include "zring/net/tcp_listener.h"
#include "zring/net/tcp_stream.h"
#include "zring/runtime/task.h"

namespace examples::http {

struct ServerOptions {
  // Zero: none (a server without one can be held open forever by clients
  // that send nothing). Enforced by one task per server that shuts down
  // the sockets past their deadline, checking every quarter of the timeout
  // (at most every second): no timer per operation (server.cc).
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(10);
  Limits limits;
};

// Serve(): accepts on `listener` until the task is cancelled (its stop
// token), serving each connection in a task of its own; then cancels the
// connections and returns once every one has ended. `listener` must
// outlive it. Running out of fds is reported on stderr once per shortage
// and waited out (net::Incoming).
zring::Task<> Serve(const zring::net::TcpListener& listener, ServerOptions options);

}  // namespace examples::http
