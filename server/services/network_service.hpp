#pragma once
// Networks (one per service: Talking Therapies, Perinatal, Carers ...) and their crisis contacts,
// which must always be reachable, signed in or not.
#include "core/config.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace harbour::store {
class Database;
}

namespace harbour::services {

struct NetworkSummary {
  std::string slug;
  std::string name;
  std::string time_zone;
  nlohmann::json crisis_contacts;  // array of {id, name, description, action, number, ...}
};

// Slugs are lowercase letters, digits and hyphens, 2 to 40 characters.
bool valid_network_slug(std::string_view slug) noexcept;

class NetworkService {
 public:
  NetworkService(store::Database& db, std::function<void()> audit_written)
      : db_(db), audit_written_(std::move(audit_written)) {}

  // Throws AppError{NotFound, "network_not_found"}. Contacts without a number or URL (a local
  // team not configured yet) are left out so nobody is shown a dead end.
  NetworkSummary crisis_contacts(std::string_view slug);

  // Writes the configured local crisis team into the default network (start-up).
  void configure_local_crisis_team(const core::CrisisTeam& team);

 private:
  store::Database& db_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
