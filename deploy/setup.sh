#!/usr/bin/env bash
# Installs everything Harbour needs on Debian 12, idempotently, then builds server and web client.
#   deploy/setup.sh            install packages, build (release preset)
#   deploy/setup.sh --test     also install what the test suite needs (chromium, wrk, nginx, ...)
#   deploy/setup.sh --no-build install only
# Safe to run again: apt-get and npm skip what is already there; cmake rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0; build=1; preset="${HARBOUR_PRESET:-release}"
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=1 ;;
    --no-build) build=0 ;;
    --preset=*) preset="${arg#--preset=}" ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

# Runtime and build dependencies (DESIGN.md section 11). libboost1.81-dev, not libboost-dev (1.74).
build_pkgs=(
  build-essential cmake ninja-build ccache lld pkg-config git openssl ca-certificates
  libboost1.81-dev libssl-dev libsqlite3-dev sqlite3 nlohmann-json3-dev libargon2-dev liboath-dev
  libcmark-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libhowardhinnant-date-dev libutf8proc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  help2man  # the package's man page (harbour.1, from --help)
)
# Only for the test suite and benchmarks.
test_pkgs=( clang-14 libclang-rt-14-dev chromium fonts-dejavu-core wrk nginx-light curl procps python3 sslscan openssl systemd
  prometheus  # promtool checks the /metrics exposition format and the alert rules
  fakeroot )  # Deploy.Package installs the .deb into a scratch root as a non-root CI user

pkgs=("${build_pkgs[@]}")
# Node.js: Debian's nodejs + npm, unless a Node.js with npm is already installed (e.g. NodeSource,
# whose nodejs package conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
[ "$want_tests" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Web client dependencies (nhsuk-frontend, esbuild; playwright-core and axe-core for tests).
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

[ "$build" = 1 ] || exit 0

echo "setup: building web client"
(cd web && npm run --silent build)

echo "setup: building server (preset $preset)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
