#pragma once
// Reading and changing a network's office hours, closures and rota (the rules behind the office
// hours API). The status itself is computed by office_hours.hpp.
#include "services/office_hours.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

inline constexpr std::size_t kMaxRowsPerWeekday = 4;
inline constexpr std::size_t kMaxClosures = 366;
inline constexpr std::size_t kClosureReasonMaxChars = 200;
// Closures shown to everyone: the coming two months.
inline constexpr int kUpcomingClosureDays = 60;
inline constexpr auto kMaxShift = std::chrono::hours(24);

struct WeeklyHours {
  int weekday = 1;  // ISO 1 = Monday ... 7 = Sunday
  std::string opens;
  std::string closes;
};

struct Closure {
  std::string day;  // YYYY-MM-DD, local to the network
  std::string reason;
};

struct OfficeHours {
  OfficeStatus status;
  std::vector<WeeklyHours> week;
  std::vector<Closure> closures;  // from today (local), upcoming only
};

struct RotaShift {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string pseudonym;
  std::string role;
  std::string starts_at;
  std::string ends_at;
};

struct OnShiftPerson {
  std::int64_t id = 0;
  std::string pseudonym;
  std::string role;
};

class OfficeHoursService {
 public:
  OfficeHoursService(store::Database& db, std::function<void()> audit_written)
      : db_(db), audit_written_(std::move(audit_written)) {}

  // Any key holder of the network, staff and admins. all_closures: every closure from today on
  // (the admin page edits them all), otherwise the coming kUpcomingClosureDays.
  OfficeHours get(const Principal* who, std::string_view network_slug, TimePoint now, bool all_closures);
  // Admins: replaces the week and the closures from today on. Validated whole before writing.
  OfficeHours replace(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                      std::vector<WeeklyHours> week, std::vector<Closure> closures);

  // Staff of the network: shifts overlapping [from, to) (default: a day back, two weeks on).
  std::vector<RotaShift> rota(const Principal* who, std::string_view network_slug, std::optional<std::string> from,
                              std::optional<std::string> to, TimePoint now);
  // Admins: a shift for someone holding a staff key to the network, at most kMaxShift long.
  RotaShift add_shift(const Principal* who, const RequestMeta& meta, std::string_view network_slug, std::int64_t user_id,
                      std::string_view starts_at, std::string_view ends_at);
  void remove_shift(const Principal* who, const RequestMeta& meta, std::int64_t shift_id);
  // Staff of the network: who is on shift now.
  std::vector<OnShiftPerson> on_shift(const Principal* who, std::string_view network_slug, TimePoint now);

 private:
  store::Database& db_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
