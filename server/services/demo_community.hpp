#pragma once
// Demo community for `harbour serve --demo`: categories, topics and replies, blog posts, a few
// posts waiting in the moderation queue and a resources library in the 'default', 'carers' and
// 'perinatal' networks, written by demo authors who cannot sign in. Never run without --demo.
#include <chrono>

namespace harbour::store {
class Database;
}

namespace harbour::services {

// Fills every demo network that exists and has no categories yet, in one writer transaction
// (all of it or nothing). Run it after seed_demo_content and seed_demo_accounts, so the demo
// staff accounts write the staff posts of 'default'. Returns how many networks it filled
// (0 when run again). Times are spread over the weeks before `now`.
int seed_demo_community(store::Database& db);
int seed_demo_community(store::Database& db, std::chrono::system_clock::time_point now);

}  // namespace harbour::services
