#!/usr/bin/env bash
# The systemd units of deploy/systemd (issue 9, items 2 and 4), checked without installing them:
#  1. `systemd-analyze verify` on harbour.service, harbour-backup.service and harbour-backup.timer
#     (copies whose /usr/bin/harbour is the built binary: verify checks that executables exist)
#     prints nothing at all; any line fails the test;
#  2. every setting the issue names is there with its value (ExecStart, ExecReload, the user, the
#     state and configuration folders, the one capability, the sandbox, restart, timeouts), and
#     the values agree with the server's own defaults (`harbour config`): the stop timeout is
#     above limits.shutdown_grace, the file limit above limits.max_connections;
#  3. `systemd-analyze security --offline=yes`: its overall exposure (printed) must stay at or
#     under a threshold, and every setting it still marks as exposed must be one this script
#     expects and explains (a new exposure fails even when the score is low);
#  4. harbour.sysusers.conf and harbour.tmpfiles.conf applied to a temporary root: the harbour
#     user exists, /var/backups/harbour is 0700 harbour and /etc/harbour/tls 0750 root:harbour;
#  5. the certbot deploy hook passes `sh -n` (and shellcheck when installed).
#   bash tests/deploy/systemd_verify.sh path/to/harbour
set -euo pipefail
harbour="$(realpath "${1:?usage: systemd_verify.sh path/to/harbour}")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
units_src="$here/../../deploy/systemd"
command -v systemd-analyze >/dev/null || { echo "error: systemd-analyze is missing (Debian: apt-get install systemd)" >&2; exit 2; }

work="$(mktemp -d -t harbour-systemd.XXXXXX)"
trap 'rm -rf "$work"' EXIT
failures=()
fail() { failures+=("$1"); printf 'FAIL: %s\n' "$1" >&2; }
started=$(date +%s.%N)

units=(harbour.service harbour-backup.service harbour-backup.timer)
mkdir -p "$work/units"
for u in "${units[@]}"; do
  [ -f "$units_src/$u" ] || { echo "error: $units_src/$u is missing" >&2; exit 2; }
  sed "s|/usr/bin/harbour|$harbour|g" "$units_src/$u" >"$work/units/$u"
done

# ---- 1. systemd-analyze verify -----------------------------------------------------------------
echo "systemd: $(systemd-analyze --version | head -n 1)"
for u in "${units[@]}"; do
  set +e
  out="$(cd "$work/units" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$work/units/$u" 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
    fail "systemd-analyze verify $u (exit $rc) said:"
    printf '%s\n' "$out" | sed 's/^/    /' >&2
  else
    echo "verify $u: clean (no output, exit 0)"
  fi
done

# ---- 2. the settings --------------------------------------------------------------------------
# Lines of the unit as written (comments dropped), so "Key=Value" is matched whole.
settings() { grep -v '^[[:space:]]*[#;]' "$units_src/$1" | sed 's/[[:space:]]*$//'; }
require() {  # unit "Key=exact value"...
  local unit="$1" line
  shift
  for line in "$@"; do
    settings "$unit" | grep -qxF -- "$line" || fail "$unit: no line '$line'"
  done
}
value_of() { settings "$1" | sed -n "s/^$2=//p" | tail -n 1; }
# The sandbox both services share.
sandbox=(NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes
         ProtectKernelTunables=yes ProtectKernelModules=yes ProtectKernelLogs=yes ProtectControlGroups=yes
         ProtectClock=yes ProtectHostname=yes RestrictNamespaces=yes RestrictRealtime=yes RestrictSUIDSGID=yes
         LockPersonality=yes MemoryDenyWriteExecute=yes SystemCallArchitectures=native
         SystemCallFilter=@system-service UMask=0077 User=harbour Group=harbour DynamicUser=no
         StateDirectory=harbour)
require harbour.service "${sandbox[@]}" \
  "ExecStart=/usr/bin/harbour serve --config /etc/harbour/harbour.toml" \
  "ExecReload=/bin/kill -HUP \$MAINPID" \
  ConfigurationDirectory=harbour StateDirectoryMode=0700 \
  AmbientCapabilities=CAP_NET_BIND_SERVICE CapabilityBoundingSet=CAP_NET_BIND_SERVICE \
  "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" Restart=on-failure \
  StartLimitIntervalSec=0 \
  WantedBy=multi-user.target
require harbour-backup.service "${sandbox[@]}" Type=oneshot \
  "ExecStart=/usr/bin/harbour backup --data-dir /var/lib/harbour --to /var/backups/harbour --keep 48" \
  ReadWritePaths=/var/backups/harbour CapabilityBoundingSet= AmbientCapabilities= PrivateNetwork=yes
require harbour-backup.timer OnCalendar=hourly Persistent=true WantedBy=timers.target
# StartLimitIntervalSec=0: systemd's start limit counts manual starts too, so under a limit a few
# `systemctl restart` in a row left the server down (found under a real systemd, tests/deploy/vm).
# One capability, and only in the server: no second line may widen the set.
[ "$(settings harbour.service | grep -c '^CapabilityBoundingSet=')" = 1 ] || fail "harbour.service: more than one CapabilityBoundingSet= line"
[ "$(settings harbour.service | grep -c '^AmbientCapabilities=')" = 1 ] || fail "harbour.service: more than one AmbientCapabilities= line"
for key in RestartSec TimeoutStopSec LimitNOFILE; do
  [ -n "$(value_of harbour.service "$key")" ] || fail "harbour.service: no $key="
done
[ -n "$(value_of harbour-backup.timer RandomizedDelaySec)" ] || fail "harbour-backup.timer: no RandomizedDelaySec="

# Against the server's own defaults.
seconds() { systemd-analyze timespan "$1" 2>/dev/null | sed -n 's/^ *μs: *//p' | awk '{printf "%d", $1 / 1000000}'; }
default_of() { "$harbour" config | awk -F'|' -v k="\`$1\`" '$2 ~ k { gsub(/[ `]/, "", $4); print $4 }'; }
grace="$(default_of limits.shutdown_grace)"
max_conn="$(default_of limits.max_connections)"
stop_s="$(seconds "$(value_of harbour.service TimeoutStopSec)")"
grace_s="$(seconds "$grace")"
nofile="$(value_of harbour.service LimitNOFILE)"
delay_s="$(seconds "$(value_of harbour-backup.timer RandomizedDelaySec)")"
echo "TimeoutStopSec ${stop_s}s vs limits.shutdown_grace ${grace} (${grace_s}s); LimitNOFILE $nofile vs limits.max_connections $max_conn; RandomizedDelaySec ${delay_s}s"
if [ -z "$grace_s" ] || [ -z "$stop_s" ] || [ "$stop_s" -lt $((grace_s + 10)) ]; then
  fail "TimeoutStopSec (${stop_s:-?} s) must be at least limits.shutdown_grace (${grace_s:-?} s) + 10 s, or systemd cuts the drain short"
fi
if [ -z "$max_conn" ] || ! [[ "$nofile" =~ ^[0-9]+$ ]] || [ "$nofile" -lt $((max_conn + 1024)) ]; then
  fail "LimitNOFILE ($nofile) must exceed limits.max_connections ($max_conn) by the database and log files (1024)"
fi
if [ -z "$delay_s" ] || [ "$delay_s" -gt 900 ]; then
  fail "RandomizedDelaySec (${delay_s:-?} s) should be small next to the hour (at most 15 min)"
fi
# The timer's command writes where the sandbox lets it and where tmpfiles makes the folder.
grep -q '^d[[:space:]]\+/var/backups/harbour[[:space:]]\+0700[[:space:]]\+harbour[[:space:]]\+harbour' "$units_src/harbour.tmpfiles.conf" \
  || fail "harbour.tmpfiles.conf does not make /var/backups/harbour 0700 harbour:harbour"

# ---- 3. systemd-analyze security ----------------------------------------------------------------
# Thresholds on systemd's 0-100 scale (the printed score times ten). The server measured 1.5 with
# systemd 252: the exposures left are the ones listed below, each needed; 2.0 leaves room for a
# systemd that weighs them a little differently, and any setting dropped from the unit also shows
# up as an unexpected exposure below. The backup has no network and no capability: 0.2 measured.
declare -A threshold=([harbour.service]=20 [harbour-backup.service]=10)
# What may stay exposed, and why.
declare -A expected_exposed=(
  # A public HTTPS server: it must reach the network and accept from any address.
  ["harbour.service PrivateNetwork="]=1
  ["harbour.service RestrictAddressFamilies=~AF_(INET|INET6)"]=1
  ["harbour.service IPAddressDeny="]=1
  # Binding 443 and 80: the one capability, given ambiently to a non-root user.
  ["harbour.service AmbientCapabilities="]=1
  ["harbour.service CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)"]=1
  # In a user namespace of its own the capability would not reach the host's network namespace.
  ["harbour.service PrivateUsers="]=1
  # The password-hashing threads lower their own priority (setpriority is in @resources).
  ["harbour.service SystemCallFilter=~@resources"]=1
  # Both: AF_UNIX for the journal; the host's file system (read-only); ProtectClock= itself adds
  # a read-only rtc device rule that the analyser counts.
  ["harbour.service RestrictAddressFamilies=~AF_UNIX"]=1
  ["harbour.service RootDirectory=/RootImage="]=1
  ["harbour.service DeviceAllow="]=1
  ["harbour-backup.service RestrictAddressFamilies=~AF_UNIX"]=1
  ["harbour-backup.service RootDirectory=/RootImage="]=1
  ["harbour-backup.service DeviceAllow="]=1
)
if systemd-analyze --help 2>&1 | grep -q -- '--offline'; then
  for u in harbour.service harbour-backup.service; do
    set +e
    summary="$(cd "$work/units" && SYSTEMD_LOG_COLOR=0 systemd-analyze security --offline=yes --threshold="${threshold[$u]}" "$work/units/$u" 2>&1)"
    rc=$?
    set -e
    echo "security $u: $(printf '%s\n' "$summary" | grep 'Overall exposure level' | sed 's/^→ *//') (threshold $(awk -v t="${threshold[$u]}" 'BEGIN{printf "%.1f", t/10}'))"
    [ "$rc" -eq 0 ] || fail "systemd-analyze security $u: exposure above ${threshold[$u]}/100 (exit $rc)"
    exposed="$(cd "$work/units" && systemd-analyze security --offline=yes --json=short "$work/units/$u" |
      python3 -c 'import json,sys; [print(x["name"], x["exposure"]) for x in json.load(sys.stdin) if x.get("set") is False]')"
    while read -r name exposure; do
      [ -n "$name" ] || continue
      if [ -z "${expected_exposed["$u $name"]:-}" ]; then
        fail "$u: systemd-analyze security marks $name as exposed ($exposure), which this unit should not be"
      else
        echo "  exposed as intended: $name ($exposure)"
      fi
    done <<<"$exposed"
  done
else
  fail "this systemd-analyze has no 'security --offline' (systemd 252 or later has it)"
fi

# ---- 4. sysusers and tmpfiles on a temporary root ------------------------------------------------
root="$work/root"
mkdir -p "$root/etc" "$root/var/backups"
: >"$root/etc/passwd"; : >"$root/etc/group"; : >"$root/etc/shadow"; : >"$root/etc/gshadow"
if out="$(systemd-sysusers --root="$root" "$units_src/harbour.sysusers.conf" 2>&1)"; then
  uid="$(awk -F: '$1 == "harbour" { print $3 }' "$root/etc/passwd")"
  gid="$(awk -F: '$1 == "harbour" { print $3 }' "$root/etc/group")"
  home="$(awk -F: '$1 == "harbour" { print $6 }' "$root/etc/passwd")"
  shell="$(awk -F: '$1 == "harbour" { print $7 }' "$root/etc/passwd")"
  echo "sysusers: harbour uid ${uid:-?} gid ${gid:-?} home ${home:-?} shell ${shell:-?}"
  if [ -z "$uid" ] || [ "$uid" -ge 1000 ]; then fail "sysusers: no harbour system user (uid '$uid')"; fi
  [ -n "$gid" ] || fail "sysusers: no harbour group"
  [ "$home" = /var/lib/harbour ] || fail "sysusers: harbour's home is '$home'"
  case "$shell" in */nologin|*/false) ;; *) fail "sysusers: harbour can log in (shell '$shell')" ;; esac
  # Ownership needs root; as another user tmpfiles still makes the folders with their modes, and
  # its only complaints may be the refused chowns.
  set +e
  out="$(systemd-tmpfiles --root="$root" --create "$units_src/harbour.tmpfiles.conf" 2>&1)"
  rc=$?
  set -e
  if [ "$(id -u)" = 0 ]; then
    owners=yes
    if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
      fail "systemd-tmpfiles --create harbour.tmpfiles.conf (exit $rc):"
      printf '%s\n' "$out" | sed 's/^/    /' >&2
    fi
  else
    owners=no
    unexpected="$(printf '%s\n' "$out" | grep -v '^fchownat() of .* failed: Operation not permitted$' | grep -v '^$' || true)"
    [ -z "$unexpected" ] || { fail "systemd-tmpfiles --create harbour.tmpfiles.conf:"; printf '%s\n' "$unexpected" | sed 's/^/    /' >&2; }
    echo "tmpfiles: not run as root, so modes are checked and owners are not"
  fi
  check_dir() {  # path mode uid gid
    local got wanted="$2 $3 $4"
    got="$(stat -c '%a %u %g' "$root$1" 2>/dev/null || echo missing)"
    if [ "$owners" = no ]; then got="${got%% *}"; wanted="$2"; fi
    if [ "$got" = "$wanted" ]; then echo "tmpfiles: $1 $got"; else fail "tmpfiles: $1 is '$got', wanted '$wanted'"; fi
  }
  check_dir /var/backups/harbour 700 "$uid" "$gid"
  check_dir /etc/harbour/tls 750 0 "$gid"
else
  fail "systemd-sysusers harbour.sysusers.conf failed:"; printf '%s\n' "$out" | sed 's/^/    /' >&2
fi

# ---- 5. the certbot hook parses --------------------------------------------------------------------
sh -n "$units_src/certbot-deploy-hook.sh" || fail "certbot-deploy-hook.sh: sh -n failed"
[ -x "$units_src/certbot-deploy-hook.sh" ] || fail "certbot-deploy-hook.sh is not executable"
if command -v shellcheck >/dev/null; then
  shellcheck -s sh "$units_src/certbot-deploy-hook.sh" || fail "certbot-deploy-hook.sh: shellcheck"
fi

elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
if [ "${#failures[@]}" -gt 0 ]; then
  echo "systemd units: ${#failures[@]} failure(s) in ${elapsed}s" >&2
  exit 1
fi
echo "systemd units: 3 verified, 2 security-scored, sysusers and tmpfiles applied, hook parsed; ${elapsed}s"
