#pragma once
// The risk lexicon: phrases that may mean someone is at risk, in two tiers (concern, urgent),
// matched on word boundaries with exceptions ("skilled" never matches "kill"; "killing time" is
// an exception to "killing"). A built-in list (server/data/risk_lexicon.txt, embedded at build
// time and reviewed by clinicians) plus each network's additions (risk_terms).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

struct RiskMatch {
  std::string tier;    // concern | urgent
  std::string phrase;  // the lexicon entry that matched (for clinicians only)
};

// The highest tier that matches in title or body (urgent beats concern), or nullopt.
std::optional<RiskMatch> match_risk(store::Connection& c, std::int64_t network_id, std::string_view title,
                                    std::string_view body);

// ---- The lexicon itself (public for the risk-terms service and the tests) ---------------------
struct RiskTerm {
  std::string tier;    // concern | urgent
  std::string phrase;  // as written in the list or by the clinician
  std::vector<std::string> exceptions;  // longer phrases holding `phrase` that are not a risk
};

// Parses the list format of server/data/risk_lexicon.txt: `tier<TAB>phrase[<TAB>exc|exc...]`,
// '#' comments and blank lines skipped. Throws std::invalid_argument naming the line for an
// unknown tier, a phrase that is not plain words (is_plain_phrase), or an exception that does
// not contain its phrase.
std::vector<RiskTerm> parse_risk_lexicon(std::string_view text);

// The built-in list, parsed once (embedded at build time; the build refuses a malformed file).
std::span<const RiskTerm> built_in_risk_terms();

// The highest tier among `terms` matching in title or body; within a tier the first term in
// order. The same rule as match_risk, without the database.
std::optional<RiskMatch> match_risk_terms(std::span<const RiskTerm> terms, std::string_view title,
                                          std::string_view body);

// How serious a tier is: urgent 2, concern 1, anything else 0 (not a tier).
int risk_tier_rank(std::string_view tier);

// Whether `exception` holds an occurrence of `phrase` (an exception that does not can never
// apply, so it is refused where it is written).
bool exception_covers_phrase(std::string_view phrase, std::string_view exception);

namespace detail {
// Defined in the embed_risk_lexicon.cmake generated source: the text of risk_lexicon.txt.
std::string_view embedded_risk_lexicon();
}  // namespace detail

}  // namespace harbour::services
