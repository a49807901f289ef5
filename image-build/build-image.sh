#!/usr/bin/env bash
# Builds the Admit kiosk appliance: a bootable x86-64 disk image (BIOS, GRUB, GPT) holding
# Debian bookworm, the kernel and the three Admit packages (docs/image.md).
#
#   image-build/build-image.sh [--debs DIR] [--out FILE] [--authorized-keys FILE]
#                              [--system-size MIB] [--state-size MIB] [--mirror URL]
#
# --debs DIR       where admit_*.deb, admit-server_*.deb and admit-kiosk_*.deb are
#                  (default build/release/packages, made by scripts/package.sh)
# --out FILE       the image (default build/image/admit-kiosk.img); FILE.bmap beside it when
#                  bmaptool is installed
# --reuse-root DIR  packs a root kept by an earlier run (ADMIT_IMAGE_KEEP_WORK=1) again,
#                  without mmdebstrap: for working on the image's layout and boot code
# ADMIT_IMAGE_KEEP_WORK=1 keeps the root and work files (in /tmp/admit-image.*) for a look.
# --authorized-keys FILE
#                  an administrator's SSH public keys: SSH is on only in an image given keys
#
# Layout (GPT): 1 MiB BIOS boot partition (GRUB's core.img), the system partition (ext4,
# label admit-system, /) and the state partition (ext4, label admit-state,
# /var/lib/admit-kiosk: the replica). Root (mmdebstrap's root mode) is needed; loop devices
# and mounts are not: each file system is made by mke2fs -d straight into its place in the
# image file. Reaches Debian's archive, nothing else. Prints how long each step took.
# shellcheck disable=SC2016  # mmdebstrap expands $1 in its hooks, not this shell
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

debs_dir=$repo/build/release/packages
out=$repo/build/image/admit-kiosk.img
authorized_keys=
reuse_root=
system_mib=2048
state_mib=256
mirror=http://deb.debian.org/debian
security_mirror=http://deb.debian.org/debian-security

die() { echo "build-image: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --debs) debs_dir=${2:?--debs needs a folder}; shift 2 ;;
    --out) out=${2:?--out needs a file}; shift 2 ;;
    --authorized-keys) authorized_keys=${2:?--authorized-keys needs a file}; shift 2 ;;
    --system-size) system_mib=${2:?--system-size needs MiB}; shift 2 ;;
    --state-size) state_mib=${2:?--state-size needs MiB}; shift 2 ;;
    --mirror) mirror=${2:?--mirror needs a URL}; shift 2 ;;
    --reuse-root) reuse_root=${2:?--reuse-root needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root (mmdebstrap's root mode keeps file owners and modes)"
for tool in mmdebstrap sfdisk mke2fs; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install mmdebstrap fdisk e2fsprogs"
done
shopt -s nullglob
debs=("$debs_dir"/admit_*.deb "$debs_dir"/admit-server_*.deb "$debs_dir"/admit-kiosk_*.deb)
shopt -u nullglob
[ "${#debs[@]}" -eq 3 ] || die "expected the three Admit packages in $debs_dir (found ${#debs[@]}); run scripts/package.sh"
debs=("$(realpath "${debs[0]}")" "$(realpath "${debs[1]}")" "$(realpath "${debs[2]}")")
if [ -n "$authorized_keys" ]; then
  [ -s "$authorized_keys" ] || die "--authorized-keys $authorized_keys is missing or empty"
  grep -q -- '-----BEGIN' "$authorized_keys" && die "--authorized-keys must hold public keys only"
  authorized_keys=$(realpath "$authorized_keys")
fi

started=$(date +%s)
step() { echo "== $* (+$(( $(date +%s) - started )) s)"; }

work=$(mktemp -d /tmp/admit-image.XXXXXX)
root=$work/root
cleanup() {
  if [ "${ADMIT_IMAGE_KEEP_WORK:-0}" = 1 ]; then echo "build-image: work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
mkdir -p "$(dirname "$out")"
out=$(realpath "$out")

# One random UUID per file system and build: GRUB and fstab find the partitions by them.
system_uuid=$(cat /proc/sys/kernel/random/uuid)
state_uuid=$(cat /proc/sys/kernel/random/uuid)

# systemd-resolved makes /etc/resolv.conf a link to its stub, which does not answer inside the
# build's chroot: the first customize hook gives apt this machine's resolver for the build,
# configure-root.sh puts the link back.
# What the device runs beyond Debian's required set (the packages pull in cage, Xwayland,
# Mesa and the libraries). No Recommends: an appliance gets what it names.
include=linux-image-amd64,initramfs-tools,grub-pc-bin,systemd-sysv,udev,dbus,libpam-systemd
include+=,systemd-timesyncd,systemd-resolved,iproute2,kmod,e2fsprogs,openssh-server
include+=,ca-certificates,libgl1-mesa-dri,procps,less

cat >"$work/fstab" <<EOF
# Admit image (docs/image.md): the system and the kiosk's state on separate partitions.
UUID=$system_uuid  /                     ext4  errors=remount-ro             0 1
UUID=$state_uuid   /var/lib/admit-kiosk  ext4  nodev,nosuid,noexec,x-systemd.growfs  0 2
EOF
cat >"$work/grub.cfg" <<EOF
# Admit image (docs/image.md). Written by image-build/build-image.sh, not by update-grub
# (grub-pc is not installed): /vmlinuz and /initrd.img are the links the kernel packages
# keep to the newest kernel, so an upgraded kernel boots without changing this file.
set timeout=1
set default=0
search --no-floppy --fs-uuid --set=root $system_uuid
menuentry 'Admit kiosk' {
  linux /vmlinuz root=UUID=$system_uuid ro quiet vt.global_cursor_default=0
  initrd /initrd.img
}
menuentry 'Admit kiosk (previous kernel)' {
  linux /vmlinuz.old root=UUID=$system_uuid ro quiet vt.global_cursor_default=0
  initrd /initrd.img.old
}
EOF
# GRUB's first stage finds its files on the system partition by UUID, whatever the disk.
cat >"$work/grub-early.cfg" <<EOF
search --no-floppy --fs-uuid --set=root $system_uuid
set prefix=(\$root)/boot/grub
EOF

if [ -n "$reuse_root" ]; then
  root=$(realpath "$reuse_root")
  system_uuid=$(sed -n 's|^UUID=\([^ ]*\) *\/ .*|\1|p' "$root/etc/fstab")
  state_uuid=$(sed -n 's|^UUID=\([^ ]*\) *\/var/lib/admit-kiosk .*|\1|p' "$root/etc/fstab")
  if [ -z "$system_uuid" ] || [ -z "$state_uuid" ]; then die "$root/etc/fstab names no system and state UUIDs"; fi
  step "root file system: reused $root"
else
step "root file system (mmdebstrap bookworm, $work/root)"
mmdebstrap --mode=root --variant=required --format=directory \
  --aptopt='APT::Install-Recommends "false"' \
  --include="$include" \
  --essential-hook='echo "do_symlinks = yes" >"$1/etc/kernel-img.conf"' \
  --customize-hook='rm -f "$1/etc/resolv.conf" && cp /etc/resolv.conf "$1/etc/resolv.conf"' \
  --customize-hook='mkdir -p "$1/tmp/admit-debs"' \
  --customize-hook="copy-in ${debs[*]} /tmp/admit-debs" \
  --customize-hook='chroot "$1" sh -c "cd /tmp/admit-debs && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ./admit*.deb" && rm -rf "$1/tmp/admit-debs"' \
  --customize-hook="sync-in $here/rootfs /" \
  --customize-hook="copy-in $work/fstab $work/grub-early.cfg /etc" \
  --customize-hook="$here/configure-root.sh \"\$1\" $work/grub.cfg ${authorized_keys:-none}" \
  bookworm "$root" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $security_mirror bookworm-security main"
fi

step "check of the root"
"$here/check-root.sh" "$root"

step "disk image ($out)"
# Partitions in MiB: 1 MiB of GPT and gap, 1 MiB BIOS boot, system, state, 1 MiB for the
# backup GPT.
total_mib=$(( 2 + system_mib + state_mib + 1 ))
rm -f "$out"
truncate -s "${total_mib}M" "$out"
sfdisk --quiet "$out" <<EOF
label: gpt
start=1MiB, size=1MiB, type=21686148-6449-6E6F-744E-656564454649, name=bios-boot
start=2MiB, size=${system_mib}MiB, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name=admit-system
size=${state_mib}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=admit-state
EOF
# The same layout in 512-byte sectors.
boot_start=2048
system_start=4096
state_start=$(( system_start + system_mib * 2048 ))

# The file systems, written at their offsets in the image. GRUB 2.06 reads ext4 with
# bookworm's default features (no orphan_file, no metadata_csum_seed).
mke2fs -q -F -t ext4 -L admit-system -U "$system_uuid" -E "offset=$(( system_start * 512 ))" \
  -d "$root" "$out" "$(( system_mib * 1024 ))k"
# The state partition starts empty; systemd gives it to admit-kiosk (StateDirectory=).
mke2fs -q -F -t ext4 -L admit-state -U "$state_uuid" -E "offset=$(( state_start * 512 )),root_owner=0:0" \
  -m 0 "$out" "$(( state_mib * 1024 ))k"

# GRUB for BIOS, as grub-bios-setup would do it on a GPT disk: core.img in the BIOS boot
# partition; boot.img (the first 440 bytes, the protective MBR's table kept) told where it is.
"$here/install-grub-bios.sh" "$out" "$root/boot/grub/i386-pc/boot.img" "$root/boot/grub/i386-pc/core.img" "$boot_start"

if command -v bmaptool >/dev/null; then
  bmaptool create -o "$out.bmap" "$out"
fi
step "done: $out ($(du -h --apparent-size "$out" | cut -f1) apparent, $(du -h "$out" | cut -f1) written)"
echo "system $system_uuid, state $state_uuid; built in $(( $(date +%s) - started )) s"
