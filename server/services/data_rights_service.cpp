#include "services/data_rights_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/ip_ref.hpp"
#include "services/password_hasher.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/session_service.hpp"
#include "store/account_repo.hpp"
#include "store/admin_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/session_repo.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;
using nlohmann::json;

json optional_text(const std::optional<std::string>& s) { return s ? json(*s) : json(); }

json network_json(std::string_view slug, std::string_view name) { return {{"slug", slug}, {"name", name}}; }

// One read transaction for the whole export, so its sections agree with each other.
class ReadTransaction {
 public:
  explicit ReadTransaction(store::Connection& c) : c_(c), own_(!c.in_transaction()) {
    if (own_) c_.exec("BEGIN");
  }
  ~ReadTransaction() {
    if (!own_) return;
    try {
      c_.reset_busy_statements();
      c_.exec("ROLLBACK");
    } catch (...) {
      // The lease rolls back whatever is left open when it returns the connection.
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  store::Connection& c_;
  bool own_;
};

// ---- the sections every deployment has ------------------------------------------------------

json account_section(store::Connection& c, std::int64_t user_id) {
  const auto u = store::find_user(c, user_id);
  if (!u) return nullptr;
  const auto codes = store::recovery_code_counts(c, user_id);
  // Secrets are named, never shown: the person learns that they exist and how they are kept.
  return {{"id", u->id},
          {"pseudonym", u->pseudonym},
          {"status", u->status},
          {"is_admin", u->is_admin},
          {"created_at", u->created_at},
          {"password", u->password_hash ? "held as an argon2id hash, which cannot be turned back into the password"
                                             " (not included)"
                                        : "none"},
          {"two_step_sign_in",
           {{"enabled", u->totp_enabled},
            {"authenticator_key", u->totp_secret ? "held, so codes can be checked (not included)" : "none"},
            {"recovery_codes", {{"unused", codes.unused}, {"used", codes.used}, {"kept_as", "hashes (not included)"}}}}},
          {"failed_sign_ins_since_last_success", u->failed_signins},
          {"locked_until", optional_text(u->locked_until)}};
}

json memberships_section(store::Connection& c, std::int64_t user_id) {
  json out = json::array();
  for (const auto& m : store::memberships_of(c, user_id)) {
    out.push_back({{"network", network_json(m.network_slug, m.network_name)}, {"role", m.role}, {"active", m.status == "active"}});
  }
  return out;
}

json guidelines_section(store::Connection& c, std::int64_t user_id) {
  json out = json::array();
  for (const auto& a : store::guideline_acceptances_of(c, user_id)) {
    out.push_back({{"network", network_json(a.network_slug, a.network_name)}, {"version", a.version}, {"accepted_at", a.accepted_at}});
  }
  return out;
}

json sessions_section(store::Connection& c, std::int64_t user_id) {
  json out = json::array();
  for (const auto& s : store::session_times_of(c, user_id)) {
    out.push_back({{"started_at", s.created_at},
                   {"last_seen_at", s.last_seen_at},
                   {"expires_at", s.absolute_expires_at},
                   {"second_factor_at", optional_text(s.second_factor_at)},
                   {"ended_at", optional_text(s.ended_at)},
                   {"end_reason", optional_text(s.end_reason)}});
  }
  return out;
}

json invitations_section(store::Connection& c, std::int64_t user_id) {
  json out = json::array();
  for (const auto& i : store::invitations_issued_by(c, user_id)) {
    out.push_back({{"id", i.id},
                   {"network", network_json(i.network_slug, i.network_name)},
                   {"role", i.role},
                   {"note", optional_text(i.note)},
                   {"created_at", i.created_at},
                   {"expires_at", i.expires_at},
                   {"used_at", optional_text(i.used_at)},
                   {"revoked_at", optional_text(i.revoked_at)}});
  }
  return out;
}

json audit_section(store::Connection& c, std::int64_t user_id) {
  std::map<std::int64_t, std::string> slugs;
  for (const auto& n : store::list_networks(c)) slugs[n.id] = n.slug;
  json out = json::array();
  AuditFilter f;
  f.actor_id = user_id;
  f.limit = kAuditListMax;
  for (;;) {
    const auto rows = list_audit(c, f);
    for (const auto& r : rows) {
      json network = nullptr;
      if (r.network_id) network = slugs.contains(*r.network_id) ? json(slugs[*r.network_id]) : json(*r.network_id);
      out.push_back({{"id", r.id},
                     {"at", r.at},
                     {"action", r.action},
                     {"target_type", r.target_type},
                     {"target_id", r.target_id},
                     {"network", network},
                     {"outcome", r.outcome},
                     {"reason", r.reason},
                     {"details", r.details}});
    }
    if (static_cast<int>(rows.size()) < f.limit) break;
    f.before_id = rows.back().id;
  }
  return out;
}

struct FormerName {
  std::string pseudonym;
  std::string key;
};

// "Former member 123456": random digits, so the name tells neither the account number nor when
// it was erased; its look-alike key is unused (and is now taken, so nobody can pass for it).
FormerName former_member_name(store::Connection& c) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto bytes = core::random_bytes(4);
    std::uint32_t v = 0;
    for (const char b : bytes) v = (v << 8) | static_cast<unsigned char>(b);
    FormerName name;
    name.pseudonym = "Former member " + std::to_string(100000 + v % 900000);
    name.key = pseudonym_key(name.pseudonym);
    if (!name.key.empty() && !store::find_user_by_key(c, name.key)) return name;
  }
  throw std::runtime_error("no free former-member name after 50 tries");
}

AppError last_admin() {
  return AppError(ErrorKind::Conflict, "last_admin",
                  "This is the only administrator account, so it cannot be erased. Invite another administrator"
                  " first, then erase this account.");
}

}  // namespace

ContentChoice parse_content_choice(std::string_view text) {
  if (text == "remove") return ContentChoice::Remove;
  if (text == "anonymise" || text == "anonymize") return ContentChoice::Anonymise;
  throw AppError(ErrorKind::BadRequest, "invalid_content_choice",
                 "Choose what happens to what you wrote: \"remove\" or \"anonymise\".");
}

std::string_view content_choice_name(ContentChoice choice) noexcept {
  return choice == ContentChoice::Remove ? "remove" : "anonymise";
}

DataRightsService::DataRightsService(store::Database& db, SessionService& sessions, PasswordHasher& hasher,
                                     std::function<void()> audit_written)
    : db_(db), sessions_(sessions), hasher_(hasher), audit_written_(std::move(audit_written)) {
  add_export_section("account", account_section);
  add_export_section("memberships", memberships_section);
  add_export_section("guideline_acceptances", guidelines_section);
  add_export_section("sessions", sessions_section);
  add_export_section("invitations_issued", invitations_section);
  add_export_section("audit_log", audit_section);
}

void DataRightsService::add_export_section(std::string name, ExportSection section) {
  for (const auto& [existing, fn] : sections_) {
    if (existing == name) throw std::logic_error("export section \"" + name + "\" is registered twice");
  }
  sections_.emplace_back(std::move(name), std::move(section));
}

void DataRightsService::add_erase_step(std::string name, EraseStep step) {
  for (const auto& [existing, fn] : erase_steps_) {
    if (existing == name) throw std::logic_error("erase step \"" + name + "\" is registered twice");
  }
  erase_steps_.emplace_back(std::move(name), std::move(step));
}

json DataRightsService::export_data(const Principal* who, const RequestMeta& meta) {
  const Principal& p = require_signed_in(who);
  if (exports_.take(std::to_string(p.user_id), std::chrono::steady_clock::now()).count() > 0) {
    throw AppError(ErrorKind::RateLimited, "too_many_attempts", "You asked for several downloads just now. Please wait a minute.");
  }
  json sections = json::object();
  db_.read([&](store::Connection& c) {
    const ReadTransaction snapshot(c);
    for (const auto& [name, section] : sections_) sections[name] = section(c, p.user_id);
  });
  json out = {{"format", "harbour.export.v1"},
              {"exported_at", core::format_utc_ms(meta.now)},
              {"about",
               "Everything Harbour holds about your account, as it is stored. Passwords, the key of your"
               " authenticator app and sign-in tokens are kept only in forms that cannot be read back, so they"
               " are described but not included. audit_log lists the actions you took that the security log"
               " recorded."},
              {"sections", std::move(sections)}};
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    AuditEntry e;
    e.actor_id = p.user_id;
    e.actor_role = p.audit_role(std::nullopt);
    e.action = "account.export";
    e.target_type = "user";
    e.target_id = std::to_string(p.user_id);
    e.session_hash = p.session_ref;
    e.ip_hash = audit_ip_ref(meta.ip);
    json names = json::array();
    for (const auto& [name, section] : sections_) names.push_back(name);
    e.details = {{"sections", names}};
    append_audit(c, e, meta.now);
  });
  return out;
}

void DataRightsService::erase(const Principal* who, const RequestMeta& meta, std::string_view password,
                              std::string_view content_text) {
  const Principal& p = require_signed_in(who);
  const auto content = parse_content_choice(content_text);
  if (erasures_.take(std::to_string(p.user_id), std::chrono::steady_clock::now()).count() > 0) {
    throw AppError(ErrorKind::RateLimited, "too_many_attempts", "Too many attempts. Please wait a minute and try again.");
  }
  const auto user = db_.read([&](store::Connection& c) { return store::find_user(c, p.user_id); });
  if (!user || user->status != "active") throw AppError(ErrorKind::Unauthenticated, "sign_in_required", "Please sign in.");
  if (user->is_admin && db_.read([](store::Connection& c) { return store::count_active_admins(c); }) <= 1) {
    throw last_admin();
  }

  AuditEntry e;
  e.actor_id = p.user_id;
  e.actor_role = p.audit_role(std::nullopt);
  e.action = "account.erase";
  e.target_type = "user";
  e.target_id = std::to_string(p.user_id);
  e.session_hash = p.session_ref;
  e.ip_hash = audit_ip_ref(meta.ip);

  // Hashing takes tens of milliseconds: outside the writer.
  if (!user->password_hash || !hasher_.verify(*user->password_hash, password)) {
    run_audited(db_, audit_written_, [&](store::Connection& c) {
      auto failed = e;
      failed.outcome = "failure";
      failed.reason = "wrong password";
      append_audit(c, failed, meta.now);
    });
    throw AppError(ErrorKind::BadRequest, "password_incorrect", "That password is not right, so nothing was erased.");
  }

  const auto now = core::format_utc_ms(meta.now);
  const auto ended = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto u = store::find_user(c, p.user_id);
    if (!u || u->status != "active") throw AppError(ErrorKind::Unauthenticated, "sign_in_required", "Please sign in.");
    if (u->is_admin && store::count_active_admins(c) <= 1) throw last_admin();

    json details = {{"content", content_choice_name(content)}};
    for (const auto& [name, step] : erase_steps_) details[name] = step(c, p.user_id, content);
    auto ids = store::end_user_sessions(c, p.user_id, now, "erased");
    details["sessions_ended"] = ids.size();
    details["sessions_deleted"] = store::delete_sessions(c, p.user_id);
    details["memberships_removed"] = store::delete_memberships(c, p.user_id);
    details["guideline_acceptances_removed"] = store::delete_guideline_acceptances(c, p.user_id);
    details["recovery_codes_removed"] = store::delete_recovery_codes(c, p.user_id);
    const auto name = former_member_name(c);
    store::erase_user_row(c, p.user_id, name.pseudonym, name.key, now);

    auto done = e;
    done.details = std::move(details);
    append_audit(c, done, meta.now);
    return ids;
  });
  sessions_.notify_ended(ended);
}

}  // namespace harbour::services
