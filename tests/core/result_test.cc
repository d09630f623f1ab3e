// Errno and Result<T>: names, messages, std::error_code interop and the
// monadic helpers.
#include "zring/core/result.h"

#include <errno.h>
#include <string.h>

#include <memory>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

namespace zring::core {
namespace {

TEST(Errno, EveryNumberHasTheGlibcNameAndMessage) {
  for (int e = 1; e <= 133; ++e) {
    if (e == 41 || e == 58) continue;  // holes in the Linux table
    Errno err(e);
    ASSERT_STRNE(err.name(), "E?") << e;
    EXPECT_STREQ(err.message(), ::strerror(e)) << e;
    EXPECT_STREQ(err.name(), ::strerrorname_np(e)) << e;
  }
}

TEST(Errno, UnknownNumbersAreSafe) {
  EXPECT_STREQ(Errno(41).name(), "E?");
  EXPECT_STREQ(Errno(9999).message(), "Unknown error");
  EXPECT_STREQ(Errno(-3).name(), "E?");
  EXPECT_STREQ(Errno().name(), "OK");
}

TEST(Errno, ConstantsMatchErrnoH) {
  EXPECT_EQ(err::perm.value(), EPERM);
  EXPECT_EQ(err::again.value(), EAGAIN);
  EXPECT_EQ(err::wouldblock, err::again);
  EXPECT_EQ(err::badf.value(), EBADF);
  EXPECT_EQ(err::toobig.value(), E2BIG);
  EXPECT_EQ(err::notsup.value(), ENOTSUP);
  EXPECT_EQ(err::canceled.value(), ECANCELED);
  EXPECT_EQ(err::connreset.value(), ECONNRESET);
  EXPECT_EQ(err::hwpoison.value(), EHWPOISON);
}

TEST(Errno, ConvertsToSystemCategory) {
  std::error_code ec = err::connrefused;
  EXPECT_EQ(ec.category(), std::system_category());
  EXPECT_EQ(ec.value(), ECONNREFUSED);
  EXPECT_EQ(ec, std::errc::connection_refused);
}

TEST(Errno, Predicates) {
  EXPECT_TRUE(err::again.would_block());
  EXPECT_TRUE(err::intr.interrupted());
  EXPECT_TRUE(err::canceled.canceled());
  EXPECT_TRUE(err::timedout.timed_out());
  EXPECT_TRUE(err::time.timed_out());
  EXPECT_TRUE(err::nobufs.temporary());
  EXPECT_FALSE(err::badf.temporary());
  EXPECT_FALSE(err::badf.would_block());
  EXPECT_EQ(Errno::FromRaw(-EBADF), err::badf);
  EXPECT_FALSE(Errno::FromRaw(7));
}

TEST(Result, ValueAndError) {
  Result<int> ok = 5;
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 5);
  EXPECT_EQ(*ok, 5);
  EXPECT_FALSE(ok.error());

  Result<int> bad = err::inval;
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), err::inval);
  EXPECT_EQ(bad.value_or(7), 7);
  EXPECT_EQ(ok.value_or(7), 5);
}

TEST(Result, ZeroErrnoStillFails) {
  Result<int> r = Errno();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error(), err::inval);
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(3);
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
  Result<std::unique_ptr<int>> moved = std::move(r);
  EXPECT_TRUE(moved.ok());
}

TEST(Result, CopyAndAssign) {
  Result<std::string> a = std::string("hello");
  Result<std::string> b = err::io;
  b = a;
  EXPECT_EQ(*b, "hello");
  a = Result<std::string>(err::nomem);
  EXPECT_EQ(a.error(), err::nomem);
  EXPECT_EQ(b->size(), 5u);
}

TEST(Result, AndThenAndTransform) {
  auto half = [](int v) -> Result<int> {
    if (v % 2) return err::inval;
    return v / 2;
  };
  EXPECT_EQ(Result<int>(8).and_then(half).and_then(half).value(), 2);
  EXPECT_EQ(Result<int>(6).and_then(half).and_then(half).error(), err::inval);
  EXPECT_EQ(Result<int>(err::io).and_then(half).error(), err::io);

  Result<std::string> s = Result<int>(42).transform([](int v) { return std::to_string(v); });
  EXPECT_EQ(*s, "42");
  EXPECT_EQ(Result<int>(err::badf).transform([](int v) { return v + 1; }).error(), err::badf);
  int seen = 0;
  Result<void> v = Result<int>(3).transform([&](int x) { seen = x; });
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(seen, 3);
}

TEST(Result, VoidResult) {
  Result<void> ok = Ok();
  EXPECT_TRUE(ok);
  Result<void> bad = err::pipe;
  EXPECT_EQ(bad.error(), err::pipe);
  EXPECT_EQ(ok.and_then([] { return Result<int>(1); }).value(), 1);
  EXPECT_EQ(bad.and_then([] { return Result<int>(1); }).error(), err::pipe);
  EXPECT_EQ(ok.transform([] { return 9; }).value(), 9);
}

TEST(Result, FromRaw) {
  EXPECT_EQ(FromRaw<int>(12).value(), 12);
  EXPECT_EQ(FromRaw<int>(-EAGAIN).error(), err::again);
  EXPECT_TRUE(VoidFromRaw(0).ok());
  EXPECT_EQ(VoidFromRaw(-ENOENT).error(), err::noent);
}

}  // namespace
}  // namespace zring::core
