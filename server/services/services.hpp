#pragma once
// Everything a handler may call, built once at start-up and shared by all requests. Services hold
// the rules; they know nothing of HTTP.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/network_service.hpp"

namespace harbour::store {
class Database;
}

namespace harbour::services {

class Services {
 public:
  Services(store::Database& db, live::Hub& hub, const core::Clock& clock);

  store::Database& db() { return db_; }
  live::Hub& hub() { return hub_; }
  const core::Clock& clock() const { return clock_; }
  NetworkService& networks() { return networks_; }

  // Readiness: the database answers a read and the writer is running.
  bool ready();

 private:
  store::Database& db_;
  live::Hub& hub_;
  const core::Clock& clock_;
  NetworkService networks_;
};

}  // namespace harbour::services
