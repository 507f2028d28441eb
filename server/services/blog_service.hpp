#pragma once
// Blogs: staff blog posts and members' recovery stories (always reviewed before publication), with comments.
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

class BlogService {
 public:
  BlogService(store::Database& db, NotificationService& notifications, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), audit_written_(std::move(audit_written)) {}

 private:
  store::Database& db_;
  NotificationService& notifications_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
