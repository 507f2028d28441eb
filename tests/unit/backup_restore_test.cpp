// Backups through the online backup API while the writer commits, restores with their checks,
// and the data folder's lock (issue 8, item 11).
#include "core/app_error.hpp"
#include "core/data_dir_lock.hpp"
#include "services/audit_anchor.hpp"
#include "services/audit_log.hpp"
#include "services/backup_restore.hpp"
#include "store/backup.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/db_error.hpp"
#include "store/network_repo.hpp"
#include "support/service_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace harbour {
namespace {

using namespace std::chrono_literals;
using Mode = store::Connection::Mode;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 56));

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::int64_t scalar(store::Connection& c, store::Sql sql) {
  auto& s = c.prepare(sql);
  const auto value = s.step() ? s.column_int64(0) : -1;
  s.reset();
  return value;
}

std::string text_of(store::Connection& c, store::Sql sql) {
  auto& s = c.prepare(sql);
  const auto value = s.step() ? s.column_text(0) : std::string("(no row)");
  s.reset();
  return value;
}

// ---- store: the copy -------------------------------------------------------------------------

// A database of a few MiB that a second thread keeps writing to through the single writer while
// the backup runs: the copy must pass integrity_check and hold every row whose commit had been
// acknowledged before the backup began. (A plain file copy fails this: with checkpoints every
// 8,000 pages, those rows are still in the -wal file.)
TEST(StoreBackup, CopyWhileTheWriterCommitsHoldsEveryRowCommittedBeforeItAndChecksOk) {
  test::TempDir dir;
  const auto source = dir.file("harbour.db");
  store::Database db({.path = source, .max_readers = 2});
  db.writer()
      .run([](store::Connection& c) { c.exec("CREATE TABLE backup_items (id INTEGER PRIMARY KEY, payload TEXT NOT NULL) STRICT"); })
      .get();
  const std::string payload(300, 'x');
  for (int batch = 0; batch < 20; ++batch) {
    db.writer()
        .run([&](store::Connection& c) {
          for (int i = 0; i < 1000; ++i) c.prepare("INSERT INTO backup_items (payload) VALUES (?1)").bind(1, payload).run();
        })
        .get();
  }

  std::atomic<std::int64_t> acknowledged{0};
  std::atomic<bool> stop{false};
  std::thread writer_load([&] {
    while (!stop.load()) {
      const auto id = db.writer()
                          .run([&](store::Connection& c) {
                            c.prepare("INSERT INTO backup_items (payload) VALUES (?1)").bind(1, payload).run();
                            return c.last_insert_rowid();
                          })
                          .get();
      acknowledged.store(id);
    }
  });
  while (acknowledged.load() < 20'050) std::this_thread::sleep_for(1ms);

  const std::int64_t committed_before = acknowledged.load();
  const auto target = dir.file("copy.db");
  store::DatabaseFileInfo info;
  try {
    info = store::backup_database(source, target);
  } catch (...) {
    stop = true;
    writer_load.join();
    throw;
  }
  const std::int64_t committed_after = acknowledged.load();
  std::this_thread::sleep_for(20ms);
  stop = true;
  writer_load.join();

  EXPECT_GT(acknowledged.load(), committed_before) << "the writer kept committing";
  EXPECT_EQ(info.file, target);
  EXPECT_EQ(info.bytes, std::filesystem::file_size(target));
  EXPECT_EQ(info.bytes, static_cast<std::uintmax_t>(info.pages * info.page_size));
  EXPECT_GT(info.bytes, 6u * 1024 * 1024);
  EXPECT_EQ(info.schema_version, static_cast<int>(store::embedded_migrations().size()));

  // A stand-alone file: rollback-journal mode, nothing beside it, readable only by its owner.
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(test::names_in(dir.path()).count("copy.db-wal"), 0u);
  for (const auto& name : test::names_in(dir.path())) EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;

  auto copy = store::Connection::open(target, Mode::ReadOnly);
  EXPECT_EQ(store::integrity_problems(copy), "");
  EXPECT_EQ(text_of(copy, "PRAGMA journal_mode"), "delete");
  const auto max_id = scalar(copy, "SELECT max(id) FROM backup_items");
  EXPECT_GE(max_id, committed_before);
  EXPECT_LE(max_id, committed_after + 1) << "the copy is one snapshot taken during the call";
  EXPECT_EQ(scalar(copy, "SELECT count(*) FROM backup_items"), max_id) << "a snapshot has no gaps";
  db.close();
}

TEST(StoreBackup, NeverReplacesAnExistingFile) {
  test::TempDir dir;
  {
    store::Database db({.path = dir.file("harbour.db"), .max_readers = 1});
  }
  write_bytes(dir.file("taken.db"), "keep me");
  EXPECT_THROW(store::backup_database(dir.file("harbour.db"), dir.file("taken.db")), store::DbError);
  EXPECT_EQ(read_bytes(dir.file("taken.db")), "keep me");
  EXPECT_THROW(store::backup_database(dir.file("missing.db"), dir.file("new.db")), store::DbError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("new.db")));
}

// ---- services: backup and restore with their checks -------------------------------------------

class BackupRestore : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(data_dir());
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = database(), .max_readers = 2});
    append_rows(5);
    add_network("before-backup");
  }

  std::filesystem::path data_dir() const { return dir_.file("data"); }
  std::filesystem::path database() const { return data_dir() / "harbour.db"; }
  std::filesystem::path anchor_file() const { return data_dir() / services::kAuditAnchorFileName; }

  // Audit rows as the server appends them, with the anchor file moved after each commit.
  void append_rows(int n) {
    for (int i = 0; i < n; ++i) {
      db_->writer()
          .run([&](store::Connection& c) {
            services::AuditEntry e;
            e.action = "system.start";
            e.details = {{"n", i}};
            services::append_audit(c, e, kNow);
          })
          .get();
    }
    services::write_audit_anchor(anchor_file(), db_->read([](store::Connection& c) { return services::current_audit_head(c); }));
  }

  void add_network(const std::string& slug) {
    db_->writer().run([&](store::Connection& c) { store::insert_network(c, slug, slug, "Europe/London", "[]"); }).get();
  }

  std::filesystem::path make_backup() {
    const auto target = dir_.file("backup.db");
    const auto report = services::make_backup(database(), target);
    EXPECT_TRUE(report.check.ok()) << report.check.problem();
    return target;
  }

  // The folder as it is: each file's size and a hash of its bytes (the server is stopped, so no
  // -wal holds anything).
  std::map<std::string, std::string> folder_bytes() {
    std::map<std::string, std::string> out;
    for (const auto& name : test::names_in(data_dir())) {
      const auto bytes = read_bytes(data_dir() / name);
      out[name] = std::to_string(bytes.size()) + " bytes, hash " + std::to_string(std::hash<std::string>{}(bytes));
    }
    return out;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(BackupRestore, BackupReportsTheCopysAuditHeadAndChecks) {
  const auto report = services::make_backup(database(), dir_.file("b.db"));
  EXPECT_TRUE(report.check.ok()) << report.check.problem();
  EXPECT_EQ(report.check.integrity, "");
  EXPECT_TRUE(report.check.audit.ok);
  EXPECT_EQ(report.check.audit.rows_checked, 5);
  EXPECT_EQ(report.check.head.last_id, 5);
  EXPECT_EQ(report.check.head.last_hash_hex, services::read_audit_anchor(anchor_file())->last_hash_hex);
  EXPECT_EQ(report.check.info.file, dir_.file("b.db"));
  EXPECT_EQ(services::backup_file_name(kNow), "harbour-20251218T000000Z.db");
}

TEST_F(BackupRestore, RoundTripBringsBackTheBackupRecordsTheRestoreAndKeepsThePreviousDatabase) {
  const auto backup = make_backup();
  append_rows(2);  // rows 6 and 7, after the backup
  add_network("after-backup");
  db_->close();
  const auto anchor_before = read_bytes(anchor_file());

  const auto report = services::restore_backup(backup, data_dir(), kNow);

  EXPECT_EQ(report.backup.head.last_id, 5);
  EXPECT_EQ(report.schema.from, report.schema.to);
  EXPECT_EQ(report.restore_audit_id, 6);
  EXPECT_EQ(report.head.last_id, 6);
  ASSERT_TRUE(report.previous);
  EXPECT_EQ(report.previous->filename(), "harbour.db.before-restore-20251218T000000Z");
  ASSERT_TRUE(report.previous_anchor);
  EXPECT_EQ(read_bytes(*report.previous_anchor), anchor_before);

  {
    auto c = store::Connection::open(database(), Mode::ReadOnly);
    EXPECT_EQ(store::integrity_problems(c), "");
    EXPECT_TRUE(store::find_network_by_slug(c, "before-backup"));
    EXPECT_FALSE(store::find_network_by_slug(c, "after-backup"));
    const auto anchor = services::read_audit_anchor(anchor_file());
    ASSERT_TRUE(anchor);
    EXPECT_EQ(anchor->last_id, 6);
    const auto verified = services::verify_audit_chain(c, anchor);
    EXPECT_TRUE(verified.ok) << verified.problem;
    const auto rows = services::list_audit(c, {.limit = 1});
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].action, "system.restore");
    EXPECT_EQ(rows[0].target_id, "backup.db");
    EXPECT_EQ(rows[0].details.value("backup_audit_last_id", 0), 5);
    EXPECT_EQ(rows[0].details.value("backup_audit_last_hash", ""), report.backup.head.last_hash_hex);
    EXPECT_EQ(rows[0].details.value("previous_database", ""), "harbour.db.before-restore-20251218T000000Z");
  }
  // The database from before is whole, with everything written after the backup.
  auto previous = store::Connection::open(*report.previous, Mode::ReadOnly);
  EXPECT_EQ(store::integrity_problems(previous), "");
  EXPECT_TRUE(store::find_network_by_slug(previous, "after-backup"));
  EXPECT_EQ(services::current_audit_head(previous).last_id, 7);

  // The server opens the restored folder as usual.
  store::Database reopened({.path = database(), .max_readers = 1});
  EXPECT_EQ(reopened.read([](store::Connection& c) { return services::current_audit_head(c).last_id; }), 6);
}

TEST_F(BackupRestore, RestoresIntoAnEmptyDataFolder) {
  const auto backup = make_backup();
  db_->close();
  const auto fresh = dir_.file("fresh");
  std::filesystem::create_directories(fresh);

  const auto report = services::restore_backup(backup, fresh, kNow);

  EXPECT_FALSE(report.previous);
  EXPECT_FALSE(report.previous_anchor);
  auto c = store::Connection::open(fresh / "harbour.db", Mode::ReadOnly);
  EXPECT_TRUE(store::find_network_by_slug(c, "before-backup"));
  EXPECT_TRUE(services::verify_audit_chain(c, services::read_audit_anchor(fresh / services::kAuditAnchorFileName)).ok);
}

TEST_F(BackupRestore, RestoresABackupWithAnotherPageSize) {
  db_->close();
  const auto backup = dir_.file("big-pages.db");
  {
    auto c = store::Connection::open(database(), Mode::ReadWrite);
    c.exec("PRAGMA page_size = 8192");
    c.prepare("VACUUM INTO ?1").bind(1, backup.string()).run();
  }
  {
    auto c = store::Connection::open(backup, Mode::ReadOnly);
    ASSERT_EQ(scalar(c, "PRAGMA page_size"), 8192);
  }
  services::restore_backup(backup, data_dir(), kNow);
  auto c = store::Connection::open(database(), Mode::ReadOnly);
  EXPECT_EQ(scalar(c, "PRAGMA page_size"), 8192);
  EXPECT_EQ(text_of(c, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(services::current_audit_head(c).last_id, 6);
}

TEST_F(BackupRestore, RefusesABackupFromANewerSchemaWithoutTouchingTheFolder) {
  const auto backup = make_backup();
  {
    auto c = store::Connection::open(backup, Mode::ReadWrite);
    c.exec("PRAGMA user_version = 9999");
  }
  db_->close();
  const auto before = folder_bytes();

  EXPECT_THROW(services::restore_backup(backup, data_dir(), kNow), store::NewerDatabaseError);

  EXPECT_EQ(folder_bytes(), before);
}

TEST_F(BackupRestore, RefusesADamagedBackupWithoutTouchingTheFolder) {
  const auto backup = make_backup();
  std::int64_t root = 0;
  std::int64_t page_size = 0;
  {
    auto c = store::Connection::open(backup, Mode::ReadOnly);
    root = scalar(c, "SELECT rootpage FROM sqlite_schema WHERE name = 'audit_log'");
    page_size = scalar(c, "PRAGMA page_size");
  }
  ASSERT_GT(root, 1);
  // Flip the first 64 bytes of the audit log's root page (its b-tree page header).
  auto bytes = read_bytes(backup);
  const auto offset = static_cast<std::size_t>((root - 1) * page_size);
  ASSERT_LT(offset + 64, bytes.size());
  for (std::size_t i = offset; i < offset + 64; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0xff);
  write_bytes(backup, bytes);
  db_->close();
  const auto before = folder_bytes();

  EXPECT_FALSE(services::check_backup(backup).ok());
  EXPECT_EQ(test::error_code_of([&] { services::restore_backup(backup, data_dir(), kNow); }), "backup_damaged");

  EXPECT_EQ(folder_bytes(), before);
}

TEST_F(BackupRestore, RefusesABackupWhoseAuditChainWasRewrittenWithoutTouchingTheFolder) {
  const auto backup = make_backup();
  {
    // Someone with the file in hand edits row 3 (the trigger put back afterwards).
    auto c = store::Connection::open(backup, Mode::ReadWrite);
    c.exec(
        "DROP TRIGGER audit_log_no_update;"
        "UPDATE audit_log SET reason = 'nothing to see' WHERE id = 3;"
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'no'); END;");
  }
  db_->close();
  const auto before = folder_bytes();

  const auto check = services::check_backup(backup);
  EXPECT_EQ(check.integrity, "");
  EXPECT_FALSE(check.audit.ok);
  EXPECT_EQ(check.audit.first_bad_id, std::optional<std::int64_t>(3));
  EXPECT_EQ(test::error_code_of([&] { services::restore_backup(backup, data_dir(), kNow); }), "backup_audit_broken");

  EXPECT_EQ(folder_bytes(), before);
}

TEST_F(BackupRestore, ADatabaseTooDamagedToKeepAsideIsLeftForTheOperatorToMove) {
  const auto backup = make_backup();
  db_->close();
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(database().string() + suffix);
  write_bytes(database(), std::string(8192, 'x'));  // not a database any more
  const auto before = folder_bytes();

  EXPECT_EQ(test::error_code_of([&] { services::restore_backup(backup, data_dir(), kNow); }), "previous_not_kept");
  EXPECT_EQ(folder_bytes(), before);

  std::filesystem::rename(database(), dir_.file("damaged.db"));
  const auto report = services::restore_backup(backup, data_dir(), kNow);
  EXPECT_FALSE(report.previous);
  EXPECT_EQ(report.head.last_id, 6);
}

TEST_F(BackupRestore, AFailedBackupCheckRenamesTheCopy) {
  // A source whose audit log was tampered with gives a copy that fails its check.
  db_->close();
  {
    auto c = store::Connection::open(database(), Mode::ReadWrite);
    c.exec(
        "DROP TRIGGER audit_log_no_update;"
        "UPDATE audit_log SET reason = 'changed' WHERE id = 2;");
  }
  const auto report = services::make_backup(database(), dir_.file("b.db"));
  EXPECT_FALSE(report.check.ok());
  EXPECT_EQ(report.check.info.file, dir_.file("b.db.failed-check"));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("b.db")));
  EXPECT_TRUE(std::filesystem::exists(dir_.file("b.db.failed-check")));
}

// ---- the data folder's lock ----------------------------------------------------------------

TEST(DataDirLock, RefusesASecondHolderUntilTheFirstLetsGo) {
  test::TempDir dir;
  auto first = std::make_unique<core::DataDirLock>(dir.path(), "serve");
  EXPECT_EQ(first->path(), dir.file("harbour.lock"));
  try {
    core::DataDirLock second(dir.path(), "restore");
    ADD_FAILURE() << "a second holder got the lock";
  } catch (const core::DataDirBusy& e) {
    EXPECT_NE(std::string(e.what()).find("(pid " + std::to_string(::getpid()) + ", harbour serve)"), std::string::npos) << e.what();
  }
  first.reset();
  EXPECT_NO_THROW(core::DataDirLock again(dir.path(), "restore"));
}

}  // namespace
}  // namespace harbour
