-- Networks: one per service (Talking Therapies, Perinatal, Carers ...) behind one sign-in.
-- Every table of community data carries a network_id that refers here.

CREATE TABLE networks (
  id              INTEGER PRIMARY KEY,
  -- Appears in addresses (/n/<slug>/...): lowercase letters, digits and hyphens only.
  slug            TEXT NOT NULL UNIQUE
                  CHECK (length(slug) BETWEEN 2 AND 40 AND slug NOT GLOB '*[^a-z0-9-]*'),
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  -- An IANA zone name; office hours are computed in it (with DST).
  time_zone       TEXT NOT NULL DEFAULT 'Europe/London' CHECK (length(time_zone) BETWEEN 1 AND 64),
  -- A JSON array of {id, name, description, action: call|text|link, number, text_body, url,
  -- available}, shown on every page signed in or not, so it must always parse.
  -- No json_valid() here: SQLite 3.40 (Debian 12) does not mark the JSON functions innocuous,
  -- and with trusted_schema=OFF a schema using them cannot even be read ("malformed database
  -- schema"). network_repo.cpp validates with json_valid and stores json()'s minified form;
  -- this check only keeps that form's outline.
  crisis_contacts TEXT NOT NULL
                  CHECK (substr(crisis_contacts, 1, 1) = '[' AND substr(crisis_contacts, -1, 1) = ']'),
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- The service's own network. The local crisis team's number is empty until the service sets it
-- in its configuration (harbour writes it here at start-up); an entry without a number is not
-- shown, so nobody is offered a dead end.
INSERT INTO networks (slug, name, crisis_contacts) VALUES ('default', 'Talking Therapies', json('[
  {
    "id": "emergency",
    "name": "Emergency services",
    "action": "call",
    "number": "999",
    "description": "If you or someone else is in immediate danger, or has seriously hurt themselves.",
    "available": "24 hours, every day"
  },
  {
    "id": "nhs111",
    "name": "NHS 111, option 2",
    "action": "call",
    "number": "111",
    "description": "Call 111 and choose option 2 for the NHS mental health crisis line.",
    "available": "24 hours, every day"
  },
  {
    "id": "samaritans",
    "name": "Samaritans",
    "action": "call",
    "number": "116 123",
    "description": "Free to call, to talk about anything that is troubling you.",
    "available": "24 hours, every day"
  },
  {
    "id": "shout",
    "name": "Shout",
    "action": "text",
    "number": "85258",
    "text_body": "SHOUT",
    "description": "Text SHOUT to 85258 for free, confidential support by text.",
    "available": "24 hours, every day"
  },
  {
    "id": "local_crisis_team",
    "name": "Your local crisis team",
    "action": "call",
    "number": "",
    "description": "Your care team will have given you this number.",
    "available": ""
  }
]'));
