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

}  // namespace harbour::store
