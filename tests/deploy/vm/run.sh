#!/usr/bin/env bash
# Runs one script as root in a fresh Debian 12 machine with a real systemd, then throws the
# machine away: boot a copy-on-write overlay of the pristine image (make_image.sh builds it the
# first time), wait for ssh, copy FILES (files or folders) into /root/, copy SCRIPT in and run it
# there with `bash`, its output streamed here, then power off and delete the overlay, whatever
# happened (trap). The exit status is the script's (or 2 if the machine did not come up).
#   bash tests/deploy/vm/run.sh SCRIPT [FILES...]
# The script runs in /root with the files beside it, and sees HARBOUR_VM_HTTPS_PORT /
# HARBOUR_VM_HTTP_PORT unset (it is inside); this host reaches the machine's 443 at the port printed.
#   HARBOUR_VM_RUN_TIMEOUT  seconds the script may take (default 1800); the machine lives 300 s more
set -euo pipefail
# shellcheck source=vm_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm_lib.sh"
script="${1:?usage: run.sh SCRIPT [FILES...]}"
shift
[ -f "$script" ] || vm_die "no script $script"
for f in "$@"; do [ -e "$f" ] || vm_die "no file $f"; done
run_timeout="${HARBOUR_VM_RUN_TIMEOUT:-1800}"
name="run-$$"
vm_check_host
vm_ensure_image
child=""
# (No "A && kill" here: under set -e a failing last command of an && list ends the trap early,
# and the machine was left running.)
stop_all() {
  if [ -n "$child" ]; then kill "$child" 2>/dev/null || true; fi
  vm_stop "$name"
}
trap stop_all EXIT
trap 'exit 130' INT TERM
vm_start "$name" $((run_timeout + 300 + ${HARBOUR_VM_BOOT_TIMEOUT:-300})) || exit 2
if [ $# -gt 0 ]; then vm_scp "$name" /root/ "$@"; fi
vm_scp "$name" /root/ "$script"
set +e
# In the background with `wait`: a signal to this script is handled at once (the trap stops the
# machine), not after the script inside finishes.
# shellcheck disable=SC2046
timeout -s KILL "$run_timeout" ssh $(vm_ssh_opts) -p "$vm_ssh_port" root@127.0.0.1 \
  "cd /root && bash /root/$(basename "$script")" </dev/null &
child=$!
wait "$child"
rc=$?
set -e
[ "$rc" -eq 137 ] && echo "vm: the script did not finish within $run_timeout s" >&2
echo "vm: script exited $rc; powering off"
exit "$rc"
