#include "store/backup.hpp"

#include "store/connection.hpp"
#include "store/db_error.hpp"
#include "store/migrations.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc, _GNU_SOURCE)
#include <stdlib.h>  // mkstemp
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace harbour::store {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

[[noreturn]] void throw_db(sqlite3* db, int rc, const std::string& context) {
  throw DbError(rc, context + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

[[noreturn]] void throw_io(const std::string& context, int err) {
  throw DbError(SQLITE_IOERR, context + ": " + std::strerror(err));
}

// A connection that only the backup uses: no Connection pragmas (this file is not the server's
// database, and must not be switched to WAL).
DbHandle open_plain(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) throw_db(raw, rc, "cannot open " + path.string());
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

// The first column of the first row of a parameterless statement, as text ("" when no row).
std::string query_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) throw_db(db, rc, std::string("cannot prepare ") + sql);
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  rc = sqlite3_step(raw);
  if (rc == SQLITE_DONE) return {};
  if (rc != SQLITE_ROW) throw_db(db, rc, sql);
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
  return text != nullptr ? std::string(text) : std::string();
}

// Copies every page of `src` into `dest` in one step. A source that already has a read
// transaction open is copied from that snapshot.
void copy_all(sqlite3* src, sqlite3* dest, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", src, "main");
  if (backup == nullptr) throw_db(dest, sqlite3_errcode(dest), "cannot start " + what);
  const int rc = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);  // its code is dest's error code too
  if (rc != SQLITE_DONE) {
    throw DbError(rc, what + " failed: " + sqlite3_errstr(rc) + " (" + sqlite3_errmsg(dest) + ")");
  }
  if (finished != SQLITE_OK) throw_db(dest, finished, what + " failed");
}

void fsync_path(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw_io("cannot open " + path.string() + " to sync it", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw_io("cannot sync " + path.string(), err);
}

// Renames `from` to `to` unless `to` exists (atomically where the file system supports it).
void rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  const int err = errno;
  if (err == EEXIST) throw DbError(SQLITE_CANTOPEN, to.string() + " already exists; a backup never replaces a file");
  if (err != EINVAL && err != ENOSYS) throw_io("cannot rename " + from.string() + " to " + to.string(), err);
  // A file system without RENAME_NOREPLACE: check, then rename (a race here only replaces a file
  // that appeared in the last microseconds).
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) throw DbError(SQLITE_CANTOPEN, to.string() + " already exists; a backup never replaces a file");
  if (::rename(from.c_str(), to.c_str()) != 0) throw_io("cannot rename " + from.string() + " to " + to.string(), errno);
}

// A temporary file next to `target`, mode 0600, removed (with any journal SQLite left beside
// it) unless keep() was called.
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& target) {
    const auto folder = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
    std::string pattern = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const int fd = ::mkstemp(buffer.data());  // O_EXCL, mode 0600
    if (fd < 0) throw_io("cannot create a temporary file in " + folder.string(), errno);
    ::close(fd);
    path_ = buffer.data();
  }
  ~TempFile() {
    if (keep_) return;
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  void keep() noexcept { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

std::int64_t query_int(Connection& c, Sql sql) {
  Statement& s = c.prepare(sql);
  const std::int64_t value = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return value;
}

}  // namespace

DatabaseFileInfo backup_database(const std::filesystem::path& source, const std::filesystem::path& target) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec)) throw DbError(SQLITE_CANTOPEN, "no database at " + source.string());
  if (std::filesystem::exists(target, ec)) {
    throw DbError(SQLITE_CANTOPEN, target.string() + " already exists; a backup never replaces a file");
  }

  // The snapshot: a read transaction opened (BEGIN is deferred, the first read takes it) before
  // the copy, so the copy and nothing else decides which commits it holds.
  Connection src = Connection::open(source, Connection::Mode::ReadOnly);
  src.exec("BEGIN");
  query_int(src, "SELECT count(*) FROM sqlite_schema");

  TempFile temp(target);
  {
    DbHandle dest = open_plain(temp.path());
    copy_all(src.handle(), dest.get(), "backup of " + source.string());
    src.exec("ROLLBACK");  // let the server's checkpoints past our snapshot at once
    // The copy carries the source's WAL mode in its header; a backup file should stand alone.
    if (const auto mode = query_text(dest.get(), "PRAGMA journal_mode = DELETE"); mode != "delete") {
      throw DbError(SQLITE_ERROR, "backup copy stayed in journal mode '" + mode + "'");
    }
    sqlite3* raw = dest.release();
    if (const int rc = sqlite3_close(raw); rc != SQLITE_OK) {
      sqlite3_close_v2(raw);
      throw DbError(rc, "cannot close the backup copy: " + std::string(sqlite3_errstr(rc)));
    }
  }
  fsync_path(temp.path(), false);
  rename_no_replace(temp.path(), target);
  temp.keep();
  fsync_path(target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path(), true);

  Connection copy = Connection::open(target, Connection::Mode::ReadOnly);
  return database_file_info(copy, target);
}

void restore_database(const std::filesystem::path& backup, const std::filesystem::path& target) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(backup, ec)) throw DbError(SQLITE_CANTOPEN, "no backup file at " + backup.string());

  Connection src = Connection::open(backup, Connection::Mode::ReadOnly);
  Connection dest = Connection::open(target, Connection::Mode::ReadWrite);  // WAL, as the server runs it
  // A WAL database cannot change its page size; a backup made with another one is copied in
  // rollback-journal mode and the result switched back to WAL.
  const bool same_page_size = query_int(src, "PRAGMA page_size") == query_int(dest, "PRAGMA page_size");
  if (!same_page_size) dest.exec("PRAGMA journal_mode = DELETE");
  copy_all(src.handle(), dest.handle(), "restore from " + backup.string());
  src.close();
  dest.exec("PRAGMA journal_mode = WAL");
  Statement& mode = dest.prepare("PRAGMA journal_mode");
  const std::string journal = mode.step() ? mode.column_text(0) : std::string();
  mode.reset();
  if (journal != "wal") throw DbError(SQLITE_ERROR, "restored database is in journal mode '" + journal + "', expected wal");
  // Fold the copy into the database file now rather than at the server's first checkpoint.
  dest.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  dest.close();
}

std::string integrity_problems(Connection& c) {
  Statement& s = c.prepare("PRAGMA integrity_check");
  std::string problems;
  int lines = 0;
  while (s.step()) {
    const std::string line = s.column_text(0);
    if (line == "ok" && lines == 0) continue;
    if (++lines > 20) {
      problems += "...\n";
      break;
    }
    problems += line + "\n";
  }
  s.reset();
  if (!problems.empty()) problems.pop_back();
  return problems;
}

DatabaseFileInfo database_file_info(Connection& c, const std::filesystem::path& file) {
  DatabaseFileInfo info;
  info.file = file;
  std::error_code ec;
  info.bytes = std::filesystem::file_size(file, ec);
  if (ec) throw DbError(SQLITE_CANTOPEN, "cannot read the size of " + file.string() + ": " + ec.message());
  info.page_size = query_int(c, "PRAGMA page_size");
  info.pages = query_int(c, "PRAGMA page_count");
  info.schema_version = schema_version(c);
  return info;
}

}  // namespace harbour::store
