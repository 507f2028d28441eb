#pragma once
// The one place that turns "may this person do that, here?" into an answer. Throws AppError:
//   401 sign_in_required        nobody is signed in
//   403 account_suspended       the account or the key to this network is suspended
//   404 network_not_found       no key to this network (its existence is not revealed)
//   403 not_allowed             the role does not grant the capability
//   403 second_factor_required  a staff capability in a session that has not completed TOTP
#include "services/principal.hpp"

namespace harbour::services {

// Requires `capability` in the network; admins hold every staff capability everywhere.
// Returns the caller's membership there (nullptr for an admin without a key to it).
const Membership* require_capability(const Principal* who, Capability capability, std::int64_t network_id);

// Deployment-wide admin rights (with a completed second factor).
void require_admin(const Principal* who);

// Signed in, not suspended; nothing more (own account pages).
const Principal& require_signed_in(const Principal* who);

// Whether the caller could do it (for showing or hiding things; never instead of require_*).
bool can(const Principal* who, Capability capability, std::int64_t network_id) noexcept;

}  // namespace harbour::services
