#!/usr/bin/env bash
# The whole test suite, from nothing: installs what it needs (deploy/setup.sh --test), builds with
# warnings as errors, runs unit and integration tests (ctest), then the browser tests (Playwright +
# axe-core in Debian's chromium); the benchmark tools are built and the seeding tool checked.
# Talks only to 127.0.0.1. Exit code 0 only if everything passed.
#   bash tests/run.sh            everything
#   HARBOUR_PRESET=debug bash tests/run.sh    another CMake preset (default: ci)
#   HARBOUR_SANITIZERS=0 bash tests/run.sh    skip the ASan/UBSan and TSan passes and the fuzzing
#                                             (they triple the build time)
#   HARBOUR_FUZZ=0 bash tests/run.sh          skip only the fuzzing (30 s per libFuzzer target; HARBOUR_FUZZ_SECONDS)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${HARBOUR_PRESET:-ci}"
# The tests ThreadSanitizer runs: the unit tests of threaded parts, both stream layers, and every
# integration test (each starts the TSan-built server and talks to it over real sockets).
tsan_tests='^(Hub|OutboundQueue|StoreWriter|StoreWriterBatchObserver|MetricsRegistry|RequestMetrics|MetricsEndpoint|GenerationCache|WallTest|AuditLog|StoreBackup|BackupRestore|Password|CoalescingStreamTest|CoalescingComposedWrites|TlsSocketStreamTest|Accounts|DemoAccounts|Admin|DataRights|ContentFlow|ContentIsolation|HttpOverTls|HttpLimits|Lifecycle|ModerationActions|SafetyFlow|WallLive|WebSocket)\.'

bash deploy/setup.sh --test --preset="$preset"

echo "== unit and integration tests (ctest, preset $preset)"
ctest --preset "$preset" --timeout 120 -j2

# The benchmark tools are not in the default build (tests/bench/run.sh builds and runs them): built
# here with warnings as errors so they cannot rot, and the seeding tool checked end to end.
echo "== benchmark tools (build; the seed against the real server)"
cmake --build --preset "$preset" --target harbour_bench_seed harbour_micro harbour_ws_fanout
bash tests/bench/seed/check.sh "build/$preset"

if [ "${HARBOUR_SANITIZERS:-1}" = 1 ]; then
  echo "== unit and integration tests under AddressSanitizer + UBSan (clang-14)"
  cmake --preset asan-ubsan >/dev/null
  cmake --build --preset asan-ubsan
  ctest --preset asan-ubsan --timeout 300 -j2
  # The same build holds the libFuzzer targets (tests/fuzz): the committed regressions and seeds ran
  # in ctest above; now each target explores from its corpus for a minute.
  if [ "${HARBOUR_FUZZ:-1}" = 1 ]; then
    echo "== fuzzing (libFuzzer, ASan + UBSan, clang-14): ${HARBOUR_FUZZ_SECONDS:-30} s per target"
    HARBOUR_FUZZ_PRESET=asan-ubsan bash tests/fuzz/run.sh "${HARBOUR_FUZZ_SECONDS:-30}"
  fi
  # ThreadSanitizer on everything with threads: the writer, the hub, the worker pool, the stream
  # layers, and the real server (io threads, workers, writer) under the integration tests. A race
  # aborts the process (TSAN_OPTIONS in the preset), so the test that met it fails.
  echo "== threaded tests under ThreadSanitizer (clang-14)"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan
  ctest --preset tsan --timeout 300 -j2 -R "$tsan_tests"
fi

echo "== browser tests (playwright-core + axe-core, /usr/bin/chromium)"
if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
HARBOUR_BIN="$PWD/build/$preset/harbour" node --test --test-reporter=spec tests/e2e/
