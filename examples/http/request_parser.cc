// RequestParser: one byte at a time through a state machine, so that a
// request may arrive split anywhere.
#include "examples/http/request_parser.h"

#include <algorithm>
#include <cstring>

namespace examples::http {
namespace {

// RFC 9110 5.6.2: tchar, the bytes of a method or a header name.
constexpr bool IsTokenByte(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

constexpr bool IsVisible(unsigned char c) noexcept { return c > 0x20 && c < 0x7f; }

// A header value may also carry obs-text (RFC 9110 5.5).
constexpr bool IsFieldByte(unsigned char c) noexcept { return IsVisible(c) || c >= 0x80; }

constexpr char Lower(unsigned char c) noexcept {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

constexpr size_t kMaxMethod = 32;
constexpr char kVersionPrefix[] = "HTTP/";

bool Equals(const char* s, size_t len, std::string_view lit) noexcept {
  return len == lit.size() && std::memcmp(s, lit.data(), len) == 0;
}

}  // namespace

void RequestParser::StartRequest() noexcept {
  // clear() keeps the strings' capacity: no allocation per request once a
  // connection has seen its longest target.
  request_.method.clear();
  request_.target.clear();
  request_.version_minor = 1;
  request_.keep_alive = true;
  request_.content_length = 0;
  state_ = State::kLineStart;
  line_bytes_ = 0;
  header_bytes_ = 0;
  header_count_ = 0;
  body_left_ = 0;
  version_major_ = 0;
  version_index_ = 0;
  saw_content_length_ = false;
  saw_transfer_encoding_ = false;
  saw_close_ = false;
  saw_keep_alive_ = false;
  saw_expect_continue_ = false;
  hosts_ = 0;
}

RequestParser::Step RequestParser::Fail(int status, size_t consumed) noexcept {
  state_ = State::kError;
  error_status_ = status;
  return {Status::kError, consumed};
}

void RequestParser::StartHeaderValue() noexcept {
  header_ = Header::kOther;
  if (name_len_ <= sizeof name_) {
    if (Equals(name_, name_len_, "content-length")) {
      header_ = Header::kContentLength;
    } else if (Equals(name_, name_len_, "connection")) {
      header_ = Header::kConnection;
    } else if (Equals(name_, name_len_, "transfer-encoding")) {
      header_ = Header::kTransferEncoding;
    } else if (Equals(name_, name_len_, "host")) {
      header_ = Header::kHost;
    } else if (Equals(name_, name_len_, "expect")) {
      header_ = Header::kExpect;
    }
  }
  value_started_ = false;
  value_ws_ = false;
  number_ = 0;
  number_digits_ = false;
  number_over_ = false;
  token_len_ = 0;
  token_long_ = false;
}

int RequestParser::HeaderValueByte(unsigned char c) noexcept {
  if (c == ' ' || c == '\t') {
    if (value_started_) value_ws_ = true;
    return 0;
  }
  if (!IsFieldByte(c)) return 400;
  bool after_ws = value_ws_;
  value_ws_ = false;
  value_started_ = true;
  switch (header_) {
    case Header::kContentLength:
      // One decimal number; "5, 5" and "5 5" are both refused.
      if (after_ws || c < '0' || c > '9') return 400;
      number_digits_ = true;
      if (!number_over_) {
        number_ = number_ * 10 + (c - '0');
        if (number_ > limits_.max_body) number_over_ = true;  // stops before it can overflow
      }
      return 0;
    case Header::kConnection:
    case Header::kExpect:
      if (c == ',') {
        EndToken();
      } else if (after_ws && (token_len_ > 0 || token_long_)) {
        token_long_ = true;  // "keep alive": not an option we know
      } else if (token_len_ < sizeof token_) {
        token_[token_len_++] = Lower(c);
      } else {
        token_long_ = true;
      }
      return 0;
    default:
      return 0;
  }
}

void RequestParser::EndToken() noexcept {
  if (!token_long_) {
    if (header_ == Header::kConnection) {
      if (Equals(token_, token_len_, "close")) saw_close_ = true;
      if (Equals(token_, token_len_, "keep-alive")) saw_keep_alive_ = true;
    } else if (Equals(token_, token_len_, "100-continue")) {
      // Other expectations are ignored (RFC 9110 10.1.1 allows it).
      saw_expect_continue_ = true;
    }
  }
  token_len_ = 0;
  token_long_ = false;
}

int RequestParser::EndHeaderLine() noexcept {
  switch (header_) {
    case Header::kContentLength:
      if (!number_digits_) return 400;
      if (number_over_) return 413;
      // Repeated Content-Length headers that disagree are how requests are
      // smuggled past a proxy (RFC 9112 6.3).
      if (saw_content_length_ && request_.content_length != number_) return 400;
      saw_content_length_ = true;
      request_.content_length = number_;
      return 0;
    case Header::kConnection:
    case Header::kExpect:
      EndToken();
      return 0;
    case Header::kTransferEncoding:
      saw_transfer_encoding_ = true;
      return 0;
    case Header::kHost:
      ++hosts_;
      return 0;
    case Header::kOther:
      return 0;
  }
  return 0;
}

int RequestParser::EndHead() noexcept {
  // A body framed by Transfer-Encoding is not supported; one framed by it
  // and by Content-Length at once is a smuggling attempt either way.
  if (saw_transfer_encoding_) return 501;
  if (request_.version_minor >= 1) {
    if (hosts_ != 1) return 400;  // RFC 9112 3.2
    request_.keep_alive = !saw_close_;
  } else {
    if (hosts_ > 1) return 400;
    request_.keep_alive = saw_keep_alive_ && !saw_close_;
    saw_expect_continue_ = false;  // 100 Continue is HTTP/1.1 only
  }
  body_left_ = request_.content_length;
  return 0;
}

RequestParser::Step RequestParser::Parse(std::string_view in) {
  if (state_ == State::kError) return {Status::kError, 0};
  if (state_ == State::kDone) StartRequest();
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    if (state_ == State::kBody) {
      // Skipped, not kept: only its length matters to this server.
      size_t take = static_cast<size_t>(std::min<uint64_t>(body_left_, n - i));
      body_left_ -= take;
      i += take;
      if (body_left_ == 0) {
        state_ = State::kDone;
        return {Status::kComplete, i};
      }
      continue;
    }

    const unsigned char c = static_cast<unsigned char>(in[i++]);
    if (state_ < State::kHeaderLineStart) {
      if (++line_bytes_ > limits_.max_request_line) {
        bool in_line = state_ != State::kLineStart && state_ != State::kLeadingLf;
        return Fail(in_line ? 414 : 400, i);
      }
    } else if (++header_bytes_ > limits_.max_header_bytes) {
      return Fail(431, i);
    }

    switch (state_) {
      case State::kLineStart:
        // RFC 9112 2.2: empty lines before a request line are ignored.
        if (c == '\r') {
          state_ = State::kLeadingLf;
        } else if (IsTokenByte(c)) {
          request_.method.push_back(static_cast<char>(c));
          state_ = State::kMethod;
        } else {
          return Fail(400, i);
        }
        break;
      case State::kLeadingLf:
        if (c != '\n') return Fail(400, i);
        state_ = State::kLineStart;
        break;
      case State::kMethod:
        if (c == ' ') {
          state_ = State::kTargetStart;
        } else if (IsTokenByte(c)) {
          if (request_.method.size() == kMaxMethod) return Fail(501, i);
          request_.method.push_back(static_cast<char>(c));
        } else {
          return Fail(400, i);
        }
        break;
      case State::kTargetStart:
        if (!IsVisible(c)) return Fail(400, i);
        request_.target.push_back(static_cast<char>(c));
        state_ = State::kTarget;
        break;
      case State::kTarget:
        if (c == ' ') {
          state_ = State::kVersion;
        } else if (IsVisible(c)) {
          request_.target.push_back(static_cast<char>(c));
        } else {
          return Fail(400, i);
        }
        break;
      case State::kVersion:
        if (c != static_cast<unsigned char>(kVersionPrefix[version_index_])) return Fail(400, i);
        if (++version_index_ == sizeof kVersionPrefix - 1) state_ = State::kVersionMajor;
        break;
      case State::kVersionMajor:
        if (c < '0' || c > '9') return Fail(400, i);
        version_major_ = c - '0';
        state_ = State::kVersionDot;
        break;
      case State::kVersionDot:
        if (c != '.') return Fail(400, i);
        state_ = State::kVersionMinor;
        break;
      case State::kVersionMinor:
        if (c < '0' || c > '9') return Fail(400, i);
        request_.version_minor = c - '0';
        state_ = State::kRequestLineCr;
        break;
      case State::kRequestLineCr:
        if (c != '\r') return Fail(400, i);
        state_ = State::kRequestLineLf;
        break;
      case State::kRequestLineLf:
        if (c != '\n') return Fail(400, i);
        if (version_major_ != 1) return Fail(505, i);
        state_ = State::kHeaderLineStart;
        break;
      case State::kHeaderLineStart:
        if (c == '\r') {
          state_ = State::kHeadEndLf;
        } else if (IsTokenByte(c)) {
          // A line starting with whitespace (obsolete folding) is refused
          // by falling through to 400 below.
          if (++header_count_ > limits_.max_headers) return Fail(431, i);
          name_len_ = 0;
          name_[name_len_++] = Lower(c);
          state_ = State::kHeaderName;
        } else {
          return Fail(400, i);
        }
        break;
      case State::kHeaderName:
        if (c == ':') {
          StartHeaderValue();
          state_ = State::kHeaderValue;
        } else if (IsTokenByte(c)) {
          // Past the buffer the name is one we do not look at; keep
          // counting so that a long name never matches a short one.
          if (name_len_ < sizeof name_) name_[name_len_] = Lower(c);
          ++name_len_;
        } else {
          return Fail(400, i);  // includes space before the colon (RFC 9112 5.1)
        }
        break;
      case State::kHeaderValue:
        if (c == '\r') {
          state_ = State::kHeaderLf;
        } else if (int status = HeaderValueByte(c)) {
          return Fail(status, i);
        }
        break;
      case State::kHeaderLf:
        if (c != '\n') return Fail(400, i);
        if (int status = EndHeaderLine()) return Fail(status, i);
        state_ = State::kHeaderLineStart;
        break;
      case State::kHeadEndLf:
        if (c != '\n') return Fail(400, i);
        if (int status = EndHead()) return Fail(status, i);
        if (body_left_ > 0) {
          state_ = State::kBody;
          break;
        }
        state_ = State::kDone;
        return {Status::kComplete, i};
      case State::kBody:
      case State::kDone:
      case State::kError:
        // kBody is handled above the switch; kDone and kError never get here.
        return Fail(400, i);
    }
  }
  return {Status::kIncomplete, n};
}

}  // namespace examples::http
