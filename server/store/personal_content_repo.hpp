#pragma once
// One person's content-related data, for their export (subject access) and their erasure: what
// they wrote (with its edit history), their reactions, drafts, notifications, mutes, reading
// settings and read markers.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string_view>

namespace harbour::store {

class Connection;

// JSON arrays/objects of everything listed above, with network slugs instead of ids.
nlohmann::json export_posts(Connection& c, std::int64_t user_id);
nlohmann::json export_personal_content(Connection& c, std::int64_t user_id);

// Erasure, "remove": every post of theirs becomes deleted with its text gone (title "Removed"),
// its history deleted, out of search and the queue; parents recounted. Returns how many posts.
std::int64_t remove_posts_of(Connection& c, std::int64_t user_id, std::string_view now);
// Both choices: drafts, reactions given, notifications (to them and caused by them), mutes either
// way, reading settings and read markers go. Returns {table: rows} counts.
nlohmann::json erase_personal_content(Connection& c, std::int64_t user_id);

}  // namespace harbour::store
