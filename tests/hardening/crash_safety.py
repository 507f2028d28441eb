#!/usr/bin/env python3
"""Crash safety (issue 8, item 4): SIGKILL the server at random moments under concurrent writes
and check that nothing it acknowledged is lost.

A demo server runs on a temporary data folder. Each round, seven threads write through the JSON
API at once, as the web client would:
  - three threads of the demo member post replies and topics (some carry the watched word
    "harbourheld", so they are held for moderation; the member's first posts are held anyway);
  - two moderators (clinician, peer supporter; TOTP two-step) approve or reject the held posts
    of this test (audited moderation.approve / moderation.reject);
  - the administrator adds and removes watched words (audited watched_word.add / .remove);
  - the clinician issues member invitations (audited invitation.create).
Every write answered 2xx is recorded. Once the round has acknowledged writes, the server gets
SIGKILL after a random delay (the single writer batches concurrent jobs into one transaction, so
the kill lands between or inside batches). With the server dead, the files it left are checked
read-only: every acknowledged write of every round is there with its effect (post, decision,
watched word, invitation) and, for staff writes, its audit row; PRAGMA integrity_check is ok; and
`harbour audit verify` passes. Every fourth round the restarting server is also killed during
start-up. Then the server restarts and serves the round's acknowledged posts through the API.
After the last round it stops with SIGTERM (exit 0) and everything is checked once more.

    python3 tests/hardening/crash_safety.py path/to/harbour
    HARBOUR_CRASH_ROUNDS (default 20), HARBOUR_CRASH_SEED (default: random, printed)
"""

import os
import random
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import audit_verify, db_ro, expect, integrity, sign_in  # noqa: E402
from server_process import Server, TestFailure, exit_on_sigterm  # noqa: E402

HELD_WORD = "harbourheld"
ROUND_ACK_TIMEOUT = 30.0  # a round whose load acknowledges nothing in this time fails


class Recorder:
    """Acknowledged writes and the requests left unanswered by a kill, from many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acks = []            # dicts: kind, round, ... (see the threads)
        self.unanswered = 0       # requests that got no answer (in flight at the kill)
        self.problems = []        # answers that must not happen while the server runs
        self.removing = set()     # watched words whose removal was sent (answered or not)

    def ack(self, **fact):
        with self.lock:
            self.acks.append(fact)

    def count(self, round_no=None):
        with self.lock:
            return sum(1 for a in self.acks if round_no is None or a["round"] == round_no)

    def problem(self, text):
        with self.lock:
            self.problems.append(text)


class Load:
    """The writing threads of one round, stopped by the kill."""

    def __init__(self, rec, round_no, people, topics, categories, rng_seed):
        self.rec = rec
        self.round = round_no
        self.people = people
        self.topics = topics
        self.categories = categories
        self.killed = threading.Event()
        self.rng_seed = rng_seed
        self.threads = []

    def start(self):
        jobs = [(self.member, 0), (self.member, 1), (self.member, 2), (self.moderator, "clinician"),
                (self.moderator, "peer_supporter"), (self.admin, 0), (self.inviter, 0)]
        for i, (fn, arg) in enumerate(jobs):
            t = threading.Thread(target=self.guard, args=(fn, arg, random.Random(self.rng_seed * 100 + i)), daemon=True)
            t.start()
            self.threads.append(t)

    def join(self):
        for t in self.threads:
            t.join(60)
            if t.is_alive():
                raise TestFailure("a load thread did not end within 60 s of the kill")

    def guard(self, fn, arg, rng):
        try:
            fn(arg, rng)
        except (OSError, EOFError, ConnectionError, Exception) as e:  # noqa: B014 - any end of the connection
            if isinstance(e, TestFailure):
                self.rec.problem(str(e))
            elif self.killed.is_set():
                with self.rec.lock:
                    self.rec.unanswered += 1  # in flight at the kill: either outcome is allowed
            else:
                self.rec.problem(f"round {self.round}: a request failed while the server was up: {e!r}")

    def call(self, client, method, path, body=None):
        return client.request(method, path, body)

    def member(self, index, rng):
        c = self.people["member"].clone()
        n = 0
        while not self.killed.is_set():
            n += 1
            token = f"crash-r{self.round}-m{index}-n{n}"
            held = rng.random() < 0.4
            body = f"Checking in from {token}." + (f" {HELD_WORD}" if held else "")
            if n % 8 == 0:
                category = rng.choice(self.categories)
                r = self.call(c, "POST", f"/api/v1/categories/{category}/topics",
                              {"title": f"Topic {token}", "body": body, "content_notes": []})
            else:
                r = self.call(c, "POST", f"/api/v1/topics/{rng.choice(self.topics)}/replies", {"body": body, "content_notes": []})
            if r.status != 201:
                raise TestFailure(f"round {self.round}: member post answered {r}")
            post = r.json["post"]
            self.rec.ack(kind="post", round=self.round, id=post["id"], token=token, state=post["state"],
                         author=self.people["member"].user_id)

    def moderator(self, role, rng):
        c = self.people[role].clone()
        parity = 0 if role == "clinician" else 1  # split the queue, so the two rarely collide
        while not self.killed.is_set():
            r = self.call(c, "GET", "/api/v1/networks/default/moderation/queue?state=open")
            if r.status != 200:
                raise TestFailure(f"round {self.round}: queue answered {r}")
            mine = [i for i in r.json["items"] if i["id"] % 2 == parity and "crash-r" in i["post"]["body"]
                    and "risk" not in i["reasons"]]
            if not mine:
                time.sleep(0.02)
                continue
            for item in mine[:4]:
                if self.killed.is_set():
                    return
                approve = rng.random() < 0.6
                if approve:
                    r = self.call(c, "POST", f"/api/v1/moderation/items/{item['id']}/approve", {})
                else:
                    r = self.call(c, "POST", f"/api/v1/moderation/items/{item['id']}/reject",
                                  {"reason": "Crash test: please rephrase this."})
                if r.status == 409:
                    continue  # decided by someone else meanwhile
                if r.status != 200:
                    raise TestFailure(f"round {self.round}: decision answered {r}")
                self.rec.ack(kind="decision", round=self.round, item=item["id"], post=item["post"]["id"],
                             action="moderation.approve" if approve else "moderation.reject",
                             actor=self.people[role].user_id)

    def admin(self, _, rng):
        c = self.people["admin"].clone()
        added = []  # (id, phrase): row ids are reused after a delete, so facts are keyed by phrase
        n = 0
        while not self.killed.is_set():
            n += 1
            if added and (len(added) > 3 or rng.random() < 0.4):
                word, phrase = added.pop(rng.randrange(len(added)))
                with self.rec.lock:
                    self.rec.removing.add(phrase)  # a removal cut off by the kill may or may not have committed
                r = self.call(c, "DELETE", f"/api/v1/watched-words/{word}")
                if r.status != 200:
                    raise TestFailure(f"round {self.round}: watched word removal answered {r}")
                self.rec.ack(kind="word_remove", round=self.round, id=word, phrase=phrase, actor=self.people["admin"].user_id)
            else:
                phrase = f"zzcrash{self.round}w{n}"
                r = self.call(c, "POST", "/api/v1/networks/default/watched-words", {"phrase": phrase, "action": "hold"})
                if r.status != 201:
                    raise TestFailure(f"round {self.round}: watched word answered {r}")
                word = r.json["word"]["id"]
                added.append((word, phrase))
                self.rec.ack(kind="word_add", round=self.round, id=word, phrase=phrase, actor=self.people["admin"].user_id)

    def inviter(self, _, rng):
        c = self.people["clinician"].clone()
        while not self.killed.is_set():
            r = self.call(c, "POST", "/api/v1/networks/default/invitations", {"role": "member", "note": f"crash r{self.round}"})
            if r.status != 201:
                raise TestFailure(f"round {self.round}: invitation answered {r}")
            self.rec.ack(kind="invitation", round=self.round, id=r.json["id"], actor=self.people["clinician"].user_id)
            time.sleep(rng.uniform(0, 0.02))


def audit_row(db, action, target_type, target_id, actor, item=None, phrase=None):
    sql = ("SELECT count(*) FROM audit_log WHERE action = ? AND target_type = ? AND target_id = ? AND actor_id = ?"
           " AND outcome = 'success'")
    args = [action, target_type, str(target_id), actor]
    if item is not None:
        sql += " AND json_extract(details, '$.item_id') = ?"
        args.append(item)
    if phrase is not None:
        sql += " AND json_extract(details, '$.phrase') = ?"
        args.append(phrase)
    return db.execute(sql, args).fetchone()[0] > 0


def check_files(binary, data_dir, acks, removing):
    """Every acknowledged write is in the database the dead server left; returns how many
    facts were checked."""
    errors = []
    result = integrity(data_dir)
    if result != ["ok"]:
        errors.append(f"integrity_check: {result[:5]}")
    removed = {a["phrase"] for a in acks if a["kind"] == "word_remove"}
    db = db_ro(data_dir)
    checked = 0
    try:
        for a in acks:
            checked += 1
            where = f"round {a['round']} {a['kind']} {a.get('id', a.get('item'))}"
            if a["kind"] == "post":
                row = db.execute("SELECT body, author_id FROM posts WHERE id = ?", (a["id"],)).fetchone()
                if not row or a["token"] not in row[0] or row[1] != a["author"]:
                    errors.append(f"{where}: acknowledged post missing or different: {row}")
                elif a["state"] == "held":
                    if not db.execute("SELECT 1 FROM moderation_items WHERE post_id = ?", (a["id"],)).fetchone():
                        errors.append(f"{where}: held post without its moderation item")
            elif a["kind"] == "decision":
                want = "approved" if a["action"] == "moderation.approve" else "rejected"
                row = db.execute("SELECT m.state, m.decided_by, p.state FROM moderation_items m JOIN posts p ON p.id = m.post_id"
                                 " WHERE m.id = ?", (a["item"],)).fetchone()
                post_state = "published" if want == "approved" else "rejected"
                if row != (want, a["actor"], post_state):
                    errors.append(f"{where}: decision {want} by {a['actor']} not recorded: {row}")
                if not audit_row(db, a["action"], "post", a["post"], a["actor"], a["item"]):
                    errors.append(f"{where}: no {a['action']} audit row")
            elif a["kind"] == "word_add":
                exists = db.execute("SELECT 1 FROM watched_words WHERE id = ? AND phrase = ?", (a["id"], a["phrase"])).fetchone() is not None
                if (exists and a["phrase"] in removed) or (not exists and a["phrase"] not in removing):
                    errors.append(f"{where}: watched word {a['phrase']} {'still there after its removal' if exists else 'missing'}")
                if not audit_row(db, "watched_word.add", "watched_word", a["id"], a["actor"], phrase=a["phrase"]):
                    errors.append(f"{where}: no watched_word.add audit row")
            elif a["kind"] == "word_remove":
                if db.execute("SELECT 1 FROM watched_words WHERE phrase = ?", (a["phrase"],)).fetchone():
                    errors.append(f"{where}: removed watched word {a['phrase']} is back")
                if not audit_row(db, "watched_word.remove", "watched_word", a["id"], a["actor"], phrase=a["phrase"]):
                    errors.append(f"{where}: no watched_word.remove audit row")
            elif a["kind"] == "invitation":
                if not db.execute("SELECT 1 FROM invitations WHERE id = ?", (a["id"],)).fetchone():
                    errors.append(f"{where}: invitation missing")
                if not audit_row(db, "invitation.create", "invitation", a["id"], a["actor"]):
                    errors.append(f"{where}: no invitation.create audit row")
    finally:
        db.close()
    ok, out = audit_verify(binary, data_dir)
    if not ok:
        errors.append(f"audit verify: {out}")
    if errors:
        raise TestFailure(f"{len(errors)} problems after the crash, e.g.:\n  " + "\n  ".join(errors[:20]))
    return checked


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: crash_safety.py path/to/harbour")
    binary = os.path.abspath(sys.argv[1])
    rounds = int(os.environ.get("HARBOUR_CRASH_ROUNDS", "20"))
    seed = int(os.environ.get("HARBOUR_CRASH_SEED", str(random.randrange(1 << 30))))
    if rounds < 1:
        sys.exit("HARBOUR_CRASH_ROUNDS must be at least 1")
    rng = random.Random(seed)
    exit_on_sigterm()
    print(f"crash safety: {rounds} rounds, seed {seed} (HARBOUR_CRASH_SEED reproduces the kill times)", flush=True)
    work = tempfile.mkdtemp(prefix="harbour-crash.")
    data = os.path.join(work, "data")
    server = None
    started = time.monotonic()
    try:
        server = Server(binary, ["--demo"], data_dir=data, log_dir=work, name="start0")
        port = server.wait_listening()
        accounts = server.demo_accounts()
        people = {role: sign_in(port, *accounts[role]) for role in ("member", "clinician", "peer_supporter", "admin")}
        rec = Recorder()
        r = expect(people["admin"].request("POST", "/api/v1/networks/default/watched-words", {"phrase": HELD_WORD, "action": "hold"}),
                   201, "adding the watched word")
        rec.ack(kind="word_add", round=0, id=r.json["word"]["id"], phrase=HELD_WORD, actor=people["admin"].user_id)
        member = people["member"]
        r = expect(member.request("GET", "/api/v1/networks/default/categories"), 200, "categories")
        categories = [c["id"] for c in r.json["categories"] if c["can_post"]]
        topics = []
        for category in categories:
            r = expect(member.request("GET", f"/api/v1/categories/{category}/topics"), 200, "topics")
            topics += [t["id"] for t in r.json["topics"] + r.json["pinned"] if not t.get("locked")]
        if not topics:
            raise TestFailure("the demo network has no open topic to reply to")

        startup_kills = 0
        checked_total = 0
        round_times = []
        for round_no in range(1, rounds + 1):
            t0 = time.monotonic()
            load = Load(rec, round_no, people, topics, categories, rng.randrange(1 << 30))
            load.start()
            deadline = time.monotonic() + ROUND_ACK_TIMEOUT
            while rec.count(round_no) == 0 and not rec.problems and time.monotonic() < deadline:
                time.sleep(0.01)
            if rec.count(round_no) == 0:
                load.killed.set()
                server.kill()
                load.join()
                raise TestFailure(f"round {round_no}: no write acknowledged within {ROUND_ACK_TIMEOUT:.0f} s; "
                                  f"{rec.problems[:3]}; log:\n{server.log_tail()}")
            time.sleep(rng.uniform(0.05, 1.5))
            load.killed.set()
            unanswered_before = rec.unanswered
            server.kill()
            load.join()
            if rec.problems:
                raise TestFailure("while the server was up: " + "; ".join(rec.problems[:5]))
            with rec.lock:
                acks = list(rec.acks)
                removing = set(rec.removing)
            checked = check_files(binary, data, acks, removing)
            checked_total += checked
            round_acks = [a for a in acks if a["round"] == round_no]

            if round_no % 4 == 0:
                # A crash while starting: opening the database, migrations, WAL recovery.
                starting = Server(binary, data_dir=data, log_dir=work, name=f"start{round_no}k")
                time.sleep(rng.uniform(0.0, 0.4))
                starting.kill()
                startup_kills += 1
                check_files(binary, data, acks, removing)

            server = Server(binary, data_dir=data, log_dir=work, name=f"start{round_no}")
            port = server.wait_listening()
            for person in people.values():
                person.use_port(port)
            served = 0
            for a in round_acks:
                if a["kind"] != "post":
                    continue
                r = people["clinician"].request("GET", f"/api/v1/posts/{a['id']}")
                if r.status != 200 or a["token"] not in r.json["post"]["body"]:
                    raise TestFailure(f"round {round_no}: after the restart, post {a['id']} answered {r}")
                served += 1
            kinds = {}
            for a in round_acks:
                kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
            round_times.append(time.monotonic() - t0)
            print(f"round {round_no:2d}: {len(round_acks):4d} writes acknowledged ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
                  f"{rec.unanswered - unanswered_before} unanswered at the kill; {checked} facts checked on disk; "
                  f"{served} posts served after restart; {round_times[-1]:.1f} s", flush=True)

        code = server.stop()
        if code != 0:
            raise TestFailure(f"the last server exited with {code} on SIGTERM")
        with rec.lock:
            acks = list(rec.acks)
            removing = set(rec.removing)
        checked_total += check_files(binary, data, acks, removing)
        staff = sum(1 for a in acks if a["kind"] != "post")
        elapsed = time.monotonic() - started
        print(f"crash safety: {rounds} rounds ({startup_kills} more kills during start-up), "
              f"{len(acks)} writes acknowledged ({staff} staff writes with audit rows), "
              f"{rec.unanswered} requests unanswered at kills, {checked_total} write checks in all, integrity ok, "
              f"audit chain verified after every crash; rounds {min(round_times):.1f}-{max(round_times):.1f} s, "
              f"total {elapsed:.1f} s")
        return 0
    except TestFailure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        if server is not None:
            print(f"server log ({server.log_path}) tail:\n{server.log_tail()}", file=sys.stderr)
        return 1
    finally:
        if server is not None and server.alive():
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
