#!/usr/bin/env python3
"""Oversized and odd input against the real binary over TLS (issue 8, item 3).

  - A 1 GiB Content-Length (and a 1 GiB chunk) on POST/PUT API routes, the 1 MiB route included:
    413 body_too_large while not one body byte has been sent, within 1 s, and the connection closes.
  - JSON bodies on signed-in routes: 100,000 '[' (a 256 KiB route), 65,000 '[' (a 64 KiB route),
    50,000 keys (256 KiB route), 13,000 keys and 5,800 distinct keys (64 KiB route), invalid
    UTF-8: 400 with the stable codes json_too_deep / json_too_many_fields / invalid_json, each
    within 1 s; a 160 KB draft on a 256 KiB route is read, not refused at 64 KiB.
  - WebSocket (a signed-in member's /ws): invalid UTF-8 in a text message, whole or split across
    fragments, overlong or a surrogate: close 1007; a frame header claiming 2^62 bytes or just
    over the 64 KiB limit, and fragments adding up past it: close 1009, each within 1 s, with
    the server's peak memory (VmHWM) not moving by more than 1 MiB; a binary message: 1003;
    64 KiB of nested arrays in an "echo": an error reply, and the socket still answers a ping.
After every case a probe on a new connection must get /healthz's 200 within 1 s. The server runs
with a 1 MiB stack limit (threads take it too): before the WebSocket nesting bound, the nested
echo crashed it there (nlohmann copies and prints recursively), while the default 8 MiB hid it.
At the end: the process is up, its log has no error lines, VmRSS is back within 16 MiB of the
baseline (see hostile_http.py for the bound), and it stops cleanly.

  python3 tests/hardening/oversized_input.py path/to/harbour
"""

import json
import sys
import time

from hostile_lib import HEALTHZ_BODY, Reader, Server, WebSocket, json_request, request, send_all, sign_in
from server_process import SANITIZED, tls_connect

ANSWER_S = 1.0
STACK_KIB = 1024
RSS_BOUND_KIB = 16 * 1024
PEAK_BOUND_KIB = 1024  # a refused giant frame or body must not be allocated, even briefly
GIB = 1 << 30


class Checks:
    def __init__(self, server):
        self.server = server
        self.failures = []
        self.rows = []

    def record(self, name, ok, detail, took):
        self.rows.append((name, ok, detail, took))
        print(f"  {name:34} {'ok  ' if ok else 'FAIL'} {took * 1000:7.1f} ms  {detail}")
        if not ok:
            self.failures.append(f"{name}: {detail}")
        start = time.monotonic()
        r = None
        try:
            r = request(self.server.port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", timeout=ANSWER_S)
        except OSError:
            pass
        if r is None or r.status != 200 or r.body != HEALTHZ_BODY or time.monotonic() - start > ANSWER_S:
            self.failures.append(f"after {name}: the probe got {r and r.status} in {time.monotonic() - start:.3f} s")
        if not self.server.alive():
            self.failures.append(f"after {name}: the server exited")
            raise SystemExit(self.report())

    def report(self):
        for f in self.failures:
            print(f"FAIL: {f}", file=sys.stderr)
        return 1 if self.failures else 0


def huge_declared_body(checks, name, head):
    """Sends only the header; the 413 must come without any body byte sent."""
    peak = checks.server.memory_kib("VmHWM")
    sock = tls_connect(checks.server.port)
    try:
        start = time.monotonic()
        send_all(sock, head)
        reader = Reader(sock)
        r = reader.read_response(start + ANSWER_S)
        took = time.monotonic() - start
        closed = reader.wait_close(time.monotonic() + 2.0)
    finally:
        sock.close()
    grew = checks.server.memory_kib("VmHWM") - peak
    ok = r is not None and r.status == 413 and r.error_code() == "body_too_large" and took <= ANSWER_S and closed \
        and grew <= PEAK_BOUND_KIB
    checks.record(name, ok, f"{r!r} with 0 body bytes sent; closed={closed}; peak +{grew} KiB", took)


def json_case(checks, name, method, path, body, want_status, want_code, session):
    cookie, csrf = session
    start = time.monotonic()
    r = json_request(checks.server.port, method, path, body, cookie=cookie, csrf=csrf, timeout=ANSWER_S)
    took = time.monotonic() - start
    ok = r is not None and r.status == want_status and r.error_code() == want_code and took <= ANSWER_S
    checks.record(name, ok, f"{len(body)} bytes -> {r!r} (want {want_status} {want_code})", took)


def ws_close_case(checks, name, session, send, want_code, *, watch_peak=False):
    ws = WebSocket(checks.server.port, session[0])
    try:
        if ws.read_json(time.monotonic() + 5, "hello") is None:
            checks.record(name, False, "no hello", 0.0)
            return
        peak = checks.server.memory_kib("VmHWM")
        start = time.monotonic()
        send(ws)
        code, _ = ws.read_until_close(start + ANSWER_S)
        took = time.monotonic() - start
        grew = checks.server.memory_kib("VmHWM") - peak
    finally:
        ws.close()
    ok = code == want_code and took <= ANSWER_S and (not watch_peak or grew <= PEAK_BOUND_KIB)
    checks.record(name, ok, f"close {code} (want {want_code}); peak +{grew} KiB", took)


def ws_nested_echo(checks, session):
    depth = (65536 - len(b'{"type":"echo","data":}')) // 2
    msg = b'{"type":"echo","data":' + b"[" * depth + b"]" * depth + b"}"
    ws = WebSocket(checks.server.port, session[0])
    try:
        ws.read_json(time.monotonic() + 5, "hello")
        start = time.monotonic()
        ws.send_frame(0x1, msg)
        reply = ws.read_json(start + ANSWER_S, "error")
        took = time.monotonic() - start
        ws.send_frame(0x1, b'{"type":"ping","id":7}')
        pong = ws.read_json(time.monotonic() + ANSWER_S, "pong")
    finally:
        ws.close()
    ok = reply is not None and reply.get("code") == "invalid_message" and pong is not None and pong.get("id") == 7
    checks.record("ws_echo_nested_64kib", ok, f"{len(msg)} bytes, depth {depth} -> {reply and reply.get('code')}; "
                  f"ping after it: {'pong' if pong else 'nothing'}", took)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: oversized_input.py path/to/harbour")
    server = Server(sys.argv[1], stack_kib=STACK_KIB)
    checks = Checks(server)
    try:
        port = server.port
        session = sign_in(port)
        cookie, csrf = session
        print(f"server up on port {port} (pid {server.pid}, stack limit {STACK_KIB} KiB); signed in as Demo Member")
        # Warm-up: one of each kind, so the allocator's first arenas are in the baseline.
        json_request(port, "POST", "/api/v1/notifications/read", {"all": True}, cookie=cookie, csrf=csrf)
        ws = WebSocket(port, cookie)
        ws.read_json(time.monotonic() + 5, "hello")
        ws.close()
        time.sleep(1.0)
        baseline = server.memory_kib("VmRSS")

        auth = f"Host: 127.0.0.1:{port}\r\nOrigin: https://127.0.0.1:{port}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n" \
               "Content-Type: application/json\r\n"
        print("1 GiB bodies, header only:")
        for name, line in [("gib_sign_in_public", "POST /api/v1/session"),
                           ("gib_notifications_64kib_route", "POST /api/v1/notifications/read"),
                           ("gib_drafts_256kib_route", "PUT /api/v1/drafts/topic-1"),
                           ("gib_resources_1mib_route", "POST /api/v1/networks/any/resources")]:
            huge_declared_body(checks, name, f"{line} HTTP/1.1\r\n{auth}Content-Length: {GIB}\r\n\r\n".encode())
        huge_declared_body(checks, "gib_with_expect_100", f"POST /api/v1/notifications/read HTTP/1.1\r\n{auth}"
                           f"Content-Length: {GIB}\r\nExpect: 100-continue\r\n\r\n".encode())
        huge_declared_body(checks, "gib_chunk", f"POST /api/v1/notifications/read HTTP/1.1\r\n{auth}"
                           f"Transfer-Encoding: chunked\r\n\r\n{GIB:x}\r\n".encode())

        print("JSON bodies on signed-in routes:")
        notes = ("POST", "/api/v1/notifications/read")
        drafts = ("PUT", "/api/v1/drafts/topic-1")
        json_case(checks, "json_100k_open_brackets", *drafts, b"[" * 100_000, 400, "json_too_deep", session)
        json_case(checks, "json_100k_nested_objects", *drafts, b'{"a":' * 50_000, 400, "json_too_deep", session)
        json_case(checks, "json_65k_brackets_64kib_route", *notes, b"[" * 65_000, 400, "json_too_deep", session)
        json_case(checks, "json_50k_keys", *drafts, b"{" + b'"":0,' * 50_000 + b'"all":true}', 400,
                  "json_too_many_fields", session)
        json_case(checks, "json_13k_keys_64kib_route", *notes, b"{" + b'"":0,' * 13_000 + b'"all":true}', 400,
                  "json_too_many_fields", session)
        distinct = b"{" + b",".join(b'"k%d":0' % i for i in range(5_800)) + b',"all":true}'
        json_case(checks, "json_5800_distinct_keys_64kib", *notes, distinct, 400, "json_too_many_fields", session)
        # Within the bounds on the 256 KiB route: 40,000 four-byte characters (160 KB, a draft's
        # most) are read, not refused at 64 KiB; the made-up network is what is refused.
        big_draft = json.dumps({"network": "no-such-network", "title": "t", "body": "\U0001F30A" * 40_000},
                               ensure_ascii=False).encode()
        json_case(checks, "json_160kb_draft_on_256kib_route", *drafts, big_draft, 404, "network_not_found", session)
        json_case(checks, "json_invalid_utf8", *notes, b'{"all":true,"x":"\xff\xfe"}', 400, "invalid_json", session)
        json_case(checks, "json_overlong_utf8", *notes, b'{"all":true,"x":"\xc0\xaf"}', 400, "invalid_json", session)
        json_case(checks, "json_within_bounds", *notes, json.dumps({"all": True}).encode(), 200, None, session)

        print("WebSocket:")
        ws_close_case(checks, "ws_invalid_utf8", session,
                      lambda ws: ws.send_frame(0x1, b'{"type":"ping","id":"\xff\xfe"}'), 1007)
        ws_close_case(checks, "ws_invalid_utf8_across_fragments", session,
                      lambda ws: (ws.send_frame(0x1, b'{"type":"echo","data":"\xe2\x82', fin=False),
                                  ws.send_frame(0x0, b'\x28"}')), 1007)
        ws_close_case(checks, "ws_overlong_utf8", session,
                      lambda ws: ws.send_frame(0x1, b'{"type":"echo","data":"\xc0\xaf"}'), 1007)
        ws_close_case(checks, "ws_utf16_surrogate", session,
                      lambda ws: ws.send_frame(0x1, b'{"type":"echo","data":"\xed\xa0\x80"}'), 1007)
        ws_close_case(checks, "ws_frame_claims_2^62_bytes", session,
                      lambda ws: ws.send_frame(0x1, b"", claimed_length=1 << 62), 1009, watch_peak=True)
        ws_close_case(checks, "ws_frame_claims_2^63-1_bytes", session,
                      lambda ws: ws.send_frame(0x1, b"", claimed_length=(1 << 63) - 1), 1009, watch_peak=True)
        ws_close_case(checks, "ws_frame_claims_64kib_plus_1", session,
                      lambda ws: ws.send_frame(0x1, b"", claimed_length=65537), 1009, watch_peak=True)
        ws_close_case(checks, "ws_fragments_past_64kib", session,
                      lambda ws: (ws.send_frame(0x1, b"[" * 40000, fin=False), ws.send_frame(0x0, b"]" * 40000)),
                      1009, watch_peak=True)
        ws_close_case(checks, "ws_binary_message", session, lambda ws: ws.send_frame(0x2, b"\x00\x01"), 1003)
        ws_nested_echo(checks, session)

        time.sleep(2.0)
        settled = server.memory_kib("VmRSS")
        print(f"summary: {len(checks.rows)} cases, {sum(ok for _, ok, _, _ in checks.rows)} ok; slowest answer "
              f"{max(t for *_, t in checks.rows) * 1000:.1f} ms; VmRSS baseline {baseline} KiB, after {settled} KiB "
              f"({settled - baseline:+d} KiB; bound +{RSS_BOUND_KIB} KiB); VmHWM {server.memory_kib('VmHWM')} KiB")
        if SANITIZED:
            print("  (sanitizer build: memory growth reported, not bounded; see server_process.SANITIZED)")
        elif settled - baseline > RSS_BOUND_KIB:
            checks.failures.append(f"VmRSS grew by {settled - baseline} KiB")
        for line in server.crash_signs()[:5]:
            checks.failures.append(f"server log: {line}")
        if not server.alive():
            checks.failures.append("the server is not running at the end")
    finally:
        server.stop()
    if server.proc.returncode not in (0, None):
        checks.failures.append(f"the server exited with {server.proc.returncode} on SIGTERM")
    status = checks.report()
    print("oversized input: all refused safely" if status == 0 else f"{len(checks.failures)} failures")
    sys.exit(status)


if __name__ == "__main__":
    main()
