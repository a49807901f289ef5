#!/bin/sh
# Runs inside the fresh Debian bookworm root of scripts/test-packages.sh, after
# apt-get install ./admit*.deb: what the packages installed must work there as on a device.
set -eu

step() { printf '== %s\n' "$*"; }
fail() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}

step "admit --version, admit-server --version, admit-kiosk --version"
for program in admit admit-server admit-kiosk; do
    line=$("$program" --version)
    echo "$line"
    echo "$line" | grep -Eq "^$program [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-modified)?|unknown)\)\$" ||
        fail "$program --version printed '$line'"
done

step "admit-server --help"
admit-server --help | tee /tmp/server-help
grep -q '^usage: admit-server --db PATH' /tmp/server-help || fail "admit-server --help"

step "system users and the kiosk's groups"
getent passwd admit || fail "no user admit"
getent passwd admit-kiosk || fail "no user admit-kiosk"
groups=$(id -nG admit-kiosk)
echo "admit-kiosk: $groups"
for group in video render input audio dialout; do
    case " $groups " in *" $group "*) ;; *) fail "admit-kiosk is not in $group" ;; esac
done

step "units enabled the Debian way (started at the next boot)"
ls -l /etc/systemd/system/multi-user.target.wants/admit-server.service \
    /etc/systemd/system/timers.target.wants/admit-server-backup.timer \
    /etc/systemd/system/graphical.target.wants/admit-kiosk.service ||
    fail "a unit is not enabled"

step "systemd-analyze verify"
units="admit-server.service admit-server-backup.service admit-server-backup.timer
       admit-kiosk.service admit-kiosk-key.service"
for unit in $units; do
    systemd-analyze verify "/usr/lib/systemd/system/$unit" || fail "verify $unit"
    echo "$unit: verified"
done

step "systemd-analyze security (exposure; docs/kiosk.md lists what is left and why)"
# --threshold counts tenths: 20 is an exposure of 2.0.
for limit in admit-server.service:20 admit-server-backup.service:20 admit-kiosk.service:20 \
    admit-kiosk-key.service:10; do
    unit=${limit%:*}
    tenths=${limit#*:}
    systemd-analyze security --offline=yes --threshold="$tenths" \
        "/usr/lib/systemd/system/$unit" >/tmp/security.txt ||
        { cat /tmp/security.txt; fail "$unit is more exposed than $((tenths / 10)).$((tenths % 10))"; }
    tail -n 1 /tmp/security.txt
done

step "admit backup: two copies of an organiser database, --keep 1 leaves the newer"
admit --db /tmp/organiser.db --key-file /tmp/organiser.key replica create
admit --db /tmp/organiser.db --key-file /tmp/organiser.key event create --name "Install Test"
mkdir -p /tmp/backups
admit --db /tmp/organiser.db --key-file /tmp/organiser.key backup --out-dir /tmp/backups --keep 1
sleep 0.01
admit --db /tmp/organiser.db --key-file /tmp/organiser.key backup --out-dir /tmp/backups --keep 1
ls -l /tmp/backups
[ "$(ls /tmp/backups | grep -c '^organiser-.*Z\.db$')" = 1 ] || fail "backup --keep 1"
admit --db "$(ls -d /tmp/backups/organiser-*.db)" --key-file /tmp/organiser.key event list |
    grep -q "Install Test" || fail "the backup does not hold the event"

step "the first-boot replica key (no TPM2 here: sealed with the host key)"
/usr/libexec/admit-kiosk/make-replica-key
sealed=/etc/credstore.encrypted/admit-kiosk-replica-key
ls -l "$sealed"
[ "$(stat -c %a "$sealed")" = 600 ] || fail "$sealed is not 0600"
# What LoadCredentialEncrypted= hands the kiosk: decrypted into a memory file system, mode 0400.
credentials=$(mktemp -d /dev/shm/admit-credentials.XXXXXX)
trap 'rm -rf "$credentials"' EXIT
systemd-creds decrypt --name=admit-replica-key "$sealed" "$credentials/admit-replica-key"
chmod 0400 "$credentials/admit-replica-key"
[ "$(stat -c %s "$credentials/admit-replica-key")" = 32 ] || fail "the key is not 32 bytes"
/usr/libexec/admit-kiosk/make-replica-key  # a second boot: the key stays as it is
systemd-creds decrypt --name=admit-replica-key "$sealed" - | cmp - "$credentials/admit-replica-key" ||
    fail "a second run changed the key"
# An empty folder as its camera: the kiosk opens (creates) the replica, says it is ready on the
# set-up screen and waits for frames until it is stopped, as systemd would stop it.
mkdir -p /tmp/no-frames
CREDENTIALS_DIRECTORY=$credentials admit-kiosk --headless --db /tmp/kiosk.replica \
    --source-folder /tmp/no-frames >/tmp/kiosk.jsonl 2>/tmp/kiosk.err &
kiosk=$!
for _ in $(seq 1 300); do
    grep -q '"kind":"ready"' /tmp/kiosk.jsonl && break
    sleep 0.1
done
kill -TERM "$kiosk"
wait "$kiosk" || { cat /tmp/kiosk.err; fail "the kiosk did not stop cleanly on SIGTERM"; }
cat /tmp/kiosk.jsonl
grep '"kind":"ready"' /tmp/kiosk.jsonl | grep -q '"screen":"setup"' ||
    { cat /tmp/kiosk.err; fail "the kiosk did not open a new replica with the sealed key"; }

step "admit-kiosk --demo --headless"
admit-kiosk --demo --headless >/tmp/demo.jsonl 2>/tmp/demo.err || {
    cat /tmp/demo.err
    fail "the demo failed"
}
head -n 1 /tmp/demo.jsonl
accepted=$(grep -c '"accepted":true' /tmp/demo.jsonl || true)
denied=$(grep -c '"accepted":false' /tmp/demo.jsonl || true)
echo "demo: $accepted accepted, $denied denied"
grep -q '"kind":"ready"' /tmp/demo.jsonl || fail "no ready line"
[ "$accepted" -ge 3 ] && [ "$denied" -ge 3 ] || fail "the demo's verdicts are missing"
step "all checks passed"
