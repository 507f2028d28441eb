#pragma once
// Invitations: single-use keys to one network with one role, stored by token hash only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct InvitationRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::string role;
  std::optional<std::string> note;
  std::optional<std::int64_t> created_by;
  std::string created_by_pseudonym;
  std::string created_at;
  std::string expires_at;
  std::optional<std::string> used_at;
  std::optional<std::string> revoked_at;
};

std::int64_t insert_invitation(Connection& c, std::string_view token_hash, std::int64_t network_id, std::string_view role,
                               const std::optional<std::string>& note, std::optional<std::int64_t> created_by,
                               std::string_view now, std::string_view expires_at);
std::optional<InvitationRow> find_invitation_by_hash(Connection& c, std::string_view token_hash);
std::optional<InvitationRow> find_invitation(Connection& c, std::int64_t id);
// Newest first; keyset by id.
std::vector<InvitationRow> list_invitations(Connection& c, std::int64_t network_id, std::int64_t before_id, int limit);
// True when it was unused and unrevoked (and is now used): the single-use guarantee.
bool mark_invitation_used(Connection& c, std::int64_t id, std::int64_t user_id, std::string_view now);
bool revoke_invitation(Connection& c, std::int64_t id, std::int64_t by, std::string_view now);
// Unused, unrevoked, unexpired admin invitations (first start prints one only when there is none).
std::int64_t count_open_admin_invitations(Connection& c, std::string_view now);

}  // namespace harbour::store
