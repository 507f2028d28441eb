#pragma once
// The risk lexicon as clinicians manage it: each network's additions to the built-in list
// (risk_terms), listed with the built-in entries (read-only). Clinicians of the network and
// admins (HandleRiskCases); every change is audited in its own transaction.
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

// A phrase or an exception: 2 to 100 characters once white space is tidied.
inline constexpr std::size_t kRiskPhraseMinChars = 2;
inline constexpr std::size_t kRiskPhraseMaxChars = 100;
inline constexpr std::size_t kRiskMaxExceptions = 20;

struct RiskTermEntry {
  std::optional<std::int64_t> id;  // nullopt for a built-in entry
  std::string phrase;
  std::string tier;  // concern | urgent
  std::vector<std::string> exceptions;
  bool built_in = false;
  std::optional<std::string> created_at;  // nullopt for a built-in entry
};

class RiskTermService {
 public:
  RiskTermService(store::Database& db, std::function<void()> audit_written)
      : db_(db), audit_written_(std::move(audit_written)) {}

  // The network's additions (oldest first), then the built-in list.
  std::vector<RiskTermEntry> list(const Principal* who, std::string_view network_slug);

  // Errors (400): invalid_phrase (not 2-100 characters of words separated by spaces),
  // invalid_tier, invalid_exception (not words, too long, too many, or not containing the
  // phrase). 409 term_exists: the network has it already (case and apostrophes aside);
  // 409 term_built_in: the built-in list has it at this tier or higher.
  RiskTermEntry add(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                    std::string_view phrase, std::string_view tier, const std::vector<std::string>& exceptions);

  // 404 risk_term_not_found for a term that does not exist or is in a network the caller holds
  // no key to (so numbers reveal nothing); 403 not_allowed to people who handle cases nowhere.
  void remove(const Principal* who, const RequestMeta& meta, std::int64_t term_id);

 private:
  store::Database& db_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
