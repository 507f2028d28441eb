#!/usr/bin/env python3
"""Hardening.HeadersAuthz (issue 8, item 9): security headers, CSRF and cross-member
authorisation over every route of the router, against the real server (`serve --demo`).

The route list is read from the router's source (every `router.add(Method::X, "/path"` in
server/api/*.cpp; the test fails when a call cannot be read, or when the router has a route this
sweep has no entry for, or the sweep an entry the router lacks).

1. Headers. Every response the test receives (well over a thousand: every GET route signed out,
   as a member and as an admin; every unsafe route under every CSRF variant; the error paths:
   404 static and API, 405, 400 bad JSON and bad target, 401, 403, 409, 413, 415, 417, 431, 429,
   304, HEAD, OPTIONS, refused WebSocket upgrades) must carry HSTS, a CSP with default-src/script-src
   'self', frame-ancestors/object-src/base-uri 'none' and nothing 'unsafe-*', nosniff,
   Referrer-Policy no-referrer, X-Frame-Options DENY, COOP and CORP same-origin, a
   Permissions-Policy, X-Request-Id, Cache-Control no-store (static files: their own policy), no
   CORS header, and session cookies only as __Host- with Secure, HttpOnly, SameSite=Strict.
2. CSRF. Every unsafe route (POST/PUT/PATCH/DELETE), signed in as an admin and as a member:
   without the token, with a wrong token, with a foreign Origin, Origin null, Origin of the same
   host over http://, Sec-Fetch-Site cross-site and same-site: 403 with code csrf_token_invalid or
   cross_site_refused; signed out, the five Origin and Sec-Fetch-Site variants: 403.
   None of them may change anything (the audit log, which records every change, does not grow;
   the sessions still work). A control request with everything right then gets an answer that is
   not a CSRF refusal (ids that do not exist for routes that would delete or decide something).
3. Cross-member. Member A tries to read, edit or delete member B's objects by id: B's topic,
   blog comment, Wall message, held recovery story, draft, notifications, staff messages,
   reactions, reports, case and staff notes, account, invitation and session. Each answer must be
   403 or 404 (or, for routes keyed per caller, touch only A's own rows); afterwards B's own view
   of every one of those objects is unchanged, B is still signed in, and no response A received
   during the whole test (A's export and search included) holds any of B's private words.

  python3 tests/hardening/headers_authz.py path/to/harbour
Only 127.0.0.1 is contacted. Exit status 0 when every check passes, 1 otherwise."""

import base64
import collections
import glob
import hashlib
import hmac
import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_process import DEMO_PASSWORD  # noqa: E402
from slow_authz_lib import Client, Server  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
PASSWORD = "a long river of quiet stones"
NONE = 999999999        # an id nothing has
NET = "default"
CSRF_CODES = {"csrf_token_invalid", "cross_site_refused"}

# The one API answer that may be cached: a network's crisis contacts are public, the same for
# everyone, and a minute of caching helps a person in crisis on a poor connection
# (server/api/networks_api.cpp). Everything else under /api says no-store.
PUBLIC_CACHED = re.compile(r"^/api/v1/networks/[a-z0-9-]+/crisis-contacts$")

failures = []
counts = collections.Counter()


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}", file=sys.stderr)


def check(condition, message):
    if not condition:
        fail(message)
    return condition


# ---------------------------------------------------------------------------------------------
# The router's routes, read from its source.

def router_routes():
    routes = set()
    for path in sorted(glob.glob(os.path.join(REPO, "server", "api", "*.cpp"))):
        text = open(path, encoding="utf-8").read()
        calls = len(re.findall(r"\brouter\.add\(", text))
        found = re.findall(r'\brouter\.add\(\s*(?:http::)?Method::(\w+),\s*"([^"]+)"', text)
        check(calls == len(found), f"{os.path.basename(path)}: {calls} router.add calls but {len(found)} could be read")
        for method, pattern in found:
            routes.add(f"{method.upper()} {pattern}")
    return routes


# ---------------------------------------------------------------------------------------------
# Headers every response must carry.

def _max_age(v):
    m = re.search(r"max-age=(\d+)", v)
    return int(m.group(1)) if m else 0


def check_headers(r, what, static=False, path=""):
    counts["responses checked"] += 1
    h = r.headers
    problems = []

    def need(name, ok, want):
        v = h.get(name)
        if v is None or not ok(v):
            problems.append(f"{name}={v!r} (want {want})")

    need("strict-transport-security", lambda v: _max_age(v) >= 31536000 and "includesubdomains" in v.lower(),
         "max-age >= 1 year; includeSubDomains")
    csp_parts = {"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"}
    need("content-security-policy",
         lambda v: all(p in v for p in csp_parts) and "unsafe-" not in v and "*" not in v.replace("https://*", ""),
         "a strict CSP")
    need("x-content-type-options", lambda v: v.lower() == "nosniff", "nosniff")
    need("referrer-policy", lambda v: v.lower() == "no-referrer", "no-referrer")
    need("x-frame-options", lambda v: v.upper() == "DENY", "DENY")
    need("cross-origin-opener-policy", lambda v: v == "same-origin", "same-origin")
    need("cross-origin-resource-policy", lambda v: v == "same-origin", "same-origin")
    need("permissions-policy", lambda v: all(f in v for f in ("camera=()", "microphone=()", "geolocation=()")),
         "camera, microphone and geolocation off")
    need("x-request-id", lambda v: len(v) >= 8, "a request id")
    if static:
        need("cache-control", lambda v: bool(v.strip()), "a cache policy")
    elif r.status == 200 and PUBLIC_CACHED.match(path.split("?")[0]):
        need("cache-control", lambda v: v.startswith("public, max-age="), "public, briefly")
    else:
        need("cache-control", lambda v: "no-store" in v, "no-store")
    for name in h:
        if name.startswith("access-control-"):
            problems.append(f"{name}={h[name]!r} (no CORS at all)")
    if "set-cookie" in h:
        v = h["set-cookie"]
        if not (v.startswith("__Host-") and "Secure" in v and "HttpOnly" in v and "SameSite=Strict" in v and "Path=/" in v):
            problems.append(f"set-cookie={v!r} (want __Host-, Secure, HttpOnly, SameSite=Strict, Path=/)")
    if r.body and r.status >= 400 and not static:
        j = r.json()
        if not (isinstance(j, dict) and isinstance(j.get("error"), dict) and j["error"].get("code")):
            problems.append(f"error body {r.body[:80]!r} (want {{\"error\":{{\"code\",...}}}})")
    if problems:
        fail(f"headers of {what} -> {r.status}: " + "; ".join(problems))


# ---------------------------------------------------------------------------------------------
# People.

def totp(key, at=None):
    secret = base64.b32decode(key.replace(" ", "").upper())
    counter = int((at or time.time()) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = digest[-1] & 15
    return f"{(struct.unpack('>I', digest[o:o + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


class Person:
    """A browser-like caller: same-origin headers, the session cookie and the CSRF token. Every
    answer is checked for the security headers and kept (to look for words A must never see)."""

    def __init__(self, server, name, source="127.0.0.1"):
        self.server, self.name = server, name
        self.origin = f"https://127.0.0.1:{server.port}"
        self.client = Client(server, source=source)
        self.cookie = self.csrf = None
        self.id = None
        self.seen = []

    def call(self, method, path, body=None, *, token=True, origin="self", site="same-origin", cookie=True,
             headers=None, static=False):
        h = {}
        unsafe = method not in ("GET", "HEAD", "OPTIONS")
        if origin == "self":
            if unsafe:
                h["Origin"] = self.origin
        elif origin is not None:
            h["Origin"] = origin
        if site:
            h["Sec-Fetch-Site"] = site
        if cookie and self.cookie:
            h["Cookie"] = self.cookie
        if unsafe and token is True and self.csrf:
            h["X-CSRF-Token"] = self.csrf
        elif isinstance(token, str):
            h["X-CSRF-Token"] = token
        h.update(headers or {})
        r = self.client.request(method, path, body, h)
        check_headers(r, f"{self.name}: {method} {path}", static=static, path=path)
        self.seen.append(r.body)
        return r

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def must(self, method, path, body=None, status=(200, 201, 204)):
        r = self.call(method, path, body)
        if r.status not in ((status,) if isinstance(status, int) else status):
            raise RuntimeError(f"set-up step failed: {self.name}: {method} {path} -> {r.status} {r.body[:300]!r}")
        return r.json() if r.body else {}

    def take_session(self, r):
        cookie = r.header("set-cookie")
        self.cookie = cookie.split(";")[0] if cookie else None
        j = r.json()
        self.csrf = j.get("csrf_token")
        self.id = (j.get("user") or {}).get("id")

    def sign_in(self, pseudonym, password, totp_key=None):
        r = self.call("POST", "/api/v1/session", {"pseudonym": pseudonym, "password": password})
        if r.status != 200:
            raise RuntimeError(f"sign-in of {pseudonym}: {r.status} {r.body[:200]!r}")
        self.take_session(r)
        if totp_key:
            self.must("POST", "/api/v1/session/second-factor", {"code": totp(totp_key)}, status=204)
        return self


def join(server, pseudonym):
    """A new member of the default network: `harbour invite create`, then the API."""
    out = subprocess.run([server.binary, "invite", "create", "--data-dir", server.data_dir, "--network", NET,
                          "--role", "member", "--note", "headers_authz"],
                         capture_output=True, text=True, timeout=60)
    m = re.search(r"https://\S+/join#([A-Za-z0-9_-]+)", out.stdout)
    if out.returncode != 0 or not m:
        raise RuntimeError(f"harbour invite create failed ({out.returncode}): {out.stdout}{out.stderr}")
    p = Person(server, pseudonym)
    preview = p.must("POST", "/api/v1/invitations/preview", {"token": m.group(1)})
    r = p.call("POST", "/api/v1/accounts", {"token": m.group(1), "pseudonym": pseudonym, "password": PASSWORD,
                                             "accepted_guidelines_version": preview["guidelines"]["version"]})
    if r.status != 201:
        raise RuntimeError(f"registration of {pseudonym}: {r.status} {r.body[:200]!r}")
    p.take_session(r)
    return p


def audit_rows(server):
    db = sqlite3.connect(f"file:{os.path.join(server.data_dir, 'harbour.db')}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------
# Every route: how to ask it. GET routes: the path (fields from the fixtures). Unsafe routes:
# the path and body the refusals use (real objects: a refusal must leave them as they were), and
# the control's path and body (ids or networks that do not exist where the request would delete
# or decide something, so the control reaches the handler and changes nothing that matters).

SAME = object()


def U(path, body=None, ctrl=SAME, ctrl_body=SAME):
    return {"path": path, "body": {} if body is None else body,
            "ctrl": path if ctrl is SAME else ctrl, "ctrl_body": ({} if body is None else body) if ctrl_body is SAME else ctrl_body}


POST_BODY = {"title": "Sweep", "body": "A sweep post.", "content_notes": []}

ROUTES = {
    # health, status, public
    "GET /healthz": "/healthz",
    "GET /readyz": "/readyz",
    "GET /api/v1/status": "/api/v1/status",
    "GET /api/v1/networks/{slug}/crisis-contacts": "/api/v1/networks/{net}/crisis-contacts",
    # accounts and sessions
    "POST /api/v1/invitations/preview": U("/api/v1/invitations/preview", {"token": "no-such-token"}),
    "POST /api/v1/pseudonym-check": U("/api/v1/pseudonym-check", {"pseudonym": "Sweep Check"}),
    "POST /api/v1/accounts": U("/api/v1/accounts", {}),
    "POST /api/v1/invitations/redeem": U("/api/v1/invitations/redeem", {"token": "no-such-token", "accepted_guidelines_version": 1}),
    "POST /api/v1/session": U("/api/v1/session", {}),
    "GET /api/v1/session": "/api/v1/session",
    "DELETE /api/v1/session": U("/api/v1/session", ctrl=None),             # control: a throwaway session
    "POST /api/v1/session/end-all": U("/api/v1/session/end-all", ctrl=None),  # control: a throwaway account
    "POST /api/v1/session/second-factor": U("/api/v1/session/second-factor", {"code": "000000"}),
    "POST /api/v1/account/totp/enrol": U("/api/v1/account/totp/enrol"),
    "POST /api/v1/account/totp/confirm": U("/api/v1/account/totp/confirm", {"code": "000000"}),
    # administration
    "GET /api/v1/admin/users": "/api/v1/admin/users",
    "GET /api/v1/admin/users/{id}": "/api/v1/admin/users/{user}",
    "POST /api/v1/admin/users/{id}/suspend": U("/api/v1/admin/users/{user}/suspend", {"reason": "sweep"}, "/api/v1/admin/users/{none}/suspend"),
    "POST /api/v1/admin/users/{id}/restore": U("/api/v1/admin/users/{user}/restore", {"reason": "sweep"}, "/api/v1/admin/users/{none}/restore"),
    "PUT /api/v1/admin/users/{id}/memberships/{slug}": U("/api/v1/admin/users/{user}/memberships/{net}", {"role": "volunteer"},
                                                         "/api/v1/admin/users/{none}/memberships/{net}"),
    "GET /api/v1/admin/networks": "/api/v1/admin/networks",
    "GET /api/v1/admin/audit": "/api/v1/admin/audit",
    # data rights, reading settings, drafts
    "GET /api/v1/account/export": "/api/v1/account/export",
    "POST /api/v1/account/erase": U("/api/v1/account/erase", {"password": "not the password", "content": "remove"}, ctrl_body={}),
    "GET /api/v1/content-notes": "/api/v1/content-notes",
    "GET /api/v1/account/reading": "/api/v1/account/reading",
    "PUT /api/v1/account/reading": U("/api/v1/account/reading", {"collapsed_notes": []}),
    "GET /api/v1/drafts": "/api/v1/drafts",
    "GET /api/v1/drafts/{key}": "/api/v1/drafts/{key}",
    "PUT /api/v1/drafts/{key}": U("/api/v1/drafts/{key}", {"network": "default", "body": "scratch"}),
    "DELETE /api/v1/drafts/{key}": U("/api/v1/drafts/{key}"),
    # forums
    "GET /api/v1/networks/{slug}/categories": "/api/v1/networks/{net}/categories",
    "POST /api/v1/networks/{slug}/categories": U("/api/v1/networks/{net}/categories",
                                                 {"name": "Sweep", "description": "x", "position": 99, "read": ["member"], "post": ["member"]},
                                                 "/api/v1/networks/{nonet}/categories"),
    "PATCH /api/v1/categories/{id}": U("/api/v1/categories/{cat}", {"name": "Renamed by a refused request"}, "/api/v1/categories/{none}"),
    "GET /api/v1/categories/{id}/topics": "/api/v1/categories/{cat}/topics",
    "POST /api/v1/categories/{id}/topics": U("/api/v1/categories/{cat}/topics", POST_BODY, "/api/v1/categories/{none}/topics"),
    "GET /api/v1/topics/{id}": "/api/v1/topics/{topic}",
    "POST /api/v1/topics/{id}/replies": U("/api/v1/topics/{topic}/replies", POST_BODY, "/api/v1/topics/{none}/replies"),
    "PUT /api/v1/topics/{id}/read": U("/api/v1/topics/{topic}/read", {"last_read_id": 1}, "/api/v1/topics/{none}/read"),
    "PATCH /api/v1/topics/{id}": U("/api/v1/topics/{topic}", {"locked": True, "reason": "sweep"}, "/api/v1/topics/{none}"),
    # blogs
    "GET /api/v1/networks/{slug}/blog": "/api/v1/networks/{net}/blog",
    "POST /api/v1/networks/{slug}/blog": U("/api/v1/networks/{net}/blog", POST_BODY, "/api/v1/networks/{nonet}/blog"),
    "GET /api/v1/blog-posts/{id}": "/api/v1/blog-posts/{blog}",
    "POST /api/v1/blog-posts/{id}/comments": U("/api/v1/blog-posts/{blog}/comments", POST_BODY, "/api/v1/blog-posts/{none}/comments"),
    # posts
    "GET /api/v1/posts/{id}": "/api/v1/posts/{post}",
    "PUT /api/v1/posts/{id}": U("/api/v1/posts/{post}", POST_BODY, "/api/v1/posts/{none}"),
    "DELETE /api/v1/posts/{id}": U("/api/v1/posts/{post}", ctrl="/api/v1/posts/{none}"),
    "POST /api/v1/posts/{id}/hide": U("/api/v1/posts/{post}/hide", {"reason": "sweep"}, "/api/v1/posts/{none}/hide"),
    "POST /api/v1/posts/{id}/unhide": U("/api/v1/posts/{post}/unhide", {"reason": "sweep"}, "/api/v1/posts/{none}/unhide"),
    "GET /api/v1/posts/{id}/history": "/api/v1/posts/{post}/history",
    "PUT /api/v1/posts/{id}/reactions/{kind}": U("/api/v1/posts/{post}/reactions/support", ctrl="/api/v1/posts/{none}/reactions/support"),
    "DELETE /api/v1/posts/{id}/reactions/{kind}": U("/api/v1/posts/{reacted}/reactions/support", ctrl="/api/v1/posts/{none}/reactions/support"),
    "GET /api/v1/posts/{id}/reactions": "/api/v1/posts/{post}/reactions",
    "GET /api/v1/account/posts": "/api/v1/account/posts",
    "POST /api/v1/posts/{id}/report": U("/api/v1/posts/{post}/report", {"reason": "spam"}, "/api/v1/posts/{none}/report"),
    # moderation
    "GET /api/v1/networks/{slug}/moderation/queue": "/api/v1/networks/{net}/moderation/queue",
    "POST /api/v1/moderation/items/{id}/approve": U("/api/v1/moderation/items/{item}/approve", {}, "/api/v1/moderation/items/{none}/approve"),
    "POST /api/v1/moderation/items/{id}/reject": U("/api/v1/moderation/items/{item}/reject", {"reason": "sweep refused"}, "/api/v1/moderation/items/{none}/reject"),
    "POST /api/v1/moderation/items/{id}/claim": U("/api/v1/moderation/items/{item}/claim", {}, "/api/v1/moderation/items/{none}/claim"),
    "POST /api/v1/moderation/items/{id}/release": U("/api/v1/moderation/items/{item}/release", {}, "/api/v1/moderation/items/{none}/release"),
    "POST /api/v1/moderation/items/{id}/escalate": U("/api/v1/moderation/items/{item}/escalate", {"reason": "sweep"}, "/api/v1/moderation/items/{none}/escalate"),
    "GET /api/v1/moderation/reject-templates": "/api/v1/moderation/reject-templates",
    "GET /api/v1/networks/{slug}/moderation/policy": "/api/v1/networks/{net}/moderation/policy",
    "PUT /api/v1/networks/{slug}/moderation/policy": U("/api/v1/networks/{net}/moderation/policy", {"mode": "pre_moderate_all", "first_posts": 0},
                                                       "/api/v1/networks/{nonet}/moderation/policy"),
    "GET /api/v1/networks/{slug}/watched-words": "/api/v1/networks/{net}/watched-words",
    "POST /api/v1/networks/{slug}/watched-words": U("/api/v1/networks/{net}/watched-words", {"phrase": "sweeprefused", "action": "hold"},
                                                    "/api/v1/networks/{nonet}/watched-words"),
    "DELETE /api/v1/watched-words/{id}": U("/api/v1/watched-words/{word}", ctrl="/api/v1/watched-words/{none}"),
    "GET /api/v1/networks/{slug}/moderation/dashboard": "/api/v1/networks/{net}/moderation/dashboard",
    "GET /api/v1/networks/{slug}/service-report": "/api/v1/networks/{net}/service-report",
    # member tools and the member's inbox
    "POST /api/v1/members/{user_id}/messages": U("/api/v1/members/{user}/messages", {"network": "default", "body": "refused"},
                                                 "/api/v1/members/{none}/messages"),
    "POST /api/v1/members/{user_id}/silence": U("/api/v1/members/{user}/silence", {"network": "default", "hours": 1, "reason": "sweep"},
                                                "/api/v1/members/{none}/silence"),
    "DELETE /api/v1/members/{user_id}/silence": U("/api/v1/members/{user}/silence?network=default", {"reason": "sweep"},
                                                  "/api/v1/members/{none}/silence?network=default"),
    "POST /api/v1/members/{user_id}/notes": U("/api/v1/members/{user}/notes", {"network": "default", "body": "refused"},
                                              "/api/v1/members/{none}/notes"),
    "GET /api/v1/members/{user_id}/notes": "/api/v1/members/{user}/notes?network=default",
    "GET /api/v1/account/messages": "/api/v1/account/messages",
    "POST /api/v1/account/messages/read": U("/api/v1/account/messages/read", {"all": True}, ctrl_body={"ids": [NONE]}),
    # notifications and mutes
    "GET /api/v1/notifications": "/api/v1/notifications",
    "POST /api/v1/notifications/read": U("/api/v1/notifications/read", {"all": True}, ctrl_body={"ids": [NONE]}),
    "GET /api/v1/account/mutes": "/api/v1/account/mutes",
    "PUT /api/v1/account/mutes/{user_id}": U("/api/v1/account/mutes/{user}", ctrl="/api/v1/account/mutes/{none}"),
    "DELETE /api/v1/account/mutes/{user_id}": U("/api/v1/account/mutes/{user}", ctrl="/api/v1/account/mutes/{none}"),
    # office hours and rota
    "GET /api/v1/networks/{slug}/office-hours": "/api/v1/networks/{net}/office-hours",
    "PUT /api/v1/networks/{slug}/office-hours": U("/api/v1/networks/{net}/office-hours", {"week": [], "closures": []},
                                                  "/api/v1/networks/{nonet}/office-hours"),
    "GET /api/v1/networks/{slug}/rota": "/api/v1/networks/{net}/rota",
    "POST /api/v1/networks/{slug}/rota": U("/api/v1/networks/{net}/rota", {"user_id": 1, "starts_at": "2030-01-01T09:00:00Z", "ends_at": "2030-01-01T10:00:00Z"},
                                           "/api/v1/networks/{nonet}/rota"),
    "DELETE /api/v1/rota/{id}": U("/api/v1/rota/{rota}", ctrl="/api/v1/rota/{none}"),
    "GET /api/v1/networks/{slug}/on-shift": "/api/v1/networks/{net}/on-shift",
    # safeguarding cases
    "GET /api/v1/networks/{slug}/cases": "/api/v1/networks/{net}/cases",
    "POST /api/v1/networks/{slug}/cases": U("/api/v1/networks/{net}/cases", {"member_id": 1, "tier": "concern", "note": "refused"},
                                            "/api/v1/networks/{nonet}/cases"),
    "GET /api/v1/cases/{id}": "/api/v1/cases/{case}",
    "POST /api/v1/cases/{id}/acknowledge": U("/api/v1/cases/{case}/acknowledge", ctrl="/api/v1/cases/{none}/acknowledge"),
    "POST /api/v1/cases/{id}/contacted": U("/api/v1/cases/{case}/contacted", {"note": "refused"}, "/api/v1/cases/{none}/contacted"),
    "POST /api/v1/cases/{id}/assign": U("/api/v1/cases/{case}/assign", {"owner_id": 1}, "/api/v1/cases/{none}/assign"),
    "POST /api/v1/cases/{id}/note": U("/api/v1/cases/{case}/note", {"body": "refused"}, "/api/v1/cases/{none}/note"),
    "POST /api/v1/cases/{id}/close": U("/api/v1/cases/{case}/close", {"outcome": "refused"}, "/api/v1/cases/{none}/close"),
    "POST /api/v1/cases/{id}/reopen": U("/api/v1/cases/{case}/reopen", {"reason": "refused"}, "/api/v1/cases/{none}/reopen"),
    # invitations
    "POST /api/v1/networks/{slug}/invitations": U("/api/v1/networks/{net}/invitations", {"role": "member"}, "/api/v1/networks/{nonet}/invitations"),
    "GET /api/v1/networks/{slug}/invitations": "/api/v1/networks/{net}/invitations",
    "DELETE /api/v1/invitations/{id}": U("/api/v1/invitations/{inv}", ctrl="/api/v1/invitations/{none}"),
    # resources, search, the risk lexicon
    "GET /api/v1/networks/{slug}/resources": "/api/v1/networks/{net}/resources",
    "GET /api/v1/resources/{id}": "/api/v1/resources/{resource}",
    "POST /api/v1/networks/{slug}/resources": U("/api/v1/networks/{net}/resources", {"title": "x"}, "/api/v1/networks/{nonet}/resources"),
    "PUT /api/v1/resources/{id}": U("/api/v1/resources/{resource}", {"title": "x"}, "/api/v1/resources/{none}"),
    "DELETE /api/v1/resources/{id}": U("/api/v1/resources/{resource}", ctrl="/api/v1/resources/{none}"),
    "GET /api/v1/search": "/api/v1/search?q=sleep&network=default",
    "GET /api/v1/networks/{slug}/risk-terms": "/api/v1/networks/{net}/risk-terms",
    "POST /api/v1/networks/{slug}/risk-terms": U("/api/v1/networks/{net}/risk-terms", {"phrase": "sweep refused phrase", "tier": "concern", "exceptions": []},
                                                 "/api/v1/networks/{nonet}/risk-terms"),
    "DELETE /api/v1/risk-terms/{id}": U("/api/v1/risk-terms/{term}", ctrl="/api/v1/risk-terms/{none}"),
    "POST /api/v1/networks/{slug}/content-check": U("/api/v1/networks/{net}/content-check", {"body": "hello"}),
    # the Wall and the WebSocket gate
    "GET /api/v1/networks/{slug}/wall": "/api/v1/networks/{net}/wall",
    "GET /api/v1/networks/{slug}/wall/events": "/api/v1/networks/{net}/wall/events?after=0",
    "POST /api/v1/networks/{slug}/wall/messages": U("/api/v1/networks/{net}/wall/messages", {"body": "refused"},
                                                    "/api/v1/networks/{nonet}/wall/messages"),
    "GET /ws": "/ws",
}


def fill(path, F):
    return path.format(**F)


# ---------------------------------------------------------------------------------------------
# Set-up: an admin makes the default network publish at once at any hour, and a few staff
# objects; members A, B and C join; B writes things of its own, some private.

# Words only B's private objects hold: A must never receive one of them.
PRIVATE = {"draft": "quillonbdraft", "story": "quillonbstory", "report": "quillonbreport",
           "message": "quillonbmessage", "case": "quillonbcase", "note": "quillonbnote"}


def set_up(server):
    out = server.stdout()
    m = re.search(r"Demo Administrator \(admin\)\s+two-step key: ([A-Z2-7 ]+)", out)
    if not m:
        raise RuntimeError(f"no demo admin key in the server's output:\n{out}")
    admin = Person(server, "admin").sign_in("Demo Administrator", DEMO_PASSWORD, m.group(1))
    admin.must("PUT", f"/api/v1/networks/{NET}/moderation/policy",
               {"mode": "post_moderate", "first_posts": 0, "out_of_hours": "as_in_hours"})
    admin.must("PUT", f"/api/v1/networks/{NET}/office-hours",
               {"week": [{"weekday": d, "opens": "00:00", "closes": "24:00"} for d in range(1, 8)], "closures": []})
    F = {"net": NET, "none": NONE, "nonet": "no-such-network", }
    F["inv"] = admin.must("POST", f"/api/v1/networks/{NET}/invitations", {"role": "member", "note": "sweep"})["id"]
    F["word"] = admin.must("POST", f"/api/v1/networks/{NET}/watched-words", {"phrase": "sweepwatchword", "action": "hold"})["word"]["id"]
    F["term"] = admin.must("POST", f"/api/v1/networks/{NET}/risk-terms",
                           {"phrase": "sweep risk phrase", "tier": "concern", "exceptions": []})["term"]["id"]
    F["resource"] = admin.must("GET", f"/api/v1/networks/{NET}/resources")["resources"][0]["id"]
    F["rota"] = admin.must("GET", f"/api/v1/networks/{NET}/rota")["shifts"][0]["id"]
    F["cat"] = admin.must("GET", f"/api/v1/networks/{NET}/categories")["categories"][0]["id"]

    a, b, c = join(server, "Sweep Ash"), join(server, "Sweep Birch"), join(server, "Sweep Cedar")
    a.name, b.name, c.name = "member A", "member B", "member C"
    # A published blog post every member can read and comment on.
    F["blog"] = next(p["id"] for p in b.must("GET", f"/api/v1/networks/{NET}/blog")["posts"] if p.get("state") == "published")
    F["key"] = f"comment-{F['blog']}"  # drafts live under keys naming where they will be posted
    o = {"bkey": f"topic-{F['cat']}"}
    o["topic"] = b.must("POST", f"/api/v1/categories/{F['cat']}/topics",
                        {"title": "Birch's topic", "body": "Birch writes here.", "content_notes": []})["post"]["id"]
    o["comment"] = b.must("POST", f"/api/v1/blog-posts/{F['blog']}/comments",
                          {"body": "Birch comments.", "content_notes": []})["post"]["id"]
    o["wall"] = b.must("POST", f"/api/v1/networks/{NET}/wall/messages", {"body": "Birch on the Wall."})["post"]["id"]
    story = b.must("POST", f"/api/v1/networks/{NET}/blog",
                   {"title": "Birch's story", "body": f"My story {PRIVATE['story']}.", "content_notes": []})
    o["story"] = story["post"]["id"]
    check(story["moderation"]["outcome"] == "held", f"B's recovery story is {story['moderation']} (a story is always held)")
    b.must("PUT", f"/api/v1/drafts/{o['bkey']}", {"network": NET, "title": "Birch's draft", "body": f"Draft {PRIVATE['draft']}"})
    b.must("PUT", f"/api/v1/posts/{F['blog']}/reactions/support")
    o["reacted"] = F["blog"]
    b.must("PUT", f"/api/v1/account/mutes/{c.id}")
    b.must("PUT", "/api/v1/account/reading", {"collapsed_notes": []})
    o["a_topic"] = a.must("POST", f"/api/v1/categories/{F['cat']}/topics",
                          {"title": "Ash's topic", "body": "Ash writes here.", "content_notes": []})["post"]["id"]
    a.must("POST", f"/api/v1/topics/{o['topic']}/replies", {"body": "Ash replies to Birch.", "content_notes": []})
    b.must("POST", f"/api/v1/posts/{o['a_topic']}/report", {"reason": "other", "note": f"Report {PRIVATE['report']}"}, status=201)
    admin.must("POST", f"/api/v1/members/{b.id}/messages", {"network": NET, "body": f"Hello {PRIVATE['message']}"})
    o["case"] = admin.must("POST", f"/api/v1/networks/{NET}/cases",
                           {"member_id": b.id, "tier": "concern", "note": f"Case {PRIVATE['case']}"}, status=201)["case"]["id"]
    admin.must("POST", f"/api/v1/members/{b.id}/notes", {"network": NET, "body": f"Note {PRIVATE['note']}"}, status=201)
    items = admin.must("GET", f"/api/v1/networks/{NET}/moderation/queue")["items"]
    o["item"] = next((i["id"] for i in items if (i.get("post") or {}).get("id") == o["story"]), None)
    check(o["item"] is not None, "B's held story is not in the moderation queue")
    notes = b.must("GET", "/api/v1/notifications")["notifications"]
    o["notification"] = notes[0]["id"] if notes else None
    check(o["notification"] is not None, "B has no notification of A's reply")
    msgs = b.must("GET", "/api/v1/account/messages")["messages"]
    o["message"] = msgs[0]["id"] if msgs else None
    check(o["message"] is not None, "B has no staff message")
    # Controls: the words really are in B's and staff's views, so their absence from A's is news.
    check(PRIVATE["draft"].encode() in b.call("GET", f"/api/v1/drafts/{o['bkey']}").body, "B cannot read its own draft")
    check(PRIVATE["story"].encode() in admin.call("GET", f"/api/v1/posts/{o['story']}").body, "staff cannot read B's held story")
    F.update({"user": b.id, "post": o["topic"], "topic": o["topic"], "case": o["case"], "item": o["item"],
              "reacted": o["reacted"]})
    return admin, a, b, c, F, o


def b_view(b, o):
    """Everything of B's as B sees it, for before/after comparison."""
    paths = ["/api/v1/session", "/api/v1/account/posts", "/api/v1/drafts", f"/api/v1/drafts/{o['bkey']}",
             "/api/v1/notifications", "/api/v1/account/messages", "/api/v1/account/mutes", "/api/v1/account/reading",
             f"/api/v1/posts/{o['topic']}", f"/api/v1/posts/{o['comment']}", f"/api/v1/posts/{o['wall']}",
             f"/api/v1/posts/{o['story']}", f"/api/v1/posts/{o['reacted']}", f"/api/v1/posts/{o['topic']}/reactions"]
    view = {}
    for p in paths:
        r = b.call("GET", p)
        view[p] = (r.status, r.json())
    return view


# ---------------------------------------------------------------------------------------------
# 1. Every GET route, signed out, as member A and as the admin.

# GET routes the admin cannot answer 200 to, and why.
ADMIN_NOT_200 = {"GET /api/v1/drafts/{key}": "an admin holds no network key, so keeps no drafts"}


def sweep_gets(people, F):
    statuses = collections.Counter()
    for pattern, spec in ROUTES.items():
        if not pattern.startswith("GET "):
            continue
        for p in people:
            r = p.call("GET", fill(spec, F))
            counts["GET sweep requests"] += 1
            statuses[(p.name, r.status // 100)] += 1
            check(r.status < 500, f"{p.name}: GET {fill(spec, F)} -> {r.status} {r.body[:200]!r}")
            if p.name == "admin" and pattern not in ADMIN_NOT_200:
                check(r.status == 200, f"admin: GET {fill(spec, F)} -> {r.status} {r.body[:200]!r} (the sweep's fixture is wrong?)")
    return statuses


# ---------------------------------------------------------------------------------------------
# 2. CSRF on every unsafe route.

def csrf_variants(person):
    foreign = "https://evil.example"
    plain_same_host = f"http://127.0.0.1:{person.server.port}"
    v = [("foreign Origin", {"origin": foreign}, "cross_site_refused"),
         ("Origin null", {"origin": "null"}, "cross_site_refused"),
         ("Origin http:// same host", {"origin": plain_same_host}, "cross_site_refused"),
         ("Sec-Fetch-Site cross-site", {"site": "cross-site"}, "cross_site_refused"),
         ("Sec-Fetch-Site same-site", {"site": "same-site"}, "cross_site_refused")]
    if person.cookie:
        v += [("no CSRF token", {"token": False}, "csrf_token_invalid"),
              ("wrong CSRF token", {"token": "x" * 43}, "csrf_token_invalid"),
              ("no token, no Origin, no Sec-Fetch-Site", {"token": False, "origin": None, "site": None}, "csrf_token_invalid")]
    return v


def sweep_csrf_refusals(people, F):
    n = 0
    for pattern, spec in ROUTES.items():
        method = pattern.split(" ")[0]
        if method == "GET":
            continue
        for p in people:
            for label, kw, code in csrf_variants(p):
                r = p.call(method, fill(spec["path"], F), spec["body"], **kw)
                n += 1
                if r.status != 403 or r.error_code() != code:
                    fail(f"{p.name}: {pattern} with {label} -> {r.status} {r.error_code()} (want 403 {code})")
    return n


def sweep_csrf_controls(admin, F):
    n = 0
    outcome = collections.Counter()
    for pattern, spec in ROUTES.items():
        method = pattern.split(" ")[0]
        if method == "GET" or spec["ctrl"] is None:
            continue
        r = admin.call(method, fill(spec["ctrl"], F), spec["ctrl_body"])
        n += 1
        outcome[r.status] += 1
        if r.status == 403 and r.error_code() in CSRF_CODES or r.status >= 500:
            fail(f"control {pattern} ({fill(spec['ctrl'], F)}) -> {r.status} {r.error_code()}")
    return n, outcome


def session_controls(server, c):
    """DELETE /session and POST /session/end-all with everything right, on C's extra sessions."""
    s1 = Person(server, "member C, session 2").sign_in("Sweep Cedar", PASSWORD)
    s2 = Person(server, "member C, session 3").sign_in("Sweep Cedar", PASSWORD)
    r = s1.call("DELETE", "/api/v1/session")
    check(r.status == 204, f"control DELETE /session -> {r.status} {r.error_code()}")
    check(s1.get("/api/v1/session").json().get("user") is None, "DELETE /session left its session signed in")
    check(s2.get("/api/v1/session").json().get("user", {}).get("id") == c.id, "DELETE /session ended another session too")
    r = s2.call("POST", "/api/v1/session/end-all")
    check(r.status == 204, f"control POST /session/end-all -> {r.status} {r.error_code()}")
    check(c.get("/api/v1/session").json().get("user") is None, "end-all left another session of the account signed in")
    return 2


# ---------------------------------------------------------------------------------------------
# Error paths, each checked for the headers (Person.call does) and for its status.

def raw_answer(server, data, source="127.0.0.1"):
    c = Client(server, source=source)
    try:
        r = c.send_raw(data)
    finally:
        c.close()
    return r


def error_paths(server, admin, a, anon):
    host = f"Host: 127.0.0.1:{server.port}\r\n"
    cases = []

    def expect(label, r, status, static=False, code=None):
        if r is None:
            return
        if r is not None and not hasattr(r, "checked"):
            check_headers(r, label, static=static)
        cases.append(label)
        ok = r.status == status and (code is None or r.error_code() == code)
        check(ok, f"{label}: {r.status} {r.error_code()} (want {status} {code or ''})")

    r = anon.call("GET", "/no-such-file.js")
    r.checked = True
    expect("404 static", r, 404)
    r = anon.call("GET", "/api/v1/no-such-route"); r.checked = True
    expect("404 API route", r, 404)
    r = admin.call("GET", f"/api/v1/posts/{NONE}"); r.checked = True
    expect("404 API object", r, 404)
    r = anon.call("DELETE", "/api/v1/status"); r.checked = True
    expect("405 API", r, 405)
    check("GET" in (r.header("allow") or ""), f"405 without Allow: {r.headers}")
    r = anon.call("POST", "/healthz"); r.checked = True
    expect("405 health", r, 405)
    r = anon.call("POST", "/api/v1/pseudonym-check", b"{"); r.checked = True
    expect("400 bad JSON", r, 400, code="invalid_json")
    r = anon.call("POST", "/api/v1/pseudonym-check", b"{}", headers={"Content-Type": "text/plain"}); r.checked = True
    expect("415 not JSON", r, 415)
    r = anon.call("GET", "/api/v1/notifications"); r.checked = True
    expect("401 signed out", r, 401)
    r = a.call("GET", "/api/v1/admin/users"); r.checked = True
    expect("403 member on an admin route", r, 403)
    r = admin.call("POST", "/api/v1/account/totp/enrol"); r.checked = True
    expect("409 conflict", r, 409)
    r = anon.call("HEAD", "/api/v1/status"); r.checked = True
    expect("HEAD", r, 200)
    r = anon.call("OPTIONS", "/api/v1/session", origin="https://evil.example",
                  headers={"Access-Control-Request-Method": "POST"}); r.checked = True
    cases.append("OPTIONS preflight")
    check(r.status in (204, 403, 404, 405), f"OPTIONS preflight -> {r.status}")
    # Raw requests: the net layer answers these itself.
    expect("413 declared body too large",
           raw_answer(server, b"POST /api/v1/pseudonym-check HTTP/1.1\r\n" + host.encode() +
                      b"Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n"), 413)
    expect("417 unknown Expect",
           raw_answer(server, b"POST /api/v1/pseudonym-check HTTP/1.1\r\n" + host.encode() +
                      b"Content-Type: application/json\r\nContent-Length: 2\r\nExpect: something\r\n\r\n{}"), 417)
    expect("431 header too large",
           raw_answer(server, b"GET /healthz HTTP/1.1\r\n" + host.encode() + b"X-Big: " + b"a" * 9000 + b"\r\n\r\n"), 431)
    expect("400 bad target", raw_answer(server, b"GET /%zz HTTP/1.1\r\n" + host.encode() + b"\r\n"), 400)
    ws = (f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
          f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
    expect("WebSocket upgrade signed out",
           raw_answer(server, (f"GET /ws HTTP/1.1\r\n{host}{ws}Origin: https://127.0.0.1:{server.port}\r\n\r\n").encode()), 401)
    expect("WebSocket upgrade from a foreign Origin",
           raw_answer(server, (f"GET /ws HTTP/1.1\r\n{host}{ws}Origin: https://evil.example\r\nCookie: {a.cookie}\r\n\r\n").encode()),
           403, code="origin_not_allowed")
    expect("WebSocket upgrade elsewhere", raw_answer(server, (f"GET /nows HTTP/1.1\r\n{host}{ws}\r\n").encode()), 404)
    # Static files, with their own cache policy, and a 304.
    for path in ("/", "/index.html", "/app.js", "/a/client/route"):
        r = anon.call("GET", path, static=True); r.checked = True
        expect(f"static {path}", r, 200, static=True)
    etag = anon.call("GET", "/app.js", static=True).header("etag")
    r = anon.call("GET", "/app.js", headers={"If-None-Match": etag or '"x"'}, static=True); r.checked = True
    expect("304 static", r, 304, static=True)
    # 429: sign-in attempts from one address (its own, so the others' sign-ins are not limited).
    limited = Person(server, "sign-in flood", source="127.0.0.9")
    got = None
    for i in range(15):
        r = limited.call("POST", "/api/v1/session", {"pseudonym": "Nobody Here", "password": "wrong password"})
        if r.status == 429:
            got = r
            break
    cases.append("429 sign-in attempts")
    if check(got is not None, "15 failed sign-ins from one address were never limited (429)"):
        check(got.error_code() == "too_many_attempts" and got.header("retry-after"), f"429 without code or Retry-After: {got.headers}")
    return cases


# ---------------------------------------------------------------------------------------------
# 3. Member A against member B's objects.

def cross_member(server, a, b, admin, F, o):
    results = []

    def attempt(label, method, path, body=None, allowed=(403, 404)):
        r = a.call(method, path, body)
        results.append(r.status)
        check(r.status in allowed, f"A {label}: {method} {path} -> {r.status} {r.body[:200]!r} (want {allowed})")
        return r

    t, s, cm, w = o["topic"], o["story"], o["comment"], o["wall"]
    edit = {"title": "Ash was here", "body": "Ash was here.", "content_notes": []}
    for what, pid in (("topic", t), ("blog comment", cm), ("Wall message", w), ("held story", s)):
        attempt(f"edits B's {what}", "PUT", f"/api/v1/posts/{pid}", edit)
        attempt(f"deletes B's {what}", "DELETE", f"/api/v1/posts/{pid}")
        attempt(f"hides B's {what}", "POST", f"/api/v1/posts/{pid}/hide", {"reason": "Ash"})
        attempt(f"reads who reacted to B's {what}", "GET", f"/api/v1/posts/{pid}/reactions")
        attempt(f"reads the history of B's {what}", "GET", f"/api/v1/posts/{pid}/history")
    attempt("reads B's held story", "GET", f"/api/v1/posts/{s}")
    attempt("reads B's held story as a blog post", "GET", f"/api/v1/blog-posts/{s}")
    attempt("comments on B's held story", "POST", f"/api/v1/blog-posts/{s}/comments", {"body": "Ash", "content_notes": []})
    attempt("reacts to B's held story", "PUT", f"/api/v1/posts/{s}/reactions/support")
    attempt("reports B's held story", "POST", f"/api/v1/posts/{s}/report", {"reason": "spam"})
    attempt("approves B's held story", "POST", f"/api/v1/moderation/items/{o['item']}/approve", {})
    attempt("rejects B's held story", "POST", f"/api/v1/moderation/items/{o['item']}/reject", {"reason": "Ash says no"})
    attempt("claims B's moderation item", "POST", f"/api/v1/moderation/items/{o['item']}/claim", {})
    attempt("escalates B's moderation item", "POST", f"/api/v1/moderation/items/{o['item']}/escalate", {"reason": "Ash"})
    attempt("reads the moderation queue", "GET", f"/api/v1/networks/{NET}/moderation/queue")
    bkey = f"/api/v1/drafts/{o['bkey']}"
    attempt("reads B's draft", "GET", bkey, allowed=(404,))
    # Drafts are keyed per person: A writing and deleting the same key touches only A's own.
    attempt("writes a draft under B's key", "PUT", bkey, {"network": NET, "body": "Ash's own"}, allowed=(200,))
    check(b"Ash's own" in a.call("GET", bkey).body, "A's draft under B's key is not A's own")
    attempt("deletes the draft under B's key", "DELETE", bkey, allowed=(200, 204))
    attempt("deletes it again", "DELETE", bkey, allowed=(200, 204, 404))
    # Notifications and staff messages are marked read by id: B's ids must not count for A.
    attempt("marks B's notification read", "POST", "/api/v1/notifications/read", {"ids": [o["notification"]]}, allowed=(200, 403, 404))
    attempt("marks B's staff message read", "POST", "/api/v1/account/messages/read", {"ids": [o["message"]]}, allowed=(200, 403, 404))
    attempt("takes away B's reaction", "DELETE", f"/api/v1/posts/{o['reacted']}/reactions/support", allowed=(200, 404))
    # Safeguarding, staff notes, member tools, administration, invitations.
    attempt("reads B's case", "GET", f"/api/v1/cases/{o['case']}")
    attempt("writes on B's case", "POST", f"/api/v1/cases/{o['case']}/note", {"body": "Ash"})
    attempt("acknowledges B's case", "POST", f"/api/v1/cases/{o['case']}/acknowledge")
    attempt("closes B's case", "POST", f"/api/v1/cases/{o['case']}/close", {"outcome": "Ash"})
    attempt("lists cases", "GET", f"/api/v1/networks/{NET}/cases")
    attempt("opens a case on B", "POST", f"/api/v1/networks/{NET}/cases", {"member_id": b.id, "tier": "concern", "note": "Ash"})
    attempt("reads staff notes on B", "GET", f"/api/v1/members/{b.id}/notes?network={NET}")
    attempt("writes a staff note on B", "POST", f"/api/v1/members/{b.id}/notes", {"network": NET, "body": "Ash"})
    attempt("silences B", "POST", f"/api/v1/members/{b.id}/silence", {"network": NET, "hours": 1, "reason": "Ash"})
    attempt("messages B as staff", "POST", f"/api/v1/members/{b.id}/messages", {"network": NET, "body": "Ash"})
    attempt("reads B's account", "GET", f"/api/v1/admin/users/{b.id}")
    attempt("suspends B", "POST", f"/api/v1/admin/users/{b.id}/suspend", {"reason": "Ash"})
    attempt("changes B's role", "PUT", f"/api/v1/admin/users/{b.id}/memberships/{NET}", {"role": "volunteer"})
    attempt("revokes an invitation", "DELETE", f"/api/v1/invitations/{F['inv']}")
    attempt("lists invitations", "GET", f"/api/v1/networks/{NET}/invitations")
    attempt("removes a rota shift", "DELETE", f"/api/v1/rota/{F['rota']}")
    attempt("removes a resource", "DELETE", f"/api/v1/resources/{F['resource']}")
    attempt("removes a watched word", "DELETE", f"/api/v1/watched-words/{F['word']}")
    attempt("removes a risk term", "DELETE", f"/api/v1/risk-terms/{F['term']}")
    attempt("reads the audit log", "GET", "/api/v1/admin/audit")
    # What A may read of its own must hold nothing of B's.
    for word in PRIVATE.values():
        r = a.call("GET", f"/api/v1/search?q={word}&network={NET}")
        check(r.status == 200, f"A's search -> {r.status}")
    r = a.call("GET", "/api/v1/account/export")
    check(r.status == 200, f"A's export -> {r.status} {r.error_code()}")
    a_posts = a.call("GET", "/api/v1/account/posts").json() or {}
    ids = {p.get("id") for p in a_posts.get("posts", [])}
    check(not ids & {t, s, cm, w}, f"A's own posts list holds B's posts {ids & {t, s, cm, w}}")
    return results


def main():
    if len(sys.argv) != 2:
        print("usage: headers_authz.py path/to/harbour", file=sys.stderr)
        return 2
    started = time.monotonic()
    routes = router_routes()
    table = set(ROUTES)
    for r in sorted(routes - table):
        fail(f"the router has {r}, which this sweep does not know: add it to ROUTES")
    for r in sorted(table - routes):
        fail(f"ROUTES has {r}, which the router does not")
    web = {"index.html": b"<!doctype html><title>Harbour</title><script src=/app.js></script>",
           "app.js": b"console.log('harbour');\n", "app.css": b"body{}\n"}
    server = Server(sys.argv[1], args=["--demo"], web_files=web, prefix="harbour-headers-authz-")
    try:
        admin, a, b, c, F, o = set_up(server)
        anon = Person(server, "signed out")
        before = b_view(b, o)
        print(f"routes: {len(routes)} in the router ({sum(1 for r in routes if r.startswith('GET '))} GET, "
              f"{sum(1 for r in routes if not r.startswith('GET '))} unsafe), every one in the sweep")

        statuses = sweep_gets([anon, a, admin], F)
        print("GET sweep: " + ", ".join(f"{who} {k}xx: {n}" for (who, k), n in sorted(statuses.items())))

        cases = error_paths(server, admin, a, anon)
        print(f"error paths: {len(cases)} ({', '.join(cases)})")

        audit_before = audit_rows(server)
        refused = sweep_csrf_refusals([admin, a, anon], F)
        audit_after = audit_rows(server)
        check(audit_after == audit_before, f"refused requests changed something: audit rows {audit_before} -> {audit_after}")
        check(admin.get("/api/v1/session").json().get("user", {}).get("id") == admin.id, "the admin was signed out by a refused request")
        check(a.get("/api/v1/session").json().get("user", {}).get("id") == a.id, "member A was signed out by a refused request")
        print(f"CSRF refusals: {refused} requests (8 variants signed in as admin and member, 5 signed out), "
              f"audit rows {audit_before} -> {audit_after}")

        n_ctrl, outcome = sweep_csrf_controls(admin, F)
        n_sessions = session_controls(server, c)
        print(f"CSRF controls: {n_ctrl + n_sessions} requests with everything right; answers "
              + ", ".join(f"{s}: {n}" for s, n in sorted(outcome.items()))
              + f" (none a CSRF refusal), and {n_sessions} on throwaway sessions (DELETE /session, end-all): 204")

        attempts = cross_member(server, a, b, admin, F, o)
        after = b_view(b, o)
        for path in before:
            check(before[path] == after[path], f"B's view of {path} changed:\n  before {before[path]}\n  after  {after[path]}")
        leaked = [w for w in PRIVATE.values() for body in a.seen if w.encode() in body]
        check(not leaked, f"A received B's private words: {sorted(set(leaked))}")
        dist = ", ".join(f"{st}: {n}" for st, n in sorted(collections.Counter(attempts).items()))
        print(f"cross-member: {len(attempts)} attempts by A on B's objects ({dist}); B's view of {len(before)} objects unchanged; "
              f"{len(a.seen)} answers to A hold none of B's {len(PRIVATE)} private words")

        # The export's own limit gives one more 429 to check; then A ends all its sessions,
        # which must leave B's alone.
        for _ in range(6):
            r = a.call("GET", "/api/v1/account/export")
            if r.status == 429:
                break
        check(r.status == 429 and r.header("retry-after"), f"repeated exports were not limited: {r.status}")
        check(a.call("POST", "/api/v1/session/end-all").status == 204, "A's end-all failed")
        check(b.get("/api/v1/session").json().get("user", {}).get("id") == b.id, "A's end-all signed B out")
        check(a.get("/api/v1/session").json().get("user") is None, "A's end-all left A signed in")
        if not server.alive():
            fail("the server exited")
    finally:
        server.stop()
    print(f"responses with every security header checked: {counts['responses checked']}; "
          f"{time.monotonic() - started:.1f} s in all")
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("headers and authorisation: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
