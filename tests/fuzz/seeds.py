#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/<target>/.

The seeds are small, realistic inputs written by hand here: real requests of the API (with the
placeholders ${member}, ${member.csrf}, ${staff}, ... that the fuzz fixture replaces by live session
tokens), real WebSocket frames (masked with the zero key so their payloads stay readable), real
JSON bodies, Markdown with links, and tampering programs for the audit log. Run it again after
changing a seed; the files it writes are committed (libFuzzer's own finds are not).

    python3 tests/fuzz/seeds.py
"""
import json
import os
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# ---- http_request ------------------------------------------------------------------------------

HOST = "harbour.test"
PEOPLE = {"member": ("${member}", "${member.csrf}"), "staff": ("${staff}", "${staff.csrf}"),
          "admin": ("${admin}", "${admin.csrf}")}


def request(method, target, who=None, body=None, extra=(), csrf=True, origin=True):
    lines = [f"{method} {target} HTTP/1.1", f"Host: {HOST}", "User-Agent: Mozilla/5.0 (X11; Linux x86_64)",
             "Accept: application/json"]
    if who:
        token, csrf_token = PEOPLE[who]
        lines.append(f"Cookie: theme=light; __Host-harbour_session={token}")
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            lines.append(f"X-CSRF-Token: {csrf_token}")
    if method not in ("GET", "HEAD", "OPTIONS") and origin:
        lines.append(f"Origin: https://{HOST}")
        lines.append("Sec-Fetch-Site: same-origin")
    lines.extend(extra)
    payload = b""
    if body is not None:
        payload = (json.dumps(body) if not isinstance(body, str) else body).encode("utf-8")
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + payload


def http_seeds():
    t = "http_request"
    seeds = {
        "healthz": request("GET", "/healthz"),
        "readyz": request("GET", "/readyz"),
        "status": request("GET", "/api/v1/status"),
        "status-head": request("HEAD", "/api/v1/status"),
        "index": request("GET", "/"),
        "static-js": request("GET", "/app.js", extra=("Accept-Encoding: gzip",)),
        "static-deep-link": request("GET", "/forums/topics/12"),
        "static-etag": request("GET", "/assets/site.css", extra=('If-None-Match: "abc", W/"def"',)),
        "static-traversal": request("GET", "/../data/harbour.db"),
        "static-traversal-encoded": request("GET", "/%2e%2e/%2e%2e/data/harbour.db"),
        "static-post": request("POST", "/app.js", body={"a": 1}),
        "session-get": request("GET", "/api/v1/session", "member"),
        "categories": request("GET", "/api/v1/networks/default/categories", "member"),
        "topics": request("GET", "/api/v1/categories/1/topics", "member"),
        "topic": request("GET", "/api/v1/topics/1?after=0", "member"),
        "search": request("GET", "/api/v1/search?q=sleep%20routine&network=default", "member"),
        "notifications": request("GET", "/api/v1/notifications?before=100", "member"),
        "wall": request("GET", "/api/v1/networks/default/wall", "member"),
        "wall-events": request("GET", "/api/v1/networks/default/wall/events?after=0", "member"),
        "office-hours": request("GET", "/api/v1/networks/default/office-hours?closures=all"),
        "crisis-contacts": request("GET", "/api/v1/networks/default/crisis-contacts"),
        "resources": request("GET", "/api/v1/networks/default/resources", "member"),
        "admin-users": request("GET", "/api/v1/admin/users?before=50", "admin"),
        "admin-audit": request("GET", "/api/v1/admin/audit?limit=5", "admin"),
        "moderation-queue": request("GET", "/api/v1/networks/default/moderation/queue?state=open", "staff"),
        "service-report": request("GET", "/api/v1/networks/default/service-report?weeks=4&format=csv", "staff"),
        "sign-in": request("POST", "/api/v1/session",
                           body={"pseudonym": "Demo Member", "password": "quiet demo lighthouse"}),
        "sign-in-wrong": request("POST", "/api/v1/session", body={"pseudonym": "Demo Member", "password": "wrong"}),
        "invitation-preview": request("POST", "/api/v1/invitations/preview", body={"token": "${invitation}"}),
        "register": request("POST", "/api/v1/accounts",
                            body={"token": "${invitation}", "pseudonym": "Quiet Harbour 7",
                                  "password": "a long walk by the river at dawn", "accepted_guidelines_version": 1}),
        "new-topic": request("POST", "/api/v1/categories/1/topics", "member",
                             body={"title": "Evenings are hard", "body": "Does anyone have a *routine* that helps?",
                                   "content_notes": ["medication"]}),
        "reply": request("POST", "/api/v1/topics/1/replies", "member",
                         body={"body": "Thank you for sharing. [NHS 111](https://111.nhs.uk) helped me."}),
        "reaction": request("PUT", "/api/v1/posts/1/reactions/support", "member"),
        "wall-message": request("POST", "/api/v1/networks/default/wall/messages", "member",
                                body={"body": "Good morning everyone **:)**", "content_notes": []}),
        "draft": request("PUT", "/api/v1/drafts/reply-1", "member",
                         body={"network": "default", "title": "Draft", "body": "Half a thought"}),
        "report": request("POST", "/api/v1/posts/1/report", "member", body={"reason": "unkind", "note": "see reply"}),
        "office-hours-put": request("PUT", "/api/v1/networks/default/office-hours", "staff",
                                    body={"week": [{"weekday": 1, "opens": "09:00", "closes": "17:00"}],
                                          "closures": [{"day": "2026-12-25", "reason": "Christmas"}]}),
        "invite": request("POST", "/api/v1/networks/default/invitations", "staff",
                          body={"role": "member", "note": "from clinic", "expires_in_hours": 48}),
        "sign-out": request("DELETE", "/api/v1/session", "member"),
        "no-csrf": request("POST", "/api/v1/topics/1/replies", "member", body={"body": "hi"}, csrf=False),
        "cross-site": request("POST", "/api/v1/topics/1/replies", "member", body={"body": "hi"},
                              extra=("Sec-Fetch-Site: cross-site",)),
        "wrong-type": request("POST", "/api/v1/session", body="pseudonym=a&password=b",
                              extra=()).replace(b"application/json", b"application/x-www-form-urlencoded"),
        "ws-upgrade": request("GET", "/ws?wall=default&after=0", "member",
                              extra=("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", f"Origin: https://{HOST}")),
        "ws-upgrade-anonymous": request("GET", "/ws", extra=("Upgrade: websocket", "Connection: Upgrade",
                                                             "Sec-WebSocket-Version: 13",
                                                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")),
        "pipelined": request("GET", "/healthz") + request("GET", "/api/v1/networks/default/categories", "member")
                     + request("GET", "/api/v1/status", extra=("Connection: close",)),
        "expect-continue": request("POST", "/api/v1/topics/1/replies", "member", body={"body": "expecting"},
                                   extra=("Expect: 100-continue",)),
        "expect-other": request("POST", "/api/v1/session", body={"pseudonym": "x", "password": "y"},
                                extra=("Expect: something-else",)),
        "too-large": b"POST /api/v1/topics/1/replies HTTP/1.1\r\nHost: harbour.test\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 99999999\r\n\r\n{",
        "absolute-form": b"GET http://harbour.test/api/v1/status HTTP/1.1\r\nHost: harbour.test\r\n\r\n",
        "percent-path": request("GET", "/api/v1/networks/%64efault/categories", "member"),
        "bad-percent": request("GET", "/api/v1/networks/%zz/categories"),
        "nul-path": request("GET", "/api/v1/topics/%00"),
        "http10": b"GET /healthz HTTP/1.0\r\n\r\n",
        "bad-method": b"BREW /coffee HTTP/1.1\r\nHost: harbour.test\r\n\r\n",
        "options": request("OPTIONS", "/api/v1/status"),
        "wrong-method": request("DELETE", "/api/v1/status", origin=False),
    }
    chunked = (b"POST /api/v1/topics/1/replies HTTP/1.1\r\nHost: harbour.test\r\n"
               b"Cookie: __Host-harbour_session=${member}\r\nX-CSRF-Token: ${member.csrf}\r\n"
               b"Origin: https://harbour.test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"b\r\n{\"body\":\"ch\r\n7\r\nunked\"}\r\n0\r\n\r\n")
    seeds["chunked"] = chunked
    for name, data in seeds.items():
        write(t, name, data)


# ---- ws_frames ---------------------------------------------------------------------------------

def frame(opcode, payload, fin=True, mask=True, rsv=0):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    b0 = (0x80 if fin else 0) | rsv | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, (0x80 if mask else 0) | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, (0x80 if mask else 0) | 126, n)
    else:
        head = struct.pack("!BBQ", b0, (0x80 if mask else 0) | 127, n)
    return head + (b"\0\0\0\0" if mask else b"") + payload


def text(s, **kw):
    return frame(0x1, s, **kw)


def ws_seeds():
    t = "ws_frames"
    ping = text('{"type":"ping","id":1}')
    seeds = {
        "ping": b"\0" + ping,
        "ping-no-id": b"\0" + text('{"type":"ping"}'),
        "echo": b"\0" + text('{"type":"echo","data":{"hello":"world","n":[1,2,3]}}'),
        "echo-unicode": b"\0" + text('{"type":"echo","data":"caf\u00e9 \U0001f30a"}'),
        "unknown-type": b"\0" + text('{"type":"subscribe","topic":"staff:1"}'),
        "not-json": b"\0" + text("hello"),
        "array": b"\0" + text("[1,2,3]"),
        "type-number": b"\0" + text('{"type":5}'),
        "several": b"\0" + ping + text('{"type":"echo","data":null}') + ping,
        "binary": b"\0" + frame(0x2, b"\x00\x01\x02"),
        "control-ping": b"\0" + frame(0x9, b"are you there"),
        "control-pong": b"\0" + frame(0xA, b""),
        "close-normal": b"\0" + frame(0x8, struct.pack("!H", 1000) + b"bye"),
        "close-empty": b"\0" + frame(0x8, b""),
        "close-bad-code": b"\0" + frame(0x8, struct.pack("!H", 1005)),
        "fragmented": b"\0" + frame(0x1, '{"type":"ec', fin=False) + frame(0x9, b"mid") + frame(0x0, 'ho","data":1}'),
        "continuation-alone": b"\0" + frame(0x0, "x"),
        "invalid-utf8": b"\0" + text(b'{"type":"echo","data":"\xff\xfe"}'),
        "unmasked": b"\0" + text('{"type":"ping"}', mask=False),
        "rsv-bits": b"\0" + text('{"type":"ping"}', rsv=0x40),
        "too-large": b"\0" + struct.pack("!BBQ", 0x81, 0xFF, 65537) + b"\0\0\0\0" + b"{" * 64,
        "large-ok": b"\0" + text('{"type":"echo","data":"' + "x" * 1000 + '"}'),
        "masked-key": b"\0" + struct.pack("!BB", 0x81, 0x80 | 15) + b"\x01\x02\x03\x04"
                      + bytes(c ^ k for c, k in zip(b'{"type":"ping"}', b"\x01\x02\x03\x04" * 4)),
        "burst-then-ping": b"\x01" + ping,
        "wall-events": b"\x02" + ping,
        "session-ended": b"\x04" + ping,
        "shutdown": b"\x08" + ping,
        "everything": b"\x0f" + ping + text('{"type":"echo","data":[]}'),
        "half-frame": b"\0" + ping[:5],
        "empty": b"\0",
    }
    for name, data in seeds.items():
        write(t, name, data)


# ---- json_bodies -------------------------------------------------------------------------------

def json_seeds():
    t = "json_bodies"
    bodies = [
        ("POST /api/v1/invitations/preview", {"token": "${invitation}"}),
        ("POST /api/v1/pseudonym-check", {"pseudonym": "River Stone"}),
        ("POST /api/v1/accounts", {"token": "${invitation}", "pseudonym": "Calm Kestrel", "password": "tea in the garden after rain", "accepted_guidelines_version": 1}),
        ("POST /api/v1/invitations/redeem as=member", {"token": "${invitation}", "accepted_guidelines_version": 1}),
        ("POST /api/v1/session", {"pseudonym": "Demo Member", "password": "quiet demo lighthouse"}),
        ("POST /api/v1/admin/users/{id}/suspend as=admin id=3", {"reason": "repeated breaches of guideline 2"}),
        ("POST /api/v1/admin/users/{id}/restore as=admin id=3", {"reason": "appeal upheld"}),
        ("PUT /api/v1/admin/users/{id}/memberships/{slug} as=admin id=2", {"role": "carer"}),
        ("POST /api/v1/networks/{slug}/blog as=member", {"title": "Six months on", "body": "Writing helps.", "content_notes": []}),
        ("POST /api/v1/blog-posts/{id}/comments as=member", {"body": "Lovely to read this"}),
        ("POST /api/v1/networks/{slug}/cases", {"member_id": 1, "post_id": 1, "tier": "urgent", "note": "mentioned a plan"}),
        ("POST /api/v1/cases/{id}/contacted", {"note": "phoned, safe, GP tomorrow"}),
        ("POST /api/v1/cases/{id}/assign", {"owner_id": 5}),
        ("POST /api/v1/cases/{id}/note", {"body": "handover to evening team", "handover": True}),
        ("POST /api/v1/cases/{id}/close", {"outcome": "resolved"}),
        ("POST /api/v1/cases/{id}/reopen", {"reason": "new post"}),
        ("POST /api/v1/account/erase as=member", {"password": "not the password", "content": "keep"}),
        ("PUT /api/v1/account/reading as=member", {"collapsed_notes": ["self_harm", "bereavement"]}),
        ("PUT /api/v1/drafts/{key} as=member key=topic-1", {"network": "default", "title": "t", "body": "b", "content_notes": ["bereavement"]}),
        ("POST /api/v1/networks/{slug}/categories as=admin", {"name": "Sleep", "description": "Rest and routines", "position": 3, "read": ["member"], "post": ["member", "carer"]}),
        ("PATCH /api/v1/categories/{id} as=admin", {"name": "Sleep and rest", "position": 1}),
        ("POST /api/v1/categories/{id}/topics as=member", {"title": "Mornings", "body": "What gets you up?", "content_notes": [], "draft_key": "topic-1"}),
        ("POST /api/v1/topics/{id}/replies as=member", {"body": "Me too. A walk first thing."}),
        ("PUT /api/v1/topics/{id}/read as=member", {"last_read_id": 12}),
        ("PATCH /api/v1/topics/{id}", {"pinned": True, "locked": False, "category_id": 2, "reason": "tidy"}),
        ("POST /api/v1/networks/{slug}/invitations", {"role": "member", "note": "clinic", "expires_in_hours": 72}),
        ("POST /api/v1/members/{user_id}/messages", {"network": "default", "body": "Checking in", "post_id": 1}),
        ("POST /api/v1/members/{user_id}/silence", {"network": "default", "hours": 24, "reason": "cool-off"}),
        ("DELETE /api/v1/members/{user_id}/silence", {"reason": "lifted"}),
        ("POST /api/v1/members/{user_id}/notes", {"network": "default", "body": "prefers evenings"}),
        ("POST /api/v1/account/messages/read as=member", {"ids": [1, 2, 3]}),
        ("POST /api/v1/moderation/items/{id}/approve", {"reason": "fine", "body": "edited body", "title": "t"}),
        ("POST /api/v1/moderation/items/{id}/reject", {"template": "identifying", "note": "names a ward", "reason": "r"}),
        ("POST /api/v1/moderation/items/{id}/escalate", {"reason": "risk"}),
        ("PUT /api/v1/networks/{slug}/moderation/policy as=admin", {"mode": "first_posts", "first_posts": 3, "out_of_hours": "hold", "case_response_minutes": 30}),
        ("POST /api/v1/networks/{slug}/watched-words", {"phrase": "meet up", "action": "hold"}),
        ("POST /api/v1/notifications/read as=member", {"ids": [1, 2]}),
        ("POST /api/v1/notifications/read as=member", {"all": True}),
        ("PUT /api/v1/networks/{slug}/office-hours", {"week": [{"weekday": 1, "opens": "09:00", "closes": "12:30"}, {"weekday": 3, "opens": "18:00", "closes": "20:00"}], "closures": [{"day": "2026-12-25", "reason": "Christmas Day"}]}),
        ("POST /api/v1/networks/{slug}/rota", {"user_id": 5, "starts_at": "2026-11-23T09:00:00Z", "ends_at": "2026-11-23T17:00:00Z"}),
        ("PUT /api/v1/posts/{id} as=member", {"title": "t", "body": "edited", "content_notes": [], "draft_key": "edit-1"}),
        ("POST /api/v1/posts/{id}/hide", {"reason": "off topic"}),
        ("POST /api/v1/posts/{id}/report as=member", {"reason": "unkind", "note": "second paragraph"}),
        ("POST /api/v1/networks/{slug}/resources", {"kind": "video", "title": "Breathing", "summary": "5 minutes", "url": "https://www.youtube.com/watch?v=abcdefghijk", "transcript": "Breathe in", "topics": ["anxiety"], "audiences": ["member"], "content_notes": []}),
        ("PUT /api/v1/resources/{id}", {"kind": "article", "title": "Sleep", "body": "# Sleep\n\nTips", "topics": [], "audiences": [], "content_notes": []}),
        ("POST /api/v1/networks/{slug}/risk-terms", {"phrase": "end it all", "tier": "urgent", "exceptions": ["end it all in the film"]}),
        ("POST /api/v1/networks/{slug}/content-check as=member", {"title": "t", "body": "I live on Ward 7 at St Elsewhere"}),
        ("POST /api/v1/account/totp/confirm", {"code": "123 456"}),
        ("POST /api/v1/session/second-factor", {"recovery_code": "ABCDE-FGHIJ"}),
        ("POST /api/v1/networks/{slug}/wall/messages as=member", {"body": "Hello *all*", "content_notes": [], "reply_to": 1}),
    ]
    for i, (head, body) in enumerate(bodies):
        name = head.split()[1].strip("/").replace("/", "_").replace("{", "").replace("}", "")
        write(t, f"{i:02d}-{head.split()[0].lower()}-{name}", head + "\n" + json.dumps(body))
    for i, head in enumerate([
            "GET /api/v1/search as=member query=q=sleep%20routine&network=default",
            "GET /api/v1/admin/audit as=admin query=actor=1&before=100&limit=5",
            "GET /api/v1/networks/{slug}/service-report query=weeks=4&format=csv",
            "GET /api/v1/networks/{slug}/rota query=from=2026-11-01&to=2026-11-30",
            "GET /api/v1/topics/{id} as=member id=1 query=after=0",
            "GET /ws as=member query=wall=default&after=0"]):
        write(t, f"get-{i:02d}", head + "\n")
    write(t, "deep", "POST /api/v1/topics/{id}/replies as=member\n" + '{"body":' + "[" * 20 + "]" * 20 + "}")
    write(t, "not-object", "POST /api/v1/session\n[\"Demo Member\"]")
    write(t, "bad-json", "POST /api/v1/session\n{\"pseudonym\":")
    write(t, "wrong-types", "PATCH /api/v1/topics/{id}\n{\"pinned\":\"yes\",\"category_id\":1.5,\"reason\":7}")
    write(t, "huge-int", "POST /api/v1/notifications/read as=member\n{\"ids\":[18446744073709551615,-1,0]}")


# ---- markdown ----------------------------------------------------------------------------------

def markdown_seeds():
    t = "markdown"
    docs = {
        "plain": "Some days are better than others.",
        "emphasis": "I *really* needed **this** today. ~~not~~ `code`",
        "link": "See [NHS 111](https://111.nhs.uk/) or [Samaritans](https://www.samaritans.org \"title\").",
        "mailto": "Write to [the team](mailto:team@example.nhs.uk).",
        "relative": "Read [the guidelines](/guidelines#kindness) and [above](#top).",
        "javascript": "[click](javascript:alert(1)) [x](JaVaScRiPt:alert(1)) [y](  javascript:alert(1))",
        "entity-scheme": "[a](&#106;avascript:alert(1)) [b](java&#x09;script:alert(1)) [c](jav&#x61;script&colon;x)",
        "data-url": "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![i](data:image/png;base64,AAAA)",
        "vbscript": "[a](vbscript:msgbox(1)) [b](file:///etc/passwd) [c](//evil.example/x) [d](/\\evil.example)",
        "autolink": "<https://www.nhs.uk> <javascript:alert(1)> <mailto:x@y.z> <data:text/html,x>",
        "image": "![a calm lake](https://example.com/lake.jpg \"Lake\") and ![](http://tracker.example/p.gif)",
        "image-in-link": "[![alt *text*](https://img.example/a.png)](https://www.nhs.uk)",
        "raw-html": "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href=\"javascript:x\">y</a>",
        "inline-html": "Hello <b onclick=\"x()\">bold</b> <iframe src=//evil></iframe> <svg onload=alert(1)>",
        "headings": "# Big\n\n## Smaller\n\nSetext\n===\n\n###### tiny",
        "code-block": "```js\nalert('not run')\n```\n\n    indented <script>\n",
        "blockquote": "> quoted *text*\n> > nested [link](https://a.example)\n\n---\n\n***",
        "lists": "1. one\n2. two\n   - nested [l](https://b.example)\n   - item\n\n* star\n+ plus",
        "reference": "[ref][1] and [other]\n\n[1]: javascript:alert(1)\n[other]: https://ok.example \"t\"",
        "hard-break": "line one  \nline two\\\nline three",
        "entities": "&lt;script&gt; &amp; &#60;script&#62; &copy; &#x1F30A; &bogus;",
        "nul-and-controls": "a\x00b\x01c\x1f",
        "unicode": "caf\u00e9 \u202eevil \u200bzero \U0001f30a",
        "link-title-quotes": "[x](https://a.example \"a\\\"b onmouseover=alert(1)\")",
        "link-angle": "[x](<https://a.example/with space>) [y](<javascript:alert(1)>)",
        "nested-emphasis": "***a** b* _c __d__ e_ " + "*" * 30 + "x" + "*" * 30,
        "table-like": "| a | b |\n|---|---|\n| <x> | y |",
        "html-block-comment": "<!-- hidden -->\n\n<div>\n*not* markdown\n</div>",
        "short-profile": "# Heading on the wall\n\n> quote\n\n```\ncode\n```\n\n---\n\nok *fine*",
        "url-controls": "[a](\x01javascript:alert(1)) [b](\tjavascript:alert(1)) [c](java\nscript:alert(1))",
        "protocol-relative": "[a](//evil.example) [b](\\\\evil.example) [c](/%5Cevil.example)",
    }
    for name, text in docs.items():
        write(t, name, text)
    write(t, "invalid-utf8", b"bad \xff\xfe bytes [x](https://a.example)")


# ---- parsers -----------------------------------------------------------------------------------

def parser_seeds():
    t = "parsers"
    seeds = {
        "cookie": "c__Host-harbour_session=abcDEF123; theme=dark",
        "cookie-quoted": "ctheme=light; __Host-harbour_session=\"tok\"; a=1",
        "cookie-empty": "c; =; a=; __Host-harbour_session",
        "target": "t/api/v1/topics/12?after=0&limit=20",
        "target-encoded": "t/api/v1/search?q=sleep+well%21&network=default&before=%31%30",
        "target-bad": "t/api/%zz?x=%00",
        "target-absolute": "thttp://harbour.test/x",
        "target-method": "tPATCH",
        "session-member-post": "sPOST\nCookie: __Host-harbour_session=${member}\nX-CSRF-Token: ${member.csrf}\nOrigin: https://harbour.test\nHost: harbour.test\nSec-Fetch-Site: same-origin",
        "session-no-csrf": "sPOST\nCookie: __Host-harbour_session=${member}\nHost: harbour.test",
        "session-wrong-csrf": "sPUT\nCookie: __Host-harbour_session=${staff}\nX-CSRF-Token: ${member.csrf}",
        "session-cross-site": "sDELETE\nCookie: __Host-harbour_session=${admin}\nX-CSRF-Token: ${admin.csrf}\nSec-Fetch-Site: cross-site",
        "session-foreign-origin": "sPOST\nOrigin: https://evil.example\nHost: harbour.test",
        "session-get": "sGET\nCookie: a=b; __Host-harbour_session=${member}",
        "session-bad-token": "sPOST\nCookie: __Host-harbour_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "invitation-open": "i${invitation}",
        "invitation-bad": "inot-a-token",
        "totp": "o123 456",
        "totp-recovery": "oabcde-fghij",
        "base32": "oGEZDGNBVGY3TQOJQ",
        "pseudonym": "pRiver Stone",
        "pseudonym-staff": "pDr Sam",
        "password": "pPassword123!",
        "anchor": 'a{"format":"harbour.audit.anchor.v1","last_id":12,"last_hash":"' + "ab" * 32 + '"}',
        "anchor-bad": 'a{"format":"harbour.audit.anchor.v1","last_id":-1}',
        "config-size": "g\x16" + "64KiB",
        "config-duration": "g\x0a" + "500ms",
        "config-listen": "g\x01" + "[::1]:8443",
        "config-url": "g\x04" + "https://harbour.example.nhs.uk",
        "config-proxy": "g\x12" + "127.0.0.1",
        "forwarded": "x10.0.0.1, 198.51.100.7",
        "forwarded-bad": "x10.0.0.1, evil.example",
        "event": 'e{"event_id":42,"type":"wall.message"}',
        "role": "eclinician",
        "search": "qsleep routine",
        "search-phrase": 'q"walk by the river" help',
        "search-operators": "qsleep OR NOT walk* NEAR(a b) title:x ^y",
        "search-unicode": "qcaf\u00e9 na\u0303o \u0645\u0631\u062d\u0628\u0627",
    }
    for name, data in seeds.items():
        write(t, name, data)


# ---- audit_verify ------------------------------------------------------------------------------

def audit_seeds():
    t = "audit_verify"
    # kind, row, column, then operands (see audit_verify.cpp apply()).
    seeds = {
        "untouched": b"",
        "no-anchor": bytes([8, 0, 0]),
        "text-reason": bytes([0, 3, 5, 6]) + b"edited",
        "text-at": bytes([0, 1, 0, 24]) + b"2026-11-23T19:00:00.000Z",
        "text-details": bytes([0, 4, 9, 9]) + b'{"n":999}',
        "text-same": bytes([0, 2, 2, 15]) + b"moderation.hold",
        "int-actor": bytes([1, 2, 1, 65]),
        "int-id": bytes([1, 8, 0, 64 + 20]),
        "int-network-big": bytes([1, 5, 2, 0x80]) + struct.pack("!q", 2**62),
        "null-reason": bytes([2, 2, 5]),
        "null-actor": bytes([2, 4, 0]),
        "flip-hash": bytes([3, 5, 1, 77]),
        "flip-prev": bytes([3, 2, 0, 3]),
        "delete-middle": bytes([4, 4, 0]),
        "delete-last": bytes([4, 8, 0]),
        "delete-last-no-anchor": bytes([4, 8, 0, 8, 0, 0]),
        "delete-first": bytes([4, 1, 0]),
        "insert-copy": bytes([5, 3, 7, 17]),
        "insert-zero": bytes([5, 1, 3, 8]),
        "swap": bytes([6, 2, 5]),
        "triggers-gone": bytes([7, 0, 1]),
        "many": bytes([0, 3, 5, 2]) + b"ab" + bytes([4, 6, 0, 6, 1, 2, 3, 7, 9, 9]),
    }
    for name, data in seeds.items():
        write(t, name, data)


if __name__ == "__main__":
    for target in ("http_request", "ws_frames", "json_bodies", "markdown", "parsers", "audit_verify"):
        shutil.rmtree(os.path.join(ROOT, target), ignore_errors=True)
    http_seeds()
    ws_seeds()
    json_seeds()
    markdown_seeds()
    parser_seeds()
    audit_seeds()
    for target in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, target))
        size = sum(os.path.getsize(os.path.join(ROOT, target, f)) for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")
