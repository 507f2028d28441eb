#pragma once
// The basic moderation queue, the network's moderation policy and its watched words.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

// Opens a queue item for a held post (reasons space-separated). Any open item of the same post
// is closed as 'withdrawn' first, so a post has at most one open item.
std::int64_t insert_moderation_item(Connection& c, std::int64_t network_id, std::int64_t post_id,
                                    std::string_view reasons, const std::optional<std::string>& matched,
                                    std::string_view now);
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
};

std::optional<ModerationItemRow> find_moderation_item(Connection& c, std::int64_t id);
// Items of a network in `state`, newest first, ids below before_id.
std::vector<ModerationItemRow> list_moderation_items(Connection& c, std::int64_t network_id, std::string_view state,
                                                     std::int64_t before_id, int limit);
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

}  // namespace harbour::store
