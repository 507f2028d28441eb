#pragma once
// Office hours, closures and the rota of a network (tables in 0004_safety.sql). Times of day are
// 'HH:MM' local to the network; days 'YYYY-MM-DD' local; shift instants RFC 3339 UTC with ms.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct OfficeHoursRow {
  int weekday = 1;  // ISO: 1 = Monday ... 7 = Sunday
  std::string opens;
  std::string closes;
};

struct ClosureRow {
  std::string day;
  std::string reason;
};

struct RotaShiftRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::int64_t user_id = 0;
  std::string starts_at;
  std::string ends_at;
  std::string pseudonym;  // as the account is called now
  std::string role;       // the person's role in the network ("" if their key is gone)
};

// The network's zone as stored (not validated here), or nullopt for no such network.
std::optional<std::string> find_network_time_zone(Connection& c, std::int64_t network_id);

// Ordered by weekday, then opening time.
std::vector<OfficeHoursRow> list_office_hours(Connection& c, std::int64_t network_id);
// Closures with from_day <= day <= to_day, by day.
std::vector<ClosureRow> list_closures(Connection& c, std::int64_t network_id, std::string_view from_day,
                                      std::string_view to_day);
// Replaces the week, and the closures on or after from_day (earlier ones are history and stay).
void replace_office_hours(Connection& c, std::int64_t network_id, const std::vector<OfficeHoursRow>& week,
                          const std::vector<ClosureRow>& closures, std::string_view from_day);

// Distinct people whose shift covers `now` (starts_at <= now < ends_at), by id.
std::vector<std::int64_t> list_on_shift_user_ids(Connection& c, std::int64_t network_id, std::string_view now);
// Shifts overlapping [from, to), by start.
std::vector<RotaShiftRow> list_rota(Connection& c, std::int64_t network_id, std::string_view from, std::string_view to);
// Whether the person already has a shift overlapping [from, to) in the network.
bool rota_overlaps(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view from,
                   std::string_view to);
std::int64_t insert_rota_shift(Connection& c, std::int64_t network_id, std::int64_t user_id, std::string_view starts_at,
                               std::string_view ends_at, std::int64_t created_by, std::string_view now);
std::optional<RotaShiftRow> find_rota_shift(Connection& c, std::int64_t id);
bool delete_rota_shift(Connection& c, std::int64_t id);


}  // namespace harbour::store
