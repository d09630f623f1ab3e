// examples/splice_cp_lib.h — the file copy of examples/splice_cp.cc, as a
// library so that a test can run it in-process.
//
//   auto report = zring::examples::SpliceCopy("in.bin", "out.bin", zring::BackendKind::kAuto);
//   if (report) std::printf("%zu bytes\n", report->bytes);
//
// The bytes go file -> pipe -> file with splice (net::copy_file), never
// through user space. The destination is created or truncated, with the
// source's permission bits.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "zring/core/result.h"
#include "zring/runtime/runtime.h"

namespace zring::examples {

struct CopyReport {
  size_t bytes = 0;
  std::chrono::nanoseconds elapsed{0};  // opening both files and copying
  std::string backend;                  // Runtime::backend_info().reason
};

// SpliceCopy(): copies `src` to `dst` on a runtime of its own. Errors are
// the kernel's: err::noent for a missing source, err::isdir, err::acces,
// err::nospc, ...; err::inval when the source is not a regular file.
[[nodiscard]] core::Result<CopyReport> SpliceCopy(const char* src, const char* dst,
                                                  BackendKind backend);

}  // namespace zring::examples
