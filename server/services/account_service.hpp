#pragma once
// Joining with an invitation, signing in and out. Every sign-in attempt, success or failure, is
// audited; limits apply per IP and per account before any password hashing; unknown and known
// pseudonyms cost the same time.
#include "core/rate_limiter.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"
#include "services/session_service.hpp"

#include <functional>
#include <optional>
#include <string>

namespace harbour::store {
class Database;
}

namespace harbour::services {

class PasswordHasher;

struct InvitationPreview {
  std::string network_slug;
  std::string network_name;
  std::string role;
  std::string expires_at;
  std::int64_t guidelines_version = 0;
  std::string guidelines;
};

struct Registration {
  std::string invitation_token;
  std::string pseudonym;
  std::string password;
  std::int64_t accepted_guidelines_version = 0;
};

struct SignedIn {
  NewSession session;
  std::int64_t user_id = 0;
  std::string pseudonym;
  bool second_factor_required = false;  // staff: the session must complete TOTP next
};

class AccountService {
 public:
  AccountService(store::Database& db, SessionService& sessions, PasswordHasher& hasher,
                 std::function<void()> audit_written)
      : db_(db), sessions_(sessions), hasher_(hasher), audit_written_(std::move(audit_written)) {}

  // Anonymous: what an invitation opens, before choosing a pseudonym. Throws invitation_* errors.
  InvitationPreview preview_invitation(std::string_view token, std::chrono::system_clock::time_point now);
  // Creates the account, uses up the invitation, records the guidelines and signs in.
  SignedIn register_account(const Registration& r, const RequestMeta& meta);
  // An existing account uses another invitation: adds a key to one more network.
  void redeem_invitation(const Principal* who, std::string_view token, std::int64_t accepted_guidelines_version,
                         const RequestMeta& meta);

  SignedIn sign_in(std::string_view pseudonym, std::string_view password, const RequestMeta& meta);
  void sign_out(const Principal* who, const RequestMeta& meta);
  void sign_out_everywhere(const Principal* who, const RequestMeta& meta);

 private:
  store::Database& db_;
  SessionService& sessions_;
  PasswordHasher& hasher_;
  std::function<void()> audit_written_;
  core::RateLimiter per_ip_{20, 10};      // sign-in attempts per minute per IP
  core::RateLimiter per_account_{6, 5};   // per pseudonym
};

}  // namespace harbour::services
