// What a raw syscall costs: getppid through zring's inline asm, through
// glibc's generic syscall(), and through glibc's own getppid() wrapper.
// getppid is the cheapest syscall that glibc does not cache, so the figures
// are the entry path and nothing else.
//
//   ./bazelw run --config=opt //bench:syscall_bench
#include <sys/syscall.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "zring/core/syscall.h"

namespace {

void BM_Getppid_ZringInline(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(zring::core::syscall0(zring::core::nr::getppid));
  }
}
BENCHMARK(BM_Getppid_ZringInline);

void BM_Getppid_GlibcSyscall(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(::syscall(SYS_getppid));
  }
}
BENCHMARK(BM_Getppid_GlibcSyscall);

void BM_Getppid_GlibcWrapper(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(::getppid());
  }
}
BENCHMARK(BM_Getppid_GlibcWrapper);

}  // namespace
