"""Shared by slow_clients.py and headers_authz.py (issue 8, items 6 and 9): the real harbour binary
on a temporary data folder (server_process.Server, ready when constructed), HTTPS to it from a
chosen loopback source address, TLS run by hand (ssl.MemoryBIO) where a test needs to stop
half-way through a handshake, and whether the server still holds a connection (/proc/net/tcp).
Python 3 standard library only; only 127.0.0.1 is contacted (sources 127.0.0.x are loopback
addresses of this machine)."""

import json
import select
import ssl
import time

import server_process
from server_process import client_context, tcp_connect


class Server(server_process.Server):
    """`harbour serve <args>` on a temporary data folder (and, with web_files, its own web root),
    listening and ready when constructed (a start-up failure exits 2). ctx: a client context that
    trusts the server's own certificate, for Client and BioTls."""

    def __init__(self, binary, *, args=(), env=None, web_files=None, prefix="harbour-slow-authz-"):
        super().__init__(binary, args, env=env, web_files=web_files, prefix=prefix)
        self.start_or_exit(listening_s=90)
        self.ctx = client_context(self.cert_path)


class Response:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def error_code(self):
        j = self.json()
        try:
            return j["error"]["code"]
        except (KeyError, TypeError):
            return None

    def __repr__(self):
        return f"{self.status} {self.error_code() or ''}".strip()


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        # Repeated fields are joined, so a test sees a header sent twice.
        headers[key] = (headers[key] + ", " if key in headers else "") + value.strip()
    return status, (parts[2] if len(parts) > 2 else ""), headers


class Client:
    """One keep-alive HTTPS connection (http/1.1, byte-exact reading). Reconnects on demand."""

    def __init__(self, server, source="127.0.0.1", timeout=10.0):
        self.server, self.source, self.timeout = server, source, timeout
        self.sock = None
        self.buf = b""

    def connect(self):
        raw = tcp_connect(self.server.port, self.source, timeout=self.timeout)
        self.sock = self.server.ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        self.buf = b""

    def close(self):
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def _read_response(self, head_request):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        end = self.buf.index(b"\r\n\r\n")
        status, reason, headers = parse_head(self.buf[:end])
        self.buf = self.buf[end + 4:]
        if head_request or status in (204, 304) or 100 <= status < 200:
            n = 0
        elif "content-length" in headers:
            n = int(headers["content-length"])
        else:
            raise ConnectionError(f"no Content-Length in a {status} answer")
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Response(status, reason, headers, body)

    def send_raw(self, data, head_request=False):
        """Sends bytes as they are (a whole request) and reads one answer."""
        if self.sock is None:
            self.connect()
        try:
            self.sock.sendall(data)
            return self._read_response(head_request)
        except Exception:
            self.close()
            raise

    def request(self, method, path, body=None, headers=None):
        h = {"Host": f"127.0.0.1:{self.server.port}"}
        h.update(headers or {})
        payload = b""
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if payload or method in ("POST", "PUT", "PATCH", "DELETE"):
            h["Content-Length"] = str(len(payload))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items() if v is not None)
        return self.send_raw(head.encode("latin-1") + b"\r\n" + payload, head_request=(method == "HEAD"))


class BioTls:
    """Client TLS run by hand over a plain socket (ssl.MemoryBIO), so a test can send half a
    ClientHello, pause inside the handshake, or send bytes it never reads the answer to."""

    def __init__(self, sock, ctx):
        self.sock = sock
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.obj = ctx.wrap_bio(self.incoming, self.outgoing, server_side=False)

    def client_hello(self):
        try:
            self.obj.do_handshake()
        except ssl.SSLWantReadError:
            pass
        return self.outgoing.read()

    def finish_handshake(self, deadline):
        while True:
            try:
                self.obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                pending = self.outgoing.read()
                if pending:
                    self.sock.sendall(pending)
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("closed during the handshake")
                self.incoming.write(data)
        pending = self.outgoing.read()
        if pending:
            self.sock.sendall(pending)

    def encrypt(self, data):
        self.obj.write(data)
        return self.outgoing.read()

    def feed(self, raw):
        """Decrypts raw bytes from the server; returns the application data in them."""
        self.incoming.write(raw)
        out = b""
        while True:
            try:
                chunk = self.obj.read(65536)
            except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
                return out
            if not chunk:
                return out
            out += chunk


def peer_closed(sock, wait_s):
    """Waits up to wait_s for the server to end the connection (FIN or reset); bytes that arrive
    (TLS session tickets, an answer) are read and dropped. True when it ended."""
    end = time.monotonic() + wait_s
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([sock], [], [], left)
        if not ready:
            return False
        try:
            sock.setblocking(False)
            data = sock.recv(65536)
        except BlockingIOError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
        finally:
            sock.setblocking(True)
        if not data:
            return True


def server_holds(server_port, client_sock):
    """Whether the server still holds its end of this connection, from /proc/net/tcp: a row whose
    local port is the server's and remote port the client's, with an inode (a socket some process
    has open). A socket the server closed is gone or orphaned (inode 0) while it drains."""
    client_ip, client_port = client_sock.getsockname()
    want_remote = f"{_hex_ip(client_ip)}:{client_port:04X}"
    want_local = f"{_hex_ip('127.0.0.1')}:{server_port:04X}"
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            cols = line.split()
            if cols[1] == want_local and cols[2] == want_remote:
                return cols[9] != "0"
    return False


def _hex_ip(ip):
    return "".join(f"{int(p):02X}" for p in reversed(ip.split(".")))


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]
