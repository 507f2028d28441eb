#!/usr/bin/env bash
# Harbour against the stacks a service would pick instead: one command, one table.
#
#   bash tests/bench/run.sh
#
# 1. Installs what it needs when missing (Debian: wrk, nginx-light, openssl, curl, python3,
#    libbenchmark-dev, build tools; npm: the peers in tests/bench/peers) and builds the release
#    binary, the seeding tool, the WebSocket load tool and the microbenchmarks.
# 2. Seeds a realistic database (tests/bench/seed: 2 networks, 1,000 topics, 20,000 replies,
#    2,000 members, 512 signed-in sessions) and copies it for the fastify peer.
# 3. Starts Harbour pinned to one core (BENCH_SERVER_CPU, default 0) with one I/O thread; each
#    peer runs pinned to the same core when it is measured; the loads run on the other core.
#    Everything uses TLS with Harbour's certificate and settings and talks to 127.0.0.1 only.
# 4. Loads (each bounded in time):
#    http    GET the topic list as signed-in members (a different member each request): 64 and
#            512 connections against Harbour, fastify + better-sqlite3, and nginx serving a
#            byte-identical copy of Harbour's answer; then a paced load (~BENCH_PACED_RATE req/s)
#            for latency.
#    post    POST a reply (published at once by the moderation gate; synchronous=FULL on both).
#    signin  a burst of sign-ins (argon2id) while the paced topic-list load runs, against the same
#            paced load alone: do other routes keep their latency?
#    wall    the Wall's fan-out over wss with the C++ tool (tests/bench/ws_fanout.cpp): 1,000
#            receivers with the broadcast rate stepped up until p99 delivery latency passes 100 ms
#            or delivery drops below 99 %, for Harbour and for the `ws` peer; then 10,000
#            receivers at 10 broadcasts a second; each also gives the RSS per idle connection.
#    micro   the Google Benchmark microbenchmarks (harbour_micro).
# 5. Prints one table and writes tests/bench/results/peers-<time>.{md,json} and
#    peers-latest.{md,json}. Stops everything it started, even on Ctrl-C.
#
# Settings (environment):
#   BENCH_PARTS="http post signin wall micro"   which loads to run
#   BENCH_DURATION=10s   measured time of each wrk load     BENCH_WARMUP=2s  warm-up before each
#   BENCH_PACED_RATE=3000  requests a second of the paced load (64 connections)
#   BENCH_WALL_STEPS=50,100,150,200,225,250,275,300,350,400,500   broadcast rates (1,000 receivers)
#   BENCH_WALL_STEP_SECONDS=6   time per step      BENCH_WALL_BIG=10000  receivers of the big run
#   BENCH_SERVER_CPU=0  BENCH_CLIENT_CPU=1   BENCH_WAIT_IDLE=0 (wait up to N s for a quiet machine)
#   BENCH_SKIP_SETUP=1  install nothing, build nothing (binaries from $BENCH_BUILD as they are)
#   BENCH_KEEP=1        keep the temporary folder (logs, configs, raw outputs)
#   BENCH_BUILD=build/release   the release build folder to build and run
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
# shellcheck source=tests/bench/lib.sh
. "$repo/tests/bench/lib.sh"

parts=" ${BENCH_PARTS:-http post signin wall micro} "
want() { [[ "$parts" == *" $1 "* ]]; }
duration_s="$(to_seconds "${BENCH_DURATION:-10s}")" || die "BENCH_DURATION must look like 10, 10s or 1m"
warmup_s="$(to_seconds "${BENCH_WARMUP:-2s}")" || die "BENCH_WARMUP must look like 2, 2s or 0"
paced_rate="${BENCH_PACED_RATE:-3000}"
wall_steps="${BENCH_WALL_STEPS:-50,100,150,200,225,250,275,300,350,400,500}"
wall_step_s="${BENCH_WALL_STEP_SECONDS:-6}"
wall_big="${BENCH_WALL_BIG:-10000}"
server_cpu="${BENCH_SERVER_CPU:-0}"
client_cpu="${BENCH_CLIENT_CPU:-1}"
build="${BENCH_BUILD:-$repo/build/release}"
harbour_bin="$build/harbour"
seed_bin="$build/tests/bench/seed/harbour_bench_seed"
fanout_bin="$build/tests/bench/harbour_ws_fanout"
micro_bin="$build/tests/bench/micro/harbour_micro"
peers="$repo/tests/bench/peers"
export BENCH_LUA_DIR="$repo/tests/bench/wrk"

# ---------------------------------------------------------------------------------------------
# Set-up: Debian packages, npm modules, builds
sudo_cmd=()
[ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
if [ "${BENCH_SKIP_SETUP:-0}" != 1 ]; then
  need=()
  for pkg in wrk nginx-light openssl curl python3 libbenchmark-dev cmake ninja-build g++ nodejs make; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  # Harbour's own build dependencies come with the test set-up.
  if [ ! -f "$build/CMakeCache.txt" ] || [ "${#need[@]}" -gt 0 ]; then
    say "installing Harbour's build dependencies (deploy/setup.sh --test)"
    bash deploy/setup.sh --test >/dev/null
  fi
  need=()
  for pkg in wrk nginx-light openssl curl python3 libbenchmark-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ "${#need[@]}" -gt 0 ]; then
    say "installing ${need[*]}"
    "${sudo_cmd[@]}" apt-get install -y -q "${need[@]}" >/dev/null
  fi
  say "installing the Node peers (npm ci in tests/bench/peers; better-sqlite3 builds from source)"
  (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  [ -f "$build/CMakeCache.txt" ] || cmake --preset release -B "$build" >/dev/null
  say "building the release binary and the bench tools"
  cmake --build "$build" --target harbour harbour_bench_seed harbour_ws_fanout harbour_micro >/dev/null
  if [ ! -f web/dist/index.html ]; then (cd web && npm run --silent build); fi
fi
for bin in "$harbour_bin" "$seed_bin" "$fanout_bin"; do [ -x "$bin" ] || die "missing $bin (run without BENCH_SKIP_SETUP)"; done
[ -d "$peers/node_modules" ] || die "missing $peers/node_modules (run without BENCH_SKIP_SETUP)"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
for cpu in "$server_cpu" "$client_cpu"; do taskset -c "$cpu" true 2>/dev/null || die "cannot pin to CPU $cpu"; done
ulimit -n "$(ulimit -Hn)"

# ---------------------------------------------------------------------------------------------
# Temporary folder, processes, clean-up
work="$(mktemp -d -t harbour-peers.XXXXXX)"
chmod 0755 "$work"
mkdir -p "$work/results"
harbour_pid="" fastify_pid="" nginx_pid="" ws_pid="" load_pid="" burst_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_process "$load_pid" load
  stop_process "$burst_pid" burst
  stop_process "$harbour_pid" harbour
  stop_process "$fastify_pid" fastify
  stop_process "$nginx_pid" nginx
  stop_process "$ws_pid" ws
  if [ "$rc" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -s "$log" ] || continue
      say "last lines of $(basename "$log"):"; tail -n 8 "$log" >&2
    done
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept temporary files in $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# The database: created and migrated by Harbour itself, then seeded while it is stopped.
data="$work/data"
mkdir -p "$work/web"
cp -r web/dist/. "$work/web/"
port="$(free_port)" || die "no free port"
url="https://127.0.0.1:$port"
cat >"$work/harbour.toml" <<EOF
# Generated by tests/bench/run.sh.
[server]
io_threads = 1
[limits]
max_connections = $(( wall_big + 2000 ))
max_connections_per_ip = $(( wall_big + 1000 ))
[security]
trusted_proxy = "127.0.0.1"
[wall]
member_messages_per_minute = 100000
staff_messages_per_minute = 100000
[log]
level = "warn"
EOF
start_harbour() {
  taskset -c "$server_cpu" "$harbour_bin" serve --config "$work/harbour.toml" --data-dir "$data" \
    --listen "127.0.0.1:$port" --web-root "$work/web" >>"$work/harbour.out" 2>>"$work/harbour.log" </dev/null &
  harbour_pid=$!
  wait_healthy "$url/healthz" "$harbour_pid" Harbour
}
say "creating the database (Harbour's first start) and seeding it"
start_harbour
stop_process "$harbour_pid" harbour; harbour_pid=""
seed_started="$(date +%s%N)"
"$seed_bin" --db "$data/harbour.db" --out "$work/creds.json" >"$work/seed.log" 2>&1 || die "seeding failed: $(tail -n 3 "$work/seed.log")"
seed_ms=$(( ($(date +%s%N) - seed_started) / 1000000 ))
cp "$data/harbour.db" "$work/fastify.db"
python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
c = json.load(open(f"{work}/creds.json"))
with open(f"{work}/sessions.tsv", "w") as f:
    for s in c["sessions"]: f.write(f"{s['cookie']}\t{s['csrf']}\n")
with open(f"{work}/signin.tsv", "w") as f:
    for s in c["signin"]: f.write(f"{s['pseudonym']}\t{s['password']}\n")
with open(f"{work}/topics.txt", "w") as f:
    for t in c["topic_ids"]: f.write(f"{t}\n")
with open(f"{work}/category", "w") as f: f.write(str(c["category_id"]))
json.dump({"counts": c["counts"], "networks": c["networks"], "sessions": len(c["sessions"])}, open(f"{work}/results/seed.json", "w"))
EOF
category="$(cat "$work/category")"
topics_path="/api/v1/categories/$category/topics"
export BENCH_SESSIONS="$work/sessions.tsv" BENCH_SIGNIN="$work/signin.tsv" BENCH_TOPICS="$work/topics.txt" BENCH_PATH="$topics_path"
cert="$data/tls/cert.pem"
key="$data/tls/key.pem"
say "seeded in ${seed_ms} ms; starting Harbour on $url (CPU $server_cpu, 1 I/O thread)"
start_harbour

# ---------------------------------------------------------------------------------------------
# Peers: fastify on its own copy of the database, nginx with a byte-identical answer, ws.
fastify_port="$(free_port "$port")"
ws_port="$(free_port "$port" "$fastify_port")"
nginx_port="$(free_port "$port" "$fastify_port" "$ws_port")"
first_cookie="$(head -n 1 "$work/sessions.tsv" | cut -f1)"
curl -sk --fail -D "$work/harbour-topics.headers" -o "$work/harbour-topics.json" -H "Cookie: $first_cookie" "$url$topics_path" ||
  die "Harbour does not answer the topic list"
mkdir -p "$work/nginx/root/api/v1/categories/$category" "$work/nginx/tmp"
cp "$work/harbour-topics.json" "$work/nginx/root/api/v1/categories/$category/topics"
chmod -R a+rX "$work/nginx"
user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user nobody $(getent group nogroup >/dev/null && echo nogroup || echo nobody);"; fi
cat >"$work/nginx/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx.log warn;
events { worker_connections 4096; }
http {
  access_log off; server_tokens off; gzip off;
  keepalive_timeout 75s; keepalive_requests 1000000;
  client_body_temp_path $work/nginx/tmp/body; proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi; uwsgi_temp_path $work/nginx/tmp/uwsgi; scgi_temp_path $work/nginx/tmp/scgi;
  geo \$dollar { default "\$"; }
  types { }
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $cert;
    ssl_certificate_key $key;
    # Harbour's TLS settings (server/net/tls_context.cpp).
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    root $work/nginx/root;
    location = $topics_path {
      default_type "$(header_value "$work/harbour-topics.headers" content-type)";
$(nginx_headers "$work/harbour-topics.headers")
    }
    location = /healthz { return 200; }
    location / { return 404; }
  }
}
EOF
taskset -c "$server_cpu" "$nginx_bin" -p "$work/nginx/" -c "$work/nginx/nginx.conf" >"$work/nginx.out" 2>&1 </dev/null &
nginx_pid=$!
wait_healthy "https://127.0.0.1:$nginx_port/healthz" "$nginx_pid" nginx
(cd "$peers" && exec taskset -c "$server_cpu" node fastify_server.mjs --port "$fastify_port" --cert "$cert" --key "$key" --db "$work/fastify.db") \
  >"$work/fastify.log" 2>&1 </dev/null &
fastify_pid=$!
wait_healthy "https://127.0.0.1:$fastify_port/healthz" "$fastify_pid" fastify
curl -sk --fail -o "$work/nginx-topics.json" "https://127.0.0.1:$nginx_port$topics_path" || die "nginx does not serve the copy"
cmp -s "$work/nginx-topics.json" "$work/harbour-topics.json" || die "nginx's copy differs from Harbour's answer"
curl -sk --fail -o "$work/fastify-topics.json" -H "Cookie: $first_cookie" "https://127.0.0.1:$fastify_port$topics_path" || die "fastify does not answer the topic list"
same_answer=false
cmp -s "$work/fastify-topics.json" "$work/harbour-topics.json" && same_answer=true
say "topic list: $(wc -c <"$work/harbour-topics.json") bytes; fastify's answer byte-identical to Harbour's: $same_answer"

pids_of() {  # target -> the server's processes
  case "$1" in
    harbour) echo "$harbour_pid" ;;
    fastify) echo "$fastify_pid" ;;
    nginx) echo "$nginx_pid $(cat "/proc/$nginx_pid/task/$nginx_pid/children" 2>/dev/null || true)" ;;
    ws) echo "$ws_pid" ;;
  esac
}
port_of() {
  case "$1" in harbour) echo "$port" ;; fastify) echo "$fastify_port" ;; nginx) echo "$nginx_port" ;; ws) echo "$ws_port" ;; esac
}

# wrk on the client core, bounded; writes $work/results/<name>.json from its BENCH_RESULT line
# plus the server's CPU time per request.
run_wrk() {  # name target script connections duration_s [delay_ms]
  local name="$1" target="$2" script="$3" conns="$4" secs="$5" delay="${6:-0}" out="$work/wrk-$1.txt" line pids t0 t1 s0 s1
  local base="https://127.0.0.1:$(port_of "$target")"
  export BENCH_ORIGIN="$base" BENCH_DELAY_MS="$delay"
  pids="$(pids_of "$target")"
  wait_idle
  if [ "$warmup_s" -gt 0 ]; then
    timeout --kill-after=5 $((warmup_s + 30)) taskset -c "$client_cpu" wrk -t2 -c"$conns" -d"${warmup_s}s" --timeout 5s \
      -s "$BENCH_LUA_DIR/$script" "$base$BENCH_PATH" >"$out.warmup" 2>&1 </dev/null || true
  fi
  say "$name: $target, $conns connections, ${secs}s$([ "$delay" != 0 ] && echo ", ${delay} ms between requests per connection")"
  # shellcheck disable=SC2086
  s0="$(proc_ticks $pids)"; t0="$(date +%s%N)"
  timeout --kill-after=5 $((secs + 30)) taskset -c "$client_cpu" wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s --latency \
    -s "$BENCH_LUA_DIR/$script" "$base$BENCH_PATH" >"$out" 2>&1 </dev/null &
  load_pid=$!
  wait "$load_pid" || die "wrk ($name) failed: $(tail -n 3 "$out")"
  load_pid=""
  # shellcheck disable=SC2086
  t1="$(date +%s%N)"; s1="$(proc_ticks $pids)"
  line="$(sed -n 's/^BENCH_RESULT //p' "$out" | tail -n 1)"
  [ -n "$line" ] || die "wrk ($name) printed no result"
  printf '{"name":"%s","target":"%s","connections":%s,"delay_ms":%s,"server_cpu_s":%s,"wall_s":%s,"wrk":%s}\n' \
    "$name" "$target" "$conns" "$delay" "$(awk -v t=$((s1 - s0)) -v hz="$clk_tck" 'BEGIN { printf "%.3f", t / hz }')" \
    "$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }')" "$line" >"$work/results/wrk-$name.json"
}

paced_delay_ms=$(( 64 * 1000 / paced_rate ))
[ "$paced_delay_ms" -ge 1 ] || paced_delay_ms=1

# ---------------------------------------------------------------------------------------------
if want http; then
  for c in 64 512; do
    for t in harbour fastify nginx; do run_wrk "get-$t-$c" "$t" topics.lua "$c" "$duration_s"; done
  done
  for t in harbour fastify nginx; do run_wrk "paced-$t" "$t" topics.lua 64 "$duration_s" "$paced_delay_ms"; done
fi

if want post; then
  # The replies go to copies of the same database, by the same members, in the same topics.
  for t in harbour fastify; do run_wrk "post-$t" "$t" reply.lua 64 "$duration_s"; done
fi

if want signin; then
  # The paced topic list alone (above, or now), then again while sign-ins arrive as fast as 32
  # connections can send them; the sign-ins start first and end last.
  want http || run_wrk "paced-harbour" harbour topics.lua 64 "$duration_s" "$paced_delay_ms"
  export BENCH_ORIGIN="$url"
  timeout --kill-after=5 $((duration_s + 40)) taskset -c "$client_cpu" wrk -t1 -c32 -d"$((duration_s + 4))s" --timeout 10s --latency \
    -s "$BENCH_LUA_DIR/signin.lua" "$url/api/v1/session" >"$work/wrk-signin-burst.txt" 2>&1 </dev/null &
  burst_pid=$!
  sleep 2
  saved_warmup="$warmup_s"; warmup_s=0
  run_wrk "paced-harbour-during-signin" harbour topics.lua 64 "$duration_s" "$paced_delay_ms"
  warmup_s="$saved_warmup"
  wait "$burst_pid" || die "the sign-in burst failed: $(tail -n 3 "$work/wrk-signin-burst.txt")"
  burst_pid=""
  line="$(sed -n 's/^BENCH_RESULT //p' "$work/wrk-signin-burst.txt" | tail -n 1)"
  printf '{"name":"signin-burst","target":"harbour","wrk":%s}\n' "${line:-null}" >"$work/results/wrk-signin-burst.json"
fi

stop_process "$fastify_pid" fastify; fastify_pid=""
stop_process "$nginx_pid" nginx; nginx_pid=""

if want wall; then
  # A fresh Harbour process for the Wall, so its memory figures start clean.
  stop_process "$harbour_pid" harbour; harbour_pid=""
  start_harbour
  (cd "$peers" && exec taskset -c "$server_cpu" node ws_server.mjs --port "$ws_port" --cert "$cert" --key "$key") \
    >"$work/ws.log" 2>&1 </dev/null &
  ws_pid=$!
  wait_healthy "https://127.0.0.1:$ws_port/healthz" "$ws_pid" ws
  fanout() {  # name target receivers extra-args...
    local name="$1" target="$2" n="$3" rc=0
    shift 3
    local args=(--target "$target" --port "$(port_of "$target")" --ca "$cert" --server-pid "$(pids_of "$target")"
                --clients "$n" --label "$name" --json "$work/results/wall-$name.json" --md "$work/wall-$name.md"
                --hard-timeout 900 "$@")
    [ "$target" = harbour ] && args+=(--harbour "$harbour_bin" --data-dir "$data")
    wait_idle
    say "wall $name: harbour_ws_fanout ${args[*]}"
    timeout --kill-after=10 960 taskset -c "$client_cpu" "$fanout_bin" "${args[@]}" >"$work/wall-$name.out" 2>&1 &
    load_pid=$!
    wait "$load_pid" || rc=$?
    load_pid=""
    [ "$rc" -le 1 ] || die "harbour_ws_fanout ($name) failed (exit $rc): $(tail -n 5 "$work/wall-$name.out")"
  }
  # The first step (at the first rate) warms each server up and is not counted.
  warm="${wall_steps%%,*}"
  fanout "harbour-1k-steps" harbour 1000 --step-rates "$warm,$wall_steps" --warmup-steps 1 --step-duration "$wall_step_s" --name-prefix Stepping
  fanout "ws-1k-steps" ws 1000 --step-rates "$warm,$wall_steps" --warmup-steps 1 --step-duration "$wall_step_s"
  fanout "harbour-${wall_big}-10ps" harbour "$wall_big" --rate 10 --duration 20 --name-prefix Crowd
  fanout "ws-${wall_big}-10ps" ws "$wall_big" --rate 10 --duration 20
fi
stop_process "$harbour_pid" harbour; harbour_pid=""
stop_process "$ws_pid" ws; ws_pid=""

if want micro; then
  if [ -x "$micro_bin" ]; then
    say "microbenchmarks (harbour_micro)"
    taskset -c "$server_cpu" "$micro_bin" --benchmark_format=json --benchmark_out="$work/results/micro.json" \
      --benchmark_out_format=json >/dev/null 2>"$work/micro.log" || die "harbour_micro failed: $(tail -n 3 "$work/micro.log")"
  else
    say "warning: no $micro_bin; skipping the microbenchmarks"
  fi
fi

# ---------------------------------------------------------------------------------------------
# Report
results="$repo/tests/bench/results"
mkdir -p "$results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git status --porcelain -- server 2>/dev/null | head -c1)" ] || commit="$commit+changes"
python3 "$repo/tests/bench/report.py" "$work/results" \
  --meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "commit=$commit" "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
         "ncpu=$(nproc)" "harbour=$("$harbour_bin" --version | head -n 1)" "node=$(node --version)" \
         "nginx=$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')" "openssl=$(openssl version)" \
         "fastify_same_answer=$same_answer" "topic_list_bytes=$(wc -c <"$work/harbour-topics.json")" "seed_ms=$seed_ms" \
         "paced_rate=$paced_rate" "duration_s=$duration_s" \
  --md "$results/peers-$stamp.md" --json "$results/peers-$stamp.json"
cp "$results/peers-$stamp.md" "$results/peers-latest.md"
cp "$results/peers-$stamp.json" "$results/peers-latest.json"
cat "$results/peers-latest.md"
say "results in $results/peers-$stamp.{md,json} (also peers-latest.*)"
