#!/usr/bin/env bash
# End-to-end check of harbour_bench_seed, as the bench uses it: make a data folder with the real
# server (--demo), seed it, start the server on it and, with curl and one seeded session, list the
# bench category's topics, post a reply (201, published: not held by the gate), sign in with a
# `signin` account; then stop the server and run `harbour audit verify` and PRAGMA integrity_check.
#
#   bash tests/bench/seed/check.sh [BUILD_DIR]     (default build/release; needs the targets
#                                                    harbour and harbour_bench_seed built there)
# Everything lives in a temporary folder; the servers it starts listen on 127.0.0.1 on a free port
# and are stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
BUILD="${1:-$ROOT/build/release}"
HARBOUR="$BUILD/harbour"
SEED="$BUILD/tests/bench/seed/harbour_bench_seed"
for bin in "$HARBOUR" "$SEED"; do
  [[ -x "$bin" ]] || { echo "missing $bin (cmake --build $BUILD --target harbour harbour_bench_seed)" >&2; exit 2; }
done
command -v curl >/dev/null && command -v python3 >/dev/null && command -v sqlite3 >/dev/null ||
  { echo "needs curl, python3 and sqlite3" >&2; exit 2; }

WORK="$(mktemp -d /tmp/harbour-seed-check.XXXXXX)"
SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# Starts the server on $WORK/data, port 0; sets SERVER_PID and BASE.
start_server() {
  : >"$WORK/server.out"
  HARBOUR_LOG_LEVEL=warn "$HARBOUR" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 "$@" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  local port=""
  for _ in $(seq 100); do
    port="$(grep -o 'https://localhost:[0-9]*' "$WORK/server.out" | head -1 | cut -d: -f3 || true)"
    [[ -n "$port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "server did not start" >&2; exit 1; }
  BASE="https://127.0.0.1:$port"
}

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== the real server makes and migrates the database (with demo content), then stops"
start_server --demo
stop_server

echo "== seed"
start=$(date +%s.%N)
"$SEED" --db "$WORK/data/harbour.db" --out "$WORK/creds.json"
echo "seed took $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s (wall clock, with process start)"

echo "== server on the seeded database"
start_server
read -r CATEGORY COOKIE CSRF TOPIC PSEUDONYM PASSWORD_FILE < <(python3 - "$WORK" <<'EOF'
import json, sys
work = sys.argv[1]
c = json.load(open(f"{work}/creds.json"))
assert c["counts"]["networks"] == len(c["networks"]) and c["network"] == c["networks"][0]
assert len(c["topic_ids"]) == 100 and len(c["sessions"]) == 512 and len(c["signin"]) == 600
assert not {s["pseudonym"] for s in c["sessions"]} & {s["pseudonym"] for s in c["signin"]}
s = c["sessions"][len(c["sessions"]) // 2]
assert s["cookie"].startswith(c["cookie_name"] + "=")
open(f"{work}/password", "w").write(c["signin"][0]["password"])
print(c["category_id"], s["cookie"], s["csrf"], c["topic_ids"][0], c["signin"][0]["pseudonym"], f"{work}/password")
EOF
)

code=$(curl -sk -o "$WORK/topics.json" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/api/v1/categories/$CATEGORY/topics")
[[ "$code" == 200 ]] || fail "GET topics: $code"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['topics']) == 25, d; print('GET /api/v1/categories/$CATEGORY/topics: 200,', len(d['topics']), 'topics, newest:', d['topics'][0]['title'])" "$WORK/topics.json"

code=$(curl -sk -o "$WORK/reply.json" -w '%{http_code}' -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
  -H "Origin: $BASE" -H 'Content-Type: application/json' \
  -d '{"body":"Thank you for sharing this. A short walk at lunchtime helps me too."}' "$BASE/api/v1/topics/$TOPIC/replies")
[[ "$code" == 201 ]] || fail "POST reply: $code $(cat "$WORK/reply.json")"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['moderation']['outcome'] == 'published' and d['post']['state'] == 'published', d; print('POST /api/v1/topics/$TOPIC/replies: 201, published')" "$WORK/reply.json"

code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
  -d '{"body":"no token"}' "$BASE/api/v1/topics/$TOPIC/replies")
[[ "$code" == 403 ]] || fail "POST reply without CSRF token: $code (want 403)"

body=$(python3 -c "import json,sys; print(json.dumps({'pseudonym': sys.argv[1], 'password': open(sys.argv[2]).read()}))" "$PSEUDONYM" "$PASSWORD_FILE")
code=$(curl -sk -o "$WORK/signin.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "$BASE/api/v1/session")
[[ "$code" == 200 ]] || fail "sign-in as $PSEUDONYM: $code $(cat "$WORK/signin.json")"
echo "POST /api/v1/session as $PSEUDONYM: 200"
stop_server

echo "== audit log and integrity"
"$HARBOUR" audit verify --data-dir "$WORK/data"
[[ "$(sqlite3 "$WORK/data/harbour.db" 'PRAGMA integrity_check')" == ok ]] || fail "integrity_check"
[[ -z "$(sqlite3 "$WORK/data/harbour.db" 'PRAGMA foreign_key_check')" ]] || fail "foreign_key_check"
echo "integrity_check: ok; foreign_key_check: ok"
echo "OK"
