#include "services/second_factor_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/ip_ref.hpp"
#include "services/totp.hpp"
#include "store/account_repo.hpp"
#include "store/session_repo.hpp"

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

AuditEntry entry(const Principal& p, std::string action, const RequestMeta& meta) {
  AuditEntry e;
  e.actor_id = p.user_id;
  e.actor_role = p.audit_role(std::nullopt);
  e.action = std::move(action);
  e.target_type = "user";
  e.target_id = std::to_string(p.user_id);
  e.session_hash = p.session_ref;
  e.ip_hash = audit_ip_ref(meta.ip);
  return e;
}

AppError wrong_code() {
  return AppError(ErrorKind::BadRequest, "code_incorrect", "That code did not work. Check the time on your phone and try the newest code.");
}

}  // namespace

void SecondFactorService::limit(const Principal& who) {
  if (attempts_.take(std::to_string(who.user_id), std::chrono::steady_clock::now()).count() > 0) {
    throw AppError(ErrorKind::RateLimited, "too_many_attempts", "Too many codes tried. Please wait a minute and try again.");
  }
}

TotpEnrolment SecondFactorService::enrol(const Principal* who, const RequestMeta& meta) {
  const Principal& p = require_signed_in(who);
  if (p.totp_enabled) {
    throw AppError(ErrorKind::Conflict, "totp_already_enabled", "Two-step sign-in is already set up for this account.");
  }
  const auto secret = new_totp_secret();
  run_audited(db_, audit_written_, [&](store::Connection& c) { store::set_totp(c, p.user_id, secret, false); });
  (void)meta;
  return {totp_manual_key(secret), totp_uri(secret, p.pseudonym, "Harbour")};
}

std::vector<std::string> SecondFactorService::confirm(const Principal* who, std::string_view code, const RequestMeta& meta) {
  const Principal& p = require_signed_in(who);
  limit(p);
  auto user = db_.read([&](store::Connection& c) { return store::find_user(c, p.user_id); });
  if (!user || !user->totp_secret || user->totp_enabled) {
    throw AppError(ErrorKind::Conflict, "totp_not_enrolling", "Start setting up two-step sign-in first.");
  }
  const auto step = verify_totp(*user->totp_secret, code, meta.now, std::nullopt);
  if (!step) throw wrong_code();
  auto codes = new_recovery_codes(10);
  std::vector<std::string> hashes;
  for (const auto& c : codes) hashes.push_back(keyed_hash_hex("recovery_code", normalise_recovery_code(c)));
  const auto now = core::format_utc_ms(meta.now);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    store::set_totp(c, p.user_id, *user->totp_secret, true);
    store::set_totp_last_step(c, p.user_id, *step);
    store::replace_recovery_codes(c, p.user_id, hashes);
    store::set_session_second_factor(c, p.session_id, now);
    append_audit(c, entry(p, "auth.totp_enrol", meta), meta.now);
  });
  return codes;
}

void SecondFactorService::verify(const Principal* who, std::string_view code, std::string_view recovery_code,
                                 const RequestMeta& meta) {
  const Principal& p = require_signed_in(who);
  limit(p);
  auto user = db_.read([&](store::Connection& c) { return store::find_user(c, p.user_id); });
  if (!user || !user->totp_enabled || !user->totp_secret) {
    throw AppError(ErrorKind::Conflict, "totp_not_enabled", "Set up two-step sign-in in your account settings first.");
  }
  const auto now = core::format_utc_ms(meta.now);
  if (!recovery_code.empty()) {
    const auto hash = keyed_hash_hex("recovery_code", normalise_recovery_code(recovery_code));
    const bool ok = run_audited(db_, audit_written_, [&](store::Connection& c) {
      const bool used = store::use_recovery_code(c, p.user_id, hash, now);
      auto e = entry(p, "auth.recovery_code_use", meta);
      e.outcome = used ? "success" : "failure";
      if (used) store::set_session_second_factor(c, p.session_id, now);
      append_audit(c, e, meta.now);
      return used;
    });
    if (!ok) throw AppError(ErrorKind::BadRequest, "code_incorrect", "That recovery code did not work, or was used before.");
    return;
  }
  const auto step = verify_totp(*user->totp_secret, code, meta.now, user->totp_last_step);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    auto e = entry(p, "auth.second_factor", meta);
    e.outcome = step ? "success" : "failure";
    if (step) {
      store::set_totp_last_step(c, p.user_id, *step);
      store::set_session_second_factor(c, p.session_id, now);
    }
    append_audit(c, e, meta.now);
  });
  if (!step) throw wrong_code();
}

}  // namespace harbour::services
