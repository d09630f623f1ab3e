// examples/http/request_parser.h — RequestParser: an incremental HTTP/1.1
// request parser for a server that answers every request the same way.
//
//   examples::http::RequestParser parser;
//   for (;;) {
//     std::string_view in = ...;                     // bytes just received
//     while (!in.empty()) {
//       auto step = parser.Parse(in);
//       in.remove_prefix(step.consumed);
//       if (step.status == Status::kError) reply(parser.error_status()), close();
//       if (step.status == Status::kIncomplete) break;   // read more
//       answer(parser.request());                    // kComplete
//     }
//   }
//
// Parse() takes bytes as they arrive, in pieces of any size, and keeps what
// it needs (method, target, the few headers that matter) in the parser, so
// the caller may reuse its receive buffer as soon as Parse() returns: no
// byte is ever scanned twice and nothing is buffered but those fields. A
// request is complete once its head and its whole Content-Length body have
// been consumed; the body itself is skipped, not kept.
//
// What it accepts (RFC 9112, strictly):
// - request line `method SP target SP HTTP/1.x CRLF`: the method a token,
//   the target visible ASCII; empty lines (CRLF) before it are skipped;
// - header lines `name ":" OWS value OWS CRLF`, no space before the colon,
//   no line folding; values of visible ASCII, SP, HTAB and bytes >= 0x80;
// - a body only by Content-Length (decimal, one value; repeated headers
//   must agree).
// Everything else is an error with the status a server should answer
// before closing the connection (error_status()):
//   400 malformed (bad token, bad version syntax, bare LF or CR, header
//       without colon, bad or conflicting Content-Length, NUL or other
//       control bytes, missing or repeated Host in HTTP/1.1)
//   413 Content-Length over Limits::max_body
//   414 request line over Limits::max_request_line
//   431 header section over Limits::max_header_bytes or max_headers
//   501 Transfer-Encoding (chunked bodies are not supported), method over
//       32 bytes
//   505 an HTTP major version other than 1
// After an error the parser stays in error: the connection cannot be
// resynchronised, since where the bad request ends is unknown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace examples::http {

struct Limits {
  size_t max_request_line = 4096;  // bytes, CRLF included
  size_t max_header_bytes = 8192;  // all header lines, CRLFs included
  size_t max_headers = 100;
  uint64_t max_body = uint64_t{1} << 20;
};

// What a complete request said that a response depends on.
struct Request {
  std::string method;
  std::string target;
  int version_minor = 1;   // HTTP/1.<minor>
  bool keep_alive = true;  // after this response, read the next request
  uint64_t content_length = 0;

  [[nodiscard]] bool is_head() const noexcept { return method == "HEAD"; }
};

class RequestParser final {
 public:
  enum class Status : uint8_t { kIncomplete, kComplete, kError };
  struct Step {
    Status status;
    size_t consumed;  // bytes of the input that belong to this request
  };

  explicit RequestParser(const Limits& limits = {}) : limits_(limits) {}

  // Parse(): consumes bytes of the current request from `in`. kIncomplete:
  // all of `in` was consumed, call again with more. kComplete: request() is
  // the request, `consumed` bytes of `in` were its last ones; the next
  // call starts the next request (pipelining). kError: see error_status().
  // May throw std::bad_alloc (the method and target are kept in strings).
  Step Parse(std::string_view in);

  // request(): the last complete request; valid until the next Parse().
  [[nodiscard]] const Request& request() const noexcept { return request_; }
  // error_status(): the HTTP status to answer after kError, else 0.
  [[nodiscard]] int error_status() const noexcept { return error_status_; }
  // expects_continue(): the current request's head is complete, it is
  // HTTP/1.1 with `Expect: 100-continue`, and its body has not all arrived:
  // the client may wait for a "100 Continue" before it sends the body.
  [[nodiscard]] bool expects_continue() const noexcept {
    return state_ == State::kBody && saw_expect_continue_;
  }

 private:
  enum class State : uint8_t {
    kLineStart,  // before the method; empty lines allowed
    kLeadingLf,  // CR of an empty line seen
    kMethod,
    kTargetStart,
    kTarget,
    kVersion,  // matching "HTTP/"
    kVersionMajor,
    kVersionDot,
    kVersionMinor,
    kRequestLineCr,
    kRequestLineLf,
    kHeaderLineStart,
    kHeaderName,
    kHeaderValue,
    kHeaderLf,
    kHeadEndLf,
    kBody,
    kDone,
    kError,
  };
  // The headers whose value matters; the others are only checked.
  enum class Header : uint8_t {
    kOther,
    kContentLength,
    kConnection,
    kTransferEncoding,
    kHost,
    kExpect,
  };

  void StartRequest() noexcept;
  Step Fail(int status, size_t consumed) noexcept;
  // These return 0, or the error status the byte or the line calls for.
  void StartHeaderValue() noexcept;
  int HeaderValueByte(unsigned char c) noexcept;
  int EndHeaderLine() noexcept;
  int EndHead() noexcept;
  void EndToken() noexcept;

  Limits limits_;
  Request request_;
  State state_ = State::kLineStart;
  int error_status_ = 0;

  // Per request.
  size_t line_bytes_ = 0;    // of the request line so far
  size_t header_bytes_ = 0;  // of the header section so far
  size_t header_count_ = 0;
  uint64_t body_left_ = 0;
  int version_major_ = 0;
  unsigned version_index_ = 0;  // into "HTTP/"
  bool saw_content_length_ = false;
  bool saw_transfer_encoding_ = false;
  bool saw_close_ = false;
  bool saw_keep_alive_ = false;
  bool saw_expect_continue_ = false;
  unsigned hosts_ = 0;

  // Per header line.
  Header header_ = Header::kOther;
  char name_[20] = {};  // lower case; long names are kOther anyway
  size_t name_len_ = 0;
  bool value_started_ = false;
  bool value_ws_ = false;  // whitespace since the last value byte
  uint64_t number_ = 0;    // Content-Length being read
  bool number_digits_ = false;
  bool number_over_ = false;  // above max_body
  char token_[12] = {};  // Connection or Expect token being read, lower case
  size_t token_len_ = 0;
  bool token_long_ = false;
};

}  // namespace examples::http
