// Reference peer for the Harbour benchmark: the two forum routes a member uses most, written the way
// a Node.js team would with fastify + better-sqlite3, against a copy of Harbour's own database.
//
//   node fastify_server.mjs --port P --cert CERT.pem --key KEY.pem --db FILE.sqlite3
//
// Serves on 127.0.0.1:P over HTTPS with Harbour's TLS settings (tls_options.mjs), logging off:
//   GET  /healthz                        {"status":"ok"}
//   GET  /api/v1/categories/:id/topics   the member's topic list (pinned + first 25, or ?before=)
//   POST /api/v1/topics/:id/replies      {"body", "content_notes"?, "draft_key"?} -> 201 {post, moderation}
// Every request reads the session and the data from SQLite (prepared statements, no cache), with
// the same statements, checks and answer shape as Harbour (server/api/forums_api.cpp,
// server/services/forum_service.cpp, post_view.cpp, post_json.cpp, session_service.cpp). What it
// leaves out is listed in README.md.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { parseOptions, tlsOptions } from './tls_options.mjs';

const opts = parseOptions(process.argv.slice(2), ['port', 'cert', 'key', 'db']);

// ---------------------------------------------------------------------------------------------
// Database: Harbour's pragmas (server/store/connection.cpp). One connection: Node runs the
// handlers on one thread, and better-sqlite3 is synchronous.
const db = new Database(opts.db, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('trusted_schema = OFF');
db.pragma('secure_delete = ON');
// Harbour sets a 16 MiB page cache on every connection (server/store/connection.cpp); the same here.
db.pragma('cache_size = -16384');
if (db.pragma('journal_mode', { simple: true }) !== 'wal' || db.pragma('synchronous', { simple: true }) !== 2) {
  throw new Error('database: journal_mode=WAL and synchronous=FULL could not be set');
}

const POST_SELECT =
  'SELECT p.id, p.network_id, p.kind, p.author_id, u.pseudonym AS author_pseudonym, p.author_role, p.category_id,' +
  ' p.parent_id, p.title, p.body, p.content_notes, p.state, p.state_reason, p.pinned, p.locked, p.reply_count,' +
  ' p.last_child_id, p.last_activity_at, p.created_at, p.published_at, p.edited_at' +
  ' FROM posts p JOIN users u ON u.id = p.author_id ';

const q = {
  // store/session_repo.cpp, account_repo.cpp
  session: db.prepare(
    'SELECT id, user_id, csrf_token, created_at, last_seen_at, idle_timeout_s, absolute_expires_at,' +
      ' second_factor_at, ended_at FROM sessions WHERE token_hash = ?'),
  user: db.prepare(
    'SELECT id, pseudonym, pseudonym_key, password_hash, is_admin, status, totp_secret, totp_enabled,' +
      ' totp_last_step, failed_signins, locked_until, created_at FROM users WHERE id = ?'),
  memberships: db.prepare(
    'SELECT m.network_id, n.slug, n.name, m.role, m.status FROM memberships m JOIN networks n ON n.id = m.network_id' +
      ' WHERE m.user_id = ? ORDER BY n.id'),
  touchSession: db.prepare('UPDATE sessions SET last_seen_at = @now WHERE id = @id AND ended_at IS NULL'),
  endSession: db.prepare(
    'UPDATE sessions SET ended_at = @now, end_reason = @reason WHERE id = @id AND ended_at IS NULL'),

  // store/category_repo.cpp, network_repo.cpp
  category: db.prepare(
    'SELECT c.id, c.network_id, c.name, c.description, c.position, c.read_mask, c.post_mask,' +
      " (SELECT count(*) FROM posts p WHERE p.category_id = c.id AND p.kind = 'topic' AND p.state = 'published') AS topic_count," +
      " (SELECT max(p.last_activity_at) FROM posts p WHERE p.category_id = c.id AND p.kind = 'topic' AND p.state = 'published') AS last_activity_at" +
      ' FROM categories c WHERE c.id = ?'),
  networks: db.prepare('SELECT id, slug, name, time_zone, crisis_contacts FROM networks ORDER BY id'),

  // services/forum_service.cpp, store/post_repo.cpp, reading_repo.cpp, notification_repo.cpp
  countUnread: db.prepare(
    "SELECT (SELECT count(*) FROM posts p WHERE p.kind = 'topic' AND p.category_id = @category AND p.state = 'published')" +
      " - (SELECT count(*) FROM posts p WHERE p.author_id = @user AND p.state = 'published' AND p.kind = 'topic'" +
      '    AND +p.category_id = @category)' +
      ' - (SELECT count(*) FROM topic_reads r CROSS JOIN posts p ON p.id = r.topic_id' +
      "    WHERE r.user_id = @user AND p.kind = 'topic' AND +p.category_id = @category AND +p.state = 'published'" +
      '    AND p.author_id <> @user AND r.last_read_id >= max(p.id, coalesce(p.last_child_id, 0)))').pluck(),
  listTopics: db.prepare(
    POST_SELECT +
      "WHERE p.kind = 'topic' AND p.category_id = @category AND p.pinned = @pinned" +
      " AND (p.state = 'published' OR @staff = 1 OR (p.author_id = @viewer AND p.state <> 'deleted'))" +
      ' AND (@before_at IS NULL OR (p.last_activity_at, p.id) < (@before_at, @before_id))' +
      ' ORDER BY p.last_activity_at DESC, p.id DESC LIMIT @limit'),
  reactionCounts: db.prepare('SELECT kind, count(*) AS n FROM reactions WHERE post_id = ? GROUP BY kind'),
  reactionsBy: db.prepare('SELECT kind FROM reactions WHERE post_id = ? AND user_id = ? ORDER BY kind').pluck(),
  readMarker: db.prepare('SELECT last_read_id FROM topic_reads WHERE user_id = ? AND topic_id = ?').pluck(),
  mutedIds: db.prepare('SELECT muted_user_id FROM mutes WHERE user_id = ? ORDER BY muted_user_id').pluck(),
  collapsedNotes: db.prepare('SELECT collapsed_notes FROM reading_settings WHERE user_id = ?').pluck(),
  findPost: db.prepare(POST_SELECT + 'WHERE p.id = ?'),

  // The reply's write (store/post_repo.cpp insert_post, services/post_notifications.cpp).
  insertPost: db.prepare(
    'INSERT INTO posts (network_id, kind, author_id, author_role, category_id, parent_id, title, body,' +
      ' content_notes, state, last_activity_at, created_at, published_at)' +
      " VALUES (@network_id, 'reply', @author_id, @author_role, @category_id, @parent_id, NULL, @body," +
      " @content_notes, 'published', @now, @now, @now)"),
  unindexPost: db.prepare('DELETE FROM post_search WHERE rowid = ?'),
  indexPost: db.prepare('INSERT INTO post_search (rowid, title, body) VALUES (?, ?, ?)'),
  recountChildren: db.prepare(
    'UPDATE posts SET' +
      " reply_count = (SELECT count(*) FROM posts ch WHERE ch.parent_id = @id AND ch.state = 'published')," +
      " last_child_id = (SELECT max(ch.id) FROM posts ch WHERE ch.parent_id = @id AND ch.state = 'published')" +
      ' WHERE id = @id'),
  touchActivity: db.prepare('UPDATE posts SET last_activity_at = max(last_activity_at, @now) WHERE id = @id'),
  activeUser: db.prepare("SELECT 1 FROM users WHERE id = ? AND status = 'active'").pluck(),
  activeKey: db.prepare("SELECT 1 FROM memberships WHERE user_id = ? AND network_id = ? AND status = 'active'").pluck(),
  hasMuted: db.prepare('SELECT 1 FROM mutes WHERE user_id = ? AND muted_user_id = ?').pluck(),
  holdsStaffRole: db.prepare(
    'SELECT 1 FROM users WHERE id = @id AND is_admin = 1' +
      " UNION ALL SELECT 1 FROM memberships WHERE user_id = @id AND role IN ('volunteer', 'peer_supporter', 'clinician')").pluck(),
  insertNotification: db.prepare(
    'INSERT INTO notifications (user_id, network_id, kind, post_id, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
  deleteDraft: db.prepare('DELETE FROM drafts WHERE user_id = ? AND draft_key = ?'),
};

// ---------------------------------------------------------------------------------------------
// Errors in Harbour's shape: {"error":{"code","message"}}.
class AppError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
const signInRequired = () => new AppError(401, 'sign_in_required', 'Please sign in.');
const categoryNotFound = () =>
  new AppError(404, 'category_not_found', 'This space does not exist, or you cannot see it.');
const postNotFound = () => new AppError(404, 'post_not_found', 'This post does not exist, or you cannot see it.');
const notFound = () => new AppError(404, 'not_found', 'There is nothing at this address.');
const badRequest = (code, message) => new AppError(400, code, message);

// ---------------------------------------------------------------------------------------------
// Roles and who may do what (services/roles.cpp, content_rules.cpp, authorizer.cpp).
const ROLES = ['member', 'carer', 'volunteer', 'peer_supporter', 'clinician'];
const ROLE_BIT = { member: 1, carer: 2, volunteer: 4, peer_supporter: 8, clinician: 16 };
const isStaffRole = (role) => role === 'volunteer' || role === 'peer_supporter' || role === 'clinician';
const maskRoles = (mask) => ROLES.filter((r) => (mask & ROLE_BIT[r]) !== 0);

const CONTENT_NOTES = [
  ['self_harm', 'Mentions self-harm'],
  ['suicide', 'Mentions suicidal thoughts'],
  ['abuse', 'Mentions abuse or violence'],
  ['bereavement', 'Mentions death or bereavement'],
  ['eating', 'Mentions eating or body image'],
  ['substances', 'Mentions alcohol or drugs'],
  ['pregnancy_loss', 'Mentions pregnancy or baby loss'],
  ['medication', 'Talks about medication'],
  ['distressing', 'Other distressing content'],
];
const NOTE_LABEL = new Map(CONTENT_NOTES);
const ALL_NOTE_KEYS = CONTENT_NOTES.map(([key]) => key);

const membershipOf = (p, networkId) => p.memberships.find((m) => m.network_id === networkId);

function holdsKey(p, networkId) {
  if (!p || p.suspended) return undefined;
  const m = membershipOf(p, networkId);
  return m && m.active ? m : undefined;
}

function isNetworkStaff(p, networkId) {
  if (!p || p.suspended || !p.second_factor_done) return false;
  if (p.is_admin) return true;
  const m = holdsKey(p, networkId);
  return m !== undefined && isStaffRole(m.role);
}

function mayReadCategory(p, networkId, readMask) {
  if (isNetworkStaff(p, networkId)) return true;
  const m = holdsKey(p, networkId);
  if (!m || isStaffRole(m.role)) return false;
  return (readMask & ROLE_BIT[m.role]) !== 0;
}

function mayPostCategory(p, networkId, postMask) {
  if (isNetworkStaff(p, networkId)) return true;
  const m = holdsKey(p, networkId);
  if (!m || isStaffRole(m.role)) return false;
  return (postMask & ROLE_BIT[m.role]) !== 0;
}

function requireSignedIn(p) {
  if (!p) throw signInRequired();
  if (p.suspended) {
    throw new AppError(403, 'account_suspended', 'This account is suspended. Please contact your service.');
  }
}

// require_reader_of_found: require_network_reader (signed in; staff of the network, or a key that
// grants read_resources), with "network not found" turned into the caller's own not-found error.
function requireReaderOfFound(p, networkId, notFoundError) {
  requireSignedIn(p);
  if (isNetworkStaff(p, networkId)) return;
  const m = membershipOf(p, networkId);
  if (!m) throw notFoundError();
  if (!m.active) throw new AppError(403, 'account_suspended', 'Your access to this network is suspended.');
  if (isStaffRole(m.role) && !p.second_factor_done) {
    throw new AppError(403, 'second_factor_required', p.totp_enabled
      ? 'Enter the code from your authenticator app to continue.'
      : 'Set up two-step sign-in in your account settings to continue.');
  }
}

function postVisible(p, post) {
  if (post.state === 'published') return true;
  if (isNetworkStaff(p, post.network_id)) return true;
  if (p && post.author_id === p.user_id && post.state !== 'deleted') return true;
  return post.parent_id !== null && (post.state === 'deleted' || post.state === 'hidden');
}

function authorRoleIn(p, networkId) {
  const m = membershipOf(p, networkId);
  if (m) return m.role;
  return p.is_admin ? 'admin' : 'member';
}

// ---------------------------------------------------------------------------------------------
// Sessions (services/session_service.cpp): the cookie's token is SHA-256'd (hex) and looked up.
const SESSION_COOKIE = '__Host-harbour_session';

function cookieValue(header, name) {
  for (const part of header.split(';')) {
    const pair = part.replace(/^[ \t]+/, '');
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq) !== name) continue;
    let value = pair.slice(eq + 1).replace(/[ \t]+$/, '');
    if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

// "YYYY-MM-DDTHH:MM:SS(.mmm)Z" to milliseconds, whole seconds (Harbour's strptime drops the rest).
function parseUtc(text) {
  if (typeof text !== 'string' || text.length < 20) return NaN;
  return Date.parse(`${text.slice(0, 19)}Z`);
}

function resolveSession(token, nowMs) {
  // Tokens are 43 base64url characters; anything else cannot be one (and is not hashed).
  if (token.length !== 43) return null;
  const session = q.session.get(createHash('sha256').update(token).digest('hex'));
  if (!session || session.ended_at !== null) return null;
  const user = q.user.get(session.user_id);
  if (!user || user.status === 'erased') return null;
  const memberships = q.memberships.all(user.id);

  const lastSeen = parseUtc(session.last_seen_at);
  const absolute = parseUtc(session.absolute_expires_at);
  const idleExpired = Number.isNaN(lastSeen) || nowMs - lastSeen > session.idle_timeout_s * 1000;
  const absoluteExpired = Number.isNaN(absolute) || nowMs >= absolute;
  if (idleExpired || absoluteExpired) {
    q.endSession.run({ id: session.id, now: new Date(nowMs).toISOString(), reason: absoluteExpired ? 'expired' : 'idle' });
    return null;
  }
  if (nowMs - lastSeen > 60_000) q.touchSession.run({ id: session.id, now: new Date(nowMs).toISOString() });

  return {
    user_id: user.id,
    pseudonym: user.pseudonym,
    is_admin: user.is_admin !== 0,
    suspended: user.status === 'suspended',
    totp_enabled: user.totp_enabled !== 0,
    session_id: session.id,
    csrf_token: session.csrf_token,
    second_factor_done: session.second_factor_at !== null,
    memberships: memberships
      .filter((m) => ROLE_BIT[m.role] !== undefined)
      .map((m) => ({ network_id: m.network_id, slug: m.slug, name: m.name, role: m.role, active: m.status === 'active' })),
  };
}

function constantTimeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// api/session_middleware.cpp: every /api request resolves its session; unsafe methods must come
// from our own origin and, when signed in, carry the session's X-CSRF-Token. An onRequest hook, so
// it runs before the body is read, as Harbour's middleware does.
async function sessionHook(request) {
  request.principal = null;
  const cookie = request.headers.cookie;
  if (cookie !== undefined) {
    const token = cookieValue(cookie, SESSION_COOKIE);
    if (token !== undefined) request.principal = resolveSession(token, Date.now());
  }
  const method = request.method;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  const refused = () => new AppError(403, 'cross_site_refused', 'Requests from other sites are not accepted.');
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw refused();
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const host = request.headers.host;
    const schemeEnd = origin.indexOf('://');
    if (host === undefined || schemeEnd < 0 || origin.slice(schemeEnd + 3) !== host) throw refused();
  }
  if (request.principal) {
    const token = request.headers['x-csrf-token'];
    if (typeof token !== 'string' || !constantTimeEqual(token, request.principal.csrf_token)) {
      throw new AppError(403, 'csrf_token_invalid', 'Your page is out of date. Reload it and try again.');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Posts as one reader sees them (services/post_view.cpp) and their JSON (services/post_json.cpp).
// Harbour's JSON objects come out with their keys sorted (nlohmann::json); the objects here are
// built in that order, so the bytes match too.

const roleBadge = (role) =>
  role === 'clinician' ? 'Clinician'
    : role === 'peer_supporter' ? 'Peer supporter'
      : role === 'volunteer' ? 'Volunteer'
        : role === 'admin' ? 'Staff' : '';

const splitWords = (stored) => stored.split(' ').filter((w) => w !== '');

// Plain text for lists: Markdown punctuation dropped, white space folded, cut near max_chars code
// points (post_json.cpp excerpt_of; a multi-byte character cut in half there comes out as U+FFFD).
function excerptOf(body, maxChars) {
  let out = '';
  let space = false;
  let chars = 0;
  for (const ch of body) {
    if (chars >= maxChars) break;
    if (ch === '*' || ch === '_' || ch === '#' || ch === '>' || ch === '`' || ch === '[' || ch === ']') continue;
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') {
      space = out.length > 0;
      continue;
    }
    if (space) {
      out += ' ';
      ++chars;
      space = false;
    }
    ++chars;
    out += chars >= maxChars && ch.codePointAt(0) > 0x7f ? '\uFFFD' : ch;
  }
  if (chars >= maxChars) out += '…';
  return out;
}

// Harbour renders CommonMark with cmark on the way out. This peer only escapes and makes
// paragraphs (identical for plain text; see README.md).
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
function renderParagraphs(text) {
  let html = '';
  for (const block of text.split(/\n[ \t]*\n/)) {
    const lines = block.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) continue;
    html += `<p>${lines.join('\n').replace(/[&<>"]/g, (c) => HTML_ESCAPES[c])}</p>\n`;
  }
  return html;
}

// build_post_views: per-viewer facts for a list of rows, with the same queries Harbour makes.
function buildPostViews(viewer, rows) {
  if (rows.length === 0) return [];
  const viewerId = viewer.user_id;
  const counts = new Map();
  const mine = new Map();
  const markers = new Map();
  for (const r of rows) {
    counts.set(r.id, q.reactionCounts.all(r.id));
    mine.set(r.id, q.reactionsBy.all(r.id, viewerId));
  }
  for (const r of rows) {
    if (r.kind !== 'topic') continue;
    const marker = q.readMarker.get(viewerId, r.id);
    if (marker !== undefined) markers.set(r.id, marker);
  }
  const muted = new Set(q.mutedIds.all(viewerId));
  const chosen = q.collapsedNotes.get(viewerId);
  // Never chose: every note collapsed.
  const collapsedNotes = new Set(chosen === undefined ? ALL_NOTE_KEYS : splitWords(chosen));
  const slugs = new Map();
  for (const n of q.networks.all()) slugs.set(n.id, n.slug);

  const active = !viewer.suspended;
  return rows.map((r) => {
    const staff = isNetworkStaff(viewer, r.network_id);
    const author = r.author_id === viewerId;
    const gone = r.state === 'deleted' || r.state === 'hidden';
    const badge = roleBadge(r.author_role);
    const notes = splitWords(r.content_notes);
    const reactions = { me_too: 0, support: 0, thank_you: 0 };
    for (const { kind, n } of counts.get(r.id)) reactions[kind] = n;
    let unread = false;
    if (r.kind === 'topic' && !author) {
      const newest = Math.max(r.id, r.last_child_id ?? 0);
      const marker = markers.get(r.id);
      unread = r.state === 'published' && (marker === undefined || marker < newest);
    }
    return {
      row: r,
      network_slug: slugs.get(r.network_id) ?? '',
      show_text: !gone || staff || (author && r.state === 'hidden'),
      show_reason: staff || author,
      badge,
      author_muted: badge === '' && muted.has(r.author_id),
      collapsed: notes.some((n) => collapsedNotes.has(n)),
      notes,
      reactions,
      my_reactions: mine.get(r.id),
      can_edit: active && author && !gone,
      can_delete: active && author && r.state !== 'deleted',
      can_react: active && !author && r.state === 'published',
      unread,
    };
  });
}

function postJson(v, withBody) {
  const r = v.row;
  const topic = r.kind === 'topic';
  const out = {
    author: { badge: v.badge === '' ? null : v.badge, id: r.author_id, muted: v.author_muted, pseudonym: r.author_pseudonym },
  };
  if (withBody) {
    out.body = v.show_text ? r.body : '';
    out.body_html = v.show_text ? renderParagraphs(r.body) : '';
  }
  out.can_delete = v.can_delete;
  out.can_edit = v.can_edit;
  out.can_react = v.can_react;
  if (topic) out.category_id = r.category_id ?? 0;
  out.collapsed = v.collapsed;
  out.content_notes = v.notes.filter((k) => NOTE_LABEL.has(k)).map((k) => ({ key: k, label: NOTE_LABEL.get(k) }));
  out.created_at = r.created_at;
  out.edited_at = r.edited_at;
  out.excerpt = v.show_text ? excerptOf(r.body, 200) : '';
  out.id = r.id;
  out.kind = r.kind;
  if (topic) {
    out.last_activity_at = r.last_activity_at;
    out.locked = r.locked !== 0;
  }
  out.my_reactions = v.my_reactions;
  out.network = v.network_slug;
  if (r.parent_id !== null) out.parent_id = r.parent_id;
  if (topic) out.pinned = r.pinned !== 0;
  out.published_at = r.published_at;
  out.reactions = v.reactions;
  if (topic) out.reply_count = r.reply_count;
  out.state = r.state;
  out.state_reason = v.show_reason ? r.state_reason : null;
  out.title = v.show_text ? r.title : r.title !== null ? '' : null;
  if (topic) out.unread = v.unread;
  return out;
}

function categoryJson(row, slug, canPost, unreadTopics) {
  return {
    audience: { post: maskRoles(row.post_mask), read: maskRoles(row.read_mask) },
    can_post: canPost,
    description: row.description,
    id: row.id,
    last_activity_at: row.last_activity_at,
    name: row.name,
    network: slug,
    position: row.position,
    topic_count: row.topic_count,
    unread_topics: unreadTopics,
  };
}

// ---------------------------------------------------------------------------------------------
// Request input (api/params.cpp, api/json_body.cpp, services/content_rules.cpp).

function idParam(text) {
  if (!/^-?[0-9]+$/.test(text)) throw notFound();
  const v = Number(text);
  if (!(v > 0) || !Number.isSafeInteger(v)) throw notFound();
  return v;
}

const CURSOR = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z_[0-9]+$/;
function parseCursor(cursor) {
  const bad = () => badRequest('invalid_cursor', 'That page link is not valid.');
  if (cursor.length > 50 || !CURSOR.test(cursor)) throw bad();
  const id = Number(cursor.slice(25));
  if (!(id > 0) || !Number.isSafeInteger(id)) throw bad();
  return [cursor.slice(0, 24), id];
}

const invalidField = (field, message) => badRequest('invalid_field', `'${field}': ${message}`);

function optionalString(body, field, maxBytes) {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidField(field, 'expected text');
  if (Buffer.byteLength(v) > maxBytes) throw invalidField(field, `too long (at most ${maxBytes} bytes)`);
  return v;
}

function stringList(body, field, maxItems, maxBytes) {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidField(field, 'expected a list of text');
  if (v.length > maxItems) throw invalidField(field, `at most ${maxItems} items`);
  for (const item of v) {
    if (typeof item !== 'string') throw invalidField(field, 'expected a list of text');
    if (Buffer.byteLength(item) > maxBytes) throw invalidField(field, 'an item is too long');
  }
  return v;
}

// checked_text for a reply: no control characters, trimmed, 1..10,000 code points.
function checkedReplyBody(raw) {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(raw)) {
    throw badRequest('invalid_text', "'body' contains control characters.");
  }
  const text = raw.replace(/^[ \t\r\n]+/, '').replace(/[ \t\r\n]+$/, '');
  let n = 0;
  for (const _ of text) ++n; // eslint-disable-line no-unused-vars
  if (n < 1) throw badRequest('text_too_short', "'body' needs at least 1 characters.");
  if (n > 10000) throw badRequest('text_too_long', "'body' can be at most 10000 characters.");
  return text;
}

function checkedContentNotes(keys) {
  if (keys.length > 4) throw badRequest('invalid_content_note', 'Choose at most 4 content notes.');
  keys.forEach((key, i) => {
    if (!NOTE_LABEL.has(key)) throw badRequest('invalid_content_note', 'That content note is not one of the list.');
    if (keys.indexOf(key) < i) throw badRequest('invalid_content_note', 'Each content note can be chosen once.');
  });
  return keys.join(' ');
}

// ---------------------------------------------------------------------------------------------
// The two routes.

const TOPIC_PAGE_SIZE = 25;
const PINNED_MAX = 10;

// ForumService::topics
function topicsPage(who, categoryId, before) {
  const cursor = before === undefined ? undefined : parseCursor(before);
  const category = q.category.get(categoryId);
  if (!category) throw categoryNotFound();
  requireReaderOfFound(who, category.network_id, categoryNotFound);
  if (!mayReadCategory(who, category.network_id, category.read_mask)) throw categoryNotFound();
  const staff = isNetworkStaff(who, category.network_id) ? 1 : 0;
  const network = q.networks.all().find((n) => n.id === category.network_id);
  const canPost = mayPostCategory(who, category.network_id, category.post_mask);
  const unread = q.countUnread.get({ category: categoryId, user: who.user_id });
  const out = { category: categoryJson(category, network ? network.slug : '', canPost, unread) };
  const query = { category: categoryId, viewer: who.user_id, staff, pinned: 1, limit: PINNED_MAX, before_at: null, before_id: null };
  let pinned = [];
  if (!cursor) pinned = buildPostViews(who, q.listTopics.all(query)).map((v) => postJson(v, false));
  query.pinned = 0;
  query.limit = TOPIC_PAGE_SIZE;
  if (cursor) [query.before_at, query.before_id] = cursor;
  const rows = q.listTopics.all(query);
  if (rows.length === TOPIC_PAGE_SIZE) {
    const last = rows[rows.length - 1];
    out.next_before = `${last.last_activity_at}_${last.id}`;
  }
  out.pinned = pinned;
  out.topics = buildPostViews(who, rows).map((v) => postJson(v, false));
  return out;
}

// ForumService::create_reply for a member whose reply the gate publishes: the post row, its search
// entry, the topic's reply_count / last_child_id / last_activity_at and the topic author's "reply"
// notification, in one IMMEDIATE transaction (synchronous=FULL: one fsync at COMMIT).
const writeReply = db.transaction((who, topicId, body, contentNotes, draftKey, now) => {
  const topic = q.findPost.get(topicId);
  if (!topic) throw postNotFound();
  requireReaderOfFound(who, topic.network_id, postNotFound);
  const category = topic.category_id === null ? undefined : q.category.get(topic.category_id);
  if (!category || !mayReadCategory(who, topic.network_id, category.read_mask) || !postVisible(who, topic)) {
    throw postNotFound();
  }
  if (topic.kind !== 'topic') throw postNotFound();
  const staff = isNetworkStaff(who, topic.network_id);
  if (topic.state !== 'published') {
    throw new AppError(409, 'topic_not_published', 'Replies open once this topic has been published.');
  }
  if (topic.locked !== 0 && !staff) throw new AppError(409, 'topic_locked', 'This topic is closed to new replies.');
  // Harbour reads the category a second time here (create_reply after require_visible_post).
  const postingCategory = q.category.get(topic.category_id);
  if (!postingCategory || !mayPostCategory(who, topic.network_id, postingCategory.post_mask)) {
    throw new AppError(403, 'not_allowed', 'This space is for reading only.');
  }
  const info = q.insertPost.run({
    network_id: topic.network_id,
    author_id: who.user_id,
    author_role: authorRoleIn(who, topic.network_id),
    category_id: topic.category_id,
    parent_id: topicId,
    body,
    content_notes: contentNotes,
    now,
  });
  const id = Number(info.lastInsertRowid);
  q.unindexPost.run(id);
  q.indexPost.run(id, '', body);
  q.recountChildren.run({ id: topicId });
  q.touchActivity.run({ id: topicId, now });
  // notify_published (it reads the new row and its topic again): the topic's author hears of the
  // reply, with insert_notification's checks. @mentions are not looked for (README.md).
  const written = q.findPost.get(id);
  const parent = q.findPost.get(written.parent_id);
  const to = parent.author_id;
  if (parent.state === 'published' && to !== who.user_id && q.activeUser.get(to) !== undefined && q.activeKey.get(to, topic.network_id) !== undefined &&
      !(q.hasMuted.get(to, who.user_id) !== undefined && q.holdsStaffRole.get({ id: who.user_id }) === undefined)) {
    q.insertNotification.run(to, topic.network_id, 'reply', id, who.user_id, now);
  }
  if (draftKey !== undefined) q.deleteDraft.run(who.user_id, draftKey);
  return id;
});

// ---------------------------------------------------------------------------------------------
// HTTP

// Harbour's response headers (http/middleware.cpp), so both answers carry the same bytes.
const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    "connect-src 'self'; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'cache-control': 'no-store',
};
const requestIdPrefix = randomBytes(6).toString('hex');
let requestCounter = 0;

const app = Fastify({
  logger: false,
  https: tlsOptions(opts.cert, opts.key),
  bodyLimit: 64 * 1024, // Harbour's limits.body_bytes; the reply route allows 256 KiB like Harbour's
  keepAliveTimeout: 75_000, // Harbour's limits.idle_timeout
});

// JSON bodies only, as Harbour (415 json_required for anything else).
app.removeContentTypeParser('text/plain');

app.addHook('onRequest', (request, reply, done) => {
  reply.headers(SECURITY_HEADERS);
  reply.header('x-request-id', requestIdPrefix + (requestCounter++).toString(16).padStart(12, '0'));
  done();
});

app.setErrorHandler((error, request, reply) => {
  if (error instanceof AppError) {
    return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
  }
  const send = (status, code, message) => reply.code(status).send({ error: { code, message } });
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(415, 'json_required', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(413, 'body_too_large', 'The request body is larger than this address accepts.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return send(400, 'invalid_json', 'The request body is not valid JSON.');
    default:
      if (error instanceof SyntaxError || error.statusCode === 400) {
        return send(400, 'invalid_json', 'The request body is not valid JSON.');
      }
      if (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_FULL') {
        reply.header('retry-after', '5');
        return send(503, 'storage_unavailable',
          'We could not save that just now. Nothing was changed; please try again shortly.');
      }
      return send(500, 'internal_error', 'Something went wrong on our side. Nothing was changed.');
  }
});

app.setNotFoundHandler((request, reply) =>
  reply.code(404).send({ error: { code: 'not_found', message: 'There is nothing at this address.' } }));

app.get('/healthz', async () => ({ status: 'ok' }));

app.get('/api/v1/categories/:id/topics', { onRequest: sessionHook }, async (request) => {
  const id = idParam(request.params.id);
  let before = request.query.before;
  if (Array.isArray(before)) before = before[0];
  if (before === '') before = undefined;
  return topicsPage(request.principal, id, before);
});

app.post('/api/v1/topics/:id/replies', { onRequest: sessionHook, bodyLimit: 256 * 1024 }, async (request, reply) => {
  const input = request.body;
  if (input === undefined) throw new AppError(415, 'json_required', 'Send the request body as application/json.');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw badRequest('invalid_json', 'The request body must be a JSON object.');
  }
  const rawBody = optionalString(input, 'body', 256 * 1024);
  if (rawBody === undefined) throw badRequest('missing_field', "'body' is required.");
  const rawNotes = stringList(input, 'content_notes', 8, 64);
  const draftKey = optionalString(input, 'draft_key', 100);
  const topicId = idParam(request.params.id);

  const who = request.principal;
  requireSignedIn(who);
  const body = checkedReplyBody(rawBody);
  const contentNotes = checkedContentNotes(rawNotes);
  const postId = writeReply.immediate(who, topicId, body, contentNotes, draftKey, new Date().toISOString());

  // As Harbour answers: the stored post read back, as its author sees it.
  const view = buildPostViews(who, [q.findPost.get(postId)])[0];
  reply.code(201);
  return { moderation: { message: '', outcome: 'published' }, post: postJson(view, true) };
});

try {
  await app.listen({ host: '127.0.0.1', port: Number(opts.port) });
} catch (err) {
  process.stderr.write(`fastify peer: ${err.message}\n`);
  process.exit(1);
}

const stop = () => {
  app.close().then(() => {
    db.close();
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
