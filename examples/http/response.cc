// Responses: built once, then only their Date is rewritten in place, once a
// second.
#include "examples/http/response.h"

#include <cstring>

namespace examples::http {
namespace {

struct ErrorStatus {
  int code;
  std::string_view reason;
};
// The last one is the answer to any status not listed.
constexpr ErrorStatus kErrorStatuses[] = {
    {400, "Bad Request"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {431, "Request Header Fields Too Large"},
    {501, "Not Implemented"},
    {505, "HTTP Version Not Supported"},
    {500, "Internal Server Error"},
};

void Put2(char* out, unsigned v) noexcept {
  out[0] = static_cast<char>('0' + v / 10 % 10);
  out[1] = static_cast<char>('0' + v % 10);
}

int64_t SecondOf(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

void FormatHttpDate(int64_t unix_seconds, char (&out)[kHttpDateSize]) noexcept {
  using namespace std::chrono;
  static constexpr char kDays[] = "SunMonTueWedThuFriSat";
  static constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const sys_seconds t{seconds{unix_seconds}};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{t - day};
  const unsigned wd = weekday{day}.c_encoding();  // 0 = Sunday
  const unsigned month = static_cast<unsigned>(ymd.month()) - 1;
  const int year = static_cast<int>(ymd.year());

  std::memcpy(out + 0, kDays + 3 * wd, 3);
  out[3] = ',';
  out[4] = ' ';
  Put2(out + 5, static_cast<unsigned>(ymd.day()));
  out[7] = ' ';
  std::memcpy(out + 8, kMonths + 3 * month, 3);
  out[11] = ' ';
  // Four digits, as IMF-fixdate has; years past 9999 are not this server's
  // problem.
  Put2(out + 12, static_cast<unsigned>(year / 100));
  Put2(out + 14, static_cast<unsigned>(year % 100));
  out[16] = ' ';
  Put2(out + 17, static_cast<unsigned>(hms.hours().count()));
  out[19] = ':';
  Put2(out + 20, static_cast<unsigned>(hms.minutes().count()));
  out[22] = ':';
  Put2(out + 23, static_cast<unsigned>(hms.seconds().count()));
  std::memcpy(out + 25, " GMT", 4);
}

Responses::Formatted Responses::Build(int status, std::string_view reason,
                                      std::string_view connection, std::string_view body) {
  Formatted f;
  std::string& s = f.bytes;
  s += "HTTP/1.1 ";
  s += std::to_string(status);
  s += ' ';
  s += reason;
  s += "\r\nServer: zring\r\nDate: ";
  f.date_at = s.size();
  s.append(kHttpDateSize, ' ');  // WriteDate() fills it
  s += "\r\nContent-Type: text/plain\r\nContent-Length: ";
  s += std::to_string(body.size());
  s += "\r\nConnection: ";
  s += connection;
  s += "\r\n\r\n";
  f.body_at = s.size();
  s += body;
  return f;
}

Responses::Responses(std::chrono::system_clock::time_point now)
    : second_(SecondOf(now)),
      keep_alive_(Build(200, "OK", "keep-alive", kHelloBody)),
      close_(Build(200, "OK", "close", kHelloBody)) {
  static_assert(std::size(kErrorStatuses) == std::size(decltype(errors_){}),
                "one formatted response per status in kErrorStatuses");
  for (size_t i = 0; i < std::size(errors_); ++i) {
    std::string body(kErrorStatuses[i].reason);
    body += '\n';
    errors_[i] = Build(kErrorStatuses[i].code, kErrorStatuses[i].reason, "close", body);
  }
  WriteDate();
}

void Responses::WriteDate() noexcept {
  FormatHttpDate(second_, date_);
  std::memcpy(keep_alive_.bytes.data() + keep_alive_.date_at, date_, kHttpDateSize);
  std::memcpy(close_.bytes.data() + close_.date_at, date_, kHttpDateSize);
  for (Formatted& f : errors_) std::memcpy(f.bytes.data() + f.date_at, date_, kHttpDateSize);
}

void Responses::Update(std::chrono::system_clock::time_point now) noexcept {
  int64_t second = SecondOf(now);
  if (second == second_) return;
  second_ = second;
  WriteDate();
}

std::string_view Responses::Hello(bool keep_alive, bool head) const noexcept {
  const Formatted& f = keep_alive ? keep_alive_ : close_;
  std::string_view all = f.bytes;
  return head ? all.substr(0, f.body_at) : all;
}

std::string_view Responses::Error(int status) const noexcept {
  size_t i = 0;
  while (i + 1 < std::size(kErrorStatuses) && kErrorStatuses[i].code != status) ++i;
  return errors_[i].bytes;
}

}  // namespace examples::http
