#!/usr/bin/env bash
# Run by build-image.sh (an mmdebstrap customize hook) on the new root before it is packed:
# the units the appliance runs, GRUB's files, and nothing that must differ between devices.
#
#   configure-root.sh ROOT GRUB_CFG AUTHORIZED_KEYS|none
set -euo pipefail
root=${1:?usage: configure-root.sh ROOT GRUB_CFG AUTHORIZED_KEYS|none}
grub_cfg=${2:?grub.cfg missing}
authorized_keys=${3:?authorized keys file or none}
[ -d "$root/usr" ] || { echo "configure-root: $root is not a root file system" >&2; exit 1; }

in_root() { chroot "$root" "$@"; }

# Units: the network (DHCP on wired interfaces, DNS, time), the kiosk (enabled by its
# package), SSH only where a key was given (ssh.service.d/admit.conf checks for it).
in_root systemctl enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service
in_root systemctl enable ssh.service
in_root systemctl set-default graphical.target
# A kiosk is not the organiser's server: admit-server stays installed (docs/packaging.md) but
# off; a device meant to be the server enables it with its key and database (docs/sync.md).
for unit in admit-server.service admit-server-backup.timer; do
  if [ -e "$root/lib/systemd/system/$unit" ] || [ -e "$root/usr/lib/systemd/system/$unit" ]; then
    in_root systemctl disable "$unit"
  fi
done
# tty1 is the kiosk's: no getty there, not even while the kiosk restarts (logind's autovt
# is off too: rootfs/etc/systemd/logind.conf.d/admit.conf).
in_root systemctl disable getty@tty1.service
in_root systemctl mask getty@tty1.service autovt@tty1.service
# systemd-resolved's stub resolver for everything that reads /etc/resolv.conf.
ln -sf ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"

# Persistent journal (journald.conf.d/admit.conf caps it).
mkdir -p "$root/var/log/journal"

# SSH: an administrator's public keys, if given; never a password.
if [ "$authorized_keys" != none ]; then
  install -d -m 0700 "$root/root/.ssh"
  install -m 0600 "$authorized_keys" "$root/root/.ssh/authorized_keys"
fi

# What must be made on each device, not shared by every device written from this image:
# SSH host keys (ssh.service makes them on its first start), the machine id (systemd makes it
# on first boot), the random seed, systemd's credential host key and the kiosk's sealed
# replica key (admit-kiosk-key.service).
rm -f "$root"/etc/ssh/ssh_host_*
echo uninitialized >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
ln -s /etc/machine-id "$root/var/lib/dbus/machine-id"
rm -f "$root/var/lib/systemd/random-seed" "$root/var/lib/systemd/credential.secret"
rm -rf "$root/etc/credstore.encrypted" "$root/etc/credstore"
# Logs and caches of the build.
find "$root/var/log" -type f -name '*.log' -delete
rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

# The kiosk's state partition is mounted here (fstab); the directory is only a mount point.
install -d -m 0700 "$root/var/lib/admit-kiosk"

# GRUB: modules on the system partition, the configuration, and the two boot images that
# build-image.sh writes to the disk (grub-pc-bin's files; update-grub is not used).
install -d "$root/boot/grub/i386-pc"
cp "$root"/usr/lib/grub/i386-pc/*.mod "$root"/usr/lib/grub/i386-pc/*.lst "$root/boot/grub/i386-pc/"
cp "$root/usr/lib/grub/i386-pc/boot.img" "$root/boot/grub/i386-pc/"
install -m 0644 "$grub_cfg" "$root/boot/grub/grub.cfg"
in_root grub-mkimage --format=i386-pc --output=/boot/grub/i386-pc/core.img \
  --config=/etc/grub-early.cfg --prefix=/boot/grub \
  biosdisk part_gpt ext2 search search_fs_uuid configfile normal linux echo test gzio
rm "$root/etc/grub-early.cfg"

# The kernel links that grub.cfg boots (/etc/kernel-img.conf asks the kernel package for them).
for link in vmlinuz initrd.img; do
  [ -e "$root/$link" ] || { echo "configure-root: /$link is missing" >&2; exit 1; }
done
[ -e "$root/vmlinuz.old" ] || ln -s "$(readlink "$root/vmlinuz")" "$root/vmlinuz.old"
[ -e "$root/initrd.img.old" ] || ln -s "$(readlink "$root/initrd.img")" "$root/initrd.img.old"
echo "configure-root: done"
