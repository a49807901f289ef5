#!/usr/bin/env bash
# Runs every libFuzzer target (BUILD_DIR/{shared,sync/protocol}/fuzz/fuzz_*) for SECONDS each,
# starting from its committed seed corpus in <that source dir>/fuzz/corpus/<target>/. New corpus entries go to a
# scratch directory, so the committed corpus is never modified. Each seed also runs once whole
# first: fuzzing cuts inputs to 4096 bytes, and some seeds (100,000 nested arrays) are longer. Exits non-zero if any target
# crashes, leaks, times out or runs out of memory; the reproducer is kept in
# BUILD_DIR/fuzz-artifacts/<target>/.
# Usage: scripts/run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
seconds=$2
repo=$(cd "$(dirname "$0")/.." && pwd)

fuzz_dirs=(shared/fuzz sync/protocol/fuzz)
mapfile -t targets < <(for dir in "${fuzz_dirs[@]}"; do
  [ -d "$build_dir/$dir" ] && find "$build_dir/$dir" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x
done | sort)
if [ ${#targets[@]} -eq 0 ]; then
  echo "no fuzz targets in $build_dir/{${fuzz_dirs[*]}} (build the fuzz preset first)" >&2
  exit 1
fi

failed=()
for target in "${targets[@]}"; do
  name=$(basename "$target")
  seeds="$repo/${target#"$build_dir/"}"
  seeds="$(dirname "$seeds")/corpus/$name"
  if [ ! -d "$seeds" ]; then
    echo "missing seed corpus $seeds" >&2
    failed+=("$name (no seed corpus)")
    continue
  fi
  scratch=$(mktemp -d)
  artifacts="$build_dir/fuzz-artifacts/$name"
  mkdir -p "$artifacts"
  echo "== $name: every seed once, whole"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$target" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$seeds"/*; then
    echo "== $name: FAILED on a seed (reproducer in $artifacts/)" >&2
    failed+=("$name (seed)")
    rm -rf "$scratch"
    continue
  fi
  echo "== $name for ${seconds}s"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$scratch" "$seeds"; then
    echo "== $name: clean"
  else
    echo "== $name: FAILED (reproducer in $artifacts/)" >&2
    failed+=("$name")
  fi
  rm -rf "$scratch"
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzzers failed: ${failed[*]}" >&2
  exit 1
fi
echo "all ${#targets[@]} fuzz targets ran ${seconds}s each without a finding"
