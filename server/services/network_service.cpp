#include "services/network_service.hpp"

#include "core/app_error.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"

namespace harbour::services {

bool valid_network_slug(std::string_view slug) noexcept {
  if (slug.size() < 2 || slug.size() > 40) return false;
  for (char c : slug) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

NetworkSummary NetworkService::crisis_contacts(std::string_view slug) {
  if (!valid_network_slug(slug)) {
    throw core::AppError(core::ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
  }
  auto row = db_.read([&](store::Connection& c) { return store::find_network_by_slug(c, slug); });
  if (!row) {
    throw core::AppError(core::ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
  }
  NetworkSummary out{row->slug, row->name, row->time_zone, nlohmann::json::array()};
  const auto all = nlohmann::json::parse(row->crisis_contacts_json, nullptr, false);
  if (all.is_array()) {
    for (const auto& contact : all) {
      if (!contact.is_object()) continue;
      const auto action = contact.value("action", "");
      const bool usable = action == "link" ? !contact.value("url", "").empty() : !contact.value("number", "").empty();
      if (usable) out.crisis_contacts.push_back(contact);
    }
  }
  return out;
}

void NetworkService::configure_local_crisis_team(const core::CrisisTeam& team) {
  const auto now = std::chrono::system_clock::now();
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto before = store::find_network_by_slug(c, "default");
    store::set_local_crisis_team(c, "default", team.name, team.number, team.available);
    const auto after = store::find_network_by_slug(c, "default");
    if (!before || !after || before->crisis_contacts_json == after->crisis_contacts_json) return;
    // A configuration change that people in crisis will see: recorded like any staff action.
    AuditEntry e;
    e.actor_role = "system";
    e.action = "network.crisis_contacts_update";
    e.target_type = "network";
    e.target_id = after->slug;
    e.network_id = after->id;
    e.reason = "configuration: crisis.local_team_*";
    e.details = {{"name", team.name}, {"number", team.number}, {"available", team.available}};
    append_audit(c, e, now);
  });
}

}  // namespace harbour::services
