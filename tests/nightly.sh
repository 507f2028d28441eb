#!/usr/bin/env bash
# The nightly hardening run (issue 8): the long versions of what tests/run.sh does in short on
# every change. Run it on a quiet machine; it talks only to 127.0.0.1 and stops by itself.
#   bash tests/nightly.sh                      fuzz 30 min per target (3 h), 200 crash rounds
#   HARBOUR_NIGHTLY_FUZZ_SECONDS=600 HARBOUR_NIGHTLY_CRASH_ROUNDS=100 bash tests/nightly.sh
# 1. libFuzzer, preset `fuzz` (clang-14, -O1, ASan + UBSan): every regression and seed, then each
#    target for N seconds from its grown corpus; figures to tests/fuzz/results/latest.md.
# 2. Crash safety: SIGKILL at random moments under API writes for N rounds (CI runs 20).
# 3. The other hardening scripts once more against a release build (ctest -L integration -R
#    Hardening), as a check that the long runs left nothing behind.
# Copy the figures it prints into the README's "Hardening checks" section.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds="${HARBOUR_NIGHTLY_FUZZ_SECONDS:-1800}"
crash_rounds="${HARBOUR_NIGHTLY_CRASH_ROUNDS:-200}"
log_dir="$(mktemp -d -t harbour-nightly.XXXXXX)"
echo "nightly: logs in $log_dir"

bash deploy/setup.sh --test --preset=release

echo "== nightly 1/3: fuzzing, ${fuzz_seconds} s per target"
bash tests/fuzz/run.sh "$fuzz_seconds" 2>&1 | tee "$log_dir/fuzz.log" | grep -E '^(==|fuzz:)'

echo "== nightly 2/3: crash safety, ${crash_rounds} rounds"
HARBOUR_CRASH_ROUNDS="$crash_rounds" python3 -u tests/hardening/crash_safety.py build/release/harbour \
  2>&1 | tee "$log_dir/crash.log" | grep -E '^(crash safety|FAIL)'

echo "== nightly 3/3: hardening scripts (release build)"
ctest --preset release -R '^Hardening\.' --output-on-failure 2>&1 | tee "$log_dir/hardening.log" | tail -n 3

if [ "$(id -u)" = 0 ] && command -v qemu-system-x86_64 >/dev/null && command -v debootstrap >/dev/null; then echo "== nightly: the systemd units in a fresh Debian 12 machine (tests/deploy/vm)"; bash tests/deploy/vm/systemd_units.sh build/release/harbour 2>&1 | tee "$log_dir/systemd-units.log" | grep -E '^(== systemd units|FAIL)'; else echo "== nightly: systemd units in a machine skipped (needs root, qemu-system-x86, qemu-utils, debootstrap)"; fi
echo "nightly: passed ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD))"
