#pragma once
// What administrators and the data-rights pages read and change about people beyond sign-in:
// the user list, open sessions, role changes, and the pieces of one person's record that an
// export shows and an erasure removes.
#include "store/invitation_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct UserSummaryRow {
  std::int64_t id = 0;
  std::string pseudonym;
  std::string status;  // active | suspended | erased
  bool is_admin = false;
  std::string created_at;
};

struct UserListQuery {
  std::optional<std::int64_t> network_id;  // only people holding a key to this network
  std::string name_prefix;                 // "" = any; matched case-insensitively (ASCII) on the pseudonym
  std::string key_prefix;                  // "" = none; matched on pseudonym_key (look-alikes)
  std::optional<std::string> status;
  std::int64_t before_id = INT64_MAX;      // keyset: ids below this, newest first
  int limit = 50;
};

// Newest first. A name or key prefix matches either column, so "sam" finds "Sam Smith" and "5am".
std::vector<UserSummaryRow> list_users(Connection& c, const UserListQuery& q);

// Sessions not ended and not past their absolute expiry at `now` (idle expiry is applied lazily).
std::int64_t count_open_sessions(Connection& c, std::int64_t user_id, std::string_view now);
// Admins who can still sign in (status active).
std::int64_t count_active_admins(Connection& c);

// True when the user held a key to the network (its role is now `role`).
bool set_membership_role(Connection& c, std::int64_t user_id, std::int64_t network_id, std::string_view role);

// ---- one person's record (export) -----------------------------------------------------------

struct SessionTimesRow {
  std::string created_at;
  std::string last_seen_at;
  std::string absolute_expires_at;
  std::optional<std::string> second_factor_at;
  std::optional<std::string> ended_at;
  std::optional<std::string> end_reason;
};
// Oldest first. Times only: never the token hash or the CSRF token.
std::vector<SessionTimesRow> session_times_of(Connection& c, std::int64_t user_id);

struct GuidelineAcceptanceRow {
  std::string network_slug;
  std::string network_name;
  std::int64_t version = 0;
  std::string accepted_at;
};
std::vector<GuidelineAcceptanceRow> guideline_acceptances_of(Connection& c, std::int64_t user_id);

// Invitations this person issued, oldest first (the token hash is not read).
std::vector<InvitationRow> invitations_issued_by(Connection& c, std::int64_t user_id);

struct RecoveryCodeCounts {
  std::int64_t unused = 0;
  std::int64_t used = 0;
};
RecoveryCodeCounts recovery_code_counts(Connection& c, std::int64_t user_id);

// ---- erasure (inside one writer job) --------------------------------------------------------

// Each returns the number of rows removed.
std::int64_t delete_memberships(Connection& c, std::int64_t user_id);
std::int64_t delete_guideline_acceptances(Connection& c, std::int64_t user_id);
std::int64_t delete_recovery_codes(Connection& c, std::int64_t user_id);
std::int64_t delete_sessions(Connection& c, std::int64_t user_id);

// Replaces the name and its key, removes the password hash, the TOTP secret and admin rights,
// clears sign-in counters and marks the row erased at `now`. The row itself stays, so what other
// tables and the audit log point at still exists (as a former member, not as a person).
void erase_user_row(Connection& c, std::int64_t user_id, std::string_view pseudonym, std::string_view pseudonym_key,
                    std::string_view now);

}  // namespace harbour::store
