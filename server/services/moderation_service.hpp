#pragma once
// The basic moderation queue (list, approve, reject with a reason the author sees), the network's moderation policy and its watched words. Staff only; every decision is audited in its own transaction.
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
namespace harbour::live {
class Hub;
}

namespace harbour::services {

class NotificationService;

class ModerationService {
 public:
  ModerationService(store::Database& db, NotificationService& notifications, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), audit_written_(std::move(audit_written)) {}

 private:
  store::Database& db_;
  NotificationService& notifications_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
