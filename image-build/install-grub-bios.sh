#!/usr/bin/env bash
# Writes GRUB's BIOS boot code to a disk image without loop devices, as grub-bios-setup does
# on a GPT disk: core.img (grub-mkimage --format=i386-pc, diskboot.img first) into the BIOS
# boot partition, and boot.img's code (its first 440 bytes: the protective MBR's disk
# signature and partition table stay) into the first sector, told where core.img starts.
#
#   install-grub-bios.sh IMAGE BOOT_IMG CORE_IMG BIOS_BOOT_START_SECTOR
#
# Offsets from GRUB 2.06's include/grub/i386/pc/boot.h: the LBA of core.img's first sector is
# a 64-bit little-endian number at 0x5c of boot.img, the boot drive (0xff: the one the BIOS
# booted from) at 0x64, and the drive check at 0x66 (two NOPs for a hard disk). The blocklist
# at the end of core.img's first sector (start: 64 bits, length: 16 bits, segment: 16 bits)
# names the rest of core.img, loaded at segment 0x820.
set -euo pipefail
image=${1:?usage: install-grub-bios.sh IMAGE BOOT_IMG CORE_IMG START_SECTOR}
boot_img=${2:?boot.img missing}
core_img=${3:?core.img missing}
start=${4:?start sector missing}
die() { echo "install-grub-bios: $*" >&2; exit 1; }
[ "$(stat -c %s "$boot_img")" -eq 512 ] || die "$boot_img is not 512 bytes"
core_size=$(stat -c %s "$core_img")
sectors=$(( (core_size + 511) / 512 ))
[ "$sectors" -le 2048 ] || die "core.img ($core_size bytes) does not fit the 1 MiB BIOS boot partition"

# Little-endian bytes of a number, as printf escapes.
le() {
  local value=$1 bytes=$2 out="" i
  for (( i = 0; i < bytes; i++ )); do
    out+=$(printf '\\x%02x' $(( (value >> (8 * i)) & 0xff )))
  done
  printf '%s' "$out"
}
patch() {  # patch FILE OFFSET BYTES(escaped)
  # shellcheck disable=SC2059  # the bytes are printf escapes made by le()
  printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

work=$(mktemp -d /tmp/admit-grub.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$boot_img" "$work/boot.img"
cp "$core_img" "$work/core.img"
truncate -s $(( sectors * 512 )) "$work/core.img"

patch "$work/boot.img" $(( 0x5c )) "$(le "$start" 8)"
patch "$work/boot.img" $(( 0x64 )) '\xff'
patch "$work/boot.img" $(( 0x66 )) '\x90\x90'
# The blocklist's last entry (12 bytes at the end of the first sector): the remaining
# sectors, contiguous after the first; the entry before it ends the list.
patch "$work/core.img" $(( 512 - 24 )) "$(le 0 12)"
patch "$work/core.img" $(( 512 - 12 )) "$(le $(( start + 1 )) 8)$(le $(( sectors - 1 )) 2)$(le $(( 0x820 )) 2)"

dd if="$work/core.img" of="$image" bs=512 seek="$start" conv=notrunc status=none
dd if="$work/boot.img" of="$image" bs=440 count=1 conv=notrunc status=none
echo "install-grub-bios: core.img ($sectors sectors) at sector $start"
