#!/usr/bin/env bash
# Builds the Debian packages admit, admit-server and admit-kiosk from the release preset
# (cmake/AdmitPackaging.cmake) into build/release/packages/ and prints their paths.
# Their --version names the commit CMake saw when this script configured.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh >&2
cmake --preset release >&2
cmake --build --preset release --target admit admit-server admit-kiosk >&2
out=build/release/packages
rm -rf "$out"
cpack --config build/release/CPackConfig.cmake -B "$out" >&2
rm -rf "$out/_CPack_Packages"
ls "$PWD/$out"/*.deb
