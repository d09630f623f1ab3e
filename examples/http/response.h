// examples/http/response.h — the bytes the hello server answers with,
// formatted once per second rather than once per request.
//
//   examples::http::Responses responses;          // one per thread
//   responses.Update(std::chrono::system_clock::now());   // per batch
//   out.append(responses.Hello(request.keep_alive, request.is_head()));
//
// The hello response, byte for byte (154 bytes with keep-alive). It is the
// response nginx gives for `return 200 "Hello, World!";` with
// `default_type text/plain` and `server_tokens off` (bench/nginx/hello.conf),
// down to the length of the Server value, so a benchmark of the two moves
// the same bytes:
//
//   HTTP/1.1 200 OK\r\n
//   Server: zring\r\n
//   Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n      (RFC 9110 IMF-fixdate, UTC)
//   Content-Type: text/plain\r\n
//   Content-Length: 13\r\n
//   Connection: keep-alive\r\n                   ("close" when the connection
//   \r\n                                          ends after it: 149 bytes)
//   Hello, World!
//
// A HEAD request gets the same head without the body. An error response
// (400, 413, 414, 431, 501, 505; anything else becomes 500) has the same
// headers, `Connection: close`, and its reason phrase as a text/plain body.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace examples::http {

inline constexpr size_t kHttpDateSize = 29;  // "Sun, 06 Nov 1994 08:49:37 GMT"

// FormatHttpDate(): `unix_seconds` as an IMF-fixdate (RFC 9110 5.6.7).
void FormatHttpDate(int64_t unix_seconds, char (&out)[kHttpDateSize]) noexcept;

inline constexpr std::string_view kHelloBody = "Hello, World!";

// The interim response to `Expect: 100-continue`.
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

class Responses final {
 public:
  // Formats every response with the date of `now`.
  explicit Responses(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  // Update(): call before writing a batch of responses. Writes the new Date
  // into every response only when `now` is in another second than the last
  // call's; otherwise it only compares two integers.
  void Update(std::chrono::system_clock::time_point now) noexcept;

  // Hello(): the response to a valid request.
  [[nodiscard]] std::string_view Hello(bool keep_alive, bool head) const noexcept;
  // Error(): the response to a request the parser refused (it closes the
  // connection).
  [[nodiscard]] std::string_view Error(int status) const noexcept;

  [[nodiscard]] int64_t second() const noexcept { return second_; }

 private:
  struct Formatted {
    std::string bytes;
    size_t date_at;  // where the Date value starts in `bytes`
    size_t body_at;  // where the body starts
  };
  static Formatted Build(int status, std::string_view reason, std::string_view connection,
                         std::string_view body);
  void WriteDate() noexcept;

  int64_t second_;
  char date_[kHttpDateSize];
  Formatted keep_alive_;
  Formatted close_;
  Formatted errors_[7];  // kErrorStatuses, in order
};

}  // namespace examples::http
