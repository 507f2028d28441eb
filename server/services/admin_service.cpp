#include "services/admin_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/ip_ref.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/roles.hpp"
#include "services/session_service.hpp"
#include "services/staff_action.hpp"
#include "store/account_repo.hpp"
#include "store/admin_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/session_repo.hpp"

#include <algorithm>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr int kRecentSignIns = 20;

AppError user_not_found() {
  return AppError(ErrorKind::NotFound, "user_not_found", "There is no account with that number.");
}

AppError network_not_found() {
  return AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
}

AuditEntry admin_entry(const Principal& p, std::string action, const RequestMeta& meta, std::int64_t user_id) {
  AuditEntry e;
  e.actor_id = p.user_id;
  e.actor_role = p.audit_role(std::nullopt);
  e.action = std::move(action);
  e.target_type = "user";
  e.target_id = std::to_string(user_id);
  e.session_hash = p.session_ref;
  e.ip_hash = audit_ip_ref(meta.ip);
  return e;
}

UserMembership membership_of(const store::MembershipRow& m) {
  return {m.network_slug, m.network_name, m.role, m.status == "active"};
}

UserSummary summary_from(store::Connection& c, std::int64_t id, std::string pseudonym, std::string status, bool is_admin,
                         std::string created_at) {
  UserSummary u{id, std::move(pseudonym), std::move(status), is_admin, std::move(created_at), {}};
  for (const auto& m : store::memberships_of(c, id)) u.memberships.push_back(membership_of(m));
  return u;
}

}  // namespace

std::string_view user_view_audit_action() noexcept {
  return is_audit_action("user.view_private") ? std::string_view("user.view_private") : std::string_view("audit.view");
}

UserSummary AdminService::summary_of(std::int64_t user_id) {
  return db_.read([&](store::Connection& c) {
    const auto u = store::find_user(c, user_id);
    if (!u) throw user_not_found();
    return summary_from(c, u->id, u->pseudonym, u->status, u->is_admin, u->created_at);
  });
}

UserPage AdminService::list_users(const Principal* who, const UserQuery& query) {
  require_admin(who);
  if (query.status && *query.status != "active" && *query.status != "suspended" && *query.status != "erased") {
    throw AppError(ErrorKind::BadRequest, "invalid_filter", "Status can be active, suspended or erased.");
  }
  if (query.name_prefix.size() > 256) {
    throw AppError(ErrorKind::BadRequest, "invalid_filter", "Search with the first few letters of a pseudonym.");
  }
  store::UserListQuery q;
  q.name_prefix = query.name_prefix;
  // The look-alike key of the prefix also finds "5am Smith" for "sam". A last r, v or c is left
  // out of it: in the whole name it may be half of "rn", "vv" or "cl", which keys as m, w or d.
  if (!query.name_prefix.empty()) {
    auto key = pseudonym_key(query.name_prefix);
    if (!key.empty() && (key.back() == 'r' || key.back() == 'v' || key.back() == 'c')) key.pop_back();
    q.key_prefix = std::move(key);
  }
  q.status = query.status;
  q.before_id = query.before_id.value_or(INT64_MAX);
  q.limit = kUserPageMax;
  return db_.read([&](store::Connection& c) {
    if (query.network_slug) {
      const auto network = store::find_network_by_slug(c, *query.network_slug);
      if (!network) throw network_not_found();
      q.network_id = network->id;
    }
    UserPage page;
    for (auto& r : store::list_users(c, q)) {
      page.users.push_back(summary_from(c, r.id, std::move(r.pseudonym), std::move(r.status), r.is_admin,
                                        std::move(r.created_at)));
    }
    if (static_cast<int>(page.users.size()) == q.limit) page.next_before = page.users.back().id;
    return page;
  });
}

UserDetails AdminService::user_details(const Principal* who, const RequestMeta& meta, std::int64_t user_id) {
  require_admin(who);
  const auto now = core::format_utc_ms(meta.now);
  auto details = db_.read([&](store::Connection& c) {
    const auto u = store::find_user(c, user_id);
    if (!u) throw user_not_found();
    UserDetails d;
    d.user = summary_from(c, u->id, u->pseudonym, u->status, u->is_admin, u->created_at);
    d.totp_enabled = u->totp_enabled;
    d.failed_signins = u->failed_signins;
    d.locked_until = u->locked_until;
    d.open_sessions = store::count_open_sessions(c, user_id, now);
    // Sign-ins and lock-outs of this account, merged newest first.
    std::vector<AuditRow> rows;
    for (const char* action : {"auth.sign_in", "auth.lockout"}) {
      AuditFilter f;
      f.actor_id = user_id;
      f.action = action;
      f.limit = kRecentSignIns;
      auto part = list_audit(c, f);
      rows.insert(rows.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    std::sort(rows.begin(), rows.end(), [](const AuditRow& a, const AuditRow& b) { return a.id > b.id; });
    if (rows.size() > static_cast<std::size_t>(kRecentSignIns)) rows.resize(kRecentSignIns);
    for (auto& r : rows) {
      d.recent_sign_ins.push_back({r.id, std::move(r.at), std::move(r.outcome), std::move(r.reason), std::move(r.ip_hash)});
    }
    return d;
  });
  // Sign-in history and lock state are private: the look itself is recorded.
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    auto e = admin_entry(*who, std::string(user_view_audit_action()), meta, user_id);
    e.details = {{"view", "user_details"}};
    append_audit(c, e, meta.now);
  });
  return details;
}

UserSummary AdminService::suspend(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                  std::string_view reason) {
  require_admin(who);
  const auto why = checked_staff_reason(reason);
  if (user_id == who->user_id) {
    throw AppError(ErrorKind::Conflict, "cannot_suspend_self",
                   "You cannot suspend your own account. Ask another administrator if it needs doing.");
  }
  const auto now = core::format_utc_ms(meta.now);
  const auto ended = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto user = store::find_user(c, user_id);
    if (!user) throw user_not_found();
    if (user->status == "erased") {
      throw AppError(ErrorKind::Conflict, "user_erased", "This account was erased. There is nothing to suspend.");
    }
    if (user->status == "suspended") {
      throw AppError(ErrorKind::Conflict, "already_suspended", "This account is already suspended.");
    }
    store::set_user_status(c, user_id, "suspended");
    auto ids = store::end_user_sessions(c, user_id, now, "suspended");
    auto e = admin_entry(*who, "user.suspend", meta, user_id);
    e.reason = why;
    e.details = {{"sessions_ended", ids.size()}};
    append_audit(c, e, meta.now);
    return ids;
  });
  sessions_.notify_ended(ended);  // their open pages and sockets close now
  return summary_of(user_id);
}

UserSummary AdminService::restore(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                  std::string_view reason) {
  require_admin(who);
  const auto why = checked_staff_reason(reason);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto user = store::find_user(c, user_id);
    if (!user) throw user_not_found();
    if (user->status != "suspended") {
      throw AppError(ErrorKind::Conflict, "not_suspended", "This account is not suspended, so there is nothing to restore.");
    }
    store::set_user_status(c, user_id, "active");
    auto e = admin_entry(*who, "user.restore", meta, user_id);
    e.reason = why;
    append_audit(c, e, meta.now);
  });
  return summary_of(user_id);
}

UserMembership AdminService::change_role(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                         std::string_view network_slug, std::string_view role) {
  require_admin(who);
  const auto new_role = parse_role(role);
  if (!new_role) {
    throw AppError(ErrorKind::BadRequest, "invalid_role",
                   "Choose a role: member, carer, volunteer, peer_supporter or clinician.");
  }
  const auto network = db_.read([&](store::Connection& c) { return store::find_network_by_slug(c, network_slug); });
  if (!network) throw network_not_found();
  const auto now = core::format_utc_ms(meta.now);

  struct Changed {
    UserMembership membership;
    std::vector<std::int64_t> ended;
  };
  auto changed = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto user = store::find_user(c, user_id);
    if (!user) throw user_not_found();
    const auto memberships = store::memberships_of(c, user_id);
    const auto it = std::find_if(memberships.begin(), memberships.end(),
                                 [&](const store::MembershipRow& m) { return m.network_id == network->id; });
    if (it == memberships.end()) {
      throw AppError(ErrorKind::NotFound, "membership_not_found",
                     "This person has no key to that network. Send them an invitation instead.");
    }
    Changed out{membership_of(*it), {}};
    const auto old_role = parse_role(it->role);
    if (old_role == new_role) return out;  // PUT of the same role: nothing to do, nothing to record
    store::set_membership_role(c, user_id, network->id, role_name(*new_role));
    out.membership.role = std::string(role_name(*new_role));
    // Gaining staff rights: sessions opened as a member have member limits and no second-factor
    // step; ending them makes the next sign-in a staff one.
    const bool was_staff = user->is_admin || std::any_of(memberships.begin(), memberships.end(), [](const auto& m) {
                             const auto r = parse_role(m.role);
                             return r && is_staff(*r);
                           });
    if (!was_staff && is_staff(*new_role)) out.ended = store::end_user_sessions(c, user_id, now, "role_change");
    auto e = admin_entry(*who, "membership.role_change", meta, user_id);
    e.network_id = network->id;
    e.details = {{"old_role", it->role}, {"new_role", role_name(*new_role)}, {"sessions_ended", out.ended.size()}};
    append_audit(c, e, meta.now);
    return out;
  });
  sessions_.notify_ended(changed.ended);
  return changed.membership;
}

std::vector<store::NetworkRow> AdminService::networks(const Principal* who) {
  require_admin(who);
  return db_.read([](store::Connection& c) { return store::list_networks(c); });
}

AuditPage AdminService::audit(const Principal* who, const RequestMeta& meta, const AuditQuery& query) {
  require_admin(who);
  if (query.action && !is_audit_action(*query.action)) {
    throw AppError(ErrorKind::BadRequest, "invalid_filter", "There is no audit action with that name.");
  }
  if (query.outcome && !is_audit_outcome(*query.outcome)) {
    throw AppError(ErrorKind::BadRequest, "invalid_filter", "Outcome can be success, failure or denied.");
  }
  AuditFilter filter;
  filter.action = query.action;
  filter.actor_id = query.actor_id;
  filter.outcome = query.outcome;
  filter.before_id = query.before_id;
  filter.limit = std::clamp(query.limit, 1, kAuditListMax);

  // The anchor is read before the database, so it can never be ahead of the snapshot checked.
  const bool verify = !query.before_id;
  std::optional<AuditAnchor> anchor;
  std::string anchor_problem;
  if (verify && !audit_anchor_.empty()) {
    try {
      anchor = read_audit_anchor(audit_anchor_);
    } catch (const std::exception& e) {
      core::log::error("audit_anchor_unreadable", {{"error", e.what()}});
      anchor_problem = "the audit anchor file beside the database is damaged or unreadable, so the end of the log"
                       " cannot be checked";
    }
  }

  auto page = db_.read([&](store::Connection& c) {
    if (query.network_slug) {
      const auto network = store::find_network_by_slug(c, *query.network_slug);
      if (!network) throw network_not_found();
      filter.network_id = network->id;
    }
    AuditPage p;
    p.rows = list_audit(c, filter);
    for (const auto& r : p.rows) {
      if (r.actor_id && !p.actor_names.contains(*r.actor_id)) {
        const auto u = store::find_user(c, *r.actor_id);
        p.actor_names[*r.actor_id] = u ? u->pseudonym : std::string();
      }
    }
    for (const auto& n : store::list_networks(c)) p.network_slugs[n.id] = n.slug;
    if (static_cast<int>(p.rows.size()) == filter.limit) p.next_before = p.rows.back().id;
    if (verify) {
      auto result = verify_audit_chain(c, anchor);
      if (result.ok && !anchor_problem.empty()) {
        result.ok = false;
        result.problem = anchor_problem;
      }
      p.verification = std::move(result);
    }
    return p;
  });

  run_audited(db_, audit_written_, [&](store::Connection& c) {
    AuditEntry e;
    e.actor_id = who->user_id;
    e.actor_role = who->audit_role(std::nullopt);
    e.action = "audit.view";
    e.session_hash = who->session_ref;
    e.ip_hash = audit_ip_ref(meta.ip);
    nlohmann::json filters = nlohmann::json::object();
    if (query.action) filters["action"] = *query.action;
    if (query.actor_id) filters["actor_id"] = *query.actor_id;
    if (query.network_slug) filters["network"] = *query.network_slug;
    if (query.outcome) filters["outcome"] = *query.outcome;
    if (query.before_id) filters["before_id"] = *query.before_id;
    e.details = {{"filters", filters}, {"rows", page.rows.size()}};
    if (page.verification) e.details["verified"] = page.verification->ok;
    append_audit(c, e, meta.now);
  });
  return page;
}

}  // namespace harbour::services
