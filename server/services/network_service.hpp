#pragma once
// Networks (one per service: Talking Therapies, Perinatal, Carers ...) and their crisis contacts,
// which must always be reachable, signed in or not.
#include "core/config.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// What an operator sets about a network (`harbour network create` / `update`). On update, an
// empty optional leaves that setting as it is.
struct NetworkSettings {
  std::optional<std::string> name;        // 1 to 80 characters, no control characters
  std::optional<std::string> time_zone;   // an IANA zone the tz database knows, e.g. Europe/London
  std::optional<core::CrisisTeam> local_team;  // the network's own crisis team; number may be empty
};

class NetworkService {
 public:
  NetworkService(store::Database& db, std::function<void()> audit_written)
      : db_(db), audit_written_(std::move(audit_written)) {}

  // Throws AppError{NotFound, "network_not_found"}. Contacts without a number or URL (a local
  // team not configured yet) are left out so nobody is shown a dead end.
  NetworkSummary crisis_contacts(std::string_view slug);

  // Writes the configured local crisis team into the default network (start-up).
  void configure_local_crisis_team(const core::CrisisTeam& team);

  // Every network, oldest first, with every crisis contact (also those not shown yet because
  // their number is empty), for the operator.
  std::vector<NetworkSummary> list();

  // A new network with the national crisis contacts of `default`, its own local crisis team
  // (not shown until it has a number), version 1 of the default network's community guidelines
  // and the default moderation policy; audited as network.create by the system, with `reason`.
  // Name and time zone are required. 400 invalid_network_slug / invalid_network_name /
  // unknown_time_zone / invalid_crisis_team, 409 network_exists. Nothing is written on an error.
  NetworkSummary create(std::string_view slug, const NetworkSettings& settings, std::string_view reason);

  // Changes name, time zone and local crisis team; audited as network.update and, when the
  // contacts change, network.crisis_contacts_update. 404 network_not_found, 400 as create.
  NetworkSummary update(std::string_view slug, const NetworkSettings& settings, std::string_view reason);

 private:
  store::Database& db_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
