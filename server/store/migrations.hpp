#pragma once
// Numbered schema migrations (schema/migrations/NNNN_name.sql), embedded into the binary at
// build time by embed_migrations.cmake. PRAGMA user_version records how far a file has come.
#include <span>
#include <string_view>

namespace harbour::store {

class Connection;

struct Migration {
  int version;            // NNNN of the file name; versions run 1..N without gaps
  std::string_view name;  // the file name without .sql, e.g. "0001_networks"
  std::string_view sql;
};

// Defined in the generated embedded_migrations.cpp.
std::span<const Migration> embedded_migrations();

// PRAGMA user_version: 0 for a new file, else the last migration applied.
int schema_version(Connection& connection);

struct MigrationResult {
  int from;
  int to;
};

// Applies every pending migration, each in its own BEGIN IMMEDIATE transaction together with
// its user_version bump, so a failure leaves the file at the previous version. Throws
// NewerDatabaseError when the file is ahead of `migrations`, DbError on any other failure
// (including versions that are not 1..N in order). Needs a ReadWrite connection.
MigrationResult migrate(Connection& connection, std::span<const Migration> migrations);

}  // namespace harbour::store
