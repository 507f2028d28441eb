#!/usr/bin/env bash
# Checks the link "control -> passing test" of the hazard log (deploy/clinical-safety/hazard-log.md).
#
#   bash deploy/clinical-safety/verify.sh            every control names a test, and every named test exists
#   bash deploy/clinical-safety/verify.sh --run      ... and runs the named ctest tests, failing if one fails
#   bash deploy/clinical-safety/verify.sh --run --e2e   ... and runs the browser test files that hold named tests
#
# Options: --build-dir DIR (default build/ci), --log FILE (default hazard-log.md beside this script).
#
# Tests are named in the log's control rows (table rows whose first cell starts with C-) as code
# spans: `ctest Suite.Name` (a ctest test of the build) and `e2e file.test.mjs: title` (a browser
# test in tests/e2e). Every control row must name at least one test.
#
# The existence check does not call ctest (a ctest run inside a ctest run would rewrite the outer
# run's Testing/Temporary/LastTest.log): it asks each GoogleTest binary of the build for its list
# (--gtest_list_tests) and reads the add_test names of the build's CTestTestfile.cmake files,
# which is what ctest itself runs. Exit code 0 when every check passes, 1 otherwise, 2 on usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/build/ci"
log="$here/hazard-log.md"
run=0
e2e=0
while [ $# -gt 0 ]; do
  case "$1" in
    --run) run=1 ;;
    --e2e) e2e=1 ;;
    --build-dir) build="$(cd "$2" && pwd)"; shift ;;
    --log) log="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "verify.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -f "$log" ] || { echo "verify.sh: no hazard log at $log" >&2; exit 2; }
[ -d "$build" ] || { echo "verify.sh: no build folder at $build (configure and build the ci preset first)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
started=$(date +%s)

# ---- what the log names --------------------------------------------------------------------------
# Only control rows count: the log's prose shows the notation with placeholder names.
grep '^| C-' "$log" > "$work/control_rows" || true
grep -o '`ctest [^`]*`' "$work/control_rows" | sed -e 's/^`ctest //' -e 's/`$//' | sort -u > "$work/ctest_named" || true
grep -o '`e2e [^`]*`' "$work/control_rows" | sed -e 's/^`e2e //' -e 's/`$//' | sort -u > "$work/e2e_named" || true
hazards=$(grep -c '^## H-[0-9][0-9]' "$log" || true)
controls=$(grep -c '^| C-' "$log" || true)
gaps=$(grep -c '^| G-' "$log" || true)
links=$(grep -o '`\(ctest\|e2e\) [^`]*`' "$work/control_rows" | wc -l)

# Every control names at least one test; a malformed name (spaces, no suite) is an error too.
while IFS= read -r row; do
  id="$(printf '%s' "$row" | cut -d'|' -f2 | tr -d ' ')"
  printf '%s' "$row" | grep -q '`\(ctest\|e2e\) [^`]*`' || fail "control $id names no test"
done < "$work/control_rows"
while IFS= read -r name; do
  [[ "$name" =~ ^[A-Za-z0-9_/]+\.[A-Za-z0-9_/]+$ ]] || fail "'$name' is not a ctest test name (Suite.Name)"
done < "$work/ctest_named"

# ---- which ctest tests the build has -------------------------------------------------------------
: > "$work/known"
not_built=()
while IFS= read -r include; do
  exe="$(sed -n 's/.*TEST_EXECUTABLE \[==\[\(.*\)\]==\].*/\1/p' "$include" | head -n 1)"
  [ -n "$exe" ] || continue
  if [ ! -x "$exe" ]; then
    not_built+=("$(basename "$exe")")
    continue
  fi
  # "Suite." lines, then "  Name" lines; parameterised tests carry a "  # GetParam() = ..." comment.
  timeout 60 "$exe" --gtest_list_tests | awk '
    /^[^ ].*\.$/ { suite = $1; next }
    /^[^ ].*\.[ ]+#/ { suite = $1; next }
    /^  [^ ]/ && suite != "" { print suite $1 }' >> "$work/known"
done < <(find "$build" -name '*_include.cmake' | sort)
find "$build" -name CTestTestfile.cmake -exec grep -ho 'add_test(\[=\[[^]]*\]=\]' {} + |
  sed -e 's/^add_test(\[=\[//' -e 's/\]=\]$//' >> "$work/known"
sort -u -o "$work/known" "$work/known"

missing=0
while IFS= read -r name; do
  if ! grep -qxF -- "$name" "$work/known"; then
    fail "ctest test '$name' does not exist in $build${not_built[*]:+ (not built: ${not_built[*]})}"
    missing=$((missing + 1))
  fi
done < "$work/ctest_named"

# ---- browser tests: the file exists and holds a test with exactly that title ----------------------
: > "$work/e2e_files"
while IFS= read -r spec; do
  file="${spec%%: *}"
  title="${spec#*: }"
  path="$root/tests/e2e/$file"
  if [ "$file" = "$spec" ] || [ ! -f "$path" ]; then
    fail "browser test '$spec': no file tests/e2e/$file"
    continue
  fi
  # The title as a whole string literal, in any of JavaScript's three quotes.
  if ! grep -qF -e "test('$title'" -e "test(\"$title\"" -e "test(\`$title\`" "$path"; then
    fail "browser test '$spec': no test titled so in tests/e2e/$file"
    continue
  fi
  echo "$file" >> "$work/e2e_files"
done < "$work/e2e_named"
sort -u -o "$work/e2e_files" "$work/e2e_files"

echo "hazard log: $hazards hazards, $controls controls, $gaps gaps; $links test links from controls"
echo "named: $(wc -l < "$work/ctest_named") ctest tests ($missing missing), $(wc -l < "$work/e2e_named") browser tests in $(wc -l < "$work/e2e_files") files"
echo "build: $build ($(wc -l < "$work/known") ctest tests known)"

# ---- --run: the named ctest tests, nothing else ----------------------------------------------------
if [ "$run" = 1 ] && [ "$failures" = 0 ]; then
  regex="^($(sed 's/[.]/\\./g' "$work/ctest_named" | paste -sd'|'))\$"
  expected=$(wc -l < "$work/ctest_named")
  echo "running $expected ctest tests (ctest --test-dir $build -R <the named tests>)"
  set +e
  ctest --test-dir "$build" -R "$regex" --output-on-failure --timeout 900 | tee "$work/ctest_out"
  status=${PIPESTATUS[0]}
  set -e
  ran="$(sed -n 's/.*tests passed, [0-9]* tests\{0,1\} failed out of \([0-9]*\).*/\1/p' "$work/ctest_out" | tail -n 1)"
  [ "$status" = 0 ] || fail "ctest reported failures (exit $status)"
  [ "$ran" = "$expected" ] || fail "ctest ran ${ran:-no} tests, the log names $expected"
  # A test that exits 77 (Hardening.DiskFull without a mount) is reported as skipped, not passed.
  if grep -q '\*\*\*Skipped\|Not Run' "$work/ctest_out"; then fail "some named tests were skipped or not run"; fi
fi

# ---- browser tests: run them (--e2e) or say how ------------------------------------------------------
if [ -s "$work/e2e_files" ]; then
  if [ "$run" = 1 ] && [ "$e2e" = 1 ] && [ "$failures" = 0 ]; then
    # Whole files: a file's tests share one server and build on each other.
    while IFS= read -r file; do
      echo "running tests/e2e/$file"
      if ! (cd "$root" && HARBOUR_BIN="$build/harbour" node --test "tests/e2e/$file"); then
        fail "browser test file tests/e2e/$file failed"
      fi
    done < "$work/e2e_files"
  else
    echo "browser tests named by the log (run each file whole; they need chromium):"
    sed "s|^|  HARBOUR_BIN=$build/harbour node --test tests/e2e/|" "$work/e2e_files"
  fi
fi

echo "took $(( $(date +%s) - started )) s"
if [ "$failures" -gt 0 ]; then
  echo "verify.sh: $failures problem(s)"
  exit 1
fi
echo "verify.sh: every control links to a named test, and every named test exists$([ "$run" = 1 ] && echo ' and passed')"
