#include "services/session_service.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/session_repo.hpp"
#include "store/writer.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace harbour::services {
namespace {

// Parses the "YYYY-MM-DDTHH:MM:SS(.mmm)Z" form we store.
std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text) {
  std::tm tm{};
  if (text.size() < 20 || !strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::string session_ref(std::string_view token) { return core::sha256_hex(token).substr(0, 16); }

NewSession SessionService::create(store::Connection& c, std::int64_t user_id, bool staff,
                                  std::chrono::system_clock::time_point now) {
  NewSession s;
  s.token = core::random_token();
  s.csrf_token = core::random_token();
  const auto idle = staff ? limits_.staff_idle : limits_.member_idle;
  const auto absolute = staff ? limits_.staff_absolute : limits_.member_absolute;
  s.session_id = store::insert_session(c, core::sha256_hex(s.token), user_id, s.csrf_token, core::format_utc_ms(now),
                                       std::chrono::duration_cast<std::chrono::seconds>(idle).count(),
                                       core::format_utc_ms(now + absolute));
  s.max_age = std::chrono::duration_cast<std::chrono::seconds>(absolute);
  return s;
}

std::shared_ptr<const Principal> SessionService::resolve(std::string_view token, std::chrono::system_clock::time_point now) {
  // Tokens are 43 base64url characters; anything else cannot be one (and is not hashed).
  if (token.size() != 43) return nullptr;
  const auto hash = core::sha256_hex(token);
  // Read before the database: a commit after this point makes the cached entry miss.
  const auto generation = db_.writer().identity_generation();
  const auto steady_now = std::chrono::steady_clock::now();
  auto found = cache_.get(hash, generation, steady_now);
  if (!found) {
    found = load(token, hash);
    if (!found) return nullptr;
    cache_.put(hash, *found, generation, steady_now);
  }
  return check(*found, hash, generation, steady_now, now);
}

std::optional<std::shared_ptr<const Principal>> SessionService::resolve_cached(std::string_view token,
                                                                               std::chrono::system_clock::time_point now) {
  if (token.size() != 43) return std::shared_ptr<const Principal>();
  const auto hash = core::sha256_hex(token);
  const auto generation = db_.writer().identity_generation();
  const auto steady_now = std::chrono::steady_clock::now();
  const auto found = cache_.get(hash, generation, steady_now);
  if (!found) return std::nullopt;
  return check(*found, hash, generation, steady_now, now);
}

std::shared_ptr<const Principal> SessionService::check(const Resolved& session, const std::string& hash,
                                                       std::uint64_t generation, std::chrono::steady_clock::time_point steady_now,
                                                       std::chrono::system_clock::time_point now) {
  // The deadlines are checked on every request, cached or not.
  const bool idle_expired = now - session.last_seen > session.idle_timeout;
  const bool absolute_expired = now >= session.principal->session_expires_at;
  if (idle_expired || absolute_expired) {
    const auto id = session.principal->session_id;
    const auto at = core::format_utc_ms(now);
    const char* reason = absolute_expired ? "expired" : "idle";
    try {
      db_.writer().submit([id, at, reason](store::Connection& c) { store::end_session(c, id, at, reason); }, {});
    } catch (const std::exception&) {
      // Shutting down, or the database is locked: the session is over either way (its deadline
      // is checked on every request), and the request goes on as signed out.
    }
    return nullptr;
  }
  if (now - session.last_seen > std::chrono::minutes(1)) {
    const auto id = session.principal->session_id;
    const auto at = core::format_utc_ms(now);
    try {
      // Bookkeeping: it moves no generation, so it does not empty every cache once a minute per
      // session; the cached entry learns the new time here instead.
      db_.writer().submit([id, at](store::Connection& c) { store::touch_session(c, id, at); }, {},
                          store::Writer::Effect::Bookkeeping);
      cache_.put(hash, Resolved{session.principal, now, session.idle_timeout}, generation, steady_now);
    } catch (const std::exception&) {
      // Shutting down: the next request refreshes it.
    }
  }
  return session.principal;
}

std::optional<SessionService::Resolved> SessionService::load(std::string_view token, const std::string& hash) {
  struct Loaded {
    store::SessionRow session;
    store::UserRow user;
    std::vector<store::MembershipRow> memberships;
  };
  auto loaded = db_.read([&](store::Connection& c) -> std::optional<Loaded> {
    auto session = store::find_session_by_hash(c, hash);
    if (!session || session->ended_at) return std::nullopt;
    auto user = store::find_user(c, session->user_id);
    if (!user || user->status == "erased") return std::nullopt;
    return Loaded{*session, *user, store::memberships_of(c, user->id)};
  });
  if (!loaded) return std::nullopt;
  const auto last_seen = parse_utc(loaded->session.last_seen_at);
  const auto absolute = parse_utc(loaded->session.absolute_expires_at);
  if (!last_seen || !absolute) return std::nullopt;  // unreadable deadlines: not a usable session

  auto p = std::make_shared<Principal>();
  p->user_id = loaded->user.id;
  p->pseudonym = loaded->user.pseudonym;
  p->is_admin = loaded->user.is_admin;
  p->suspended = loaded->user.status == "suspended";
  p->totp_enabled = loaded->user.totp_enabled;
  p->session_id = loaded->session.id;
  p->session_ref = session_ref(token);
  p->csrf_token = loaded->session.csrf_token;
  p->second_factor_done = loaded->session.second_factor_at.has_value();
  p->session_expires_at = *absolute;
  for (const auto& m : loaded->memberships) {
    if (auto role = parse_role(m.role)) {
      p->memberships.push_back({m.network_id, m.network_slug, m.network_name, *role, m.status == "active"});
    }
  }
  return Resolved{std::move(p), *last_seen, std::chrono::seconds(loaded->session.idle_timeout_s)};
}

}  // namespace harbour::services
