#pragma once
// People and their keys to networks (users, memberships, guideline acceptances).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct UserRow {
  std::int64_t id = 0;
  std::string pseudonym;
  std::string pseudonym_key;
  std::optional<std::string> password_hash;
  bool is_admin = false;
  std::string status;  // active | suspended | erased
  std::optional<std::string> totp_secret;
  bool totp_enabled = false;
  std::optional<std::int64_t> totp_last_step;
  std::int64_t failed_signins = 0;
  std::optional<std::string> locked_until;
  std::string created_at;
};

struct MembershipRow {
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::string role;
  std::string status;  // active | suspended
};

std::optional<UserRow> find_user(Connection& c, std::int64_t id);
std::optional<UserRow> find_user_by_key(Connection& c, std::string_view pseudonym_key);
std::int64_t count_users(Connection& c);
std::int64_t insert_user(Connection& c, std::string_view pseudonym, std::string_view pseudonym_key,
                         std::string_view password_hash, bool is_admin, std::string_view now);
void set_admin(Connection& c, std::int64_t user_id, bool is_admin);
void set_user_status(Connection& c, std::int64_t user_id, std::string_view status);
void record_signin_failure(Connection& c, std::int64_t user_id, std::optional<std::string> locked_until);
void record_signin_success(Connection& c, std::int64_t user_id);
void set_password_hash(Connection& c, std::int64_t user_id, std::string_view hash);
void set_totp(Connection& c, std::int64_t user_id, std::optional<std::string> secret, bool enabled);
void set_totp_last_step(Connection& c, std::int64_t user_id, std::int64_t step);

// Replaces the user's recovery codes with these hashes.
void replace_recovery_codes(Connection& c, std::int64_t user_id, const std::vector<std::string>& code_hashes);
// True when an unused code with this hash existed (it is now used).
bool use_recovery_code(Connection& c, std::int64_t user_id, std::string_view code_hash, std::string_view now);

std::vector<MembershipRow> memberships_of(Connection& c, std::int64_t user_id);
// Adds or replaces the key to a network.
void upsert_membership(Connection& c, std::int64_t user_id, std::int64_t network_id, std::string_view role);
// The role of the person's active key to the network, if they and the key are both active.
std::optional<std::string> active_role_in(Connection& c, std::int64_t user_id, std::int64_t network_id);

struct GuidelinesRow {
  std::int64_t version = 0;
  std::string body;
};
std::optional<GuidelinesRow> current_guidelines(Connection& c, std::int64_t network_id);
void record_guidelines_acceptance(Connection& c, std::int64_t user_id, std::int64_t network_id, std::int64_t version,
                                  std::string_view now);

}  // namespace harbour::store
