#!/usr/bin/env bash
# The Debian package (issue 9, item 1), made from this build tree and installed into a scratch
# root, never into the running system:
#  1. cpack writes the .deb into a temporary folder (timed; the build tree is only read);
#  2. its control fields: name, version = `harbour --version`, Depends names the package of every
#     shared library the binary NEEDs (as dpkg -S finds it on this machine), plus systemd and
#     tzdata; conffiles lists /etc/harbour/harbour.toml; every maintainer script passes `sh -n`
#     (and shellcheck when installed); lintian (when installed) reports no error;
#  3. its contents: every file the package must hold, the binary stripped and hardened (PIE,
#     full RELRO, fortified calls);
#  4. `dpkg --root=ROOT --force-script-chrootless -i` into an empty dpkg database: the maintainer
#     scripts run with DPKG_ROOT=ROOT and must act only there (the harbour user in ROOT/etc/passwd,
#     /var/backups/harbour and /etc/harbour/tls from tmpfiles, the configuration 0640 root:harbour,
#     the backup timer enabled, the server neither enabled nor started); the running system
#     must be unchanged (no harbour user, no /etc/harbour appear on it);
#  5. ROOT/usr/bin/harbour --version, then `harbour migrate` with the packaged configuration:
#     schema 0 -> N (N = the migrations shipped), again "already up to date", sqlite3's
#     integrity_check ok;
#  6. ROOT/usr/bin/harbour serve with the packaged configuration on 127.0.0.1 (listen and the
#     port-80 redirect overridden): it finds the packaged web client beside itself, GET / over
#     HTTPS returns ROOT/usr/share/harbour/web/index.html byte for byte, /healthz answers 200,
#     /metrics answers on the metrics port the packaged configuration turns on, the
#     self-signed certificate warning is logged (no certificate is configured), SIGTERM stops it;
#  7. the man page renders with groff without a warning and documents every command and key;
#  8. the package installed again (the upgrade path), then purged: the configuration goes, the
#     data folder and the backups stay.
# As root dpkg runs directly; otherwise under fakeroot (a non-root CI user), which also fakes
# the owners the checks read back.
#   bash tests/deploy/package_install.sh path/to/harbour path/to/build-tree
set -euo pipefail
harbour="$(realpath "${1:?usage: package_install.sh path/to/harbour path/to/build-tree}")"
build="$(realpath "${2:?usage: package_install.sh path/to/harbour path/to/build-tree}")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/../.." && pwd)"
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export LC_ALL=C.UTF-8

need() { command -v "$1" >/dev/null || { echo "error: $1 is missing (Debian: apt-get install $2)" >&2; exit 2; }; }
need cpack cmake; need dpkg-deb dpkg; need dpkg-shlibdeps dpkg-dev; need help2man help2man
need systemd-sysusers systemd; need systemd-tmpfiles systemd; need sqlite3 sqlite3; need curl curl
need groff groff-base; need readelf binutils
if [ ! -f "$src/web/dist/index.html" ]; then
  echo "error: $src/web/dist/index.html is missing: the package ships the built web client." >&2
  echo "       Build it first: (cd web && npm run build), or bash deploy/setup.sh" >&2
  exit 2
fi
[ -f "$build/CPackConfig.cmake" ] || { echo "error: $build/CPackConfig.cmake is missing: configure the build tree" >&2; exit 2; }
as_root=()
if [ "$(id -u)" != 0 ]; then
  need fakeroot fakeroot
fi

work="$(mktemp -d -t harbour-package.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=()
fail() { failures+=("$1"); printf 'FAIL: %s\n' "$1" >&2; }
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
started=$(now)

# Root, or fakeroot keeping its idea of owners in a state file so later checks can read them.
if [ "$(id -u)" != 0 ]; then
  touch "$work/fakeroot.state"
  as_root=(fakeroot -i "$work/fakeroot.state" -s "$work/fakeroot.state" --)
fi
run_dpkg() { "${as_root[@]}" dpkg --root="$root" --log="$work/dpkg.log" --force-not-root --force-depends \
                               --force-script-chrootless "$@"; }
owner_mode() { "${as_root[@]}" stat -c '%a %u:%g' "$1"; }

# What of the package must not leak onto this machine (the scripts act on DPKG_ROOT only).
host_state() {
  { getent passwd harbour || echo "no harbour user"; getent group harbour || echo "no harbour group"
    for p in /etc/harbour /var/backups/harbour /var/lib/harbour /usr/lib/sysusers.d/harbour.conf \
             /etc/systemd/system/timers.target.wants/harbour-backup.timer; do
      [ -e "$p" ] && echo "exists $p" || echo "absent $p"
    done; } 2>/dev/null
}
host_before="$(host_state)"

# ---- 1. cpack ---------------------------------------------------------------------------------
t=$(now)
if ! cpack --config "$build/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1; then
  sed 's/^/    /' "$work/cpack.log" >&2
  echo "FAIL: cpack failed (output above)" >&2
  exit 1
fi
cpack_time=$(seconds_since "$t")
debs=("$work"/cpack/*.deb)
if [ "${#debs[@]}" != 1 ] || [ ! -f "${debs[0]}" ]; then echo "FAIL: cpack wrote no .deb, or more than one" >&2; exit 1; fi
deb="${debs[0]}"
echo "cpack: $(basename "$deb"), $(stat -c %s "$deb") bytes, in ${cpack_time} s"

# ---- 2. control fields ----------------------------------------------------------------------
field() { dpkg-deb --field "$deb" "$1"; }
version="$("$harbour" --version | awk '{ print $2 }')"
[ "$(field Package)" = harbour ] || fail "Package is '$(field Package)', not harbour"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', harbour --version says $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$(field Architecture)'"
[ "$(field Section)" = net ] || fail "Section is '$(field Section)', not net"
case "$(basename "$deb")" in "harbour_${version}_$(dpkg --print-architecture).deb") ;;
  *) fail "file name $(basename "$deb") is not harbour_${version}_$(dpkg --print-architecture).deb" ;; esac
depends="$(field Depends)"
echo "Depends: $depends"
# Package names of Depends, one a line (version constraints and alternatives dropped).
dep_names="$(printf '%s\n' "$depends" | tr ',|' '\n' | sed 's/(.*)//; s/:any//; s/[[:space:]]//g' | grep -v '^$')"
has_dep() { printf '%s\n' "$dep_names" | grep -qxF "$1"; }
for p in systemd tzdata; do has_dep "$p" || fail "Depends lacks $p"; done
printf '%s\n' "$(field Recommends)" | grep -qw certbot || fail "Recommends lacks certbot"
printf '%s\n' "$(field Suggests)" | grep -qw sqlite3 || fail "Suggests lacks sqlite3"

dpkg-deb --control "$deb" "$work/control"
printf '/etc/harbour/harbour.toml\n' | cmp -s - "$work/control/conffiles" \
  || fail "conffiles is not exactly /etc/harbour/harbour.toml: $(cat "$work/control/conffiles" 2>&1)"
for s in postinst prerm postrm; do
  if [ ! -f "$work/control/$s" ]; then fail "no $s in the package"; continue; fi
  [ "$(stat -c %a "$work/control/$s")" = 755 ] || fail "$s is not mode 0755"
  sh -n "$work/control/$s" || fail "$s: sh -n failed"
  if command -v shellcheck >/dev/null; then
    shellcheck -s sh "$work/control/$s" >"$work/shellcheck.out" 2>&1 || { fail "shellcheck $s:"; sed 's/^/    /' "$work/shellcheck.out" >&2; }
  fi
done
echo "maintainer scripts: postinst, prerm, postrm pass sh -n$(command -v shellcheck >/dev/null && echo ' and shellcheck')"

# ---- 3. contents ------------------------------------------------------------------------------
dpkg-deb --contents "$deb" | awk '{ print $1, $NF }' | sed 's| \./| /|' >"$work/contents"
expect_file() { # mode path
  grep -qxF -- "$1 $2" "$work/contents" || fail "the package lacks $2 (or its mode is not $1)"
}
expect_file '-rwxr-xr-x' /usr/bin/harbour
for f in index.html app.js app.css; do expect_file '-rw-r--r--' "/usr/share/harbour/web/$f"; done
for f in "$src"/schema/migrations/*.sql "$src"/schema/api/*; do
  expect_file '-rw-r--r--' "/usr/share/harbour/schema/${f#"$src"/schema/}"
done
for u in harbour.service harbour-backup.service harbour-backup.timer; do
  expect_file '-rw-r--r--' "/usr/lib/systemd/system/$u"
done
expect_file '-rw-r--r--' /usr/lib/sysusers.d/harbour.conf
expect_file '-rw-r--r--' /usr/lib/tmpfiles.d/harbour.conf
expect_file '-rwxr-xr-x' /usr/share/harbour/certbot-deploy-hook.sh
expect_file '-rw-r--r--' /usr/share/harbour/monitoring/harbour-alerts.yml
expect_file '-rw-r--r--' /etc/harbour/harbour.toml
expect_file '-rw-r--r--' /usr/share/man/man1/harbour.1.gz
for d in README.md systemd.md operations.md copyright changelog.gz clinical-safety/README.md clinical-safety/hazard-log.md; do
  expect_file '-rw-r--r--' "/usr/share/doc/harbour/$d"
done
if grep -qE '\.map$' "$work/contents"; then fail "source maps are in the package"; fi
files=$(grep -c '^-' "$work/contents")

dpkg-deb -x "$deb" "$work/extracted"
if readelf -S "$work/extracted/usr/bin/harbour" | grep -qE '\.debug_|\.symtab'; then
  fail "/usr/bin/harbour is not stripped"
fi
# Built with Debian's hardening flags (CMakeLists.txt, HARBOUR_HARDENING): a position-independent
# executable with full RELRO (immediate binding) and fortified libc calls.
# Not in a sanitizer build (ctest sets HARBOUR_EXPECT_HARDENING=0 there): those add their own
# instrumentation instead; by hand the checks run.
if [ "${HARBOUR_EXPECT_HARDENING:-1}" = 1 ]; then
  packaged_bin="$work/extracted/usr/bin/harbour"
  # Read whole first: grep -q quitting early would give readelf SIGPIPE, and pipefail a failure.
  elf_header="$(readelf -h "$packaged_bin")"; elf_segments="$(readelf -lW "$packaged_bin")"
  elf_dynamic="$(readelf -dW "$packaged_bin")"; elf_dynsyms="$(readelf --dyn-syms -W "$packaged_bin")"
  grep -q 'DYN (Position-Independent Executable' <<<"$elf_header" || fail "/usr/bin/harbour is not a PIE"
  grep -q 'GNU_RELRO' <<<"$elf_segments" || fail "/usr/bin/harbour has no RELRO segment"
  grep -qE 'BIND_NOW|FLAGS.*\bNOW\b' <<<"$elf_dynamic" || fail "/usr/bin/harbour is not linked with -z now (partial RELRO only)"
  grep -qE '__[a-z_]+_chk(@|$)' <<<"$elf_dynsyms" || fail "/usr/bin/harbour calls no fortified libc function (_FORTIFY_SOURCE off?)"
else
  echo "hardening: not checked (this build tree is a sanitizer build without the hardening flags)"
fi
# Every library the packaged binary NEEDs: its package (or a name that package provides) must
# be in Depends.
declare -A lib_path
while read -r name _ path _; do [ "${path:0:1}" = / ] && lib_path[$name]="$path"; done \
  < <(ldd "$work/extracted/usr/bin/harbour")
needed=0
while read -r soname; do
  needed=$((needed + 1))
  path="${lib_path[$soname]:-}"
  if [ -z "$path" ]; then fail "ldd does not resolve $soname"; continue; fi
  owner=""
  for candidate in "$path" "$(realpath "$path")" "/usr$path" "${path#/usr}"; do
    owner="$(dpkg -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1)" && [ -n "$owner" ] && break
  done
  if [ -z "$owner" ]; then fail "dpkg -S finds no package for $path ($soname)"; continue; fi
  names="$owner $(dpkg-query -W -f='${Provides}' "$owner" 2>/dev/null | tr ',' '\n' | sed 's/(.*)//; s/[[:space:]]//g' | tr '\n' ' ')"
  found=""
  for n in $names; do has_dep "$n" && found="$n" && break; done
  [ -n "$found" ] || fail "Depends lacks $owner (the package of $soname)"
done < <(readelf -d "$work/extracted/usr/bin/harbour" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "contents: $files files, all expected present; binary stripped ($(stat -c %s "$work/extracted/usr/bin/harbour") bytes); its $needed NEEDED libraries' packages are all in Depends"

if command -v lintian >/dev/null; then
  lintian --no-tag-display-limit "$deb" >"$work/lintian.out" 2>&1 || true
  if grep -q '^E: ' "$work/lintian.out"; then
    fail "lintian reports errors:"; grep '^E: ' "$work/lintian.out" | sed 's/^/    /' >&2
  fi
  echo "lintian: $(grep -c '^E: ' "$work/lintian.out") errors, $(grep -c '^W: ' "$work/lintian.out") warnings"
  grep '^W: ' "$work/lintian.out" | sed 's/^/    /' || true
else
  echo "lintian: not installed, skipped"
fi

# ---- 4. install into a scratch root -----------------------------------------------------------
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
if ! run_dpkg -i "$deb" >"$work/install.out" 2>&1; then
  sed 's/^/    /' "$work/install.out" >&2
  echo "FAIL: dpkg --root -i failed (output above)" >&2
  exit 1
fi
grep -q 'harbour: not started yet' "$work/install.out" || fail "postinst printed no start hint on first install"
status="$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' harbour)"
[ "$status" = "install ok installed" ] || fail "dpkg status in the scratch root: '$status'"
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}' harbour | grep -q '^ /etc/harbour/harbour.toml ' \
  || fail "dpkg did not register /etc/harbour/harbour.toml as a conffile"
uid="$(awk -F: '$1 == "harbour" { print $3 }' "$root/etc/passwd" 2>/dev/null)"
gid="$(awk -F: '$1 == "harbour" { print $3 }' "$root/etc/group" 2>/dev/null)"
if [ -z "$uid" ] || [ -z "$gid" ]; then
  fail "postinst made no harbour user in the scratch root's /etc/passwd"
else
  grep -q '^harbour:.*:/var/lib/harbour:/usr/sbin/nologin$' "$root/etc/passwd" || fail "harbour user: $(grep '^harbour:' "$root/etc/passwd")"
  [ "$(owner_mode "$root/var/backups/harbour")" = "700 $uid:$gid" ] || fail "/var/backups/harbour is $(owner_mode "$root/var/backups/harbour"), not 700 $uid:$gid"
  [ "$(owner_mode "$root/etc/harbour/tls")" = "750 0:$gid" ] || fail "/etc/harbour/tls is $(owner_mode "$root/etc/harbour/tls"), not 750 0:$gid"
  [ "$(owner_mode "$root/var/lib/harbour")" = "700 $uid:$gid" ] || fail "/var/lib/harbour is $(owner_mode "$root/var/lib/harbour"), not 700 $uid:$gid"
  [ "$(owner_mode "$root/etc/harbour/harbour.toml")" = "640 0:$gid" ] || fail "harbour.toml is $(owner_mode "$root/etc/harbour/harbour.toml"), not 640 0:$gid"
fi
[ -L "$root/etc/systemd/system/timers.target.wants/harbour-backup.timer" ] || fail "the backup timer is not enabled"
[ ! -e "$root/etc/systemd/system/multi-user.target.wants/harbour.service" ] || fail "harbour.service was enabled on install"
host_after="$(host_state)"
[ "$host_before" = "$host_after" ] || fail "the install changed this machine: before: $host_before; after: $host_after"
echo "install: dpkg --root into $(du -sh "$root" | cut -f1) scratch root, harbour user $uid:$gid, folders and modes right, timer enabled, server not enabled, this machine untouched"

# ---- 5. the installed binary: version and migrate -----------------------------------------------
bin="$root/usr/bin/harbour"
[ "$("$bin" --version)" = "harbour $version" ] || fail "installed harbour --version: $("$bin" --version)"
shipped=("$root"/usr/share/harbour/schema/migrations/*.sql)
migrations=${#shipped[@]}
data="$root/var/lib/harbour"
migrate() { "$bin" migrate --config "$root/etc/harbour/harbour.toml" --data-dir "$data"; }
out1="$(migrate 2>&1)" || fail "migrate failed: $out1"
out2="$(migrate 2>&1)" || fail "second migrate failed: $out2"
echo "migrate: $out1" | sed "s|$work|<tmp>|"
echo "migrate again: $out2" | sed "s|$work|<tmp>|"
printf '%s\n' "$out1" | grep -q "schema version 0 -> $migrations\$" || fail "first migrate did not go 0 -> $migrations"
printf '%s\n' "$out2" | grep -q "schema version $migrations -> $migrations (already up to date)" || fail "second migrate: $out2"
integrity="$(sqlite3 "$data/harbour.db" 'PRAGMA integrity_check;')"
[ "$integrity" = ok ] || fail "integrity_check: $integrity"
[ "$(sqlite3 "$data/harbour.db" 'PRAGMA user_version;')" = "$migrations" ] || fail "user_version is not $migrations"

# ---- 6. serve the packaged web client -----------------------------------------------------------
(cd "$work" && exec "$bin" serve --config "$root/etc/harbour/harbour.toml" --data-dir "$data" \
   --listen 127.0.0.1:0 --redirect-listen "" --metrics-listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err") &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' "$work/serve.err" | head -n 1)"
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  fail "the packaged server did not start:"; sed 's/^/    /' "$work/serve.err" >&2
else
  code="$(curl -sk --max-time 10 -o "$work/index.html" -w '%{http_code}' "https://127.0.0.1:$port/")" || code="curl failed"
  [ "$code" = 200 ] || fail "GET / answered $code"
  cmp -s "$work/index.html" "$root/usr/share/harbour/web/index.html" || fail "GET / is not the packaged index.html"
  code="$(curl -sk --max-time 10 -o "$work/healthz" -w '%{http_code}' "https://127.0.0.1:$port/healthz")" || code="curl failed"
  [ "$code" = 200 ] || fail "GET /healthz answered $code: $(cat "$work/healthz" 2>/dev/null)"
  # The packaged configuration turns /metrics on (its port is overridden here, as the others).
  grep -q '^listen = "127.0.0.1:9464"' "$root/etc/harbour/harbour.toml" || fail "the packaged harbour.toml does not serve /metrics on 127.0.0.1:9464"
  mport="$(sed -n 's/.*"event":"listening".*"metrics_port":\([0-9]*\).*/\1/p' "$work/serve.err" | head -n 1)"
  curl -s --max-time 10 "http://127.0.0.1:$mport/metrics" >"$work/metrics" 2>/dev/null || true
  grep -q '^harbour_build_info{version="'"$version"'"} 1' "$work/metrics" || fail "GET /metrics on port '$mport' has no harbour_build_info for $version"
  grep -q "\"event\":\"web_root\".*\"path\":\"$root/usr/share/harbour/web\"" "$work/serve.err" \
    || fail "the server did not find the web client beside its binary: $(grep web_root "$work/serve.err")"
  grep -q '"event":"tls_self_signed"' "$work/serve.err" || fail "no tls_self_signed warning with the packaged configuration"
  grep -q 'First start' "$work/serve.out" || fail "no first-start administrator invitation printed"
  kill -TERM "$server_pid"
  for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$server_pid" 2>/dev/null; then
    fail "the server did not stop within 15 s of SIGTERM"
  else
    set +e; wait "$server_pid"; rc=$?; set -e
    [ "$rc" = 0 ] || fail "the server exited $rc after SIGTERM"
  fi
  server_pid=""
  echo "serve: https://127.0.0.1:$port/ served the packaged index.html, /healthz 200, /metrics answered on its own port, self-signed warning logged, stopped on SIGTERM"
fi

# ---- 7. the man page ---------------------------------------------------------------------------
man="$root/usr/share/man/man1/harbour.1.gz"
if ! zcat "$man" | groff -man -Tutf8 -ww -z >"$work/groff.out" 2>&1 || [ -s "$work/groff.out" ]; then
  fail "groff on the man page warned:"; sed 's/^/    /' "$work/groff.out" >&2
fi
# Wide lines and no hyphenation, so that every name is found whole.
zcat "$man" | groff -man -Tutf8 -rLL=250n -rHY=0 -P-cbou 2>/dev/null >"$work/man.txt" || true
for word in "harbour serve" "harbour migrate" "harbour backup" "harbour restore" "harbour invite create" \
            "harbour audit verify" "harbour config" "--keep" "/etc/harbour/harbour.toml" "SEE ALSO" "EXAMPLES" "FILES"; do
  grep -qF -- "$word" "$work/man.txt" || fail "the man page does not mention '$word'"
done
keys=0
# shellcheck disable=SC2016 # the backquotes are Markdown's, in `harbour config`'s table
while read -r key; do
  keys=$((keys + 1))
  grep -qF -- "$key" "$work/man.txt" || fail "the man page lacks the configuration key $key"
done < <("$bin" config | sed -n 's/^| `\([^`]*\)` |.*/\1/p')
echo "man page: renders without warnings, $(wc -l <"$work/man.txt") lines, every command and all $keys configuration keys"

# ---- 8. upgrade path, then purge ---------------------------------------------------------------
run_dpkg -i "$deb" >"$work/reinstall.out" 2>&1 || { fail "installing again failed:"; sed 's/^/    /' "$work/reinstall.out" >&2; }
grep -q 'not started yet' "$work/reinstall.out" && fail "postinst treated the upgrade as a first install"
# A backup as the timer would name it: purge must keep it, like the database migrated above.
touch "$root/var/backups/harbour/harbour-20260101T000000Z.db"
run_dpkg --purge harbour >"$work/purge.out" 2>&1 || { fail "purge failed:"; sed 's/^/    /' "$work/purge.out" >&2; }
[ ! -e "$root/etc/harbour/harbour.toml" ] || fail "purge left /etc/harbour/harbour.toml"
[ ! -e "$root/etc/systemd/system/timers.target.wants/harbour-backup.timer" ] || fail "purge left the timer enabled"
for kept in var/lib/harbour/harbour.db var/backups/harbour/harbour-20260101T000000Z.db; do
  [ -f "$root/$kept" ] || fail "purge deleted /$kept"
done
grep -q 'kept the database' "$work/purge.out" || fail "purge did not say where the data is kept"
[ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' harbour 2>/dev/null || true)" != "install ok installed" ] \
  || fail "harbour is still installed after purge"
[ "$host_before" = "$(host_state)" ] || fail "upgrade or purge changed this machine"
echo "upgrade and purge: configuration removed, /var/lib/harbour and /var/backups/harbour kept"

echo "total: $(seconds_since "$started") s (cpack ${cpack_time} s)"
if [ "${#failures[@]}" -gt 0 ]; then
  echo "${#failures[@]} check(s) failed" >&2
  exit 1
fi
echo "Deploy.Package: all checks passed"
