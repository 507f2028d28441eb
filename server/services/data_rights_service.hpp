#pragma once
// A person's rights over their own data (UK GDPR articles 15, 17 and 20): a download of
// everything held about them, and erasure of their account.
//
// Both are built from per-feature parts so later features add theirs without touching this file:
//   add_export_section("posts", fn)  adds "sections.posts" to every export;
//   add_erase_step("posts", fn)      runs inside the erasure transaction (removing or
//                                    anonymising the person's content as they chose) and its
//                                    summary goes into the account.erase audit row.
// Register parts at start-up (in Services' constructor), before requests are served.
//
// Erasure keeps the users row as a former member: it is what audit rows, invitations and (later)
// anonymised content point at. What identified or authenticated the person goes:
//   - the pseudonym becomes "Former member <6 random digits>", whose look-alike key is taken, so
//     nobody can later register a name that passes for it; the OLD key is freed, so the old
//     pseudonym can be chosen again by someone new;
//   - password hash, TOTP secret, recovery codes and admin rights are removed;
//   - keys to networks (memberships) are removed; every session is ended and its row deleted
//     (open pages and sockets close);
//   - guideline acceptances are deleted; only their number is kept, in the audit row;
//   - the content choice ("remove" or "anonymise") is kept in the audit row (details.content),
//     for the content features to apply;
//   - audit rows the person made stay (the log is append-only and is a security record); they
//     name the account by number only, and the number now belongs to a former member.
#include "core/rate_limiter.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harbour::store {
class Connection;
class Database;
}  // namespace harbour::store

namespace harbour::services {

class PasswordHasher;
class SessionService;

enum class ContentChoice { Remove, Anonymise };
// "remove" | "anonymise" (also "anonymize"); throws AppError invalid_content_choice otherwise.
ContentChoice parse_content_choice(std::string_view text);
std::string_view content_choice_name(ContentChoice choice) noexcept;

// Reads one section of a person's export on a reader inside a read transaction. Returns any JSON
// value; it must never hold secrets (password hashes, TOTP secrets, token hashes, CSRF tokens).
using ExportSection = std::function<nlohmann::json(store::Connection&, std::int64_t user_id)>;
// Runs inside the erasure writer job. Returns a small JSON object (counts) for the audit row;
// throw to abandon the whole erasure.
using EraseStep = std::function<nlohmann::json(store::Connection&, std::int64_t user_id, ContentChoice content)>;

class DataRightsService {
 public:
  DataRightsService(store::Database& db, SessionService& sessions, PasswordHasher& hasher,
                    std::function<void()> audit_written);

  void add_export_section(std::string name, ExportSection section);
  void add_erase_step(std::string name, EraseStep step);

  // {"format":"harbour.export.v1","exported_at":...,"about":...,"sections":{name: ...}}.
  // Audited (account.export).
  nlohmann::json export_data(const Principal* who, const RequestMeta& meta);

  // Checks the password again, then erases in one transaction (see above). Audited
  // (account.erase; a wrong password is audited as a failure). 409 last_admin when this is the
  // only active admin account.
  // `content` is "remove" or "anonymise" (parse_content_choice).
  void erase(const Principal* who, const RequestMeta& meta, std::string_view password, std::string_view content);

 private:
  store::Database& db_;
  SessionService& sessions_;
  PasswordHasher& hasher_;
  std::function<void()> audit_written_;
  std::vector<std::pair<std::string, ExportSection>> sections_;
  std::vector<std::pair<std::string, EraseStep>> erase_steps_;
  core::RateLimiter exports_{6, 3};   // per account per minute: an export reads a lot
  core::RateLimiter erasures_{5, 5};  // per account: the password is checked each time
};

}  // namespace harbour::services
