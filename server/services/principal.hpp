#pragma once
// Who is calling: the signed-in person, their keys to networks, and the state of their session.
// Built once per request by the session middleware; handlers pass it to services, which decide.
#include "services/roles.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace harbour::services {

struct Membership {
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  Role role = Role::Member;
  bool active = true;
};

struct Principal {
  std::int64_t user_id = 0;
  std::string pseudonym;
  bool is_admin = false;
  bool suspended = false;
  bool totp_enabled = false;
  std::int64_t session_id = 0;
  std::string session_ref;  // truncated hash of the session token: links audit rows, reveals nothing
  std::string csrf_token;
  bool second_factor_done = false;
  // When the session ends however active it is (sockets of the session close then).
  std::chrono::system_clock::time_point session_expires_at{};
  std::vector<Membership> memberships;

  // Staff anywhere (or admin): such accounts need the second factor for staff capabilities.
  bool is_staff() const {
    if (is_admin) return true;
    for (const auto& m : memberships) {
      if (services::is_staff(m.role)) return true;
    }
    return false;
  }
  const Membership* membership(std::int64_t network_id) const {
    for (const auto& m : memberships) {
      if (m.network_id == network_id) return &m;
    }
    return nullptr;
  }
  // The role to record in the audit log for an action in `network_id` (or "admin").
  std::string audit_role(std::optional<std::int64_t> network_id) const {
    if (network_id) {
      if (const auto* m = membership(*network_id)) return std::string(role_name(m->role));
    }
    return is_admin ? "admin" : (memberships.empty() ? "" : std::string(role_name(memberships.front().role)));
  }
};

}  // namespace harbour::services
