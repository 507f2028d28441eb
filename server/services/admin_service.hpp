#pragma once
// Deployment administration: find people, look at one person's account, suspend and restore
// accounts, change the role of a key, and browse and verify the audit log. Every method requires
// an admin with a completed second factor (require_admin); every change and every look at one
// person's private details is audited in the same transaction as the action.
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"
#include "services/staff_action.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/network_repo.hpp"

namespace harbour::store {
class Database;
}

namespace harbour::services {

class SessionService;

// Most users one list_users page returns.
inline constexpr int kUserPageMax = 50;

struct UserMembership {
  std::string network_slug;
  std::string network_name;
  std::string role;
  bool active = true;
};

struct UserSummary {
  std::int64_t id = 0;
  std::string pseudonym;
  std::string status;  // active | suspended | erased
  bool is_admin = false;
  std::string created_at;
  std::vector<UserMembership> memberships;
};

struct UserQuery {
  std::optional<std::string> network_slug;  // only people with a key to this network
  std::string name_prefix;                  // "" = everyone
  std::optional<std::string> status;        // active | suspended | erased
  std::optional<std::int64_t> before_id;    // keyset: the previous page's next_before
};

struct UserPage {
  std::vector<UserSummary> users;
  std::optional<std::int64_t> next_before;  // set when there may be more
};

struct SignInRecord {
  std::int64_t audit_id = 0;
  std::string at;
  std::string outcome;  // success | failure | denied
  std::string reason;
  std::string ip_ref;   // keyed hash: links attempts from one address, reveals nothing
};

struct UserDetails {
  UserSummary user;
  bool totp_enabled = false;
  std::int64_t failed_signins = 0;
  std::optional<std::string> locked_until;
  std::int64_t open_sessions = 0;
  std::vector<SignInRecord> recent_sign_ins;  // newest first, at most 20
};

struct AuditQuery {
  std::optional<std::string> action;
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> network_slug;
  std::optional<std::string> outcome;
  std::optional<std::int64_t> before_id;
  int limit = 50;  // 1 .. kAuditListMax
};

struct AuditPage {
  std::vector<AuditRow> rows;
  std::map<std::int64_t, std::string> actor_names;    // actor_id -> pseudonym as it is now
  std::map<std::int64_t, std::string> network_slugs;  // network_id -> slug
  std::optional<std::int64_t> next_before;
  // The whole chain is checked on a first page (no before_id); later pages leave it out.
  std::optional<AuditVerifyResult> verification;
};

class AdminService {
 public:
  // `audit_anchor`: the anchor file beside the database (empty: none, as in unit tests).
  AdminService(store::Database& db, SessionService& sessions, std::filesystem::path audit_anchor,
               std::function<void()> audit_written)
      : db_(db), sessions_(sessions), audit_anchor_(std::move(audit_anchor)), audit_written_(std::move(audit_written)) {}

  // Not audited: a list shows names and keys only, nothing private.
  UserPage list_users(const Principal* who, const UserQuery& query);
  // Audited (user.view_private): sign-in history is private.
  UserDetails user_details(const Principal* who, const RequestMeta& meta, std::int64_t user_id);

  // Suspends the account and ends every session it has (their sockets close). Not oneself.
  UserSummary suspend(const Principal* who, const RequestMeta& meta, std::int64_t user_id, std::string_view reason);
  UserSummary restore(const Principal* who, const RequestMeta& meta, std::int64_t user_id, std::string_view reason);

  // Changes the role of the person's key to a network. A change that gives staff rights also
  // ends their sessions, so the next sign-in has staff session limits and the second factor.
  UserMembership change_role(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                             std::string_view network_slug, std::string_view role);

  // Every network of the deployment, oldest first (admins choose which one to manage).
  std::vector<store::NetworkRow> networks(const Principal* who);

  // Audited (audit.view).
  AuditPage audit(const Principal* who, const RequestMeta& meta, const AuditQuery& query);

 private:
  UserSummary summary_of(std::int64_t user_id);

  store::Database& db_;
  SessionService& sessions_;
  std::filesystem::path audit_anchor_;
  std::function<void()> audit_written_;
};

// The action recorded when an admin opens one person's details: "user.view_private" once the
// audit action list has it, "audit.view" (with details.view = "user_details") until then.
std::string_view user_view_audit_action() noexcept;

}  // namespace harbour::services
