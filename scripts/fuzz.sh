#!/usr/bin/env bash
# Builds the fuzz targets (tests/fuzz, docs/fuzzing.md) with clang and libFuzzer in build/fuzz and
# fuzzes each one for a bounded time. A crash, timeout or out-of-memory input is copied into
# tests/fuzz/corpus/<target>/crash-<sha1> (so the replay tests of every build run it from then
# on) and the script fails.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]   (default 20 s, every target)
# QP_FUZZ_JOBS: targets fuzzed at once (default: the number of CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
[[ $# -gt 0 ]] && shift
scripts/setup-deps.sh --fuzz

dir=build/fuzz
# A clang build of all of the core and the server: with ccache a fresh build/fuzz takes a
# minute instead of several (the CI leg's budget is 8 minutes on 2 cores).
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Paths relative to the checkout, so a fresh clone (CI) hits what an earlier one cached.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DQP_FUZZ=ON -DQP_BUILD_TESTS=OFF -DQP_BUILD_UI=OFF "${launcher[@]}" ${QP_CMAKE_ARGS:-} >/dev/null
cmake --build "$dir" --target qp_fuzzers -j"$(nproc)" >&2

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for src in tests/fuzz/fuzz_*.cpp; do
    name=$(basename "$src" .cpp)
    targets+=("${name#fuzz_}")
  done
fi

# Each run works on a scratch copy of the corpus: what libFuzzer adds stays out of the source
# tree, which keeps only the seeds and the crashes.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Findings must abort (libFuzzer then saves the input); leaks are not checked: Qt keeps
# process-wide caches that LeakSanitizer cannot tell from leaks.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

fuzz_one() {
  local t=$1 w="$work/$1"
  mkdir -p "$w/corpus" "$w/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$w/corpus/" 2>/dev/null || true
  "$dir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$w/artifacts/" "$w/corpus" \
    >"$w/log" 2>&1
}

jobs_max=${QP_FUZZ_JOBS:-$(nproc)}
for t in "${targets[@]}"; do
  [[ -x "$dir/tests/fuzz/fuzz_$t" ]] || { echo "no fuzz target '$t'" >&2; exit 2; }
  while [[ $(jobs -rp | wc -l) -ge $jobs_max ]]; do wait -n || true; done
  (fuzz_one "$t" && touch "$work/$t.ok" || true) &
done
wait

failed=()
for t in "${targets[@]}"; do
  w="$work/$t"
  if [[ -f "$work/$t.ok" ]]; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/log" | tail -1)
    echo "fuzz $t: clean, ${runs:-?} inputs in ${secs} s"
    continue
  fi
  failed+=("$t")
  echo "fuzz $t: FAILED" >&2
  tail -n 40 "$w/log" >&2
  for a in "$w"/artifacts/*; do
    [[ -f "$a" ]] || continue
    sha=$(sha1sum "$a" | cut -c1-12)
    cp "$a" "tests/fuzz/corpus/$t/crash-$sha"
    echo "  input saved as tests/fuzz/corpus/$t/crash-$sha ($(basename "$a"))" >&2
  done
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
