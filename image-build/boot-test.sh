#!/usr/bin/env bash
# The boot test of the appliance image (docs/image.md, "Boot test"). Boots a test copy of the
# image twice in QEMU (TCG, 2 CPUs, a virtio-vga card for cage's DRM device) and asserts:
#
#  1. the kiosk reaches its set-up screen under cage (a screenshot by QEMU's screendump);
#  2. SIGSTOP to the kiosk's processes: the systemd watchdog kills it and it starts again
#     (times taken from the journal);
#  3. the VM is powered off hard (QEMU killed) just after the kiosk printed a check-in as
#     accepted, while demo tickets are still being scanned: after the next boot the kiosk
#     is scanning again, every check-in it had printed as accepted is in the replica (the
#     same tickets are now "already checked in", and the replica counts them once).
#
#   image-build/boot-test.sh [--image FILE] [--kiosk-bin PATH] [--out DIR] [--keep]
#
# --image      the image build-image.sh made (default build/image/admit-kiosk.img); it is
#              not changed: the test boots a copy
# --kiosk-bin  an admit-kiosk on this machine that makes the demo's camera frames
#              (default build/release/kiosk/app/admit-kiosk, else admit-kiosk on PATH)
# --out        logs, the screenshot and the figures (default build/boot-test)
# --kiosk-dropin FILE  one more drop-in for admit-kiosk.service in the test copy (e.g. a
#              unit setting whose package is not built yet)
# --keep       keeps the work folder (the test copy, the SSH key) in /tmp
#
# Only the test copy is changed, on its system partition: the kernel also writes to the
# serial console (ttyS0, logged to a file), root may log in over SSH with a key made for
# this run (QEMU forwards 127.0.0.1:PORT to the guest's port 22; the guest's network is
# restricted: it reaches nothing else), and a drop-in for admit-kiosk.service feeds the
# kiosk a folder of demo frames instead of a camera and copies its output to the console.
# Needs root (a loop mount of the copy), qemu-system-x86_64, ssh and python3. Takes about
# 6 minutes on 2 cores (10 with the image build); not in CI, run by hand.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
image=$repo/build/image/admit-kiosk.img
kiosk_bin=
out=$repo/build/boot-test
keep=0
extra_dropin=
die() { echo "boot-test: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --image) image=${2:?--image needs a file}; shift 2 ;;
    --kiosk-bin) kiosk_bin=${2:?--kiosk-bin needs a program}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --keep) keep=1; shift ;;
    --kiosk-dropin) extra_dropin=$(realpath "${2:?--kiosk-dropin needs a file}"); shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "run as root (the test copy is changed through a loop mount)"
[ -f "$image" ] || die "no image at $image: run image-build/build-image.sh"
for tool in qemu-system-x86_64 ssh ssh-keygen python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install qemu-system-x86 openssh-client python3)"
done
if [ -z "$kiosk_bin" ]; then
  kiosk_bin=$repo/build/release/kiosk/app/admit-kiosk
  [ -x "$kiosk_bin" ] || kiosk_bin=$(command -v admit-kiosk || true)
fi
if [ -z "$kiosk_bin" ] || [ ! -x "$kiosk_bin" ]; then die "no admit-kiosk to make the demo frames (--kiosk-bin)"; fi

# Must match admit-kiosk.service and build-image.sh.
watchdog_sec=15
system_offset=$(( 4096 * 512 ))

mkdir -p "$out"
out=$(realpath "$out")
work=$(mktemp -d /tmp/admit-boot-test.XXXXXX)
mnt=$work/mnt
qemu_pid=
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then kill -KILL "$qemu_pid"; fi
  if mountpoint -q "$mnt"; then umount "$mnt"; fi
  if [ "$keep" = 1 ]; then echo "boot-test: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
started=$(date +%s)
step() { echo "== $* (+$(( $(date +%s) - started )) s)"; }
figures=$out/figures.txt
: >"$figures"
figure() { echo "$*" | tee -a "$figures"; }

step "demo frames (admit-kiosk --demo, on this machine)"
"$kiosk_bin" --demo --headless --state-dir "$work/demo" >"$work/demo.jsonl"
frames=$work/demo/frames
[ -d "$frames" ] || die "the demo made no frames"
rm -f "$work/demo/demo-kiosk.key" "$work/demo/demo-kiosk.replica" "$work/demo/demo-organiser.db"

step "test copy of $image"
cp --sparse=always "$image" "$work/test.img"
ssh-keygen -q -t ed25519 -N '' -C admit-boot-test -f "$work/ssh-key"
mkdir "$mnt"
mount -o loop,offset="$system_offset" "$work/test.img" "$mnt"
# The serial console, without 'quiet': systemd's start-up messages show on it.
sed -i 's| ro quiet | ro console=tty0 console=ttyS0,115200 |' "$mnt/boot/grub/grub.cfg"
install -d -m 0700 "$mnt/root/.ssh"
install -m 0600 "$work/ssh-key.pub" "$mnt/root/.ssh/authorized_keys"
test_frames=/usr/local/share/admit-boot-test
mkdir -p "$mnt$test_frames/setup"
cp -r "$frames" "$mnt$test_frames/demo"
# The first 1.5 s of the demo: a phone without a code, before the event code is shown.
for i in $(seq -f '%05g' 0 14); do cp "$frames/frame_$i.jpg" "$mnt$test_frames/setup/"; done
ln -sfn setup "$mnt$test_frames/current"
install -d "$mnt/etc/systemd/system/admit-kiosk.service.d"
cat >"$mnt/etc/systemd/system/admit-kiosk.service.d/boot-test.conf" <<EOF
# Boot test only (image-build/boot-test.sh): demo frames in place of a camera, and the
# kiosk's output (one JSON line per verdict) on the serial console too.
[Service]
ExecStart=
ExecStart=/usr/bin/cage -- /usr/bin/admit-kiosk --db /var/lib/admit-kiosk/kiosk.replica --source-folder $test_frames/current
StandardOutput=journal+console
# Under TCG the first start (Mesa compiling shaders in software, the replica's key
# derivation) takes minutes, not seconds.
TimeoutStartSec=600
# The VM has no GPU: wlroots' GLES2 renderer on Mesa's kms_swrast crashed (llvmpipe, NULL
# write) in cage here; the pixman renderer draws in software. Devices have a GPU driver.
Environment=WLR_RENDERER=pixman
EOF
if [ -n "$extra_dropin" ]; then
  install -m 0644 "$extra_dropin" "$mnt/etc/systemd/system/admit-kiosk.service.d/boot-test-extra.conf"
fi
umount "$mnt"

port=$(( 20000 + RANDOM % 20000 ))
qemu_start() {  # qemu_start SERIAL_LOG
  rm -f "$work/qmp.sock" "$1"  # a log of an earlier run must not match
  qemu-system-x86_64 -accel tcg -smp 2 -m 2048 -machine pc \
    -drive file="$work/test.img",format=raw,if=virtio \
    -vga none -device virtio-vga -display none \
    -nic user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22 \
    -serial file:"$1" -qmp unix:"$work/qmp.sock",server=on,wait=off \
    -no-reboot >"$work/qemu.log" 2>&1 &
  qemu_pid=$!
  boot_started=$(date +%s.%N)
}
qemu_poweroff() { kill -KILL "$qemu_pid"; wait "$qemu_pid" 2>/dev/null || true; qemu_pid=; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }
since_boot() { calc "$(date +%s.%N) - $boot_started"; }
wait_for() {  # wait_for FILE PATTERN SECONDS [COUNT]: until grep -a -E PATTERN matches COUNT lines
  local deadline=$(( $(date +%s) + $3 )) count=${4:-1}
  local found
  while found=$(grep -a -c -E "$2" "$1" 2>/dev/null || true); [ "${found:-0}" -lt "$count" ]; do
    kill -0 "$qemu_pid" 2>/dev/null || die "QEMU stopped while waiting for '$2' (see $1, $work/qemu.log)"
    [ "$(date +%s)" -lt "$deadline" ] || die "no '$2' in $1 within $3 s"
    sleep 0.5
  done
}
guest() {
  ssh -q -i "$work/ssh-key" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=10 -o BatchMode=yes root@127.0.0.1 "$@"
}
wait_for_ssh() {
  local deadline=$(( $(date +%s) + 600 ))
  until guest true 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || die "no SSH into the guest within 600 s"
    sleep 2
  done
}
# systemd's line in the journal when the kiosk said READY=1 (consoles shorten it).
kiosk_started='Started .*(admit-kiosk\.servi|Admit check-in kiosk)'
# Until the kiosk has said READY=1 (systemd's console stops reporting once the boot is done,
# so this asks over SSH): prints the seconds since QEMU started and the guest's monotonic
# time of READY=1.
wait_kiosk_ready() {
  local deadline=$(( $(date +%s) + 600 )) state
  while :; do
    state=$(guest systemctl show -p ActiveState --value admit-kiosk.service 2>/dev/null || true)
    [ "$state" = active ] && break
    kill -0 "$qemu_pid" 2>/dev/null || die "QEMU stopped before the kiosk was ready"
    [ "$(date +%s)" -lt "$deadline" ] || die "the kiosk was not ready within 600 s ($state)"
    sleep 1
  done
  echo "$(since_boot) s after QEMU started, $(calc "$(guest systemctl show -p ActiveEnterTimestampMonotonic --value admit-kiosk.service) / 1000000") s after the kernel started"
}

# ---------------------------------------------------------------------------------------
step "boot 1: first boot, the kiosk on its set-up screen"
serial1=$out/serial-boot1.log
qemu_start "$serial1"
wait_for_ssh
figure "boot 1 (first boot) to kiosk ready (READY=1): $(wait_kiosk_ready)"
status=$(guest systemctl show -p StatusText --value admit-kiosk.service)
echo "kiosk status: $status"
sleep 10  # a few frames under TCG's software rendering
python3 "$here/qmp.py" "$work/qmp.sock" screendump "$out/setup.png"
[ -s "$out/setup.png" ] || die "screendump wrote nothing"
echo "screenshot: $out/setup.png"
guest test -s /etc/credstore.encrypted/admit-kiosk-replica-key || die "no sealed replica key on the device"
guest test -s /var/lib/admit-kiosk/kiosk.replica || die "no replica on the state partition"
guest findmnt -n -o SOURCE,FSTYPE /var/lib/admit-kiosk | tee -a "$figures"
guest 'ls /etc/ssh/ssh_host_*_key.pub >/dev/null' || die "no SSH host keys made on first boot"
# tty1 has no login prompt: no getty runs on a virtual terminal (only the test copy's serial
# console has one, serial-getty@ttyS0).
vt_gettys=$(guest 'systemctl list-units --no-legend --state=active "getty@*" "autovt@*"')
[ -z "$vt_gettys" ] || die "a getty runs on a virtual terminal: $vt_gettys"

step "watchdog: SIGSTOP the kiosk"
old_pid=$(guest systemctl show -p MainPID --value admit-kiosk.service)
guest 'logger -t admit-boot-test "SIGSTOP admit-kiosk"; systemctl kill -s SIGSTOP admit-kiosk.service'
deadline=$(( $(date +%s) + 120 ))
while :; do
  state=$(guest systemctl show -p MainPID -p ActiveState -p SubState --value admit-kiosk.service | tr '\n' ' ')
  read -r pid active sub <<<"$state"
  if [ "$pid" != "$old_pid" ] && [ "$pid" != 0 ] && [ "$active" = active ] && [ "$sub" = running ]; then break; fi
  [ "$(date +%s)" -lt "$deadline" ] || die "the kiosk did not come back within 120 s of SIGSTOP ($state)"
  sleep 1
done
guest journalctl -b -o short-monotonic --no-pager -u admit-kiosk.service >"$out/watchdog-kiosk.log"
guest journalctl -b -o short-monotonic --no-pager -t admit-boot-test >>"$out/watchdog-kiosk.log"
mono() { grep -a -E "$1" "$out/watchdog-kiosk.log" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | sort -n; }
t_stop=$(mono 'admit-boot-test.*SIGSTOP' | tail -1)
t_timeout=$(mono 'Watchdog timeout' | awk -v s="$t_stop" '$1 >= s' | head -1)
t_killed=$(mono "Main process exited|Failed with result 'watchdog'" | awk -v s="$t_stop" '$1 >= s' | head -1)
t_back=$(mono "$kiosk_started" | awk -v s="$t_stop" '$1 >= s' | head -1)
[ -n "$t_timeout" ] || die "the journal shows no watchdog timeout after SIGSTOP (see $out/watchdog-kiosk.log)"
[ -n "$t_back" ] || die "the journal shows no new start after SIGSTOP (see $out/watchdog-kiosk.log)"
to_timeout=$(calc "$t_timeout - $t_stop")
to_killed=$(calc "${t_killed:-$t_back} - $t_stop")
to_back=$(calc "$t_back - $t_stop")
figure "watchdog: SIGSTOP to 'Watchdog timeout' $to_timeout s, to the kiosk killed $to_killed s, to the new kiosk ready $to_back s (WatchdogSec=$watchdog_sec)"
[ "$(calc "$to_timeout <= $watchdog_sec + 10")" = 1.0 ] || die "the watchdog took $to_timeout s (> WatchdogSec + 10 s)"

# ---------------------------------------------------------------------------------------
step "check-ins, then a hard power-off"
guest "ln -sfn demo $test_frames/current && systemctl restart admit-kiosk.service"
lines_before=$(wc -l <"$serial1")
# Power off right after the second check-in the kiosk printed as accepted; more tickets follow.
deadline=$(( $(date +%s) + 600 ))
while [ "$(tail -n +"$lines_before" "$serial1" | grep -a -c '"kind":"accepted"' || true)" -lt 2 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || die "fewer than 2 accepted check-ins within 600 s (see $serial1)"
  sleep 0.2
done
qemu_poweroff
# Tickets by their reference: a kiosk set up by an offline event code has no guest list, so
# every name is "Valid ticket".
accepted_refs() { grep -a '"kind":"accepted"' | grep -a -o '"ticket_ref":"[^"]*"' | sort -u; }
tail -n +"$lines_before" "$serial1" | accepted_refs >"$work/accepted-before.txt"
figure "accepted before the power-off: $(wc -l <"$work/accepted-before.txt") ($(tr '\n' ' ' <"$work/accepted-before.txt"))"

# ---------------------------------------------------------------------------------------
step "boot 2: after the power-off"
serial2=$out/serial-boot2.log
qemu_start "$serial2"
wait_for_ssh
figure "boot 2 to kiosk ready (READY=1): $(wait_kiosk_ready)"
status=$(guest systemctl show -p StatusText --value admit-kiosk.service)
figure "kiosk status after boot 2: $status"
# Scanning for the event: ready, set up (its event named), not back on the set-up screen. The
# replayed demo's first verdict may already be on screen ("Ready: verdict, EVENT").
event_name=$(grep -a -o '"event":"[^"]*"' "$work/demo.jsonl" | grep -v '""' | head -1 | cut -d'"' -f4)
case $status in
  "Ready: setup"*) die "the kiosk is back on its set-up screen after the power-off: '$status'" ;;
  "Ready: "*", $event_name") ;;
  *) die "the kiosk is not scanning for $event_name after the power-off: '$status'" ;;
esac
# The kiosk replays the demo from its start: wait for the demo's last verdict.
last_ticket=$(grep '"headline"' "$work/demo.jsonl" | tail -1 | grep -o '"ticket_ref":"[^"]*"')
wait_for "$serial2" "$last_ticket" 900
sleep 2
while read -r ref; do
  verdict=$(grep -a "$ref" "$serial2" | grep -a -o '"code":"[^"]*"' | head -1)
  [ "$verdict" = '"code":"already_checked_in"' ] ||
    die "$ref was accepted before the power-off, but after it the kiosk says $verdict"
  echo "after the power-off, $ref: $verdict"
done <"$work/accepted-before.txt"
# Every ticket accepted in either boot, once.
accepted_refs <"$serial2" | sort -u - "$work/accepted-before.txt" >"$work/accepted-all.txt"
guest systemctl stop admit-kiosk.service
# Counted by the organiser's tool on the replica itself (key decrypted into /run for this).
# shellcheck disable=SC2016  # expanded by the guest's shell
guest 'set -e; umask 077; k=/run/admit-boot-test.key
  systemd-creds decrypt --name=admit-replica-key /etc/credstore.encrypted/admit-kiosk-replica-key "$k"
  db=/var/lib/admit-kiosk/kiosk.replica
  event=$(admit --db "$db" --key-file "$k" --json event list | grep -o "\"event_id\":\"[^\"]*\"" | cut -d\" -f4)
  admit --db "$db" --key-file "$k" --json stats --event "$event"; rm -f "$k"' >"$out/stats.json"
checked_in=$(grep -o '"checked_in":[0-9]*,"duplicates"' "$out/stats.json" | grep -o '[0-9]*')
expected=$(wc -l <"$work/accepted-all.txt")
figure "replica after boot 2: $checked_in checked in; tickets the kiosk printed as accepted in the two boots: $expected"
[ "$checked_in" = "$expected" ] || die "the replica counts $checked_in check-ins, the kiosk accepted $expected tickets"
python3 "$here/qmp.py" "$work/qmp.sock" quit || true
qemu_poweroff

step "boot test passed"
figure "boot test: $(( $(date +%s) - started )) s"
