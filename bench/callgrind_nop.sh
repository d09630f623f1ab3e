#!/usr/bin/env bash
# callgrind_nop.sh — user-space instructions per NOP, zring against liburing.
#
# Runs `ring_bench --callgrind=<impl> --ops=N` (N NOPs through the same code
# the NOP benchmark runs, nothing else) under callgrind for two values of N
# and divides the difference of the totals by the difference of N: process
# start, ring setup and teardown cancel out. Callgrind counts only user
# space and is deterministic, so one run per point is enough.
#
#   bench/callgrind_nop.sh                          # batch 1, defer_taskrun
#   bench/callgrind_nop.sh --setup=default --batch=8
#   BAZEL="bazel --output_base=/root/.cache/bazel_h8" bench/callgrind_nop.sh
#   RING_BENCH=/path/to/ring_bench bench/callgrind_nop.sh   # no build
#
# Valgrind 3.19 cannot decode AVX-512, which --config=opt (-march=native)
# emits on these machines, so the binary is built as --config=opt plus
# -mno-avx512f, under its own --platform_suffix so that it does not evict
# the --config=opt build from the cache.
set -euo pipefail

setup=defer_taskrun
batch=1
for arg in "$@"; do
  case "$arg" in
    --setup=*) setup="${arg#--setup=}" ;;
    --batch=*) batch="${arg#--batch=}" ;;
    *) echo "usage: $0 [--setup=default|defer_taskrun] [--batch=B]" >&2; exit 2 ;;
  esac
done

command -v valgrind >/dev/null || { echo "$0: valgrind is not installed" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "${RING_BENCH:-}" ]]; then
  cd "$here/.."
  read -r -a bazel <<<"${BAZEL:-bazel}"
  flags=(--config=opt --copt=-mno-avx512f --platform_suffix=-callgrind)
  "${bazel[@]}" build "${flags[@]}" //bench:ring_bench >&2
  RING_BENCH="$("${bazel[@]}" info "${flags[@]}" bazel-bin 2>/dev/null)/bench/ring_bench"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The total Ir of one run: the "summary:" line of the callgrind output.
instructions() {
  local impl=$1 ops=$2 out="$work/$1.$2.out"
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$RING_BENCH" --callgrind="$impl" --ops="$ops" --batch="$batch" \
    --setup="$setup" 2>"$work/log" >/dev/null || {
    cat "$work/log" >&2
    echo "$0: $impl run failed" >&2
    exit 1
  }
  awk '/^summary:/ { print $2 }' "$out"
}

small=$((1000 * batch))
large=$((11000 * batch))
declare -A per_op
for impl in zring liburing; do
  a=$(instructions "$impl" "$small")
  b=$(instructions "$impl" "$large")
  per_op[$impl]=$(awk -v a="$a" -v b="$b" -v n=$((large - small)) \
    'BEGIN { printf "%.1f", (b - a) / n }')
done

echo "setup=$setup batch=$batch ($small and $large NOPs per run)"
awk -v z="${per_op[zring]}" -v l="${per_op[liburing]}" 'BEGIN {
  printf "zring: %.1f instr/op, liburing: %.1f instr/op, ratio %.3f\n", z, l, z / l
}'
