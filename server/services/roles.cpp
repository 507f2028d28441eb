#include "services/roles.hpp"

namespace harbour::services {

std::optional<Role> parse_role(std::string_view name) noexcept {
  if (name == "member") return Role::Member;
  if (name == "carer") return Role::Carer;
  if (name == "volunteer") return Role::Volunteer;
  if (name == "peer_supporter") return Role::PeerSupporter;
  if (name == "clinician") return Role::Clinician;
  return std::nullopt;
}

std::string_view role_name(Role role) noexcept {
  switch (role) {
    case Role::Member: return "member";
    case Role::Carer: return "carer";
    case Role::Volunteer: return "volunteer";
    case Role::PeerSupporter: return "peer_supporter";
    case Role::Clinician: return "clinician";
  }
  return "member";
}

bool is_staff(Role role) noexcept {
  return role == Role::Volunteer || role == Role::PeerSupporter || role == Role::Clinician;
}

std::string_view capability_name(Capability c) noexcept {
  switch (c) {
    case Capability::ReadCommunity: return "read_community";
    case Capability::PostCommunity: return "post_community";
    case Capability::ReadResources: return "read_resources";
    case Capability::Moderate: return "moderate";
    case Capability::HandleRiskCases: return "handle_risk_cases";
    case Capability::IssueMemberInvitations: return "issue_member_invitations";
    case Capability::IssueStaffInvitations: return "issue_staff_invitations";
    case Capability::ListInvitations: return "list_invitations";
    case Capability::ManageUsers: return "manage_users";
    case Capability::ViewAudit: return "view_audit";
  }
  return "unknown";
}

bool role_grants(Role role, Capability c) noexcept {
  switch (c) {
    case Capability::ReadCommunity:
    case Capability::PostCommunity:
      // Carers mainly read resources and the spaces opened to carers (per-space audiences come
      // with the content issue); the member community is for former patients and staff.
      return role != Role::Carer;
    case Capability::ReadResources:
      return true;
    case Capability::Moderate:
      return is_staff(role);
    case Capability::HandleRiskCases:
      return role == Role::Clinician;
    case Capability::IssueMemberInvitations:
    case Capability::ListInvitations:
      return role == Role::Clinician;
    case Capability::IssueStaffInvitations:
    case Capability::ManageUsers:
    case Capability::ViewAudit:
      return false;  // admins only
  }
  return false;
}

bool is_staff_capability(Capability c) noexcept {
  switch (c) {
    case Capability::ReadCommunity:
    case Capability::PostCommunity:
    case Capability::ReadResources:
      return false;
    default:
      return true;
  }
}

}  // namespace harbour::services
