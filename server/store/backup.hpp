#pragma once
// Backups of the database file through SQLite's online backup API (DESIGN.md section 4: never a
// file copy, which can catch a live database half-written or miss what is still in its -wal).
//
// backup_database copies the whole database in ONE sqlite3_backup_step(-1) inside one read
// transaction of its own connection. With WAL that is a consistent snapshot (every transaction
// committed before the copy began, none after) taken without ever blocking the server's writer;
// a copy in several steps would start over each time another connection wrote. While the copy
// runs, checkpoints cannot pass its snapshot, so the -wal file may grow for that long.
//
// restore_database copies a backup into the database path, again with the backup API: SQLite
// writes the pages through the destination's own journal (its -wal), so the replacement is one
// transaction and no -wal or -shm file is ever copied or deleted by hand.
#include <cstdint>
#include <filesystem>
#include <string>

namespace harbour::store {

class Connection;

struct DatabaseFileInfo {
  std::filesystem::path file;
  std::uintmax_t bytes = 0;    // size of the file itself
  std::int64_t pages = 0;      // PRAGMA page_count
  std::int64_t page_size = 0;  // PRAGMA page_size
  int schema_version = 0;      // PRAGMA user_version
};

// Writes a copy of the database at `source` (which may be in use by a running server, in this
// or another process) to `target`, a new file: a temporary file in target's folder (mode 0600)
// receives the copy, is switched to a self-contained rollback-journal file (no -wal beside it),
// fsynced and renamed into place, and the folder is fsynced. An existing `target` is never
// replaced. Throws DbError (and leaves no temporary file behind) when anything fails.
DatabaseFileInfo backup_database(const std::filesystem::path& source, const std::filesystem::path& target);

// Replaces the contents of the database at `target` (created if missing) with those of `backup`,
// through the backup API into a connection on `target`. Only call it while no other process uses
// `target` (a running server holds core::DataDirLock; take it first). It checks nothing about
// `backup` itself: run check_database_file first. Throws DbError; on failure `target` is as it
// was (the copy is one transaction on it).
void restore_database(const std::filesystem::path& backup, const std::filesystem::path& target);

// PRAGMA integrity_check: "" when SQLite answers "ok", else its first messages, one per line.
std::string integrity_problems(Connection& c);

// Size, pages and schema version of an existing database file, read through a read-only
// connection. Throws DbError when the file is missing or is not a database.
DatabaseFileInfo database_file_info(Connection& c, const std::filesystem::path& file);

}  // namespace harbour::store
