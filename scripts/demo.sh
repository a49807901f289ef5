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

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  # No screen here (a server, an SSH session): show the same flow as one JSON line per verdict.
  echo "demo: no display found; running the kiosk headless (one JSON line per verdict)." >&2
  echo "demo: on a desktop, run this again to see the window." >&2
  exec build/dev/kiosk/app/admit-kiosk --demo --headless "$@"
fi
exec build/dev/kiosk/app/admit-kiosk --demo --windowed "$@"
