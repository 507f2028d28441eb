-- The Wall: a network's live feed. Its messages are posts (kinds wall_message and wall_reply), so
-- the moderation gate, the queue, reports, reactions, hiding and data rights treat them as they
-- treat every other post. Adding the kinds means rebuilding posts (SQLite cannot change a CHECK
-- constraint in place); the migration runner turns foreign keys off around it and checks them
-- before committing (store/migrations.cpp), as SQLite's documented procedure for this requires.
CREATE TABLE posts_new (
  id                INTEGER PRIMARY KEY,
  network_id        INTEGER NOT NULL REFERENCES networks (id),
  kind              TEXT NOT NULL CHECK (kind IN ('topic', 'reply', 'blog_post', 'blog_comment', 'wall_message', 'wall_reply')),
  author_id         INTEGER NOT NULL REFERENCES users (id),
  author_role       TEXT NOT NULL,  -- the role when written: staff posts carry a badge set here
  category_id       INTEGER REFERENCES categories (id),
  parent_id         INTEGER REFERENCES posts (id),
  title             TEXT CHECK (title IS NULL OR length(title) BETWEEN 1 AND 200),
  body              TEXT NOT NULL,
  content_notes     TEXT NOT NULL DEFAULT '',  -- space-separated keys (services/content_rules.hpp)
  state             TEXT NOT NULL CHECK (state IN ('published', 'held', 'rejected', 'hidden', 'deleted')),
  state_reason      TEXT,  -- why it was rejected or hidden, as the author is told
  pinned            INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  locked            INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  reply_count       INTEGER NOT NULL DEFAULT 0,  -- published children
  last_child_id     INTEGER,                      -- newest published child (unread markers)
  last_activity_at  TEXT NOT NULL,                -- topics sort by it
  created_at        TEXT NOT NULL,
  published_at      TEXT,
  edited_at         TEXT,
  CHECK ((kind IN ('topic', 'blog_post')) = (title IS NOT NULL)),
  CHECK ((kind IN ('reply', 'blog_comment', 'wall_reply')) = (parent_id IS NOT NULL)),
  CHECK ((kind = 'topic') <= (category_id IS NOT NULL))
) STRICT;
INSERT INTO posts_new SELECT id, network_id, kind, author_id, author_role, category_id, parent_id, title, body,
  content_notes, state, state_reason, pinned, locked, reply_count, last_child_id, last_activity_at, created_at,
  published_at, edited_at FROM posts;
DROP TABLE posts;
ALTER TABLE posts_new RENAME TO posts;
CREATE INDEX posts_topics ON posts (category_id, pinned, last_activity_at, id) WHERE kind = 'topic';
CREATE INDEX posts_children ON posts (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_blog ON posts (network_id, published_at, id) WHERE kind = 'blog_post';
CREATE INDEX posts_by_author ON posts (author_id, state, id);
-- The Wall's pages: a network's messages, newest first.
CREATE INDEX posts_wall ON posts (network_id, id) WHERE kind = 'wall_message';

-- Every change to the Wall, in commit order: what clients resume from. Written by the store in
-- the same transaction as the change (store/wall_events_repo.cpp), so an acknowledged message
-- always has its event. AUTOINCREMENT: an id is never used twice, even after old rows are pruned.
-- audience 'all': everyone on the network's Wall; 'held': staff of the network and author_id.
CREATE TABLE wall_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  kind        TEXT NOT NULL CHECK (kind IN ('message', 'removed', 'reactions')),
  post_id     INTEGER NOT NULL REFERENCES posts (id),
  audience    TEXT NOT NULL CHECK (audience IN ('all', 'held')),
  author_id   INTEGER NOT NULL REFERENCES users (id),
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX wall_events_by_network ON wall_events (network_id, id);
