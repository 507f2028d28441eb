#pragma once
// Demo content for `harbour serve --demo`: lets a newcomer see the service with more than one
// network. Never run without --demo. Idempotent: running it again changes nothing.
#include <string>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

class PasswordHasher;

inline constexpr const char* kDemoPassword = "quiet demo lighthouse";

struct DemoAccount {
  std::string pseudonym;
  std::string role;
  std::string password;
  std::string totp_key;  // staff: the authenticator key (demo accounts come with TOTP set up)
};

// One account per role in the default network (and an admin), with a shared demo password;
// staff accounts have TOTP enabled. Idempotent; returns the details to print.
std::vector<DemoAccount> seed_demo_accounts(store::Database& db, PasswordHasher& hasher);

// Returns how many networks it created (0 when they were already there).
int seed_demo_content(store::Database& db);

}  // namespace harbour::services
