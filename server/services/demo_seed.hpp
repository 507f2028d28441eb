#pragma once
// Demo content for `harbour serve --demo`: lets a newcomer see the service with more than one
// network. Never run without --demo. Idempotent: running it again changes nothing.
namespace harbour::store {
class Database;
}

namespace harbour::services {

// Returns how many networks it created (0 when they were already there).
int seed_demo_content(store::Database& db);

}  // namespace harbour::services
