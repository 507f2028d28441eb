#include "services/oversight_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/office_hours.hpp"
#include "store/database.hpp"
#include "store/oversight_repo.hpp"

// GCC 12 at -O2 reports "may be used uninitialized" inside the date library's parse/zone
// templates (a known false positive of its flow analysis in header code, not ours); with -Werror
// that would stop the build, so it is silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <date/date.h>

#include <cmath>
#include <cstdio>
#include <sstream>

namespace harbour::services {
namespace {

using namespace std::chrono;

ReviewTimes review_times(std::vector<double> minutes) {
  ReviewTimes t;
  t.sample = static_cast<std::int64_t>(minutes.size());
  t.median_minutes = percentile(minutes, 0.5);
  t.p90_minutes = percentile(minutes, 0.9);
  return t;
}

std::string cell(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "<5"; }

std::string cell(const std::optional<double>& v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  return buf;
}

}  // namespace

std::optional<double> percentile(const std::vector<double>& sorted, double p) {
  if (static_cast<std::int64_t>(sorted.size()) < kSmallNumber) return std::nullopt;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

std::optional<std::int64_t> suppress_small(std::int64_t n) {
  if (n > 0 && n < kSmallNumber) return std::nullopt;
  return n;
}

Dashboard OversightService::dashboard(const Principal* who, std::string_view network_slug, system_clock::time_point now) {
  return db_.read([&](store::Connection& c) {
    const auto network = require_network(c, network_slug);
    require_capability(who, Capability::Moderate, network.id);
    Dashboard d;
    d.network_slug = network.slug;
    const auto queue = store::queue_snapshot(c, network.id);
    d.open_items = queue.open_items;
    d.oldest_item_at = queue.oldest_created_at;
    if (queue.oldest_created_at) {
      // The oldest item's age, from the text the store keeps (RFC 3339, UTC).
      std::istringstream in(*queue.oldest_created_at);
      sys_time<milliseconds> at;
      in >> date::parse("%FT%TZ", at);  // header-only part of the date library (GCC 12 has no std::chrono::parse)
      if (!in.fail()) d.oldest_item_minutes = duration_cast<minutes>(now - at).count();
    }
    d.review_last_7_days =
        review_times(store::review_minutes(c, network.id, core::format_utc_ms(now - days(7)), core::format_utc_ms(now + minutes(1))));
    const auto cases = store::case_counts(c, network.id, core::format_utc_ms(now));
    d.active_cases = cases.active;
    d.cases_past_deadline = cases.past_deadline;
    return d;
  });
}

std::vector<WeekRow> OversightService::weekly_report(const Principal* who, std::string_view network_slug, int weeks,
                                                     system_clock::time_point now) {
  if (weeks < 1 || weeks > kReportWeeksMax) {
    throw core::AppError(core::ErrorKind::BadRequest, "invalid_query", "Choose 1 to 26 weeks.");
  }
  return db_.read([&](store::Connection& c) {
    const auto network = require_network(c, network_slug);
    require_capability(who, Capability::HandleRiskCases, network.id);
    // Weeks run Monday to Monday in the network's own zone, as its team and service lead count
    // them; the last one is the current, partial week.
    std::vector<WeekRow> rows;
    for (const auto& week : local_weeks(network.time_zone, now, weeks)) {
      const auto from = core::format_utc_ms(week.from);
      const auto to = core::format_utc_ms(week.to);
      const auto w = store::week_counts(c, network.id, from, to);
      WeekRow r;
      r.week_start = week.monday;
      r.members_active = suppress_small(w.members_active);
      r.posts = suppress_small(w.posts);
      r.held = suppress_small(w.held);
      r.cases_opened = suppress_small(w.cases_opened);
      r.cases_answered_in_time = suppress_small(w.cases_answered_in_time);
      r.cases_closed = suppress_small(w.cases_closed);
      // A share is only as safe as both its counts.
      if (r.posts && r.held && w.posts > 0) r.held_share = static_cast<double>(w.held) / static_cast<double>(w.posts);
      r.median_review_minutes = percentile(store::review_minutes(c, network.id, from, to), 0.5);
      rows.push_back(std::move(r));
    }
    return rows;
  });
}

std::string weekly_report_csv(const std::vector<WeekRow>& rows) {
  std::string out =
      "week_start,members_active,posts,held,held_share,median_review_minutes,cases_opened,cases_answered_in_time,"
      "cases_closed\r\n";
  for (const auto& r : rows) {
    out += r.week_start + "," + cell(r.members_active) + "," + cell(r.posts) + "," + cell(r.held) + "," + cell(r.held_share) +
           "," + cell(r.median_review_minutes) + "," + cell(r.cases_opened) + "," + cell(r.cases_answered_in_time) + "," +
           cell(r.cases_closed) + "\r\n";
  }
  return out;
}

}  // namespace harbour::services
