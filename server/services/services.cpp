#include "services/services.hpp"

#include "store/database.hpp"

namespace harbour::services {

Services::Services(store::Database& db, live::Hub& hub, const core::Clock& clock)
    : db_(db), hub_(hub), clock_(clock), networks_(db) {}

bool Services::ready() {
  try {
    return db_.ping();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace harbour::services
