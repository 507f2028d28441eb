#pragma once
// In-app notifications: listed with read/unread, and pushed live on the `user:<id>` hub topic
// the moment the change that caused them has committed. Also mutes (a member muting another
// member; staff can never be muted).
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::live {
class Hub;
}
namespace harbour::store {
class Database;
struct NotificationRow;
}

namespace harbour::services {

// Notifications one page lists.
inline constexpr int kNotificationPageSize = 30;
// Ids one "mark read" request may name.
inline constexpr std::size_t kMarkReadMaxIds = 100;
// Plain-text characters of a post a notification shows.
inline constexpr std::size_t kNotificationExcerptChars = 140;

// A notification as its recipient sees it (schema/api/content.md "Notification").
// A notification just written, and whom it is for: enough to know whether anyone is listening
// before reading it back (NotificationService::publish_new).
struct Notice {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
};

struct NotificationView {
  std::int64_t id = 0;
  std::string kind;  // reply | comment | mention | approved | rejected | hidden
  std::string network_slug;
  std::string network_name;
  std::int64_t post_id = 0;
  std::string post_kind;
  std::string excerpt;       // "" while the recipient may not see the post's text
  std::string link_kind;     // topic | blog_post
  std::int64_t link_id = 0;
  std::string link_title;    // "" while the recipient may not see it
  std::optional<std::int64_t> actor_id;
  std::string actor_pseudonym;
  std::optional<std::string> reason;  // rejected / hidden: why, as the author is told
  std::string created_at;
  bool read = false;
};

struct NotificationPage {
  std::vector<NotificationView> notifications;
  std::int64_t unread_count = 0;
  std::optional<std::int64_t> next_before;
};

struct MutedPerson {
  std::int64_t id = 0;
  std::string pseudonym;
  std::string since;
};

// The API's Notification object; the live push carries exactly the same.
nlohmann::json notification_json(const NotificationView& n);
// Markdown reduced to plain text for a preview: emphasis, heading, quote and code marks and link
// syntax dropped, white space folded, cut near max_chars (an ellipsis marks the cut).
std::string plain_excerpt(std::string_view markdown, std::size_t max_chars);

class NotificationService {
 public:
  NotificationService(store::Database& db, live::Hub& hub) : db_(db), hub_(hub) {}

  // Called after the commit that inserted these notifications (store::insert_notification):
  // reads each whose recipient has a live socket and publishes {"type":"notification", ...} to
  // their user:<id> topic. Never throws (a live push that fails is still listed).
  void publish_new(const std::vector<Notice>& notices) noexcept;

  // After a commit that opened or decided queue items in a network: tells its staff (topic
  // staff:<network>) {"type":"queue_changed","network":slug,"open":n}, so queue pages and the
  // dashboard refresh live. Never throws.
  void publish_queue_changed(std::int64_t network_id) noexcept;

  // The caller's notifications, newest first, 30 a page (before: the previous next_before).
  NotificationPage list(const Principal* who, std::optional<std::int64_t> before_id);
  // Marks these of the caller's notifications read (at most 100 ids; ids of others' are
  // ignored) and returns the unread count after.
  std::int64_t mark_read(const Principal* who, const RequestMeta& meta, const std::vector<std::int64_t>& ids);
  std::int64_t mark_all_read(const Principal* who, const RequestMeta& meta);
  std::int64_t unread_count(const Principal* who);

  // ---- Mutes ----
  std::vector<MutedPerson> mutes(const Principal* who);
  // The person must share a network with the caller (else 404 user_not_found: people elsewhere
  // are not revealed); not oneself (400 cannot_mute_self); not staff (409 cannot_mute_staff).
  // Muting twice is the same as once.
  MutedPerson mute(const Principal* who, const RequestMeta& meta, std::int64_t user_id);
  void unmute(const Principal* who, std::int64_t user_id);

 private:
  store::Database& db_;
  live::Hub& hub_;
};

// How a stored notification reads for its recipient (what may be shown of the post and its title).
NotificationView notification_view(const store::NotificationRow& row);

}  // namespace harbour::services
