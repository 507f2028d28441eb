#pragma once
// The Wall's event log (table wall_events): every change to a Wall message, in commit order, so a
// client that was away resumes with exactly what it missed. post_repo records an event in the
// same transaction as each change to a wall_message or wall_reply (insert, state change, edit,
// reaction), so no path that changes the Wall can forget its event.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;
struct PostRow;

bool is_wall_kind(std::string_view post_kind) noexcept;

// kind: message | removed | reactions. audience: all | held (staff and the author only).
void record_wall_event(Connection& c, const PostRow& post, std::string_view kind, std::string_view audience,
                       std::string_view now);

struct WallEventRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string kind;
  std::int64_t post_id = 0;
  std::string audience;
  std::int64_t author_id = 0;
};

// Events after `after_id`, oldest first, at most `limit`: of one network, or of all (nullopt).
std::vector<WallEventRow> wall_events_after(Connection& c, std::optional<std::int64_t> network_id, std::int64_t after_id,
                                            int limit);
// The newest event id of the whole server (0 when there is none).
std::int64_t last_wall_event_id(Connection& c);

}  // namespace harbour::store
