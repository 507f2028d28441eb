#include "services/office_hours.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "store/office_hours_repo.hpp"

// GCC 12 at -O2 reports "may be used uninitialized" inside the date library's parse/zone
// templates (a known false positive of its flow analysis in header code, not ours); with -Werror
// that would stop the build, so it is silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <date/date.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <sstream>

namespace harbour::services {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using LocalDay = date::local_days;

constexpr const char* kDefaultZone = "Europe/London";
// How far ahead the next opening is looked for. Longer than the fortnight a bank-holiday week
// plus a weekend needs, so a long closure (Christmas) still says when people are back.
constexpr int kSearchDays = 60;

const date::time_zone* zone_named(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    // A bad zone in the table must not take the status (and with it the moderation gate) down:
    // the service is British, so London time is the least surprising reading of the hours.
    core::log::warn("office_hours_unknown_time_zone", {{"time_zone", std::string(name)}, {"fallback", kDefaultZone}});
    return date::locate_zone(kDefaultZone);
  }
}

std::string day_text(LocalDay d) { return date::format("%F", d); }

struct Interval {
  TimePoint start;
  TimePoint end;
};

// A local wall-clock time on a local day as a UTC instant.
//
// Two clock changes a year make local times odd. On the spring-forward day (Europe/London, last
// Sunday of March) 01:00-01:59 does not exist; on the fall-back day (last Sunday of October)
// 01:00-01:59 happens twice. For a time that does not exist both choices give the instant of the
// change (02:00 BST), so an opening at 01:30 opens then: nothing throws (date::choose::* never
// throws, unlike the default). For a time that happens twice we choose deliberately to be
// cautious: openings take the LATER of the two instants and closings the EARLIER, so the
// service never claims the team is there at a moment their own clock says they are not.
TimePoint local_instant(const date::time_zone* zone, LocalDay day, int minutes_of_day, date::choose choice) {
  const auto local = date::local_time<minutes>(day) + minutes(minutes_of_day);
  return std::chrono::time_point_cast<TimePoint::duration>(zone->to_sys(local, choice));
}

// The open intervals from the day before `now` up to kSearchDays after it, closures left out,
// sorted, with touching or overlapping ones merged (Sunday until 24:00 and Monday from 00:00 is
// one stretch of opening, not a change at midnight).
std::vector<Interval> open_intervals(store::Connection& c, std::int64_t network_id, const date::time_zone* zone,
                                     LocalDay today) {
  const auto week = store::list_office_hours(c, network_id);
  std::vector<Interval> out;
  if (week.empty()) return out;
  std::set<std::string> closed;
  for (auto& row : store::list_closures(c, network_id, day_text(today - days(1)), day_text(today + days(kSearchDays)))) {
    closed.insert(std::move(row.day));
  }
  for (auto d = today - days(1); d <= today + days(kSearchDays); d += days(1)) {
    if (closed.contains(day_text(d))) continue;
    const auto weekday = static_cast<int>(date::weekday(d).iso_encoding());
    for (const auto& row : week) {
      if (row.weekday != weekday) continue;
      const auto opens = parse_time_of_day(row.opens, false);
      const auto closes = parse_time_of_day(row.closes, true);
      if (!opens || !closes || *opens >= *closes) continue;  // the schema's GLOB lets 29:00 through
      const auto start = local_instant(zone, d, *opens, date::choose::latest);
      const auto end = local_instant(zone, d, *closes, date::choose::earliest);
      if (start < end) out.push_back({start, end});
    }
  }
  std::sort(out.begin(), out.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> merged;
  for (const auto& i : out) {
    if (!merged.empty() && i.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, i.end);
    } else {
      merged.push_back(i);
    }
  }
  return merged;
}

constexpr std::array<const char*, 7> kWeekdays = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                  "Friday", "Saturday", "Sunday"};
constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                 "July",    "August",   "September", "October", "November", "December"};

// "today", "tomorrow", "on Monday" within the week, "on Monday 5 January" further away.
std::string day_phrase(LocalDay today, LocalDay d) {
  const auto ahead = (d - today).count();
  if (ahead == 0) return "today";
  if (ahead == 1) return "tomorrow";
  const std::string weekday = kWeekdays[date::weekday(d).iso_encoding() - 1];
  if (ahead <= 6) return "on " + weekday;
  const date::year_month_day ymd(d);
  return "on " + weekday + " " + std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         kMonths[static_cast<unsigned>(ymd.month()) - 1];
}

struct Computed {
  bool has_hours = false;
  bool open = false;
  std::optional<TimePoint> next_change;
  std::string zone_name;
  std::string summary;
};

Computed compute(store::Connection& c, std::int64_t network_id, TimePoint now) {
  Computed out;
  const auto stored = store::find_network_time_zone(c, network_id).value_or(kDefaultZone);
  const auto* zone = zone_named(stored);
  out.zone_name = std::string(zone->name());
  const auto local_now = zone->to_local(now);
  const auto today = date::floor<days>(local_now);
  const auto intervals = open_intervals(c, network_id, zone, today);
  out.has_hours = !store::list_office_hours(c, network_id).empty();
  if (!out.has_hours) {
    out.summary = "This community has no office hours set";
    return out;
  }
  for (const auto& i : intervals) {
    if (i.start <= now && now < i.end) {
      out.open = true;
      out.next_change = i.end;
      break;
    }
    if (i.start > now) {
      out.next_change = i.start;
      break;
    }
  }
  if (!out.next_change) {
    out.summary = "Moderators are away for now";
    return out;
  }
  const auto local = date::floor<minutes>(zone->to_local(*out.next_change));
  const auto day = date::floor<days>(local);
  const auto clock = date::format("%H:%M", local);
  // Open around the clock as far as we look (24/7 hours): no closing time worth naming.
  const bool no_end_in_sight = out.open && day >= today + days(kSearchDays);
  if (no_end_in_sight) {
    out.summary = "Moderators are here now";
  } else if (out.open) {
    if (day == today + days(1) && local == day) {
      out.summary = "Moderators are here until midnight";
    } else {
      out.summary = "Moderators are here until " + clock + (day == today ? "" : " " + day_phrase(today, day));
    }
  } else {
    out.summary = "We are back at " + clock + " " + day_phrase(today, day);
  }
  return out;
}

}  // namespace

void load_time_zones() {
  const auto* zone = date::locate_zone(kDefaultZone);
  (void)zone->get_info(std::chrono::system_clock::now());
}

OfficeStatus office_status(store::Connection& c, std::int64_t network_id, TimePoint now) {
  auto computed = compute(c, network_id, now);
  return {computed.open, computed.next_change, std::move(computed.zone_name), std::move(computed.summary)};
}

std::optional<TimePoint> next_opening(store::Connection& c, std::int64_t network_id, TimePoint now) {
  const auto computed = compute(c, network_id, now);
  if (computed.open) return now;
  return computed.next_change;
}

std::vector<std::int64_t> on_shift_user_ids(store::Connection& c, std::int64_t network_id, TimePoint now) {
  return store::list_on_shift_user_ids(c, network_id, core::format_utc_ms(now));
}

std::string effective_time_zone(std::string_view stored_zone) { return std::string(zone_named(stored_zone)->name()); }

std::string local_date(std::string_view stored_zone, TimePoint now, int days_later) {
  const auto today = date::floor<days>(zone_named(stored_zone)->to_local(now));
  return day_text(today + days(days_later));
}

std::vector<LocalWeek> local_weeks(std::string_view stored_zone, TimePoint now, int count) {
  const auto* zone = zone_named(stored_zone);
  const auto today = date::floor<days>(zone->to_local(now));
  const auto monday = today - (date::weekday{today} - date::Monday);
  std::vector<LocalWeek> weeks;
  for (int i = count - 1; i >= 0; --i) {
    const LocalDay start = monday - days(7 * i);
    // Local midnight exists and happens once in every zone that moves its clocks at night; where
    // it does not (a few zones change at 00:00), earliest gives the instant of the change.
    weeks.push_back({day_text(start), local_instant(zone, start, 0, date::choose::earliest),
                     local_instant(zone, start + days(7), 0, date::choose::earliest)});
  }
  return weeks;
}

std::optional<int> parse_time_of_day(std::string_view text, bool allow_midnight_end) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (const auto i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m > 59) return std::nullopt;
  if (h == 24 && m == 0 && allow_midnight_end) return 24 * 60;
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

bool is_calendar_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const auto i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  int y = 0;
  unsigned mo = 0, d = 0;
  std::from_chars(text.data(), text.data() + 4, y);
  std::from_chars(text.data() + 5, text.data() + 7, mo);
  std::from_chars(text.data() + 8, text.data() + 10, d);
  return date::year_month_day(date::year(y), date::month(mo), date::day(d)).ok();
}

std::optional<TimePoint> parse_instant(std::string_view text) {
  if (text.size() < 20 || text.size() > 35) return std::nullopt;
  for (const char* format : {"%FT%TZ", "%FT%T%Ez"}) {
    std::istringstream in{std::string(text)};
    date::sys_time<std::chrono::milliseconds> t;
    in >> date::parse(format, t);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) {
      const auto ymd = date::year_month_day(date::floor<days>(t));
      if (ymd.year() < date::year(2000) || ymd.year() > date::year(2200)) return std::nullopt;
      return std::chrono::time_point_cast<TimePoint::duration>(t);
    }
  }
  return std::nullopt;
}

}  // namespace harbour::services
