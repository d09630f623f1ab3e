#include "examples/splice_cp_lib.h"

#include "zring/core/constants.h"
#include "zring/core/fd.h"
#include "zring/core/io.h"
#include "zring/net/splice.h"
#include "zring/runtime/ops.h"

namespace zring::examples {
namespace {

Task<core::Result<size_t>> Copy(const char* src, const char* dst) {
  core::Result<core::Fd> in = co_await zring::openat(core::at::fdcwd, src, core::o::rdonly);
  if (!in) co_return in.error();
  core::Result<core::Statx> st = core::fstat(in->get());
  if (!st) co_return st.error();
  if ((st->mode & core::s_if::fmt) != core::s_if::reg) co_return core::err::inval;
  core::Result<core::Fd> out =
      co_await zring::openat(core::at::fdcwd, dst,
                             core::o::wronly | core::o::creat | core::o::trunc, st->mode & 07777);
  if (!out) co_return out.error();
  core::Result<size_t> copied = co_await net::copy_file(in->get(), out->get());
  if (!copied) co_return copied.error();
  // A close can report a write-back failure that the copy could not see.
  if (core::Result<void> r = out->close(); !r) co_return r.error();
  co_return *copied;
}

}  // namespace

core::Result<CopyReport> SpliceCopy(const char* src, const char* dst, BackendKind backend) {
  RuntimeOptions options;
  options.backend = backend;
  core::Result<std::unique_ptr<Runtime>> rt = Runtime::Create(options);
  if (!rt) return rt.error();
  CopyReport report;
  report.backend = (*rt)->backend_info().reason;
  auto start = std::chrono::steady_clock::now();
  core::Result<size_t> copied = (*rt)->block_on(Copy(src, dst));
  report.elapsed = std::chrono::steady_clock::now() - start;
  if (!copied) return copied.error();
  report.bytes = *copied;
  return report;
}

}  // namespace zring::examples
