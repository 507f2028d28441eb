# Shared by boot.sh, run.sh and systemd_units.sh (sourced, not run): one throwaway Debian 12
# machine per "instance", booted by qemu/KVM from a copy-on-write overlay of the pristine image
# that make_image.sh builds, reachable over ssh on 127.0.0.1 only.
# An instance lives in $vm_cache/instances/NAME/: overlay.qcow2, console.log (the serial
# console: kernel, systemd and getty), qemu.log, qemu.pid, ports. Stopping it deletes the folder.
# Settings (environment):
#   HARBOUR_VM_CACHE         the image cache (default /var/tmp/harbour-vm)
#   HARBOUR_VM_MEMORY        MiB of memory (2048); HARBOUR_VM_CPUS (2);
#   HARBOUR_VM_ACCEL         kvm, tcg or auto (default: kvm where the CPU shows vmx/svm, see vm_accel)
#   HARBOUR_VM_CPU           qemu's -cpu (host,-arch-capabilities with KVM, max with TCG)
#   HARBOUR_VM_SSH_PORT, HARBOUR_VM_HTTPS_PORT, HARBOUR_VM_HTTP_PORT
#                            host ports (127.0.0.1) forwarded to the machine's 22, 443 and 80;
#                            free ones are picked when unset
#   HARBOUR_VM_BOOT_TIMEOUT  seconds to wait for ssh after qemu starts (300)
# shellcheck shell=bash disable=SC2034,SC2086

vm_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vm_cache="${HARBOUR_VM_CACHE:-/var/tmp/harbour-vm}"

vm_die() { echo "vm: error: $*" >&2; exit 2; }

vm_check_host() {
  [ "$(id -u)" = 0 ] || vm_die "run as root"
  command -v qemu-system-x86_64 >/dev/null || vm_die "qemu-system-x86_64 is missing (apt-get install qemu-system-x86)"
  command -v qemu-img >/dev/null || vm_die "qemu-img is missing (apt-get install qemu-utils)"
}

# Builds the pristine image the first time, reuses it afterwards.
vm_ensure_image() { bash "$vm_here/make_image.sh" "$vm_cache"; }

# qemu's accelerator and CPU. KVM needs hardware virtualisation visible to this kernel (vmx or
# svm in /proc/cpuinfo). Where /dev/kvm exists without it (this workplace's machines are
# themselves guests whose /dev/kvm is PVM, "pagetable-based virtual machine", which boots only
# kernels built as PVM guests, not Debian's: qemu with KVM hangs after "Probing EDD"), software
# emulation (TCG, one host thread per guest CPU) boots the stock kernel, a few times slower.
#   HARBOUR_VM_ACCEL=kvm|tcg overrides; HARBOUR_VM_CPU sets -cpu.
vm_accel() {
  local accel="${HARBOUR_VM_ACCEL:-auto}"
  if [ "$accel" = auto ]; then
    if [ -r /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; else accel=tcg; fi
  fi
  case "$accel" in
    # -arch-capabilities: under nested KVM qemu may abort setting that MSR ("failed to set MSR
    # 0x10a"); the guest then assumes every speculation bug, which costs only a little speed.
    kvm) echo "-enable-kvm -cpu ${HARBOUR_VM_CPU:-host,-arch-capabilities}" ;;
    tcg) echo "-accel tcg,thread=multi -cpu ${HARBOUR_VM_CPU:-max}" ;;
    *) vm_die "HARBOUR_VM_ACCEL must be kvm, tcg or auto" ;;
  esac
}

vm_dir() { echo "$vm_cache/instances/${1:?instance name}"; }

vm_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Reads the instance's ports into vm_ssh_port, vm_https_port, vm_http_port.
vm_load() {
  local dir
  dir="$(vm_dir "$1")"
  [ -f "$dir/ports" ] || vm_die "no running instance '$1' (start one with: bash tests/deploy/vm/boot.sh start)"
  # shellcheck disable=SC1091
  . "$dir/ports"
}

vm_ssh_opts() {
  echo "-i $vm_cache/id_ed25519 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null" \
       "-o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=5 -o ServerAliveInterval=10 -o ServerAliveCountMax=6"
}

# vm_ssh NAME [ssh args...] [command...]: as root in the machine.
vm_ssh() {
  local name="$1"; shift
  vm_load "$name"
  # shellcheck disable=SC2046
  ssh $(vm_ssh_opts) -p "$vm_ssh_port" root@127.0.0.1 "$@"
}

# vm_scp NAME DEST FILE...: copies files or folders (recursively) into the machine's DEST folder.
vm_scp() {
  local name="$1" dest="$2"; shift 2
  vm_load "$name"
  # shellcheck disable=SC2046
  scp -q -r $(vm_ssh_opts) -P "$vm_ssh_port" "$@" "root@127.0.0.1:$dest"
}

vm_alive() {
  local dir pid
  dir="$(vm_dir "$1")"
  pid="$(cat "$dir/qemu.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# vm_start NAME LIFETIME_SECONDS: a fresh overlay, qemu in the background, then waits for ssh.
# qemu runs under `timeout -s KILL LIFETIME`, so a machine whose starter died (even by SIGKILL,
# where no trap runs) still stops by itself.
vm_start() {
  local name="$1" lifetime="$2" dir t0 waited boot_timeout
  dir="$(vm_dir "$name")"
  if [ -d "$dir" ]; then
    if vm_alive "$name"; then vm_die "instance '$name' is already running (bash tests/deploy/vm/boot.sh stop)"; fi
    rm -rf "$dir"  # left by a machine that was killed
  fi
  mkdir -p "$dir"
  qemu-img create -q -f qcow2 -b "$vm_cache/pristine.qcow2" -F qcow2 "$dir/overlay.qcow2"
  vm_ssh_port="${HARBOUR_VM_SSH_PORT:-$(vm_free_port)}"
  vm_https_port="${HARBOUR_VM_HTTPS_PORT:-$(vm_free_port)}"
  vm_http_port="${HARBOUR_VM_HTTP_PORT:-$(vm_free_port)}"
  printf 'vm_ssh_port=%s\nvm_https_port=%s\nvm_http_port=%s\n' "$vm_ssh_port" "$vm_https_port" "$vm_http_port" >"$dir/ports"
  t0=$(date +%s.%N)
  # A reboot inside (`systemctl reboot`) boots the same overlay again, as on real hardware; a
  # kernel panic reboots after 5 s (panic=5) and the boot wait or the lifetime bounds a loop.
  # virtio-rng: entropy early in boot (sshd, the server's self-signed key).
  local accel
  accel="$(vm_accel)"
  setsid timeout -s KILL "$lifetime" qemu-system-x86_64 \
    -name "harbour-vm-$name" $accel \
    -m "${HARBOUR_VM_MEMORY:-2048}" -smp "${HARBOUR_VM_CPUS:-2}" \
    -kernel "$vm_cache/vmlinuz" -initrd "$vm_cache/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 panic=5" \
    -drive "file=$dir/overlay.qcow2,if=virtio,format=qcow2,discard=unmap" \
    -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$vm_ssh_port-:22,hostfwd=tcp:127.0.0.1:$vm_https_port-:443,hostfwd=tcp:127.0.0.1:$vm_http_port-:80" \
    -device virtio-net-pci,netdev=net0 -device virtio-rng-pci \
    -display none -monitor none -serial "file:$dir/console.log" \
    -pidfile "$dir/qemu.pid" \
    </dev/null >"$dir/qemu.log" 2>&1 &
  echo $! >"$dir/timeout.pid"
  boot_timeout="${HARBOUR_VM_BOOT_TIMEOUT:-300}"
  while :; do
    waited=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    if vm_ssh "$name" true </dev/null 2>/dev/null; then break; fi
    if ! kill -0 "$(cat "$dir/timeout.pid")" 2>/dev/null; then
      echo "vm: qemu exited during boot; qemu.log and the console's last lines:" >&2
      cat "$dir/qemu.log" >&2; tail -n 40 "$dir/console.log" >&2 2>/dev/null
      return 1
    fi
    if awk -v w="$waited" -v t="$boot_timeout" 'BEGIN{exit !(w > t)}'; then
      echo "vm: no ssh after ${boot_timeout} s; the console's last lines:" >&2
      tail -n 40 "$dir/console.log" >&2 2>/dev/null
      return 1
    fi
    sleep 1
  done
  vm_boot_seconds="$waited"
  echo "vm: '$name' up ($accel), ssh after ${waited} s: ssh 127.0.0.1:$vm_ssh_port, https://127.0.0.1:$vm_https_port/ (machine's 443), http://127.0.0.1:$vm_http_port/ (80)"
}

# vm_stop NAME: a clean power-off (30 s at most), then qemu is killed if still there; the
# overlay and everything else of the instance are deleted. Safe to call twice.
vm_stop() {
  local name="$1" dir pid tpid
  dir="$(vm_dir "$name")"
  [ -d "$dir" ] || return 0
  pid="$(cat "$dir/qemu.pid" 2>/dev/null || true)"
  tpid="$(cat "$dir/timeout.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    vm_ssh "$name" -o ConnectTimeout=3 'systemctl poweroff' </dev/null >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "vm: '$name' did not power off within 30 s; killing qemu ($pid)" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # The `timeout` wrapper ends with qemu; wait briefly so the overlay is closed before deletion.
  for _ in $(seq 1 20); do
    if [ -z "$tpid" ] || ! kill -0 "$tpid" 2>/dev/null; then break; fi
    sleep 0.25
  done
  rm -rf "$dir"
}
