// Responses: the exact hello bytes, the Date format against libc's
// strftime, and the date changing only with the second.
#include "examples/http/response.h"

#include <time.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace examples::http {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

system_clock::time_point At(int64_t unix_seconds) {
  return system_clock::time_point(seconds(unix_seconds));
}

std::string LibcDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm parts{};
  gmtime_r(&t, &parts);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return std::string(buf, n);
}

std::string Date(int64_t unix_seconds) {
  char out[kHttpDateSize];
  FormatHttpDate(unix_seconds, out);
  return std::string(out, kHttpDateSize);
}

TEST(HttpDate, TheRfcExample) { EXPECT_EQ(Date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT"); }

TEST(HttpDate, MatchesStrftime) {
  // The epoch, a leap day, the last second of a year, and a spread of
  // seconds across a few centuries of days.
  for (int64_t t : {int64_t{0}, int64_t{951782400}, int64_t{4102444799}, int64_t{1700000000}}) {
    EXPECT_EQ(Date(t), LibcDate(t)) << t;
  }
  for (int64_t t = 0; t < int64_t{4102444800}; t += 86400 * 7 + 3671) {
    ASSERT_EQ(Date(t), LibcDate(t)) << t;
  }
}

TEST(Responses, HelloBytesAreExact) {
  Responses r(At(784111777));
  const std::string head =
      "HTTP/1.1 200 OK\r\n"
      "Server: zring\r\n"
      "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
      "Content-Type: text/plain\r\n"
      "Content-Length: 13\r\n";
  EXPECT_EQ(r.Hello(true, false), head + "Connection: keep-alive\r\n\r\nHello, World!");
  EXPECT_EQ(r.Hello(true, false).size(), 154u);  // nginx's, with server_tokens off
  EXPECT_EQ(r.Hello(false, false), head + "Connection: close\r\n\r\nHello, World!");
  EXPECT_EQ(r.Hello(true, true), head + "Connection: keep-alive\r\n\r\n");
  EXPECT_EQ(r.Hello(false, true), head + "Connection: close\r\n\r\n");
}

TEST(Responses, ErrorsCloseAndCarryTheirLength) {
  Responses r(At(784111777));
  EXPECT_EQ(r.Error(400),
            "HTTP/1.1 400 Bad Request\r\n"
            "Server: zring\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 12\r\n"
            "Connection: close\r\n\r\n"
            "Bad Request\n");
  for (int status : {413, 414, 431, 501, 505}) {
    std::string_view e = r.Error(status);
    EXPECT_EQ(e.substr(0, 13), "HTTP/1.1 " + std::to_string(status) + " ") << e;
    size_t body = e.find("\r\n\r\n") + 4;
    size_t length_at = e.find("Content-Length: ") + 16;
    EXPECT_EQ(std::stoul(std::string(e.substr(length_at))), e.size() - body) << e;
    EXPECT_NE(e.find("\r\nConnection: close\r\n"), std::string_view::npos) << e;
  }
  EXPECT_EQ(r.Error(418).substr(0, 35), "HTTP/1.1 500 Internal Server Error\r");
}

TEST(Responses, DateChangesOnlyWithTheSecond) {
  Responses r(At(784111777));
  std::string before(r.Hello(true, false));
  r.Update(At(784111777) + std::chrono::milliseconds(999));
  EXPECT_EQ(r.Hello(true, false), before);
  r.Update(At(784111778));
  EXPECT_EQ(r.second(), 784111778);
  std::string after(r.Hello(true, false));
  EXPECT_NE(after.find("Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n"), std::string::npos);
  EXPECT_NE(r.Error(400).find("08:49:38 GMT"), std::string_view::npos);
  EXPECT_EQ(after.size(), before.size());
}

}  // namespace
}  // namespace examples::http
