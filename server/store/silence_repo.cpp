#include "store/silence_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

std::optional<std::string> active_silence_until(Connection& c, std::int64_t network_id, std::int64_t user_id,
                                                std::string_view now) {
  Statement& s = c.prepare("SELECT until FROM silences WHERE network_id = ?1 AND user_id = ?2 AND until > ?3");
  s.bind(1, network_id).bind(2, user_id).bind(3, now);
  std::optional<std::string> until;
  if (s.step()) until = s.column_text(0);
  s.reset();
  return until;
}

void upsert_silence(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view until,
                    std::string_view reason, std::int64_t created_by, std::string_view now) {
  c.prepare(
       "INSERT INTO silences (network_id, user_id, until, reason, created_by, created_at)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (network_id, user_id) DO UPDATE SET until = excluded.until,"
       " reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at")
      .bind(1, network_id)
      .bind(2, user_id)
      .bind(3, until)
      .bind(4, reason)
      .bind(5, created_by)
      .bind(6, now)
      .run();
}

bool delete_silence(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view now) {
  const bool active = active_silence_until(c, network_id, user_id, now).has_value();
  c.prepare("DELETE FROM silences WHERE network_id = ?1 AND user_id = ?2").bind(1, network_id).bind(2, user_id).run();
  return active;
}

}  // namespace harbour::store
