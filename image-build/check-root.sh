#!/usr/bin/env bash
# The check of the appliance's root file system, run by build-image.sh before the root is
# packed into the image (and runnable by hand on any copy of it):
#
#   image-build/check-root.sh ROOT
#
# Fails, naming every problem, unless: the units are enabled (and tty1 has no login), the
# users are there, the setuid/setgid files are Debian's (setuid-allowed.txt), /etc/shadow
# holds no password hash nor an empty password, and the image holds no key material that
# every device written from it would share.
# shellcheck disable=SC2015  # ok() always succeeds, so "A && ok || fail" is an if-then-else
set -euo pipefail
root=${1:?usage: check-root.sh ROOT}
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$root/usr" ] || { echo "check-root: $root is not a root file system" >&2; exit 1; }
failures=0
fail() { echo "check-root: FAIL: $*" >&2; failures=$(( failures + 1 )); }
ok() { echo "check-root: ok: $*"; }

# Units.
for unit in admit-kiosk.service seatd.service systemd-networkd.service systemd-resolved.service \
            systemd-timesyncd.service ssh.service; do
  state=$(systemctl --root="$root" is-enabled "$unit" 2>/dev/null || true)
  [ "$state" = enabled ] && ok "$unit enabled" || fail "$unit is '$state', not enabled"
done
for unit in admit-server.service admit-server-backup.timer; do
  state=$(systemctl --root="$root" is-enabled "$unit" 2>/dev/null || true)
  case $state in
    disabled) ok "$unit installed, disabled" ;;
    '') ok "$unit not installed (an older admit-server package)" ;;
    *) fail "$unit is '$state', not disabled" ;;
  esac
done
state=$(systemctl --root="$root" is-enabled getty@tty1.service 2>/dev/null || true)
[ "$state" = masked ] && ok "getty@tty1 masked" || fail "getty@tty1 is '$state', not masked"
default=$(readlink "$root/etc/systemd/system/default.target" || true)
[ "${default##*/}" = graphical.target ] && ok "default target graphical" || fail "default target is '$default'"
grep -qx 'NAutoVTs=0' "$root/etc/systemd/logind.conf.d/admit.conf" && ok "no autovt logins" || fail "logind still spawns logins on VTs"
grep -qx 'Storage=persistent' "$root/etc/systemd/journald.conf.d/admit.conf" &&
  grep -q '^SystemMaxUse=' "$root/etc/systemd/journald.conf.d/admit.conf" && [ -d "$root/var/log/journal" ] &&
  ok "journal persistent, capped" || fail "journald not persistent with a size cap"
grep -q 'ConditionFileNotEmpty=/root/.ssh/authorized_keys' "$root/etc/systemd/system/ssh.service.d/admit.conf" &&
  ok "ssh runs only with an authorized key" || fail "ssh.service is not conditional on a key"
grep -Eq '^[^#]*[[:space:]]/var/lib/admit-kiosk[[:space:]]+ext4' "$root/etc/fstab" &&
  ok "state partition in fstab" || fail "/var/lib/admit-kiosk is not a mount in fstab"

# Users.
for user in admit-kiosk admit; do
  grep -q "^$user:" "$root/etc/passwd" && ok "user $user" || fail "user $user missing"
done
for group in video render input audio; do
  grep -Eq "^$group:[^:]*:[^:]*:(.*,)?admit-kiosk(,|$)" "$root/etc/group" &&
    ok "admit-kiosk in $group" || fail "admit-kiosk not in group $group"
done

# Passwords: every account locked ('*' or '!...'), none with a hash or an empty password.
while IFS=: read -r name password _; do
  case $password in
    '*'|'!'|'!*') ;;
    *) fail "/etc/shadow: $name has a password or an empty one" ;;
  esac
done <"$root/etc/shadow"
while IFS=: read -r name password _; do
  case $password in
    '*'|'!'|'!*'|'') ;;
    *) fail "/etc/gshadow: group $name has a password" ;;
  esac
done <"$root/etc/gshadow"
ok "no passwords in /etc/shadow and /etc/gshadow"
awk -F: '$2 != "x"' "$root/etc/passwd" | grep -q . && fail "/etc/passwd holds a password field"

# setuid/setgid files: exactly Debian's, as listed (path and mode).
found=$(cd "$root" && find . -xdev -type f -perm /6000 -printf '%m %p\n' | sed 's| \./| /|' | sort)
allowed=$(grep -v '^#' "$here/setuid-allowed.txt" | sort)
extra=$(comm -23 <(echo "$found") <(echo "$allowed"))
if [ -n "$extra" ]; then
  fail "setuid/setgid files not in image-build/setuid-allowed.txt:"
  echo "$extra" >&2
else
  ok "setuid/setgid files: $(echo "$found" | wc -l), all Debian's defaults"
fi

# Key material: nothing that must be unique per device.
for path in /etc/credstore.encrypted /etc/credstore /var/lib/systemd/credential.secret \
            /var/lib/systemd/random-seed /etc/ssl/private/ssl-cert-snakeoil.key; do
  [ -e "$root$path" ] && fail "$path is in the image"
done
shopt -s nullglob
host_keys=("$root"/etc/ssh/ssh_host_*)
shopt -u nullglob
[ "${#host_keys[@]}" -eq 0 ] || fail "SSH host keys in the image: ${host_keys[*]#"$root"}"
machine_id=$(cat "$root/etc/machine-id")
[ "$machine_id" = uninitialized ] || [ -z "$machine_id" ] || fail "/etc/machine-id is set ($machine_id): every device would share it"
keys=$(grep -rlI --exclude-dir=proc -e '-----BEGIN [A-Z ]*PRIVATE KEY' \
         "$root/etc" "$root/root" "$root/var" "$root/home" "$root/srv" "$root/opt" "$root/usr/local" "$root/boot" 2>/dev/null || true)
[ -z "$keys" ] || fail "private keys in the image: $(echo "$keys" | sed "s|^$root||" | tr '\n' ' ')"
[ -e "$root/var/lib/admit-kiosk/kiosk.replica" ] && fail "a replica is in the image"
ok "no key material checked: credentials, SSH host keys, machine id, random seed, private keys"

if [ "$failures" -gt 0 ]; then
  echo "check-root: $failures problem(s) in $root" >&2
  exit 1
fi
echo "check-root: all checks passed"
