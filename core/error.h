// zring/core/error.h — Errno: a Linux error number as a value.
//
// Every raw syscall in zring returns the kernel's result, a negative value
// being -errno; the typed wrappers turn that into Result<T> (result.h), whose
// error side is an Errno. Errno knows its symbolic name and message without
// calling into libc, and converts to std::error_code for code that speaks
// <system_error>.
//
//   core::Result<size_t> n = core::read(fd, buf);
//   if (!n && n.error().would_block()) { /* wait for readiness */ }
//   if (!n) std::fprintf(stderr, "%s: %s\n", n.error().name(), n.error().message());
//
// The named constants live in namespace zring::core::err, lower case without
// the leading E (err::again, err::badf, err::inval, ...): C's E* names are
// macros in <errno.h>, and a program that includes it must still compile.
#pragma once

#include <cstdint>
#include <system_error>

namespace zring::core {

// Errno
//
// A small value type holding a positive error number (0 means "no error").
// Comparison is by number; aliases (EWOULDBLOCK == EAGAIN, ENOTSUP ==
// EOPNOTSUPP) therefore compare equal, as they do in the kernel.
class Errno final {
 public:
  constexpr Errno() noexcept = default;
  constexpr explicit Errno(int value) noexcept : value_(value) {}

  // FromRaw() turns a raw syscall result (negative on error) into an Errno;
  // a non-negative result gives the "no error" value.
  static constexpr Errno FromRaw(long raw) noexcept {
    return Errno(raw < 0 ? static_cast<int>(-raw) : 0);
  }

  [[nodiscard]] constexpr int value() const noexcept { return value_; }
  [[nodiscard]] constexpr explicit operator bool() const noexcept {
    return value_ != 0;
  }

  // name() is the symbolic name ("EAGAIN"); message() the human text
  // ("Resource temporarily unavailable"). Unknown numbers give "E?" and
  // "Unknown error".
  [[nodiscard]] const char* name() const noexcept;
  [[nodiscard]] const char* message() const noexcept;

  // The conditions callers branch on most.
  [[nodiscard]] constexpr bool would_block() const noexcept {
    return value_ == kAgain;
  }
  [[nodiscard]] constexpr bool interrupted() const noexcept {
    return value_ == kIntr;
  }
  [[nodiscard]] constexpr bool in_progress() const noexcept {
    return value_ == kInProgress;
  }
  [[nodiscard]] constexpr bool canceled() const noexcept {
    return value_ == kCanceled;
  }
  [[nodiscard]] constexpr bool timed_out() const noexcept {
    return value_ == kTimedOut || value_ == kTime;
  }
  // temporary(): trying again later may succeed.
  [[nodiscard]] constexpr bool temporary() const noexcept {
    return value_ == kAgain || value_ == kIntr || value_ == kNoBufs ||
           value_ == kNoMem || value_ == kBusy;
  }

  [[nodiscard]] std::error_code code() const noexcept {
    return std::error_code(value_, std::system_category());
  }
  operator std::error_code() const noexcept { return code(); }

  friend constexpr bool operator==(Errno a, Errno b) noexcept {
    return a.value_ == b.value_;
  }

 private:
  static constexpr int kIntr = 4, kAgain = 11, kNoMem = 12, kBusy = 16,
                       kTime = 62, kNoBufs = 105, kTimedOut = 110,
                       kInProgress = 115, kCanceled = 125;
  int value_ = 0;
};

// Every Linux error number (asm-generic/errno-base.h and errno.h; the same
// on every architecture zring supports).
namespace err {
inline constexpr Errno perm{1};
inline constexpr Errno noent{2};
inline constexpr Errno srch{3};
inline constexpr Errno intr{4};
inline constexpr Errno io{5};
inline constexpr Errno nxio{6};
inline constexpr Errno toobig{7};
inline constexpr Errno noexec{8};
inline constexpr Errno badf{9};
inline constexpr Errno child{10};
inline constexpr Errno again{11};
inline constexpr Errno nomem{12};
inline constexpr Errno acces{13};
inline constexpr Errno fault{14};
inline constexpr Errno notblk{15};
inline constexpr Errno busy{16};
inline constexpr Errno exist{17};
inline constexpr Errno xdev{18};
inline constexpr Errno nodev{19};
inline constexpr Errno notdir{20};
inline constexpr Errno isdir{21};
inline constexpr Errno inval{22};
inline constexpr Errno nfile{23};
inline constexpr Errno mfile{24};
inline constexpr Errno notty{25};
inline constexpr Errno txtbsy{26};
inline constexpr Errno fbig{27};
inline constexpr Errno nospc{28};
inline constexpr Errno spipe{29};
inline constexpr Errno rofs{30};
inline constexpr Errno mlink{31};
inline constexpr Errno pipe{32};
inline constexpr Errno dom{33};
inline constexpr Errno range{34};
inline constexpr Errno deadlk{35};
inline constexpr Errno nametoolong{36};
inline constexpr Errno nolck{37};
inline constexpr Errno nosys{38};
inline constexpr Errno notempty{39};
inline constexpr Errno loop{40};
inline constexpr Errno nomsg{42};
inline constexpr Errno idrm{43};
inline constexpr Errno chrng{44};
inline constexpr Errno l2nsync{45};
inline constexpr Errno l3hlt{46};
inline constexpr Errno l3rst{47};
inline constexpr Errno lnrng{48};
inline constexpr Errno unatch{49};
inline constexpr Errno nocsi{50};
inline constexpr Errno l2hlt{51};
inline constexpr Errno bade{52};
inline constexpr Errno badr{53};
inline constexpr Errno xfull{54};
inline constexpr Errno noano{55};
inline constexpr Errno badrqc{56};
inline constexpr Errno badslt{57};
inline constexpr Errno bfont{59};
inline constexpr Errno nostr{60};
inline constexpr Errno nodata{61};
inline constexpr Errno time{62};
inline constexpr Errno nosr{63};
inline constexpr Errno nonet{64};
inline constexpr Errno nopkg{65};
inline constexpr Errno remote{66};
inline constexpr Errno nolink{67};
inline constexpr Errno adv{68};
inline constexpr Errno srmnt{69};
inline constexpr Errno comm{70};
inline constexpr Errno proto{71};
inline constexpr Errno multihop{72};
inline constexpr Errno dotdot{73};
inline constexpr Errno badmsg{74};
inline constexpr Errno overflow{75};
inline constexpr Errno notuniq{76};
inline constexpr Errno badfd{77};
inline constexpr Errno remchg{78};
inline constexpr Errno libacc{79};
inline constexpr Errno libbad{80};
inline constexpr Errno libscn{81};
inline constexpr Errno libmax{82};
inline constexpr Errno libexec{83};
inline constexpr Errno ilseq{84};
inline constexpr Errno restart{85};
inline constexpr Errno strpipe{86};
inline constexpr Errno users{87};
inline constexpr Errno notsock{88};
inline constexpr Errno destaddrreq{89};
inline constexpr Errno msgsize{90};
inline constexpr Errno prototype{91};
inline constexpr Errno noprotoopt{92};
inline constexpr Errno protonosupport{93};
inline constexpr Errno socktnosupport{94};
inline constexpr Errno opnotsupp{95};
inline constexpr Errno pfnosupport{96};
inline constexpr Errno afnosupport{97};
inline constexpr Errno addrinuse{98};
inline constexpr Errno addrnotavail{99};
inline constexpr Errno netdown{100};
inline constexpr Errno netunreach{101};
inline constexpr Errno netreset{102};
inline constexpr Errno connaborted{103};
inline constexpr Errno connreset{104};
inline constexpr Errno nobufs{105};
inline constexpr Errno isconn{106};
inline constexpr Errno notconn{107};
inline constexpr Errno shutdown{108};
inline constexpr Errno toomanyrefs{109};
inline constexpr Errno timedout{110};
inline constexpr Errno connrefused{111};
inline constexpr Errno hostdown{112};
inline constexpr Errno hostunreach{113};
inline constexpr Errno already{114};
inline constexpr Errno inprogress{115};
inline constexpr Errno stale{116};
inline constexpr Errno uclean{117};
inline constexpr Errno notnam{118};
inline constexpr Errno navail{119};
inline constexpr Errno isnam{120};
inline constexpr Errno remoteio{121};
inline constexpr Errno dquot{122};
inline constexpr Errno nomedium{123};
inline constexpr Errno mediumtype{124};
inline constexpr Errno canceled{125};
inline constexpr Errno nokey{126};
inline constexpr Errno keyexpired{127};
inline constexpr Errno keyrevoked{128};
inline constexpr Errno keyrejected{129};
inline constexpr Errno ownerdead{130};
inline constexpr Errno notrecoverable{131};
inline constexpr Errno rfkill{132};
inline constexpr Errno hwpoison{133};
// Aliases the kernel defines with the same number.
inline constexpr Errno wouldblock = again;
inline constexpr Errno notsup = opnotsupp;
inline constexpr Errno deadlock = deadlk;
}  // namespace err

}  // namespace zring::core
