#pragma once
// In-app notifications and mutes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct NewNotification {
  std::int64_t user_id = 0;      // who is told
  std::int64_t network_id = 0;
  std::string kind;              // reply | comment | mention | approved | rejected | hidden
  std::int64_t post_id = 0;
  std::optional<std::int64_t> actor_id;  // who caused it (nullopt for moderation decisions)
};

// Inserts the notification unless it should not exist: the recipient is the actor, the
// recipient's account is not active, or the recipient has muted the actor (mutes never apply to
// moderation decisions, which have no actor). Returns the new id, or nullopt when skipped.
std::optional<std::int64_t> insert_notification(Connection& c, const NewNotification& n, std::string_view now);

// The members this user has muted (for collapsing their posts when rendering).
std::vector<std::int64_t> muted_user_ids(Connection& c, std::int64_t user_id);

}  // namespace harbour::store
