#!/usr/bin/env bash
# A pristine Debian 12 (bookworm) machine image with a real systemd as PID 1, for the checks that a
# container cannot do (tests/deploy/vm/README.md). Needs root, debootstrap, e2fsprogs >= 1.43
# (mkfs.ext4 -d) and qemu-utils; no loop device or mount is used, so it also works in a container.
#   bash tests/deploy/vm/make_image.sh [CACHE_DIR]          (default /var/tmp/harbour-vm)
#   HARBOUR_VM_REBUILD=1 bash tests/deploy/vm/make_image.sh  throws the cached image away first
# Makes, in CACHE_DIR (never inside the repository: it is about 1 GiB):
#   pristine.qcow2   ext4 on the whole disk (root=/dev/vda, no partition table), 8 GiB virtual;
#                    never booted itself: boot.sh and run.sh boot copy-on-write overlays of it
#   vmlinuz, initrd.img  the image's own kernel and initramfs (qemu -kernel/-initrd: no boot loader)
#   id_ed25519(.pub) the key root logs in with over ssh (the only way in besides the serial console)
# Cached: when all of these exist the script says so and does nothing. Building takes a few
# minutes, most of it downloading from the Debian mirror this machine's apt uses.
set -euo pipefail
cache="${1:-${HARBOUR_VM_CACHE:-/var/tmp/harbour-vm}}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
case "$(realpath -m "$cache")/" in
  "$repo"/*) echo "error: the cache $cache is inside the repository; use a folder outside it" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "error: run as root (debootstrap, file ownership in the image)" >&2; exit 2; }
for tool in debootstrap mkfs.ext4 qemu-img ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install debootstrap e2fsprogs qemu-utils openssh-client)" >&2; exit 2; }
done

mkdir -p "$cache"
exec 9>"$cache/.make_image.lock"
flock 9  # two builders at once would share one staging folder

outputs=(pristine.qcow2 vmlinuz initrd.img id_ed25519 id_ed25519.pub)
if [ "${HARBOUR_VM_REBUILD:-0}" = 1 ]; then
  for f in "${outputs[@]}"; do rm -f "$cache/$f"; done
fi
all_there=1
for f in "${outputs[@]}"; do [ -s "$cache/$f" ] || all_there=0; done
if [ "$all_there" = 1 ]; then
  echo "make_image: reusing $cache/pristine.qcow2 (built $(date -u -r "$cache/pristine.qcow2" +%Y-%m-%dT%H:%MZ); HARBOUR_VM_REBUILD=1 to rebuild)"
  exit 0
fi

started=$(date +%s)
# The mirror this machine's apt already reaches (deb822 "URIs:" or one-line "deb URL bookworm").
mirror="$(grep -rhsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
  grep -oE 'https?://[^ ]+/debian/?' | grep -v -- '-security' | head -n 1 || true)"
mirror="${mirror%/}"
mirror="${mirror:-http://deb.debian.org/debian}"
security="${mirror%/debian}/debian-security"
echo "make_image: debootstrap bookworm from $mirror into $cache (a few minutes)"

stage="$cache/stage"
root="$stage/root"
rm -rf "$stage"
mkdir -p "$root"
# minbase + what a booted, reachable machine needs. udev and dbus: device names and systemctl's
# friends (hostnamectl, timedatectl); kmod: the initramfs loads virtio modules; initramfs-tools
# comes with the kernel. ca-certificates, curl, sqlite3, iproute2, procps, less, nano: for the
# checks and for an operator following the guide by hand.
packages=systemd-sysv,udev,dbus,kmod,linux-image-amd64,initramfs-tools,openssh-server,ca-certificates,curl,sqlite3,iproute2,procps,less,nano,netbase
debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$stage/debootstrap.log" 2>&1 || {
  echo "error: debootstrap failed; the end of $stage/debootstrap.log:" >&2
  tail -n 30 "$stage/debootstrap.log" >&2
  exit 1
}
debootstrap_done=$(date +%s)
echo "make_image: debootstrap took $((debootstrap_done - started)) s"

# ---- configuration -----------------------------------------------------------------------------
echo harbour-vm >"$root/etc/hostname"
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1 localhost
127.0.1.1 harbour-vm
::1 localhost ip6-localhost ip6-loopback
EOF
# The whole disk is the root file system (qemu's -append root=/dev/vda).
cat >"$root/etc/fstab" <<'EOF'
/dev/vda  /  ext4  rw,errors=remount-ro  0  1
EOF
# DHCP on the virtio NIC from qemu's user-mode network (10.0.2.15, gateway 10.0.2.2).
mkdir -p "$root/etc/systemd/network"
cat >"$root/etc/systemd/network/20-wired.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=yes
EOF
# No systemd-resolved on bookworm's base: qemu's user-mode network answers DNS at 10.0.2.3.
rm -f "$root/etc/resolv.conf"
echo "nameserver 10.0.2.3" >"$root/etc/resolv.conf"
# apt inside the machine: the same mirror, with updates and security.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
# A fixed machine id: an empty one would make this a "first boot", where systemd-firstboot may
# prompt on the console. Every overlay booting the same id is harmless for a throwaway machine.
rm -f "$root/etc/machine-id" "$root/var/lib/dbus/machine-id"
chroot "$root" systemd-machine-id-setup >/dev/null
# The persistent journal, so `journalctl -b -1` works after a reboot inside one overlay.
mkdir -p "$root/var/log/journal"
chroot "$root" systemctl enable systemd-networkd.service ssh.service >/dev/null 2>&1
# Root: the key below over ssh; no password on the serial console (the machine listens on
# 127.0.0.1 only, and sshd never accepts an empty password).
ssh-keygen -q -t ed25519 -N '' -C harbour-vm -f "$stage/id_ed25519"
install -d -m 0700 "$root/root/.ssh"
install -m 0600 "$stage/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
chroot "$root" passwd -d root >/dev/null
# Faster ssh logins: no reverse DNS of the host through the slow user-mode resolver.
echo "UseDNS no" >"$root/etc/ssh/sshd_config.d/harbour-vm.conf"
chroot "$root" apt-get clean

kernel="$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n 1)"
initrd="$(ls "$root"/boot/initrd.img-* | sort -V | tail -n 1)"
[ -s "$kernel" ] && [ -s "$initrd" ] || { echo "error: no kernel or initramfs in $root/boot" >&2; exit 1; }
cp "$kernel" "$stage/vmlinuz"
cp "$initrd" "$stage/initrd.img"

# ---- the disk --------------------------------------------------------------------------------
# mkfs.ext4 -d copies the tree with its owners, modes and extended attributes (file capabilities)
# into the new file system: no loop device or mount needed.
truncate -s 8G "$stage/disk.raw"
mkfs.ext4 -q -L harbour-root -d "$root" "$stage/disk.raw"
qemu-img convert -O qcow2 "$stage/disk.raw" "$stage/pristine.qcow2"
rm -f "$stage/disk.raw"
# Read-only: the pristine image is only ever a backing file.
chmod 0444 "$stage/pristine.qcow2"
for f in "${outputs[@]}"; do mv -f "$stage/$f" "$cache/$f"; done
rm -rf "$stage"
ended=$(date +%s)
echo "make_image: built $cache/pristine.qcow2 ($(du -h "$cache/pristine.qcow2" | cut -f1) on disk; kernel $(basename "$kernel" | sed 's/^vmlinuz-//')) in $((ended - started)) s"
