#pragma once
// Roles and named capabilities. A person holds a key (membership) to a network with one role;
// admins are deployment-wide. Handlers never test roles: they ask for a capability, and this file
// is the one place that says which role has which.
#include <optional>
#include <string_view>

namespace harbour::services {

enum class Role { Member, Carer, Volunteer, PeerSupporter, Clinician };

std::optional<Role> parse_role(std::string_view name) noexcept;
std::string_view role_name(Role role) noexcept;
// Volunteers, peer supporters and clinicians moderate: staff, with a second factor.
bool is_staff(Role role) noexcept;

enum class Capability {
  ReadCommunity,           // forums, blogs, the Wall of the network
  PostCommunity,           // write in them (through the moderation gate)
  ReadResources,           // the resources library (carers too)
  Moderate,                // the moderation queue, live answers on the Wall
  HandleRiskCases,         // safeguarding cases: clinicians only
  IssueMemberInvitations,  // invite member or carer
  IssueStaffInvitations,   // invite volunteer, peer supporter, clinician (admins)
  ListInvitations,
  ManageUsers,             // suspend, restore, change roles (admins)
  ViewAudit,               // browse and verify the audit log (admins)
};

std::string_view capability_name(Capability capability) noexcept;

// Whether `role` in a network grants `capability` there (admin rights are checked separately).
bool role_grants(Role role, Capability capability) noexcept;
// Capabilities that only staff hold and that therefore need a completed second factor.
bool is_staff_capability(Capability capability) noexcept;

}  // namespace harbour::services
