#include "store/moderation_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

// The columns read_item() expects; adjacent literals, so every statement is still one literal.
#define MODERATION_ITEM_SELECT                                                                              \
  "SELECT m.id, m.network_id, n.slug, m.post_id, m.reasons, m.matched, m.state, m.created_at, m.decided_by," \
  " m.decided_at, m.decision_reason"                                                                        \
  " FROM moderation_items m JOIN networks n ON n.id = m.network_id"

#define WATCHED_WORD_SELECT "SELECT id, network_id, phrase, action, created_at FROM watched_words"

namespace {

ModerationItemRow read_item(Statement& s) {
  ModerationItemRow r;
  r.id = s.column_int64(0);
  r.network_id = s.column_int64(1);
  r.network_slug = s.column_text(2);
  r.post_id = s.column_int64(3);
  r.reasons = s.column_text(4);
  r.matched = s.column_optional_text(5);
  r.state = s.column_text(6);
  r.created_at = s.column_text(7);
  if (!s.column_is_null(8)) r.decided_by = s.column_int64(8);
  r.decided_at = s.column_optional_text(9);
  r.decision_reason = s.column_optional_text(10);
  return r;
}

WatchedWordRow read_word(Statement& s) {
  return {s.column_int64(0), s.column_int64(1), s.column_text(2), s.column_text(3), s.column_text(4)};
}

}  // namespace

std::int64_t insert_moderation_item(Connection& c, std::int64_t network_id, std::int64_t post_id,
                                    std::string_view reasons, const std::optional<std::string>& matched,
                                    std::string_view now) {
  withdraw_moderation_items(c, post_id, now);
  c.prepare(
       "INSERT INTO moderation_items (network_id, post_id, reasons, matched, state, created_at)"
       " VALUES (?1, ?2, ?3, ?4, 'open', ?5)")
      .bind(1, network_id)
      .bind(2, post_id)
      .bind(3, reasons)
      .bind(4, matched)
      .bind(5, now)
      .run();
  return c.last_insert_rowid();
}

void withdraw_moderation_items(Connection& c, std::int64_t post_id, std::string_view now) {
  c.prepare("UPDATE moderation_items SET state = 'withdrawn', decided_at = ?2 WHERE post_id = ?1 AND state = 'open'")
      .bind(1, post_id)
      .bind(2, now)
      .run();
}

std::optional<ModerationItemRow> find_moderation_item(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(MODERATION_ITEM_SELECT " WHERE m.id = ?1");
  s.bind(1, id);
  std::optional<ModerationItemRow> row;
  if (s.step()) row = read_item(s);
  s.reset();
  return row;
}

std::vector<ModerationItemRow> list_moderation_items(Connection& c, std::int64_t network_id, std::string_view state,
                                                     std::int64_t before_id, int limit) {
  Statement& s = c.prepare(MODERATION_ITEM_SELECT
                           " WHERE m.network_id = ?1 AND m.state = ?2 AND m.id < ?3 ORDER BY m.id DESC LIMIT ?4");
  s.bind(1, network_id).bind(2, state).bind(3, before_id).bind(4, limit);
  std::vector<ModerationItemRow> rows;
  while (s.step()) rows.push_back(read_item(s));
  return rows;
}

bool decide_moderation_item(Connection& c, std::int64_t id, std::string_view state, std::int64_t decided_by,
                            const std::optional<std::string>& reason, std::string_view now) {
  c.prepare(
       "UPDATE moderation_items SET state = ?2, decided_by = ?3, decided_at = ?4, decision_reason = ?5"
       " WHERE id = ?1 AND state = 'open'")
      .bind(1, id)
      .bind(2, state)
      .bind(3, decided_by)
      .bind(4, now)
      .bind(5, reason)
      .run();
  return c.changes() == 1;
}

std::optional<ModerationPolicyRow> find_moderation_policy(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare("SELECT mode, first_posts FROM moderation_policies WHERE network_id = ?1");
  s.bind(1, network_id);
  std::optional<ModerationPolicyRow> row;
  if (s.step()) row = ModerationPolicyRow{s.column_text(0), s.column_int64(1)};
  s.reset();
  return row;
}

void upsert_moderation_policy(Connection& c, std::int64_t network_id, std::string_view mode, std::int64_t first_posts,
                              std::string_view now) {
  c.prepare(
       "INSERT INTO moderation_policies (network_id, mode, first_posts, updated_at) VALUES (?1, ?2, ?3, ?4)"
       " ON CONFLICT (network_id) DO UPDATE SET mode = excluded.mode, first_posts = excluded.first_posts,"
       " updated_at = excluded.updated_at")
      .bind(1, network_id)
      .bind(2, mode)
      .bind(3, first_posts)
      .bind(4, now)
      .run();
}

std::vector<WatchedWordRow> list_watched_words(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare(WATCHED_WORD_SELECT " WHERE network_id = ?1 ORDER BY id");
  s.bind(1, network_id);
  std::vector<WatchedWordRow> rows;
  while (s.step()) rows.push_back(read_word(s));
  return rows;
}

std::optional<WatchedWordRow> find_watched_word(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(WATCHED_WORD_SELECT " WHERE id = ?1");
  s.bind(1, id);
  std::optional<WatchedWordRow> row;
  if (s.step()) row = read_word(s);
  s.reset();
  return row;
}

std::optional<std::int64_t> insert_watched_word(Connection& c, std::int64_t network_id, std::string_view phrase,
                                                std::string_view action, std::int64_t created_by, std::string_view now) {
  c.prepare(
       "INSERT INTO watched_words (network_id, phrase, action, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
       " ON CONFLICT (network_id, phrase) DO NOTHING")
      .bind(1, network_id)
      .bind(2, phrase)
      .bind(3, action)
      .bind(4, created_by)
      .bind(5, now)
      .run();
  if (c.changes() != 1) return std::nullopt;
  return c.last_insert_rowid();
}

bool delete_watched_word(Connection& c, std::int64_t id) {
  c.prepare("DELETE FROM watched_words WHERE id = ?1").bind(1, id).run();
  return c.changes() == 1;
}

}  // namespace harbour::store
