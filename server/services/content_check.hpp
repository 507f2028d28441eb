#pragma once
// The check an author's client asks for before a post is sent: does it look like it holds
// details that could identify someone? It never says anything about the risk lexicon (people
// must not learn to write around the safety net): risk is handled when the post is sent.
#include "services/anonymity_guard.hpp"
#include "services/principal.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

struct ContentCheck {
  std::vector<IdentifyingDetail> identifying;  // the title's first, then the body's
  std::string advice;                          // kind plain English; "" when nothing was found
};

// Anyone holding a key to the network (any role) and admins.
ContentCheck check_content(store::Database& db, const Principal* who, std::string_view network_slug,
                           std::string_view title, std::string_view body);

// What the author is told about the kinds found ("" for none).
std::string identifying_advice(const std::vector<IdentifyingDetail>& details);

}  // namespace harbour::services
