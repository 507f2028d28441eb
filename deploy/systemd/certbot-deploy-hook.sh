#!/bin/sh
# certbot deploy hook for Harbour: after a certificate is issued or renewed, copy it where the
# harbour service reads it and have the server re-read it (SIGHUP: no restart, open connections
# keep going). Install, as root:
#   install -m 0755 certbot-deploy-hook.sh /etc/letsencrypt/renewal-hooks/deploy/harbour.sh
# (certbot runs every script there after each successful renewal), and point harbour.toml at
#   [tls]  cert = "/etc/harbour/tls/fullchain.pem"  key = "/etc/harbour/tls/privkey.pem"
# The harbour user cannot read /etc/letsencrypt (its keys are root's alone), hence the copy.
#
# certbot sets RENEWED_LINEAGE (e.g. /etc/letsencrypt/live/harbour.example.nhs.uk). For a test
# or another layout: HOOK_TLS_DIR (default /etc/harbour/tls), HOOK_TLS_OWNER (default root),
# HOOK_TLS_GROUP (default harbour), HOOK_RELOAD_COMMAND (default: reload harbour.service if it
# is running; it is not started if it is not).
set -eu

lineage="${RENEWED_LINEAGE:?not set: run by certbot as a deploy hook, or set RENEWED_LINEAGE}"
dest="${HOOK_TLS_DIR:-/etc/harbour/tls}"
owner="${HOOK_TLS_OWNER:-root}"
group="${HOOK_TLS_GROUP:-harbour}"

for f in fullchain.pem privkey.pem; do
  [ -r "$lineage/$f" ] || { echo "harbour deploy hook: cannot read $lineage/$f" >&2; exit 1; }
done

umask 077
# Owned by root, readable by the harbour group only: the server reads its key but cannot
# change it, and nobody else can read it.
install -d -m 0750 -o "$owner" -g "$group" "$dest"
# New files beside the old ones, then renamed into place: a reload never reads half a file, and
# the key is never readable by anyone else, not even for a moment.
install -m 0644 -o "$owner" -g "$group" "$lineage/fullchain.pem" "$dest/.fullchain.pem.new"
install -m 0640 -o "$owner" -g "$group" "$lineage/privkey.pem" "$dest/.privkey.pem.new"
mv -f "$dest/.privkey.pem.new" "$dest/privkey.pem"
mv -f "$dest/.fullchain.pem.new" "$dest/fullchain.pem"

if [ -n "${HOOK_RELOAD_COMMAND:-}" ]; then
  sh -c "$HOOK_RELOAD_COMMAND"
elif systemctl is-active --quiet harbour.service; then
  # The server logs tls_reloaded with the new expiry, or tls_reload_failed (and keeps serving
  # the previous certificate): `journalctl -u harbour -n 20` shows which.
  systemctl reload harbour.service
fi
echo "harbour deploy hook: installed $(basename "$lineage") certificate into $dest"
