#pragma once
// Office hours: when a network's moderating team is there. Weekly hours in the network's own
// time zone (Europe/London by default, DST correct through the IANA database), closures such as
// bank holidays, and a rota of who is on shift. Everything here is computed from UTC instants.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

using TimePoint = std::chrono::system_clock::time_point;

struct OfficeStatus {
  bool open = false;
  // When it next closes (open) or opens (closed); nullopt when no hours are set at all.
  std::optional<TimePoint> next_change;
  std::string time_zone;  // the network's IANA zone
  // "Moderators are here now" / "We are back at 09:00 on Monday": in the network's local time.
  std::string summary;
};

OfficeStatus office_status(store::Connection& c, std::int64_t network_id, TimePoint now);

// The first opening at or after `now` (now itself when open); nullopt when no hours are set.
std::optional<TimePoint> next_opening(store::Connection& c, std::int64_t network_id, TimePoint now);

// People on the rota whose shift covers `now` in this network.
std::vector<std::int64_t> on_shift_user_ids(store::Connection& c, std::int64_t network_id, TimePoint now);

}  // namespace harbour::services
