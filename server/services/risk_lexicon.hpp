#pragma once
// The risk lexicon: phrases that may mean someone is at risk, in two tiers (concern, urgent),
// matched on word boundaries with exceptions ("skilled" never matches "kill"; "killing time" is
// an exception to "killing"). A built-in list (server/data/risk_lexicon.txt, embedded at build
// time and reviewed by clinicians) plus each network's additions (risk_terms).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace harbour::services
