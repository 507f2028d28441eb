#pragma once
// Sign-in sessions, stored by token hash only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct SessionRow {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
  std::int64_t idle_timeout_s = 0;
  std::string absolute_expires_at;
  std::optional<std::string> second_factor_at;
  std::optional<std::string> ended_at;
};

std::int64_t insert_session(Connection& c, std::string_view token_hash, std::int64_t user_id, std::string_view csrf_token,
                            std::string_view now, std::int64_t idle_timeout_s, std::string_view absolute_expires_at);
std::optional<SessionRow> find_session_by_hash(Connection& c, std::string_view token_hash);
void touch_session(Connection& c, std::int64_t session_id, std::string_view now);
void set_session_second_factor(Connection& c, std::int64_t session_id, std::string_view now);
void end_session(Connection& c, std::int64_t session_id, std::string_view now, std::string_view reason);
// Ends every open session of the user; returns the ids that were open (their sockets close).
std::vector<std::int64_t> end_user_sessions(Connection& c, std::int64_t user_id, std::string_view now,
                                            std::string_view reason);

}  // namespace harbour::store
