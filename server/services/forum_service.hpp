#pragma once
// Forums: categories (admins), topics and replies through the moderation gate, read markers, and staff topic actions (pin, lock, move), audited.
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

class NotificationService;

class ForumService {
 public:
  ForumService(store::Database& db, NotificationService& notifications, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), audit_written_(std::move(audit_written)) {}

 private:
  store::Database& db_;
  NotificationService& notifications_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
