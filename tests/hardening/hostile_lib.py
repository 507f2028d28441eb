"""Shared by hostile_http.py and oversized_input.py: talk raw bytes to the real harbour binary over
TLS, read HTTP/1.1 answers byte-exactly (so a second, smuggled answer cannot hide), sign in as a
demo member and open a WebSocket. The server process itself is server_process.Server. Python 3
standard library only; only 127.0.0.1 is contacted."""

import base64
import json
import os
import re
import select
import ssl
import struct
import time

import server_process
from server_process import DEMO_PASSWORD, fail_now, tls_connect

HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
HEALTHZ_BODY = b'{"status":"ok"}'


class Server(server_process.Server):
    """`harbour serve --demo` on a temporary data folder, listening and ready when constructed (a
    start-up failure exits 2). stack_kib: see server_process.Server."""

    def __init__(self, binary, *, extra_args=(), stack_kib=None):
        super().__init__(binary, ["--demo", *extra_args], stack_kib=stack_kib, prefix="harbour-hostile-")
        self.start_or_exit(listening_s=60)


class Response:
    def __init__(self, status, reason, headers, body, raw_head):
        self.status, self.reason, self.headers, self.body, self.raw_head = status, reason, headers, body, raw_head

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def error_code(self):
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def __repr__(self):
        return f"{self.status} {self.error_code() or ''}".strip()


class Reader:
    """Reads HTTP/1.1 responses from a TLS socket until a deadline. `closed` turns true when the
    server ends the connection (close_notify, FIN or reset)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.closed = False

    def _fill(self, deadline):
        if self.closed:
            return False
        # Bytes already decrypted inside the TLS object do not wake select().
        if not self.sock.pending():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return False
        try:
            chunk = self.sock.recv(65536)
        except ssl.SSLWantReadError:
            return True
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            self.closed = True
            return False
        if not chunk:
            self.closed = True
            return False
        self.buf += chunk
        return True

    def _need(self, n, deadline):
        while len(self.buf) < n:
            if not self._fill(deadline):
                return False
        return True

    def _line_end(self, start, deadline):
        while True:
            i = self.buf.find(b"\r\n", start)
            if i >= 0:
                return i
            if not self._fill(deadline):
                return -1

    def read_response(self, deadline):
        """The next whole response, or None (closed or deadline) with any partial bytes left."""
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            if not self._fill(deadline):
                return None
        head = self.buf[:end].decode("latin-1")
        lines = head.split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3}) ?(.*)$", lines[0])
        if not m:
            raise ValueError(f"not an HTTP response: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(m.group(1))
        pos = end + 4
        if 100 <= status < 200 or status in (204, 304):
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                le = self._line_end(pos, deadline)
                if le < 0:
                    return None
                size = int(self.buf[pos:le].split(b";")[0], 16)
                pos = le + 2
                if size == 0:
                    le = self._line_end(pos, deadline)  # no trailers expected
                    if le < 0:
                        return None
                    pos = le + 2
                    break
                if not self._need(pos + size + 2, deadline):
                    return None
                body += self.buf[pos:pos + size]
                pos += size + 2
        elif "content-length" in headers:
            n = int(headers["content-length"])
            if not self._need(pos + n, deadline):
                return None
            body = self.buf[pos:pos + n]
            pos += n
        else:
            while self._fill(deadline):
                pass
            body = self.buf[pos:]
            pos = len(self.buf)
        self.buf = self.buf[pos:]
        return Response(status, m.group(2), headers, body, head)

    def wait_close(self, deadline):
        while self._fill(deadline):
            pass
        return self.closed


def send_all(sock, raw):
    """Sends raw; False when the server closed first (it may refuse before reading everything)."""
    try:
        sock.sendall(raw)
        return True
    except (OSError, ssl.SSLError):
        return False


def request(port, raw, timeout=5.0):
    """One request on a new connection; its response, or None when none came."""
    with tls_connect(port, timeout) as s:
        send_all(s, raw)
        return Reader(s).read_response(time.monotonic() + timeout)


def json_request(port, method, path, body=None, *, cookie=None, csrf=None, extra=(), timeout=10.0):
    payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Origin: https://127.0.0.1:{port}"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if csrf:
        lines.append(f"X-CSRF-Token: {csrf}")
    lines += list(extra)
    return request(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + payload, timeout)


def sign_in(port, pseudonym="Demo Member"):
    """(cookie, csrf token) of a new session of a demo account without a second factor."""
    r = json_request(port, "POST", "/api/v1/session", {"pseudonym": pseudonym, "password": DEMO_PASSWORD})
    if r is None or r.status != 200:
        fail_now(f"sign-in as {pseudonym} failed: {r and r.status} {r and r.body[:200]!r}")
    cookie = r.header("set-cookie").split(";")[0]
    return cookie, r.json()["csrf_token"]


class WebSocket:
    """A minimal RFC 6455 client over the TLS socket: masked frames out, frames in."""

    def __init__(self, port, cookie, path="/ws"):
        self.sock = tls_connect(port)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"Origin: https://127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n").encode())
        self.reader = Reader(self.sock)
        r = self.reader.read_response(time.monotonic() + 10)
        if r is None or r.status != 101:
            fail_now(f"WebSocket upgrade refused: {r and r.status} {r and r.body[:200]!r}")

    def send_frame(self, opcode, payload, *, fin=True, claimed_length=None):
        """One masked frame; claimed_length puts another length in the header than is sent."""
        n = len(payload) if claimed_length is None else claimed_length
        head = bytes([(0x80 if fin else 0) | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def read_frame(self, deadline):
        """(opcode, payload) or None when closed or at the deadline."""
        r = self.reader
        if not r._need(2, deadline):
            return None
        b0, b1 = r.buf[0], r.buf[1]
        n, pos = b1 & 0x7F, 2
        if n == 126:
            if not r._need(4, deadline):
                return None
            n, pos = struct.unpack("!H", r.buf[2:4])[0], 4
        elif n == 127:
            if not r._need(10, deadline):
                return None
            n, pos = struct.unpack("!Q", r.buf[2:10])[0], 10
        if not r._need(pos + n, deadline):
            return None
        payload = r.buf[pos:pos + n]
        r.buf = r.buf[pos + n:]
        return b0 & 0x0F, payload

    def read_until_close(self, deadline):
        """(close code or None, text frames seen before it)."""
        texts = []
        while True:
            frame = self.read_frame(deadline)
            if frame is None:
                return None, texts
            opcode, payload = frame
            if opcode == 0x8:
                return (struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005), texts
            if opcode == 0x1:
                texts.append(payload)

    def read_json(self, deadline, want_type):
        while True:
            frame = self.read_frame(deadline)
            if frame is None:
                return None
            opcode, payload = frame
            if opcode == 0x1:
                msg = json.loads(payload)
                if msg.get("type") == want_type:
                    return msg
            elif opcode == 0x8:
                return None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
