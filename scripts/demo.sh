#!/usr/bin/env bash
# The README's first command: installs the Debian packages, builds the dev preset and opens the
# kiosk on its built-in demo event, fed a generated video of phones held up to it (valid,
# duplicate, refunded, other event, unreadable, not a ticket). No camera or server needed.
# Extra arguments go to admit-kiosk (e.g. --size 800x480, --headless).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

cmake --preset dev
cmake --build --preset dev --target admit-kiosk

exec build/dev/kiosk/app/admit-kiosk --demo --windowed "$@"
