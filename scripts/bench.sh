#!/usr/bin/env bash
# Builds the release preset and runs every benchmark (tests/bench/<area>/admit_<area>_bench).
# Usage: scripts/bench.sh [area...] [-- benchmark arguments]
#   scripts/bench.sh                      every area (builds everything)
#   scripts/bench.sh replica scan         those areas (builds only their benchmarks)
#   scripts/bench.sh kiosk -- --rounds 5  arguments after -- go to each benchmark
# The kiosk benchmark runs the real admit-kiosk and starts its own Xvfb for the windowed figures;
# its data (100,000-attendee replica, frames) is made once and cached in
# build/release/tests/bench/kiosk/data.
set -euo pipefail
cd "$(dirname "$0")/.."
areas=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  areas+=("$1")
  shift
done
[ $# -gt 0 ] && shift  # the --
scripts/install-deps.sh
cmake --preset release >/dev/null
if [ ${#areas[@]} -eq 0 ]; then
  cmake --build --preset release
  for d in build/release/tests/bench/*/; do areas+=("$(basename "$d")"); done
else
  targets=()
  for area in "${areas[@]}"; do targets+=("admit_${area}_bench"); done
  cmake --build --preset release --target "${targets[@]}"
fi
for area in "${areas[@]}"; do
  bin=build/release/tests/bench/$area/admit_${area}_bench
  if [ -x "$bin" ]; then
    echo "== $area"
    "$bin" "$@"
  fi
done
