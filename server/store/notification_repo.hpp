#pragma once
// In-app notifications and mutes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct NewNotification {
  std::int64_t user_id = 0;      // who is told
  std::int64_t network_id = 0;
  std::string kind;              // reply | comment | mention | approved | rejected | hidden
  std::int64_t post_id = 0;
  std::optional<std::int64_t> actor_id;  // who caused it (nullopt for moderation decisions)
};

// Inserts the notification unless it should not exist: the recipient is the actor, the
// recipient's account is not active, or the recipient has muted the actor (mutes never apply to
// moderation decisions, which have no actor). Returns the new id, or nullopt when skipped.
std::optional<std::int64_t> insert_notification(Connection& c, const NewNotification& n, std::string_view now);

// The members this user has muted (for collapsing their posts when rendering).
std::vector<std::int64_t> muted_user_ids(Connection& c, std::int64_t user_id);

// ---- Listing ----------------------------------------------------------------------------------
// A notification with what it points at. Only notifications of networks the recipient still holds
// an active key to are ever returned: nothing crosses into a network they have left.
struct NotificationRow {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string network_name;
  std::string kind;
  std::string recipient_role;  // the recipient's role in the network now
  // The post it is about.
  std::int64_t post_id = 0;
  std::string post_kind;
  std::string post_state;
  std::int64_t post_author_id = 0;
  std::string post_body;
  std::optional<std::string> post_state_reason;
  std::optional<std::int64_t> read_mask;  // of the post's category; nullopt for blogs
  // What to open: the topic or blog post (the post itself, or its parent).
  std::int64_t link_id = 0;
  std::string link_kind;
  std::optional<std::string> link_title;
  std::string link_state;
  std::int64_t link_author_id = 0;
  std::optional<std::int64_t> actor_id;
  std::string actor_pseudonym;
  std::string created_at;
  std::optional<std::string> read_at;
};

// Newest first, ids below before_id.
std::vector<NotificationRow> list_notifications(Connection& c, std::int64_t user_id, std::int64_t before_id, int limit);
// nullopt when there is none, or its recipient no longer holds an active key to its network.
std::optional<NotificationRow> find_notification(Connection& c, std::int64_t id);
// Unread notifications, counted up to kUnreadNotificationsCap (which then means "that many or more").
inline constexpr std::int64_t kUnreadNotificationsCap = 100;
std::int64_t count_unread_notifications(Connection& c, std::int64_t user_id);
// Marks the user's own notifications among `ids` read (others' ids are ignored); returns how many changed.
std::int64_t mark_notifications_read(Connection& c, std::int64_t user_id, const std::vector<std::int64_t>& ids,
                                     std::string_view now);
std::int64_t mark_all_notifications_read(Connection& c, std::int64_t user_id, std::string_view now);

// ---- Mutes ------------------------------------------------------------------------------------
struct MuteRow {
  std::int64_t user_id = 0;  // the muted person
  std::string pseudonym;
  std::string since;
};

// Oldest first.
std::vector<MuteRow> list_mutes(Connection& c, std::int64_t user_id);
std::optional<MuteRow> find_mute(Connection& c, std::int64_t user_id, std::int64_t muted_user_id);
// Idempotent: true when the mute is new.
bool insert_mute(Connection& c, std::int64_t user_id, std::int64_t muted_user_id, std::string_view now);
bool delete_mute(Connection& c, std::int64_t user_id, std::int64_t muted_user_id);

// Whether `other` holds a key (of any state) to a network `user_id` holds an active key to.
bool shares_network(Connection& c, std::int64_t user_id, std::int64_t other);
// An admin, or a volunteer, peer supporter or clinician in any network.
bool holds_staff_role(Connection& c, std::int64_t user_id);

}  // namespace harbour::store
