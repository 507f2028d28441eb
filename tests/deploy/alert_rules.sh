#!/usr/bin/env bash
# The monitoring kit (issue 9, item 5): deploy/monitoring/harbour-alerts.yml must load
# (`promtool check rules`), its alerts must fire on the series they are meant for and stay quiet
# otherwise (`promtool test rules`, tests/deploy/monitoring/alerts_test.yml), and every metric a
# rule names must be in a real scrape of the server's /metrics (so renaming a metric cannot leave
# an alert that never fires).
#   bash tests/deploy/alert_rules.sh path/to/harbour
set -euo pipefail
harbour="$(realpath "${1:?usage: alert_rules.sh path/to/harbour}")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rules="$here/../../deploy/monitoring/harbour-alerts.yml"
command -v promtool >/dev/null || { echo "error: promtool is missing (Debian package prometheus; deploy/setup.sh --test installs it)" >&2; exit 2; }
command -v curl >/dev/null || { echo "error: curl is missing" >&2; exit 2; }

work="$(mktemp -d -t harbour-alerts.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
failures=0
fail() { failures=$((failures + 1)); printf 'FAIL: %s\n' "$1" >&2; }

promtool check rules "$rules" || fail "promtool check rules"
(cd "$here/monitoring" && promtool test rules alerts_test.yml) || fail "promtool test rules"

# A real server with the metrics listener on a free loopback port.
HARBOUR_METRICS_LISTEN=127.0.0.1:0 "$harbour" serve --data-dir "$work/data" --listen 127.0.0.1:0 \
  >"$work/stdout" 2>"$work/log" &
pid=$!
port=""
for _ in $(seq 1 200); do
  port="$(grep -o '"metrics_port":[0-9]*' "$work/log" | head -n 1 | cut -d: -f2 || true)"
  [ -n "$port" ] && [ "$port" != 0 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ] || [ "$port" = 0 ]; then
  cat "$work/log" >&2
  echo "error: the server did not report a metrics_port" >&2
  exit 1
fi
curl -fsS --max-time 10 "http://127.0.0.1:$port/metrics" >"$work/scrape" || fail "GET /metrics on 127.0.0.1:$port"

# Metric names the rules use (a histogram's _bucket/_sum/_count belong to its family).
used="$(grep -oE '\b(harbour|process)_[a-z_]+' "$rules" | sort -u)"
[ -n "$used" ] || fail "no metric names found in the rules"
checked=0
for name in $used; do
  family="${name%_bucket}"
  if grep -qE "^# TYPE $family " "$work/scrape"; then
    checked=$((checked + 1))
  else
    fail "the rules use $name, which the server's /metrics does not expose"
  fi
done
echo "alert rules: $(grep -c '^ *- alert:' "$rules") alerts load and pass their unit tests; $checked metric names checked against a real scrape ($(grep -c '^# TYPE' "$work/scrape") families)"
[ "$failures" = 0 ]
