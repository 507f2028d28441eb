-- Content: forum categories, posts (topics, replies, blog posts and their comments), edit
-- history, support reactions, the moderation gate's policy and its basic queue, the resources
-- library, drafts, reading settings, read markers, mutes, notifications and the search index.
-- Every row of community data carries its network_id, and every query filters by it.
-- Times are RFC 3339 UTC text with milliseconds (see 0002), so they sort.

-- Roles as bits, for audiences: member 1, carer 2, volunteer 4, peer_supporter 8, clinician 16
-- (services/content_rules.hpp). Staff (4|8|16) can always read everything in their network to
-- moderate it; a mask says who else may read or post.

-- How the moderation gate treats members' posts in a network (services/moderation_gate.cpp).
--   pre_moderate_all: every member post is held for a moderator
--   first_posts:      a member's first `first_posts` published posts are held, then post-moderated
--   post_moderate:    published at once; moderators act afterwards
-- Recovery stories (member blog posts) are always held whatever the mode.
CREATE TABLE moderation_policies (
  network_id   INTEGER PRIMARY KEY REFERENCES networks (id),
  mode         TEXT NOT NULL DEFAULT 'first_posts'
               CHECK (mode IN ('pre_moderate_all', 'first_posts', 'post_moderate')),
  first_posts  INTEGER NOT NULL DEFAULT 3 CHECK (first_posts BETWEEN 0 AND 100),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
INSERT INTO moderation_policies (network_id) SELECT id FROM networks;

-- Words and phrases staff watch for in a network: 'refuse' sends the text back to its author
-- with a kind explanation; 'hold' publishes nothing until a moderator has looked. Matched
-- case-insensitively on word boundaries. (The moderation issue adds the risk lexicon and tiers.)
CREATE TABLE watched_words (
  id          INTEGER PRIMARY KEY,
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  phrase      TEXT NOT NULL CHECK (length(phrase) BETWEEN 2 AND 100),
  action      TEXT NOT NULL CHECK (action IN ('refuse', 'hold')),
  created_by  INTEGER REFERENCES users (id),
  created_at  TEXT NOT NULL,
  UNIQUE (network_id, phrase)
) STRICT;

CREATE TABLE categories (
  id           INTEGER PRIMARY KEY,
  network_id   INTEGER NOT NULL REFERENCES networks (id),
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  description  TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  position     INTEGER NOT NULL DEFAULT 0,
  read_mask    INTEGER NOT NULL DEFAULT 31 CHECK (read_mask BETWEEN 0 AND 31),
  post_mask    INTEGER NOT NULL DEFAULT 31 CHECK (post_mask BETWEEN 0 AND 31),
  created_at   TEXT NOT NULL,
  UNIQUE (network_id, name)
) STRICT;
CREATE INDEX categories_by_network ON categories (network_id, position, id);

-- One table for everything people write outside the Wall, so the gate, the queue, reactions,
-- edit history, search and notifications treat every kind alike.
--   topic:        category_id set, parent_id NULL, title set
--   reply:        parent_id = the topic, category_id copied from it (moves follow), no title
--   blog_post:    parent_id NULL, title set; by staff, or a member's recovery story
--   blog_comment: parent_id = the blog post, no title
-- state: published | held (waiting for a moderator) | rejected (sent back with a reason the
-- author sees; they can edit and resubmit) | hidden (by staff) | deleted (by the author; the
-- text stays for staff and the audit of decisions, readers see that it was deleted).
CREATE TABLE posts (
  id                INTEGER PRIMARY KEY,
  network_id        INTEGER NOT NULL REFERENCES networks (id),
  kind              TEXT NOT NULL CHECK (kind IN ('topic', 'reply', 'blog_post', 'blog_comment')),
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
  CHECK ((kind IN ('reply', 'blog_comment')) = (parent_id IS NOT NULL)),
  CHECK ((kind = 'topic') <= (category_id IS NOT NULL))
) STRICT;
-- Topic lists: pinned first, then the latest activity; keyset pages on (last_activity_at, id).
CREATE INDEX posts_topics ON posts (category_id, pinned, last_activity_at, id) WHERE kind = 'topic';
CREATE INDEX posts_children ON posts (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_blog ON posts (network_id, published_at, id) WHERE kind = 'blog_post';
CREATE INDEX posts_by_author ON posts (author_id, state, id);

-- The text a post had before each edit: staff can see what was changed (authors see "edited").
CREATE TABLE post_revisions (
  id             INTEGER PRIMARY KEY,
  post_id        INTEGER NOT NULL REFERENCES posts (id),
  title          TEXT,
  body           TEXT NOT NULL,
  content_notes  TEXT NOT NULL,
  replaced_at    TEXT NOT NULL,
  replaced_by    INTEGER REFERENCES users (id)
) STRICT;
CREATE INDEX post_revisions_by_post ON post_revisions (post_id, id);

-- Support reactions: a small fixed set, no downvotes, no public scores.
CREATE TABLE reactions (
  post_id     INTEGER NOT NULL REFERENCES posts (id),
  user_id     INTEGER NOT NULL REFERENCES users (id),
  kind        TEXT NOT NULL CHECK (kind IN ('support', 'me_too', 'thank_you')),
  created_at  TEXT NOT NULL,
  PRIMARY KEY (post_id, user_id, kind)
) STRICT, WITHOUT ROWID;

-- The basic moderation queue: one item each time a post is held. reasons: space-separated keys
-- (pre_moderation, new_member, watched_word, story, resubmitted). The moderation issue adds
-- claims, priorities and more actions.
CREATE TABLE moderation_items (
  id               INTEGER PRIMARY KEY,
  network_id       INTEGER NOT NULL REFERENCES networks (id),
  post_id          INTEGER NOT NULL REFERENCES posts (id),
  reasons          TEXT NOT NULL,
  matched          TEXT,  -- the watched phrase that held it, for the moderator
  state            TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'rejected', 'withdrawn')),
  created_at       TEXT NOT NULL,
  decided_by       INTEGER REFERENCES users (id),
  decided_at       TEXT,
  decision_reason  TEXT
) STRICT;
CREATE INDEX moderation_items_open ON moderation_items (network_id, state, id);
CREATE INDEX moderation_items_by_post ON moderation_items (post_id, id);

-- The resources library: written by staff, read by members and carers.
--   article: Markdown body; video: an allowlisted host's video (provider + id) with transcript;
--   leaflet: a link to a document; service: a link to a service, with a phone number or not.
CREATE TABLE resources (
  id           INTEGER PRIMARY KEY,
  network_id   INTEGER NOT NULL REFERENCES networks (id),
  kind         TEXT NOT NULL CHECK (kind IN ('article', 'video', 'leaflet', 'service')),
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary      TEXT NOT NULL DEFAULT '' CHECK (length(summary) <= 500),
  body         TEXT NOT NULL DEFAULT '',
  url          TEXT,
  video_provider TEXT CHECK (video_provider IS NULL OR video_provider IN ('youtube', 'vimeo')),
  video_id     TEXT,
  transcript   TEXT NOT NULL DEFAULT '',
  topics       TEXT NOT NULL DEFAULT '',     -- space-separated tags, e.g. 'sleep anxiety'
  audiences    TEXT NOT NULL DEFAULT 'everyone',  -- space-separated: everyone members carers
  content_notes TEXT NOT NULL DEFAULT '',
  state        TEXT NOT NULL DEFAULT 'published' CHECK (state IN ('published', 'removed')),
  created_by   INTEGER REFERENCES users (id),
  created_at   TEXT NOT NULL,
  updated_by   INTEGER REFERENCES users (id),
  updated_at   TEXT NOT NULL,
  CHECK ((kind = 'video') = (video_id IS NOT NULL))
) STRICT;
CREATE INDEX resources_by_network ON resources (network_id, state, id);

-- What someone was typing, saved as they type, so nothing is lost (a closed tab, a timeout).
-- draft_key names the place: 'topic-<category id>', 'reply-<topic id>', 'blog-<network slug>',
-- 'comment-<blog post id>', 'edit-<post id>'.
CREATE TABLE drafts (
  user_id        INTEGER NOT NULL REFERENCES users (id),
  draft_key      TEXT NOT NULL CHECK (length(draft_key) BETWEEN 1 AND 64),
  network_id     INTEGER NOT NULL REFERENCES networks (id),
  title          TEXT NOT NULL DEFAULT '',
  body           TEXT NOT NULL DEFAULT '',
  content_notes  TEXT NOT NULL DEFAULT '',
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (user_id, draft_key)
) STRICT, WITHOUT ROWID;

-- Which content notes a reader wants collapsed (no row: every note collapsed).
CREATE TABLE reading_settings (
  user_id          INTEGER PRIMARY KEY REFERENCES users (id),
  collapsed_notes  TEXT NOT NULL,
  updated_at       TEXT NOT NULL
) STRICT;

-- Unread markers: the newest post of a topic (the topic or a reply) the member has seen.
CREATE TABLE topic_reads (
  user_id       INTEGER NOT NULL REFERENCES users (id),
  topic_id      INTEGER NOT NULL REFERENCES posts (id),
  last_read_id  INTEGER NOT NULL,
  read_at       TEXT NOT NULL,
  PRIMARY KEY (user_id, topic_id)
) STRICT, WITHOUT ROWID;

-- A member muted by another: their posts collapse and they cause no notifications for the muter.
-- Staff can never be muted (enforced by the service).
CREATE TABLE mutes (
  user_id        INTEGER NOT NULL REFERENCES users (id),
  muted_user_id  INTEGER NOT NULL REFERENCES users (id),
  created_at     TEXT NOT NULL,
  PRIMARY KEY (user_id, muted_user_id),
  CHECK (user_id <> muted_user_id)
) STRICT, WITHOUT ROWID;

-- In-app notifications, also pushed live on the `user:<id>` topic.
--   reply: to my topic; comment: on my blog post; mention: @pseudonym in a published post;
--   approved / rejected / hidden: a moderation decision on my post.
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  network_id  INTEGER NOT NULL REFERENCES networks (id),
  kind        TEXT NOT NULL CHECK (kind IN ('reply', 'comment', 'mention', 'approved', 'rejected', 'hidden')),
  post_id     INTEGER NOT NULL REFERENCES posts (id),
  actor_id    INTEGER REFERENCES users (id),  -- NULL for moderation decisions (staff stay unnamed)
  created_at  TEXT NOT NULL,
  read_at     TEXT
) STRICT;
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Full-text search (FTS5). Maintained by store/search_repo.cpp in the same transaction as the
-- change, not by triggers: SQLite 3.40 does not mark FTS5 innocuous, so with trusted_schema=OFF a
-- trigger writing to it fails ("unsafe use of virtual table"). Only published posts and
-- resources are indexed; rowid = posts.id / resources.id; visibility is checked by joining back.
CREATE VIRTUAL TABLE post_search USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE resource_search USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2');
