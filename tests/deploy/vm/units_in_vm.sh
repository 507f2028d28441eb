#!/usr/bin/env bash
# The inside half of systemd_units.sh: runs as root IN the throwaway Debian 12 machine, under its
# real systemd, on the kit systemd_units.sh copies to /root/harbour-kit (the binary, the web
# client, deploy/systemd, the example configuration, the runtime library package names; or
# harbour.deb, and then the package is installed instead of the files by hand).
# One phase per call, so the host can check from outside between them:
#   install   the machine's state; runtime libraries; files where deploy/systemd/README.md puts
#             them; sysusers, tmpfiles; start harbour.service and check it (user, capabilities,
#             ports, files, journal)
#   operate   reload, kill -9 and the restart, stop within the grace, start, backup unit and
#             timer, restore as the guide says, security figures; enables the units for a reboot
#   reboot    after a reboot: the machine is up, the server came back by itself, no new invitation
#   remove    (package only) apt-get remove, then purge: stopped, data kept
# Each check prints "PASS name: detail" or "FAIL name: detail"; the exit status is the number of
# FAILs (0: all passed). Every wait is bounded.
set -uo pipefail
kit=/root/harbour-kit
phase="${1:?usage: units_in_vm.sh install|operate|reboot|remove}"
failures=0
pass() { echo "PASS $1${2:+: $2}"; }
fail() { echo "FAIL $1${2:+: $2}"; failures=$((failures + 1)); }
info() { echo "INFO $1${2:+: $2}"; }
# wait_for SECONDS COMMAND...: true as soon as COMMAND succeeds, false after SECONDS.
wait_for() {
  local deadline=$(($(date +%s) + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}
main_pid() { systemctl show -p MainPID --value harbour.service; }
# The server's journal lines since a cursor, as written (one JSON object per line).
log_since() { journalctl -u harbour.service -o cat --no-pager --after-cursor="$1" 2>/dev/null; }
cursor() { journalctl -n 0 --show-cursor --no-pager -q 2>/dev/null | sed -n 's/^-- cursor: //p'; }
admin_password="a long passphrase for the vm check"
# api METHOD PATH JSON: the body and the status code, as the web client sends it (same origin).
api() {
  curl -ks --max-time 30 -X "$1" -H 'Origin: https://localhost' -H 'Sec-Fetch-Site: same-origin' \
    -H 'Content-Type: application/json' -d "$3" -w ' %{http_code}' "https://localhost$2"
}
healthz() { curl -ks -o /dev/null -w '%{http_code}' --max-time 5 https://localhost/healthz; }
system_state() {
  local state
  state="$(timeout 120 systemctl is-system-running --wait 2>/dev/null)"
  if [ "$state" = running ]; then
    pass "$1" "systemctl is-system-running --wait: running"
  else
    fail "$1" "systemctl is-system-running --wait: ${state:-no answer in 120 s}; failed units: $(systemctl --failed --plain --no-legend | awk '{print $1}' | paste -sd ' ')"
  fi
}
# The named capabilities in a /proc/PID/status mask (capsh is not installed).
cap_names() {
  local v=$((16#$1)) b out=""
  for b in $(seq 0 63); do
    if (( (v >> b) & 1 )); then
      if [ "$b" = 10 ]; then out+="cap_net_bind_service,"; else out+="cap#$b,"; fi
    fi
  done
  echo "${out%,}"
}

# The README's install steps by hand: runtime libraries, then each file where it says.
install_manual() {
  # Runtime libraries (the binary is linked against Debian 12's), named by the host's ldd + dpkg -S.
  # shellcheck disable=SC2046
  if DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends $(cat "$kit/runtime-packages") >/tmp/apt-install.log 2>&1; then
    pass "apt: runtime libraries" "$(paste -sd ' ' "$kit/runtime-packages")"
  else
    fail "apt: runtime libraries" "$(tail -n 3 /tmp/apt-install.log)"
  fi

  # Files where deploy/systemd/README.md puts them.
  install -m 0755 "$kit/harbour" /usr/bin/harbour
  if ldd /usr/bin/harbour | grep -q 'not found'; then
    fail "install: binary" "missing libraries: $(ldd /usr/bin/harbour | grep 'not found' | paste -sd ' ')"
  else
    pass "install: binary" "$(/usr/bin/harbour --version 2>&1 | head -n 1)"
  fi
  rm -rf /usr/share/harbour/web
  install -d -m 0755 /usr/share/harbour
  cp -r "$kit/web" /usr/share/harbour/web
  chmod -R u=rwX,go=rX /usr/share/harbour/web
  install -m 0644 "$kit/systemd/harbour.service" "$kit/systemd/harbour-backup.service" \
    "$kit/systemd/harbour-backup.timer" /etc/systemd/system/
  # /etc/sysusers.d does not exist on a minimal Debian (only /usr/lib/sysusers.d): -D makes it.
  install -D -m 0644 "$kit/systemd/harbour.sysusers.conf" /etc/sysusers.d/harbour.conf
  install -D -m 0644 "$kit/systemd/harbour.tmpfiles.conf" /etc/tmpfiles.d/harbour.conf
  if systemd-sysusers harbour.conf && id harbour >/dev/null 2>&1; then
    pass "sysusers: the harbour user" "$(id harbour), home $(getent passwd harbour | cut -d: -f6), shell $(getent passwd harbour | cut -d: -f7)"
  else
    fail "sysusers: the harbour user" "systemd-sysusers harbour.conf made no harbour user"
  fi
  if systemd-tmpfiles --create harbour.conf; then
    local got
    got="$(stat -c '%n %a %U:%G' /var/backups/harbour /etc/harbour/tls 2>&1 | paste -sd ',')"
    if [ "$got" = "/var/backups/harbour 700 harbour:harbour,/etc/harbour/tls 750 root:harbour" ]; then
      pass "tmpfiles: folders" "$got"
    else
      fail "tmpfiles: folders" "$got"
    fi
  else
    fail "tmpfiles: folders" "systemd-tmpfiles --create harbour.conf failed"
  fi
  # The example configuration, as the guide says, with no certificate yet: the server makes a
  # self-signed one in data_dir/tls (inside its state folder, the one place it may write).
  sed -e 's|^cert = .*|cert = ""|' -e 's|^key = .*|key = ""|' \
      -e 's|^public_url = .*|public_url = "https://localhost"|' \
      "$kit/harbour.example.toml" >/tmp/harbour.toml
  install -d -m 0755 /etc/harbour
  install -m 0640 -o root -g harbour /tmp/harbour.toml /etc/harbour/harbour.toml
  systemctl daemon-reload
}

# The Debian package (deploy/package.sh): apt resolves its dependencies from the mirror; the
# postinst makes the user and folders, enables the backup timer and does not start the server.
install_package() {
  local out
  if out="$(DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "$kit/harbour.deb" 2>&1)"; then
    pass "package: apt-get install ./$(basename "$(readlink -f "$kit/harbour.deb")")" "$(dpkg-query -W -f='${Package} ${Version} ${Status}' harbour); postinst said: $(echo "$out" | grep '^harbour' | paste -sd '|' | cut -c1-200)"
  else
    fail "package: apt-get install" "$(echo "$out" | tail -n 5 | paste -sd '|')"
    return
  fi
  local state
  state="user $(id -un harbour 2>/dev/null || echo none); $(stat -c '%n %a %U:%G' /var/lib/harbour /var/backups/harbour /etc/harbour/tls /etc/harbour/harbour.toml 2>&1 | paste -sd ','); harbour.service $(systemctl is-active harbour.service) $(systemctl is-enabled harbour.service 2>&1); harbour-backup.timer $(systemctl is-enabled harbour-backup.timer 2>&1)"
  if [[ "$state" == "user harbour; /var/lib/harbour 700 harbour:harbour,/var/backups/harbour 700 harbour:harbour,/etc/harbour/tls 750 root:harbour,/etc/harbour/harbour.toml 640 root:harbour; harbour.service inactive disabled; harbour-backup.timer enabled" ]]; then
    pass "package: after install" "$state"
  else
    fail "package: after install" "$state"
  fi
  # What the installed configuration asks before the first start: the address people open.
  sed -i 's|^public_url = .*|public_url = "https://localhost"|' /etc/harbour/harbour.toml
}

install_phase() {
  system_state "machine: boot"
  info "machine" "$(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $(systemctl --version | head -n 1)"
  info "machine: security of a stock unit" "systemd-analyze security ssh.service: $(systemd-analyze security ssh.service 2>/dev/null | sed -n 's/^→ Overall exposure level for ssh.service: //p')"

  if timeout 300 apt-get -q update >/tmp/apt-update.log 2>&1; then
    pass "apt: update through the machine's network" "$(grep -c '^\(Get\|Hit\)' /tmp/apt-update.log) lists"
  else
    fail "apt: update" "$(tail -n 3 /tmp/apt-update.log)"
  fi
  if [ -f "$kit/harbour.deb" ]; then install_package; else install_manual; fi
  local out
  out="$(systemd-analyze verify harbour.service harbour-backup.service harbour-backup.timer 2>&1)"
  if [ -z "$out" ]; then pass "systemd-analyze verify (installed units)" "no output"; else fail "systemd-analyze verify (installed units)" "$(echo "$out" | paste -sd '|')"; fi

  # ---- a backup before the server's first start (the package enables the timer at install) -------
  timeout 120 systemctl start harbour-backup.service 2>/dev/null
  local skipped
  skipped="ConditionResult=$(systemctl show -p ConditionResult --value harbour-backup.service), Result=$(systemctl show -p Result --value harbour-backup.service), system $(systemctl is-system-running)"
  if [ "$skipped" = "ConditionResult=no, Result=success, system running" ]; then
    pass "backup: before the first start (no database yet) skipped, not failed" "$skipped"
  else
    fail "backup: before the first start (no database yet)" "$skipped; $(journalctl -u harbour-backup.service -o cat --no-pager -n 3 | paste -sd '|')"
  fi
  systemctl reset-failed harbour-backup.service 2>/dev/null

  # ---- start ----------------------------------------------------------------------------------
  local c0 pid
  c0="$(cursor)"
  local start_cmd=(systemctl start harbour.service)
  [ -f "$kit/harbour.deb" ] && start_cmd=(systemctl enable --now harbour.service harbour-backup.timer)
  if timeout 60 "${start_cmd[@]}" 2>/dev/null && systemctl is-active --quiet harbour.service; then
    pass "start: ${start_cmd[*]}" "active ($(systemctl show -p ActiveState,SubState --value harbour.service | paste -sd /))"
  else
    fail "start: ${start_cmd[*]}" "$(systemctl show -p ActiveState,SubState,Result --value harbour.service | paste -sd /)"
    journalctl -u harbour.service -o cat --no-pager -n 30 | sed 's/^/    /'
    return
  fi
  if wait_for 30 sh -c "journalctl -u harbour.service -o cat --no-pager --after-cursor='$c0' | grep -q '\"event\":\"listening\"'"; then
    pass "journal: listening" "$(log_since "$c0" | grep '"event":"listening"' | tail -n 1)"
  else
    fail "journal: listening" "no listening line within 30 s; last lines: $(log_since "$c0" | tail -n 5 | paste -sd '|')"
  fi
  if log_since "$c0" | grep -A2 'First start' | grep -q '#'; then
    pass "journal: first-admin invitation" "$(log_since "$c0" | grep -A2 'First start' | tail -n 1 | sed 's/#.*/#…/; s/^ *//')"
  else
    fail "journal: first-admin invitation" "no 'First start' lines with a link"
  fi
  local selfsigned
  selfsigned="$(log_since "$c0" | grep '"event":"tls_self_signed"' | tail -n 1)"
  if [ -n "$selfsigned" ] && [ -n "$(find /var/lib/harbour/tls -type f 2>/dev/null)" ]; then
    pass "tls: self-signed certificate written under the sandbox" "$(find /var/lib/harbour/tls -type f -printf '%p %m %u; ' 2>/dev/null)"
  else
    fail "tls: self-signed certificate written under the sandbox" "${selfsigned:-no tls_self_signed line}; $(ls -la /var/lib/harbour/tls 2>&1 | paste -sd '|')"
  fi
  local code
  code="$(healthz)"
  if [ "$code" = 200 ]; then pass "https: curl -k https://localhost/healthz" "$code $(curl -ks --max-time 5 https://localhost/healthz | head -c 200)"; else fail "https: curl -k https://localhost/healthz" "HTTP ${code:-none}"; fi
  local redirect
  redirect="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 5 http://localhost/some/page)"
  case "$redirect" in
    30[178]\ https://*) pass "http: port 80 redirects to https" "$redirect" ;;
    *) fail "http: port 80 redirects to https" "${redirect:-no answer}" ;;
  esac

  # ---- who it runs as, with what -----------------------------------------------------------------
  pid="$(main_pid)"
  local user caps
  user="$(ps -o user= -p "$pid")"
  if [ "$user" = harbour ]; then pass "process: user" "pid $pid runs as $user ($(ps -o uid=,gid= -p "$pid" | xargs))"; else fail "process: user" "pid $pid runs as '$user'"; fi
  caps="$(grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "/proc/$pid/status" | awk '{printf "%s%s ", $1, $2}')"
  local eff bnd prm amb
  eff="$(awk '/^CapEff:/{print $2}' "/proc/$pid/status")"
  prm="$(awk '/^CapPrm:/{print $2}' "/proc/$pid/status")"
  bnd="$(awk '/^CapBnd:/{print $2}' "/proc/$pid/status")"
  amb="$(awk '/^CapAmb:/{print $2}' "/proc/$pid/status")"
  if [ "$eff" = 0000000000000400 ] && [ "$prm" = 0000000000000400 ] && [ "$bnd" = 0000000000000400 ] && [ "$amb" = 0000000000000400 ]; then
    pass "process: only CAP_NET_BIND_SERVICE" "CapEff $eff = $(cap_names "$eff"); $caps"
  else
    fail "process: only CAP_NET_BIND_SERVICE" "$caps"
  fi
  grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$pid/status" && grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" \
    && pass "process: no_new_privs and a seccomp filter" "NoNewPrivs 1, Seccomp 2 (filter)" \
    || fail "process: no_new_privs and a seccomp filter" "$caps"
  local listeners
  listeners="$(ss -Hltnp 2>/dev/null | awk '$4 ~ /:(443|80)$/' | grep "pid=$pid," | awk '{print $4}' | sort | paste -sd ' ')"
  if [ "$listeners" = "0.0.0.0:443 0.0.0.0:80" ]; then pass "process: binds 443 and 80" "$listeners by pid $pid"; else fail "process: binds 443 and 80" "'$listeners'; $(ss -Hltnp | paste -sd '|')"; fi
  local files bad
  files="$(find /var/lib/harbour -printf '%P %m %u:%g\n' | sort)"
  bad="$(find /var/lib/harbour \( ! -user harbour -o -perm /0077 \) -printf '%p %m %u:%g; ')"
  if [ -z "$bad" ]; then pass "files: /var/lib/harbour owned by harbour, nothing for others" "$(echo "$files" | paste -sd ';')"; else fail "files: /var/lib/harbour" "$bad"; fi
  local warnings
  warnings="$(log_since "$c0" | grep -E '"level":"(warn|error|critical)"' | grep -v '"event":"tls_self_signed"')"
  if [ -z "$warnings" ]; then pass "journal: no warning or error (but tls_self_signed)"; else fail "journal: warnings or errors" "$(echo "$warnings" | paste -sd '|')"; fi
  # A denied system call under SystemCallErrorNumber=EPERM is silent; with the audit subsystem on,
  # a SECCOMP record would name it: none expected.
  local seccomp
  seccomp="$(journalctl -k -o cat --no-pager | grep -i 'seccomp' | grep -i harbour | tail -n 3)"
  if [ -z "$seccomp" ]; then pass "kernel: no seccomp records for harbour"; else fail "kernel: seccomp records" "$(echo "$seccomp" | paste -sd '|')"; fi

  # ---- the first administrator signs up (argon2 on the hashing threads, under the sandbox) -------
  local token version reg signin niced
  token="$(log_since "$c0" | grep -A2 'First start' | grep -o 'join#[A-Za-z0-9_-]*' | tail -n 1 | cut -d'#' -f2)"
  version="$(api POST /api/v1/invitations/preview "{\"token\":\"$token\"}" | grep -o '"version":[0-9]*' | head -n 1 | cut -d: -f2)"
  reg="$(api POST /api/v1/accounts "{\"token\":\"$token\",\"pseudonym\":\"Willow Tree\",\"password\":\"$admin_password\",\"accepted_guidelines_version\":${version:-0}}")"
  signin="$(api POST /api/v1/session "{\"pseudonym\":\"Willow Tree\",\"password\":\"$admin_password\"}")"
  if [[ "$reg" == *' 201' ]] && [[ "$signin" == *' 200' ]]; then
    pass "api: first administrator registers with the invitation, then signs in" "POST /api/v1/accounts 201, POST /api/v1/session 200 (two-step set-up asked: $(echo "$signin" | grep -o '"second_factor_required":[a-z]*' | cut -d: -f2))"
  else
    fail "api: first administrator registers, then signs in" "register: $(echo "$reg" | tail -c 200); sign-in: $(echo "$signin" | tail -c 200)"
  fi
  # The password-hashing threads lower their own priority (setpriority, in @resources: allowed).
  niced="$(ps -L -o ni= -p "$pid" | awk '$1 == 10' | wc -l)"
  if [ "$niced" -ge 1 ]; then pass "process: the hashing threads run at nice 10" "$niced of $(ps -L -o ni= -p "$pid" | wc -l) threads"; else fail "process: the hashing threads run at nice 10" "none: $(ps -L -o ni= -p "$pid" | sort | uniq -c | paste -sd ' ')"; fi

  # ---- the Prometheus endpoint, when the configuration turns it on --------------------------------
  local metrics_port metrics missing
  metrics_port="$(log_since "$c0" | grep '"event":"listening"' | tail -n 1 | grep -o '"metrics_port":[0-9]*' | cut -d: -f2)"
  if [ -n "$metrics_port" ] && [ "$metrics_port" != 0 ]; then
    metrics="$(curl -s --max-time 5 "http://127.0.0.1:$metrics_port/metrics")"
    missing=""
    for m in process_start_time_seconds process_cpu_seconds_total process_resident_memory_bytes process_open_fds process_max_fds; do
      echo "$metrics" | grep -q "^$m " || missing+="$m "
    done
    if [ -n "$metrics" ] && [ -z "$missing" ]; then
      pass "metrics: GET /metrics on 127.0.0.1:$metrics_port, process_* all there" "$(echo "$metrics" | grep -c '^[a-z]') samples; $(echo "$metrics" | grep -E '^process_(start_time_seconds|max_fds) ' | paste -sd ' ')"
    else
      # ProcSubset=pid hides /proc/stat: the server must take its boot time from the clocks instead.
      fail "metrics: GET /metrics on 127.0.0.1:$metrics_port" "$(echo "$metrics" | grep -c '^[a-z]') samples, missing under the sandbox: ${missing:-everything}"
    fi
  else
    info "metrics" "metrics.listen is off in this configuration (no metrics_port in the listening line)"
  fi
}

operate_phase() {
  local c pid pid2 t0 elapsed code
  pid="$(main_pid)"
  # (kill -9 0 would kill this very shell's process group.)
  if ! systemctl is-active --quiet harbour.service || [ "${pid:-0}" = 0 ]; then
    fail "operate: the server is not running" "$(systemctl show -p ActiveState,Result harbour.service | paste -sd ' ')"
    return
  fi
  # ---- reload ----------------------------------------------------------------------------------
  c="$(cursor)"
  if timeout 30 systemctl reload harbour.service \
     && wait_for 10 sh -c "journalctl -u harbour.service -o cat --no-pager --after-cursor='$c' | grep -q '\"event\":\"tls_reloaded\"'"; then
    pid2="$(main_pid)"
    if systemctl is-active --quiet harbour.service && [ "$pid2" = "$pid" ] && [ "$(healthz)" = 200 ]; then
      pass "reload: systemctl reload harbour" "same pid $pid, active, healthz 200; $(log_since "$c" | grep '"event":"tls_reloaded"' | tail -n 1 | cut -c1-220)"
    else
      fail "reload: systemctl reload harbour" "pid $pid -> $pid2, $(systemctl is-active harbour.service)"
    fi
  else
    fail "reload: systemctl reload harbour" "no tls_reloaded within 10 s; $(log_since "$c" | tail -n 3 | paste -sd '|')"
  fi
  # ---- kill -9: Restart=on-failure ----------------------------------------------------------------
  local restarts0
  restarts0="$(systemctl show -p NRestarts --value harbour.service)"
  t0=$(date +%s.%N)
  pid="$(main_pid)"
  [ "${pid:-0}" != 0 ] && kill -9 "$pid"
  if wait_for 30 sh -c "[ \"\$(systemctl show -p MainPID --value harbour.service)\" != 0 ] && [ \"\$(systemctl show -p MainPID --value harbour.service)\" != $pid ] && [ \"\$(curl -ks -o /dev/null -w '%{http_code}' --max-time 2 https://localhost/healthz)\" = 200 ]"; then
    elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    pass "restart: kill -9 the main process" "restarted by systemd as pid $(main_pid) and answering after ${elapsed} s (RestartSec=5s), NRestarts $restarts0 -> $(systemctl show -p NRestarts --value harbour.service)"
  else
    fail "restart: kill -9 the main process" "$(systemctl show -p ActiveState,SubState,Result,NRestarts harbour.service | paste -sd ' ')"
  fi
  # ---- stop: a clean exit within the grace ------------------------------------------------------------
  c="$(cursor)"
  pid="$(main_pid)"
  t0=$(date +%s.%N)
  timeout 60 systemctl stop harbour.service
  elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  local result status
  result="$(systemctl show -p Result --value harbour.service)"
  status="$(systemctl show -p ExecMainStatus --value harbour.service)"
  if [ "$result" = success ] && [ "$status" = 0 ] && log_since "$c" | grep -q '"event":"stopped"' \
     && awk -v e="$elapsed" 'BEGIN{exit !(e < 10)}'; then
    pass "stop: systemctl stop harbour" "stopped in ${elapsed} s (grace 10 s, TimeoutStopSec 30 s), exit status 0, Result=success, logged stopped"
  else
    fail "stop: systemctl stop harbour" "${elapsed} s, Result=$result, exit status $status, stopped logged: $(log_since "$c" | grep -c '"event":"stopped"')"
  fi
  # Stopping with a client connected (a keep-alive HTTPS connection held open) also ends cleanly.
  timeout 60 systemctl start harbour.service
  wait_for 20 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]'
  ( exec 3<>/dev/tcp/127.0.0.1/443; sleep 40 ) &
  local holder=$!
  sleep 0.5
  t0=$(date +%s.%N)
  timeout 60 systemctl stop harbour.service
  elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
  result="$(systemctl show -p Result --value harbour.service)"
  if [ "$result" = success ] && awk -v e="$elapsed" 'BEGIN{exit !(e < 30)}'; then
    pass "stop: with an idle connection open" "stopped in ${elapsed} s, Result=$result"
  else
    fail "stop: with an idle connection open" "${elapsed} s, Result=$result"
  fi
  timeout 60 systemctl start harbour.service
  wait_for 20 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]' \
    && pass "start: again after stop" "healthz 200" || fail "start: again after stop" "$(systemctl is-active harbour.service)"

  # ---- restarts in a row, as an operator applying harbour.toml changes one at a time -------------
  # (Under a start rate limit, which counts manual starts too, the sixth left the server down.)
  local i restarted=0
  for i in 1 2 3 4 5 6 7 8; do
    timeout 60 systemctl restart harbour.service 2>/dev/null && systemctl is-active --quiet harbour.service || break
    restarted=$i
  done
  if [ "$restarted" = 8 ] && wait_for 20 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]'; then
    pass "restart: 8 systemctl restart in a row keep it running" "active, healthz 200"
  else
    fail "restart: systemctl restart in a row" "after $restarted: $(systemctl show -p ActiveState,SubState,Result harbour.service | paste -sd ' ')"
    systemctl reset-failed harbour.service; timeout 60 systemctl start harbour.service
  fi

  # ---- certificates from certbot: the deploy hook, then the configured paths ------------------------
  # A stand-in for /etc/letsencrypt/live/NAME: the server's own self-signed pair.
  local lineage=/root/lineage out
  install -d -m 0700 "$lineage"
  cp /var/lib/harbour/tls/cert.pem "$lineage/fullchain.pem"
  cp /var/lib/harbour/tls/key.pem "$lineage/privkey.pem"
  c="$(cursor)"
  # The package installs the hook in /usr/share/harbour; by hand it comes from deploy/systemd.
  local hook="$kit/systemd/certbot-deploy-hook.sh"
  [ -f /usr/share/harbour/certbot-deploy-hook.sh ] && hook=/usr/share/harbour/certbot-deploy-hook.sh
  if out="$(RENEWED_LINEAGE=$lineage sh "$hook" 2>&1)" \
     && [ "$(stat -c '%a %U:%G' /etc/harbour/tls/privkey.pem /etc/harbour/tls/fullchain.pem | paste -sd ' ')" = "640 root:harbour 644 root:harbour" ] \
     && wait_for 10 sh -c "journalctl -u harbour.service -o cat --no-pager --after-cursor='$c' | grep -q '\"event\":\"tls_reloaded\"'"; then
    pass "certbot hook: copies into /etc/harbour/tls and reloads the running server" "$hook: $out; key 640 root:harbour"
  else
    fail "certbot hook" "${out:-}; $(stat -c '%n %a %U:%G' /etc/harbour/tls/* 2>&1 | paste -sd ' ')"
  fi
  sed -i -e 's|^cert = .*|cert = "/etc/harbour/tls/fullchain.pem"|' -e 's|^key = .*|key = "/etc/harbour/tls/privkey.pem"|' /etc/harbour/harbour.toml
  c="$(cursor)"
  timeout 60 systemctl restart harbour.service
  if wait_for 20 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]' \
     && log_since "$c" | grep '"event":"tls_certificate"' | grep -q '/etc/harbour/tls/fullchain.pem'; then
    pass "certificate: the server reads /etc/harbour/tls (root:harbour 0750) under the sandbox" "$(log_since "$c" | grep '"event":"tls_certificate"' | tail -n 1 | cut -c1-160)"
  else
    fail "certificate: /etc/harbour/tls" "$(log_since "$c" | grep -E 'tls_|startup_failed' | tail -n 3 | paste -sd '|')"
  fi
  c="$(cursor)"
  RENEWED_LINEAGE=$lineage sh "$hook" >/dev/null 2>&1
  if wait_for 10 sh -c "journalctl -u harbour.service -o cat --no-pager --after-cursor='$c' | grep '\"event\":\"tls_reloaded\"' | grep -q /etc/harbour/tls/fullchain.pem"; then
    pass "certbot hook: a renewal reloads /etc/harbour/tls/fullchain.pem" "tls_reloaded, pid $(main_pid) unchanged"
  else
    fail "certbot hook: a renewal reloads" "$(log_since "$c" | tail -n 3 | paste -sd '|')"
  fi
  # A missing certificate: the start fails with the reason in the journal, and Restart=on-failure
  # brings the server up by itself once the file is back.
  mv /etc/harbour/tls/fullchain.pem /root/fullchain.pem.aside
  c="$(cursor)"
  timeout 60 systemctl restart harbour.service 2>/dev/null
  local why
  wait_for 10 sh -c "journalctl -u harbour.service -o cat --no-pager --after-cursor='$c' | grep -q '\"event\":\"startup_failed\"'"
  why="$(log_since "$c" | grep '"event":"startup_failed"' | tail -n 1)"
  mv /root/fullchain.pem.aside /etc/harbour/tls/fullchain.pem
  if [ -n "$why" ] && wait_for 20 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]'; then
    pass "certificate missing: start fails with the reason, then restarts by itself once it is back" "$(echo "$why" | cut -c1-170)"
  else
    fail "certificate missing" "reason logged: ${why:-none}; now $(systemctl show -p ActiveState,SubState,Result harbour.service | paste -sd ' ')"
  fi

  # ---- the backup unit and timer ----------------------------------------------------------------
  c="$(cursor)"
  if timeout 300 systemctl start harbour-backup.service; then
    local newest
    newest="$(find /var/backups/harbour -maxdepth 1 -name 'harbour-*.db' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)"
    if [ -n "$newest" ] && [ "$(stat -c '%U %a' "$newest")" = "harbour 600" ] \
       && [ "$(sqlite3 -readonly "$newest" 'PRAGMA integrity_check' 2>&1)" = ok ]; then
      pass "backup: systemctl start harbour-backup.service" "$newest ($(stat -c '%s bytes, %U:%G %a' "$newest")), integrity ok; $(journalctl -u harbour-backup.service -o cat --no-pager --after-cursor="$c" | grep -v '^$' | grep -vi 'Starting\|Finished\|Deactivated\|Consumed' | tail -n 2 | paste -sd '|' | cut -c1-300)"
    else
      fail "backup: the file" "'${newest:-none}' $(stat -c '%U %a' "$newest" 2>&1); $(ls -la /var/backups/harbour | paste -sd '|')"
    fi
  else
    fail "backup: systemctl start harbour-backup.service" "$(systemctl show -p Result --value harbour-backup.service); $(journalctl -u harbour-backup.service -o cat --no-pager --after-cursor="$c" | tail -n 8 | paste -sd '|')"
  fi
  systemctl enable --now harbour-backup.timer >/dev/null 2>&1
  local timers
  timers="$(systemctl list-timers --all --no-pager --no-legend harbour-backup.timer)"
  if echo "$timers" | grep -q 'harbour-backup.timer' && systemctl is-active --quiet harbour-backup.timer; then
    pass "timer: systemctl list-timers" "$(echo "$timers" | tr -s ' ')"
  else
    fail "timer: systemctl list-timers" "${timers:-not listed}"
  fi

  # ---- restore, as the guide says ------------------------------------------------------------------
  local newest out
  newest="$(find /var/backups/harbour -maxdepth 1 -name 'harbour-*.db' | sort | tail -n 1)"
  systemctl stop harbour-backup.timer harbour.service
  if out="$(cd / && runuser -u harbour -- harbour restore --from "$newest" --data-dir /var/lib/harbour 2>&1 \
             && runuser -u harbour -- harbour audit verify --data-dir /var/lib/harbour 2>&1)" \
     && echo "$out" | grep -q 'audit log OK'; then
    pass "restore: runuser -u harbour -- harbour restore, audit verify" "$(echo "$out" | grep 'audit log OK' | head -n 1)"
  else
    fail "restore: runuser -u harbour -- harbour restore, audit verify" "$(echo "$out" | tail -n 4 | paste -sd '|')"
  fi
  systemctl start harbour.service harbour-backup.timer
  wait_for 20 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]' \
    && pass "restore: the server starts on the restored database" "healthz 200" \
    || fail "restore: the server starts on the restored database" "$(journalctl -u harbour.service -o cat --no-pager -n 5 | paste -sd '|')"

  # ---- the package's upgrade path (the same .deb again): a checked backup, then a restart -------
  if [ -f "$kit/harbour.deb" ]; then
    pid="$(main_pid)"
    if out="$(DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install --reinstall -y -q "$kit/harbour.deb" 2>&1)" \
       && wait_for 20 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]' \
       && [ "$(main_pid)" != "$pid" ]; then
      local pre
      pre="$(find /var/backups/harbour -name 'harbour-before-upgrade-from-*' | tail -n 1)"
      if [ -n "$pre" ] && [ "$(sqlite3 -readonly "$pre" 'PRAGMA integrity_check' 2>&1)" = ok ]; then
        pass "package: reinstall (upgrade path) backs up, then restarts the server" "pid $pid -> $(main_pid); $pre ($(stat -c '%U %a' "$pre"), integrity ok); postinst: $(echo "$out" | grep '^harbour' | paste -sd '|' | cut -c1-200)"
      else
        fail "package: upgrade backup" "'${pre:-none}'; $(echo "$out" | grep '^harbour' | paste -sd '|')"
      fi
    else
      fail "package: reinstall (upgrade path)" "pid $pid -> $(main_pid), $(systemctl is-active harbour.service); $(echo "$out" | tail -n 5 | paste -sd '|')"
    fi
  fi

  # ---- figures -------------------------------------------------------------------------------
  local u
  for u in harbour.service harbour-backup.service; do
    info "systemd-analyze security $u" "$(systemd-analyze security "$u" 2>/dev/null | sed -n "s/^→ Overall exposure level for $u: //p")"
  done
  systemctl enable harbour.service harbour-backup.timer >/dev/null 2>&1 \
    && pass "enable: harbour.service and harbour-backup.timer for the next boot" \
    || fail "enable: harbour.service and harbour-backup.timer"
}

reboot_phase() {
  system_state "reboot: machine"
  if wait_for 30 sh -c '[ "$(curl -ks -o /dev/null -w "%{http_code}" --max-time 2 https://localhost/healthz)" = 200 ]'; then
    pass "reboot: harbour started at boot" "active since $(systemctl show -p ActiveEnterTimestamp --value harbour.service), after network-online.target; healthz 200"
  else
    fail "reboot: harbour started at boot" "$(systemctl show -p ActiveState,Result harbour.service | paste -sd ' '); $(journalctl -b -u harbour.service -o cat --no-pager | tail -n 5 | paste -sd '|')"
  fi
  if journalctl -b -u harbour.service -o cat --no-pager | grep -q 'First start'; then
    fail "reboot: no second invitation" "a new first-admin invitation was printed"
  else
    pass "reboot: no second invitation" "the open one from the first start still stands"
  fi
  # Over the whole run: the server's error lines are only the deliberate missing-certificate start.
  local errors
  errors="$(journalctl -u harbour.service -o cat --no-pager | grep -E '"level":"(error|critical)"' | grep -v 'fullchain.pem (error:80000002' | grep -v '"event":"startup_failed".*No such file')"
  if [ -z "$errors" ]; then pass "journal: no error from the server over every boot (but the deliberate missing certificate)"; else fail "journal: errors" "$(echo "$errors" | tail -n 5 | paste -sd '|')"; fi
  local unit_warnings
  unit_warnings="$(journalctl -o cat --no-pager _PID=1 | grep -E 'harbour' | grep -iE 'unknown|ignoring|deprecated|not supported|failed to|invalid' | grep -v 'Failed to start harbour.service' | sort -u)"
  if [ -z "$unit_warnings" ]; then pass "journal: systemd said nothing against the units (unknown setting, ignoring, failed to...)"; else fail "journal: systemd about the units" "$(echo "$unit_warnings" | tail -n 5 | paste -sd '|')"; fi
  systemctl is-active --quiet harbour-backup.timer \
    && pass "reboot: backup timer active" "$(systemctl list-timers --no-pager --no-legend harbour-backup.timer | tr -s ' ')" \
    || fail "reboot: backup timer active" "$(systemctl is-active harbour-backup.timer)"
}

# Package only: remove stops everything and keeps the data; purge also keeps the clinical records.
remove_phase() {
  local out
  if out="$(DEBIAN_FRONTEND=noninteractive timeout 300 apt-get remove -y -q harbour 2>&1)"; then
    local after
    after="harbour.service $(systemctl is-active harbour.service 2>&1), processes $(pgrep -xc harbour), port 443 $(ss -Hltn 'sport = :443' | wc -l) listeners, timer $(systemctl is-active harbour-backup.timer 2>&1)"
    if [ "$after" = "harbour.service inactive, processes 0, port 443 0 listeners, timer inactive" ] && [ -f /var/lib/harbour/harbour.db ]; then
      pass "package: apt-get remove stops the server and the timer, keeps /var/lib/harbour" "$after"
    else
      fail "package: apt-get remove" "$after; $(ls /var/lib/harbour 2>&1 | paste -sd ' ')"
    fi
  else
    fail "package: apt-get remove" "$(echo "$out" | tail -n 5 | paste -sd '|')"
  fi
  if out="$(DEBIAN_FRONTEND=noninteractive timeout 300 apt-get purge -y -q harbour 2>&1)"; then
    local kept
    kept="$(ls /var/lib/harbour/harbour.db /var/backups/harbour 2>/dev/null | head -n 2 | paste -sd ' ')"
    if [ -f /var/lib/harbour/harbour.db ] && [ -d /var/backups/harbour ] && [ ! -e /etc/harbour/harbour.toml ] \
       && [ -z "$(systemctl list-unit-files --no-legend 'harbour*' 2>/dev/null)" ]; then
      pass "package: apt-get purge keeps the database and backups, removes the configuration and units" "$(echo "$out" | grep '^harbour' | paste -sd '|' | cut -c1-220)"
    else
      fail "package: apt-get purge" "kept: $kept; /etc/harbour: $(ls -A /etc/harbour 2>&1 | paste -sd ' '); units: $(systemctl list-unit-files --no-legend 'harbour*' | paste -sd '|')"
    fi
  else
    fail "package: apt-get purge" "$(echo "$out" | tail -n 5 | paste -sd '|')"
  fi
}

case "$phase" in
  install) install_phase ;;
  operate) operate_phase ;;
  reboot) reboot_phase ;;
  remove) remove_phase ;;
  *) echo "unknown phase $phase" >&2; exit 100 ;;
esac
exit "$failures"
