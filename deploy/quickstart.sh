#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs dependencies, builds, and runs Harbour on the
# embedded default (SQLite in ./data, a self-signed certificate made on first start, demo content).
# It prints the address to open. Stop it with Ctrl+C.
#   bash deploy/quickstart.sh [extra harbour serve flags, e.g. --listen 0.0.0.0:8443]
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
exec build/release/harbour serve --data-dir data --demo "$@"
