#include "store/moderation_repo.hpp"

#include "store/connection.hpp"

#include <algorithm>
#include <cstdint>

namespace harbour::store {

// The columns read_item() expects; adjacent literals, so every statement is still one literal.
#define MODERATION_ITEM_SELECT                                                                              \
  "SELECT m.id, m.network_id, n.slug, m.post_id, m.reasons, m.matched, m.state, m.created_at, m.decided_by," \
  " m.decided_at, m.decision_reason, m.priority, m.claimed_by, u.pseudonym, m.claim_expires_at,"            \
  " m.first_review_by, f.pseudonym, m.first_review_at"                                                       \
  " FROM moderation_items m JOIN networks n ON n.id = m.network_id LEFT JOIN users u ON u.id = m.claimed_by" \
  " LEFT JOIN users f ON f.id = m.first_review_by"

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
  r.priority = s.column_int64(11);
  r.claimed_by = s.column_optional_int64(12);
  r.claimed_by_pseudonym = s.column_text(13);
  r.claim_expires_at = s.column_optional_text(14);
  r.first_review_by = s.column_optional_int64(15);
  r.first_review_by_pseudonym = s.column_text(16);
  r.first_review_at = s.column_optional_text(17);
  return r;
}

WatchedWordRow read_word(Statement& s) {
  return {s.column_int64(0), s.column_int64(1), s.column_text(2), s.column_text(3), s.column_text(4)};
}

}  // namespace

std::int64_t insert_moderation_item(Connection& c, std::int64_t network_id, std::int64_t post_id,
                                    std::string_view reasons, const std::optional<std::string>& matched,
                                    std::string_view now, std::int64_t priority) {
  withdraw_moderation_items(c, post_id, now);
  c.prepare(
       "INSERT INTO moderation_items (network_id, post_id, reasons, matched, state, created_at, priority)"
       " VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6)")
      .bind(1, network_id)
      .bind(2, post_id)
      .bind(3, reasons)
      .bind(4, matched)
      .bind(5, now)
      .bind(6, priority)
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
                                                     std::optional<std::int64_t> before_id, int limit) {
  std::vector<ModerationItemRow> rows;
  if (state == "open") {
    // ?3 NULL: the first page. An unknown cursor item gives an empty page (its priority is NULL).
    Statement& s = c.prepare(MODERATION_ITEM_SELECT
                             " WHERE m.network_id = ?1 AND m.state = ?2 AND (?3 IS NULL"
                             " OR m.priority < (SELECT priority FROM moderation_items WHERE id = ?3)"
                             " OR (m.priority = (SELECT priority FROM moderation_items WHERE id = ?3) AND m.id < ?3))"
                             " ORDER BY m.priority DESC, m.id DESC LIMIT ?4");
    s.bind(1, network_id).bind(2, state).bind(4, limit);
    if (before_id) s.bind(3, *before_id);
    else s.bind(3, nullptr);
    while (s.step()) rows.push_back(read_item(s));
    return rows;
  }
  Statement& s = c.prepare(MODERATION_ITEM_SELECT
                           " WHERE m.network_id = ?1 AND m.state = ?2 AND m.id < ?3 ORDER BY m.id DESC LIMIT ?4");
  s.bind(1, network_id).bind(2, state).bind(3, before_id.value_or(INT64_MAX)).bind(4, limit);
  while (s.step()) rows.push_back(read_item(s));
  return rows;
}

std::optional<ModerationItemRow> find_open_item_for_post(Connection& c, std::int64_t post_id) {
  Statement& s = c.prepare(MODERATION_ITEM_SELECT " WHERE m.post_id = ?1 AND m.state = 'open' ORDER BY m.id DESC LIMIT 1");
  s.bind(1, post_id);
  std::optional<ModerationItemRow> row;
  if (s.step()) row = read_item(s);
  s.reset();
  return row;
}

void add_item_reason(Connection& c, std::int64_t item_id, std::string_view reason, std::int64_t priority) {
  const auto item = find_moderation_item(c, item_id);
  if (!item) return;
  std::string reasons = item->reasons;
  bool present = false;
  std::size_t pos = 0;
  while (pos <= reasons.size()) {
    const auto end = std::min(reasons.find(' ', pos), reasons.size());
    if (std::string_view(reasons).substr(pos, end - pos) == reason) present = true;
    pos = end + 1;
  }
  if (!present) {
    if (!reasons.empty()) reasons.push_back(' ');
    reasons += reason;
  }
  c.prepare("UPDATE moderation_items SET reasons = ?2, priority = max(priority, ?3) WHERE id = ?1")
      .bind(1, item_id)
      .bind(2, reasons)
      .bind(3, priority)
      .run();
}

bool claim_moderation_item(Connection& c, std::int64_t id, std::int64_t user_id, std::string_view expires_at,
                           std::string_view now) {
  c.prepare(
       "UPDATE moderation_items SET claimed_by = ?2, claim_expires_at = ?3"
       " WHERE id = ?1 AND state = 'open'"
       " AND (claimed_by IS NULL OR claimed_by = ?2 OR claim_expires_at IS NULL OR claim_expires_at <= ?4)")
      .bind(1, id)
      .bind(2, user_id)
      .bind(3, expires_at)
      .bind(4, now)
      .run();
  return c.changes() == 1;
}

bool release_moderation_item(Connection& c, std::int64_t id, std::int64_t user_id) {
  c.prepare("UPDATE moderation_items SET claimed_by = NULL, claim_expires_at = NULL WHERE id = ?1 AND claimed_by = ?2")
      .bind(1, id)
      .bind(2, user_id)
      .run();
  return c.changes() == 1;
}

bool has_open_case_for_post(Connection& c, std::int64_t post_id) {
  Statement& s = c.prepare("SELECT 1 FROM safeguarding_cases WHERE post_id = ?1 AND state <> 'closed' LIMIT 1");
  s.bind(1, post_id);
  const bool open = s.step();
  s.reset();
  return open;
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

void set_first_review(Connection& c, std::int64_t item_id, std::int64_t reviewer_id, std::string_view now) {
  c.prepare("UPDATE moderation_items SET first_review_by = ?2, first_review_at = ?3 WHERE id = ?1")
      .bind(1, item_id).bind(2, reviewer_id).bind(3, now).run();
}

}  // namespace harbour::store
