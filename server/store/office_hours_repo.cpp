#include "store/office_hours_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {
namespace {

// Columns of a shift with the person's current name and role in the network.
#define HARBOUR_SHIFT_SELECT \
  "SELECT r.id, r.network_id, r.user_id, r.starts_at, r.ends_at, u.pseudonym, coalesce(m.role, '')" \
  " FROM rota_shifts r JOIN users u ON u.id = r.user_id" \
  " LEFT JOIN memberships m ON m.user_id = r.user_id AND m.network_id = r.network_id"

RotaShiftRow shift_of(Statement& s) {
  return {s.column_int64(0), s.column_int64(1), s.column_int64(2), s.column_text(3),
          s.column_text(4),  s.column_text(5),  s.column_text(6)};
}

}  // namespace

std::optional<std::string> find_network_time_zone(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare("SELECT time_zone FROM networks WHERE id = ?1");
  s.bind(1, network_id);
  std::optional<std::string> zone;
  if (s.step()) zone = s.column_text(0);
  s.reset();
  return zone;
}

std::vector<OfficeHoursRow> list_office_hours(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare(
      "SELECT weekday, opens, closes FROM office_hours WHERE network_id = ?1 ORDER BY weekday, opens");
  s.bind(1, network_id);
  std::vector<OfficeHoursRow> rows;
  while (s.step()) rows.push_back({static_cast<int>(s.column_int64(0)), s.column_text(1), s.column_text(2)});
  return rows;
}

std::vector<ClosureRow> list_closures(Connection& c, std::int64_t network_id, std::string_view from_day,
                                      std::string_view to_day) {
  Statement& s = c.prepare(
      "SELECT day, reason FROM office_closures WHERE network_id = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day");
  s.bind(1, network_id).bind(2, from_day).bind(3, to_day);
  std::vector<ClosureRow> rows;
  while (s.step()) rows.push_back({s.column_text(0), s.column_text(1)});
  return rows;
}

void replace_office_hours(Connection& c, std::int64_t network_id, const std::vector<OfficeHoursRow>& week,
                          const std::vector<ClosureRow>& closures, std::string_view from_day) {
  c.prepare("DELETE FROM office_hours WHERE network_id = ?1").bind(1, network_id).step();
  for (const auto& row : week) {
    Statement& s = c.prepare("INSERT INTO office_hours (network_id, weekday, opens, closes) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, network_id).bind(2, row.weekday).bind(3, row.opens).bind(4, row.closes);
    s.step();
  }
  c.prepare("DELETE FROM office_closures WHERE network_id = ?1 AND day >= ?2").bind(1, network_id).bind(2, from_day).step();
  for (const auto& row : closures) {
    Statement& s = c.prepare("INSERT INTO office_closures (network_id, day, reason) VALUES (?1, ?2, ?3)");
    s.bind(1, network_id).bind(2, row.day).bind(3, row.reason);
    s.step();
  }
}

std::vector<std::int64_t> list_on_shift_user_ids(Connection& c, std::int64_t network_id, std::string_view now) {
  Statement& s = c.prepare(
      "SELECT DISTINCT user_id FROM rota_shifts WHERE network_id = ?1 AND starts_at <= ?2 AND ends_at > ?2"
      " ORDER BY user_id");
  s.bind(1, network_id).bind(2, now);
  std::vector<std::int64_t> ids;
  while (s.step()) ids.push_back(s.column_int64(0));
  return ids;
}

std::vector<RotaShiftRow> list_rota(Connection& c, std::int64_t network_id, std::string_view from, std::string_view to) {
  Statement& s = c.prepare(HARBOUR_SHIFT_SELECT
                           " WHERE r.network_id = ?1 AND r.starts_at < ?3 AND r.ends_at > ?2"
                           " ORDER BY r.starts_at, r.id LIMIT 1000");
  s.bind(1, network_id).bind(2, from).bind(3, to);
  std::vector<RotaShiftRow> rows;
  while (s.step()) rows.push_back(shift_of(s));
  return rows;
}

bool rota_overlaps(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view from,
                   std::string_view to) {
  Statement& s = c.prepare(
      "SELECT 1 FROM rota_shifts WHERE network_id = ?1 AND user_id = ?2 AND starts_at < ?4 AND ends_at > ?3 LIMIT 1");
  s.bind(1, network_id).bind(2, user_id).bind(3, from).bind(4, to);
  const bool found = s.step();
  s.reset();
  return found;
}

std::int64_t insert_rota_shift(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view starts_at,
                               std::string_view ends_at, std::int64_t created_by, std::string_view now) {
  Statement& s = c.prepare(
      "INSERT INTO rota_shifts (network_id, user_id, starts_at, ends_at, created_by, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  s.bind(1, network_id).bind(2, user_id).bind(3, starts_at).bind(4, ends_at).bind(5, created_by).bind(6, now);
  s.step();
  return c.last_insert_rowid();
}

std::optional<RotaShiftRow> find_rota_shift(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(HARBOUR_SHIFT_SELECT " WHERE r.id = ?1");
  s.bind(1, id);
  std::optional<RotaShiftRow> row;
  if (s.step()) row = shift_of(s);
  s.reset();
  return row;
}

bool delete_rota_shift(Connection& c, std::int64_t id) {
  c.prepare("DELETE FROM rota_shifts WHERE id = ?1").bind(1, id).step();
  return c.changes() > 0;
}

}  // namespace harbour::store
