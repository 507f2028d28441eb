# Shared by the benchmark scripts in tests/bench (run.sh, ws_run.sh; sourced, not run): messages,
# free ports, stopping processes, health polling, CPU accounting. Callers keep their own state.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

to_seconds() {  # "10" | "10s" | "2m" -> seconds; anything else is an error
  local v="$1"
  if [[ "$v" =~ ^([0-9]+)s?$ ]]; then echo "${BASH_REMATCH[1]}"
  elif [[ "$v" =~ ^([0-9]+)m$ ]]; then echo $(( BASH_REMATCH[1] * 60 ))
  else return 1
  fi
}

# Free ports: a random port in 20000-31999 (below Linux's ephemeral range, so no outgoing
# connection holds it) that no TCP socket in /proc/net/tcp{,6} uses.
used_ports() {
  local hex
  awk 'FNR > 1 { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    while read -r hex; do printf '%d\n' "0x$hex"; done
}
free_port() {  # [ports to avoid...]
  local used port i
  used=" $(used_ports | tr '\n' ' ') $* "
  for ((i = 0; i < 500; i++)); do
    port=$(( 20000 + RANDOM % 12000 ))
    case "$used" in *" $port "*) continue ;; esac
    echo "$port"
    return 0
  done
  return 1
}

stop_process() {  # pid name: SIGTERM, wait up to 15 s, then SIGKILL
  local pid="$1" name="$2" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) did not stop within 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

wait_healthy() {  # url pid name: poll until 200, at most 60 s
  local url="$1" pid="$2" name="$3" i code=""
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    code="$(curl -sk --max-time 1 -o /dev/null -w '%{http_code}' "$url" || true)"
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  die "$name did not answer $url with 200 within 60 s (last status: ${code:-none})"
}

header_value() {  # file name -> value (case-insensitive name, CR stripped)
  tr -d '\r' <"$1" | awk -v n="$2" 'BEGIN { n = tolower(n) } { i = index($0, ":"); if (i > 0 && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit } }'
}

# add_header lines copying every header Harbour sent, except those nginx makes itself (Date,
# Content-Length, Content-Type (set with default_type), ETag, Last-Modified, Connection,
# Keep-Alive, Server, Accept-Ranges). X-Request-Id becomes nginx's $request_id.
nginx_headers() {  # headers file
  tr -d '\r' <"$1" | sed 1d | while IFS= read -r line; do
    [ -n "$line" ] || continue
    local name="${line%%:*}" value="${line#*:}"
    value="${value#"${value%%[![:space:]]*}"}"
    local lower
    lower="$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')"
    case "$lower" in
      date | content-length | content-type | etag | last-modified | connection | keep-alive | server | accept-ranges | transfer-encoding) continue ;;
    esac
    if [ "$lower" = x-request-id ]; then
      # shellcheck disable=SC2016  # $request_id is nginx's variable, not the shell's
      printf '      add_header %s $request_id always;\n' "$name"
      continue
    fi
    value="${value//\\/\\\\}"
    value="${value//\"/\\\"}"
    value="${value//\$/\$\{dollar\}}"
    printf '      add_header %s "%s" always;\n' "$name" "$value"
  done
}

# CPU accounting: ticks of the whole machine (/proc/stat) and of given processes.
clk_tck="$(getconf CLK_TCK 2>/dev/null || echo 100)"
machine_ticks() {  # -> busy ticks (user+nice+system+irq+softirq)
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat
}
proc_ticks() {  # pid... -> utime+stime summed over the processes (all their threads)
  local pid total=0 t
  for pid in "$@"; do
    t="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')" || t=0
    total=$(( total + ${t:-0} ))
  done
  echo "$total"
}

# Waits up to N seconds (the argument, else BENCH_WAIT_IDLE; 0: not at all) for the machine to be
# quiet: under 15 % of one CPU busy over a second, so a compile elsewhere does not skew a run.
wait_idle() {
  local limit="${1:-${BENCH_WAIT_IDLE:-0}}" waited=0 b0 b1 busy
  [ "$limit" -gt 0 ] || return 0
  while :; do
    b0="$(machine_ticks)"; sleep 1; b1="$(machine_ticks)"
    busy=$(( (b1 - b0) * 100 / clk_tck ))
    [ "$busy" -lt 15 ] && return 0
    waited=$(( waited + 1 ))
    if [ "$waited" -ge "$limit" ]; then
      say "warning: the machine is still busy (${busy}% of one CPU used); measuring anyway"
      return 0
    fi
  done
}
