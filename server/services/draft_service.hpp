#pragma once
// Drafts saved server-side as people type (nothing typed is lost), and reading settings (which content notes to collapse).
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

class DraftService {
 public:
  explicit DraftService(store::Database& db) : db_(db) {}

 private:
  store::Database& db_;
};

}  // namespace harbour::services
