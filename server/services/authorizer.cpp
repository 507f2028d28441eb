#include "services/authorizer.hpp"

#include "core/app_error.hpp"

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

void require_second_factor(const Principal& who) {
  if (!who.second_factor_done) {
    throw AppError(ErrorKind::Forbidden, "second_factor_required",
                   who.totp_enabled ? "Enter the code from your authenticator app to continue."
                                    : "Set up two-step sign-in in your account settings to continue.");
  }
}

}  // namespace

const Principal& require_signed_in(const Principal* who) {
  if (!who) throw AppError(ErrorKind::Unauthenticated, "sign_in_required", "Please sign in.");
  if (who->suspended) {
    throw AppError(ErrorKind::Forbidden, "account_suspended", "This account is suspended. Please contact your service.");
  }
  return *who;
}

const Membership* require_capability(const Principal* who, Capability capability, std::int64_t network_id) {
  const Principal& p = require_signed_in(who);
  const Membership* m = p.membership(network_id);
  if (p.is_admin && is_staff_capability(capability)) {
    require_second_factor(p);
    return m;
  }
  if (!m) throw AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
  if (!m->active) {
    throw AppError(ErrorKind::Forbidden, "account_suspended", "Your access to this network is suspended.");
  }
  if (!role_grants(m->role, capability)) {
    throw AppError(ErrorKind::Forbidden, "not_allowed", "You do not have permission to do that.");
  }
  if (is_staff_capability(capability) || is_staff(m->role)) require_second_factor(p);
  return m;
}

void require_admin(const Principal* who) {
  const Principal& p = require_signed_in(who);
  if (!p.is_admin) throw AppError(ErrorKind::Forbidden, "not_allowed", "Only administrators can do that.");
  require_second_factor(p);
}

bool can(const Principal* who, Capability capability, std::int64_t network_id) noexcept {
  try {
    require_capability(who, capability, network_id);
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace harbour::services
