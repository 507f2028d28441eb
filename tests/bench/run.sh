#!/usr/bin/env bash
# Harbour vs nginx: one-command HTTPS load benchmark (keep-alive, TLS, loopback only).
#
#   bash tests/bench/run.sh
#
# What it does:
#   1. builds the release binary (cmake --preset release; cmake --build --preset release) and the
#      web client (web/dist) when they are missing or stale;
#   2. checks that wrk, nginx (Debian nginx-light), openssl and curl are installed (it installs
#      nothing: run deploy/setup.sh --test otherwise);
#   3. starts Harbour on 127.0.0.1:<free port> with a fresh temporary data folder, log level warn,
#      pinned to one CPU (BENCH_SERVER_CPU, default 0);
#   4. starts nginx (one worker, pinned to the same CPU) on 127.0.0.1:<another free port> serving the
#      same bytes: web/dist/index.html at "/" and a copy of Harbour's /healthz body at /healthz, with
#      Harbour's certificate and key, the same TLS versions, ciphers and groups, and the same
#      response headers (copied from Harbour's own responses);
#   5. runs wrk (BENCH_THREADS threads, BENCH_CONNECTIONS keep-alive connections, pinned to
#      BENCH_CLIENT_CPU, default 1) against each target: a warm-up (BENCH_WARMUP) and then the
#      measured run (BENCH_DURATION), reporting through tests/bench/report.lua;
#   6. prints a table (req/s, p50, p99, errors, CPU used by the server, by wrk and by anything else
#      during the run, ratio Harbour/nginx) and writes it as JSON and
#      Markdown into tests/bench/results/ (bench-<time>.{json,md} and latest.{json,md});
#   7. stops everything it started and removes its temporary files on exit.
#
# Settings (environment):
#   BENCH_DURATION=10s      measured run per target (N, Ns or Nm)
#   BENCH_WARMUP=2s         warm-up per target, not measured (0 to skip)
#   BENCH_ROUNDS=1          rounds over the four targets (interleaved); each reports its median
#   BENCH_WAIT_IDLE=0       before each target, wait up to N s for the machine to be quiet
#   BENCH_CONNECTIONS=64    concurrent keep-alive connections
#   BENCH_THREADS=2         wrk threads (all on BENCH_CLIENT_CPU)
#   BENCH_SERVER_CPU=0      CPU for Harbour and nginx
#   BENCH_CLIENT_CPU=1      CPU for wrk
#   BENCH_HARBOUR_LOG_LEVEL=warn   Harbour's log.level during the run (info adds the access log)
#   BENCH_SKIP_BUILD=1      do not run cmake / npm (use HARBOUR_BIN as it is)
#   HARBOUR_BIN=build/release/harbour
#   BENCH_KEEP=1            keep the temporary folder (logs, configs, raw wrk output)
#   Other HARBOUR_* variables reach Harbour as usual, e.g. HARBOUR_SERVER_IO_THREADS=2 (then give
#   BENCH_SERVER_CPU=0,1 too, or the extra thread shares one core).
#
# Every load is bounded in time (wrk -d plus a `timeout` guard); it only talks to 127.0.0.1.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Settings
to_seconds() {  # "10" | "10s" | "2m" -> seconds; anything else is an error
  local v="$1"
  case "$v" in
    *[!0-9sm]* | "" ) return 1 ;;
  esac
  if [[ "$v" =~ ^([0-9]+)s?$ ]]; then echo "${BASH_REMATCH[1]}"
  elif [[ "$v" =~ ^([0-9]+)m$ ]]; then echo $(( BASH_REMATCH[1] * 60 ))
  else return 1
  fi
}

duration_s="$(to_seconds "${BENCH_DURATION:-10s}")" || die "BENCH_DURATION must look like 10, 10s or 1m (got '${BENCH_DURATION:-}')"
warmup_s="$(to_seconds "${BENCH_WARMUP:-2s}")" || die "BENCH_WARMUP must look like 2, 2s or 0 (got '${BENCH_WARMUP:-}')"
[ "$duration_s" -ge 1 ] || die "BENCH_DURATION must be at least 1 second"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must be a positive whole number"
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive whole number"
[ "$connections" -ge "$threads" ] || die "BENCH_CONNECTIONS ($connections) must be at least BENCH_THREADS ($threads)"
server_cpu="${BENCH_SERVER_CPU:-0}"
client_cpu="${BENCH_CLIENT_CPU:-1}"
log_level="${BENCH_HARBOUR_LOG_LEVEL:-warn}"
harbour_bin="${HARBOUR_BIN:-$repo/build/release/harbour}"
results_dir="$repo/tests/bench/results"
lua_script="$repo/tests/bench/report.lua"

# ---------------------------------------------------------------------------------------------
# Tools (installed by deploy/setup.sh --test; this script installs nothing)
nginx_bin="$(command -v nginx || true)"
[ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -n "$nginx_bin" ] || missing+=(nginx-light)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v taskset >/dev/null 2>&1 || missing+=("taskset (util-linux)")
command -v timeout >/dev/null 2>&1 || missing+=("timeout (coreutils)")
if [ "${#missing[@]}" -gt 0 ]; then
  die "missing: ${missing[*]}. Install the test tools with: bash deploy/setup.sh --test"
fi
[ -f "$lua_script" ] || die "missing $lua_script"

ncpu="$(nproc)"
if [ "$ncpu" -lt 2 ] && [ "$server_cpu" != "$client_cpu" ]; then
  say "warning: only $ncpu CPU; server and wrk share CPU $server_cpu (figures will be lower)"
  client_cpu="$server_cpu"
fi
for cpu in "$server_cpu" "$client_cpu"; do
  taskset -c "$cpu" true 2>/dev/null || die "cannot pin to CPU $cpu (BENCH_SERVER_CPU / BENCH_CLIENT_CPU); this machine has $ncpu"
done

# ---------------------------------------------------------------------------------------------
# Build (release preset) and web client
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  if [ ! -f build/release/CMakeCache.txt ]; then
    say "configuring the release build (cmake --preset release)"
    cmake --preset release >/dev/null || die "cmake --preset release failed"
  fi
  say "building the release binary (cmake --build --preset release --target harbour)"
  cmake --build --preset release --target harbour || die "the release build failed (see above); fix it, or set BENCH_SKIP_BUILD=1 and HARBOUR_BIN"
  web_stale=0
  if [ ! -f web/dist/index.html ]; then
    web_stale=1
  elif [ -n "$(find web/src web/build.mjs web/package.json -newer web/dist/index.html -print -quit 2>/dev/null)" ]; then
    web_stale=1
  fi
  if [ "$web_stale" = 1 ]; then
    [ -d web/node_modules ] || die "web/node_modules is missing: run bash deploy/setup.sh --test (installs the web client's npm packages)"
    say "building the web client (cd web && npm run build)"
    (cd web && npm run --silent build) || die "the web client build failed"
  fi
fi
[ -x "$harbour_bin" ] || die "no Harbour binary at $harbour_bin (build it: cmake --preset release && cmake --build --preset release)"
[ -f web/dist/index.html ] || die "web/dist/index.html is missing (build it: cd web && npm run build)"

# ---------------------------------------------------------------------------------------------
# Temporary folder and clean-up
work="$(mktemp -d -t harbour-bench.XXXXXX)"
harbour_pid=""
nginx_pid=""
wrk_pid=""

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

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_process "$wrk_pid" wrk
  stop_process "$harbour_pid" harbour
  stop_process "$nginx_pid" nginx
  if [ "$rc" -ne 0 ]; then
    if [ -s "$work/harbour.log" ]; then
      say "last lines of Harbour's log:"; tail -n 20 "$work/harbour.log" >&2
    fi
    if [ -s "$work/nginx/error.log" ]; then
      say "last lines of nginx's error log:"; tail -n 20 "$work/nginx/error.log" >&2
    fi
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "kept temporary files in $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Free ports: a random port in 20000-31999 (below Linux's ephemeral range, so no outgoing
# connection holds it) that no TCP socket in /proc/net/tcp{,6} uses.
used_ports() {
  local hex
  awk 'FNR > 1 { n = split($2, a, ":"); print a[n] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    while read -r hex; do printf '%d\n' "0x$hex"; done
}
free_port() {  # [port to avoid]
  local used port i
  used=" $(used_ports | tr '\n' ' ') ${1:-} "
  for ((i = 0; i < 500; i++)); do
    port=$(( 20000 + RANDOM % 12000 ))
    case "$used" in *" $port "*) continue ;; esac
    echo "$port"
    return 0
  done
  return 1
}

wait_healthy() {  # url pid name: poll until 200, at most 30 s
  local url="$1" pid="$2" name="$3" i code
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    code="$(curl -sk --max-time 1 -o /dev/null -w '%{http_code}' "$url" || true)"
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  die "$name did not answer $url with 200 within 30 s (last status: ${code:-none})"
}

# ---------------------------------------------------------------------------------------------
# Harbour
harbour_port="$(free_port)" || die "found no free port"
harbour_url="https://127.0.0.1:$harbour_port"
say "starting Harbour on $harbour_url (CPU $server_cpu, log level $log_level)"
HARBOUR_LOG_LEVEL="$log_level" taskset -c "$server_cpu" "$harbour_bin" serve \
  --data-dir "$work/data" --listen "127.0.0.1:$harbour_port" --web-root "$repo/web/dist" \
  >"$work/harbour.out" 2>"$work/harbour.log" </dev/null &
harbour_pid=$!
wait_healthy "$harbour_url/healthz" "$harbour_pid" Harbour

cert="$work/data/tls/cert.pem"
key="$work/data/tls/key.pem"
if [ ! -f "$cert" ] || [ ! -f "$key" ]; then die "Harbour did not create $cert and $key"; fi
cert_kind="$(openssl x509 -in "$cert" -noout -text 2>/dev/null |
  awk '/Public Key Algorithm/ { sub(/^[ \t]*Public Key Algorithm: /, ""); alg = $0 } /NIST CURVE|ASN1 OID/ { sub(/^[ \t]*/, ""); curve = $0 } END { print alg " " curve }')"

# The same bytes for nginx: Harbour's /healthz body, web/dist/index.html, and the headers.
nx="$work/nginx"
docroot="$nx/root"
mkdir -p "$docroot" "$nx/tmp"
curl -sk --max-time 5 --fail -D "$work/harbour-healthz.headers" -o "$docroot/healthz" "$harbour_url/healthz" ||
  die "cannot fetch $harbour_url/healthz"
curl -sk --max-time 5 --fail -D "$work/harbour-root.headers" -o "$work/harbour-root.body" "$harbour_url/" ||
  die "cannot fetch $harbour_url/"
cp web/dist/index.html "$docroot/index.html"
cmp -s "$work/harbour-root.body" "$docroot/index.html" ||
  die "Harbour's / is not byte-identical to web/dist/index.html; the comparison would be unfair"

header_value() {  # file name -> value (case-insensitive name, CR stripped)
  tr -d '\r' <"$1" | awk -v n="$2" 'BEGIN { n = tolower(n) } { i = index($0, ":"); if (i > 0 && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit } }'
}

# add_header lines copying every header Harbour sent, except those nginx makes itself (Date,
# Content-Length, Content-Type (set with default_type), ETag (nginx's own), Last-Modified,
# Connection, Keep-Alive, Server, Accept-Ranges). X-Request-Id becomes nginx's $request_id
# (a fresh random id per request, like Harbour's).
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

healthz_type="$(header_value "$work/harbour-healthz.headers" content-type)"
root_type="$(header_value "$work/harbour-root.headers" content-type)"
nginx_port="$(free_port "$harbour_port")" || die "found no free port"
nginx_url="https://127.0.0.1:$nginx_port"

user_line=""
if [ "$(id -u)" = 0 ]; then
  # nginx's workers drop root; they must be able to read the document root.
  if getent group nogroup >/dev/null 2>&1; then user_line="user nobody nogroup;"; else user_line="user nobody;"; fi
  chmod 0755 "$work" "$nx" "$docroot"
  chmod 0644 "$docroot/healthz" "$docroot/index.html"
fi

cat >"$nx/nginx.conf" <<EOF
# Generated by tests/bench/run.sh: the nginx baseline, serving the same bytes as Harbour.
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $nx/nginx.pid;
error_log $nx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  gzip off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $nx/tmp/body;
  proxy_temp_path $nx/tmp/proxy;
  fastcgi_temp_path $nx/tmp/fastcgi;
  uwsgi_temp_path $nx/tmp/uwsgi;
  scgi_temp_path $nx/tmp/scgi;
  geo \$dollar { default "\$"; }
  types { }
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $cert;
    ssl_certificate_key $key;
    # Harbour's TLS settings (server/net/tls_context.cpp): Mozilla intermediate.
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_prefer_server_ciphers off;
    root $docroot;
    etag on;
    location = /healthz {
      default_type "$healthz_type";
$(nginx_headers "$work/harbour-healthz.headers")
    }
    location = / {
      index index.html;
    }
    location = /index.html {
      default_type "$root_type";
$(nginx_headers "$work/harbour-root.headers")
    }
    location / {
      return 404;
    }
  }
}
EOF

nginx_args=(-p "$nx/" -e "$nx/error.log" -c "$nx/nginx.conf")
"$nginx_bin" -t -q "${nginx_args[@]}" 2>"$nx/check.log" || { cat "$nx/check.log" >&2; die "nginx refused the generated configuration"; }
say "starting nginx on $nginx_url (CPU $server_cpu, 1 worker)"
taskset -c "$server_cpu" "$nginx_bin" "${nginx_args[@]}" >"$nx/stdout.log" 2>&1 </dev/null &
nginx_pid=$!
wait_healthy "$nginx_url/healthz" "$nginx_pid" nginx

# Same bytes? Bodies must be identical; header sizes are shown so the reader can judge.
curl -sk --max-time 5 --fail -o "$work/nginx-healthz.body" "$nginx_url/healthz" || die "cannot fetch $nginx_url/healthz"
curl -sk --max-time 5 --fail -o "$work/nginx-root.body" "$nginx_url/" || die "cannot fetch $nginx_url/"
cmp -s "$work/nginx-healthz.body" "$docroot/healthz" || die "nginx's /healthz differs from Harbour's"
cmp -s "$work/nginx-root.body" "$docroot/index.html" || die "nginx's / differs from web/dist/index.html"

tls_of() {  # host:port -> "TLSv1.3 TLS_AES_256_GCM_SHA384" (what a default OpenSSL client gets)
  timeout 5 openssl s_client -connect "$1" -brief </dev/null 2>&1 |
    awk -F': ' '/^Protocol version/ { p = $2 } /^Ciphersuite/ { c = $2 } END { print p " " c }'
}
header_bytes() {  # url -> size of the response header block
  curl -sk --max-time 5 -o /dev/null -w '%{size_header}' "$1"
}
harbour_tls="$(tls_of "127.0.0.1:$harbour_port")"
nginx_tls="$(tls_of "127.0.0.1:$nginx_port")"
say "TLS with a default client: Harbour $harbour_tls | nginx $nginx_tls; certificate: $cert_kind"
say "response header bytes: Harbour /healthz $(header_bytes "$harbour_url/healthz"), nginx /healthz $(header_bytes "$nginx_url/healthz"); Harbour / $(header_bytes "$harbour_url/"), nginx / $(header_bytes "$nginx_url/")"

# ---------------------------------------------------------------------------------------------
# Load
json_field() {  # json key -> value (numbers only)
  printf '%s' "$1" | sed -E "s/.*\"$2\":([^,}]*).*/\\1/"
}

declare -A result
targets=("harbour-healthz" "nginx-healthz" "harbour-static" "nginx-static")
declare -A target_url=(
  [harbour-healthz]="$harbour_url/healthz"
  [nginx-healthz]="$nginx_url/healthz"
  [harbour-static]="$harbour_url/"
  [nginx-static]="$nginx_url/"
)
declare -A target_label=(
  [harbour-healthz]="Harbour /healthz"
  [nginx-healthz]="nginx /healthz (copy)"
  [harbour-static]="Harbour / (index.html)"
  [nginx-static]="nginx / (index.html)"
)

# CPU accounting, so a run disturbed by other work on the machine can be told apart: ticks of
# the whole machine (/proc/stat), of the server process(es), and of this shell's reaped children
# (wrk, through timeout). "other" is what neither the server nor wrk used.
clk_tck="$(getconf CLK_TCK 2>/dev/null || echo 100)"
machine_ticks() {  # -> "busy steal" (busy = user+nice+system+irq+softirq)
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9; exit }' /proc/stat
}
proc_ticks() {  # pid... -> utime+stime summed over the processes (all their threads)
  local pid total=0 t
  for pid in "$@"; do
    t="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')" || t=0
    total=$(( total + ${t:-0} ))
  done
  echo "$total"
}
child_ticks() {  # this shell's waited-for children: cutime+cstime
  sed 's/^.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }'
}
server_pids() {  # name -> the server's processes (nginx: master and its workers)
  if [[ "$1" == nginx-* ]]; then
    local children
    children="$(cat "/proc/$nginx_pid/task/$nginx_pid/children" 2>/dev/null || true)"
    echo "$nginx_pid $children"
  else
    echo "$harbour_pid"
  fi
}
now_ns() { date +%s%N; }
pct() {  # ticks wall_ns -> percent of one CPU
  awk -v t="$1" -v ns="$2" -v hz="$clk_tck" 'BEGIN { if (ns <= 0) print 0; else printf "%.1f", 100 * t / hz / (ns / 1e9) }'
}

# BENCH_WAIT_IDLE=N: before each target, wait up to N seconds for the machine to be quiet (less
# than 15 % of one CPU busy over a 1 s sample), so another job's compile does not skew a run.
wait_idle() {
  local limit="${BENCH_WAIT_IDLE:-0}" waited=0 b0 b1 busy
  [ "$limit" -gt 0 ] || return 0
  while :; do
    read -r b0 _ < <(machine_ticks); sleep 1; read -r b1 _ < <(machine_ticks)
    busy=$(( (b1 - b0) * 100 / clk_tck ))
    [ "$busy" -lt 15 ] && return 0
    waited=$(( waited + 1 ))
    if [ "$waited" -ge "$limit" ]; then
      say "warning: the machine is still busy (${busy}% of one CPU used by others); measuring anyway"
      return 0
    fi
  done
}

# wrk on the client CPU, killed after `limit` seconds at the latest. Run in the background and
# waited for, so an interrupt reaches the EXIT trap at once (which stops wrk too).
bounded_wrk() {  # limit output-file wrk-arguments...
  local limit="$1" out="$2" rc=0
  shift 2
  timeout --kill-after=5 "$limit" taskset -c "$client_cpu" wrk "$@" >"$out" 2>&1 </dev/null &
  wrk_pid=$!
  wait "$wrk_pid" || rc=$?
  wrk_pid=""
  return "$rc"
}

run_wrk() {  # name round
  local name="$1" round="$2" url="${target_url[$1]}" out="$work/wrk-$1-$2.txt" line pids
  local t0 t1 m0 m1 s0 s1 c0 c1 st0 st1 busy steal server client other
  pids="$(server_pids "$name")"
  wait_idle
  if [ "$warmup_s" -gt 0 ]; then
    bounded_wrk $((warmup_s + 20)) "$work/wrk-$name-$round-warmup.txt" \
      -t"$threads" -c"$connections" -d"${warmup_s}s" --timeout 5s "$url" ||
      die "wrk warm-up against $url failed: $(tail -n 3 "$work/wrk-$name-$round-warmup.txt")"
  fi
  say "round $round/$rounds: measuring ${target_label[$name]}: $url (${duration_s}s, $connections connections, $threads threads)"
  # shellcheck disable=SC2086  # $pids is a list of numbers
  { read -r m0 st0 < <(machine_ticks); s0="$(proc_ticks $pids)"; c0="$(child_ticks)"; t0="$(now_ns)"; }
  bounded_wrk $((duration_s + 20)) "$out" \
    -t"$threads" -c"$connections" -d"${duration_s}s" --timeout 5s --latency -s "$lua_script" "$url" ||
    die "wrk against $url failed: $(tail -n 3 "$out")"
  # shellcheck disable=SC2086
  { t1="$(now_ns)"; c1="$(child_ticks)"; s1="$(proc_ticks $pids)"; read -r m1 st1 < <(machine_ticks); }
  line="$(sed -n 's/^BENCH_RESULT //p' "$out" | tail -n 1)"
  [ -n "$line" ] || die "wrk printed no BENCH_RESULT line for $url (see $out with BENCH_KEEP=1)"
  for pid in $pids; do kill -0 "$pid" 2>/dev/null || die "the server behind $url died during the run"; done
  busy=$(( m1 - m0 )); steal=$(( st1 - st0 )); server=$(( s1 - s0 )); client=$(( c1 - c0 ))
  other=$(( busy - server - client )); [ "$other" -ge 0 ] || other=0
  local us_per_req
  us_per_req="$(awk -v t="$server" -v hz="$clk_tck" -v n="$(json_field "$line" requests)" 'BEGIN { if (n <= 0) print 0; else printf "%.1f", t / hz * 1e6 / n }')"
  line="${line%\}},\"server_cpu_us_per_request\":$us_per_req,\"server_cpu_pct\":$(pct "$server" $((t1 - t0))),\"wrk_cpu_pct\":$(pct "$client" $((t1 - t0))),\"other_cpu_pct\":$(pct "$other" $((t1 - t0))),\"steal_cpu_pct\":$(pct "$steal" $((t1 - t0)))}"
  result[$name,$round]="$line"
}

rounds="${BENCH_ROUNDS:-1}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive whole number"
started_at="$(date +%s)"
for ((r = 1; r <= rounds; r++)); do
  for t in "${targets[@]}"; do run_wrk "$t" "$r"; done
done
elapsed=$(( $(date +%s) - started_at ))

# With several rounds, each target reports its median round by req/s (the rounds interleave
# the targets, so a burst of outside load hits Harbour and nginx alike); min and max are kept.
declare -A rps_min rps_max
for t in "${targets[@]}"; do
  sorted="$(for ((r = 1; r <= rounds; r++)); do printf '%s %s\n' "$(json_field "${result[$t,$r]}" rps)" "$r"; done | sort -g)"
  median_round="$(printf '%s\n' "$sorted" | sed -n "$(( (rounds + 1) / 2 ))p" | awk '{ print $2 }')"
  result[$t]="${result[$t,$median_round]}"
  rps_min[$t]="$(printf '%s\n' "$sorted" | awk 'NR == 1 { print $1 }')"
  rps_max[$t]="$(printf '%s\n' "$sorted" | awk '{ v = $1 } END { print v }')"
done

# ---------------------------------------------------------------------------------------------
# Report
errors_of() {
  local j="${result[$1]}"
  echo $(( $(json_field "$j" non2xx) + $(json_field "$j" connect_errors) + $(json_field "$j" read_errors) + $(json_field "$j" write_errors) + $(json_field "$j" timeouts) ))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
fmt() { awk -v x="$1" -v d="$2" 'BEGIN { printf "%.*f", d, x }'; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
date_iso="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
harbour_version="$( ("$harbour_bin" --version 2>/dev/null || echo unknown) | awk 'NR == 1')"
nginx_version="$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')"
wrk_version="$( (wrk --version 2>&1 || true) | awk 'NR == 1 { print $2 }')"
openssl_version="$(openssl version)"
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo none)"
if [ -n "$(git -C "$repo" status --porcelain -- server 2>/dev/null || true)" ]; then commit="$commit (server/ modified)"; fi

declare -A ratio_rps ratio_p99
for kind in healthz static; do
  h="${result[harbour-$kind]}"; n="${result[nginx-$kind]}"
  ratio_rps[$kind]="$(ratio "$(json_field "$h" rps)" "$(json_field "$n" rps)")"
  ratio_p99[$kind]="$(ratio "$(json_field "$h" p99_ms)" "$(json_field "$n" p99_ms)")"
done

# One row per target: label, req/s, p50, p99, errors, bytes/response, server CPU us per request,
# server/wrk/other CPU %.
row_fields() {
  local t="$1" j="${result[$1]}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${target_label[$t]}" "$(fmt "$(json_field "$j" rps)" 0)" \
    "$(fmt "$(json_field "$j" p50_ms)" 2)" "$(fmt "$(json_field "$j" p99_ms)" 2)" "$(errors_of "$t")" \
    "$(fmt "$(json_field "$j" bytes_per_response)" 0)" "$(json_field "$j" server_cpu_us_per_request)" \
    "$(json_field "$j" server_cpu_pct)" "$(json_field "$j" wrk_cpu_pct)" "$(json_field "$j" other_cpu_pct)"
}
busy_note=""
for t in "${targets[@]}"; do
  if awk -v o="$(json_field "${result[$t]}" other_cpu_pct)" 'BEGIN { exit !(o > 10) }'; then
    busy_note="Warning: other processes used more than 10 % of a CPU during at least one run (column 'other CPU %'); the figures are disturbed. Rerun on a quiet machine (BENCH_WAIT_IDLE=600 waits for one)."
  fi
done
settings_line="wrk $wrk_version, $threads threads, $connections keep-alive connections, ${warmup_s}s warm-up + ${duration_s}s per target, $rounds round(s) (median by req/s)"

mkdir -p "$results_dir"
md="$results_dir/bench-$stamp.md"
json="$results_dir/bench-$stamp.json"

{
  echo "| target | req/s | p50 ms | p99 ms | errors | bytes/response | server CPU µs/request | server CPU % | wrk CPU % | other CPU % |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${targets[@]}"; do
    row_fields "$t" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
  done
  echo
  echo "| Harbour / nginx | req/s ratio | p99 ratio |"
  echo "|---|---:|---:|"
  echo "| /healthz | ${ratio_rps[healthz]} | ${ratio_p99[healthz]} |"
  echo "| / (static index.html) | ${ratio_rps[static]} | ${ratio_p99[static]} |"
  echo
  echo "$date_iso; $ncpu CPUs ($cpu_model); servers on CPU $server_cpu, wrk on CPU $client_cpu;"
  echo "$settings_line;"
  echo "$harbour_version (commit $commit, log level $log_level) vs $nginx_version (1 worker); $openssl_version;"
  echo "TLS (default client): Harbour $harbour_tls, nginx $nginx_tls; certificate $cert_kind."
  if [ "$rounds" -gt 1 ]; then
    echo
    for t in "${targets[@]}"; do echo "- ${target_label[$t]}: req/s over $rounds rounds from $(fmt "${rps_min[$t]}" 0) to $(fmt "${rps_max[$t]}" 0)"; done
  fi
  if [ -n "$busy_note" ]; then echo; echo "$busy_note"; fi
} >"$md"

{
  printf '{\n'
  printf '  "date": "%s",\n  "commit": "%s",\n' "$date_iso" "$commit"
  printf '  "machine": {"nproc": %s, "cpu_model": "%s"},\n' "$ncpu" "$cpu_model"
  printf '  "settings": {"duration_s": %s, "warmup_s": %s, "rounds": %s, "connections": %s, "threads": %s, "server_cpu": "%s", "client_cpu": "%s", "harbour_log_level": "%s"},\n' \
    "$duration_s" "$warmup_s" "$rounds" "$connections" "$threads" "$server_cpu" "$client_cpu" "$log_level"
  printf '  "versions": {"harbour": "%s", "nginx": "%s", "wrk": "%s", "openssl": "%s"},\n' \
    "$harbour_version" "$nginx_version" "$wrk_version" "$openssl_version"
  printf '  "tls": {"harbour": "%s", "nginx": "%s", "certificate": "%s"},\n' "$harbour_tls" "$nginx_tls" "$cert_kind"
  printf '  "results": [\n'
  sep=""
  for t in "${targets[@]}"; do
    printf '%s    {"target": "%s", "url_path": "%s", "errors": %s, "rps_min": %s, "rps_max": %s, "wrk": %s}' "$sep" "$t" \
      "/${target_url[$t]#https://127.0.0.1:*/}" "$(errors_of "$t")" "${rps_min[$t]}" "${rps_max[$t]}" "${result[$t]}"
    sep=$',\n'
  done
  printf '\n  ],\n'
  printf '  "ratio_harbour_over_nginx": {"healthz": {"rps": "%s", "p99": "%s"}, "static": {"rps": "%s", "p99": "%s"}},\n' \
    "${ratio_rps[healthz]}" "${ratio_p99[healthz]}" "${ratio_rps[static]}" "${ratio_p99[static]}"
  printf '  "disturbed": %s\n' "$([ -n "$busy_note" ] && echo true || echo false)"
  printf '}\n'
} >"$json"
cp "$md" "$results_dir/latest.md"
cp "$json" "$results_dir/latest.json"

echo
{
  printf 'target\treq/s\tp50 ms\tp99 ms\terrors\tbytes/resp\tsrv us/req\tsrv CPU%%\twrk CPU%%\tother CPU%%\n'
  for t in "${targets[@]}"; do row_fields "$t"; done
} | awk -F'\t' '{ printf "%-24s %9s %8s %8s %7s %11s %11s %9s %9s %10s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
echo
printf 'Harbour/nginx  /healthz: req/s x%s, p99 x%s   |   / (index.html): req/s x%s, p99 x%s\n' \
  "${ratio_rps[healthz]}" "${ratio_p99[healthz]}" "${ratio_rps[static]}" "${ratio_p99[static]}"
echo "$settings_line"
if [ -n "$busy_note" ]; then echo; echo "$busy_note"; fi
echo
say "load phase took ${elapsed}s; results in ${md#"$repo"/} and ${json#"$repo"/} (also latest.md, latest.json)"
