#pragma once
// Invitations: a key to one network with one role. Clinicians invite members and carers; staff
// roles and admins are invited by admins only. The token (>= 128 bits; we use 256) is shown once,
// stored only as its SHA-256, single use, revocable, and expires (7 days by default).
#include "services/principal.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace harbour::store {
class Connection;
class Database;
}  // namespace harbour::store

namespace harbour::services {

struct RequestMeta;

struct IssuedInvitation {
  std::int64_t id = 0;
  std::string token;  // shown once
  std::string link;   // {public_url}/join#<token>: the fragment never reaches a server log
  std::string network_slug;
  std::string role;
  std::string expires_at;
};

struct InvitationInfo {
  std::int64_t id = 0;
  std::string network_slug;
  std::string network_name;
  std::string role;
  std::optional<std::string> note;
  std::string created_by;
  std::string created_at;
  std::string expires_at;
  std::string state;  // open | used | revoked | expired
};

// "member", "carer", "volunteer", "peer_supporter", "clinician" or "admin".
bool valid_invitation_role(std::string_view role) noexcept;

class InvitationService {
 public:
  InvitationService(store::Database& db, std::string public_url, std::chrono::milliseconds default_expiry,
                    std::function<void()> audit_written)
      : db_(db), public_url_(std::move(public_url)), default_expiry_(default_expiry),
        audit_written_(std::move(audit_written)) {}

  // By a signed-in person through the API (authorised and audited here).
  IssuedInvitation issue(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                         std::string_view role, std::optional<std::string> note,
                         std::optional<std::chrono::hours> expires_in);
  // By the operator on the command line, or at first start (audited as the system).
  IssuedInvitation issue_as_system(std::string_view network_slug, std::string_view role, std::optional<std::string> note,
                                   std::string_view why);
  std::vector<InvitationInfo> list(const Principal* who, std::string_view network_slug, std::int64_t before_id, int limit);
  void revoke(const Principal* who, const RequestMeta& meta, std::int64_t id);

  std::string link_for(std::string_view token) const;
  // Once the listener is bound (port 0 in tests), links name the real address.
  void set_public_url(std::string url) { public_url_ = std::move(url); }

 private:
  IssuedInvitation insert(store::Connection& c, std::int64_t network_id, std::string_view slug, std::string_view role,
                          const std::optional<std::string>& note, std::optional<std::int64_t> by,
                          std::chrono::system_clock::time_point now, std::chrono::milliseconds expiry);

  store::Database& db_;
  std::string public_url_;
  std::chrono::milliseconds default_expiry_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
