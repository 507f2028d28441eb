#!/usr/bin/env bash
# Times `harbour backup` under write load and `harbour restore` on a database of realistic size
# (the figures in README.md, "Backups"). Not a ctest test: it takes a few minutes.
#  1. Makes the database as tests/bench/run.sh does: Harbour's first start creates and migrates
#     it, harbour_bench_seed fills it while the server is stopped (2 networks, 1,000 topics,
#     20,000 replies, 2,000 members, 512 signed-in sessions).
#  2. Starts the server and a steady write load: wrk posts replies through it with the seeded
#     sessions (tests/bench/wrk/reply.lua; MEASURE_CONNECTIONS connections, each pausing
#     MEASURE_DELAY_MS between requests).
#  3. Runs `harbour backup` MEASURE_BACKUPS times under that load, counting the replies committed
#     while each ran (so a backup that blocked the writer would show).
#  4. Stops the load and the server, restores the newest backup, runs `harbour audit verify`, and
#     starts the server again on the restored folder (/readyz).
#
#   bash tests/hardening/backup_measure.sh [BUILD_DIR]    (default build/release, with the
#        targets harbour and harbour_bench_seed built: cmake --build build/release --target
#        harbour harbour_bench_seed)
#   MEASURE_SEED_ARGS="--topics 10000 --replies 200000" for a larger community (seed's flags).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build/release}"
harbour="$build/harbour"
seed="$build/tests/bench/seed/harbour_bench_seed"
backups="${MEASURE_BACKUPS:-5}"
connections="${MEASURE_CONNECTIONS:-16}"
delay_ms="${MEASURE_DELAY_MS:-50}"
read -r -a seed_args <<<"${MEASURE_SEED_ARGS:-}"
# shellcheck source=tests/bench/lib.sh
. "$root/tests/bench/lib.sh"
for bin in "$harbour" "$seed"; do [ -x "$bin" ] || die "missing $bin (cmake --build $build --target harbour harbour_bench_seed)"; done
for tool in wrk curl python3 sqlite3; do command -v "$tool" >/dev/null || die "$tool is missing"; done

work="$(mktemp -d -t harbour-backup-measure.XXXXXX)"
data="$work/data"
pid=""
load_pid=""
cleanup() {
  if [ -n "$load_pid" ]; then kill "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; fi
  stop_process "$pid" harbour
  rm -rf "$work"
}
trap cleanup EXIT
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

cat >"$work/harbour.toml" <<EOF
[security]
trusted_proxy = "127.0.0.1"
[log]
level = "warn"
EOF
start_server() {
  port="$(free_port)" || die "no free port"
  "$harbour" serve --config "$work/harbour.toml" --data-dir "$data" --listen "127.0.0.1:$port" \
    >>"$work/server.out" 2>>"$work/server.log" </dev/null &
  pid=$!
  wait_healthy "https://127.0.0.1:$port/readyz" "$pid" Harbour
}

say "creating the database (Harbour's first start) and seeding it"
start_server
stop_process "$pid" harbour; pid=""
t0="$(date +%s%N)"
"$seed" --db "$data/harbour.db" --out "$work/creds.json" "${seed_args[@]}" >"$work/seed.log" 2>&1 || die "seeding failed: $(tail -n 3 "$work/seed.log")"
say "seeded in $(ms_since "$t0") ms"
python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
c = json.load(open(f"{work}/creds.json"))
with open(f"{work}/sessions.tsv", "w") as f:
    for s in c["sessions"]: f.write(f"{s['cookie']}\t{s['csrf']}\n")
with open(f"{work}/topics.txt", "w") as f:
    for t in c["topic_ids"]: f.write(f"{t}\n")
print("seeded:", json.dumps(c["counts"]))
EOF
db_rows() { sqlite3 "file:$data/harbour.db?mode=ro" "SELECT (SELECT count(*) FROM posts) || ' posts, ' || (SELECT count(*) FROM users) || ' users, ' || (SELECT count(*) FROM audit_log) || ' audit rows'"; }
seeded="$(mib "$(stat -c %s "$data/harbour.db")"), $(db_rows)"
say "database: $seeded"

start_server
export BENCH_LUA_DIR="$root/tests/bench/wrk" BENCH_SESSIONS="$work/sessions.tsv" BENCH_TOPICS="$work/topics.txt"
export BENCH_ORIGIN="https://127.0.0.1:$port" BENCH_DELAY_MS="$delay_ms"
wrk -t1 -c"$connections" -d3600s --timeout 5s -s "$BENCH_LUA_DIR/reply.lua" "https://127.0.0.1:$port/" \
  >"$work/wrk.txt" 2>&1 </dev/null &
load_pid=$!
sleep 5
max_post() { sqlite3 "file:$data/harbour.db?mode=ro" "SELECT max(id) FROM posts"; }
p0="$(max_post)"; sleep 5; p1="$(max_post)"
[ "$p1" -gt "$p0" ] || die "the reply load commits nothing (see $work/wrk.txt)"
say "write load: wrk, $connections connections, ${delay_ms} ms apart: $(( (p1 - p0) / 5 )) replies committed a second"

mkdir -p "$work/backups"
results=()
for i in $(seq 1 "$backups"); do
  before="$(max_post)"
  t0="$(date +%s%N)"
  "$harbour" backup --data-dir "$data" --to "$work/backups" >"$work/backup$i.out" 2>&1 || { cat "$work/backup$i.out" >&2; die "backup $i failed"; }
  wall="$(ms_since "$t0")"
  after="$(max_post)"
  copied="$(sed -n 's/^  copied in \([0-9.]*\) s, checked in \([0-9.]*\) s$/\1/p' "$work/backup$i.out")"
  checked="$(sed -n 's/^  copied in \([0-9.]*\) s, checked in \([0-9.]*\) s$/\2/p' "$work/backup$i.out")"
  size="$(sed -n 's/^  \([0-9]*\) bytes .*/\1/p' "$work/backup$i.out")"
  results+=("backup $i: $(mib "$size"), copy ${copied} s, check ${checked} s, whole command ${wall} ms; $(( after - before )) replies committed meanwhile")
  say "${results[-1]}"
  sleep 2
done
wal="$(stat -c %s "$data/harbour.db-wal" 2>/dev/null || echo 0)"
kill "$load_pid" 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; load_pid=""
grep -E "Non-2xx|Socket errors" "$work/wrk.txt" >&2 || true
stop_process "$pid" harbour; pid=""
say "server stopped; the database before the restore: $(mib "$(stat -c %s "$data/harbour.db")") ($(db_rows)); -wal was $(mib "$wal")"

newest="$(find "$work/backups" -name 'harbour-*Z.db' | sort | tail -n 1)"
t0="$(date +%s%N)"
"$harbour" restore --from "$newest" --data-dir "$data" >"$work/restore.out" 2>"$work/restore.err" || { cat "$work/restore.out" "$work/restore.err" >&2; die "restore failed"; }
restore_wall="$(ms_since "$t0")"
cat "$work/restore.out"
t0="$(date +%s%N)"
"$harbour" audit verify --data-dir "$data"
verify_ms="$(ms_since "$t0")"
start_server
stop_process "$pid" harbour; pid=""

echo
echo "== results ($(nproc) cores, $(uname -r); seeded database $seeded)"
printf '%s\n' "${results[@]}"
echo "restore: $(sed -n 's/^  done in //p' "$work/restore.out") inside the command, ${restore_wall} ms for the whole command"
echo "audit verify after the restore: ${verify_ms} ms; the server started again on the restored folder and answered /readyz"
