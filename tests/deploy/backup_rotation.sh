#!/usr/bin/env bash
# The hourly backup as the timer runs it (issue 9, item 4): the ExecStart line of
# deploy/systemd/harbour-backup.service, with its paths pointed at a temporary data folder and
# backup folder, run against the real binary.
#  1. The folder holds four older backups, a backup that failed its check, a hand-made copy and a
#     note. The unit's own command (--keep 48) adds one backup and deletes nothing.
#  2. The same command with --keep 3, twice (a second apart: names are to the second): after each
#     exactly the 3 newest harbour-<UTC time>.db are left, the older ones are deleted (and named
#     in the output), and nothing else in the folder is touched.
#  3. A backup of a damaged database fails (exit 1) and deletes nothing; --keep 0 and --keep with
#     a file target are refused (exit 2 / usage error) and write or delete nothing.
#  4. The newest rotated backup restores into an empty data folder (README restore steps:
#     `harbour restore --from`, then `harbour audit verify`), and the audit chain verifies.
#   bash tests/deploy/backup_rotation.sh path/to/harbour
set -euo pipefail
harbour="$(realpath "${1:?usage: backup_rotation.sh path/to/harbour}")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
unit="$here/../../deploy/systemd/harbour-backup.service"
command -v sqlite3 >/dev/null || { echo "error: sqlite3 is missing" >&2; exit 2; }

work="$(mktemp -d -t harbour-rotation.XXXXXX)"
trap 'rm -rf "$work"' EXIT
data="$work/data"
folder="$work/backups"
failures=()
fail() { failures+=("$1"); printf 'FAIL: %s\n' "$1" >&2; }
started=$(date +%s.%N)
# File names on one line, sorted (the names here have no spaces).
listing() { find "$folder" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | paste -sd ' '; }
backups_in() {
  find "$folder" -mindepth 1 -maxdepth 1 -printf '%f\n' | { grep -E '^harbour-[0-9]{8}T[0-9]{6}Z\.db$' || true; } |
    LC_ALL=C sort | paste -sd ' '
}
words() { tr ' ' '\n' <<<"$1"; }

# A database with audit rows: migrations, then two invitations (each writes an audit row).
"$harbour" migrate --data-dir "$data" >/dev/null
for _ in 1 2; do "$harbour" invite create --data-dir "$data" --role member --note rotation >/dev/null 2>>"$work/invite.log"; done
mkdir -p "$folder"
"$harbour" backup --data-dir "$data" --to "$work/seed.db" >/dev/null
for stamp in 20200101T000000Z 20200101T010000Z 20200101T020000Z 20200101T030000Z; do
  cp "$work/seed.db" "$folder/harbour-$stamp.db"
done
cp "$work/seed.db" "$folder/harbour-20190101T000000Z.db.failed-check"
cp "$work/seed.db" "$folder/before-upgrade.db"
echo "keep these" >"$folder/notes.txt"
others="before-upgrade.db harbour-20190101T000000Z.db.failed-check notes.txt"

# The unit's command, pointed at the temporary folders.
command_line="$(sed -n 's/^ExecStart=//p' "$unit")"
[ -n "$command_line" ] || { echo "error: no ExecStart in $unit" >&2; exit 2; }
case "$command_line" in
  "/usr/bin/harbour backup --data-dir /var/lib/harbour --to /var/backups/harbour --keep "*) ;;
  *) fail "unexpected ExecStart in harbour-backup.service: $command_line" ;;
esac
command_line="${command_line//\/usr\/bin\/harbour/$harbour}"
command_line="${command_line//\/var\/lib\/harbour/$data}"
command_line="${command_line//\/var\/backups\/harbour/$folder}"
read -r -a timer_cmd <<<"$command_line"
keep_in_unit="${timer_cmd[-1]}"
echo "the timer runs: $(sed -n 's/^ExecStart=//p' "$unit")"

# ---- 1. the unit's command as it is ------------------------------------------------------------
before="$(backups_in | wc -w)"
if ! "${timer_cmd[@]}" >"$work/run0.out" 2>&1; then cat "$work/run0.out" >&2; fail "the unit's command failed"; fi
after="$(backups_in | wc -w)"
[ "$after" = $((before + 1)) ] || fail "--keep $keep_in_unit with $before backups: $after left, wanted $((before + 1))"
grep -q "rotation: $after backups kept (at most $keep_in_unit), 0 older deleted" "$work/run0.out" \
  || { cat "$work/run0.out" >&2; fail "--keep $keep_in_unit: no rotation line"; }
echo "run 0 (--keep $keep_in_unit): $after backups, none deleted"

# ---- 2. --keep 3, twice -------------------------------------------------------------------------
keep3=("${timer_cmd[@]}")
keep3[-1]=3
for run in 1 2; do
  sleep 1.1  # a new name: backup names are to the second, and a backup never replaces a file
  newest_before="$(words "$(backups_in)" | tail -n 2 | paste -sd ' ')"
  if ! "${keep3[@]}" >"$work/run$run.out" 2>&1; then cat "$work/run$run.out" >&2; fail "--keep 3 run $run failed"; continue; fi
  written="$(sed -n 's|^backup written: .*/\(harbour-[0-9TZ]*\.db\)$|\1|p' "$work/run$run.out")"
  left="$(backups_in)"
  wanted="$( (words "$newest_before"; echo "$written") | LC_ALL=C sort | paste -sd ' ')"
  [ "$left" = "$wanted" ] || fail "--keep 3 run $run left '$left', wanted the 3 newest '$wanted'"
  deleted="$(sed -n 's/^    deleted //p' "$work/run$run.out" | paste -sd ' ')"
  for f in $others; do [ -e "$folder/$f" ] || fail "--keep 3 run $run deleted $f"; done
  echo "run $run (--keep 3): wrote $written; left $left; deleted ${deleted:-nothing}"
done
[ "$(grep -c '^    deleted ' "$work/run1.out")" = 3 ] || fail "run 1 should have deleted 3 older backups"
[ "$(grep -c '^    deleted ' "$work/run2.out")" = 1 ] || fail "run 2 should have deleted 1 older backup"
[ "$(cat "$folder/notes.txt")" = "keep these" ] || fail "notes.txt changed"

# ---- 3. refusals that delete nothing -------------------------------------------------------------
snapshot="$(listing)"
bad="$work/bad"
mkdir -p "$bad"
sqlite3 "$data/harbour.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
cp "$data/harbour.db" "$bad/harbour.db"
# Random bytes over the last page: the copy is made, and fails its integrity check.
size=$(stat -c %s "$bad/harbour.db")
page=$(sqlite3 "$bad/harbour.db" 'PRAGMA page_size;')
dd if=/dev/urandom of="$bad/harbour.db" bs="$page" seek=$(( size / page - 1 )) count=1 conv=notrunc status=none
sleep 1.1  # a fresh name, so that it is the damage that fails the backup
set +e
"$harbour" backup --data-dir "$bad" --to "$folder" --keep 1 >"$work/bad.out" 2>&1
rc_bad=$?
"$harbour" backup --data-dir "$data" --to "$folder" --keep 0 >"$work/keep0.out" 2>&1
rc_keep0=$?
"$harbour" backup --data-dir "$data" --to "$work/single.db" --keep 3 >"$work/file.out" 2>&1
rc_file=$?
set -e
[ "$rc_bad" -ne 0 ] || fail "a backup of a damaged database succeeded"
grep -q '^backup FAILED its check, kept: .*\.failed-check$' "$work/bad.out" \
  || fail "the damaged database's backup did not fail its check: $(cat "$work/bad.out")"
grep -q '^  rotation:' "$work/bad.out" && fail "a backup that failed its check went on to rotate"
[ "$rc_keep0" -ne 0 ] || fail "--keep 0 was accepted"
[ "$rc_file" = 2 ] || fail "--keep with a file target exited $rc_file, wanted 2"
[ ! -e "$work/single.db" ] || fail "--keep with a file target wrote a backup"
grep -q -- "--keep rotates a folder" "$work/file.out" || fail "--keep with a file target: no clear message ($(cat "$work/file.out"))"
after_refusals="$(listing | tr ' ' '\n' | grep -v '\.failed-check$' | paste -sd ' ')"
[ "$after_refusals" = "$(words "$snapshot" | grep -v '\.failed-check$' | paste -sd ' ')" ] \
  || fail "a refused or failed backup changed the folder: '$snapshot' -> '$(listing)'"
echo "damaged database: exit $rc_bad ($(grep -m1 -E '^backup|failed' "$work/bad.out" | sed 's|: /.*/|: |')); --keep 0: exit $rc_keep0; --keep with a file: exit $rc_file; nothing deleted"

# ---- 4. restore the newest, verify the audit chain ---------------------------------------------
newest="$(words "$(backups_in)" | tail -n 1)"
restored="$work/restored"
if "$harbour" restore --from "$folder/$newest" --data-dir "$restored" >"$work/restore.out" 2>&1; then
  if "$harbour" audit verify --data-dir "$restored" >"$work/verify.out" 2>&1; then
    echo "restore of $newest: $(grep -m1 '^  audit chain' "$work/restore.out" | sed 's/^ *//'); verify: $(cat "$work/verify.out")"
  else
    fail "audit verify after the restore: $(cat "$work/verify.out")"
  fi
else
  cat "$work/restore.out" >&2
  fail "restore of $newest failed"
fi

elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
if [ "${#failures[@]}" -gt 0 ]; then
  echo "backup rotation: ${#failures[@]} failure(s) in ${elapsed}s" >&2
  exit 1
fi
echo "backup rotation: 3 runs of the timer's command (--keep $keep_in_unit once, --keep 3 twice), 3 refusals, 1 restore; ${elapsed}s"
