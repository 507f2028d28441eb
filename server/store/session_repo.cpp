#include "store/session_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

std::int64_t insert_session(Connection& c, std::string_view token_hash, std::int64_t user_id, std::string_view csrf_token,
                            std::string_view now, std::int64_t idle_timeout_s, std::string_view absolute_expires_at) {
  c.prepare("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, idle_timeout_s,"
            " absolute_expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)")
      .bind(1, token_hash).bind(2, user_id).bind(3, csrf_token).bind(4, now).bind(5, idle_timeout_s)
      .bind(6, absolute_expires_at).run();
  return c.last_insert_rowid();
}

std::optional<SessionRow> find_session_by_hash(Connection& c, std::string_view token_hash) {
  Statement& s = c.prepare(
      "SELECT id, user_id, csrf_token, created_at, last_seen_at, idle_timeout_s, absolute_expires_at,"
      " second_factor_at, ended_at FROM sessions WHERE token_hash = ?1");
  s.bind(1, token_hash);
  std::optional<SessionRow> row;
  if (s.step()) {
    SessionRow r;
    r.id = s.column_int64(0);
    r.user_id = s.column_int64(1);
    r.csrf_token = s.column_text(2);
    r.created_at = s.column_text(3);
    r.last_seen_at = s.column_text(4);
    r.idle_timeout_s = s.column_int64(5);
    r.absolute_expires_at = s.column_text(6);
    if (!s.column_is_null(7)) r.second_factor_at = s.column_text(7);
    if (!s.column_is_null(8)) r.ended_at = s.column_text(8);
    row = std::move(r);
  }
  s.reset();
  return row;
}

void touch_session(Connection& c, std::int64_t session_id, std::string_view now) {
  c.prepare("UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 AND ended_at IS NULL").bind(1, session_id).bind(2, now).run();
}

void set_session_second_factor(Connection& c, std::int64_t session_id, std::string_view now) {
  c.prepare("UPDATE sessions SET second_factor_at = ?2 WHERE id = ?1").bind(1, session_id).bind(2, now).run();
}

void end_session(Connection& c, std::int64_t session_id, std::string_view now, std::string_view reason) {
  c.prepare("UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL")
      .bind(1, session_id).bind(2, now).bind(3, reason).run();
}

std::vector<std::int64_t> end_user_sessions(Connection& c, std::int64_t user_id, std::string_view now,
                                            std::string_view reason) {
  std::vector<std::int64_t> ids;
  Statement& s = c.prepare("SELECT id FROM sessions WHERE user_id = ?1 AND ended_at IS NULL");
  s.bind(1, user_id);
  while (s.step()) ids.push_back(s.column_int64(0));
  s.reset();
  c.prepare("UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE user_id = ?1 AND ended_at IS NULL")
      .bind(1, user_id).bind(2, now).bind(3, reason).run();
  return ids;
}

}  // namespace harbour::store
