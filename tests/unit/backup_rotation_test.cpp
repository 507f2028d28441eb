// Rotation of a folder of backups (`harbour backup --to FOLDER --keep N`, issue 9 item 4): the N
// newest harbour-<UTC time>.db stay, older ones go, nothing else in the folder is touched.
#include "services/backup_restore.hpp"
#include "services/backup_rotation.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace harbour {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& file, const std::string& content = "backup") {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
}

std::vector<std::string> file_names(const std::vector<fs::path>& files) {
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.filename().string());
  return names;
}

TEST(BackupRotation, RecognisesOnlyTheNamesBackupFileNameMakes) {
  // Tied to backup_file_name: whatever `harbour backup --to FOLDER` writes is rotated.
  EXPECT_TRUE(services::is_rotated_backup_name(services::backup_file_name(std::chrono::system_clock::now())));
  EXPECT_TRUE(services::is_rotated_backup_name("harbour-20261123T190000Z.db"));
  for (const char* other : {"harbour-20261123T190000Z.db.failed-check", ".harbour-20261123T190000Z.db.tmp-Ab12Cd",
                            "harbour-20261123T190000Z.db-journal", "harbour-2026-11-23T19:00:00Z.db",
                            "harbour-20261123T1900Z.db", "harbour-20261123X190000Z.db", "harbour-2026112aT190000Z.db",
                            "Harbour-20261123T190000Z.db", "harbour.db", "before-upgrade.db", ""}) {
    EXPECT_FALSE(services::is_rotated_backup_name(other)) << other;
  }
}

TEST(BackupRotation, KeepsTheNewestByNameAndTouchesNothingElse) {
  test::TempDir dir;
  // Six backups, created out of order: the name (UTC time) decides, not the modification time.
  const std::vector<std::string> backups = {"harbour-20261122T050000Z.db", "harbour-20261123T190000Z.db",
                                            "harbour-20251231T235959Z.db", "harbour-20261123T180000Z.db",
                                            "harbour-20261123T170000Z.db", "harbour-20261101T000000Z.db"};
  for (const auto& name : backups) touch(dir.file(name));
  // What must survive whatever `keep` says.
  const std::set<std::string> others = {"harbour-20200101T000000Z.db.failed-check",  // kept for the operator
                                        ".harbour-20200101T000000Z.db.tmp-Ab12Cd",   // a backup being written
                                        "before-upgrade.db", "notes.txt", "harbour-20200101T000000Z.db-journal"};
  for (const auto& name : others) touch(dir.file(name));
  fs::create_directory(dir.file("harbour-20190101T000000Z.db"));                      // a folder
  fs::create_symlink(dir.file("notes.txt"), dir.file("harbour-20180101T000000Z.db"));  // a link

  const auto report = services::prune_backups(dir.path(), 3);

  EXPECT_EQ(file_names(report.kept), (std::vector<std::string>{"harbour-20261123T190000Z.db", "harbour-20261123T180000Z.db",
                                                               "harbour-20261123T170000Z.db"}));
  EXPECT_EQ(file_names(report.removed), (std::vector<std::string>{"harbour-20261122T050000Z.db", "harbour-20261101T000000Z.db",
                                                                  "harbour-20251231T235959Z.db"}));
  EXPECT_TRUE(report.errors.empty());
  std::set<std::string> expected = others;
  expected.insert({"harbour-20261123T190000Z.db", "harbour-20261123T180000Z.db", "harbour-20261123T170000Z.db",
                   "harbour-20190101T000000Z.db", "harbour-20180101T000000Z.db"});
  EXPECT_EQ(test::names_in(dir.path()), expected);
  EXPECT_TRUE(fs::is_directory(dir.file("harbour-20190101T000000Z.db")));
  EXPECT_TRUE(fs::is_symlink(dir.file("harbour-20180101T000000Z.db")));
}

TEST(BackupRotation, FewerBackupsThanKeepDeletesNothing) {
  test::TempDir dir;
  touch(dir.file("harbour-20261123T170000Z.db"));
  touch(dir.file("harbour-20261123T180000Z.db"));
  const auto report = services::prune_backups(dir.path(), 48);
  EXPECT_EQ(report.kept.size(), 2u);
  EXPECT_TRUE(report.removed.empty());
  EXPECT_EQ(test::names_in(dir.path()).size(), 2u);

  // Exactly `keep`: still nothing goes; one more: the oldest goes.
  const auto exact = services::prune_backups(dir.path(), 2);
  EXPECT_TRUE(exact.removed.empty());
  touch(dir.file("harbour-20261123T190000Z.db"));
  const auto one_more = services::prune_backups(dir.path(), 2);
  EXPECT_EQ(file_names(one_more.removed), std::vector<std::string>{"harbour-20261123T170000Z.db"});
}

TEST(BackupRotation, KeepOneLeavesOnlyTheNewest) {
  test::TempDir dir;
  for (int hour = 10; hour < 20; ++hour) touch(dir.file("harbour-20261123T" + std::to_string(hour) + "0000Z.db"));
  const auto report = services::prune_backups(dir.path(), 1);
  EXPECT_EQ(report.removed.size(), 9u);
  EXPECT_EQ(test::names_in(dir.path()), std::set<std::string>{"harbour-20261123T190000Z.db"});
}

TEST(BackupRotation, RefusesToKeepNoneAndAMissingFolder) {
  test::TempDir dir;
  touch(dir.file("harbour-20261123T170000Z.db"));
  EXPECT_THROW(services::prune_backups(dir.path(), 0), std::invalid_argument);
  EXPECT_TRUE(fs::exists(dir.file("harbour-20261123T170000Z.db")));
  EXPECT_THROW(services::prune_backups(dir.file("missing"), 3), fs::filesystem_error);
}

}  // namespace
}  // namespace harbour
