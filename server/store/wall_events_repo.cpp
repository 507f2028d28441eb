#include "store/wall_events_repo.hpp"

#include "store/connection.hpp"
#include "store/post_repo.hpp"

namespace harbour::store {

bool is_wall_kind(std::string_view post_kind) noexcept { return post_kind == "wall_message" || post_kind == "wall_reply"; }

void record_wall_event(Connection& c, const PostRow& post, std::string_view kind, std::string_view audience,
                       std::string_view now) {
  c.prepare("INSERT INTO wall_events (network_id, kind, post_id, audience, author_id, created_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, post.network_id).bind(2, kind).bind(3, post.id).bind(4, audience).bind(5, post.author_id).bind(6, now)
      .run();
}

std::vector<WallEventRow> wall_events_after(Connection& c, std::optional<std::int64_t> network_id, std::int64_t after_id,
                                            int limit) {
  Statement& s = c.prepare(
      "SELECT id, network_id, kind, post_id, audience, author_id FROM wall_events"
      " WHERE id > ?2 AND (?1 IS NULL OR network_id = ?1) ORDER BY id LIMIT ?3");
  if (network_id) s.bind(1, *network_id); else s.bind(1, nullptr);
  s.bind(2, after_id).bind(3, limit);
  std::vector<WallEventRow> rows;
  while (s.step()) {
    rows.push_back({s.column_int64(0), s.column_int64(1), s.column_text(2), s.column_int64(3), s.column_text(4),
                    s.column_int64(5)});
  }
  return rows;
}

std::int64_t last_wall_event_id(Connection& c) {
  // sqlite_sequence holds the largest id ever given out (AUTOINCREMENT), pruned rows included.
  Statement& s = c.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'wall_events'), 0)");
  const auto id = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return id;
}

}  // namespace harbour::store
