#include "services/backup_restore.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/db_error.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <system_error>
#include <utility>

namespace harbour::services {
namespace {

using Ms = std::chrono::milliseconds;

Ms since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
}

// "2026-11-23T19:00:00Z" -> "20261123T190000Z": sorts, and has no ':' for file systems and shells.
std::string compact_utc(std::chrono::system_clock::time_point t) {
  std::string text = core::format_utc(t);
  text.erase(std::remove_if(text.begin(), text.end(), [](char ch) { return ch == '-' || ch == ':'; }), text.end());
  return text;
}

// A file name as it may go into an audit row: printable ASCII, at most 100 characters.
std::string audit_safe_name(const std::filesystem::path& file) {
  std::string name = file.filename().string();
  for (char& ch : name) {
    if (ch < 0x20 || ch > 0x7e) ch = '?';
  }
  if (name.size() > 100) name = name.substr(0, 97) + "...";
  return name.empty() ? std::string("(unnamed)") : name;
}

// Integrity, then the audit chain, on one read snapshot of `c`.
void check_into(store::Connection& c, BackupCheck& check) {
  try {
    check.integrity = store::integrity_problems(c);
  } catch (const store::DbError& e) {
    check.integrity = e.what();  // e.g. "file is not a database"
  }
  if (!check.integrity.empty()) {
    check.audit.problem = "not checked (the file is damaged)";
    return;
  }
  try {
    check.audit = verify_audit_chain(c, std::nullopt);
    if (check.audit.ok) check.head = current_audit_head(c);
  } catch (const std::exception& e) {
    check.audit = {};
    check.audit.problem = std::string("cannot read the audit log: ") + e.what();
  }
}

}  // namespace

std::string BackupCheck::problem() const {
  if (!integrity.empty()) return "integrity check failed: " + integrity;
  if (!audit.ok) {
    std::string text = "audit chain does not verify";
    if (audit.first_bad_id) text += " at row " + std::to_string(*audit.first_bad_id);
    if (!audit.problem.empty()) text += ": " + audit.problem;
    return text;
  }
  return {};
}

BackupCheck check_backup(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw core::AppError(core::ErrorKind::NotFound, "backup_missing", "no file at " + file.string());
  }
  BackupCheck check;
  check.info.file = file;
  check.info.bytes = std::filesystem::file_size(file, ec);
  std::optional<store::Connection> c;
  try {
    c.emplace(store::Connection::open(file, store::Connection::Mode::ReadOnly));
    check.info = store::database_file_info(*c, file);
  } catch (const store::DbError& e) {
    check.integrity = e.what();  // e.g. "file is not a database"
    check.audit.problem = "not checked (the file is damaged)";
    return check;
  }
  c->exec("BEGIN");
  check_into(*c, check);
  c->exec("ROLLBACK");
  return check;
}

std::string backup_file_name(std::chrono::system_clock::time_point t) { return "harbour-" + compact_utc(t) + ".db"; }

BackupReport make_backup(const std::filesystem::path& database, const std::filesystem::path& target) {
  BackupReport report;
  const auto copy_start = std::chrono::steady_clock::now();
  store::backup_database(database, target);
  report.copy_time = since(copy_start);

  const auto check_start = std::chrono::steady_clock::now();
  report.check = check_backup(target);
  report.check_time = since(check_start);
  if (!report.check.ok()) {
    auto failed = target;
    failed += ".failed-check";
    std::error_code ec;
    std::filesystem::rename(target, failed, ec);
    if (!ec) report.check.info.file = failed;
  }
  return report;
}

RestoreReport restore_backup(const std::filesystem::path& backup, const std::filesystem::path& data_dir,
                             std::chrono::system_clock::time_point now) {
  const auto start = std::chrono::steady_clock::now();
  RestoreReport report;
  report.database = data_dir / "harbour.db";
  std::error_code ec;
  if (std::filesystem::exists(report.database, ec) && std::filesystem::equivalent(backup, report.database, ec)) {
    throw core::AppError(core::ErrorKind::BadRequest, "backup_is_database",
                         backup.string() + " is the database itself; restore from a backup file");
  }

  // 1. The backup, before anything is touched.
  report.backup = check_backup(backup);
  if (!report.backup.integrity.empty()) {
    throw core::AppError(core::ErrorKind::BadRequest, "backup_damaged",
                         "backup " + backup.string() + " is damaged (" + report.backup.problem() + "); nothing was changed");
  }
  const int known = static_cast<int>(store::embedded_migrations().size());
  if (report.backup.info.schema_version > known) throw store::NewerDatabaseError(report.backup.info.schema_version, known);
  if (!report.backup.audit.ok) {
    throw core::AppError(core::ErrorKind::BadRequest, "backup_audit_broken",
                         "backup " + backup.string() + ": " + report.backup.problem() + "; nothing was changed");
  }

  // 2. What is there now, kept aside through SQLite (its -wal included), never deleted.
  const std::string stamp = compact_utc(now);
  if (std::filesystem::exists(report.database, ec)) {
    auto previous = report.database;
    previous += ".before-restore-" + stamp;
    try {
      store::backup_database(report.database, previous);
    } catch (const store::DbError& e) {
      // A database too damaged to copy is still never deleted here: the operator moves it.
      throw core::AppError(core::ErrorKind::Conflict, "previous_not_kept",
                           std::string("cannot keep the current database aside (") + e.what() +
                               "); nothing was changed. With the server stopped, move harbour.db and any harbour.db-wal "
                               "and harbour.db-shm out of the data folder by hand, then run the restore again");
    }
    report.previous = previous;
  }
  const auto anchor_file = data_dir / kAuditAnchorFileName;
  if (std::filesystem::exists(anchor_file, ec)) {
    auto previous_anchor = anchor_file;
    previous_anchor += ".before-restore-" + stamp;
    std::filesystem::copy_file(anchor_file, previous_anchor);  // throws if it exists
    report.previous_anchor = previous_anchor;
  }

  // 3. The copy, then the database as the server opens it (pragmas, pending migrations).
  store::restore_database(backup, report.database);
  store::Database db({.path = report.database, .max_readers = 1});
  report.schema = {report.backup.info.schema_version, db.schema_version()};

  // 4. The result.
  BackupCheck restored;
  db.read([&](store::Connection& c) {
    c.exec("BEGIN");
    check_into(c, restored);
    c.exec("ROLLBACK");
  });
  const std::string kept = report.previous ? "; the previous database is kept at " + report.previous->string() : "";
  if (!restored.ok()) {
    throw core::AppError(core::ErrorKind::Internal, "restore_check_failed",
                         "the restored database does not check out (" + restored.problem() + ")" + kept);
  }

  // 5. The restore's own audit row, and the anchor moved to it.
  AuditEntry entry;
  entry.action = "system.restore";
  entry.target_type = "database";
  entry.target_id = audit_safe_name(backup);
  entry.details = {{"backup_file", audit_safe_name(backup)},
                   {"backup_audit_last_id", report.backup.head.last_id},
                   {"backup_audit_last_hash", report.backup.head.last_hash_hex},
                   {"backup_schema_version", report.schema.from},
                   {"schema_version", report.schema.to}};
  if (report.previous) entry.details["previous_database"] = audit_safe_name(*report.previous);
  report.restore_audit_id = db.writer().run([&](store::Connection& c) { return append_audit(c, entry, now); }).get();
  report.head = db.read([](store::Connection& c) { return current_audit_head(c); });
  write_audit_anchor(anchor_file, report.head);
  const auto final_check = db.read([&](store::Connection& c) { return verify_audit_chain(c, report.head); });
  db.close();
  if (!final_check.ok) {
    throw core::AppError(core::ErrorKind::Internal, "restore_check_failed",
                         "the restored audit log does not verify against the new anchor (" + final_check.problem + ")" +
                             kept);
  }
  report.time = since(start);
  return report;
}

}  // namespace harbour::services
