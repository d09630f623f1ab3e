// splice_cp: copies a file with splice (file -> pipe -> file, no copy
// through user space) and says how many bytes and how long it took.
//
//   bazel run //examples:splice_cp -- [--backend=uring|poll|auto] SRC DST
//
// Exit status: 0 copied, 1 the copy failed (the reason is on stderr),
// 2 bad usage.
#include <optional>
#include <cstdio>
#include <string_view>

#include "examples/cli.h"
#include "examples/splice_cp_lib.h"

namespace {

int Usage(const char* why) {
  std::fprintf(stderr, "splice_cp: %s\nusage: splice_cp [--backend=uring|poll|auto] SRC DST\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zring;
  BackendKind backend = BackendKind::kAuto;
  const char* paths[2] = {nullptr, nullptr};
  int npaths = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--backend=", 0) == 0) {
      std::optional<BackendKind> b = examples::ParseBackend(arg.substr(10));
      if (!b) return Usage("--backend wants uring, poll or auto");
      backend = *b;
    } else if (arg.rfind("--", 0) == 0) {
      return Usage("unknown flag");
    } else if (npaths < 2) {
      paths[npaths++] = argv[i];
    } else {
      return Usage("too many paths");
    }
  }
  if (npaths != 2) return Usage("wants SRC and DST");

  core::Result<examples::CopyReport> report = examples::SpliceCopy(paths[0], paths[1], backend);
  if (!report) {
    std::fprintf(stderr, "splice_cp: %s -> %s: %s (%s)\n", paths[0], paths[1],
                 report.error().name(), report.error().message());
    return 1;
  }
  double seconds = static_cast<double>(report->elapsed.count()) / 1e9;
  double mib = static_cast<double>(report->bytes) / (1024.0 * 1024.0);
  std::printf("splice_cp: %zu bytes in %.3f ms (%.1f MiB/s), %s\n", report->bytes,
              seconds * 1e3, seconds > 0 ? mib / seconds : 0.0, report->backend.c_str());
  return 0;
}
