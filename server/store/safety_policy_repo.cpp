#include "store/safety_policy_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

SafetyPolicyRow find_safety_policy(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare("SELECT out_of_hours, case_response_minutes FROM moderation_policies WHERE network_id = ?1");
  s.bind(1, network_id);
  SafetyPolicyRow row;
  if (s.step()) row = {s.column_text(0), s.column_int64(1)};
  s.reset();
  return row;
}

void update_safety_policy(Connection& c, std::int64_t network_id, const SafetyPolicyRow& row) {
  c.prepare("UPDATE moderation_policies SET out_of_hours = ?2, case_response_minutes = ?3 WHERE network_id = ?1")
      .bind(1, network_id)
      .bind(2, row.out_of_hours)
      .bind(3, row.case_response_minutes)
      .run();
}

}  // namespace harbour::store
