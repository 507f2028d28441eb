#pragma once
// What every post shares whatever its kind: reading one, the author's edit (back through the gate; a rejected post is resubmitted), soft delete, staff hide and unhide, edit history for staff, support reactions.
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

class PostService {
 public:
  PostService(store::Database& db, NotificationService& notifications, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), audit_written_(std::move(audit_written)) {}

 private:
  store::Database& db_;
  NotificationService& notifications_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
