#pragma once
// The basic moderation queue (list, approve, reject with a reason the author sees), the network's moderation policy and its watched words. Staff only; every decision is audited in its own transaction.
#include "services/post_view.hpp"
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
namespace harbour::live {
class Hub;
}

namespace harbour::services {

class NotificationService;

// Items one queue page returns.
inline constexpr int kQueuePageSize = 25;
// A watched phrase: 2 to 100 characters once white space is tidied.
inline constexpr std::size_t kPhraseMinChars = 2;
inline constexpr std::size_t kPhraseMaxChars = 100;

struct ModerationContext {
  std::string kind;  // topic | blog_post
  std::int64_t id = 0;
  std::string title;
};

struct ModerationAuthor {
  std::int64_t id = 0;
  std::string pseudonym;
  std::int64_t published_posts = 0;  // in the item's network
};

struct ModerationItem {
  std::int64_t id = 0;
  std::string network;  // slug
  std::vector<std::string> reasons;
  std::optional<std::string> matched;
  std::string state;  // open | approved | rejected | withdrawn
  std::string created_at;
  std::optional<std::string> decided_at;
  std::optional<std::string> decision_reason;
  PostView post;
  ModerationContext context;
  ModerationAuthor author;
};

struct ModerationQueuePage {
  std::vector<ModerationItem> items;
  std::optional<std::int64_t> next_before;
};

struct ModerationPolicy {
  std::string mode;  // pre_moderate_all | first_posts | post_moderate
  std::int64_t first_posts = 3;
};

struct WatchedWord {
  std::int64_t id = 0;
  std::string phrase;
  std::string action;  // refuse | hold
  std::string created_at;
};

class ModerationService {
 public:
  ModerationService(store::Database& db, NotificationService& notifications, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), audit_written_(std::move(audit_written)) {}

  // Staff of the network. state: open (default) | approved | rejected; before: the previous
  // page's next_before.
  ModerationQueuePage queue(const Principal* who, std::string_view network_slug, std::optional<std::string> state,
                            std::optional<std::int64_t> before_id);

  // Staff of the item's network; an item of another network answers 404 item_not_found as if
  // it did not exist. Publishes the post and tells its author and the people a published post
  // tells (replies, mentions). reason: optional, 3..500 characters when given.
  ModerationItem approve(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                         std::optional<std::string> reason);
  // The author sees the reason (3..500 characters) and keeps their text to edit and resubmit.
  ModerationItem reject(const Principal* who, const RequestMeta& meta, std::int64_t item_id, std::string_view reason);

  ModerationPolicy policy(const Principal* who, std::string_view network_slug);
  // Admins only.
  ModerationPolicy set_policy(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                              std::string_view mode, std::int64_t first_posts);

  std::vector<WatchedWord> watched_words(const Principal* who, std::string_view network_slug);
  // Admins only. 409 word_exists when the network watches that phrase already (any case).
  WatchedWord add_watched_word(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                               std::string_view phrase, std::string_view action);
  void remove_watched_word(const Principal* who, const RequestMeta& meta, std::int64_t word_id);

 private:
  ModerationItem decide(const Principal* who, const RequestMeta& meta, std::int64_t item_id, bool approve,
                        std::optional<std::string> reason);
  ModerationItem item_for(const Principal* who, std::int64_t item_id);

  store::Database& db_;
  NotificationService& notifications_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
