#include "services/network_service.hpp"

#include "core/app_error.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"

#include <date/tz.h>
#include <utf8proc.h>

namespace harbour::services {

bool valid_network_slug(std::string_view slug) noexcept {
  if (slug.size() < 2 || slug.size() > 40) return false;
  for (char c : slug) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

namespace {

core::AppError bad(const char* code, const std::string& message) {
  return core::AppError(core::ErrorKind::BadRequest, code, message);
}

// Short, single-line operator text (names, availability): valid UTF-8 without control
// characters, between min and max code points.
bool plain_line(std::string_view text, std::size_t min_chars, std::size_t max_chars) {
  std::size_t count = 0;
  auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto used = utf8proc_iterate(p, left, &cp);
    if (used <= 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) return false;
    p += used;
    left -= used;
    ++count;
  }
  return count >= min_chars && count <= max_chars;
}

// A telephone number as people dial it: digits with spaces, hyphens, brackets or a leading +.
bool phone_number(std::string_view text) {
  if (text.size() > 30) return false;
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch >= '0' && ch <= '9') ++digits;
    else if (!(ch == ' ' || ch == '-' || ch == '(' || ch == ')' || (ch == '+' && i == 0))) return false;
  }
  return digits >= 3;
}

void check_settings(const NetworkSettings& s) {
  if (s.name && !plain_line(*s.name, 1, 80)) {
    throw bad("invalid_network_name", "A network's name is 1 to 80 characters on one line.");
  }
  if (s.time_zone) {
    try {
      (void)date::locate_zone(*s.time_zone);
    } catch (const std::exception&) {
      throw bad("unknown_time_zone", "'" + *s.time_zone + "' is not a time zone of the tz database (e.g. Europe/London).");
    }
  }
  if (s.local_team) {
    const auto& t = *s.local_team;
    if (!plain_line(t.name, 1, 80) || !plain_line(t.available, 0, 80) || (!t.number.empty() && !phone_number(t.number))) {
      throw bad("invalid_crisis_team",
                "The local crisis team needs a name (1 to 80 characters), a telephone number of digits, spaces,"
                " hyphens or brackets (or none yet), and availability of up to 80 characters.");
    }
  }
}

NetworkSummary summary_of(const store::NetworkRow& row) {
  auto contacts = nlohmann::json::parse(row.crisis_contacts_json, nullptr, false);
  if (!contacts.is_array()) contacts = nlohmann::json::array();
  return {row.slug, row.name, row.time_zone, std::move(contacts)};
}

nlohmann::json team_details(const core::CrisisTeam& team) {
  return {{"name", team.name}, {"number", team.number}, {"available", team.available}};
}

// Network settings are changed by the operator (configuration or the `harbour network` command),
// not by a signed-in person: recorded as the system's action, with the operator's reason.
void audit_network(store::Connection& c, const char* action, const store::NetworkRow& network, std::string reason,
                   nlohmann::json details, std::chrono::system_clock::time_point now) {
  AuditEntry e;
  e.actor_role = "system";
  e.action = action;
  e.target_type = "network";
  e.target_id = network.slug;
  e.network_id = network.id;
  e.reason = std::move(reason);
  e.details = std::move(details);
  append_audit(c, e, now);
}

// Sets a network's local crisis team and audits it when the contacts people see changed.
void set_local_team_audited(store::Connection& c, const store::NetworkRow& before, const core::CrisisTeam& team,
                            std::string reason, std::chrono::system_clock::time_point now) {
  store::set_local_crisis_team(c, before.slug, team.name, team.number, team.available);
  const auto after = store::find_network_by_slug(c, before.slug);
  if (!after || after->crisis_contacts_json == before.crisis_contacts_json) return;
  audit_network(c, "network.crisis_contacts_update", *after, std::move(reason), team_details(team), now);
}

}  // namespace

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
    if (!before) return;
    // A configuration change that people in crisis will see: recorded like any staff action.
    set_local_team_audited(c, *before, team, "configuration: crisis.local_team_*", now);
  });
}

std::vector<NetworkSummary> NetworkService::list() {
  const auto rows = db_.read([](store::Connection& c) { return store::list_networks(c); });
  std::vector<NetworkSummary> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(summary_of(row));
  return out;
}

NetworkSummary NetworkService::create(std::string_view slug, const NetworkSettings& settings, std::string_view reason) {
  if (!valid_network_slug(slug)) {
    throw bad("invalid_network_slug", "A network's slug is 2 to 40 lowercase letters, digits and hyphens (it appears in addresses).");
  }
  if (!settings.name || !settings.time_zone) {
    throw bad("invalid_network_name", "A new network needs a name and a time zone.");
  }
  check_settings(settings);
  const auto now = std::chrono::system_clock::now();
  return run_audited(db_, audit_written_, [&](store::Connection& c) {
    if (store::find_network_by_slug(c, slug)) {
      throw core::AppError(core::ErrorKind::Conflict, "network_exists", "There is already a network '" + std::string(slug) + "'.");
    }
    const auto base = store::find_network_by_slug(c, "default");
    if (!base) throw core::AppError(core::ErrorKind::Internal, "no_default_network", "The default network is missing.");
    // The national contacts are the same for every network; the local team is the network's own.
    auto contacts = nlohmann::json::array();
    for (const auto& contact : nlohmann::json::parse(base->crisis_contacts_json)) {
      if (contact.value("id", "") != "local_crisis_team") contacts.push_back(contact);
    }
    const auto id = store::insert_network(c, slug, *settings.name, *settings.time_zone, contacts.dump());
    const auto team = settings.local_team.value_or(core::CrisisTeam{});
    store::set_local_crisis_team(c, slug, team.name, team.number, team.available);
    store::copy_network_defaults(c, base->id, id);
    const auto created = store::find_network_by_slug(c, slug);
    audit_network(c, "network.create", *created, std::string(reason),
                  {{"name", *settings.name}, {"time_zone", *settings.time_zone}, {"local_team", team_details(team)}}, now);
    return summary_of(*created);
  });
}

NetworkSummary NetworkService::update(std::string_view slug, const NetworkSettings& settings, std::string_view reason) {
  if (!valid_network_slug(slug)) {
    throw core::AppError(core::ErrorKind::NotFound, "network_not_found", "There is no network '" + std::string(slug) + "'.");
  }
  if (settings.local_team && slug == "default") {
    // The configuration writes the default network's team at every start: a change made here
    // would be undone silently by the next restart.
    throw bad("invalid_crisis_team", "The default network's local crisis team comes from the configuration (crisis.local_team_*).");
  }
  check_settings(settings);
  const auto now = std::chrono::system_clock::now();
  return run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto before = store::find_network_by_slug(c, slug);
    if (!before) {
      throw core::AppError(core::ErrorKind::NotFound, "network_not_found", "There is no network '" + std::string(slug) + "'.");
    }
    const auto name = settings.name.value_or(before->name);
    const auto zone = settings.time_zone.value_or(before->time_zone);
    if (name != before->name || zone != before->time_zone) {
      store::update_network_name_and_zone(c, before->id, name, zone);
      audit_network(c, "network.update", *before, std::string(reason),
                    {{"name", {{"from", before->name}, {"to", name}}}, {"time_zone", {{"from", before->time_zone}, {"to", zone}}}},
                    now);
    }
    if (settings.local_team) set_local_team_audited(c, *before, *settings.local_team, std::string(reason), now);
    return summary_of(*store::find_network_by_slug(c, slug));
  });
}

}  // namespace harbour::services
