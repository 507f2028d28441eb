#pragma once
// The safety columns of a network's moderation policy (schema/migrations/0004_safety.sql).
#include <cstdint>
#include <string>

namespace harbour::store {

class Connection;

struct SafetyPolicyRow {
  std::string out_of_hours = "hold_all";   // hold_all | as_in_hours
  std::int64_t case_response_minutes = 15;
};

// The network's row, or the defaults above when it has none.
SafetyPolicyRow find_safety_policy(Connection& c, std::int64_t network_id);
// Sets them on the network's policy row, which must exist (upsert_moderation_policy first).
void update_safety_policy(Connection& c, std::int64_t network_id, const SafetyPolicyRow& row);

}  // namespace harbour::store
