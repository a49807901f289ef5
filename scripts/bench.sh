#!/usr/bin/env bash
# Builds the release preset and runs every benchmark (tests/bench/<area>/admit_<area>_bench).
# Usage: scripts/bench.sh [area...]   e.g. scripts/bench.sh replica scan
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
areas=("$@")
if [ ${#areas[@]} -eq 0 ]; then
  for d in build/release/tests/bench/*/; do areas+=("$(basename "$d")"); done
fi
for area in "${areas[@]}"; do
  bin=build/release/tests/bench/$area/admit_${area}_bench
  if [ -x "$bin" ]; then
    echo "== $area"
    "$bin"
  fi
done
