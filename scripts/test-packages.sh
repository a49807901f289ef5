#!/usr/bin/env bash
# The install test: builds the packages (scripts/package.sh), runs lintian on each (no errors
# allowed; the warnings are listed in docs/packaging.md), makes a clean Debian bookworm root
# with mmdebstrap, installs the three there with apt-get install ./admit*.deb and runs
# packaging/check-installed.sh inside it: --version, --help, users, enabled units,
# systemd-analyze verify and security, the first-boot key, admit-kiosk --demo --headless.
# Needs the Debian archive, and root for mmdebstrap's root mode (through sudo otherwise, as
# install-deps.sh does). Prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

scripts/install-deps.sh
mapfile -t debs < <(scripts/package.sh)
echo "== packages"
printf '%s\n' "${debs[@]}"

echo "== lintian"
report=build/release/packages/lintian.txt
# Exit status 1 on any error; warnings are reported, not fatal.
if ! lintian --fail-on error --tag-display-limit 0 "${debs[@]}" >"$report" 2>&1; then
  cat "$report"
  echo "lintian found errors in the packages" >&2
  exit 1
fi
cat "$report"

root=$(mktemp -d /tmp/admit-install-root.XXXXXX)
trap '$SUDO rm -rf "$root"' EXIT
# The device's sources: bookworm with its updates and security archive.
mirrors=("deb http://deb.debian.org/debian bookworm main"
         "deb http://deb.debian.org/debian bookworm-updates main"
         "deb http://deb.debian.org/debian-security bookworm-security main")
echo "== a clean bookworm root with the packages installed ($root)"
$SUDO mmdebstrap --mode=root --variant=apt --format=directory \
  --customize-hook='mkdir -p "$1/tmp/admit-debs"' \
  --customize-hook="copy-in ${debs[*]} /tmp/admit-debs" \
  --customize-hook='chroot "$1" sh -c "cd /tmp/admit-debs && DEBIAN_FRONTEND=noninteractive apt-get install -y ./admit*.deb"' \
  --customize-hook='copy-in packaging/check-installed.sh /tmp' \
  --customize-hook='chroot "$1" sh /tmp/check-installed.sh' \
  bookworm "$root" "${mirrors[@]}"

echo "== install test passed in $(( $(date +%s) - started )) s"
