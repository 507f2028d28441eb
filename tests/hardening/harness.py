"""Shared pieces of the crash and fault tests (tests/hardening/crash_safety.py, faults.py).

Python 3 stdlib only. Everything talks to 127.0.0.1 over TLS (the server's self-signed
certificate is not checked: these tests are about durability, not PKI).

- The server process is server_process.Server, started on a data folder the test keeps across
  crashes and restarts (data_dir, log_dir, a name per start).
- Client: one keep-alive HTTPS connection with a session cookie, the CSRF header and Origin, as
  the web client sends them (schema/api/README.md, "Sessions and CSRF").
- sign_in(): password, then the TOTP two-step code for staff (RFC 6238, as tests/e2e/support.mjs).
- WsClient: a minimal RFC 6455 client for /ws that records the close code the server sends.
- db_ro(): a read-only sqlite3 connection for checking the files of a stopped server.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import sqlite3
import struct
import subprocess
import time

from server_process import DEMO_PASSWORD, TestFailure, client_context, tls_connect


# ---- HTTPS client -------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def error_code(self):
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"].get("code")
        return None

    def __repr__(self):
        return f"<{self.status} {self.body[:200]!r}>"


class Client:
    """A person's keep-alive connection. `cookie` and `csrf` survive a server restart (sessions
    live in the database); `use_port()` points the client at the restarted server."""

    def __init__(self, port, timeout=30.0, cookie=None, csrf=None):
        self.port = port
        self.timeout = timeout
        self.cookie = cookie
        self.csrf = csrf
        self.conn = None

    def clone(self):
        """Another connection for the same session (a second tab, or a second thread)."""
        return Client(self.port, self.timeout, self.cookie, self.csrf)

    def use_port(self, port):
        self.close()
        self.port = port

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None

    def origin(self):
        return f"https://127.0.0.1:{self.port}"

    def request(self, method, path, body=None):
        """One request. Connection errors propagate (the caller decides what an unanswered
        request means); the connection is then dropped and the next request opens a new one."""
        if self.conn is None:
            self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=self.timeout, context=client_context())
        headers = {"Origin": self.origin()}
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.csrf and method not in ("GET", "HEAD"):
            headers["X-CSRF-Token"] = self.csrf
        try:
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
            payload = r.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        set_cookie = r.getheader("Set-Cookie")
        if set_cookie and set_cookie.startswith("__Host-harbour_session="):
            value = set_cookie.split(";", 1)[0]
            if value != "__Host-harbour_session=":
                self.cookie = value
        if r.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, payload)


def totp(key, when=None):
    secret = base64.b32decode(key.replace(" ", "").upper())
    counter = struct.pack(">Q", int((time.time() if when is None else when) // 30))
    mac = hmac.new(secret, counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (binary % 1_000_000)


def sign_in(port, pseudonym, key=None, password=DEMO_PASSWORD):
    """A signed-in Client; staff (with a key) also pass the two-step step."""
    c = Client(port)
    r = c.request("POST", "/api/v1/session", {"pseudonym": pseudonym, "password": password})
    if r.status != 200:
        raise TestFailure(f"sign-in of {pseudonym} answered {r}")
    c.csrf = r.json["csrf_token"]
    c.user_id = r.json["user"]["id"]
    if key:
        r = c.request("POST", "/api/v1/session/second-factor", {"code": totp(key)})
        if r.status != 204:
            raise TestFailure(f"two-step sign-in of {pseudonym} answered {r}")
    return c


def expect(response, status, what):
    if response.status != status:
        raise TestFailure(f"{what}: expected {status}, got {response}")
    return response


# ---- WebSocket ----------------------------------------------------------------------------------


class WsClient:
    """A minimal WebSocket client on /ws (text frames, no extensions) that remembers the close
    code the server sent and answers the close as a browser does."""

    def __init__(self, port, cookie, timeout=30.0):
        self.sock = tls_connect(port, timeout)
        self.buffer = b""
        self.close_code = None
        self.messages = []
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: https://127.0.0.1:{port}\r\n"
                   f"Cookie: {cookie}\r\n\r\n")
        self.sock.sendall(request.encode())
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise TestFailure("the server closed the WebSocket upgrade without an answer")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise TestFailure(f"WebSocket upgrade refused: {status!r}")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if accept not in head:
            raise TestFailure("WebSocket upgrade without the right Sec-WebSocket-Accept")

    def _need(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def read_frame(self):
        b0, b1 = self._need(2)
        opcode = b0 & 0x0F
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._need(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._need(8))[0]
        mask = self._need(4) if b1 & 0x80 else None
        payload = self._need(length)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return opcode, payload

    def send_frame(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def run_until_closed(self):
        """Reads frames until the server closes; returns the close code (None if the connection
        ended without a close frame)."""
        try:
            while True:
                opcode, payload = self.read_frame()
                if opcode == 0x8:
                    self.close_code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                    try:
                        self.send_frame(0x8, payload[:2])
                    except OSError:
                        pass
                    return self.close_code
                if opcode == 0x9:
                    self.send_frame(0xA, payload)
                elif opcode == 0x1:
                    self.messages.append(payload)
        except (OSError, EOFError):
            return self.close_code
        finally:
            try:
                self.sock.close()
            except OSError:
                pass


# ---- the database of a stopped server ----------------------------------------------------------


def db_ro(data_dir):
    """Read-only: the checks never change what the crash left behind."""
    path = os.path.join(data_dir, "harbour.db")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


def integrity(data_dir):
    db = db_ro(data_dir)
    try:
        return [row[0] for row in db.execute("PRAGMA integrity_check")]
    finally:
        db.close()


def audit_verify(binary, data_dir):
    """`harbour audit verify`: (ok, output)."""
    p = subprocess.run([binary, "audit", "verify", "--data-dir", data_dir], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    return p.returncode == 0 and p.stdout.startswith("audit log OK"), p.stdout.strip()
