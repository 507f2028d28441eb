#pragma once
// Sign-in sessions: a 256-bit random token in a __Host- cookie, stored only as its SHA-256, with
// idle and absolute expiry (shorter for staff), a per-session CSRF token, and the second-factor
// state. Resolving a token builds the request's Principal.
#include "core/config.hpp"
#include "services/principal.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::store {
class Connection;
class Database;
struct UserRow;
}  // namespace harbour::store

namespace harbour::services {

inline constexpr std::string_view kSessionCookie = "__Host-harbour_session";
// WebSocket close code (private range 4000-4999) sent when the socket's session ends.
inline constexpr int kSessionEndedCloseCode = 4001;

struct NewSession {
  std::string token;  // goes to the cookie, never stored or logged
  std::string csrf_token;
  std::int64_t session_id = 0;
  std::chrono::seconds max_age{0};
};

// The short, non-reversible reference to a session kept in audit rows.
std::string session_ref(std::string_view token);

class SessionService {
 public:
  SessionService(store::Database& db, core::SessionLimits limits) : db_(db), limits_(limits) {}

  // Inside a writer job (the caller audits the sign-in in the same transaction).
  NewSession create(store::Connection& c, std::int64_t user_id, bool staff, std::chrono::system_clock::time_point now);

  // The principal for a cookie token, or nullptr when unknown, ended or expired. Refreshes
  // last_seen at most once a minute (asynchronously).
  std::shared_ptr<const Principal> resolve(std::string_view token, std::chrono::system_clock::time_point now);

  // Called with the ids of sessions that ended, so live sockets can be closed.
  void on_sessions_ended(std::function<void(const std::vector<std::int64_t>&)> callback) { ended_ = std::move(callback); }
  void notify_ended(const std::vector<std::int64_t>& ids) const {
    if (ended_ && !ids.empty()) ended_(ids);
  }

  const core::SessionLimits& limits() const { return limits_; }

 private:
  store::Database& db_;
  core::SessionLimits limits_;
  std::function<void(const std::vector<std::int64_t>&)> ended_;
};

}  // namespace harbour::services
