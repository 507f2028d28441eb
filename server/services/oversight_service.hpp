#pragma once
// Oversight: the staff dashboard (queue length, oldest item, time to first review, cases past
// their deadline) and the service lead's weekly report per network, with small numbers (1 to 4)
// suppressed so no person can be picked out, downloadable as CSV. Counts only, no personal data.
#include "services/principal.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

inline constexpr std::int64_t kSmallNumber = 5;  // counts below this (but above 0) are suppressed
inline constexpr int kReportWeeksMax = 26;

struct ReviewTimes {
  std::int64_t sample = 0;
  std::optional<double> median_minutes;  // nullopt with fewer than 5 reviews
  std::optional<double> p90_minutes;
};

struct Dashboard {
  std::string network_slug;
  std::int64_t open_items = 0;
  std::optional<std::string> oldest_item_at;
  std::optional<std::int64_t> oldest_item_minutes;
  ReviewTimes review_last_7_days;
  std::int64_t active_cases = 0;
  std::int64_t cases_past_deadline = 0;
};

struct WeekRow {
  std::string week_start;  // Monday, YYYY-MM-DD, in the network's time zone
  // nullopt: suppressed (1 to 4)
  std::optional<std::int64_t> members_active, posts, held, cases_opened, cases_answered_in_time, cases_closed;
  std::optional<double> held_share;             // held / posts
  std::optional<double> median_review_minutes;  // of items decided that week (5 or more)
};

// Nearest-rank percentile of sorted values; nullopt when there are fewer than kSmallNumber.
std::optional<double> percentile(const std::vector<double>& sorted, double p);
// A count as published: 0 and 5+ as they are, 1..4 suppressed.
std::optional<std::int64_t> suppress_small(std::int64_t n);

class OversightService {
 public:
  explicit OversightService(store::Database& db) : db_(db) {}

  // Staff of the network.
  Dashboard dashboard(const Principal* who, std::string_view network_slug, std::chrono::system_clock::time_point now);
  // Clinicians of the network and admins: the last `weeks` complete and current weeks, oldest first.
  std::vector<WeekRow> weekly_report(const Principal* who, std::string_view network_slug, int weeks,
                                     std::chrono::system_clock::time_point now);

 private:
  store::Database& db_;
};

// RFC 4180 CSV with a header row; suppressed cells are written as "<5".
std::string weekly_report_csv(const std::vector<WeekRow>& rows);

}  // namespace harbour::services
