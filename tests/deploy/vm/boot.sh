#!/usr/bin/env bash
# A throwaway Debian 12 machine with a real systemd, kept running for work by hand (following the
# operations guide step by step as a new operator would). Each `start` boots a fresh copy-on-write
# overlay of the pristine image (make_image.sh builds it the first time): a clean machine.
#   bash tests/deploy/vm/boot.sh start [--lifetime SECONDS]   boot, wait for ssh, print the ports
#   bash tests/deploy/vm/boot.sh ssh [COMMAND...]             a root shell, or one command
#   bash tests/deploy/vm/boot.sh scp DEST FILE...             copy files/folders into DEST in it
#   bash tests/deploy/vm/boot.sh ports                        the forwarded ports (127.0.0.1)
#   bash tests/deploy/vm/boot.sh console                      the serial console log so far
#   bash tests/deploy/vm/boot.sh stop                         power off, delete the overlay
#   bash tests/deploy/vm/boot.sh status                       running or not
# HARBOUR_VM_NAME (default "main") names the instance, so several can run at once. A started
# machine stops by itself after --lifetime seconds (default 4 hours) even if nobody runs `stop`.
# Port 443 of the machine is at https://127.0.0.1:$vm_https_port/ on this host (see `ports`).
set -euo pipefail
# shellcheck source=vm_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm_lib.sh"
name="${HARBOUR_VM_NAME:-main}"
cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  start)
    lifetime=14400
    if [ "${1:-}" = --lifetime ]; then lifetime="${2:?--lifetime SECONDS}"; shift 2; fi
    vm_check_host
    vm_ensure_image
    vm_start "$name" "$lifetime" || { vm_stop "$name"; exit 1; }
    echo "vm: stops by itself in $lifetime s; now: bash $0 ssh   (and: bash $0 stop)"
    ;;
  ssh)
    if [ $# -eq 0 ]; then vm_ssh "$name" -t; else vm_ssh "$name" "$@"; fi
    ;;
  scp)
    [ $# -ge 2 ] || vm_die "usage: boot.sh scp DEST FILE..."
    vm_scp "$name" "$@"
    ;;
  ports)
    vm_load "$name"
    echo "ssh   127.0.0.1:$vm_ssh_port -> 22 (key $vm_cache/id_ed25519, user root)"
    echo "https https://127.0.0.1:$vm_https_port/ -> 443"
    echo "http  http://127.0.0.1:$vm_http_port/ -> 80"
    ;;
  console)
    cat "$(vm_dir "$name")/console.log"
    ;;
  status)
    if vm_alive "$name"; then echo "running"; vm_load "$name"; echo "ssh port $vm_ssh_port, https port $vm_https_port"; else echo "not running"; exit 3; fi
    ;;
  stop)
    vm_stop "$name"
    echo "vm: '$name' stopped, overlay deleted"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
