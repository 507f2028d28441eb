#include "store/db_error.hpp"

#include <sqlite3.h>

namespace harbour::store {

bool DbError::is_full() const noexcept {
  const int primary = primary_code();
  return primary == SQLITE_FULL || primary == SQLITE_IOERR;
}

bool DbError::is_busy() const noexcept {
  const int primary = primary_code();
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

bool DbError::is_constraint() const noexcept { return primary_code() == SQLITE_CONSTRAINT; }

NewerDatabaseError::NewerDatabaseError(int found_version, int known_version)
    : DbError(SQLITE_ERROR, "database schema version " + std::to_string(found_version) +
                                " is newer than this harbour (knows up to " + std::to_string(known_version) +
                                "); upgrade harbour or restore a matching backup"),
      found_(found_version),
      known_(known_version) {}

}  // namespace harbour::store
