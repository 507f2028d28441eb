#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang-14, ASan + UBSan), replays every committed
# crash input (tests/fuzz/regressions/<target>/) and seed (corpus/<target>/) through its target,
# then fuzzes each target for N seconds, one after the other, from a copy of its corpus.
#
#   bash tests/fuzz/run.sh            60 s per target (tests/run.sh, so CI, passes 30)
#   bash tests/fuzz/run.sh 1800       nightly: 30 min per target; figures to tests/fuzz/results/latest.md
#   bash tests/fuzz/run.sh 60 markdown parsers     only these targets
#   HARBOUR_FUZZ_RECORD=1 bash tests/fuzz/run.sh   write results/latest.md for a short run too
#   HARBOUR_FUZZ_PRESET=asan-ubsan bash tests/fuzz/run.sh   use the asan-ubsan build (tests/run.sh
#       does: that preset builds the targets too, at -O1 without NDEBUG, which saves CI a second
#       sanitizer build of the whole server; the `fuzz` preset, the default, is for long runs)
#
# Prints the executions per target (libFuzzer's final stats) and exits non-zero when any target
# crashed, leaked, timed out or broke a property; each such input is copied to
# tests/fuzz/regressions/<target>/ so it can be committed once the bug is fixed (it then runs as a
# regression test here and in ctest). Everything runs at nice 19 (HARBOUR_FUZZ_NICE to change):
# the machines also run benchmarks. The grown corpus is kept in build/fuzz/corpus/<target>/ so
# later runs start from what earlier ones found (it is not committed).
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=60
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then seconds="$1"; shift; fi
all_targets=(http_request ws_frames json_bodies markdown parsers audit_verify)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
record="${HARBOUR_FUZZ_RECORD:-0}"
[ "$seconds" -gt 60 ] && record=1
nice_cmd=(nice -n "${HARBOUR_FUZZ_NICE:-19}")
preset="${HARBOUR_FUZZ_PRESET:-fuzz}"
build="build/$preset"
here=tests/fuzz

echo "== fuzz: build (preset $preset, clang-14, ASan + UBSan + libFuzzer)"
cmake --preset "$preset" >/dev/null
"${nice_cmd[@]}" cmake --build --preset "$preset" --target "${targets[@]/#/fuzz_}"

# The targets' temporary databases live in memory when /dev/shm is there: SQLite's fsyncs
# (synchronous=FULL) on a disk would otherwise be most of an input's time.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  TMPDIR="$(mktemp -d /dev/shm/harbour-fuzz-run.XXXXXX)"
  export TMPDIR
  cleanup_tmp="$TMPDIR"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work" ${cleanup_tmp:+"$cleanup_tmp"}' EXIT
failed=()
echo "== fuzz: regressions and seeds, each input once"
for t in "${targets[@]}"; do
  if ! "${nice_cmd[@]}" bash "$here/replay.sh" "$build/tests/fuzz/fuzz_$t" "$here/regressions/$t" "$here/corpus/$t"; then
    failed+=("$t (regression)")
  fi
done

declare -A execs rate cov units rss result
echo "== fuzz: ${seconds} s per target"
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus" "$work/$t"
  cp -n "$here/corpus/$t"/* "$corpus"/ 2>/dev/null || true
  before=$(find "$corpus" -type f | wc -l)
  log="$work/$t.log"
  status=0
  # -timeout: one input taking 30 s is a finding; -rss_limit_mb: the fixture holds a database.
  "${nice_cmd[@]}" "$build/tests/fuzz/fuzz_$t" "$corpus" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$work/$t/" >"$log" 2>&1 || status=$?
  execs[$t]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate[$t]=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  units[$t]=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  rss[$t]=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  cov[$t]=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
  after=$(find "$corpus" -type f | wc -l)
  artifacts=$(find "$work/$t" -type f | wc -l)
  if [ "$status" -ne 0 ] || [ "$artifacts" -gt 0 ]; then
    result[$t]="FAILED (exit $status)"
    failed+=("$t")
    mkdir -p "$here/regressions/$t"
    for a in "$work/$t"/*; do
      [ -f "$a" ] || continue
      cp "$a" "$here/regressions/$t/"
      echo "fuzz: $t: saved $here/regressions/$t/$(basename "$a")"
    done
    echo "---- fuzz: $t failed; the end of its log:"
    grep -v '^#[0-9]' "$log" | tail -60
    echo "----"
  else
    result[$t]="ok"
  fi
  printf 'fuzz: %-13s %10s executions in %4s s (%s/s), corpus %s -> %s, %s, peak RSS %s MB: %s\n' \
    "$t" "${execs[$t]:-?}" "$seconds" "${rate[$t]:-?}" "$before" "$after" "${cov[$t]:-cov ?}" "${rss[$t]:-?}" "${result[$t]}"
done

if [ "$record" = 1 ]; then
  mkdir -p "$here/results"
  out="$here/results/latest.md"
  {
    echo "# Fuzzing figures ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "\`tests/fuzz/run.sh $seconds\` on $(nproc) cores ($(uname -m)), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), clang-14, ASan + UBSan, nice ${HARBOUR_FUZZ_NICE:-19}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (exec/s fall when other work shares the cores)."
    echo
    echo "| target | seconds | executions | exec/s | new units | coverage | peak RSS (MB) | result |"
    echo "|---|---:|---:|---:|---:|---|---:|---|"
    for t in "${targets[@]}"; do
      echo "| $t | $seconds | ${execs[$t]:-?} | ${rate[$t]:-?} | ${units[$t]:-?} | ${cov[$t]:-?} | ${rss[$t]:-?} | ${result[$t]:-not run} |"
    done
  } >"$out"
  echo "fuzz: figures written to $out"
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: all targets passed"
