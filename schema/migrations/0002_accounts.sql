-- Accounts: people, their keys to networks (memberships), invitations, sessions, the staff second
-- factor, community guidelines, and the tamper-evident audit log.
-- Times are RFC 3339 UTC text with milliseconds, e.g. 2026-11-23T19:00:00.000Z, so they sort.

CREATE TABLE users (
  id               INTEGER PRIMARY KEY,
  -- As shown (NFC). pseudonym_key is its confusable skeleton: two names that look alike share it,
  -- so UNIQUE on it refuses look-alikes of an existing name.
  pseudonym        TEXT NOT NULL CHECK (length(pseudonym) BETWEEN 1 AND 64),
  pseudonym_key    TEXT NOT NULL UNIQUE,
  -- argon2id encoded string (salt and parameters inside); NULL once erased.
  password_hash    TEXT,
  is_admin         INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'erased')),
  -- TOTP (RFC 6238) secret as base32; set at enrolment, confirmed when totp_enabled = 1.
  totp_secret      TEXT,
  totp_enabled     INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
  totp_last_step   INTEGER,  -- the last accepted time step: a code is never accepted twice
  failed_signins   INTEGER NOT NULL DEFAULT 0,
  locked_until     TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  erased_at        TEXT
) STRICT;

-- A key to one network with one role. Staff roles: volunteer, peer_supporter, clinician.
CREATE TABLE memberships (
  user_id     INTEGER NOT NULL REFERENCES users (id),
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  role        TEXT NOT NULL CHECK (role IN ('member', 'carer', 'volunteer', 'peer_supporter', 'clinician')),
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (user_id, network_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX memberships_by_network ON memberships (network_id, role);

-- role 'admin' makes a deployment-wide admin (and gives a clinician key to the network).
CREATE TABLE invitations (
  id          INTEGER PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,  -- SHA-256 (hex) of the token; the token itself is never stored
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  role        TEXT NOT NULL CHECK (role IN ('member', 'carer', 'volunteer', 'peer_supporter', 'clinician', 'admin')),
  note        TEXT CHECK (note IS NULL OR length(note) <= 500),
  created_by  INTEGER REFERENCES users (id),  -- NULL: the command line or the first start
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at  TEXT NOT NULL,
  used_at     TEXT,
  used_by     INTEGER REFERENCES users (id),
  revoked_at  TEXT,
  revoked_by  INTEGER REFERENCES users (id)
) STRICT;
CREATE INDEX invitations_by_network ON invitations (network_id, created_at);

CREATE TABLE sessions (
  id                   INTEGER PRIMARY KEY,
  token_hash           TEXT NOT NULL UNIQUE,  -- SHA-256 (hex) of the cookie token
  user_id              INTEGER NOT NULL REFERENCES users (id),
  csrf_token           TEXT NOT NULL,
  created_at           TEXT NOT NULL,
  last_seen_at         TEXT NOT NULL,
  idle_timeout_s       INTEGER NOT NULL,
  absolute_expires_at  TEXT NOT NULL,
  second_factor_at     TEXT,  -- when this session completed TOTP (staff capabilities need it)
  ended_at             TEXT,
  end_reason           TEXT
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id) WHERE ended_at IS NULL;

CREATE TABLE recovery_codes (
  user_id    INTEGER NOT NULL REFERENCES users (id),
  code_hash  TEXT NOT NULL,  -- SHA-256 (hex) of the normalised code
  used_at    TEXT,
  PRIMARY KEY (user_id, code_hash)
) STRICT, WITHOUT ROWID;

-- Community guidelines, versioned per network; joining means accepting the current version.
CREATE TABLE guidelines (
  network_id    INTEGER NOT NULL REFERENCES networks (id),
  version       INTEGER NOT NULL CHECK (version >= 1),
  body          TEXT NOT NULL,
  published_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (network_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE guideline_acceptances (
  user_id      INTEGER NOT NULL REFERENCES users (id),
  network_id   INTEGER NOT NULL,
  version      INTEGER NOT NULL,
  accepted_at  TEXT NOT NULL,
  PRIMARY KEY (user_id, network_id, version),
  FOREIGN KEY (network_id, version) REFERENCES guidelines (network_id, version)
) STRICT, WITHOUT ROWID;

INSERT INTO guidelines (network_id, version, body)
SELECT id, 1, 'Be kind. Everyone here has been through something hard.
Stay anonymous: use your pseudonym and do not share names, addresses, phone numbers or photos that could identify you or anyone else.
Share your own experience rather than advice about medication or treatment.
No private meetings or contact outside Harbour.
If you are in crisis, use the "Need urgent help?" page: Harbour is not an emergency service.
Moderators may hold, edit or remove posts to keep everyone safe.'
FROM networks;

-- The audit log: append-only and hash-chained. Each row's hash is SHA-256 over a domain tag, the
-- previous row's hash and the row's canonical content (services/audit_log.cpp), written in the
-- same transaction as the action it records. `harbour audit verify` recomputes the chain.
CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  actor_id      INTEGER,  -- NULL: the system or an anonymous caller
  actor_role    TEXT,
  action        TEXT NOT NULL,
  target_type   TEXT,
  target_id     TEXT,
  network_id    INTEGER,
  reason        TEXT,
  outcome       TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  session_hash  TEXT,  -- truncated SHA-256 of the session token: links rows, reveals nothing
  ip_hash       TEXT,  -- keyed hash of the client IP
  -- A small JSON object; never bodies, passwords or tokens. (Outline only: see 0001 on JSON checks.)
  details       TEXT NOT NULL DEFAULT '{}' CHECK (substr(details, 1, 1) = '{' AND substr(details, -1, 1) = '}'),
  prev_hash     BLOB NOT NULL CHECK (length(prev_hash) = 32),
  hash          BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
) STRICT;
-- Keyset pages (newest first, id < before) are index range scans.
CREATE INDEX audit_by_action ON audit_log (action, id);
CREATE INDEX audit_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_by_network ON audit_log (network_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
