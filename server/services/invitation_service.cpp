#include "services/invitation_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/ip_ref.hpp"
#include "services/request_meta.hpp"
#include "store/database.hpp"
#include "store/invitation_repo.hpp"
#include "store/network_repo.hpp"

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

std::string state_of(const store::InvitationRow& r, const std::string& now) {
  if (r.used_at) return "used";
  if (r.revoked_at) return "revoked";
  if (r.expires_at <= now) return "expired";
  return "open";
}

}  // namespace

bool valid_invitation_role(std::string_view role) noexcept { return role == "admin" || parse_role(role).has_value(); }

std::string InvitationService::link_for(std::string_view token) const { return public_url_ + "/join#" + std::string(token); }

IssuedInvitation InvitationService::insert(store::Connection& c, std::int64_t network_id, std::string_view slug,
                                           std::string_view role, const std::optional<std::string>& note,
                                           std::optional<std::int64_t> by, std::chrono::system_clock::time_point now,
                                           std::chrono::milliseconds expiry) {
  IssuedInvitation out;
  out.token = core::random_token();
  out.expires_at = core::format_utc_ms(now + expiry);
  out.id = store::insert_invitation(c, core::sha256_hex(out.token), network_id, role, note, by, core::format_utc_ms(now),
                                    out.expires_at);
  out.link = link_for(out.token);
  out.network_slug = std::string(slug);
  out.role = std::string(role);
  return out;
}

IssuedInvitation InvitationService::issue(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                                          std::string_view role, std::optional<std::string> note,
                                          std::optional<std::chrono::hours> expires_in) {
  if (!valid_invitation_role(role)) {
    throw AppError(ErrorKind::BadRequest, "invalid_role", "Choose a role: member, carer, volunteer, peer_supporter, clinician or admin.");
  }
  if (note && note->size() > 500) throw AppError(ErrorKind::BadRequest, "note_too_long", "Keep the note under 500 characters.");
  if (expires_in && (expires_in->count() < 1 || expires_in->count() > 24 * 30)) {
    throw AppError(ErrorKind::BadRequest, "invalid_expiry", "An invitation can last from 1 hour to 30 days.");
  }
  auto network = db_.read([&](store::Connection& c) { return store::find_network_by_slug(c, network_slug); });
  if (!network) throw AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
  const bool member_role = role == "member" || role == "carer";
  if (member_role) require_capability(who, Capability::IssueMemberInvitations, network->id);
  else require_admin(who);

  const auto expiry = expires_in ? std::chrono::duration_cast<std::chrono::milliseconds>(*expires_in) : default_expiry_;
  return run_audited(db_, audit_written_, [&](store::Connection& c) {
        auto issued = insert(c, network->id, network->slug, role, note, who->user_id, meta.now, expiry);
        AuditEntry e;
        e.actor_id = who->user_id;
        e.actor_role = who->audit_role(network->id);
        e.action = "invitation.create";
        e.target_type = "invitation";
        e.target_id = std::to_string(issued.id);
        e.network_id = network->id;
        e.session_hash = who->session_ref;
        e.ip_hash = audit_ip_ref(meta.ip);
        e.details = {{"role", std::string(role)}, {"expires_at", issued.expires_at}};
        append_audit(c, e, meta.now);
        return issued;
      });
}

IssuedInvitation InvitationService::issue_as_system(std::string_view network_slug, std::string_view role,
                                                    std::optional<std::string> note, std::string_view why) {
  if (!valid_invitation_role(role)) {
    throw AppError(ErrorKind::BadRequest, "invalid_role", "Choose a role: member, carer, volunteer, peer_supporter, clinician or admin.");
  }
  const auto now = std::chrono::system_clock::now();
  return run_audited(db_, audit_written_, [&](store::Connection& c) {
        auto network = store::find_network_by_slug(c, network_slug);
        if (!network) throw AppError(ErrorKind::NotFound, "network_not_found", "There is no network with that slug.");
        auto issued = insert(c, network->id, network->slug, role, note, std::nullopt, now, default_expiry_);
        AuditEntry e;
        e.actor_role = "system";
        e.action = "invitation.create";
        e.target_type = "invitation";
        e.target_id = std::to_string(issued.id);
        e.network_id = network->id;
        e.reason = std::string(why);
        e.details = {{"role", std::string(role)}, {"expires_at", issued.expires_at}};
        append_audit(c, e, now);
        return issued;
      });
}

std::vector<InvitationInfo> InvitationService::list(const Principal* who, std::string_view network_slug,
                                                    std::int64_t before_id, int limit) {
  auto network = db_.read([&](store::Connection& c) { return store::find_network_by_slug(c, network_slug); });
  if (!network) throw AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
  require_capability(who, Capability::ListInvitations, network->id);
  const auto now = core::format_utc_ms(std::chrono::system_clock::now());
  auto rows = db_.read([&](store::Connection& c) { return store::list_invitations(c, network->id, before_id, limit); });
  std::vector<InvitationInfo> out;
  for (auto& r : rows) {
    out.push_back({r.id, r.network_slug, r.network_name, r.role, r.note,
                   r.created_by ? r.created_by_pseudonym : std::string("(system)"), r.created_at, r.expires_at,
                   state_of(r, now)});
  }
  return out;
}

void InvitationService::revoke(const Principal* who, const RequestMeta& meta, std::int64_t id) {
  auto row = db_.read([&](store::Connection& c) { return store::find_invitation(c, id); });
  if (!row) throw AppError(ErrorKind::NotFound, "invitation_not_found", "There is no such invitation.");
  if (row->role == "member" || row->role == "carer") require_capability(who, Capability::IssueMemberInvitations, row->network_id);
  else require_admin(who);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
        if (!store::revoke_invitation(c, id, who->user_id, core::format_utc_ms(meta.now))) {
          throw AppError(ErrorKind::Conflict, "invitation_not_open", "This invitation was already used or revoked.");
        }
        AuditEntry e;
        e.actor_id = who->user_id;
        e.actor_role = who->audit_role(row->network_id);
        e.action = "invitation.revoke";
        e.target_type = "invitation";
        e.target_id = std::to_string(id);
        e.network_id = row->network_id;
        e.session_hash = who->session_ref;
        e.ip_hash = audit_ip_ref(meta.ip);
        append_audit(c, e, meta.now);
      });
}

}  // namespace harbour::services
