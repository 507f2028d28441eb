#include "store/reading_repo.hpp"

#include "store/connection.hpp"

#include <algorithm>

namespace harbour::store {

std::optional<std::vector<std::string>> collapsed_notes(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare("SELECT collapsed_notes FROM reading_settings WHERE user_id = ?1");
  s.bind(1, user_id);
  if (!s.step()) return std::nullopt;
  const auto stored = s.column_text(0);
  s.reset();
  std::vector<std::string> keys;
  std::size_t pos = 0;
  while (pos < stored.size()) {
    const auto start = stored.find_first_not_of(' ', pos);
    if (start == std::string::npos) break;
    const auto end = std::min(stored.find(' ', start), stored.size());
    keys.push_back(stored.substr(start, end - start));
    pos = end;
  }
  return keys;
}

void set_collapsed_notes(Connection& c, std::int64_t user_id, std::string_view stored, std::string_view now) {
  c.prepare(
       "INSERT INTO reading_settings (user_id, collapsed_notes, updated_at) VALUES (?1, ?2, ?3)"
       " ON CONFLICT (user_id) DO UPDATE SET collapsed_notes = excluded.collapsed_notes, updated_at = excluded.updated_at")
      .bind(1, user_id).bind(2, stored).bind(3, now).run();
}

void delete_draft(Connection& c, std::int64_t user_id, std::string_view draft_key) {
  c.prepare("DELETE FROM drafts WHERE user_id = ?1 AND draft_key = ?2").bind(1, user_id).bind(2, draft_key).run();
}

std::vector<DraftRow> list_drafts(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare(
      "SELECT d.draft_key, d.network_id, n.slug, d.title, d.content_notes, d.updated_at"
      " FROM drafts d JOIN networks n ON n.id = d.network_id"
      " WHERE d.user_id = ?1 ORDER BY d.updated_at DESC, d.draft_key");
  s.bind(1, user_id);
  std::vector<DraftRow> rows;
  while (s.step()) {
    DraftRow r;
    r.key = s.column_text(0);
    r.network_id = s.column_int64(1);
    r.network_slug = s.column_text(2);
    r.title = s.column_text(3);
    r.content_notes = s.column_text(4);
    r.updated_at = s.column_text(5);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::optional<DraftRow> find_draft(Connection& c, std::int64_t user_id, std::string_view draft_key) {
  Statement& s = c.prepare(
      "SELECT d.draft_key, d.network_id, n.slug, d.title, d.body, d.content_notes, d.updated_at"
      " FROM drafts d JOIN networks n ON n.id = d.network_id WHERE d.user_id = ?1 AND d.draft_key = ?2");
  s.bind(1, user_id).bind(2, draft_key);
  if (!s.step()) return std::nullopt;
  DraftRow r;
  r.key = s.column_text(0);
  r.network_id = s.column_int64(1);
  r.network_slug = s.column_text(2);
  r.title = s.column_text(3);
  r.body = s.column_text(4);
  r.content_notes = s.column_text(5);
  r.updated_at = s.column_text(6);
  s.reset();
  return r;
}

std::int64_t count_drafts(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare("SELECT count(*) FROM drafts WHERE user_id = ?1");
  s.bind(1, user_id);
  const std::int64_t n = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return n;
}

void upsert_draft(Connection& c, std::int64_t user_id, const DraftRow& d, std::string_view now) {
  c.prepare(
       "INSERT INTO drafts (user_id, draft_key, network_id, title, body, content_notes, updated_at)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
       " ON CONFLICT (user_id, draft_key) DO UPDATE SET network_id = excluded.network_id, title = excluded.title,"
       " body = excluded.body, content_notes = excluded.content_notes, updated_at = excluded.updated_at")
      .bind(1, user_id).bind(2, d.key).bind(3, d.network_id).bind(4, d.title).bind(5, d.body).bind(6, d.content_notes)
      .bind(7, now).run();
}

}  // namespace harbour::store
