#pragma once
// The resources library: articles, videos (allowlisted hosts, privacy-enhanced embeds), leaflets and service links. Staff write them (audited); members and carers read them.
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

class ResourceService {
 public:
  ResourceService(store::Database& db, std::function<void()> audit_written) : db_(db), audit_written_(std::move(audit_written)) {}

 private:
  store::Database& db_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
