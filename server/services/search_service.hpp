#pragma once
// Full-text search (FTS5) over posts and resources, limited to what the caller may read in the networks they hold keys to.
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

class SearchService {
 public:
  explicit SearchService(store::Database& db) : db_(db) {}

 private:
  store::Database& db_;
};

}  // namespace harbour::services
