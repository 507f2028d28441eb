#!/usr/bin/env bash
# Harbour's systemd units (deploy/systemd) under a REAL systemd: a fresh Debian 12 machine (qemu,
# a copy-on-write overlay of make_image.sh's pristine image), the files installed the way
# deploy/systemd/README.md says (no Debian package), then checked from inside and outside:
#   start, the journal's listening line and first-admin invitation, the self-signed certificate
#   written inside the sandbox, healthz over HTTPS from inside and from this host through the
#   forwarded port, the port-80 redirect, the process's user, capabilities (only
#   CAP_NET_BIND_SERVICE), no_new_privs, seccomp, its listening sockets and file modes, the first
#   administrator's sign-up and sign-in (argon2 threads at nice 10), /metrics when configured;
#   reload (tls_reloaded, same pid), kill -9 and the restart, stop within the grace (also with a
#   connection open), 8 restarts in a row, the certbot hook and a certificate read from
#   /etc/harbour/tls, a missing certificate (reason logged, back by itself once it is there), a
#   backup before the first start (skipped), the backup unit (a checked file in
#   /var/backups/harbour), the timer, restore as the guide says, `systemd-analyze security`
#   figures; then a reboot: the server and timer come back by themselves, and no error line from
#   the server or systemd about the units over the whole run.
# Each check prints PASS/FAIL; exit 0 only if all passed. Needs root, qemu-system-x86, qemu-utils
# and debootstrap (KVM when the CPU has it, else software emulation), and the built binary and
# web/dist (or the .deb).
# Manual or nightly (not in CI: a CI machine may not run guests). Bounded: the whole run stops
# after HARBOUR_VM_UNITS_TIMEOUT seconds (default 1500), and the machine always stops.
#   bash tests/deploy/vm/systemd_units.sh [path/to/harbour]     (default build/ci/harbour)
#   bash tests/deploy/vm/systemd_units.sh --deb path/to/harbour_VERSION_amd64.deb
#       the Debian package instead of the files by hand (deploy/package.sh makes it): apt-get
#       install, the postinst's state, enable --now as it says, the same checks, then the upgrade
#       path (the same .deb again), and at the end apt-get remove and purge
#   HARBOUR_VM_KEEP=1 ...   leaves the machine running afterwards, as boot.sh's instance
#                           (HARBOUR_VM_NAME, default "main"), for a look inside: boot.sh ssh / stop
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
# shellcheck source=vm_lib.sh
. "$here/vm_lib.sh"
deb=""
if [ "${1:-}" = --deb ]; then deb="$(realpath "${2:?--deb FILE}")"; shift 2; [ -f "$deb" ] || vm_die "no package $deb"; fi
harbour="$(realpath "${1:-$repo/build/ci/harbour}")"
web="$repo/web/dist"
if [ -z "$deb" ]; then
  [ -x "$harbour" ] || vm_die "no binary $harbour (build it, or pass its path)"
  [ -f "$web/index.html" ] || vm_die "no web client in $web (cd web && npm run build)"
fi
budget="${HARBOUR_VM_UNITS_TIMEOUT:-1500}"
deadline=$(($(date +%s) + budget))
left() { local l=$((deadline - $(date +%s))); [ "$l" -gt 0 ] && echo "$l" || echo 1; }
started=$(date +%s)

vm_check_host
t0=$(date +%s)
vm_ensure_image
image_s=$(($(date +%s) - t0))

# The kit: what the README's install steps need, plus the runtime libraries' Debian package
# names (the binary is linked against this host's Debian 12 libraries).
kit="$(mktemp -d -t harbour-vm-kit.XXXXXX)"
name="units-$$"
[ "${HARBOUR_VM_KEEP:-0}" = 1 ] && name="${HARBOUR_VM_NAME:-main}"
results="$kit/results.txt"
cleanup() {
  if [ -n "${child:-}" ]; then kill "$child" 2>/dev/null || true; fi
  if [ "${HARBOUR_VM_KEEP:-0}" = 1 ] && vm_alive "$name"; then
    echo "vm: '$name' kept running (HARBOUR_VM_KEEP=1): HARBOUR_VM_NAME=$name bash $here/boot.sh ssh | ports | stop"
  else
    vm_stop "$name"
  fi
  rm -rf "$kit"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$kit/harbour-kit"
cp -r "$repo/deploy/systemd" "$kit/harbour-kit/systemd"
cp "$repo/deploy/harbour.example.toml" "$kit/harbour-kit/"
cp "$here/units_in_vm.sh" "$kit/harbour-kit/"
if [ -n "$deb" ]; then
  cp "$deb" "$kit/harbour-kit/harbour.deb"
else
  cp "$harbour" "$kit/harbour-kit/harbour"
  cp -r "$web" "$kit/harbour-kit/web"
  ldd "$harbour" | awk '/=> \//{print $3}' | while read -r lib; do
    dpkg -S "$(realpath "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || echo "unknown:$lib"
  done | cut -d: -f1 | grep -vxE 'libc6|libgcc-s1|libstdc\+\+6' | sort -u >"$kit/harbour-kit/runtime-packages"
  if grep -q '^unknown' "$kit/harbour-kit/runtime-packages"; then
    vm_die "libraries of $harbour that no Debian package holds: $(grep '^unknown' "$kit/harbour-kit/runtime-packages" | paste -sd ' ')"
  fi
fi
tar -C "$kit" -czf "$kit/harbour-kit.tar.gz" harbour-kit

t0=$(date +%s)
lifetime=$((budget + 60))
[ "${HARBOUR_VM_KEEP:-0}" = 1 ] && lifetime=14400
vm_start "$name" "$lifetime" || { echo "FAIL machine: did not come up"; exit 1; }
boot_s="$vm_boot_seconds"
vm_scp "$name" /root/ "$kit/harbour-kit.tar.gz"
vm_ssh "$name" 'tar -C /root -xzf /root/harbour-kit.tar.gz'

# in_vm PHASE: runs units_in_vm.sh PHASE inside, streaming its lines here and into the results.
# In the background with `wait`, so that a signal here is handled at once (the trap stops the machine).
child=""
in_vm() {
  # shellcheck disable=SC2046
  ( timeout -s KILL "$(left)" ssh $(vm_ssh_opts) -p "$vm_ssh_port" root@127.0.0.1 \
      "bash /root/harbour-kit/units_in_vm.sh $1" </dev/null 2>&1 | tee -a "$results" ) &
  child=$!
  wait "$child" || true
  child=""
}
host_check() {  # name, then a command whose output is the detail; PASS if it succeeds
  local check="$1" out; shift
  if out="$("$@" 2>&1)"; then echo "PASS $check: $out"; else echo "FAIL $check: $out"; fi | tee -a "$results"
}
healthz_from_host() {
  local code
  code="$(curl -ks -o /dev/null -w '%{http_code}' --max-time 10 "https://127.0.0.1:$vm_https_port/healthz")"
  echo "https://127.0.0.1:$vm_https_port/healthz -> HTTP $code (the machine's 443 through qemu's forward)"
  [ "$code" = 200 ]
}
redirect_from_host() {
  local got
  got="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 10 "http://127.0.0.1:$vm_http_port/")"
  echo "http://127.0.0.1:$vm_http_port/ -> $got"
  case "$got" in 30[178]\ https://*) return 0 ;; *) return 1 ;; esac
}

echo "== install and start (inside the machine)"
in_vm install
echo "== from this host"
host_check "host: healthz through the forwarded port" healthz_from_host
host_check "host: port 80 redirect through the forwarded port" redirect_from_host
echo "== operate (inside the machine)"
in_vm operate
echo "== reboot"
vm_ssh "$name" 'systemctl reboot' </dev/null >/dev/null 2>&1 || true
sleep 3
reboot_t0=$(date +%s.%N)
reboot_ok=0
while [ "$(date +%s)" -lt "$deadline" ] && [ $(($(date +%s) - ${reboot_t0%.*})) -lt 300 ]; do
  if vm_ssh "$name" -o ConnectTimeout=3 true </dev/null >/dev/null 2>&1; then reboot_ok=1; break; fi
  sleep 1
done
if [ "$reboot_ok" = 1 ]; then
  echo "PASS reboot: ssh again after $(awk -v a="$reboot_t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a+3}') s" | tee -a "$results"
  in_vm reboot
  host_check "host: healthz after the reboot" healthz_from_host
  if [ -n "$deb" ]; then
    echo "== remove and purge the package"
    in_vm remove
  fi
else
  echo "FAIL reboot: no ssh within 300 s" | tee -a "$results"
fi

passed="$(grep -c '^PASS' "$results" || true)"
failed="$(grep -c '^FAIL' "$results" || true)"
echo "== systemd units under a real systemd ($([ -n "$deb" ] && echo "package $(basename "$deb")" || echo "installed by hand")): $passed passed, $failed failed"
echo "   image $image_s s (0 when cached), boot to ssh $boot_s s, total $(($(date +%s) - started)) s"
grep '^FAIL' "$results" || true
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
