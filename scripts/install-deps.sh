#!/usr/bin/env bash
# Installs the Debian (bookworm) packages Admit needs to build, test and run.
# Idempotent: packages already present are skipped, so a second run does nothing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang-14 libclang-rt-14-dev clang-format
  # core
  libsqlite3-dev sqlite3 libsqlitecpp-dev libsodium-dev nlohmann-json3-dev
  # event days in the event's time zone (date/tz.h, libdate-tz, on the system tzdb)
  libhowardhinnant-date-dev tzdata
  # sync (cpp-httplib: the tests' HTTP client and the server benchmark's peer)
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev libboost-dev zlib1g-dev
  # kiosk
  libimgui-dev libglfw3-dev libgl-dev libopencv-dev libzxing-dev libasound2-dev libsystemd-dev
  fonts-dejavu-core
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libzbar-dev xvfb xauth xdotool x11-apps imagemagick
  # promtool checks admit-server's /metrics (the prometheus package ships it)
  prometheus
  # Debian packages and their install test (scripts/package.sh, scripts/test-packages.sh)
  mmdebstrap lintian
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Only promtool of the prometheus package is used: its daemon must not start (it would listen
# on every interface). policy-rc.d is Debian's switch for that; one made here is removed after.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
