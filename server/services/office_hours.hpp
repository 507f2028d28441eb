#pragma once
// Office hours: when a network's moderating team is there. Weekly hours in the network's own
// time zone (Europe/London by default, DST correct through the IANA database), closures such as
// bank holidays, and a rota of who is on shift. Everything here is computed from UTC instants.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Loads the IANA time zone database and the default zone once, on the calling thread. The date
// library loads both lazily behind guards inside libdate-tz; doing it at start-up means a
// missing tzdata fails the start (not the first request), and no request thread races the first
// load (ThreadSanitizer cannot see the guards of that uninstrumented library).
void load_time_zones();

OfficeStatus office_status(store::Connection& c, std::int64_t network_id, TimePoint now);

// The first opening at or after `now` (now itself when open); nullopt when no hours are set.
std::optional<TimePoint> next_opening(store::Connection& c, std::int64_t network_id, TimePoint now);

// People on the rota whose shift covers `now` in this network.
std::vector<std::int64_t> on_shift_user_ids(store::Connection& c, std::int64_t network_id, TimePoint now);

// The zone the network's hours are read in: its own, or Europe/London when that is not a zone
// the tz database knows (a warning is logged; nothing fails).
std::string effective_time_zone(std::string_view stored_zone);
// The calendar date 'YYYY-MM-DD' of `now` in that zone, and `days` later.
std::string local_date(std::string_view stored_zone, TimePoint now, int days_later = 0);

// A calendar week in the network's zone: Monday 00:00 local up to the next Monday 00:00 local,
// as UTC instants (167 or 169 hours long in the weeks the clocks change).
struct LocalWeek {
  std::string monday;  // 'YYYY-MM-DD', local
  TimePoint from;
  TimePoint to;
};
// The `count` weeks up to and including the one holding `now`, oldest first.
std::vector<LocalWeek> local_weeks(std::string_view stored_zone, TimePoint now, int count);

// Minutes since local midnight of 'HH:MM' (00:00..23:59; with allow_midnight_end also 24:00,
// the end of the day), or nullopt when it is not such a time.
std::optional<int> parse_time_of_day(std::string_view text, bool allow_midnight_end);
// Whether text is a real calendar date written 'YYYY-MM-DD'.
bool is_calendar_date(std::string_view text);
// An RFC 3339 instant ("2026-03-29T08:00:00Z", fractions and offsets allowed), or nullopt.
std::optional<TimePoint> parse_instant(std::string_view text);

}  // namespace harbour::services
