#!/usr/bin/env bash
# Builds the Debian package: installs what the build needs, builds the web client and the server
# (deploy/setup.sh, release preset), then cpack writes build/release/harbour_<version>_<arch>.deb.
#   bash deploy/package.sh                      (HARBOUR_PRESET=<preset> packages another build tree)
# The package's layout, maintainer scripts and dependencies: deploy/package/.
set -euo pipefail
cd "$(dirname "$0")/.."

preset="${HARBOUR_PRESET:-release}"

# Packages (help2man for the man page, dpkg-dev for dpkg-shlibdeps), web/dist, the server.
HARBOUR_PRESET="$preset" bash deploy/setup.sh
# cpack runs the install rules: it fails, saying why, without web/dist or help2man. It leaves its
# staging folder in build/<preset>/_CPack_Packages.
(cd "build/$preset" && cpack)

version="$("build/$preset/harbour" --version | awk '{ print $2 }')"
deb="$PWD/build/$preset/harbour_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { echo "package.sh: cpack did not write $deb" >&2; exit 1; }
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo "
echo
echo "package: $deb ($(du -h "$deb" | cut -f1))"
echo "install it on Debian 12:  ${sudo}apt install $deb"
echo "then edit /etc/harbour/harbour.toml and run:  ${sudo}systemctl enable --now harbour.service harbour-backup.timer"
