#pragma once
// The Wall (schema/api/wall.md): a network's live feed of short messages between former patients
// and the moderating team. Messages are posts (kinds wall_message, wall_reply) written through the
// one post path (post_writer: the moderation gate, cases, the queue); every change to them is a
// stored event (store/wall_events_repo) that WallFeed publishes live and that clients resume from.
//
// Who: members and staff of the network (require_community_reader: carers are not on the Wall).
// When: members write while the office is open (or when the network has no hours at all); outside
// its hours the Wall is read-only for them, with a banner. Staff write whenever they like.
#include "core/rate_limiter.hpp"
#include "services/post_view.hpp"
#include "services/post_writer.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
class Database;
struct WallEventRow;
}  // namespace harbour::store
namespace harbour::live {
class Hub;
}

namespace harbour::services {

class NotificationService;
class CaseService;

inline constexpr int kWallPageSize = 30;
inline constexpr int kWallRepliesShown = 50;
inline constexpr int kWallResumeMax = 500;

struct WallMessage {
  PostView message;
  std::vector<PostView> replies;
};

struct WallPage {
  std::string network_slug;
  bool office_open = true;
  std::string office_summary;
  std::optional<std::chrono::system_clock::time_point> next_change;
  bool can_post = false;
  std::string read_only_reason;  // "" when can_post
  std::vector<WallMessage> messages;
  std::optional<std::int64_t> next_before;
  std::int64_t last_event_id = 0;
  nlohmann::json presence;  // the wall_presence event of now
};

// Who is on a Wall: the socket's topics and whether they are staff there.
struct WallAccess {
  std::int64_t network_id = 0;
  std::string network_slug;
  bool staff = false;
};

struct WallLimitsPerMinute {
  double member = 6;
  double staff = 30;
};

// The hub topics of a network's Wall: everyone on it; its staff; one person (their held messages).
std::string wall_topic(std::int64_t network_id);
std::string wall_staff_topic(std::int64_t network_id);
std::string wall_author_topic(std::int64_t network_id, std::int64_t user_id);

// One stored event as its audience receives it ({"type":"wall_message", "event_id", ...}), or
// nullopt when there is nothing to send any more (the post it names is gone from that audience;
// a later event says so).
std::optional<nlohmann::json> wall_event_json(store::Connection& c, const store::WallEventRow& event,
                                              const std::string& network_slug);
// The wall_presence event of a network now: peers and staff on its Wall, roles on shift.
nlohmann::json wall_presence_json(store::Connection& c, const live::Hub& hub, std::int64_t network_id,
                                  const std::string& network_slug, std::chrono::system_clock::time_point now);

class WallService {
 public:
  WallService(store::Database& db, NotificationService& notifications, CaseService& cases, live::Hub& hub,
              WallLimitsPerMinute limits);

  // 401/403/404 as require_community_reader; carers 403 not_allowed.
  WallAccess access(const Principal* who, std::string_view network_slug);

  WallPage page(const Principal* who, std::string_view network_slug, std::optional<std::int64_t> before_id,
                std::chrono::system_clock::time_point now);

  // {"type":"wall_resume", network, events, last_event_id, reset}: what happened after `after_id`
  // that the caller may see, oldest first.
  nlohmann::json events_after(const Principal* who, std::string_view network_slug, std::int64_t after_id);

  // A message (reply_to empty) or a reply to a visible Wall message. 403 wall_closed for members
  // outside office hours; 429 rate_limited (AppError detail: retry_after seconds).
  CreatedPost post(const Principal* who, const RequestMeta& meta, std::string_view network_slug, const PostInput& input,
                   std::optional<std::int64_t> reply_to);

 private:
  store::Database& db_;
  NotificationService& notifications_;
  CaseService& cases_;
  live::Hub& hub_;
  core::RateLimiter member_limit_;
  core::RateLimiter staff_limit_;
};

}  // namespace harbour::services
