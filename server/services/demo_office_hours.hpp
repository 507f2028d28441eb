#pragma once
// Demo office hours for `harbour serve --demo`, so the status line and the rota show something.
// Never run without --demo.
#include <chrono>

namespace harbour::store {
class Database;
}

namespace harbour::services {

// Every network without hours gets Monday to Friday 09:00-17:00 and Saturday 10:00-14:00 in its
// own zone; the demo volunteer, peer supporter and clinician get shifts in the default network
// from 08:00 to 20:00 UTC today and tomorrow (unless they already have one then). Idempotent.
// Call it after seed_demo_accounts (the shifts need the demo staff).
void seed_demo_office_hours(store::Database& db, std::chrono::system_clock::time_point now);

}  // namespace harbour::services
