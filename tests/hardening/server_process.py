"""The `harbour serve` process of the hardening scripts, written once (hostile_lib.py,
slow_authz_lib.py and harness.py build on it): start the real binary on 127.0.0.1 with port 0,
read the bound port from the "listening" log line, read its logs and memory, stop or kill it.
Servers die with the test (PR_SET_PDEATHSIG), so a ctest timeout that kills the script leaves no
server behind. Also the small TLS client helpers all three share. Python 3 standard library only;
only 127.0.0.1 is contacted."""

import ctypes
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

DEMO_PASSWORD = "quiet demo lighthouse"

# Set by ctest for a sanitizer build (tests/CMakeLists.txt): the process's memory is then mostly
# the sanitizer's (ASan keeps freed blocks in quarantine and pads every block), so growth over
# many requests is printed but not bounded there; the ci build bounds it, and ASan checks for
# leaks when the server exits. Peaks of a single request (a 1 GiB body, a giant frame) stay bounded.
SANITIZED = os.environ.get("HARBOUR_SANITIZED") == "1"


class TestFailure(Exception):
    """A check did not hold (the test fails with this message)."""


def fail_now(message):
    """For scripts that collect failures in a list: a failure that stops everything (exit 2)."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def die_with_parent():
    """In a child before exec: SIGKILL it when the test process dies, however that happens (a
    ctest timeout kills the script, whose finally blocks then never run)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def exit_on_sigterm():
    """SIGTERM (ctest, a CI runner) ends the script through its finally blocks."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# ---- TLS client -----------------------------------------------------------------------------------


def client_context(cafile=None):
    """A TLS client context; with cafile it trusts that certificate (the server's self-signed
    one), without it checks nothing (tests about framing or durability, not PKI)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if cafile:
        ctx.load_verify_locations(cafile)
    else:
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def tcp_connect(port, source="127.0.0.1", rcvbuf=None, timeout=5.0):
    """A plain TCP connection to 127.0.0.1:port from a chosen loopback source address."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # before connect: sets the window
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def tls_connect(port, timeout=5.0, ctx=None):
    """A TLS connection to 127.0.0.1:port (handshake done)."""
    return (ctx or client_context()).wrap_socket(tcp_connect(port, timeout=timeout), server_hostname="127.0.0.1")


# ---- the server process ---------------------------------------------------------------------------


class Server:
    """One `harbour serve --listen 127.0.0.1:0 --log-level info <args>` process.

    data_dir: the data folder; None gives the server a temporary folder of its own (data, logs,
    web root), removed by stop(). A test that restarts or crashes servers on one data folder passes
    data_dir and log_dir, and a name per start; the logs are then <log_dir>/<name>.out (stdout) and
    <name>.err (stderr: one JSON object per line), and nothing is removed.
    env: added to the environment, from which HARBOUR_* variables are dropped (so that the caller's
    shell cannot change the server under test). web_files: {name: bytes} served from a web root of
    its own (--web-root). stack_kib: a smaller stack limit (RLIMIT_STACK; threads take it as their
    default size too), so that input-driven recursion shows up as a crash rather than hiding in the
    usual 8 MiB.

    The constructor only starts the process: wait_listening() (and wait_ready()) follow, or
    start_or_exit() for both. As a context manager it stops the server on the way out."""

    def __init__(self, binary, args=(), *, data_dir=None, log_dir=None, name="server", env=None,
                 web_files=None, stack_kib=None, prefix="harbour-test-"):
        self.binary = binary
        self.work = None
        if data_dir is None:
            self.work = tempfile.mkdtemp(prefix=prefix)
            data_dir = os.path.join(self.work, "data")
            log_dir = self.work
        self.data_dir = data_dir
        self.stdout_path = os.path.join(log_dir, name + ".out")
        self.log_path = os.path.join(log_dir, name + ".err")
        self.port = self.redirect_port = None
        extra = list(args)
        if web_files is not None:
            web = os.path.join(self.work or log_dir, name + "-web")
            os.makedirs(web)
            for file_name, content in web_files.items():
                with open(os.path.join(web, file_name), "wb") as f:
                    f.write(content)
            extra += ["--web-root", web]
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("HARBOUR_")}
        full_env.update(env or {})

        def in_child():
            die_with_parent()
            if stack_kib:
                resource.setrlimit(resource.RLIMIT_STACK, (stack_kib * 1024, stack_kib * 1024))

        with open(self.stdout_path, "wb") as out, open(self.log_path, "wb") as err:
            self.proc = subprocess.Popen(
                [binary, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--log-level", "info", *extra],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=full_env, preexec_fn=in_child)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()

    @property
    def pid(self):
        return self.proc.pid

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    @property
    def cert_path(self):
        """The self-signed certificate the server made for itself on first start."""
        return os.path.join(self.data_dir, "tls", "cert.pem")

    def alive(self):
        return self.proc.poll() is None

    # ---- start-up

    def wait_listening(self, timeout=60.0):
        """The HTTPS port from the "listening" log line (also sets redirect_port, 0 without one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise TestFailure(f"harbour exited during start-up (code {self.proc.returncode}); "
                                  f"last log lines:\n{self.log_tail()}")
            for line in self.log_lines():
                if line.get("event") == "listening" and line.get("port"):
                    self.port = int(line["port"])
                    self.redirect_port = int(line.get("redirect_port") or 0)
                    return self.port
            time.sleep(0.05)
        raise TestFailure(f"harbour did not log 'listening' within {timeout:.0f} s; last log lines:\n{self.log_tail()}")

    def wait_ready(self, timeout=60.0):
        """Until GET /readyz answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=5, context=client_context())
            try:
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        raise TestFailure(f"/readyz did not answer 200 within {timeout:.0f} s")

    def start_or_exit(self, listening_s=60.0, ready_s=60.0):
        """wait_listening() and wait_ready(); a failure stops the server and exits 2 (fail_now)."""
        try:
            self.wait_listening(listening_s)
            self.wait_ready(ready_s)
        except TestFailure as e:
            self.stop()
            fail_now(str(e))
        except BaseException:
            self.stop()
            raise
        return self

    # ---- output

    def stdout(self):
        with open(self.stdout_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def demo_accounts(self):
        """{role: (pseudonym, totp key or None)} from the lines `--demo` prints on stdout."""
        accounts = {}
        for line in self.stdout().splitlines():
            m = re.match(r"^\s+(.+?) \(([a-z_]+)\)(?:\s+two-step key: ([A-Z2-7 ]+))?\s*$", line)
            if m:
                accounts[m.group(2)] = (m.group(1), m.group(3).strip() if m.group(3) else None)
        if "admin" not in accounts or "member" not in accounts:
            raise TestFailure(f"no demo accounts on stdout of {self.stdout_path}")
        return accounts

    def log_lines(self):
        """Every line of stderr so far, parsed; a line that is not JSON comes as event "unparsed"."""
        out = []
        with open(self.log_path, "rb") as f:
            for raw in f:
                try:
                    out.append(json.loads(raw))
                except ValueError:
                    out.append({"event": "unparsed", "text": raw.decode("utf-8", "replace").rstrip()})
        return out

    def log_tail(self, n=20):
        with open(self.log_path, "rb") as f:
            return b"".join(f.readlines()[-n:]).decode("utf-8", "replace")

    def crash_signs(self):
        """Log lines that speak of a crash or an internal error (none are expected)."""
        bad = []
        for line in self.log_lines():
            text = json.dumps(line).lower()
            if line.get("level") in ("error", "fatal", "critical") or line.get("event") == "unparsed" \
                    or any(w in text for w in ("segmentation", "abort", "terminate called", "sanitizer", "stack overflow")):
                bad.append(line)
        return bad

    def memory_kib(self, field="VmRSS"):
        """VmRSS (resident now) or VmHWM (the peak so far) from /proc/<pid>/status, in KiB."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise RuntimeError(f"no {field} line")

    # ---- the end

    def kill(self):
        """SIGKILL: the crash. Waits until the process is gone; the files stay."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=30.0):
        """SIGTERM and wait (the graceful path); SIGKILL if it does not end within `timeout` (said
        on stderr; the exit code is then -9). Removes the server's own temporary folder. Returns
        the exit code."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                print(f"harbour (pid {self.pid}) did not stop within {timeout:.0f} s of SIGTERM; killed", file=sys.stderr)
                self.proc.kill()
                self.proc.wait()
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)
        return self.proc.returncode
