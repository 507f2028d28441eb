#include "services/account_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/ip_ref.hpp"
#include "services/password_hasher.hpp"
#include "services/password_policy.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/db_error.hpp"
#include "store/invitation_repo.hpp"
#include "store/session_repo.hpp"

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr int kFailuresBeforeLock = 5;

AppError sign_in_failed() {
  return AppError(ErrorKind::Unauthenticated, "sign_in_failed",
                  "That pseudonym and password do not match, or the account is locked for a while. Check them and try again.");
}

// Valid invitation or the reason it is not, in plain words.
store::InvitationRow usable_invitation(store::Connection& c, std::string_view token, const std::string& now) {
  if (token.size() < 22 || token.size() > 128) {
    throw AppError(ErrorKind::NotFound, "invitation_not_found", "This invitation link is not valid. Ask your therapist or service for a new one.");
  }
  auto row = store::find_invitation_by_hash(c, core::sha256_hex(token));
  if (!row) throw AppError(ErrorKind::NotFound, "invitation_not_found", "This invitation link is not valid. Ask your therapist or service for a new one.");
  if (row->used_at) throw AppError(ErrorKind::Conflict, "invitation_used", "This invitation has already been used. If that was you, sign in instead.");
  if (row->revoked_at) throw AppError(ErrorKind::Conflict, "invitation.revoke", "This invitation was withdrawn. Ask your therapist or service for a new one.");
  if (row->expires_at <= now) throw AppError(ErrorKind::Conflict, "invitation_expired", "This invitation has expired. Ask your therapist or service for a new one.");
  return *row;
}

std::int64_t require_current_guidelines(store::Connection& c, std::int64_t network_id, std::int64_t accepted) {
  auto g = store::current_guidelines(c, network_id);
  const auto version = g ? g->version : 0;
  if (accepted != version) {
    throw AppError(ErrorKind::Conflict, "guidelines_not_accepted", "Please read and accept the current community guidelines.");
  }
  return version;
}

// Uses the invitation for `user_id` inside the caller's transaction: key, admin flag, guidelines.
void apply_invitation(store::Connection& c, const store::InvitationRow& inv, std::int64_t user_id,
                      std::int64_t guidelines_version, const std::string& now) {
  if (!store::mark_invitation_used(c, inv.id, user_id, now)) {
    throw AppError(ErrorKind::Conflict, "invitation_used", "This invitation has already been used.");
  }
  if (inv.role == "admin") {
    // Deployment-wide admin, and a clinician's key to the network the invitation names, so the
    // admin can also work inside it.
    store::set_admin(c, user_id, true);
    store::upsert_membership(c, user_id, inv.network_id, "clinician");
  } else {
    store::upsert_membership(c, user_id, inv.network_id, inv.role);
  }
  if (guidelines_version > 0) store::record_guidelines_acceptance(c, user_id, inv.network_id, guidelines_version, now);
}

bool staff_account(store::Connection& c, std::int64_t user_id, bool is_admin) {
  if (is_admin) return true;
  for (const auto& m : store::memberships_of(c, user_id)) {
    if (auto role = parse_role(m.role); role && is_staff(*role)) return true;
  }
  return false;
}

AuditEntry entry(std::string action, std::optional<std::int64_t> actor, const RequestMeta& meta) {
  AuditEntry e;
  e.action = std::move(action);
  e.actor_id = actor;
  e.ip_hash = audit_ip_ref(meta.ip);
  return e;
}

}  // namespace

InvitationPreview AccountService::preview_invitation(std::string_view token, std::chrono::system_clock::time_point now) {
  return db_.read([&](store::Connection& c) {
    const auto inv = usable_invitation(c, token, core::format_utc_ms(now));
    InvitationPreview p{inv.network_slug, inv.network_name, inv.role, inv.expires_at, 0, {}};
    if (auto g = store::current_guidelines(c, inv.network_id)) {
      p.guidelines_version = g->version;
      p.guidelines = g->body;
    }
    return p;
  });
}

SignedIn AccountService::register_account(const Registration& r, const RequestMeta& meta) {
  if (auto wait = per_ip_.take("register:" + meta.ip, std::chrono::steady_clock::now()); wait.count() > 0) {
    throw AppError(ErrorKind::RateLimited, "too_many_attempts", "Too many attempts. Please wait a minute and try again.");
  }
  const auto now = core::format_utc_ms(meta.now);
  // Check the invitation first so a person with a dead link is told before choosing a name.
  db_.read([&](store::Connection& c) { return usable_invitation(c, r.invitation_token, now); });
  const auto name = check_pseudonym(r.pseudonym);
  check_password(r.password, name.display);
  const auto hash = hasher_.hash(r.password);  // outside the writer: hashing takes tens of ms

  return run_audited(db_, audit_written_, [&](store::Connection& c) {
        const auto inv = usable_invitation(c, r.invitation_token, now);
        const auto version = require_current_guidelines(c, inv.network_id, r.accepted_guidelines_version);
        if (store::find_user_by_key(c, name.key)) {
          throw AppError(ErrorKind::Conflict, "pseudonym_taken", "That pseudonym, or one that looks very like it, is taken. Please choose another.");
        }
        const auto user_id = store::insert_user(c, name.display, name.key, hash, false, now);
        apply_invitation(c, inv, user_id, version, now);
        const bool staff = staff_account(c, user_id, inv.role == "admin");
        SignedIn out{sessions_.create(c, user_id, staff, meta.now), user_id, name.display, staff};

        auto e = entry("account.create", user_id, meta);
        e.actor_role = inv.role;
        e.target_type = "invitation";
        e.target_id = std::to_string(inv.id);
        e.network_id = inv.network_id;
        e.session_hash = session_ref(out.session.token);
        e.details = {{"guidelines_version", version}};
        append_audit(c, e, meta.now);
        return out;
      });
}

void AccountService::redeem_invitation(const Principal* who, std::string_view token, std::int64_t accepted_version,
                                       const RequestMeta& meta) {
  const Principal& p = require_signed_in(who);
  const auto now = core::format_utc_ms(meta.now);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
        const auto inv = usable_invitation(c, token, now);
        const auto version = require_current_guidelines(c, inv.network_id, accepted_version);
        apply_invitation(c, inv, p.user_id, version, now);
        auto e = entry("invitation.redeem", p.user_id, meta);
        e.actor_role = inv.role;
        e.target_type = "invitation";
        e.target_id = std::to_string(inv.id);
        e.network_id = inv.network_id;
        e.session_hash = p.session_ref;
        append_audit(c, e, meta.now);
      });
}

SignedIn AccountService::sign_in(std::string_view pseudonym, std::string_view password, const RequestMeta& meta) {
  const auto steady = std::chrono::steady_clock::now();
  // Limits come before any hashing, so a flood cannot buy argon2 time.
  if (auto wait = per_ip_.take(meta.ip, steady); wait.count() > 0) {
    throw AppError(ErrorKind::RateLimited, "too_many_attempts", "Too many sign-in attempts. Please wait a minute and try again.");
  }
  // Only the lookup key, not the registration rules: those may tighten after an account exists
  // (and demo staff accounts are named after their roles on purpose).
  std::string key;
  if (!pseudonym.empty() && pseudonym.size() <= 256) {
    try {
      key = pseudonym_key(pseudonym);
    } catch (const std::exception&) {
      key.clear();  // cannot be anyone's name (e.g. invalid UTF-8): same path as an unknown name
    }
  }
  if (!key.empty()) {
    if (auto wait = per_account_.take(key, steady); wait.count() > 0) {
      throw AppError(ErrorKind::RateLimited, "too_many_attempts", "Too many sign-in attempts. Please wait a minute and try again.");
    }
  }
  const auto now = core::format_utc_ms(meta.now);
  auto user = key.empty() ? std::nullopt : db_.read([&](store::Connection& c) { return store::find_user_by_key(c, key); });

  auto audit_failure = [&](std::optional<std::int64_t> user_id, std::string reason, std::optional<std::string> lock_until) {
    run_audited(db_, audit_written_, [&](store::Connection& c) {
          if (user_id) store::record_signin_failure(c, *user_id, lock_until);
          auto e = entry(lock_until ? "auth.lockout" : "auth.sign_in", user_id, meta);
          e.outcome = "failure";
          e.reason = reason;
          append_audit(c, e, meta.now);
        });
  };

  if (!user || !user->password_hash || user->status == "erased") {
    hasher_.verify_dummy(password);
    audit_failure(std::nullopt, "unknown pseudonym", std::nullopt);
    throw sign_in_failed();
  }
  if (user->locked_until && *user->locked_until > now) {
    hasher_.verify_dummy(password);
    audit_failure(user->id, "account locked", std::nullopt);
    throw sign_in_failed();
  }
  if (!hasher_.verify(*user->password_hash, password)) {
    const auto failures = user->failed_signins + 1;
    std::optional<std::string> lock;
    if (failures % kFailuresBeforeLock == 0) {
      // 15 minutes, doubling with each further run of failures, at most a day.
      const auto rounds = std::min<std::int64_t>(failures / kFailuresBeforeLock - 1, 6);
      lock = core::format_utc_ms(meta.now + std::chrono::minutes(15) * (1ll << rounds));
    }
    audit_failure(user->id, "wrong password", lock);
    throw sign_in_failed();
  }
  if (user->status == "suspended") {
    run_audited(db_, audit_written_, [&](store::Connection& c) {
          auto e = entry("auth.sign_in", user->id, meta);
          e.outcome = "denied";
          e.reason = "account suspended";
          append_audit(c, e, meta.now);
        });
    throw AppError(ErrorKind::Forbidden, "account_suspended", "This account is suspended. Please contact your service.");
  }
  // Bookkeeping for cached reads: a new session (not cached until first used), the failure
  // counters (shown by no cached read) and an audit row change nothing a cached answer holds, so
  // a burst of sign-ins does not empty every cache at each one.
  return run_audited(
      db_, audit_written_,
      [&](store::Connection& c) {
        store::record_signin_success(c, user->id);
        const bool staff = staff_account(c, user->id, user->is_admin);
        SignedIn out{sessions_.create(c, user->id, staff, meta.now), user->id, user->pseudonym, staff};
        auto e = entry("auth.sign_in", user->id, meta);
        e.actor_role = user->is_admin ? "admin" : "";
        e.session_hash = session_ref(out.session.token);
        append_audit(c, e, meta.now);
        return out;
      },
      store::Writer::Effect::Bookkeeping);
}

void AccountService::sign_out(const Principal* who, const RequestMeta& meta) {
  if (!who) return;
  const auto now = core::format_utc_ms(meta.now);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
        store::end_session(c, who->session_id, now, "signed_out");
        auto e = entry("auth.sign_out", who->user_id, meta);
        e.session_hash = who->session_ref;
        append_audit(c, e, meta.now);
      });
  sessions_.notify_ended({who->session_id});
}

void AccountService::sign_out_everywhere(const Principal* who, const RequestMeta& meta) {
  const Principal& p = require_signed_in(who);
  const auto now = core::format_utc_ms(meta.now);
  auto ended = run_audited(db_, audit_written_, [&](store::Connection& c) {
                     auto ids = store::end_user_sessions(c, p.user_id, now, "signed_out_everywhere");
                     auto e = entry("auth.sign_out", p.user_id, meta);
                     e.session_hash = p.session_ref;
                     e.details = {{"everywhere", true}, {"sessions_ended", ids.size()}};
                     append_audit(c, e, meta.now);
                     return ids;
                   });
  sessions_.notify_ended(ended);
}

}  // namespace harbour::services
