#include "services/risk_terms_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/content_rules.hpp"
#include "services/moderation_gate.hpp"
#include "services/phrase_match.hpp"
#include "services/risk_lexicon.hpp"
#include "services/staff_action.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/risk_terms_repo.hpp"

#include <algorithm>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

AppError term_not_found() {
  return AppError(ErrorKind::NotFound, "risk_term_not_found", "There is no risk phrase with that number.");
}

// Two phrases are one entry when their words match (case and apostrophes aside), as matching
// sees them.
std::string match_key(std::string_view phrase) {
  std::string key;
  for (const auto& w : phrase_words(phrase)) {
    if (!key.empty()) key.push_back(' ');
    key += w;
  }
  return key;
}

// Tidied, 2..100 characters, plain words; "" when it is not.
std::string tidy_phrase(std::string_view raw, std::string_view field) {
  const auto phrase = normalize_phrase(checked_text(raw, TextKind::Summary, field));
  const auto n = code_point_count(phrase);
  if (n < kRiskPhraseMinChars || n > kRiskPhraseMaxChars || !is_plain_phrase(phrase)) return {};
  return phrase;
}

std::string checked_phrase(std::string_view raw) {
  auto phrase = tidy_phrase(raw, "phrase");
  if (phrase.empty()) {
    throw AppError(ErrorKind::BadRequest, "invalid_phrase",
                   "A risk phrase is 2 to 100 characters: words (letters, numbers, apostrophes) separated by spaces.");
  }
  return phrase;
}

std::vector<std::string> checked_exceptions(std::string_view phrase, const std::vector<std::string>& raw) {
  if (raw.size() > kRiskMaxExceptions) {
    throw AppError(ErrorKind::BadRequest, "invalid_exception", "A risk phrase can have up to 20 exceptions.");
  }
  std::vector<std::string> out;
  std::vector<std::string> keys;
  for (const auto& r : raw) {
    auto e = tidy_phrase(r, "exceptions");
    if (e.empty()) {
      throw AppError(ErrorKind::BadRequest, "invalid_exception",
                     "Each exception is 2 to 100 characters: words separated by spaces.");
    }
    if (!exception_covers_phrase(phrase, e)) {
      throw AppError(ErrorKind::BadRequest, "invalid_exception",
                     "Each exception must contain the phrase itself, for example \"kill myself laughing\" for "
                     "\"kill myself\": it then stops only that use of the phrase from matching.");
    }
    auto key = match_key(e);
    if (key == match_key(phrase)) {
      throw AppError(ErrorKind::BadRequest, "invalid_exception",
                     "An exception that is the phrase itself would stop it from ever matching.");
    }
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;  // the same exception twice
    keys.push_back(std::move(key));
    out.push_back(std::move(e));
  }
  return out;
}

std::int64_t risk_network(store::Database& db, const Principal* who, std::string_view slug) {
  require_signed_in(who);
  const auto network_id = db.read([&](store::Connection& c) { return require_network(c, slug).id; });
  require_capability(who, Capability::HandleRiskCases, network_id);
  return network_id;
}

// As for moderation items: a term of a network the caller holds no key to answers as if it did
// not exist; people who handle risk cases nowhere are told they cannot.
void require_term_clinician(const Principal* who, const std::optional<store::RiskTermRow>& term) {
  const Principal& p = require_signed_in(who);
  if (term && (p.is_admin || p.membership(term->network_id))) {
    require_capability(who, Capability::HandleRiskCases, term->network_id);
    return;
  }
  if (p.is_admin) {
    require_admin(who);
    throw term_not_found();
  }
  for (const auto& m : p.memberships) {
    if (m.active && role_grants(m.role, Capability::HandleRiskCases)) {
      require_capability(who, Capability::HandleRiskCases, m.network_id);  // the second factor still applies
      throw term_not_found();
    }
  }
  throw AppError(ErrorKind::Forbidden, "not_allowed", "You do not have permission to do that.");
}

RiskTermEntry entry_of(store::RiskTermRow r) {
  return {r.id, std::move(r.phrase), std::move(r.tier), std::move(r.exceptions), false, std::move(r.created_at)};
}

}  // namespace

std::vector<RiskTermEntry> RiskTermService::list(const Principal* who, std::string_view network_slug) {
  const auto network_id = risk_network(db_, who, network_slug);
  auto entries = db_.read([&](store::Connection& c) {
    std::vector<RiskTermEntry> out;
    for (auto& r : store::list_risk_terms(c, network_id)) out.push_back(entry_of(std::move(r)));
    return out;
  });
  for (const auto& t : built_in_risk_terms()) entries.push_back({std::nullopt, t.phrase, t.tier, t.exceptions, true, std::nullopt});
  return entries;
}

RiskTermEntry RiskTermService::add(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                                   std::string_view raw_phrase, std::string_view tier,
                                   const std::vector<std::string>& raw_exceptions) {
  const auto network_id = risk_network(db_, who, network_slug);
  if (risk_tier_rank(tier) == 0) throw AppError(ErrorKind::BadRequest, "invalid_tier", "Choose a tier: concern or urgent.");
  const auto phrase = checked_phrase(raw_phrase);
  const auto exceptions = checked_exceptions(phrase, raw_exceptions);
  const auto key = match_key(phrase);
  for (const auto& t : built_in_risk_terms()) {
    if (match_key(t.phrase) == key && risk_tier_rank(t.tier) >= risk_tier_rank(tier)) {
      throw AppError(ErrorKind::Conflict, "term_built_in",
                     "The built-in list already has that phrase at this tier or higher.");
    }
  }
  const auto now = core::format_utc_ms(meta.now);
  const auto id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto existing = store::list_risk_terms(c, network_id);
    const bool duplicate =
        std::any_of(existing.begin(), existing.end(), [&](const auto& t) { return match_key(t.phrase) == key; });
    const auto inserted =
        duplicate ? std::nullopt : store::insert_risk_term(c, network_id, phrase, tier, exceptions, who->user_id, now);
    if (!inserted) {
      throw AppError(ErrorKind::Conflict, "term_exists", "This network already has that risk phrase.");
    }
    auto e = staff_audit_entry(*who, "risk_term.add", meta, network_id, "risk_term", std::to_string(*inserted));
    e.details = {{"phrase", phrase}, {"tier", tier}, {"exceptions", exceptions.size()}};
    append_audit(c, e, meta.now);
    return *inserted;
  });
  return {id, phrase, std::string(tier), exceptions, false, now};
}

void RiskTermService::remove(const Principal* who, const RequestMeta& meta, std::int64_t term_id) {
  require_signed_in(who);
  const auto found = db_.read([&](store::Connection& c) { return store::find_risk_term(c, term_id); });
  require_term_clinician(who, found);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto term = store::find_risk_term(c, term_id);
    if (!term || !store::delete_risk_term(c, term_id)) throw term_not_found();
    auto e = staff_audit_entry(*who, "risk_term.remove", meta, term->network_id, "risk_term", std::to_string(term_id));
    e.details = {{"phrase", term->phrase}, {"tier", term->tier}};
    append_audit(c, e, meta.now);
  });
}

}  // namespace harbour::services
