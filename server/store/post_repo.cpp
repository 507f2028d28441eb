#include "store/post_repo.hpp"

#include "store/connection.hpp"
#include "store/search_updates.hpp"
#include "store/wall_events_repo.hpp"

namespace harbour::store {
namespace {

#define POST_SELECT                                                                                         \
  "SELECT p.id, p.network_id, p.kind, p.author_id, u.pseudonym, p.author_role, p.category_id, p.parent_id," \
  " p.title, p.body, p.content_notes, p.state, p.state_reason, p.pinned, p.locked, p.reply_count,"          \
  " p.last_child_id, p.last_activity_at, p.created_at, p.published_at, p.edited_at"                       \
  " FROM posts p JOIN users u ON u.id = p.author_id "

PostRow read_post(Statement& s) {
  PostRow r;
  r.id = s.column_int64(0);
  r.network_id = s.column_int64(1);
  r.kind = s.column_text(2);
  r.author_id = s.column_int64(3);
  r.author_pseudonym = s.column_text(4);
  r.author_role = s.column_text(5);
  r.category_id = s.column_optional_int64(6);
  r.parent_id = s.column_optional_int64(7);
  r.title = s.column_optional_text(8);
  r.body = s.column_text(9);
  r.content_notes = s.column_text(10);
  r.state = s.column_text(11);
  r.state_reason = s.column_optional_text(12);
  r.pinned = s.column_int64(13) != 0;
  r.locked = s.column_int64(14) != 0;
  r.reply_count = s.column_int64(15);
  r.last_child_id = s.column_optional_int64(16);
  r.last_activity_at = s.column_text(17);
  r.created_at = s.column_text(18);
  r.published_at = s.column_optional_text(19);
  r.edited_at = s.column_optional_text(20);
  return r;
}

std::vector<PostRow> all_rows(Statement& s) {
  std::vector<PostRow> rows;
  while (s.step()) rows.push_back(read_post(s));
  return rows;
}

// post_search holds exactly the published posts, with their current text (held to the end of a
// writer batch: store/search_updates.hpp).
void index_post(Connection& c, std::int64_t id, const std::optional<std::string>& title, std::string_view body) {
  index_search_row(c, SearchTable::Posts, id, title.value_or(""), std::string(body));
}

void unindex_post(Connection& c, std::int64_t id) { unindex_search_row(c, SearchTable::Posts, id); }

// A parent's counters follow from its children: recounted rather than adjusted, so no sequence
// of changes can leave them drifting. Children of one parent are an index range.
void recount_children(Connection& c, std::int64_t parent_id) {
  c.prepare("UPDATE posts SET"
            " reply_count = (SELECT count(*) FROM posts ch WHERE ch.parent_id = ?1 AND ch.state = 'published'),"
            " last_child_id = (SELECT max(ch.id) FROM posts ch WHERE ch.parent_id = ?1 AND ch.state = 'published')"
            " WHERE id = ?1")
      .bind(1, parent_id).run();
}

// A Wall post moved from before.state to `state`: who must hear of it. Leaving public view is a
// removal for everyone; a held post's changes concern only its author and staff.
void record_wall_state_change(Connection& c, const PostRow& before, std::string_view state, std::string_view now) {
  const bool was_public = before.state == "published";
  if (state == "published") {
    record_wall_event(c, before, "message", "all", now);
  } else if (state == "held") {
    if (was_public) record_wall_event(c, before, "removed", "all", now);
    record_wall_event(c, before, "message", "held", now);
  } else if (was_public) {
    record_wall_event(c, before, "removed", "all", now);
  } else if (before.state == "held") {
    record_wall_event(c, before, "removed", "held", now);
  }
}

// New reaction counts of a published Wall post are news for everyone on the Wall.
void record_wall_reactions(Connection& c, std::int64_t post_id, std::string_view now);

void touch_activity(Connection& c, std::int64_t post_id, std::string_view now) {
  c.prepare("UPDATE posts SET last_activity_at = max(last_activity_at, ?2) WHERE id = ?1").bind(1, post_id).bind(2, now).run();
}

// A child created published: one more published child, and the newest one (ids only grow). Exact
// without recounting, which would read every child of the parent (a long thread made each reply
// cost a scan of its replies); every other change of state still recounts (recount_children).
// Forum replies also bring their topic to the top (`activity_at`); Wall replies do not.
void add_published_child(Connection& c, std::int64_t parent_id, std::int64_t child_id,
                         std::optional<std::string_view> activity_at) {
  if (activity_at) {
    c.prepare("UPDATE posts SET reply_count = reply_count + 1, last_child_id = max(coalesce(last_child_id, 0), ?2),"
              " last_activity_at = max(last_activity_at, ?3) WHERE id = ?1")
        .bind(1, parent_id).bind(2, child_id).bind(3, *activity_at).run();
  } else {
    c.prepare("UPDATE posts SET reply_count = reply_count + 1, last_child_id = max(coalesce(last_child_id, 0), ?2) WHERE id = ?1")
        .bind(1, parent_id).bind(2, child_id).run();
  }
}

}  // namespace

std::int64_t insert_post(Connection& c, const NewPost& p, std::string_view now) {
  const bool published = p.state == "published";
  Statement& s = c.prepare(
      "INSERT INTO posts (network_id, kind, author_id, author_role, category_id, parent_id, title, body,"
      " content_notes, state, last_activity_at, created_at, published_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)");
  s.bind(1, p.network_id).bind(2, p.kind).bind(3, p.author_id).bind(4, p.author_role);
  if (p.category_id) s.bind(5, *p.category_id); else s.bind(5, nullptr);
  if (p.parent_id) s.bind(6, *p.parent_id); else s.bind(6, nullptr);
  s.bind(7, p.title).bind(8, p.body).bind(9, p.content_notes).bind(10, p.state).bind(11, now);
  if (published) s.bind(12, now); else s.bind(12, nullptr);
  s.run();
  const auto id = c.last_insert_rowid();
  if (is_wall_kind(p.kind)) {
    // The Wall is a conversation in the moment, not a library: it stays out of search.
    if (published && p.parent_id) add_published_child(c, *p.parent_id, id, std::nullopt);
    if (const auto row = find_post(c, id)) record_wall_event(c, *row, "message", published ? "all" : "held", now);
    return id;
  }
  if (published) {
    index_post(c, id, p.title, p.body);
    if (p.parent_id) add_published_child(c, *p.parent_id, id, now);
  }
  return id;
}

std::optional<PostRow> find_post(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(POST_SELECT "WHERE p.id = ?1");
  s.bind(1, id);
  std::optional<PostRow> row;
  if (s.step()) row = read_post(s);
  s.reset();
  return row;
}

namespace {
void record_wall_reactions(Connection& c, std::int64_t post_id, std::string_view now) {
  const auto post = find_post(c, post_id);
  if (post && is_wall_kind(post->kind) && post->state == "published") record_wall_event(c, *post, "reactions", "all", now);
}
}  // namespace

bool set_post_state(Connection& c, std::int64_t id, std::string_view state, std::optional<std::string> reason,
                    std::string_view now) {
  const auto before = find_post(c, id);
  if (!before) return false;
  const bool publish = state == "published";
  const bool first_publication = publish && !before->published_at;
  c.prepare("UPDATE posts SET state = ?2, state_reason = ?3,"
            " published_at = CASE WHEN ?2 = 'published' THEN coalesce(published_at, ?4) ELSE published_at END"
            " WHERE id = ?1")
      .bind(1, id).bind(2, state).bind(3, reason).bind(4, now).run();
  // A topic approved after waiting comes to the top as new activity.
  if (first_publication && !before->parent_id) {
    c.prepare("UPDATE posts SET last_activity_at = ?2 WHERE id = ?1").bind(1, id).bind(2, now).run();
  }
  if (is_wall_kind(before->kind)) {
    record_wall_state_change(c, *before, state, now);
  } else if (publish) {
    index_post(c, id, before->title, before->body);
  } else {
    unindex_post(c, id);
  }
  if (before->parent_id && (publish || before->state == "published")) {
    recount_children(c, *before->parent_id);
    if (first_publication) touch_activity(c, *before->parent_id, now);
  }
  return true;
}

void edit_post(Connection& c, std::int64_t id, const std::optional<std::string>& title, std::string_view body,
               std::string_view content_notes, std::int64_t edited_by, std::string_view now) {
  const auto before = find_post(c, id);
  if (!before) return;
  c.prepare("INSERT INTO post_revisions (post_id, title, body, content_notes, replaced_at, replaced_by)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, id).bind(2, before->title).bind(3, before->body).bind(4, before->content_notes).bind(5, now)
      .bind(6, edited_by).run();
  // Only the kinds that have a title keep one (the CHECK constraint would refuse it otherwise).
  const std::optional<std::string> new_title = before->title ? (title ? title : before->title) : std::nullopt;
  c.prepare("UPDATE posts SET title = ?2, body = ?3, content_notes = ?4, edited_at = ?5 WHERE id = ?1")
      .bind(1, id).bind(2, new_title).bind(3, body).bind(4, content_notes).bind(5, now).run();
  if (is_wall_kind(before->kind)) {
    if (before->state == "published" || before->state == "held") {
      record_wall_event(c, *before, "message", before->state == "published" ? "all" : "held", now);
    }
    return;
  }
  if (before->state == "published") index_post(c, id, new_title, body);
}

void set_topic_flags(Connection& c, std::int64_t topic_id, std::optional<bool> pinned, std::optional<bool> locked) {
  if (pinned) c.prepare("UPDATE posts SET pinned = ?2 WHERE id = ?1").bind(1, topic_id).bind(2, *pinned ? 1 : 0).run();
  if (locked) c.prepare("UPDATE posts SET locked = ?2 WHERE id = ?1").bind(1, topic_id).bind(2, *locked ? 1 : 0).run();
}

void move_topic(Connection& c, std::int64_t topic_id, std::int64_t category_id) {
  c.prepare("UPDATE posts SET category_id = ?2 WHERE id = ?1 OR parent_id = ?1").bind(1, topic_id).bind(2, category_id).run();
}

std::int64_t count_published_by(Connection& c, std::int64_t author_id, std::int64_t network_id, std::int64_t at_most) {
  Statement& s = c.prepare(
      "SELECT count(*) FROM (SELECT 1 FROM posts WHERE author_id = ?1 AND network_id = ?2 AND published_at IS NOT NULL"
      " LIMIT ?3)");
  s.bind(1, author_id).bind(2, network_id).bind(3, at_most);
  const std::int64_t n = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return n;
}

std::vector<PostRow> list_topics(Connection& c, const TopicPageQuery& q) {
  // Readers see published topics and their own (not deleted); staff see everything, marked.
  Statement& s = c.prepare(
      POST_SELECT
      "WHERE p.kind = 'topic' AND p.category_id = ?1 AND p.pinned = ?2"
      " AND (p.state = 'published' OR ?4 = 1 OR (p.author_id = ?3 AND p.state <> 'deleted'))"
      " AND (?5 IS NULL OR (p.last_activity_at, p.id) < (?5, ?6))"
      " ORDER BY p.last_activity_at DESC, p.id DESC LIMIT ?7");
  s.bind(1, q.category_id).bind(2, q.pinned ? 1 : 0).bind(3, q.viewer_id).bind(4, q.staff ? 1 : 0);
  s.bind(5, q.before_at).bind(6, q.before_id).bind(7, q.limit);
  return all_rows(s);
}

std::vector<PostRow> list_children(Connection& c, std::int64_t parent_id, std::int64_t viewer_id, bool staff,
                                   std::int64_t after_id, int limit) {
  // Deleted and hidden replies stay in place (as a line saying so) so the conversation still
  // reads in order; their text is withheld by the view.
  Statement& s = c.prepare(
      POST_SELECT
      "WHERE p.parent_id = ?1 AND p.id > ?4"
      " AND (p.state IN ('published', 'deleted', 'hidden') OR ?3 = 1 OR p.author_id = ?2)"
      " ORDER BY p.id LIMIT ?5");
  s.bind(1, parent_id).bind(2, viewer_id).bind(3, staff ? 1 : 0).bind(4, after_id).bind(5, limit);
  return all_rows(s);
}

std::vector<PostRow> list_blog_posts(Connection& c, std::int64_t network_id, std::int64_t viewer_id, bool staff,
                                     std::optional<std::int64_t> before_id, int limit) {
  Statement& s = c.prepare(
      POST_SELECT
      "WHERE p.kind = 'blog_post' AND p.network_id = ?1 AND p.id < ?4"
      " AND (p.state = 'published' OR ?3 = 1 OR (p.author_id = ?2 AND p.state <> 'deleted'))"
      " ORDER BY p.id DESC LIMIT ?5");
  s.bind(1, network_id).bind(2, viewer_id).bind(3, staff ? 1 : 0).bind(4, before_id.value_or(INT64_MAX)).bind(5, limit);
  return all_rows(s);
}

std::vector<PostRow> list_wall_messages(Connection& c, std::int64_t network_id, std::int64_t viewer_id, bool staff,
                                       std::optional<std::int64_t> before_id, int limit) {
  Statement& s = c.prepare(
      POST_SELECT
      "WHERE p.kind = 'wall_message' AND p.network_id = ?1 AND p.id < ?4"
      " AND (p.state = 'published' OR (p.state = 'held' AND (?3 = 1 OR p.author_id = ?2)))"
      " ORDER BY p.id DESC LIMIT ?5");
  s.bind(1, network_id).bind(2, viewer_id).bind(3, staff ? 1 : 0).bind(4, before_id.value_or(INT64_MAX)).bind(5, limit);
  return all_rows(s);
}

std::vector<PostRow> list_wall_replies(Connection& c, std::int64_t parent_id, std::int64_t viewer_id, bool staff, int limit) {
  Statement& s = c.prepare(
      POST_SELECT
      "WHERE p.parent_id = ?1 AND p.kind = 'wall_reply'"
      " AND (p.state = 'published' OR (p.state = 'held' AND (?3 = 1 OR p.author_id = ?2)))"
      " ORDER BY p.id LIMIT ?4");
  s.bind(1, parent_id).bind(2, viewer_id).bind(3, staff ? 1 : 0).bind(4, limit);
  return all_rows(s);
}

std::vector<PostRow> list_posts_by_author(Connection& c, std::int64_t author_id, std::optional<std::int64_t> before_id,
                                          int limit) {
  // Only networks the author still holds an active key to.
  Statement& s = c.prepare(
      POST_SELECT
      "WHERE p.author_id = ?1 AND p.id < ?2 AND p.state <> 'deleted'"
      " AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = ?1 AND m.network_id = p.network_id AND m.status = 'active')"
      " ORDER BY p.id DESC LIMIT ?3");
  s.bind(1, author_id).bind(2, before_id.value_or(INT64_MAX)).bind(3, limit);
  return all_rows(s);
}

std::vector<RevisionRow> list_revisions(Connection& c, std::int64_t post_id) {
  Statement& s = c.prepare(
      "SELECT r.id, r.title, r.body, r.content_notes, r.replaced_at, r.replaced_by, coalesce(u.pseudonym, '')"
      " FROM post_revisions r LEFT JOIN users u ON u.id = r.replaced_by WHERE r.post_id = ?1 ORDER BY r.id DESC");
  s.bind(1, post_id);
  std::vector<RevisionRow> rows;
  while (s.step()) {
    rows.push_back({s.column_int64(0), s.column_optional_text(1), s.column_text(2), s.column_text(3), s.column_text(4),
                    s.column_optional_int64(5), s.column_text(6)});
  }
  return rows;
}

bool add_reaction(Connection& c, std::int64_t post_id, std::int64_t user_id, std::string_view kind, std::string_view now) {
  c.prepare("INSERT OR IGNORE INTO reactions (post_id, user_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, post_id).bind(2, user_id).bind(3, kind).bind(4, now).run();
  const bool added = c.changes() == 1;
  if (added) record_wall_reactions(c, post_id, now);
  return added;
}

bool remove_reaction(Connection& c, std::int64_t post_id, std::int64_t user_id, std::string_view kind,
                     std::string_view now) {
  c.prepare("DELETE FROM reactions WHERE post_id = ?1 AND user_id = ?2 AND kind = ?3")
      .bind(1, post_id).bind(2, user_id).bind(3, kind).run();
  const bool removed = c.changes() == 1;
  if (removed) record_wall_reactions(c, post_id, now);
  return removed;
}

std::map<std::int64_t, std::map<std::string, std::int64_t>> reaction_counts(Connection& c,
                                                                            const std::vector<std::int64_t>& post_ids) {
  std::map<std::int64_t, std::map<std::string, std::int64_t>> out;
  // One cached statement per post: a page holds at most 50, each an index range.
  for (const auto id : post_ids) {
    Statement& s = c.prepare("SELECT kind, count(*) FROM reactions WHERE post_id = ?1 GROUP BY kind");
    s.bind(1, id);
    auto& counts = out[id];
    while (s.step()) counts[s.column_text(0)] = s.column_int64(1);
  }
  return out;
}

std::map<std::int64_t, std::vector<std::string>> reactions_by(Connection& c, std::int64_t user_id,
                                                              const std::vector<std::int64_t>& post_ids) {
  std::map<std::int64_t, std::vector<std::string>> out;
  for (const auto id : post_ids) {
    Statement& s = c.prepare("SELECT kind FROM reactions WHERE post_id = ?1 AND user_id = ?2 ORDER BY kind");
    s.bind(1, id).bind(2, user_id);
    while (s.step()) out[id].push_back(s.column_text(0));
  }
  return out;
}

std::vector<ReactorRow> list_reactors(Connection& c, std::int64_t post_id) {
  Statement& s = c.prepare(
      "SELECT r.kind, r.user_id, u.pseudonym FROM reactions r JOIN users u ON u.id = r.user_id"
      " WHERE r.post_id = ?1 AND u.status = 'active' ORDER BY r.kind, r.created_at");
  s.bind(1, post_id);
  std::vector<ReactorRow> rows;
  while (s.step()) rows.push_back({s.column_text(0), s.column_int64(1), s.column_text(2)});
  return rows;
}

void mark_topic_read(Connection& c, std::int64_t user_id, std::int64_t topic_id, std::int64_t last_read_id,
                     std::string_view now) {
  c.prepare("INSERT INTO topic_reads (user_id, topic_id, last_read_id, read_at) VALUES (?1, ?2, ?3, ?4)"
            " ON CONFLICT (user_id, topic_id) DO UPDATE SET last_read_id = max(last_read_id, excluded.last_read_id),"
            " read_at = excluded.read_at")
      .bind(1, user_id).bind(2, topic_id).bind(3, last_read_id).bind(4, now).run();
}

std::map<std::int64_t, std::int64_t> read_markers(Connection& c, std::int64_t user_id,
                                                  const std::vector<std::int64_t>& topic_ids) {
  std::map<std::int64_t, std::int64_t> out;
  for (const auto id : topic_ids) {
    Statement& s = c.prepare("SELECT last_read_id FROM topic_reads WHERE user_id = ?1 AND topic_id = ?2");
    s.bind(1, user_id).bind(2, id);
    if (s.step()) out[id] = s.column_int64(0);
    s.reset();
  }
  return out;
}

}  // namespace harbour::store
