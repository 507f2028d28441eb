#!/usr/bin/env bash
# The Wall's WebSocket fan-out: one-command benchmark (TLS, loopback only).
#
#   bash tests/bench/ws_run.sh
#
# What it does, for each socket count in WS_CLIENTS (default "1000 10000"):
#   1. builds the release binary and the load tool (cmake --preset release; cmake --build --preset
#      release --target harbour harbour_ws_fanout) unless WS_SKIP_BUILD=1;
#   2. raises `ulimit -n` to the hard limit (each side needs a descriptor per socket);
#   3. starts Harbour on 127.0.0.1:<free port> with a fresh temporary data folder and a config that
#      raises limits.max_connections and limits.max_connections_per_ip above the socket count and
#      wall.member_messages_per_minute / wall.staff_messages_per_minute above the posting rate,
#      pinned to WS_SERVER_CPU (default 0);
#   4. runs tests/bench/ws_fanout.cpp (harbour_ws_fanout, pinned to WS_CLIENT_CPU, default 1): it
#      creates WS_ACCOUNTS member accounts and an admin through `harbour invite create` and the
#      JSON API (the admin confirms TOTP, sets the moderation policy to post_moderate with
#      first_posts 0 and the office hours to all week, 00:00-24:00), measures the server's VmRSS,
#      opens the sockets (wss://127.0.0.1:<port>/ws?wall=default, spread over the member sessions),
#      waits for every hello, measures VmRSS again, posts Wall messages at WS_RATE per second for
#      WS_DURATION through POST /api/v1/networks/default/wall/messages and times every delivery
#      of every message on every socket;
#   5. stops Harbour, then writes every run as JSON and Markdown into tests/bench/results/
#      (ws-<time>.{json,md} and ws-latest.{json,md}) and prints the table.
# It stops everything it started and removes its temporary files on exit, even on Ctrl-C.
#
# Settings (environment):
#   WS_CLIENTS="1000 10000"   socket counts, one fresh server each
#   WS_RATE=10                Wall messages per second (open loop: message i is due at i / rate)
#   WS_DURATION=20s           posting time (N, Ns or Nm)
#   WS_ACCOUNTS=8             member sessions the sockets are spread over
#   WS_POSTERS=0              posting members, one keep-alive HTTPS connection each (0: min(accounts, 8))
#   WS_POST_AS=member         member | admin (staff skip office hours and the moderation gate)
#   WS_BODY_CHARS=160         length of each message body
#   WS_IO_THREADS=1           the tool's I/O threads (the sockets are shared out over them)
#   WS_CONNECT_CONCURRENCY=256  handshakes in flight while connecting
#   WS_SETTLE=3               seconds between the last hello and the idle RSS reading
#   WS_DRAIN=10               after the last post, wait for the deliveries until none came for this long
#   WS_DRAIN_MAX=120          ... and at most this long
#   WS_SERVER_CPU=0           CPU list for Harbour ("all": not pinned)
#   WS_CLIENT_CPU=1           CPU list for the tool ("all": not pinned)
#   WS_WAIT_IDLE=0            before each run, wait up to N s for the machine to be quiet
#   WS_NO_WALL=1              connect to plain /ws and post nothing (idle sockets and memory only)
#   WS_HARBOUR_LOG_LEVEL=warn Harbour's log.level
#   WS_SKIP_BUILD=1           do not run cmake (use HARBOUR_BIN and WS_TOOL_BIN as they are)
#   HARBOUR_BIN=build/release/harbour   WS_TOOL_BIN=build/release/tests/bench/harbour_ws_fanout
#   WS_KEEP=1                 keep the temporary folder (server logs, configs, raw JSON)
#   Other HARBOUR_* variables reach Harbour as usual, e.g. HARBOUR_SERVER_IO_THREADS=2 (then give
#   WS_SERVER_CPU=0,1 too).
#
# Every run is bounded in time (the tool's --hard-timeout plus a `timeout` guard) and only talks to
# 127.0.0.1.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

# shellcheck source=tests/bench/lib.sh
. "$repo/tests/bench/lib.sh"  # free ports, stopping processes, health polling, wait_idle
say() { printf 'ws-bench: %s\n' "$*" >&2; }
die() { printf 'ws-bench: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Settings
is_count() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }

clients_list="${WS_CLIENTS:-1000 10000}"
rate="${WS_RATE:-10}"
duration_s="$(to_seconds "${WS_DURATION:-20s}")" || die "WS_DURATION must look like 20, 20s or 1m (got '${WS_DURATION:-}')"
accounts="${WS_ACCOUNTS:-8}"
posters="${WS_POSTERS:-0}"
post_as="${WS_POST_AS:-member}"
body_chars="${WS_BODY_CHARS:-160}"
io_threads="${WS_IO_THREADS:-1}"
concurrency="${WS_CONNECT_CONCURRENCY:-256}"
settle="${WS_SETTLE:-3}"
drain="${WS_DRAIN:-10}"
drain_max="${WS_DRAIN_MAX:-120}"
server_cpu="${WS_SERVER_CPU:-0}"
client_cpu="${WS_CLIENT_CPU:-1}"
log_level="${WS_HARBOUR_LOG_LEVEL:-warn}"
no_wall="${WS_NO_WALL:-0}"
harbour_bin="${HARBOUR_BIN:-$repo/build/release/harbour}"
tool_bin="${WS_TOOL_BIN:-$repo/build/release/tests/bench/harbour_ws_fanout}"
results_dir="$repo/tests/bench/results"

for n in $clients_list; do is_count "$n" || die "WS_CLIENTS must be whole numbers (got '$n')"; done
for v in accounts io_threads concurrency drain drain_max; do is_count "${!v}" || die "WS_${v^^} must be a positive whole number"; done
[[ "$posters" =~ ^[0-9]+$ ]] || die "WS_POSTERS must be a whole number"
[[ "$settle" =~ ^[0-9]+$ ]] || die "WS_SETTLE must be a whole number of seconds"
[[ "$rate" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "WS_RATE must be a number (messages per second)"
[ "$duration_s" -ge 1 ] || die "WS_DURATION must be at least 1 second"
[[ "$post_as" == member || "$post_as" == admin ]] || die "WS_POST_AS is member or admin"

for tool in curl taskset timeout awk; do
  command -v "$tool" >/dev/null 2>&1 || die "missing $tool (bash deploy/setup.sh --test installs the test tools)"
done
pin() {  # cpu-list -> command prefix
  if [ "$1" = all ]; then echo ""; else echo "taskset -c $1"; fi
}
for cpu in "$server_cpu" "$client_cpu"; do
  [ "$cpu" = all ] || taskset -c "$cpu" true 2>/dev/null || die "cannot pin to CPU $cpu (WS_SERVER_CPU / WS_CLIENT_CPU); this machine has $(nproc)"
done

# ---------------------------------------------------------------------------------------------
# Build
if [ "${WS_SKIP_BUILD:-0}" != 1 ]; then
  if [ ! -f build/release/CMakeCache.txt ]; then
    say "configuring the release build (cmake --preset release)"
    cmake --preset release >/dev/null || die "cmake --preset release failed"
  fi
  say "building (cmake --build --preset release --target harbour harbour_ws_fanout)"
  cmake --build --preset release --target harbour harbour_ws_fanout ||
    die "the release build failed (see above); fix it, or set WS_SKIP_BUILD=1 with HARBOUR_BIN and WS_TOOL_BIN"
fi
[ -x "$harbour_bin" ] || die "no Harbour binary at $harbour_bin"
[ -x "$tool_bin" ] || die "no load tool at $tool_bin (cmake --build --preset release --target harbour_ws_fanout)"

# ---------------------------------------------------------------------------------------------
# Descriptors: one per socket on each side, plus some.
max_clients=0
for n in $clients_list; do [ "$n" -gt "$max_clients" ] && max_clients="$n"; done
hard_nofile="$(ulimit -Hn)"
if [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt $(( max_clients + 512 )) ]; then
  die "the hard open-file limit is $hard_nofile, below $(( max_clients + 512 )) (WS_CLIENTS up to $max_clients); raise it (e.g. /etc/security/limits.conf or systemd LimitNOFILE) or lower WS_CLIENTS"
fi
ulimit -n "$hard_nofile"

# ---------------------------------------------------------------------------------------------
# Temporary folder and clean-up
work="$(mktemp -d -t harbour-ws-bench.XXXXXX)"
harbour_pid=""
tool_pid=""

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_process "$tool_pid" harbour_ws_fanout
  stop_process "$harbour_pid" harbour
  if [ "$rc" -ne 0 ] && [ -n "${current_log:-}" ] && [ -s "$current_log" ]; then
    say "last lines of Harbour's log:"; tail -n 20 "$current_log" >&2
  fi
  if [ "${WS_KEEP:-0}" = 1 ]; then say "kept temporary files in $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The Wall's rate limits exist once the Wall does; a key the binary does not know stops it.
config_keys="$("$harbour_bin" config 2>/dev/null || true)"
has_key() { grep -qF "\`$1\`" <<<"$config_keys"; }
effective_posters="$posters"
if [ "$effective_posters" -eq 0 ]; then
  if [ "$post_as" = admin ]; then effective_posters=1; else effective_posters=$(( accounts < 8 ? accounts : 8 )); fi
fi
per_minute="$(awk -v r="$rate" -v p="$effective_posters" 'BEGIN { v = int(r * 60 / p * 2 + 60.999); if (v < 60) v = 60; print v }')"

# ---------------------------------------------------------------------------------------------
# Runs
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
date_iso="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$repo" status --porcelain -- server 2>/dev/null | head -c1)"
[ -n "$dirty" ] && commit="$commit+changes"
harbour_version="$("$harbour_bin" --version 2>/dev/null | head -1 || echo harbour)"
binary_built="$(date -u -r "$harbour_bin" +%Y-%m-%dT%H:%M:%SZ)"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
run_names=()
status_all=0

for n in $clients_list; do
  run="$work/n$n"
  mkdir -p "$run/web"
  echo '<!doctype html><html lang="en"><title>Harbour ws bench</title></html>' >"$run/web/index.html"
  {
    echo "# Generated by tests/bench/ws_run.sh for $n sockets."
    echo "[limits]"
    echo "max_connections = $(( n + 1000 > 20000 ? n + 1000 : 20000 ))"
    echo "max_connections_per_ip = $(( n + 1000 ))"
    echo "[log]"
    echo "level = \"$log_level\""
    if [ "$no_wall" != 1 ]; then
      if has_key wall.member_messages_per_minute; then
        echo "[wall]"
        echo "member_messages_per_minute = $per_minute"
        has_key wall.staff_messages_per_minute && echo "staff_messages_per_minute = $per_minute"
      else
        say "warning: this binary has no wall.member_messages_per_minute setting (is the Wall built?); posts may be rate-limited"
      fi
    fi
  } >"$run/harbour.toml"

  port="$(free_port)" || die "found no free port"
  current_log="$run/harbour.log"
  say "[$n sockets] starting Harbour on https://127.0.0.1:$port (CPU $server_cpu, log level $log_level)"
  # shellcheck disable=SC2046  # pin() is a command prefix or nothing
  $(pin "$server_cpu") "$harbour_bin" serve --config "$run/harbour.toml" --data-dir "$run/data" \
    --listen "127.0.0.1:$port" --web-root "$run/web" >"$run/harbour.out" 2>"$run/harbour.log" </dev/null &
  harbour_pid=$!
  wait_healthy "https://127.0.0.1:$port/healthz" "$harbour_pid" Harbour
  wait_idle "${WS_WAIT_IDLE:-0}"

  args=(--port "$port" --ca "$run/data/tls/cert.pem" --server-pid "$harbour_pid" --harbour "$harbour_bin"
        --data-dir "$run/data" --clients "$n" --accounts "$accounts" --posters "$posters" --post-as "$post_as"
        --io-threads "$io_threads" --rate "$rate" --duration "$duration_s" --body-chars "$body_chars"
        --connect-concurrency "$concurrency" --settle "$settle" --drain "$drain" --drain-max "$drain_max"
        --label "$n sockets" --json "$run/result.json" --md "$run/result.md")
  [ "$no_wall" = 1 ] && args+=(--no-wall)
  # Bounded: connecting (60 s + 10 ms a socket at most), posting, draining, closing, plus set-up.
  hard=$(( 120 + n / 100 + duration_s + 30 + drain_max ))
  args+=(--hard-timeout "$hard")
  say "[$n sockets] harbour_ws_fanout ${args[*]}"
  rc=0
  # shellcheck disable=SC2046
  timeout --kill-after=10 $(( hard + 60 )) $(pin "$client_cpu") "$tool_bin" "${args[@]}" &
  tool_pid=$!
  wait "$tool_pid" || rc=$?
  tool_pid=""
  [ "$rc" -eq 0 ] || status_all=1
  [ "$rc" -le 1 ] || say "[$n sockets] the tool failed (exit $rc)"

  server_alive=1
  kill -0 "$harbour_pid" 2>/dev/null || server_alive=0
  stop_process "$harbour_pid" harbour
  harbour_pid=""
  errors="$(grep -c '"level":"error"' "$run/harbour.log" || true)"
  warns="$(grep -c '"level":"warn"' "$run/harbour.log" || true)"
  slow="$(grep -c 'ws_slow_consumer' "$run/harbour.log" || true)"
  top_events="$(grep -o '"event":"[a-z_]*"' "$run/harbour.log" | sort | uniq -c | sort -rn | head -5 |
                awk '{ sub(/"event":/, "", $2); printf "%s%s×%s", (NR > 1 ? ", " : ""), $2, $1 }')"
  printf '{"clients": %s, "exit_code": %s, "server_alive_at_end": %s, "log_errors": %s, "log_warnings": %s, "ws_slow_consumer": %s, "top_log_events": "%s", "port": %s}\n' \
    "$n" "$rc" "$([ "$server_alive" = 1 ] && echo true || echo false)" "${errors:-0}" "${warns:-0}" "${slow:-0}" \
    "${top_events//\"/}" "$port" >"$run/server.json"
  if [ "${errors:-0}" -gt 0 ]; then
    say "[$n sockets] Harbour logged $errors error(s); first ones:"
    grep '"level":"error"' "$run/harbour.log" | head -3 | cut -c1-400 >&2
  fi
  [ "$server_alive" = 1 ] || say "[$n sockets] Harbour was not running at the end of the run (crashed?)"
  run_names+=("$n")
  current_log=""
done

# ---------------------------------------------------------------------------------------------
# Results
mkdir -p "$results_dir"
md="$results_dir/ws-$stamp.md"
json="$results_dir/ws-$stamp.json"
pin_note() { if [ "$1" = all ]; then echo "not pinned"; else echo "CPU $1"; fi; }

{
  echo "# WebSocket fan-out: the Wall"
  echo
  first=1
  notes=""
  for n in "${run_names[@]}"; do
    f="$work/n$n/result.md"
    if [ ! -s "$f" ]; then
      notes+=$'\n'"- $n sockets: the tool wrote no result (exit $(sed -E 's/.*"exit_code": ([0-9]+).*/\1/' "$work/n$n/server.json"))."
      continue
    fi
    if [ "$first" = 1 ]; then sed -n 1,2p "$f"; first=0; fi
    sed -n 3p "$f"
    rest="$(sed -n '4,$p' "$f")"
    [ -n "$rest" ] && notes+=$'\n'"$rest"
    s="$work/n$n/server.json"
    if grep -q '"log_errors": [1-9]' "$s" || grep -q '"server_alive_at_end": false' "$s" || grep -q '"ws_slow_consumer": [1-9]' "$s"; then
      notes+=$'\n'"- $n sockets, Harbour's log: $(cat "$s")"
    fi
  done
  [ -n "$notes" ] && printf '%s\n' "$notes"
  echo
  echo "$date_iso; $(nproc) CPUs ($cpu_model); Harbour on $(pin_note "$server_cpu"), the tool on $(pin_note "$client_cpu") with $io_threads I/O thread(s);"
  if [ "$no_wall" = 1 ]; then
    echo "plain /ws sockets (no Wall, no posts); $accounts member sessions; $harbour_version (working tree at commit $commit; binary built $binary_built; log level $log_level)."
  else
    echo "$rate messages/s for ${duration_s}s from $effective_posters $post_as connection(s), bodies of $body_chars characters; sockets on /ws?wall=default spread over $accounts member sessions; $harbour_version (working tree at commit $commit; binary built $binary_built; log level $log_level)."
    echo
    echo "posted/s = published messages ÷ posting window (n sends span n−1 intervals; the window is n intervals from the first send);"
    echo "delivered/s = deliveries that arrived within that window ÷ its length; ideal/s = posted/s × sockets; ratio = delivered/s ÷ ideal/s"
    echo "(1.0 when the fan-out keeps pace; below it when deliveries lag). expected = published × sockets; lost = expected − delivered once deliveries stop (${drain}s without one, at most ${drain_max}s after the last post)."
    echo "server µs per delivery = the server's CPU time from the first post to the end of the drain ÷ deliveries."
    echo "Latency: POST written (CLOCK_MONOTONIC in the body) to the event read on the socket, so it includes the POST's commit."
  fi
  echo "KiB per idle socket = (server VmRSS after every hello and ${settle}s − before) ÷ open sockets."
} >"$md"

{
  printf '{\n  "date": "%s",\n  "commit": "%s",\n  "harbour": "%s",\n  "binary_built": "%s",\n' "$date_iso" "$commit" "$harbour_version" "$binary_built"
  printf '  "machine": {"nproc": %s, "cpu_model": "%s"},\n' "$(nproc)" "$cpu_model"
  printf '  "settings": {"clients": "%s", "rate": %s, "duration_s": %s, "accounts": %s, "posters": %s, "post_as": "%s", "body_chars": %s, "io_threads": %s, "connect_concurrency": %s, "server_cpu": "%s", "client_cpu": "%s", "log_level": "%s", "no_wall": %s, "wall_messages_per_minute": %s},\n' \
    "$clients_list" "$rate" "$duration_s" "$accounts" "$effective_posters" "$post_as" "$body_chars" "$io_threads" "$concurrency" \
    "$server_cpu" "$client_cpu" "$log_level" "$([ "$no_wall" = 1 ] && echo true || echo false)" "$per_minute"
  printf '  "runs": [\n'
  sep=""
  for n in "${run_names[@]}"; do
    r="$work/n$n/result.json"
    printf '%s    {"server": %s, "tool": %s}' "$sep" "$(cat "$work/n$n/server.json")" "$( [ -s "$r" ] && cat "$r" || echo null)"
    sep=$',\n'
  done
  printf '\n  ]\n}\n'
} >"$json"
cp "$md" "$results_dir/ws-latest.md"
cp "$json" "$results_dir/ws-latest.json"

echo
cat "$md"
echo
say "results in ${md#"$repo"/} and ${json#"$repo"/} (also ws-latest.md, ws-latest.json)"
exit "$status_all"
