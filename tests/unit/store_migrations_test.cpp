#include "store/connection.hpp"
#include "store/db_error.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <set>
#include <string>

namespace harbour::store {
namespace {

using Mode = Connection::Mode;

bool table_exists(Connection& c, std::string_view name) {
  Statement& s = c.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  s.bind(1, name);
  const bool found = s.step();
  s.reset();
  return found;
}

TEST(StoreMigrations, EmbeddedMigrationsAreNumberedFromOneWithoutGaps) {
  const auto migrations = embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(migrations[i].sql.empty());
  }
  EXPECT_EQ(migrations[0].name, "0001_networks");
}

TEST(StoreMigrations, FreshDatabaseMigratesToLatest) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  EXPECT_EQ(schema_version(c), 0);
  const MigrationResult result = migrate(c, embedded_migrations());
  const int latest = static_cast<int>(embedded_migrations().size());
  EXPECT_EQ(result.from, 0);
  EXPECT_EQ(result.to, latest);
  EXPECT_EQ(schema_version(c), latest);
  EXPECT_TRUE(table_exists(c, "networks"));
  EXPECT_NO_THROW(c.verify_pragmas());  // foreign keys are back on after migrating
}

TEST(StoreMigrations, RerunIsANoOp) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  migrate(c, embedded_migrations());
  const MigrationResult again = migrate(c, embedded_migrations());
  EXPECT_EQ(again.from, again.to);
  EXPECT_EQ(again.to, static_cast<int>(embedded_migrations().size()));
  Statement& s = c.prepare("SELECT count(*) FROM networks WHERE slug = 'default'");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int64(0), 1);  // the seed ran once
}

TEST(StoreMigrations, NewerDatabaseIsRefusedWithAClearMessage) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  c.exec("PRAGMA user_version = 99");
  try {
    migrate(c, embedded_migrations());
    FAIL() << "expected NewerDatabaseError";
  } catch (const NewerDatabaseError& e) {
    EXPECT_EQ(e.found_version(), 99);
    EXPECT_EQ(e.known_version(), static_cast<int>(embedded_migrations().size()));
    const std::string expected = "database schema version 99 is newer than this harbour (knows up to " +
                                 std::to_string(embedded_migrations().size()) +
                                 "); upgrade harbour or restore a matching backup";
    EXPECT_EQ(std::string(e.what()), expected);
  }
  EXPECT_EQ(schema_version(c), 99);
  EXPECT_FALSE(table_exists(c, "networks"));
}

TEST(StoreMigrations, FailedMigrationLeavesThePreviousVersionIntact) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  const std::array<Migration, 3> migrations{{
      {1, "0001_good", "CREATE TABLE a (x INTEGER) STRICT; INSERT INTO a VALUES (1);"},
      {2, "0002_bad", "CREATE TABLE b (x INTEGER) STRICT; INSERT INTO a VALUES (2); INSERT INTO nowhere VALUES (1);"},
      {3, "0003_never", "CREATE TABLE c (x INTEGER) STRICT;"},
  }};
  try {
    migrate(c, migrations);
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("0002_bad"), std::string::npos) << e.what();
  }
  EXPECT_EQ(schema_version(c), 1);
  EXPECT_TRUE(table_exists(c, "a"));
  EXPECT_FALSE(table_exists(c, "b"));
  EXPECT_FALSE(table_exists(c, "c"));
  Statement& s = c.prepare("SELECT count(*) FROM a");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int64(0), 1);  // 0002's insert was rolled back with it
  s.reset();
  EXPECT_FALSE(c.in_transaction());
  EXPECT_NO_THROW(c.verify_pragmas());
}

TEST(StoreMigrations, MigrationLeavingAForeignKeyViolationIsRolledBack) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  const std::array<Migration, 1> migrations{{
      {1, "0001_orphan",
       "CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;"
       "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id)) STRICT;"
       "INSERT INTO child VALUES (7);"},
  }};
  EXPECT_THROW(migrate(c, migrations), DbError);
  EXPECT_EQ(schema_version(c), 0);
  EXPECT_FALSE(table_exists(c, "child"));
}

TEST(StoreMigrations, MigrationThatEndsItsOwnTransactionIsRefused) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  const std::array<Migration, 1> migrations{{{1, "0001_commits", "CREATE TABLE a (x INTEGER) STRICT; COMMIT;"}}};
  EXPECT_THROW(migrate(c, migrations), DbError);
  EXPECT_EQ(schema_version(c), 0);
}

TEST(StoreMigrations, VersionsWithAGapAreRefusedBeforeAnythingRuns) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  const std::array<Migration, 2> migrations{{
      {1, "0001_a", "CREATE TABLE a (x INTEGER) STRICT;"},
      {3, "0003_c", "CREATE TABLE c (x INTEGER) STRICT;"},
  }};
  EXPECT_THROW(migrate(c, migrations), DbError);
  EXPECT_EQ(schema_version(c), 0);
  EXPECT_FALSE(table_exists(c, "a"));
}

TEST(StoreMigrations, PendingMigrationsApplyOnTopOfAnOlderFile) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  const std::array<Migration, 2> migrations{{
      {1, "0001_a", "CREATE TABLE a (x INTEGER) STRICT;"},
      {2, "0002_b", "CREATE TABLE b (x INTEGER) STRICT;"},
  }};
  migrate(c, std::span(migrations).first(1));
  const MigrationResult result = migrate(c, migrations);
  EXPECT_EQ(result.from, 1);
  EXPECT_EQ(result.to, 2);
  EXPECT_TRUE(table_exists(c, "b"));
}

TEST(StoreMigrations, DefaultNetworkIsSeededWithValidCrisisContacts) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  migrate(c, embedded_migrations());

  Statement& s = c.prepare(
      "SELECT name, time_zone, json_valid(crisis_contacts), crisis_contacts, created_at"
      "  FROM networks WHERE slug = 'default'");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_text(0), "Talking Therapies");
  EXPECT_EQ(s.column_text(1), "Europe/London");
  EXPECT_EQ(s.column_int64(2), 1);
  const auto contacts = nlohmann::json::parse(s.column_text(3));
  EXPECT_EQ(s.column_text(4).size(), std::string("2024-01-01T00:00:00.000Z").size());
  s.reset();

  ASSERT_TRUE(contacts.is_array());
  std::set<std::string> ids;
  std::set<std::string> numbers;
  for (const auto& contact : contacts) {
    ASSERT_TRUE(contact.is_object());
    const std::string action = contact.at("action");
    EXPECT_TRUE(action == "call" || action == "text" || action == "link") << action;
    EXPECT_FALSE(contact.at("name").get<std::string>().empty());
    EXPECT_FALSE(contact.at("description").get<std::string>().empty());
    EXPECT_TRUE(contact.contains("available"));
    if (action == "call" || action == "text") {
      EXPECT_TRUE(contact.contains("number"));
    }
    if (action == "text") {
      EXPECT_FALSE(contact.at("text_body").get<std::string>().empty());
    }
    if (action == "link") {
      EXPECT_TRUE(contact.contains("url"));
    }
    ids.insert(contact.at("id").get<std::string>());
    if (contact.contains("number")) numbers.insert(contact.at("number").get<std::string>());
  }
  EXPECT_EQ(ids.size(), contacts.size());  // ids are unique
  EXPECT_EQ(ids, (std::set<std::string>{"emergency", "nhs111", "samaritans", "shout", "local_crisis_team"}));
  EXPECT_EQ(numbers, (std::set<std::string>{"999", "111", "116 123", "85258", ""}));
}

TEST(StoreMigrations, NetworkSlugAndContactsChecksRefuseBadRows) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  migrate(c, embedded_migrations());
  const auto insert = [&](std::string_view slug, std::string_view contacts) {
    c.prepare("INSERT INTO networks (slug, name, crisis_contacts) VALUES (?1, 'N', ?2)")
        .bind(1, slug)
        .bind(2, contacts)
        .run();
  };
  EXPECT_THROW(insert("Upper", "[]"), DbError);
  EXPECT_THROW(insert("under_score", "[]"), DbError);
  EXPECT_THROW(insert("x", "[]"), DbError);
  EXPECT_THROW(insert(std::string(41, 'a'), "[]"), DbError);
  EXPECT_THROW(insert("fine-slug", "{}"), DbError);
  EXPECT_NO_THROW(insert("fine-slug-2", "[]"));
  EXPECT_THROW(insert("fine-slug-2", "[]"), DbError);  // unique
}

}  // namespace
}  // namespace harbour::store
