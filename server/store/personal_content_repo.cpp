#include "store/personal_content_repo.hpp"

#include "store/connection.hpp"
#include "store/post_repo.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <vector>

namespace harbour::store {
namespace {

using nlohmann::json;

json text_or_null(Statement& s, int column) {
  const auto v = s.column_optional_text(column);
  return v ? json(*v) : json();
}

}  // namespace

json export_posts(Connection& c, std::int64_t user_id) {
  json posts = json::array();
  Statement& s = c.prepare(
      "SELECT p.id, n.slug, p.kind, p.title, p.body, p.content_notes, p.state, p.state_reason, p.created_at,"
      " p.published_at, p.edited_at, p.parent_id FROM posts p JOIN networks n ON n.id = p.network_id"
      " WHERE p.author_id = ?1 ORDER BY p.id");
  s.bind(1, user_id);
  while (s.step()) {
    posts.push_back({{"id", s.column_int64(0)},
                     {"network", s.column_text(1)},
                     {"kind", s.column_text(2)},
                     {"title", text_or_null(s, 3)},
                     {"body", s.column_text(4)},
                     {"content_notes", s.column_text(5)},
                     {"state", s.column_text(6)},
                     {"state_reason", text_or_null(s, 7)},
                     {"created_at", s.column_text(8)},
                     {"published_at", text_or_null(s, 9)},
                     {"edited_at", text_or_null(s, 10)},
                     {"parent_id", s.column_is_null(11) ? json() : json(s.column_int64(11))},
                     {"earlier_versions", json::array()}});
  }
  for (auto& post : posts) {
    Statement& r = c.prepare("SELECT title, body, replaced_at FROM post_revisions WHERE post_id = ?1 ORDER BY id");
    r.bind(1, post["id"].get<std::int64_t>());
    while (r.step()) post["earlier_versions"].push_back({{"title", text_or_null(r, 0)}, {"body", r.column_text(1)}, {"replaced_at", r.column_text(2)}});
  }
  return posts;
}

json export_personal_content(Connection& c, std::int64_t user_id) {
  json out = json::object();
  {
    json rows = json::array();
    Statement& s = c.prepare("SELECT post_id, kind, created_at FROM reactions WHERE user_id = ?1 ORDER BY created_at");
    s.bind(1, user_id);
    while (s.step()) rows.push_back({{"post_id", s.column_int64(0)}, {"kind", s.column_text(1)}, {"at", s.column_text(2)}});
    out["reactions_given"] = std::move(rows);
  }
  {
    json rows = json::array();
    Statement& s = c.prepare(
        "SELECT d.draft_key, n.slug, d.title, d.body, d.content_notes, d.updated_at FROM drafts d"
        " JOIN networks n ON n.id = d.network_id WHERE d.user_id = ?1 ORDER BY d.updated_at");
    s.bind(1, user_id);
    while (s.step()) {
      rows.push_back({{"key", s.column_text(0)}, {"network", s.column_text(1)}, {"title", s.column_text(2)}, {"body", s.column_text(3)},
                      {"content_notes", s.column_text(4)}, {"updated_at", s.column_text(5)}});
    }
    out["drafts"] = std::move(rows);
  }
  {
    json rows = json::array();
    Statement& s = c.prepare(
        "SELECT x.id, n.slug, x.kind, x.post_id, x.created_at, x.read_at FROM notifications x"
        " JOIN networks n ON n.id = x.network_id WHERE x.user_id = ?1 ORDER BY x.id");
    s.bind(1, user_id);
    while (s.step()) {
      rows.push_back({{"id", s.column_int64(0)}, {"network", s.column_text(1)}, {"kind", s.column_text(2)},
                      {"post_id", s.column_int64(3)}, {"created_at", s.column_text(4)}, {"read_at", text_or_null(s, 5)}});
    }
    out["notifications"] = std::move(rows);
  }
  {
    json rows = json::array();
    Statement& s = c.prepare(
        "SELECT u.pseudonym, m.created_at FROM mutes m JOIN users u ON u.id = m.muted_user_id WHERE m.user_id = ?1 ORDER BY m.created_at");
    s.bind(1, user_id);
    while (s.step()) rows.push_back({{"pseudonym", s.column_text(0)}, {"since", s.column_text(1)}});
    out["muted_members"] = std::move(rows);
  }
  {
    Statement& s = c.prepare("SELECT collapsed_notes, updated_at FROM reading_settings WHERE user_id = ?1");
    s.bind(1, user_id);
    out["reading_settings"] = s.step() ? json{{"collapsed_notes", s.column_text(0)}, {"updated_at", s.column_text(1)}} : json();
    s.reset();
  }
  {
    json rows = json::array();
    Statement& s = c.prepare("SELECT topic_id, last_read_id, read_at FROM topic_reads WHERE user_id = ?1 ORDER BY topic_id");
    s.bind(1, user_id);
    while (s.step()) rows.push_back({{"topic_id", s.column_int64(0)}, {"last_read_id", s.column_int64(1)}, {"read_at", s.column_text(2)}});
    out["read_markers"] = std::move(rows);
  }
  return out;
}

std::int64_t remove_posts_of(Connection& c, std::int64_t user_id, std::string_view now) {
  std::vector<std::int64_t> ids;
  std::set<std::int64_t> parents;
  {
    Statement& s = c.prepare("SELECT id, parent_id FROM posts WHERE author_id = ?1");
    s.bind(1, user_id);
    while (s.step()) {
      ids.push_back(s.column_int64(0));
      if (!s.column_is_null(1)) parents.insert(s.column_int64(1));
    }
  }
  for (const auto id : ids) {
    // set_post_state keeps the index and the parent's counters true; then the text itself goes.
    set_post_state(c, id, "deleted", std::nullopt, now);
    c.prepare("UPDATE posts SET body = '', content_notes = '', title = CASE WHEN title IS NULL THEN NULL ELSE 'Removed' END"
              " WHERE id = ?1")
        .bind(1, id).run();
    c.prepare("DELETE FROM post_revisions WHERE post_id = ?1").bind(1, id).run();
    c.prepare("UPDATE moderation_items SET state = 'withdrawn', decided_at = ?2 WHERE post_id = ?1 AND state = 'open'")
        .bind(1, id).bind(2, now).run();
  }
  return static_cast<std::int64_t>(ids.size());
}

json erase_personal_content(Connection& c, std::int64_t user_id) {
  json counts = json::object();
  auto run = [&](const char* name, Sql sql) {
    c.prepare(sql).bind(1, user_id).run();
    counts[name] = c.changes();
  };
  run("drafts", "DELETE FROM drafts WHERE user_id = ?1");
  run("reactions", "DELETE FROM reactions WHERE user_id = ?1");
  run("notifications", "DELETE FROM notifications WHERE user_id = ?1 OR actor_id = ?1");
  run("mutes", "DELETE FROM mutes WHERE user_id = ?1 OR muted_user_id = ?1");
  run("reading_settings", "DELETE FROM reading_settings WHERE user_id = ?1");
  run("read_markers", "DELETE FROM topic_reads WHERE user_id = ?1");
  return counts;
}

}  // namespace harbour::store
