#!/usr/bin/env bash
# Sets up, builds and runs every test: the dev build, the same tests under ASan+UBSan,
# each libFuzzer target for a bounded time, then the Debian packages' install test. This is
# the README's test command and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

fuzz_seconds=${ADMIT_FUZZ_SECONDS:-60}

echo "== dev build and tests"
cmake --preset dev
cmake --build --preset dev
ctest --preset dev

echo "== ASan + UBSan build and tests"
cmake --preset asan
cmake --build --preset asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan

if [ -d shared/fuzz ]; then
  echo "== fuzzers, ${fuzz_seconds}s each"
  cmake --preset fuzz
  cmake --build --preset fuzz
  scripts/run-fuzzers.sh build/fuzz "$fuzz_seconds"
fi

echo "== Debian packages: lintian and the install test in a clean bookworm root"
scripts/test-packages.sh
