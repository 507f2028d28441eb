#include "services/demo_office_hours.hpp"

#include "core/clock.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/office_hours_repo.hpp"

#include <string>
#include <vector>

namespace harbour::services {

void seed_demo_office_hours(store::Database& db, std::chrono::system_clock::time_point now) {
  using std::chrono::hours;
  const auto midnight = std::chrono::floor<std::chrono::days>(now);
  const auto stamp = core::format_utc_ms(now);
  db.writer()
      .run([&](store::Connection& c) {
        std::vector<store::OfficeHoursRow> week;
        for (int d = 1; d <= 5; ++d) week.push_back({d, "09:00", "17:00"});
        week.push_back({6, "10:00", "14:00"});
        for (const auto& network : store::list_networks(c)) {
          if (!store::list_office_hours(c, network.id).empty()) continue;
          // Closures are left as they are (from_day past every date: none replaced).
          store::replace_office_hours(c, network.id, week, {}, "9999-12-31");
        }
        const auto net = store::find_network_by_slug(c, "default");
        if (!net) return;
        for (const char* name : {"Demo Clinician", "Demo Peer Supporter", "Demo Volunteer"}) {
          const auto user = store::find_user_by_key(c, pseudonym_key(name));
          if (!user || !store::active_role_in(c, user->id, net->id)) continue;
          for (int day = 0; day < 2; ++day) {
            const auto from = core::format_utc_ms(midnight + hours(24 * day + 8));
            const auto to = core::format_utc_ms(midnight + hours(24 * day + 20));
            if (store::rota_overlaps(c, net->id, user->id, from, to)) continue;
            store::insert_rota_shift(c, net->id, user->id, from, to, user->id, stamp);
          }
        }
      })
      .get();
}

}  // namespace harbour::services
