#!/usr/bin/env bash
# Runs every file under the given folders once through a fuzz target (libFuzzer runs the files it
# is given as arguments and does not fuzz): the committed crash inputs and seeds as regression
# tests. Exit code non-zero when any input fails.
#   tests/fuzz/replay.sh build/fuzz/tests/fuzz/fuzz_markdown tests/fuzz/regressions/markdown ...
set -euo pipefail
binary="$1"; shift
files=()
for dir in "$@"; do
  [ -d "$dir" ] || continue
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -type f ! -name '.*' ! -name '*.md' -print0 | sort -z)
done
if [ "${#files[@]}" -eq 0 ]; then
  echo "replay: no inputs for $(basename "$binary")"
  exit 0
fi
# In batches: one process per batch keeps the fixture's start-up cost (a seeded database) rare.
status=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for ((i = 0; i < ${#files[@]}; i += 200)); do
  "$binary" -rss_limit_mb=4096 -timeout=60 "${files[@]:i:200}" >"$log" 2>&1 || {
    status=1
    cat "$log" >&2
  }
done
if [ "$status" = 0 ]; then
  echo "replay: $(basename "$binary"): ${#files[@]} inputs pass"
fi
exit "$status"
