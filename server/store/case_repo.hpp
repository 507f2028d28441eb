#pragma once
// Safeguarding cases and their events.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::store {

class Connection;

struct NewCase {
  std::int64_t network_id = 0;
  std::int64_t member_id = 0;
  std::optional<std::int64_t> post_id;
  std::string tier;  // concern | urgent
  std::optional<std::string> matched;
  std::string opened_at;
  std::string due_at;
};

std::int64_t insert_case(Connection& c, const NewCase& k);

}  // namespace harbour::store
