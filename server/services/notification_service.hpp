#pragma once
// In-app notifications: listed with read/unread, and pushed live on the `user:<id>` hub topic
// the moment the change that caused them has committed. Also mutes (a member muting another
// member; staff can never be muted).
#include "services/principal.hpp"

#include <cstdint>
#include <vector>

namespace harbour::live {
class Hub;
}
namespace harbour::store {
class Database;
}

namespace harbour::services {

class NotificationService {
 public:
  NotificationService(store::Database& db, live::Hub& hub) : db_(db), hub_(hub) {}

  // Called after the commit that inserted these notifications (store::insert_notification):
  // reads each and publishes {"type":"notification", ...} to its recipient's user:<id> topic.
  // Never throws (a live push that fails is still listed).
  void publish_new(const std::vector<std::int64_t>& notification_ids) noexcept;

  // (listing, marking read and mutes: see below, added by their implementation)

 private:
  store::Database& db_;
  live::Hub& hub_;
};

}  // namespace harbour::services
