#!/usr/bin/env bash
# Backup and restore against the real binary (issue 8, item 11). A demo server runs on a
# temporary data folder while a second process keeps committing (`harbour invite create`, one
# invitation and one audit row each) and `harbour backup` runs several times; every backup must
# pass its own checks, and no write beside it may fail. Then: a second `serve` and a `restore`
# are both refused while the server runs; the server stops; the newest backup is restored;
# `harbour audit verify` passes, sqlite3's integrity_check says ok, the newest audit row is the
# restore's, the database holds exactly the backup's invitations and the previous database is
# kept; and the server starts again on the restored folder and answers /readyz.
#   bash tests/hardening/backup_restore.sh path/to/harbour
set -euo pipefail
harbour="${1:?usage: backup_restore.sh path/to/harbour}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/bench/lib.sh
. "$here/../bench/lib.sh"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (deploy/setup.sh installs it)"

work="$(mktemp -d -t harbour-backup.XXXXXX)"
data="$work/data"
pid=""
loop_pid=""
cleanup() {
  touch "$work/stop"
  if [ -n "$loop_pid" ]; then wait "$loop_pid" 2>/dev/null || true; fi
  stop_process "$pid" harbour
  rm -rf "$work"
}
trap cleanup EXIT

failures=()
fail() { failures+=("$1"); printf 'FAIL: %s\n' "$1" >&2; }
sql() { sqlite3 -bail "file:$1?mode=ro" "$2"; }

start_server() {  # extra flags...
  port="$(free_port)" || die "no free port"
  "$harbour" serve --data-dir "$data" --listen "127.0.0.1:$port" --log-level warn "$@" >>"$work/server.log" 2>&1 </dev/null &
  pid=$!
  wait_healthy "https://127.0.0.1:$port/readyz" "$pid" Harbour
}

start_server --demo
echo "server up on port $port (demo content)"

# The load: invitations committed one after another by a second process, beside the server.
: >"$work/invites.ok"
(
  while [ ! -e "$work/stop" ]; do
    if "$harbour" invite create --data-dir "$data" --role member --note "backup load" >/dev/null 2>>"$work/invites.err"; then
      echo >>"$work/invites.ok"
    else
      echo >>"$work/invites.failed"
    fi
  done
) &
loop_pid=$!
for _ in $(seq 1 300); do [ "$(wc -l <"$work/invites.ok")" -ge 3 ] && break; sleep 0.1; done
[ "$(wc -l <"$work/invites.ok")" -ge 3 ] || die "the invitation loop committed nothing"

mkdir -p "$work/backups" "$work/folder"
heads=()
for i in 1 2 3 4; do
  before="$(wc -l <"$work/invites.ok")"
  if [ "$i" = 4 ]; then target="$work/folder"; else target="$work/backups/b$i.db"; fi
  if ! "$harbour" backup --data-dir "$data" --to "$target" >"$work/backup$i.out" 2>&1; then
    cat "$work/backup$i.out" >&2
    fail "backup $i exited with an error"
    continue
  fi
  grep -q '^  integrity: ok$' "$work/backup$i.out" || fail "backup $i: integrity not ok"
  grep -q '^  audit chain: ok' "$work/backup$i.out" || fail "backup $i: audit chain not ok"
  head="$(sed -n 's/^  audit chain: ok, .* head row \([0-9]*\), hash .*/\1/p' "$work/backup$i.out")"
  [ -n "$head" ] || fail "backup $i: no audit head printed"
  heads+=("${head:-0}")
  echo "backup $i: $(sed -n 's/^  \(.* bytes.*\)/\1/p;s/^  \(copied in .*\)/\1/p' "$work/backup$i.out" | paste -sd ';' | sed 's/;/; /g'); audit head $head; invitations committed meanwhile: $(( $(wc -l <"$work/invites.ok") - before ))"
  for _ in $(seq 1 50); do [ "$(wc -l <"$work/invites.ok")" -gt "$before" ] && break; sleep 0.1; done
done
folder_backup="$(find "$work/folder" -name 'harbour-*Z.db' | head -n 1)"
[ -n "$folder_backup" ] || fail "backup into a folder wrote no harbour-<UTC time>.db"
if [ "${#heads[@]}" -lt 2 ] || [ "${heads[-1]}" -le "${heads[0]}" ]; then
  fail "the audit head did not move between backups (${heads[*]}): the load did not write"
fi

# While the server runs, a second server and a restore are both refused, and change nothing.
if timeout 30 "$harbour" serve --data-dir "$data" --listen "127.0.0.1:$(free_port "$port")" >"$work/second.out" 2>&1 </dev/null; then
  fail "a second server started on the same data folder"
fi
grep -q "in use by another harbour process" "$work/second.out" || { cat "$work/second.out" >&2; fail "second serve: no clear refusal"; }
if "$harbour" restore --from "$work/backups/b3.db" --data-dir "$data" >"$work/refused.out" 2>&1; then
  fail "restore ran while the server was running"
fi
grep -q "in use by another harbour process" "$work/refused.out" || { cat "$work/refused.out" >&2; fail "restore: no clear refusal"; }
compgen -G "$data/harbour.db.before-restore-*" >/dev/null && fail "the refused restore touched the data folder"

touch "$work/stop"
wait "$loop_pid" 2>/dev/null || true
loop_pid=""
[ -e "$work/invites.failed" ] && { cat "$work/invites.err" >&2; fail "$(wc -l <"$work/invites.failed") invitation writes failed beside the backups"; }
echo "invitations committed beside the server and the backups: $(wc -l <"$work/invites.ok")"
"$harbour" audit verify --data-dir "$data" >"$work/verify-live.out" || fail "audit verify before the restore: $(cat "$work/verify-live.out")"
stop_process "$pid" harbour
pid=""

backup="$folder_backup"
backup_head="${heads[-1]:-0}"
backup_invites="$(sql "$backup" "SELECT count(*) FROM invitations")"
live_invites="$(sql "$data/harbour.db" "SELECT count(*) FROM invitations")"
if ! "$harbour" restore --from "$backup" --data-dir "$data" >"$work/restore.out" 2>&1; then
  cat "$work/restore.out" >&2
  fail "restore exited with an error"
fi
cat "$work/restore.out"
restore_row="$(sed -n 's/^  audit row \([0-9]*\) records the restore.*/\1/p' "$work/restore.out")"
[ "$restore_row" = "$(( backup_head + 1 ))" ] || fail "restore row is '$restore_row', expected $(( backup_head + 1 )) (after the backup's head $backup_head)"

"$harbour" audit verify --data-dir "$data" >"$work/verify.out" 2>&1 || fail "audit verify after the restore: $(cat "$work/verify.out")"
grep -q "^audit log OK" "$work/verify.out" || fail "audit verify did not say OK"
[ "$(sql "$data/harbour.db" "PRAGMA integrity_check")" = ok ] || fail "sqlite3 integrity_check of the restored database is not ok"
last="$(sql "$data/harbour.db" "SELECT id || ' ' || action || ' ' || target_id FROM audit_log ORDER BY id DESC LIMIT 1")"
[ "$last" = "$restore_row system.restore $(basename "$backup")" ] || fail "newest audit row is '$last'"
restored_invites="$(sql "$data/harbour.db" "SELECT count(*) FROM invitations")"
[ "$restored_invites" = "$backup_invites" ] || fail "restored database holds $restored_invites invitations, the backup $backup_invites"
previous="$(compgen -G "$data/harbour.db.before-restore-*" | head -n 1 || true)"
if [ -z "$previous" ]; then
  fail "the previous database was not kept"
else
  [ "$(sql "$previous" "SELECT count(*) FROM invitations")" = "$live_invites" ] || fail "the kept database lost invitations"
fi
echo "restored: $restored_invites invitations (the live database had $live_invites); audit: $(cat "$work/verify.out")"

start_server
code="$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/readyz" || true)"
[ "$code" = 200 ] || fail "/readyz on the restored folder answered '$code'"
stop_process "$pid" harbour
pid=""
"$harbour" audit verify --data-dir "$data" >"$work/verify2.out" 2>&1 || fail "audit verify after a restart: $(cat "$work/verify2.out")"

if [ "${#failures[@]}" -gt 0 ]; then
  printf 'FAIL: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "backup and restore: all checks hold"
