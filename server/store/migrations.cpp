#include "store/migrations.hpp"

#include "store/connection.hpp"
#include "store/db_error.hpp"

#include <sqlite3.h>

#include <string>

namespace harbour::store {
namespace {

void check_numbering(std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      throw DbError(SQLITE_MISUSE, "migration " + std::string(migrations[i].name) + " has version " +
                                       std::to_string(migrations[i].version) + ", expected " +
                                       std::to_string(i + 1) + " (versions must run 1..N without gaps)");
    }
  }
}

// Foreign keys are off while migrating, as SQLite's own recipe for schema changes asks: with
// them on, DROP TABLE during a table rebuild would run ON DELETE CASCADE and silently delete
// rows. Each migration instead proves it left no violation (foreign_key_check) before its commit.
// foreign_keys cannot change inside a transaction, hence around the whole run.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Connection& c) : c_(c) { c_.exec("PRAGMA foreign_keys = OFF"); }
  ~ForeignKeysOff() {
    try {
      c_.exec("PRAGMA foreign_keys = ON");
    } catch (const DbError&) {
      // Nothing to do in a destructor; verify_pragmas reports a connection left without them.
    }
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  Connection& c_;
};

void check_foreign_keys(Connection& c, const Migration& m) {
  Statement& s = c.prepare("PRAGMA foreign_key_check");
  if (s.step()) {
    const std::string table = s.column_text(0);
    s.reset();
    throw DbError(SQLITE_CONSTRAINT_FOREIGNKEY,
                  "migration " + std::string(m.name) + " leaves a foreign key violation in table " + table);
  }
}

void rollback_quietly(Connection& c) noexcept {
  if (!c.in_transaction()) return;
  try {
    c.exec("ROLLBACK");
  } catch (...) {
    // The original error is the one worth reporting; closing the connection rolls back anyway.
  }
}

void apply(Connection& c, const Migration& m) {
  try {
    c.exec_script(m.sql);
    if (!c.in_transaction()) {
      throw DbError(SQLITE_MISUSE, "migration " + std::string(m.name) + " ended its own transaction");
    }
    check_foreign_keys(c, m);
    // PRAGMA takes no bound parameters. The value is an int from the embedded list, never input.
    c.exec_script("PRAGMA user_version = " + std::to_string(m.version));
    c.exec("COMMIT");
  } catch (const DbError& e) {
    rollback_quietly(c);
    throw DbError(e.code(), "migration " + std::string(m.name) + " failed: " + e.what());
  } catch (...) {
    rollback_quietly(c);
    throw;
  }
}

}  // namespace

int schema_version(Connection& connection) {
  Statement& s = connection.prepare("PRAGMA user_version");
  const int version = s.step() ? static_cast<int>(s.column_int64(0)) : 0;
  s.reset();
  return version;
}

MigrationResult migrate(Connection& connection, std::span<const Migration> migrations) {
  check_numbering(migrations);
  const int known = static_cast<int>(migrations.size());
  const int from = schema_version(connection);
  if (from > known) throw NewerDatabaseError(from, known);

  ForeignKeysOff foreign_keys_off(connection);
  for (;;) {
    // The version is read again under the write lock: `harbour migrate` and a starting server
    // may race, and each migration must run exactly once.
    connection.exec("BEGIN IMMEDIATE");
    int current = 0;
    try {
      current = schema_version(connection);
    } catch (...) {
      rollback_quietly(connection);
      throw;
    }
    if (current >= known) {
      rollback_quietly(connection);  // nothing was written
      if (current > known) throw NewerDatabaseError(current, known);
      return {from, current};
    }
    apply(connection, migrations[static_cast<std::size_t>(current)]);
  }
}

}  // namespace harbour::store
