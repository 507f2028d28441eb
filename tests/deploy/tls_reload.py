#!/usr/bin/env python3
"""Certificate renewal without a restart (issue 9, items 2 and 3), as an operator meets it.

Two ECDSA P-256 certificates are made with openssl. The server starts with `--config` naming
tls.cert and tls.key in a temporary folder (holding certificate A); a SIGHUP sent while it is
still starting does not end it. Then:
  1. handshakes get A, whose fingerprint the "tls_certificate" log line also names;
  2. a keep-alive connection is opened on A;
  3. certbot's deploy hook (deploy/systemd/certbot-deploy-hook.sh) installs certificate B over the
     files (modes 0644 and 0640, folder 0750) and sends SIGHUP; "tls_reloaded" names B's
     fingerprint and expiry, every new handshake gets B, and the keep-alive connection (the same
     socket, still on A) keeps being answered;
  4. files that cannot be used (garbage in the certificate, an empty certificate, a key of
     another certificate, a missing certificate), each followed by SIGHUP: the server logs
     "tls_reload_failed" at level error, stays up, and keeps serving B to new handshakes;
  5. A put back and SIGHUP: new handshakes get A again (failures leave nothing stuck);
  6. SIGTERM: a clean exit (0), and no error in the log but the expected tls_reload_failed lines.
Only 127.0.0.1 is contacted. Python 3 standard library and the openssl command.
  python3 tests/deploy/tls_reload.py path/to/harbour"""

import grp
import hashlib
import http.client
import os
import pwd
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "hardening"))
from server_process import Server, TestFailure, client_context, exit_on_sigterm, fail_now, tls_connect  # noqa: E402

HOOK = os.path.join(HERE, "..", "..", "deploy", "systemd", "certbot-deploy-hook.sh")
HANDSHAKES = 5  # new connections checked after each reload
# (what is wrong, how it is made, what tls_reload_failed's error says)
BAD_CASES = [("garbage certificate", "garbage", "cannot use certificate"),
             ("empty certificate", "empty", "cannot use certificate"),
             ("key of another certificate", "wrong_key", "cannot use private key"),
             ("missing certificate", "missing", "cannot use certificate")]


def openssl(*args):
    return subprocess.run(["openssl", *args], check=True, capture_output=True, text=True).stdout


def make_cert(folder, name, days):
    """An ECDSA P-256 self-signed pair in folder/fullchain.pem and folder/privkey.pem, as
    certbot's live folder names them. Returns (sha256 hex of the DER, not_after as the server
    logs it)."""
    os.makedirs(folder)
    cert, key = os.path.join(folder, "fullchain.pem"), os.path.join(folder, "privkey.pem")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
            "-out", cert, "-days", str(days), "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1")
    fingerprint = openssl("x509", "-in", cert, "-noout", "-fingerprint", "-sha256").strip().split("=", 1)[1]
    end = openssl("x509", "-in", cert, "-noout", "-enddate", "-dateopt", "iso_8601").strip().split("=", 1)[1]
    not_after = datetime.strptime(end, "%Y-%m-%d %H:%M:%SZ").strftime("%Y-%m-%dT%H:%M:%SZ")
    return fingerprint.replace(":", "").lower(), not_after


def handshake_fingerprint(port):
    s = tls_connect(port)
    try:
        return hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest()
    finally:
        s.close()


def events(server, name):
    return [line for line in server.log_lines() if line.get("event") == name]


def wait_event(server, name, count, timeout=10.0):
    """Until the log holds `count` lines of event `name`; returns line number `count` and the wait."""
    return wait_match(server, name, lambda i, _: i == count - 1, timeout)


def wait_match(server, name, match, timeout=10.0):
    """Until a line of event `name` satisfies match(its index among them, line); returns it and
    the wait."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        for i, line in enumerate(events(server, name)):
            if match(i, line):
                return line, time.monotonic() - start
        if not server.alive():
            raise TestFailure(f"harbour exited (code {server.proc.returncode}) waiting for {name}:\n{server.log_tail()}")
        time.sleep(0.02)
    raise TestFailure(f"no such {name} line within {timeout:.0f} s; log tail:\n{server.log_tail()}")


def get(conn, path):
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def main():
    exit_on_sigterm()
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else fail_now("usage: tls_reload.py path/to/harbour")
    if shutil.which("openssl") is None:
        fail_now("openssl is missing")
    work = tempfile.mkdtemp(prefix="harbour-tls-reload-")
    server = None
    failures = []

    def check(ok, message):
        if not ok:
            failures.append(message)
            print(f"FAIL: {message}", file=sys.stderr)
        return ok

    try:
        fp_a, end_a = make_cert(os.path.join(work, "lineage-a"), "harbour-reload-a", 30)
        fp_b, end_b = make_cert(os.path.join(work, "lineage-b"), "harbour-reload-b", 90)
        tls_dir = os.path.join(work, "etc-harbour-tls")
        os.makedirs(tls_dir)
        cert, key = os.path.join(tls_dir, "fullchain.pem"), os.path.join(tls_dir, "privkey.pem")
        shutil.copy(os.path.join(work, "lineage-a", "fullchain.pem"), cert)
        shutil.copy(os.path.join(work, "lineage-a", "privkey.pem"), key)
        config = os.path.join(work, "harbour.toml")
        with open(config, "w") as f:
            f.write(f'[tls]\ncert = "{cert}"\nkey = "{key}"\n')
        print(f"certificate A {fp_a[:16]}... until {end_a}; B {fp_b[:16]}... until {end_b}")

        server = Server(binary, ["--config", config], data_dir=os.path.join(work, "data"), log_dir=work)
        # 0. A reload while the server is still starting (the database is open, the listener not yet).
        wait_event(server, "database_ready", 1, timeout=60)
        os.kill(server.pid, signal.SIGHUP)
        server.start_or_exit()
        print(f"server up on port {server.port} (pid {server.pid}); survived a SIGHUP during start-up")

        # 1. Certificate A.
        started = events(server, "tls_certificate")
        check(len(started) == 1 and started[0].get("sha256") == fp_a and started[0].get("not_after") == end_a,
              f"tls_certificate at start should name A ({fp_a}, {end_a}): {started}")
        check(handshake_fingerprint(server.port) == fp_a, "a handshake before the reload did not get certificate A")
        # The start-up SIGHUP was either ignored (before the server took SIGHUP over) or reloaded A.
        early = [l.get("sha256") for l in events(server, "tls_reloaded")]
        check(early in ([], [fp_a]), f"the start-up SIGHUP reloaded something else: {early}")
        print("the start-up SIGHUP was " + ("handled: A reloaded" if early else "ignored (before the server took SIGHUP over)"))

        # 2. A keep-alive connection on A.
        keep = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5, context=client_context())
        check(get(keep, "/healthz") == 200, "keep-alive connection: first request")
        keep_sock = keep.sock
        keep_fp = hashlib.sha256(keep_sock.getpeercert(binary_form=True)).hexdigest()
        check(keep_fp == fp_a, "the keep-alive connection is not on certificate A")

        # 3. Renewal through certbot's deploy hook.
        user = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
        sent = time.monotonic()
        hook = subprocess.run(["sh", HOOK], capture_output=True, text=True, timeout=30,
                              env={**os.environ, "RENEWED_LINEAGE": os.path.join(work, "lineage-b"),
                                   "HOOK_TLS_DIR": tls_dir, "HOOK_TLS_OWNER": user, "HOOK_TLS_GROUP": group,
                                   "HOOK_RELOAD_COMMAND": f"kill -HUP {server.pid}"})
        check(hook.returncode == 0, f"deploy hook exited {hook.returncode}: {hook.stderr.strip()}")
        modes = {name: stat.S_IMODE(os.stat(p).st_mode) for name, p in (("dir", tls_dir), ("cert", cert), ("key", key))}
        check(modes == {"dir": 0o750, "cert": 0o644, "key": 0o640}, f"deploy hook left modes {dict((k, oct(v)) for k, v in modes.items())}")
        check(not [n for n in os.listdir(tls_dir) if n.startswith(".")], f"deploy hook left temporary files: {os.listdir(tls_dir)}")
        line, waited = wait_match(server, "tls_reloaded", lambda _, l: l.get("sha256") != fp_a)
        b_index = len(events(server, "tls_reloaded")) - 1
        print(f"deploy hook -> tls_reloaded in {(time.monotonic() - sent) * 1000:.0f} ms (log seen after {waited * 1000:.0f} ms): "
              f"{line.get('subject')} until {line.get('not_after')}, {line.get('days_left')} days left")
        check(line.get("sha256") == fp_b and line.get("not_after") == end_b,
              f"tls_reloaded should name B ({fp_b}, {end_b}): {line}")
        got = [handshake_fingerprint(server.port) for _ in range(HANDSHAKES)]
        check(got == [fp_b] * HANDSHAKES, f"after the reload {got.count(fp_b)} of {HANDSHAKES} new handshakes got B")
        for i in range(3):
            check(get(keep, "/healthz") == 200, f"keep-alive request {i + 2} after the reload")
        check(keep.sock is keep_sock, "the keep-alive connection was reopened (the server closed it)")
        check(hashlib.sha256(keep.sock.getpeercert(binary_form=True)).hexdigest() == fp_a,
              "the keep-alive connection changed certificate")
        keep.close()

        # 4. Files that cannot be used: logged, never fatal, B stays.
        lineage_a, lineage_b = os.path.join(work, "lineage-a"), os.path.join(work, "lineage-b")

        def put_b():
            shutil.copy(os.path.join(lineage_b, "fullchain.pem"), cert)
            shutil.copy(os.path.join(lineage_b, "privkey.pem"), key)

        def garbage():
            with open(cert, "w") as f:
                f.write("-----BEGIN CERTIFICATE-----\nthis is not base64\n-----END CERTIFICATE-----\n")

        def empty():
            open(cert, "w").close()

        def wrong_key():
            shutil.copy(os.path.join(lineage_a, "privkey.pem"), key)

        def missing():
            os.remove(cert)

        damages = {"garbage": garbage, "empty": empty, "wrong_key": wrong_key, "missing": missing}
        for n, (name, kind, message) in enumerate(BAD_CASES, start=1):
            put_b()
            damages[kind]()
            os.kill(server.pid, signal.SIGHUP)
            line, waited = wait_event(server, "tls_reload_failed", n)
            error = str(line.get("error", ""))
            check(line.get("level") == "error", f"{name}: tls_reload_failed logged at level {line.get('level')}")
            check(message in error and line.get("sha256") == fp_b,
                  f"{name}: tls_reload_failed should say '{message}' and name B as still served: {line}")
            check(server.alive(), f"{name}: the server exited")
            got = [handshake_fingerprint(server.port) for _ in range(HANDSHAKES)]
            check(got == [fp_b] * HANDSHAKES, f"{name}: {got.count(fp_b)} of {HANDSHAKES} handshakes still got B")
            conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5, context=client_context())
            check(get(conn, "/readyz") == 200, f"{name}: /readyz")
            conn.close()
            print(f"{name}: tls_reload_failed after {waited * 1000:.0f} ms ({error}); still serving B")
        check(len(events(server, "tls_reloaded")) == b_index + 1, "a bad file was reported as reloaded")

        # 5. Mended: A again.
        shutil.copy(os.path.join(lineage_a, "fullchain.pem"), cert)
        shutil.copy(os.path.join(lineage_a, "privkey.pem"), key)
        os.kill(server.pid, signal.SIGHUP)
        line, _ = wait_match(server, "tls_reloaded", lambda i, _: i > b_index)
        check(line.get("sha256") == fp_a, f"after mending, tls_reloaded should name A: {line}")
        got = [handshake_fingerprint(server.port) for _ in range(HANDSHAKES)]
        check(got == [fp_a] * HANDSHAKES, f"after mending, {got.count(fp_a)} of {HANDSHAKES} handshakes got A")

        # 6. A clean stop, and no other error.
        code = server.stop()
        check(code == 0, f"harbour exited {code} on SIGTERM")
        other = [l for l in server.crash_signs() if l.get("event") != "tls_reload_failed"]
        check(not other, f"unexpected error lines: {other}")
        server = None
    except TestFailure as e:
        failures.append(str(e))
        print(f"FAIL: {e}", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    if failures:
        print(f"TLS reload: {len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print(f"TLS reload: 6 SIGHUPs after start-up (1 renewal through the deploy hook, {len(BAD_CASES)} refused files, "
          f"1 mended), {HANDSHAKES} handshakes checked after each, keep-alive kept its connection and certificate")


if __name__ == "__main__":
    main()
