#!/usr/bin/env python3
"""Hardening.SlowClients (issue 8, item 6): slow and many clients against the real server.

One server runs with short deadlines (header 2 s, body 3 s, idle 4 s, write 2.5 s) and a
redirect listener. Every slow client below must be closed by the server at its deadline: not
before (deadline - EARLY) and not after (deadline + LATE), while a probe on another connection,
from another source address (127.0.0.2), keeps asking /healthz and /readyz every 50 ms on a
keep-alive connection and on a fresh connection every 0.5 s; its slowest answer is reported and
must stay under PROBE_MAX.

  silent TCP connect (no ClientHello)        header deadline, from connect
  half a ClientHello                          header deadline, from connect
  handshake done, then nothing                header deadline, from connect
  header sent a byte every 100 ms             header deadline, from connect
  slow handshake (pause inside it), then a header a byte every 100 ms
                                              header deadline, from connect: one deadline covers
                                              the handshake and the first request's header
  body sent a byte every 100 ms               body deadline, from the end of the header
  Expect: 100-continue, then no body          body deadline, from the end of the header
  one answered request, then nothing          idle deadline, from the answer
  one answered request, 1 s, then a header a byte every 100 ms
                                              header deadline, from the first byte of it
  redirect port: nothing / a slow header      header deadline, from connect
  reader that never reads (8 big files pipelined, 4 KiB receive window)
                                              write deadline, from the requests
  reader that reads 1 KiB every 100 ms (8 big files pipelined)
                                              write deadline, from the requests
(The write deadline bounds the server's own writes: an answer that fits whole in the kernel's
send buffer, up to 4 MiB on loopback, is written at once, so the readers ask for more.)

Then 40 readers that never read, each with 16 pipelined requests for a 2 MiB file (1.25 GiB
asked for in all): each is closed at the write deadline, and the server's resident memory grows
by less than RSS_GROWTH_MAX meanwhile (only one answer per connection is ever in progress, and
static files are shared, not copied).

A second server checks the connection caps (max_connections_per_ip 20, max_connections 50,
default 10 s deadlines so a hung connection would be plain): from 127.0.0.3, 20 connections
work and 5 more are closed at once (each within CAP_CLOSE_MAX of connect, not left to a
deadline); the 20 keep working; 5 closed free exactly 5 places; then with 127.0.0.4 and
127.0.0.5 the global cap fills at 50 and a connection from a fifth address is closed at once
while the open ones keep working; closing some frees the cap again. A keep-alive probe from
127.0.0.2 is answered throughout.

  python3 tests/hardening/slow_clients.py path/to/harbour
Only 127.0.0.1 is contacted. Exit status 0 when every check passes, 1 otherwise."""

import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_process import SANITIZED, tcp_connect  # noqa: E402
from slow_authz_lib import BioTls, Client, Server, peer_closed, percentile, server_holds  # noqa: E402

HEADER_S, BODY_S, IDLE_S, WRITE_S = 2.0, 3.0, 4.0, 2.5
EARLY = 0.25                                                 # closed sooner than this before: too early
LATE = float(os.environ.get("HARBOUR_SLOW_LATE", "1.0"))      # scheduling slack on a busy 2-core machine
PROBE_MAX = float(os.environ.get("HARBOUR_SLOW_PROBE_MAX", "1.0"))
CAP_CLOSE_MAX = float(os.environ.get("HARBOUR_SLOW_CAP_CLOSE_MAX", "0.5"))
RSS_GROWTH_MAX_KIB = 32 * 1024
BIG_FILE = 2 * 1024 * 1024
TRICKLE = 0.1

failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# The probe: a well-behaved client beside the slow ones.

class Probe(threading.Thread):
    def __init__(self, server, fresh_connections=True):
        super().__init__(daemon=True)
        self.server = server
        self.fresh_connections = fresh_connections
        self.keepalive = []
        self.fresh = []
        self.errors = []
        self.stop_flag = threading.Event()

    def run(self):
        client = Client(self.server, source="127.0.0.2", timeout=5)
        i = 0
        while not self.stop_flag.is_set():
            path = "/healthz" if i % 2 == 0 else "/readyz"
            t0 = time.monotonic()
            try:
                r = client.request("GET", path)
                self.keepalive.append(time.monotonic() - t0)
                if r.status != 200:
                    self.errors.append(f"{path}: {r.status}")
            except Exception as e:  # noqa: BLE001 - any failure of the probe is a finding
                self.errors.append(f"{path} (keep-alive): {e!r}")
                client.close()
            if self.fresh_connections and i % 10 == 0:
                t0 = time.monotonic()
                fresh = Client(self.server, source="127.0.0.2", timeout=5)
                try:
                    r = fresh.request("GET", "/healthz", headers={"Connection": "close"})
                    self.fresh.append(time.monotonic() - t0)
                    if r.status != 200:
                        self.errors.append(f"fresh /healthz: {r.status}")
                except Exception as e:  # noqa: BLE001
                    self.errors.append(f"fresh /healthz: {e!r}")
                fresh.close()
            i += 1
            self.stop_flag.wait(0.05)
        client.close()

    def finish(self, label):
        self.stop_flag.set()
        self.join(10)
        ka, fr = self.keepalive, self.fresh
        print(f"probe ({label}): {len(ka)} keep-alive answers, p50 {percentile(ka, 50) * 1000:.1f} ms, "
              f"p99 {percentile(ka, 99) * 1000:.1f} ms, max {max(ka, default=0) * 1000:.1f} ms; "
              f"{len(fr)} fresh connections (handshake + answer), p50 {percentile(fr, 50) * 1000:.1f} ms, "
              f"max {max(fr, default=0) * 1000:.1f} ms; errors {len(self.errors)}")
        for e in self.errors[:5]:
            fail(f"probe ({label}): {e}")
        if not ka:
            fail(f"probe ({label}) got no answer at all")
        slowest = max(ka + fr, default=0)
        if slowest > PROBE_MAX:
            fail(f"probe ({label}): slowest answer {slowest:.3f} s > {PROBE_MAX} s")
        return slowest


# ---------------------------------------------------------------------------------------------
# Slow clients. Each returns (deadline, reference time, time the server closed, note).

def tls_connect(server, rcvbuf=None):
    """TCP connect and a whole handshake, by hand. Returns (sock, tls, connect time)."""
    t0 = time.monotonic()
    s = tcp_connect(server.port, rcvbuf=rcvbuf)
    tls = BioTls(s, server.ctx)
    s.sendall(tls.client_hello())
    tls.finish_handshake(time.monotonic() + 5)
    return s, tls, t0


def closed_at(sock, limit_s):
    return time.monotonic() if peer_closed(sock, limit_s) else None


def trickle_until_closed(sock, tls, limit_s, byte=b"a"):
    """Sends one byte every TRICKLE seconds until the server ends the connection."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        try:
            sock.sendall(tls.encrypt(byte) if tls else byte)
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic()
        if peer_closed(sock, TRICKLE):
            return time.monotonic()
    return None


def read_answer(sock, tls, limit_s):
    """Reads one whole (small) answer; returns its status line."""
    end = time.monotonic() + limit_s
    data = b""
    while time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        raw = sock.recv(65536)
        if not raw:
            break
        data += tls.feed(raw)
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(body) >= length:
                return head.split(b"\r\n")[0].decode()
    raise ConnectionError(f"no whole answer (got {data[:80]!r})")


def request_bytes(server, method, path, extra=""):
    return (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{extra}\r\n").encode()


def case_silent_tcp(server):
    t0 = time.monotonic()
    s = tcp_connect(server.port)
    return HEADER_S, t0, closed_at(s, HEADER_S + LATE + 2), "no bytes sent"


def case_half_client_hello(server):
    t0 = time.monotonic()
    s = tcp_connect(server.port)
    hello = BioTls(s, server.ctx).client_hello()
    s.sendall(hello[: len(hello) // 2])
    return HEADER_S, t0, closed_at(s, HEADER_S + LATE + 2), f"{len(hello) // 2} of {len(hello)} ClientHello bytes"


def case_handshake_then_nothing(server):
    s, _, t0 = tls_connect(server)
    return HEADER_S, t0, closed_at(s, HEADER_S + LATE + 2), "handshake done, no request"


def case_slow_header(server):
    s, tls, t0 = tls_connect(server)
    s.sendall(tls.encrypt(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "))
    return HEADER_S, t0, trickle_until_closed(s, tls, HEADER_S + LATE + 2), "header a byte per 100 ms"


def case_slow_handshake_then_slow_header(server):
    t0 = time.monotonic()
    s = tcp_connect(server.port)
    tls = BioTls(s, server.ctx)
    hello = tls.client_hello()
    s.sendall(hello[:20])
    time.sleep(0.7 * HEADER_S)
    s.sendall(hello[20:])
    tls.finish_handshake(time.monotonic() + 5)
    s.sendall(tls.encrypt(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "))
    return HEADER_S, t0, trickle_until_closed(s, tls, HEADER_S + LATE + 2), \
        f"{0.7 * HEADER_S:.1f} s pause inside the handshake, then a slow header"


def case_slow_body(server):
    s, tls, _ = tls_connect(server)
    s.sendall(tls.encrypt(request_bytes(server, "POST", "/api/v1/pseudonym-check",
                                        "Content-Type: application/json\r\nContent-Length: 1000\r\n")))
    t0 = time.monotonic()
    return BODY_S, t0, trickle_until_closed(s, tls, BODY_S + LATE + 2, b" "), "body a byte per 100 ms"


def case_continue_then_no_body(server):
    s, tls, _ = tls_connect(server)
    s.sendall(tls.encrypt(request_bytes(server, "POST", "/api/v1/pseudonym-check",
                                        "Content-Type: application/json\r\nContent-Length: 100\r\n"
                                        "Expect: 100-continue\r\n")))
    t0 = time.monotonic()
    return BODY_S, t0, closed_at(s, BODY_S + LATE + 2), "Expect: 100-continue, no body"


def case_idle_keepalive(server):
    s, tls, _ = tls_connect(server)
    s.sendall(tls.encrypt(request_bytes(server, "GET", "/healthz")))
    status = read_answer(s, tls, 5)
    t0 = time.monotonic()
    return IDLE_S, t0, closed_at(s, IDLE_S + LATE + 2), f"after '{status}'"


def case_second_request_slow_header(server):
    s, tls, _ = tls_connect(server)
    s.sendall(tls.encrypt(request_bytes(server, "GET", "/healthz")))
    status = read_answer(s, tls, 5)
    time.sleep(1.0)
    t0 = time.monotonic()
    return HEADER_S, t0, trickle_until_closed(s, tls, HEADER_S + LATE + 2, b"G"), \
        f"after '{status}' and 1 s idle, a header a byte per 100 ms"


def case_redirect_silent(server):
    t0 = time.monotonic()
    s = tcp_connect(server.redirect_port)
    return HEADER_S, t0, closed_at(s, HEADER_S + LATE + 2), "redirect port, no bytes"


def case_redirect_slow_header(server):
    t0 = time.monotonic()
    s = tcp_connect(server.redirect_port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return HEADER_S, t0, trickle_until_closed(s, None, HEADER_S + LATE + 2), "redirect port, header a byte per 100 ms"


def wait_server_lets_go(server, s, limit_s):
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if not server_holds(server.port, s):
            return time.monotonic()
        time.sleep(0.01)
    return None


def never_reader(server, count):
    s, tls, _ = tls_connect(server, rcvbuf=4096)
    s.sendall(tls.encrypt(request_bytes(server, "GET", "/big.js") * count))
    t0 = time.monotonic()
    if not server_holds(server.port, s):
        return WRITE_S, t0, None, "the server had already let go before the requests (not accepted?)"
    return WRITE_S, t0, wait_server_lets_go(server, s, WRITE_S + LATE + 2), \
        f"{count} x {BIG_FILE >> 20} MiB pipelined, never read; 4 KiB receive window"


def case_never_reader(server):
    return never_reader(server, 8)


def case_trickle_reader(server):
    # Pipelined: a single 2 MiB answer can fit whole in the kernel's send buffer on loopback
    # (tcp_wmem autotuning reaches 4 MiB), and the server is then done writing; 16 MiB cannot.
    s, tls, _ = tls_connect(server, rcvbuf=4096)
    s.sendall(tls.encrypt(request_bytes(server, "GET", "/big.js") * 8))
    t0 = time.monotonic()
    end = t0 + WRITE_S + LATE + 2
    got = 0
    while time.monotonic() < end:
        if not server_holds(server.port, s):
            return WRITE_S, t0, time.monotonic(), f"8 x 2 MiB pipelined, read 1 KiB per 100 ms ({got} bytes read)"
        s.settimeout(0.05)
        try:
            got += len(s.recv(1024))
        except socket.timeout:
            pass
        time.sleep(TRICKLE)
    return WRITE_S, t0, None, f"8 x 2 MiB pipelined, read 1 KiB per 100 ms ({got} bytes read)"


CASES = [
    ("silent TCP connect", case_silent_tcp),
    ("half a ClientHello", case_half_client_hello),
    ("handshake, then nothing", case_handshake_then_nothing),
    ("slow header", case_slow_header),
    ("slow handshake + slow header", case_slow_handshake_then_slow_header),
    ("slow body", case_slow_body),
    ("100-continue, no body", case_continue_then_no_body),
    ("idle keep-alive", case_idle_keepalive),
    ("slow second request", case_second_request_slow_header),
    ("redirect: silent", case_redirect_silent),
    ("redirect: slow header", case_redirect_slow_header),
    ("never-reading reader", case_never_reader),
    ("trickle reader", case_trickle_reader),
]


def run_concurrently(server, cases):
    results = {}

    def run(name, fn):
        try:
            results[name] = fn(server)
        except Exception as e:  # noqa: BLE001 - reported as the case's failure
            results[name] = (None, None, None, f"client error: {e!r}")

    threads = [threading.Thread(target=run, args=c, daemon=True) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def check_deadlines(results, order):
    print(f"{'case':34} {'deadline':>8} {'closed after':>12}  note")
    for name in order:
        deadline, t0, t_closed, note = results.get(name, (None, None, None, "did not finish"))
        if deadline is None:
            print(f"{name:34} {'-':>8} {'-':>12}  {note}")
            fail(f"{name}: {note}")
            continue
        if t_closed is None:
            print(f"{name:34} {deadline:7.1f}s {'not closed':>12}  {note}")
            fail(f"{name}: not closed within {deadline + LATE + 2:.1f} s (deadline {deadline} s)")
            continue
        took = t_closed - t0
        print(f"{name:34} {deadline:7.1f}s {took:11.2f}s  {note}")
        if took < deadline - EARLY:
            fail(f"{name}: closed after {took:.2f} s, before its {deadline} s deadline")
        elif took > deadline + LATE:
            fail(f"{name}: closed after {took:.2f} s, later than its {deadline} s deadline + {LATE} s")


def phase_deadlines(server):
    print(f"== deadlines: header {HEADER_S} s, body {BODY_S} s, idle {IDLE_S} s, write {WRITE_S} s; "
          f"window [deadline - {EARLY} s, deadline + {LATE} s]")
    probe = Probe(server)
    probe.start()
    time.sleep(0.3)
    results = run_concurrently(server, CASES)
    check_deadlines(results, [n for n, _ in CASES])
    return probe.finish("deadlines"), len(CASES)


def phase_slow_readers(server, count=40, pipelined=16):
    print(f"== {count} readers that never read, {pipelined} x {BIG_FILE >> 20} MiB pipelined each")
    probe = Probe(server)
    probe.start()
    before = server.memory_kib("VmRSS")
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], server.memory_kib("VmRSS"))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results = run_concurrently(server, [(f"reader {i}", lambda s: never_reader(s, pipelined)) for i in range(count)])
    done.set()
    sampler.join(5)
    after = server.memory_kib("VmRSS")
    took = []
    for name, (deadline, t0, t_closed, note) in sorted(results.items()):
        if deadline is None or t_closed is None:
            fail(f"slow {name}: {note if deadline is None else 'not closed'}")
            continue
        took.append(t_closed - t0)
    if took:
        print(f"closed: {len(took)} of {count}; after {min(took):.2f} s to {max(took):.2f} s "
              f"(write deadline {WRITE_S} s)")
        if min(took) < WRITE_S - EARLY or max(took) > WRITE_S + LATE:
            fail(f"slow readers closed between {min(took):.2f} s and {max(took):.2f} s, "
                 f"outside [{WRITE_S - EARLY}, {WRITE_S + LATE}] s")
    growth = peak[0] - before
    print(f"server RSS: {before / 1024:.1f} MiB before, peak {peak[0] / 1024:.1f} MiB (+{growth / 1024:.1f} MiB), "
          f"{after / 1024:.1f} MiB after; {count * pipelined * BIG_FILE >> 20} MiB asked for in all")
    if SANITIZED:
        print("  (sanitizer build: memory growth reported, not bounded; see server_process.SANITIZED)")
    elif growth > RSS_GROWTH_MAX_KIB:
        fail(f"server memory grew by {growth / 1024:.1f} MiB with {count} slow readers (limit {RSS_GROWTH_MAX_KIB >> 10} MiB)")
    return probe.finish("slow readers"), count


# ---------------------------------------------------------------------------------------------
# Connection caps.

def open_working(server, source):
    """A connection that completes its handshake and one request; None when refused."""
    c = Client(server, source=source, timeout=5)
    try:
        r = c.request("GET", "/healthz")
    except (OSError, ConnectionError):
        c.close()
        return None
    if r.status != 200:
        c.close()
        return None
    return c


def refused_at_once(server, source, label):
    """Opens one more connection that must be closed at once: connected, then ended by the
    server before it answers the handshake. Returns the time to the close."""
    t0 = time.monotonic()
    s = tcp_connect(server.port, source)
    tls = BioTls(s, server.ctx)
    s.sendall(tls.client_hello())
    ended = peer_closed(s, 12)  # the header deadline is 10 s: a hung connection shows as ~10 s
    took = time.monotonic() - t0
    s.close()
    if not ended:
        fail(f"{label}: an excess connection from {source} was not closed within 12 s")
    elif took > CAP_CLOSE_MAX:
        fail(f"{label}: an excess connection from {source} took {took:.3f} s to close (limit {CAP_CLOSE_MAX} s)")
    return took


def still_work(clients, label):
    bad = 0
    for c in clients:
        try:
            if c.request("GET", "/healthz").status != 200:
                bad += 1
        except (OSError, ConnectionError):
            bad += 1
    if bad:
        fail(f"{label}: {bad} of {len(clients)} connections within the cap stopped working")


def acquire(server, source, n, limit_s):
    """Opens n working connections, retrying refused ones until limit_s; (clients, seconds)."""
    t0 = time.monotonic()
    got = []
    while len(got) < n and time.monotonic() - t0 < limit_s:
        c = open_working(server, source)
        if c:
            got.append(c)
        else:
            time.sleep(0.05)
    return got, time.monotonic() - t0


def phase_caps(binary):
    per_ip, total = 20, 50
    print(f"== connection caps: max_connections_per_ip {per_ip}, max_connections {total} (deadlines 10 s)")
    server = Server(binary, env={"HARBOUR_LIMITS_MAX_CONNECTIONS": str(total),
                                 "HARBOUR_LIMITS_MAX_CONNECTIONS_PER_IP": str(per_ip)},
                    web_files={"index.html": b"<!doctype html><title>t</title>"})
    closes = []
    held = []
    try:
        probe = Probe(server, fresh_connections=False)  # a fresh probe would take a place of its own
        probe.start()
        time.sleep(0.3)
        a = [open_working(server, "127.0.0.3") for _ in range(per_ip)]
        held += [c for c in a if c]
        if not all(a):
            fail(f"per IP: only {sum(1 for c in a if c)} of {per_ip} connections within the cap worked")
        a = [c for c in a if c]
        closes += [refused_at_once(server, "127.0.0.3", "per-IP cap") for _ in range(5)]
        still_work(a, "per-IP cap")
        for c in a[:5]:
            c.close()
        a = a[5:]
        freed, took = acquire(server, "127.0.0.3", 5, 5)
        held += freed
        print(f"per IP: {per_ip} worked, 5 more closed at once, 5 closed freed {len(freed)} places in {took:.2f} s")
        if len(freed) != 5:
            fail(f"per IP: closing 5 connections freed {len(freed)} places within 5 s")
        closes.append(refused_at_once(server, "127.0.0.3", "per-IP cap after freeing"))
        a += freed

        # The global cap: probe (1) + 127.0.0.3 (20) + 127.0.0.4 (20) + 127.0.0.5 (9) = 50.
        b = [open_working(server, "127.0.0.4") for _ in range(per_ip)]
        held += [c for c in b if c]
        cc = [open_working(server, "127.0.0.5") for _ in range(total - 1 - 2 * per_ip)]
        held += [c for c in cc if c]
        if not all(b) or not all(cc):
            fail(f"global cap: {sum(1 for c in b + cc if c)} of {len(b) + len(cc)} connections below the cap worked")
        closes.append(refused_at_once(server, "127.0.0.5", "global cap"))
        closes.append(refused_at_once(server, "127.0.0.6", "global cap"))
        still_work([c for c in a + b + cc if c], "global cap")
        for c in cc:
            if c:
                c.close()
        freed, took = acquire(server, "127.0.0.6", 3, 5)
        held += freed
        print(f"global: full at {total} (probe included); 2 more from other addresses closed at once; "
              f"closing 9 let 127.0.0.6 in after {took:.2f} s")
        if len(freed) != 3:
            fail(f"global cap: after closing 9 connections only {len(freed)} of 3 new ones worked within 5 s")
        print(f"excess connections: {len(closes)}, closed after {min(closes) * 1000:.1f} ms to "
              f"{max(closes) * 1000:.1f} ms (limit {CAP_CLOSE_MAX * 1000:.0f} ms)")
        probe.finish("caps")
        if not server.alive():
            fail("the caps server exited")
    finally:
        for c in held:
            c.close()
        server.stop()
    return len(closes)


def main():
    if len(sys.argv) != 2:
        print("usage: slow_clients.py path/to/harbour", file=sys.stderr)
        return 2
    binary = sys.argv[1]
    started = time.monotonic()
    env = {"HARBOUR_LIMITS_HEADER_TIMEOUT": f"{int(HEADER_S * 1000)}ms",
           "HARBOUR_LIMITS_BODY_TIMEOUT": f"{int(BODY_S * 1000)}ms",
           "HARBOUR_LIMITS_IDLE_TIMEOUT": f"{int(IDLE_S * 1000)}ms",
           "HARBOUR_LIMITS_WRITE_TIMEOUT": f"{int(WRITE_S * 1000)}ms"}
    web = {"index.html": b"<!doctype html><title>t</title>", "big.js": b"/* filler */\n" * (BIG_FILE // 13)}
    BIG = len(web["big.js"])
    assert BIG > BIG_FILE - 16
    server = Server(binary, args=["--redirect-listen", "127.0.0.1:0"], env=env, web_files=web)
    try:
        probe1, n1 = phase_deadlines(server)
        probe2, n2 = phase_slow_readers(server)
        if not server.alive():
            fail("the server exited")
    finally:
        server.stop()
    n3 = phase_caps(sys.argv[1])
    print(f"cases: {n1} deadline cases, {n2} slow readers, {n3} excess connections; "
          f"probe max {max(probe1, probe2) * 1000:.1f} ms; {time.monotonic() - started:.1f} s in all")
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("slow clients: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
