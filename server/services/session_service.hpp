#pragma once
// Sign-in sessions: a 256-bit random token in a __Host- cookie, stored only as its SHA-256, with
// idle and absolute expiry (shorter for staff), a per-session CSRF token, and the second-factor
// state. Resolving a token builds the request's Principal.
#include "core/config.hpp"
#include "core/generation_cache.hpp"
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
  // last_seen at most once a minute (asynchronously). What the database says of a session is
  // cached until the next commit (or five seconds: see core/generation_cache.hpp), so a signed-in
  // read costs no SQLite transaction for the session; its deadlines are checked every time.
  std::shared_ptr<const Principal> resolve(std::string_view token, std::chrono::system_clock::time_point now);
  // The same from the cache alone, never reading the database (for the I/O thread): nullopt when
  // the cache cannot tell; otherwise what resolve() would answer (nullptr: no valid session).
  std::optional<std::shared_ptr<const Principal>> resolve_cached(std::string_view token,
                                                                 std::chrono::system_clock::time_point now);

  // Called with the ids of sessions that ended, so live sockets can be closed.
  void on_sessions_ended(std::function<void(const std::vector<std::int64_t>&)> callback) { ended_ = std::move(callback); }
  void notify_ended(const std::vector<std::int64_t>& ids) const {
    if (ended_ && !ids.empty()) ended_(ids);
  }

  const core::SessionLimits& limits() const { return limits_; }

 private:
  struct Resolved {
    std::shared_ptr<const Principal> principal;
    std::chrono::system_clock::time_point last_seen;
    std::chrono::seconds idle_timeout;
  };
  std::optional<Resolved> load(std::string_view token, const std::string& hash);
  // The deadlines and the last-seen refresh, for a session found (in the cache or the database).
  std::shared_ptr<const Principal> check(const Resolved& session, const std::string& hash, std::uint64_t generation,
                                         std::chrono::steady_clock::time_point steady_now,
                                         std::chrono::system_clock::time_point now);

  store::Database& db_;
  core::SessionLimits limits_;
  // Keyed by the token's hash. 4,096 sessions: more people than one server's busiest Wall.
  core::GenerationCache<Resolved> cache_{4096, std::chrono::seconds(5)};
  std::function<void(const std::vector<std::int64_t>&)> ended_;
};

}  // namespace harbour::services
