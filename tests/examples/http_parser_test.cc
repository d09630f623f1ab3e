// RequestParser: a table of good and malformed requests, each fed whole,
// split in two at every byte boundary, and one byte at a time; every way
// must give the same requests and the same error.
#include "examples/http/request_parser.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace examples::http {
namespace {

using Status = RequestParser::Status;

struct Parsed {
  std::string method;
  std::string target;
  int version_minor;
  bool keep_alive;
  uint64_t content_length;
  bool operator==(const Parsed&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Parsed& p) {
  return os << p.method << " " << p.target << " 1." << p.version_minor
            << " keep_alive=" << p.keep_alive << " length=" << p.content_length;
}

struct Outcome {
  std::vector<Parsed> requests;
  int error = 0;            // error_status() if the parser failed
  bool incomplete = false;  // bytes of a request left over at the end
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{";
  for (const Parsed& p : o.requests) os << "[" << p << "] ";
  return os << "error=" << o.error << " incomplete=" << o.incomplete << "}";
}

// Feeds `pieces` in order, the way a connection hands over what each recv
// returned.
Outcome Feed(const std::vector<std::string_view>& pieces, const Limits& limits = {}) {
  RequestParser parser(limits);
  Outcome out;
  for (std::string_view in : pieces) {
    while (!in.empty()) {
      RequestParser::Step step = parser.Parse(in);
      EXPECT_LE(step.consumed, in.size());
      in.remove_prefix(step.consumed);
      if (step.status == Status::kError) {
        out.error = parser.error_status();
        out.incomplete = false;
        // An error is final: more bytes change nothing.
        EXPECT_EQ(parser.Parse("GET / HTTP/1.1\r\n\r\n").status, Status::kError);
        return out;
      }
      if (step.status == Status::kIncomplete) {
        EXPECT_TRUE(in.empty());
        out.incomplete = true;
        break;
      }
      const Request& r = parser.request();
      out.requests.push_back({r.method, r.target, r.version_minor, r.keep_alive, r.content_length});
      out.incomplete = false;
    }
  }
  return out;
}

struct Case {
  const char* name;
  std::string input;
  Outcome expected;
};

Parsed Get(std::string target = "/", int minor = 1, bool keep_alive = true) {
  return {"GET", std::move(target), minor, keep_alive, 0};
}
Outcome One(Parsed p) { return {{std::move(p)}, 0, false}; }
Outcome Error(int status) { return {{}, status, false}; }

std::vector<Case> Cases() {
  const std::string kHost = "Host: example.com\r\n";
  std::vector<Case> cases = {
      // Good requests.
      {"Minimal11", "GET / HTTP/1.1\r\n" + kHost + "\r\n", One(Get())},
      {"Minimal10ClosesByDefault", "GET /x HTTP/1.0\r\n\r\n", One(Get("/x", 0, false))},
      {"KeepAlive10", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", One(Get("/", 0, true))},
      {"KeepAliveAmongOptions10", "GET / HTTP/1.0\r\nConnection: Upgrade ,keep-alive\r\n\r\n",
       One(Get("/", 0, true))},
      {"Close11", "GET / HTTP/1.1\r\n" + kHost + "Connection: close\r\n\r\n",
       One(Get("/", 1, false))},
      {"CloseAmongOptions11", "GET / HTTP/1.1\r\n" + kHost + "connection: foo,  CLOSE \r\n\r\n",
       One(Get("/", 1, false))},
      {"CloseWinsOverKeepAlive",
       "GET / HTTP/1.1\r\n" + kHost + "Connection: keep-alive, close\r\n\r\n",
       One(Get("/", 1, false))},
      {"NotQuiteClose", "GET / HTTP/1.1\r\n" + kHost + "Connection: closed, clo se\r\n\r\n",
       One(Get())},
      {"LowerCaseMethodIsAToken", "get / HTTP/1.1\r\n" + kHost + "\r\n",
       One({"get", "/", 1, true, 0})},
      {"Head", "HEAD /h HTTP/1.1\r\n" + kHost + "\r\n", One({"HEAD", "/h", 1, true, 0})},
      {"BodySkipped", "POST /p HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\n\r\nhello",
       One({"POST", "/p", 1, true, 5})},
      {"BodyOfZero", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 0\r\n\r\n",
       One({"POST", "/", 1, true, 0})},
      {"RepeatedEqualLengths",
       "PUT / HTTP/1.1\r\n" + kHost + "Content-Length: 2\r\nCONTENT-LENGTH:2 \r\n\r\nab",
       One({"PUT", "/", 1, true, 2})},
      {"LeadingEmptyLines", "\r\n\r\nGET / HTTP/1.1\r\n" + kHost + "\r\n", One(Get())},
      {"FieldValuesWithTabsAndHighBytes",
       "GET / HTTP/1.1\r\n" + kHost + "X-A:\t v\tw \xc3\xa9\r\nX-Empty:\r\nX-B:   \r\n\r\n",
       One(Get())},
      {"LongNamesAreOtherHeaders",
       "GET / HTTP/1.1\r\n" + kHost +
           "Content-Length-Extra: x\r\nX-A-Very-Long-Header-Name-Indeed: y\r\n\r\n",
       One(Get())},
      {"QueryTarget", "GET /a?b=c&d=%20#f HTTP/1.1\r\n" + kHost + "\r\n",
       One(Get("/a?b=c&d=%20#f"))},
      {"LaterMinorVersionIsOneOne", "GET / HTTP/1.7\r\nhost:\r\n\r\n", One(Get("/", 7))},
      {"Pipelined",
       "GET /1 HTTP/1.1\r\n" + kHost + "\r\nPOST /2 HTTP/1.1\r\n" + kHost +
           "Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.0\r\n\r\n",
       {{Get("/1"), {"POST", "/2", 1, true, 3}, Get("/3", 0, false)}, 0, false}},
      {"TrailingPartialRequest",
       "GET / HTTP/1.1\r\n" + kHost + "\r\nGET /next HT",
       {{Get()}, 0, true}},
      {"BodyStillComing",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 10\r\n\r\nabc",
       {{}, 0, true}},

      // Malformed request lines.
      {"NulFirst", std::string("\0GET / HTTP/1.1\r\n", 17), Error(400)},
      {"NulInTarget", std::string("GET /\0 HTTP/1.1\r\n", 17), Error(400)},
      {"BadMethodByte", "G(T / HTTP/1.1\r\n", Error(400)},
      {"MethodTooLong", std::string(40, 'M') + " / HTTP/1.1\r\n", Error(501)},
      {"DoubleSpace", "GET  / HTTP/1.1\r\n", Error(400)},
      {"NoVersion", "GET /\r\n\r\n", Error(400)},
      {"LowerCaseVersion", "GET / http/1.1\r\n", Error(400)},
      {"VersionWithoutMinor", "GET / HTTP/1\r\n", Error(400)},
      {"TwoDigitMinor", "GET / HTTP/1.10\r\n", Error(400)},
      {"TwoDigitMajor", "GET / HTTP/11.1\r\n", Error(400)},
      {"Http2", "GET / HTTP/2.0\r\n" + kHost + "\r\n", Error(505)},
      {"Http09", "GET / HTTP/0.9\r\n\r\n", Error(505)},
      {"BareLfAfterRequestLine", "GET / HTTP/1.1\n" + kHost + "\r\n", Error(400)},
      {"CrWithoutLf", "GET / HTTP/1.1\r\r\n", Error(400)},
      {"HighByteInTarget", "GET /\xc3\xa9 HTTP/1.1\r\n", Error(400)},
      {"TabInTarget", "GET /a\tb HTTP/1.1\r\n", Error(400)},
      {"BareLfBeforeRequest", "\nGET / HTTP/1.1\r\n", Error(400)},
      {"RequestLineTooLong", "GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n", Error(414)},

      // Malformed headers.
      {"HeaderWithoutColon", "GET / HTTP/1.1\r\nHost example.com\r\n\r\n", Error(400)},
      {"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : example.com\r\n\r\n", Error(400)},
      {"FoldedLine", "GET / HTTP/1.1\r\n" + kHost + "X-A: 1\r\n 2\r\n\r\n", Error(400)},
      {"NulInName", std::string("GET / HTTP/1.1\r\nHo\0st: a\r\n\r\n", 28), Error(400)},
      {"NulInValue", std::string("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 29), Error(400)},
      {"ControlInValue", "GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n", Error(400)},
      {"DelInValue", "GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n", Error(400)},
      {"BareLfInHeaders", "GET / HTTP/1.1\r\nHost: a\n\r\n", Error(400)},
      {"BareCrInValue", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", Error(400)},
      {"BareLfAtEnd", "GET / HTTP/1.1\r\n" + kHost + "\n", Error(400)},
      {"NoHost11", "GET / HTTP/1.1\r\n\r\n", Error(400)},
      {"TwoHosts", "GET / HTTP/1.1\r\n" + kHost + kHost + "\r\n", Error(400)},
      {"TwoHosts10", "GET / HTTP/1.0\r\n" + kHost + kHost + "\r\n", Error(400)},
      {"Chunked", "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       Error(501)},
      {"ChunkedAndLength",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
       Error(501)},
      {"NegativeLength", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: -1\r\n\r\n", Error(400)},
      {"HexLength", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 0x10\r\n\r\n", Error(400)},
      {"EmptyLength", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: \r\n\r\n", Error(400)},
      {"SpacedLength", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 1 2\r\n\r\n", Error(400)},
      {"ListLength", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 5, 5\r\n\r\n", Error(400)},
      {"ConflictingLengths",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
       Error(400)},
      {"LengthOverLimit", "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 2000000\r\n\r\n",
       Error(413)},
      {"LengthOverflowsUint64",
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 99999999999999999999999999\r\n\r\n",
       Error(413)},
      {"HeadersTooLong",
       "GET / HTTP/1.1\r\n" + kHost + "X-Big: " + std::string(9000, 'b') + "\r\n\r\n", Error(431)},
  };
  std::string many = "GET / HTTP/1.1\r\n" + kHost;
  for (int i = 0; i < 100; ++i) many += "X-N: 1\r\n";
  cases.push_back({"TooManyHeaders", many + "\r\n", Error(431)});
  // Exactly at the limits is still fine.
  std::string line = "GET /" + std::string(4096 - 16, 'a') + " HTTP/1.1\r\n";
  EXPECT_EQ(line.size(), 4096u);
  cases.push_back(
      {"RequestLineAtLimit", line + kHost + "\r\n", One(Get("/" + std::string(4096 - 16, 'a')))});
  std::string headers = kHost + "X-Big: ";
  headers += std::string(8192 - headers.size() - 4, 'b') + "\r\n";
  EXPECT_EQ(headers.size() + 2, 8192u);  // with the final CRLF
  cases.push_back({"HeadersAtLimit", "GET / HTTP/1.1\r\n" + headers + "\r\n", One(Get())});
  return cases;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ParserTable : public ::testing::TestWithParam<Case> {};

TEST_P(ParserTable, Whole) {
  const Case& c = GetParam();
  EXPECT_EQ(Feed({c.input}), c.expected);
}

TEST_P(ParserTable, SplitInTwoAtEveryByte) {
  const Case& c = GetParam();
  std::string_view in = c.input;
  for (size_t at = 0; at <= in.size(); ++at) {
    ASSERT_EQ(Feed({in.substr(0, at), in.substr(at)}), c.expected) << "split at " << at;
  }
}

TEST_P(ParserTable, OneByteAtATime) {
  const Case& c = GetParam();
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < c.input.size(); ++i) {
    bytes.push_back(std::string_view(c.input).substr(i, 1));
  }
  EXPECT_EQ(Feed(bytes), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Requests, ParserTable, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

TEST(RequestParser, ConsumedStopsAtTheEndOfEachRequest) {
  std::string one = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz";
  std::string two = "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string both = one + two;
  RequestParser parser;
  RequestParser::Step step = parser.Parse(both);
  ASSERT_EQ(step.status, Status::kComplete);
  EXPECT_EQ(step.consumed, one.size());
  step = parser.Parse(std::string_view(both).substr(one.size()));
  ASSERT_EQ(step.status, Status::kComplete);
  EXPECT_EQ(step.consumed, two.size());
  EXPECT_EQ(parser.request().target, "/2");
  EXPECT_TRUE(parser.request().is_head() == false);
}

TEST(RequestParser, IncompleteConsumesEverything) {
  RequestParser parser;
  std::string_view part = "GET / HTTP/1.1\r\nHo";
  RequestParser::Step step = parser.Parse(part);
  EXPECT_EQ(step.status, Status::kIncomplete);
  EXPECT_EQ(step.consumed, part.size());
  EXPECT_EQ(parser.error_status(), 0);
}

TEST(RequestParser, ExpectsContinueOnlyWhileTheBodyIsAwaited) {
  RequestParser parser;
  std::string head =
      "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n";
  EXPECT_EQ(parser.Parse(std::string_view(head).substr(0, head.size() - 1)).status,
            Status::kIncomplete);
  EXPECT_FALSE(parser.expects_continue());  // the head is not complete yet
  EXPECT_EQ(parser.Parse("\n").status, Status::kIncomplete);
  EXPECT_TRUE(parser.expects_continue());
  EXPECT_EQ(parser.Parse("ab").status, Status::kIncomplete);
  EXPECT_TRUE(parser.expects_continue());
  EXPECT_EQ(parser.Parse("c").status, Status::kComplete);
  EXPECT_FALSE(parser.expects_continue());

  for (std::string_view other : {
           "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
           "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue-ish\r\nContent-Length: 3\r\n\r\n",
           "POST / HTTP/1.1\r\nHost: a\r\nX-Expect: 100-continue\r\nContent-Length: 3\r\n\r\n",
       }) {
    RequestParser p;
    EXPECT_EQ(p.Parse(other).status, Status::kIncomplete) << other;
    EXPECT_FALSE(p.expects_continue()) << other;
  }
}

TEST(RequestParser, LimitsAreConfigurable) {
  Limits small;
  small.max_request_line = 20;
  small.max_header_bytes = 30;
  small.max_headers = 2;
  small.max_body = 4;
  EXPECT_EQ(Feed({"GET /0123456789 HTTP/1.1\r\n"}, small).error, 414);
  EXPECT_EQ(Feed({"GET / HTTP/1.1\r\nHost: a\r\nX-Long: 01234567890123\r\n\r\n"}, small).error,
            431);
  EXPECT_EQ(Feed({"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n"}, small).error, 431);
  EXPECT_EQ(Feed({"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"}, small).error, 413);
  EXPECT_EQ(
      Feed({"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd"}, small).requests.size(),
      1u);
}

}  // namespace
}  // namespace examples::http
