#!/usr/bin/env bash
# TLS of the running server as a scanner sees it (issue 8, item 7): sslscan (Debian) and
# openssl s_client against a real Harbour on 127.0.0.1 with its self-signed default certificate.
# Passes only if: TLS 1.2 and 1.3 are the only protocols; every accepted suite is AEAD with
# forward secrecy; no compression; no insecure (client-initiated) renegotiation; the key is ECDSA
# P-256. Prints what it found; exit 1 names each failed rule.
#   bash tests/hardening/tls_scan.sh path/to/harbour
set -euo pipefail
harbour="${1:?usage: tls_scan.sh path/to/harbour}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/bench/lib.sh
. "$here/../bench/lib.sh"
command -v sslscan >/dev/null || die "sslscan is missing (deploy/setup.sh --test installs it)"

work="$(mktemp -d -t harbour-tls.XXXXXX)"
pid=""
cleanup() { stop_process "$pid" harbour; rm -rf "$work"; }
trap cleanup EXIT
port="$(free_port)" || die "no free port"
"$harbour" serve --data-dir "$work/data" --listen "127.0.0.1:$port" --log-level warn >"$work/out.log" 2>&1 </dev/null &
pid=$!
wait_healthy "https://127.0.0.1:$port/healthz" "$pid" Harbour

scan="$work/sslscan.txt"
timeout 120 sslscan --no-colour --no-heartbleed "127.0.0.1:$port" >"$scan"
tls12="$(timeout 10 openssl s_client -connect "127.0.0.1:$port" -tls1_2 </dev/null 2>/dev/null || true)"

failures=()
fail() { failures+=("$1"); }

for proto in SSLv2 SSLv3 TLSv1.0 TLSv1.1; do
  grep -Eq "^$proto +disabled" "$scan" || fail "$proto is not disabled"
done
for proto in TLSv1.2 TLSv1.3; do
  grep -Eq "^$proto +enabled" "$scan" || fail "$proto is not enabled"
done

suites="$(grep -E '^(Preferred|Accepted) ' "$scan" || true)"
[ -n "$suites" ] || fail "sslscan listed no accepted cipher suite"
while read -r _ proto _ _ suite _; do
  [ -n "${suite:-}" ] || continue
  case "$suite" in
    *GCM*|*CHACHA20-POLY1305*|*CHACHA20_POLY1305*|*CCM*) ;;
    *) fail "$proto suite $suite is not AEAD" ;;
  esac
  # TLS 1.3 suites always use (EC)DHE; TLS 1.2 names say it.
  if [ "$proto" = TLSv1.2 ]; then
    case "$suite" in ECDHE-*|DHE-*) ;; *) fail "$proto suite $suite has no forward secrecy" ;; esac
  fi
done <<<"$suites"

grep -q "Insecure session renegotiation supported" "$scan" && fail "insecure renegotiation is supported"
grep -Eq "Session renegotiation not supported|Secure session renegotiation supported" "$scan" ||
  fail "renegotiation support could not be read"
# Debian's sslscan is built without zlib and cannot test compression itself: ask OpenSSL.
grep -q "Compression: NONE" <<<"$tls12" || fail "TLS 1.2 session does not report Compression: NONE"
grep -Eq "^ECC Curve Name: +prime256v1" "$scan" || fail "certificate key is not ECDSA P-256"
grep -Eq "^Signature Algorithm: +ecdsa-with-SHA256" "$scan" || fail "certificate is not signed with ecdsa-with-SHA256"

echo "protocols: $(grep -E '^(SSLv|TLSv)[0-9.]+ +(enabled|disabled)' "$scan" | awk '{printf "%s %s; ", $1, $2}')"
echo "suites:"; sed 's/^/  /' <<<"$suites"
echo "renegotiation: $(grep -E 'renegotiation (not )?supported' "$scan" | head -n 1)"
echo "compression (TLS 1.2): $(grep -o 'Compression: [A-Z]*' <<<"$tls12" | head -n 1)"
echo "certificate: $(grep -E '^ECC Curve Name' "$scan" | awk '{print $NF}'), $(grep -E '^Signature Algorithm' "$scan" | awk '{print $NF}')"
if [ "${#failures[@]}" -gt 0 ]; then
  printf 'FAIL: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "TLS scan: all rules hold"
