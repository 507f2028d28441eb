#pragma once
// The anonymity guard: before a post is sent, tell the author if it looks like it holds details
// that could identify them or someone else. Heuristics, tuned to avoid false alarms on ordinary
// writing; a post sent with such details anyway is held for a moderator.
#include <string>
#include <string_view>
#include <vector>

namespace harbour::services {

struct IdentifyingDetail {
  std::string kind;     // email | phone | postcode | full_name | handle | address
  std::string excerpt;  // the text that looked identifying, as written
};

std::vector<IdentifyingDetail> find_identifying_details(std::string_view text);

}  // namespace harbour::services
