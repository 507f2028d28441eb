#include "services/office_hours_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/content_rules.hpp"
#include "services/roles.hpp"
#include "services/staff_action.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/account_repo.hpp"
#include "store/office_hours_repo.hpp"

#include <algorithm>
#include <set>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

AppError network_not_found() {
  return AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
}

store::NetworkRow find_network(store::Database& db, std::string_view slug) {
  auto network = db.read([&](store::Connection& c) { return store::find_network_by_slug(c, slug); });
  if (!network) throw network_not_found();
  return *network;
}

AppError invalid_week(const std::string& message) { return AppError(ErrorKind::BadRequest, "invalid_hours", message); }

// Sorted, each time well formed, opens < closes, at most kMaxRowsPerWeekday a day, no overlaps.
std::vector<WeeklyHours> checked_week(std::vector<WeeklyHours> week) {
  for (const auto& row : week) {
    if (row.weekday < 1 || row.weekday > 7) throw invalid_week("A weekday is 1 (Monday) to 7 (Sunday).");
    const auto opens = parse_time_of_day(row.opens, false);
    const auto closes = parse_time_of_day(row.closes, true);
    if (!opens || !closes) throw invalid_week("Write times as HH:MM, for example 09:00 or 17:30.");
    if (*opens >= *closes) throw invalid_week("Each opening time must be before its closing time.");
  }
  std::sort(week.begin(), week.end(), [](const auto& a, const auto& b) {
    return a.weekday != b.weekday ? a.weekday < b.weekday : a.opens < b.opens;
  });
  for (std::size_t i = 0, run = 0; i < week.size(); ++i) {
    run = (i > 0 && week[i - 1].weekday == week[i].weekday) ? run + 1 : 1;
    if (run > kMaxRowsPerWeekday) throw invalid_week("A day has at most 4 opening times.");
    if (run > 1 && week[i].opens < week[i - 1].closes) {
      throw invalid_week("Opening times on the same day must not overlap.");
    }
  }
  return week;
}

std::vector<Closure> checked_closures(std::vector<Closure> closures, const std::string& today) {
  if (closures.size() > kMaxClosures) {
    throw AppError(ErrorKind::BadRequest, "invalid_closure", "There can be at most 366 closures.");
  }
  std::set<std::string> days;
  for (auto& c : closures) {
    if (!is_calendar_date(c.day)) {
      throw AppError(ErrorKind::BadRequest, "invalid_closure", "Write a closure's date as YYYY-MM-DD, for example 2026-12-25.");
    }
    if (c.day < today) throw AppError(ErrorKind::BadRequest, "invalid_closure", "A closure cannot be in the past.");
    if (!days.insert(c.day).second) {
      throw AppError(ErrorKind::BadRequest, "invalid_closure", "Each closure date can be given once.");
    }
    c.reason = checked_text(c.reason, TextKind::Summary, "reason");
    if (code_point_count(c.reason) > kClosureReasonMaxChars) {
      throw AppError(ErrorKind::BadRequest, "invalid_closure", "A closure's reason is at most 200 characters.");
    }
  }
  std::sort(closures.begin(), closures.end(), [](const auto& a, const auto& b) { return a.day < b.day; });
  return closures;
}

OfficeHours load(store::Connection& c, const store::NetworkRow& network, TimePoint now, bool all_closures) {
  OfficeHours out;
  out.status = office_status(c, network.id, now);
  for (auto& r : store::list_office_hours(c, network.id)) out.week.push_back({r.weekday, r.opens, r.closes});
  const auto to = all_closures ? std::string("9999-12-31") : local_date(network.time_zone, now, kUpcomingClosureDays);
  for (auto& r : store::list_closures(c, network.id, local_date(network.time_zone, now), to)) {
    out.closures.push_back({std::move(r.day), std::move(r.reason)});
  }
  return out;
}

bool same_week(const std::vector<WeeklyHours>& a, const std::vector<store::OfficeHoursRow>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.weekday == y.weekday && x.opens == y.opens && x.closes == y.closes;
  });
}

bool same_closures(const std::vector<Closure>& a, const std::vector<store::ClosureRow>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return x.day == y.day && x.reason == y.reason; });
}

RotaShift shift_of(store::RotaShiftRow r) {
  return {r.id, r.user_id, std::move(r.pseudonym), std::move(r.role), std::move(r.starts_at), std::move(r.ends_at)};
}

TimePoint checked_instant(std::string_view text, const char* field) {
  const auto t = parse_instant(text);
  if (!t) {
    throw AppError(ErrorKind::BadRequest, "invalid_time",
                   std::string("'") + field + "' must be a date and time such as 2026-03-29T08:00:00Z.");
  }
  return *t;
}

}  // namespace

OfficeHours OfficeHoursService::get(const Principal* who, std::string_view network_slug, TimePoint now,
                                    bool all_closures) {
  require_signed_in(who);
  const auto network = find_network(db_, network_slug);
  require_network_reader(who, network.id);
  return db_.read([&](store::Connection& c) { return load(c, network, now, all_closures); });
}

OfficeHours OfficeHoursService::replace(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                                        std::vector<WeeklyHours> week, std::vector<Closure> closures) {
  require_admin(who);
  const auto network = find_network(db_, network_slug);
  const auto today = local_date(network.time_zone, meta.now);
  week = checked_week(std::move(week));
  closures = checked_closures(std::move(closures), today);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto old_week = store::list_office_hours(c, network.id);
    const auto old_closures = store::list_closures(c, network.id, today, "9999-12-31");
    if (same_week(week, old_week) && same_closures(closures, old_closures)) return;  // nothing to record
    std::vector<store::OfficeHoursRow> rows;
    for (const auto& w : week) rows.push_back({w.weekday, w.opens, w.closes});
    std::vector<store::ClosureRow> closed;
    for (const auto& d : closures) closed.push_back({d.day, d.reason});
    store::replace_office_hours(c, network.id, rows, closed, today);
    auto e = staff_audit_entry(*who, "network.office_hours_update", meta, network.id, "network",
                               std::to_string(network.id));
    // Counts and the week in short form; closure reasons stay out (the details have a size cap).
    std::string short_week;
    for (const auto& w : week) {
      short_week += (short_week.empty() ? "" : " ") + std::to_string(w.weekday) + "@" + w.opens + "-" + w.closes;
    }
    e.details = {{"week", short_week.substr(0, 1000)},
                 {"week_rows", {{"old", old_week.size()}, {"new", week.size()}}},
                 {"closures", {{"old", old_closures.size()}, {"new", closures.size()}}}};
    append_audit(c, e, meta.now);
  });
  return db_.read([&](store::Connection& c) { return load(c, network, meta.now, true); });
}

std::vector<RotaShift> OfficeHoursService::rota(const Principal* who, std::string_view network_slug,
                                                std::optional<std::string> from, std::optional<std::string> to,
                                                TimePoint now) {
  require_signed_in(who);
  const auto network = find_network(db_, network_slug);
  require_capability(who, Capability::Moderate, network.id);
  const auto start = from ? checked_instant(*from, "from") : now - std::chrono::hours(24);
  const auto end = to ? checked_instant(*to, "to") : now + std::chrono::hours(24 * 14);
  if (end <= start || end - start > std::chrono::hours(24 * 62)) {
    throw AppError(ErrorKind::BadRequest, "invalid_range", "Choose 'from' before 'to', at most 62 days apart.");
  }
  return db_.read([&](store::Connection& c) {
    std::vector<RotaShift> out;
    for (auto& r : store::list_rota(c, network.id, core::format_utc_ms(start), core::format_utc_ms(end))) {
      out.push_back(shift_of(std::move(r)));
    }
    return out;
  });
}

RotaShift OfficeHoursService::add_shift(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                                        std::int64_t user_id, std::string_view starts_at, std::string_view ends_at) {
  require_admin(who);
  const auto network = find_network(db_, network_slug);
  const auto start = checked_instant(starts_at, "starts_at");
  const auto end = checked_instant(ends_at, "ends_at");
  if (end <= start) throw AppError(ErrorKind::BadRequest, "invalid_shift", "A shift must end after it starts.");
  if (end - start > kMaxShift) throw AppError(ErrorKind::BadRequest, "invalid_shift", "A shift is at most 24 hours.");
  if (end <= meta.now) throw AppError(ErrorKind::BadRequest, "invalid_shift", "This shift has already ended.");
  const auto from = core::format_utc_ms(start), until = core::format_utc_ms(end), now = core::format_utc_ms(meta.now);
  const auto id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto role = store::active_role_in(c, user_id, network.id);
    const auto parsed = role ? parse_role(*role) : std::nullopt;
    if (!parsed || !is_staff(*parsed)) {
      throw AppError(ErrorKind::BadRequest, "not_staff",
                     "Only a volunteer, peer supporter or clinician of this community can be on the rota.");
    }
    if (store::rota_overlaps(c, network.id, user_id, from, until)) {
      throw AppError(ErrorKind::Conflict, "shift_overlaps", "This person already has a shift at that time.");
    }
    const auto shift_id = store::insert_rota_shift(c, network.id, user_id, from, until, who->user_id, now);
    auto e = staff_audit_entry(*who, "rota.add", meta, network.id, "rota_shift", std::to_string(shift_id));
    e.details = {{"user_id", user_id}, {"starts_at", from}, {"ends_at", until}};
    append_audit(c, e, meta.now);
    return shift_id;
  });
  auto row = db_.read([&](store::Connection& c) { return store::find_rota_shift(c, id); });
  if (!row) throw AppError(ErrorKind::Conflict, "shift_not_found", "The shift was removed meanwhile.");
  return shift_of(std::move(*row));
}

void OfficeHoursService::remove_shift(const Principal* who, const RequestMeta& meta, std::int64_t shift_id) {
  require_admin(who);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto shift = store::find_rota_shift(c, shift_id);
    if (!shift || !store::delete_rota_shift(c, shift_id)) {
      throw AppError(ErrorKind::NotFound, "shift_not_found", "There is no shift with that number.");
    }
    auto e = staff_audit_entry(*who, "rota.remove", meta, shift->network_id, "rota_shift", std::to_string(shift_id));
    e.details = {{"user_id", shift->user_id}, {"starts_at", shift->starts_at}, {"ends_at", shift->ends_at}};
    append_audit(c, e, meta.now);
  });
}

std::vector<OnShiftPerson> OfficeHoursService::on_shift(const Principal* who, std::string_view network_slug,
                                                        TimePoint now) {
  require_signed_in(who);
  const auto network = find_network(db_, network_slug);
  require_capability(who, Capability::Moderate, network.id);
  const auto at = core::format_utc_ms(now);
  return db_.read([&](store::Connection& c) {
    std::vector<OnShiftPerson> people;
    std::set<std::int64_t> seen;
    // A one-instant window: the shifts covering now, with names and roles.
    for (auto& r : store::list_rota(c, network.id, at, core::format_utc_ms(now + std::chrono::milliseconds(1)))) {
      if (seen.insert(r.user_id).second) people.push_back({r.user_id, std::move(r.pseudonym), std::move(r.role)});
    }
    return people;
  });
}

}  // namespace harbour::services
