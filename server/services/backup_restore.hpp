#pragma once
// `harbour backup` and `harbour restore` (README "Backups"): the checks around the store's copy
// functions (store/backup.hpp), so a backup is known good when it is made and again before it
// replaces anything, and a restored database carries its own audit row and a fresh anchor.
//
// A backup is checked with PRAGMA integrity_check and the audit log's hash chain (without the
// anchor file, which belongs to the live database and is ahead of any backup).
#include "services/audit_log.hpp"
#include "store/backup.hpp"
#include "store/migrations.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace harbour::services {

struct BackupCheck {
  store::DatabaseFileInfo info;
  std::string integrity;     // "" when integrity_check says ok, else its messages
  AuditVerifyResult audit;   // verify_audit_chain without an anchor
  AuditAnchor head;          // the copy's last audit row (id 0 when none)
  bool ok() const { return integrity.empty() && audit.ok; }
  // One line on what is wrong ("" when ok()).
  std::string problem() const;
};

// Checks a database file without changing it (a read-only connection; a damaged file or one that
// is not a Harbour database at all comes back with its problem, never as a throw). Throws
// core::AppError ("backup_missing") only when there is no such file.
BackupCheck check_backup(const std::filesystem::path& file);

struct BackupReport {
  BackupCheck check;                     // of the copy; check.info.file is where it is
  std::chrono::milliseconds copy_time{};  // the backup API copy, fsync and rename
  std::chrono::milliseconds check_time{};
};

// "harbour-20261123T190000Z.db": the name of a backup written into a folder.
std::string backup_file_name(std::chrono::system_clock::time_point t);

// Copies the live database `database` to `target` (store::backup_database) and checks the copy.
// A copy that fails its check is renamed to "<target>.failed-check" (report.check.info.file
// says so) so rotation scripts never mistake it for a good backup. Throws store::DbError when
// the copy cannot be made.
BackupReport make_backup(const std::filesystem::path& database, const std::filesystem::path& target);

struct RestoreReport {
  BackupCheck backup;                             // the backup as checked before anything changed
  std::filesystem::path database;                 // data_dir/harbour.db
  std::optional<std::filesystem::path> previous;  // where the database before the restore was kept
  std::optional<std::filesystem::path> previous_anchor;
  store::MigrationResult schema{};                // the backup's version -> the restored database's
  std::int64_t restore_audit_id = 0;              // the "system.restore" row
  AuditAnchor head;                               // the new anchor (that row)
  std::chrono::milliseconds time{};               // from the first check to the new anchor
};

// Replaces data_dir/harbour.db with `backup`. The caller holds data_dir's core::DataDirLock, so
// no server runs on the folder. In order:
//  1. checks the backup (check_backup) and refuses, changing nothing, a damaged one (AppError
//     "backup_damaged"), one whose audit chain does not verify ("backup_audit_broken") or one
//     from a newer schema than this binary (store::NewerDatabaseError);
//  2. keeps the current database (if any) as harbour.db.before-restore-<UTC time> (a backup API
//     copy, with its -wal folded in) and audit.anchor likewise; a database too damaged to copy
//     stops the restore here ("previous_not_kept": the operator moves it away by hand);
//  3. copies the backup in (store::restore_database) and opens it as the server does (pragmas,
//     pending migrations for an older backup);
//  4. checks the result's integrity and audit chain ("restore_check_failed" otherwise; the
//     previous database stays where step 2 put it);
//  5. appends a "system.restore" audit row naming the backup file and its audit head, and
//     rewrites the anchor file to that row, so `harbour audit verify` passes.
RestoreReport restore_backup(const std::filesystem::path& backup, const std::filesystem::path& data_dir,
                             std::chrono::system_clock::time_point now);

}  // namespace harbour::services
