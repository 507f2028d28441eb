#pragma once
// Aggregates for the staff dashboard and the service lead's weekly report: counts and durations
// only, never who. Ranges are [from, to) in RFC 3339 UTC text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct QueueSnapshot {
  std::int64_t open_items = 0;
  std::optional<std::string> oldest_created_at;
};
QueueSnapshot queue_snapshot(Connection& c, std::int64_t network_id);

// Minutes from a queue item's creation to its decision, for items decided in [from, to).
std::vector<double> review_minutes(Connection& c, std::int64_t network_id, std::string_view from, std::string_view to);

struct CaseCounts {
  std::int64_t active = 0;         // not closed
  std::int64_t past_deadline = 0;  // still open (not acknowledged) after due_at
};
CaseCounts case_counts(Connection& c, std::int64_t network_id, std::string_view now);

struct WeekCounts {
  std::int64_t members_active = 0;   // distinct members and carers who posted
  std::int64_t posts = 0;            // posts written
  std::int64_t held = 0;             // queue items opened (posts held for review)
  std::int64_t cases_opened = 0;
  std::int64_t cases_answered_in_time = 0;  // of those opened: acknowledged by their deadline
  std::int64_t cases_closed = 0;            // closed in the week, whenever opened
};
WeekCounts week_counts(Connection& c, std::int64_t network_id, std::string_view from, std::string_view to);

}  // namespace harbour::store
