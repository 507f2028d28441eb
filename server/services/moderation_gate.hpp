#pragma once
// The moderation gate (issue 4, item 5): every create and every edit of member content asks this
// one function whether it is published at once, held for a moderator, or refused. It reads the
// network's policy (moderation_policies), its watched words and the author's history, inside the
// caller's write transaction so the decision and the write agree.
#include "services/anonymity_guard.hpp"
#include "services/risk_lexicon.hpp"
#include "services/roles.hpp"

#include <chrono>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

struct GateInput {
  std::int64_t network_id = 0;
  std::int64_t author_id = 0;
  bool author_is_staff = false;  // staff of the network or admin: published unless a word refuses
  std::string_view kind;         // topic | reply | blog_post | blog_comment (| wall later)
  std::string_view title;        // "" when the kind has none
  std::string_view body;
  bool is_edit = false;          // an edit of a published post goes through the gate again
  bool resubmission = false;     // an edit of a rejected post: always held for a moderator
  // When it is sent: office hours decide the out-of-hours rule and what the author is told.
  std::chrono::system_clock::time_point now{};
};

struct GateDecision {
  enum class Outcome { Publish, Hold, Refuse };
  Outcome outcome = Outcome::Publish;
  // Why it was held: pre_moderation | new_member | watched_word | story | resubmitted | edit
  std::vector<std::string> reasons;
  std::optional<std::string> matched;  // the watched phrase (for moderators; never shown to the author)
  std::string message;                 // what the author is told (refusal or hold), kind and plain
  // A member's words matched the risk lexicon: held, a safeguarding case opens, and the author is
  // shown the crisis routes at once. Beats every other rule (a refusal would lose the signal).
  std::optional<RiskMatch> risk;
  // Details that could identify someone (the author was told before sending and sent anyway).
  std::vector<IdentifyingDetail> identifying;
  // A watched word with action 'flag': published, and a queue item asks a moderator to look.
  bool flagged = false;
  // The network's office status when it was sent (for the author's message and the crisis screen).
  bool office_open = true;
  std::string office_summary;
};

// Decision rules, in order:
//  1. a watched word with action 'refuse' -> Refuse (staff too): the author is asked to rephrase;
//  2. staff (author_is_staff) -> Publish;
//  3. a member blog_post (recovery story) -> Hold ["story"];
//  4. resubmission -> Hold ["resubmitted"];
//  5. policy pre_moderate_all -> Hold ["pre_moderation"];
//     first_posts with fewer than N published posts by the author in the network -> Hold ["new_member"];
//  6. a watched word with action 'hold' -> Hold ["watched_word"] (added to the reasons of 3-5 too);
//  otherwise Publish. Words match case-insensitively on word boundaries in title and body.
GateDecision gate_decide(store::Connection& c, const GateInput& input);

// ---- Watched-word matching (used by gate_decide; public for the watched-words service) --------
// A phrase as stored: white space trimmed and every run of it made one space. "" when nothing is
// left. Does not check length or UTF-8 (the service does).
std::string normalize_phrase(std::string_view raw);
// The key two phrases are the same by: normalized, ASCII letters lower-cased (other bytes kept).
std::string phrase_key(std::string_view raw);
// Whether `phrase` occurs in `text` case-insensitively (ASCII), on word boundaries, its words
// separated by any run of white space: "kill" is in "Kill." but not in "skilled".
bool phrase_matches(std::string_view text, std::string_view phrase);

}  // namespace harbour::services
