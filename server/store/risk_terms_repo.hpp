#pragma once
// A network's additions to the built-in risk lexicon (risk_terms, migration 0004).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct RiskTermRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string phrase;
  std::string tier;                     // concern | urgent
  std::vector<std::string> exceptions;  // stored one a line
  std::optional<std::int64_t> created_by;
  std::string created_at;
};

// Oldest first.
std::vector<RiskTermRow> list_risk_terms(Connection& c, std::int64_t network_id);
std::optional<RiskTermRow> find_risk_term(Connection& c, std::int64_t id);
// nullopt when the network already has exactly this phrase. Exceptions must not hold a line
// break (the service checks).
std::optional<std::int64_t> insert_risk_term(Connection& c, std::int64_t network_id, std::string_view phrase,
                                             std::string_view tier, const std::vector<std::string>& exceptions,
                                             std::int64_t created_by, std::string_view now);
bool delete_risk_term(Connection& c, std::int64_t id);

}  // namespace harbour::store
