#pragma once
// The basic moderation queue, the network's moderation policy and its watched words.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

// Queue priorities: higher is worked first.
inline constexpr std::int64_t kPriorityNormal = 0;
inline constexpr std::int64_t kPriorityReport = 1;  // reported by a member
inline constexpr std::int64_t kPriorityRisk = 2;    // the risk lexicon, or escalated to a clinician

// Opens a queue item for a held post, or for a published one a moderator should look at (flag,
// report); reasons space-separated. Any open item of the same post is closed as 'withdrawn'
// first, so a post has at most one open item.
std::int64_t insert_moderation_item(Connection& c, std::int64_t network_id, std::int64_t post_id,
                                    std::string_view reasons, const std::optional<std::string>& matched,
                                    std::string_view now, std::int64_t priority = kPriorityNormal);
// Closes the post's open item as 'withdrawn' (the author deleted or edited it); no-op when none.
void withdraw_moderation_items(Connection& c, std::int64_t post_id, std::string_view now);

// ---- Queue items ------------------------------------------------------------------------------
struct ModerationItemRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::int64_t post_id = 0;
  std::string reasons;  // space-separated keys
  std::optional<std::string> matched;
  std::string state;  // open | approved | rejected | withdrawn
  std::string created_at;
  std::optional<std::int64_t> decided_by;
  std::optional<std::string> decided_at;
  std::optional<std::string> decision_reason;
  std::int64_t priority = kPriorityNormal;
  // Whoever claimed it last; the claim holds until claim_expires_at (compare with now).
  std::optional<std::int64_t> claimed_by;
  std::string claimed_by_pseudonym;
  std::optional<std::string> claim_expires_at;
  // A risk item's first approval (a second, different moderator publishes it).
  std::optional<std::int64_t> first_review_by;
  std::string first_review_by_pseudonym;
  std::optional<std::string> first_review_at;
};

std::optional<ModerationItemRow> find_moderation_item(Connection& c, std::int64_t id);
// Items of a network in `state`. Open ones: highest priority first, then newest; the page
// after `before_id` continues from that item's place. Decided ones: newest first, ids below it.
std::vector<ModerationItemRow> list_moderation_items(Connection& c, std::int64_t network_id, std::string_view state,
                                                     std::optional<std::int64_t> before_id, int limit);
// The post's open item, if it has one.
std::optional<ModerationItemRow> find_open_item_for_post(Connection& c, std::int64_t post_id);
// Adds `reason` to an open item's reasons (once) and raises its priority to at least `priority`.
void add_item_reason(Connection& c, std::int64_t item_id, std::string_view reason, std::int64_t priority);
// Claims an OPEN item for `user_id` until `expires_at`, unless someone else holds a claim that
// has not expired at `now`. False when it could not.
bool claim_moderation_item(Connection& c, std::int64_t id, std::int64_t user_id, std::string_view expires_at,
                           std::string_view now);
// Lets go of the caller's own claim; false when they held none.
bool release_moderation_item(Connection& c, std::int64_t id, std::int64_t user_id);
// Whether a safeguarding case about this post is still open (not closed).
bool has_open_case_for_post(Connection& c, std::int64_t post_id);
// Closes an OPEN item as approved or rejected. False when it is not open (decided already).
bool decide_moderation_item(Connection& c, std::int64_t id, std::string_view state, std::int64_t decided_by,
                            const std::optional<std::string>& reason, std::string_view now);

// ---- Policy -----------------------------------------------------------------------------------
struct ModerationPolicyRow {
  std::string mode;  // pre_moderate_all | first_posts | post_moderate
  std::int64_t first_posts = 3;
};

// nullopt for a network that has no row (created after migration 0003): callers use the defaults.
std::optional<ModerationPolicyRow> find_moderation_policy(Connection& c, std::int64_t network_id);
void upsert_moderation_policy(Connection& c, std::int64_t network_id, std::string_view mode, std::int64_t first_posts,
                              std::string_view now);

// ---- Watched words ----------------------------------------------------------------------------
struct WatchedWordRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string phrase;
  std::string action;  // refuse | hold | flag (published, and a moderator is asked to look)
  std::string created_at;
};

// Oldest first.
std::vector<WatchedWordRow> list_watched_words(Connection& c, std::int64_t network_id);
std::optional<WatchedWordRow> find_watched_word(Connection& c, std::int64_t id);
// nullopt when the network already has exactly this phrase.
std::optional<std::int64_t> insert_watched_word(Connection& c, std::int64_t network_id, std::string_view phrase,
                                                std::string_view action, std::int64_t created_by, std::string_view now);
bool delete_watched_word(Connection& c, std::int64_t id);

// Records the first of the two approvals a risk item needs.
void set_first_review(Connection& c, std::int64_t item_id, std::int64_t reviewer_id, std::string_view now);

}  // namespace harbour::store
