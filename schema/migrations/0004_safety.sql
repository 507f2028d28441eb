-- Moderation and safety: office hours and the rota, watched words in tiers, the risk lexicon's
-- per-network additions, safeguarding cases, reports, private staff notes and messages, and the
-- queue's priorities and claims. Times are RFC 3339 UTC text with milliseconds (see 0002).

-- Weekly opening hours in the network's own time zone (networks.time_zone), so 09:00 stays
-- 09:00 across the clock changes. weekday: 1 = Monday ... 7 = Sunday (ISO 8601). Times 'HH:MM',
-- opens < closes (no shift crosses midnight; split it in two).
CREATE TABLE office_hours (
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  opens       TEXT NOT NULL CHECK (length(opens) = 5 AND opens GLOB '[0-2][0-9]:[0-5][0-9]'),
  closes      TEXT NOT NULL CHECK (length(closes) = 5 AND closes GLOB '[0-2][0-9]:[0-5][0-9]'),
  CHECK (opens < closes),
  PRIMARY KEY (network_id, weekday, opens)
) STRICT, WITHOUT ROWID;

-- Days the service is closed although the week says open: bank holidays, training days.
CREATE TABLE office_closures (
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  day         TEXT NOT NULL CHECK (length(day) = 10 AND day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  reason      TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
  PRIMARY KEY (network_id, day)
) STRICT, WITHOUT ROWID;

-- Who is on shift when (UTC instants): on-shift clinicians get risk alerts live.
CREATE TABLE rota_shifts (
  id          INTEGER PRIMARY KEY,
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  user_id     INTEGER NOT NULL REFERENCES users (id),
  starts_at   TEXT NOT NULL,
  ends_at     TEXT NOT NULL,
  created_by  INTEGER REFERENCES users (id),
  created_at  TEXT NOT NULL,
  CHECK (starts_at < ends_at)
) STRICT;
CREATE INDEX rota_shifts_by_network ON rota_shifts (network_id, ends_at);

-- Outside office hours: hold every member post ('hold_all', the safe default) or apply the
-- in-hours policy; the Wall is read-only for members then either way.
ALTER TABLE moderation_policies ADD COLUMN out_of_hours TEXT NOT NULL DEFAULT 'hold_all'
  CHECK (out_of_hours IN ('hold_all', 'as_in_hours'));
-- How long a risk case may wait for a clinician in hours before it is past its deadline.
ALTER TABLE moderation_policies ADD COLUMN case_response_minutes INTEGER NOT NULL DEFAULT 15
  CHECK (case_response_minutes BETWEEN 1 AND 1440);

-- Watched words gain a third tier, 'flag': published, and a queue item asks a moderator to look.
-- (SQLite cannot change a CHECK in place: the table is rebuilt with its rows.)
CREATE TABLE watched_words_new (
  id          INTEGER PRIMARY KEY,
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  phrase      TEXT NOT NULL CHECK (length(phrase) BETWEEN 2 AND 100),
  action      TEXT NOT NULL CHECK (action IN ('refuse', 'hold', 'flag')),
  created_by  INTEGER REFERENCES users (id),
  created_at  TEXT NOT NULL,
  UNIQUE (network_id, phrase)
) STRICT;
INSERT INTO watched_words_new (id, network_id, phrase, action, created_by, created_at)
  SELECT id, network_id, phrase, action, created_by, created_at FROM watched_words;
DROP TABLE watched_words;
ALTER TABLE watched_words_new RENAME TO watched_words;

-- A network's additions to the built-in risk lexicon (server/data/risk_lexicon.txt): a phrase,
-- its tier, and exceptions (phrases that contain it but are not a risk, one per line).
CREATE TABLE risk_terms (
  id          INTEGER PRIMARY KEY,
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  phrase      TEXT NOT NULL CHECK (length(phrase) BETWEEN 2 AND 100),
  tier        TEXT NOT NULL CHECK (tier IN ('concern', 'urgent')),
  exceptions  TEXT NOT NULL DEFAULT '' CHECK (length(exceptions) <= 2000),
  created_by  INTEGER REFERENCES users (id),
  created_at  TEXT NOT NULL,
  UNIQUE (network_id, phrase)
) STRICT;

-- Safeguarding cases: opened when a post matches the risk lexicon (or by staff). Only clinicians
-- close a case. due_at: the response deadline (in hours: opened + case_response_minutes; out of
-- hours: the next opening + that).
CREATE TABLE safeguarding_cases (
  id               INTEGER PRIMARY KEY,
  network_id       INTEGER NOT NULL REFERENCES networks (id),
  member_id        INTEGER NOT NULL REFERENCES users (id),
  post_id          INTEGER REFERENCES posts (id),
  tier             TEXT NOT NULL CHECK (tier IN ('concern', 'urgent')),
  matched          TEXT,  -- the lexicon phrase, for the clinician
  state            TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'contacted', 'closed')),
  owner_id         INTEGER REFERENCES users (id),
  opened_at        TEXT NOT NULL,
  due_at           TEXT NOT NULL,
  acknowledged_at  TEXT,
  closed_at        TEXT,
  outcome          TEXT CHECK (outcome IS NULL OR length(outcome) <= 2000)
) STRICT;
CREATE INDEX safeguarding_cases_open ON safeguarding_cases (network_id, state, due_at);
CREATE INDEX safeguarding_cases_by_member ON safeguarding_cases (member_id, id);

-- What happened on a case, in order: notes, handover notes, state changes, owner changes.
CREATE TABLE case_events (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES safeguarding_cases (id),
  author_id   INTEGER REFERENCES users (id),
  kind        TEXT NOT NULL CHECK (kind IN ('note', 'handover', 'state', 'owner')),
  body        TEXT NOT NULL CHECK (length(body) <= 4000),
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX case_events_by_case ON case_events (case_id, id);

-- Members report content; the reporter is never shown to the reported member.
CREATE TABLE reports (
  id           INTEGER PRIMARY KEY,
  network_id   INTEGER NOT NULL REFERENCES networks (id),
  post_id      INTEGER NOT NULL REFERENCES posts (id),
  reporter_id  INTEGER NOT NULL REFERENCES users (id),
  reason       TEXT NOT NULL CHECK (reason IN ('unkind', 'identifying', 'unsafe', 'spam', 'other')),
  note         TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  created_at   TEXT NOT NULL,
  resolved_by  INTEGER REFERENCES users (id),
  resolved_at  TEXT,
  UNIQUE (post_id, reporter_id)
) STRICT;
CREATE INDEX reports_open ON reports (network_id, state, id);

-- Private notes staff keep about a member (never shown to the member).
CREATE TABLE member_notes (
  id          INTEGER PRIMARY KEY,
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  user_id     INTEGER NOT NULL REFERENCES users (id),
  author_id   INTEGER NOT NULL REFERENCES users (id),
  body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX member_notes_by_user ON member_notes (network_id, user_id, id);

-- Staff can message a member privately (members cannot message each other: a safeguarding
-- choice). The member reads them; the staff author is shown by role, not by name.
CREATE TABLE staff_messages (
  id           INTEGER PRIMARY KEY,
  network_id   INTEGER NOT NULL REFERENCES networks (id),
  user_id      INTEGER NOT NULL REFERENCES users (id),
  author_id    INTEGER NOT NULL REFERENCES users (id),
  author_role  TEXT NOT NULL,
  body         TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  post_id      INTEGER REFERENCES posts (id),
  created_at   TEXT NOT NULL,
  read_at      TEXT
) STRICT;
CREATE INDEX staff_messages_by_user ON staff_messages (user_id, id);

-- Silenced members can read but not post until `until`.
CREATE TABLE silences (
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  user_id     INTEGER NOT NULL REFERENCES users (id),
  until       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  created_by  INTEGER NOT NULL REFERENCES users (id),
  created_at  TEXT NOT NULL,
  PRIMARY KEY (network_id, user_id)
) STRICT, WITHOUT ROWID;

-- The queue deepens: a priority (risk first) and claims that expire, so two moderators do not
-- work one item and an item a moderator walked away from comes back.
ALTER TABLE moderation_items ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE moderation_items ADD COLUMN claimed_by INTEGER REFERENCES users (id);
ALTER TABLE moderation_items ADD COLUMN claim_expires_at TEXT;
CREATE INDEX moderation_items_priority ON moderation_items (network_id, state, priority DESC, id);
