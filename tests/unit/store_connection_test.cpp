#include "store/connection.hpp"
#include "store/db_error.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace harbour::store {
namespace {

using Mode = Connection::Mode;

template <class F>
std::string db_error_message(F&& f) {
  try {
    f();
  } catch (const DbError& e) {
    return e.what();
  }
  return "(no DbError)";
}

TEST(StoreConnection, PragmasAreVerifiedOnBothModes) {
  test::TempDir dir;
  Connection writer = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  EXPECT_NO_THROW(writer.verify_pragmas());
  Connection reader = Connection::open(dir.file("h.db"), Mode::ReadOnly);
  EXPECT_NO_THROW(reader.verify_pragmas());
}

TEST(StoreConnection, VerifyPragmasNamesTheWrongPragmaWithExpectedAndActual) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  c.exec("PRAGMA foreign_keys = OFF");
  const std::string message = db_error_message([&] { c.verify_pragmas(); });
  EXPECT_NE(message.find("foreign_keys"), std::string::npos) << message;
  EXPECT_NE(message.find("'0'"), std::string::npos) << message;
  EXPECT_NE(message.find("expected '1'"), std::string::npos) << message;
}

TEST(StoreConnection, VerifyPragmasNamesSynchronousWhenLowered) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  c.exec("PRAGMA synchronous = NORMAL");
  EXPECT_NE(db_error_message([&] { c.verify_pragmas(); }).find("synchronous"), std::string::npos);
}

TEST(StoreConnection, ReaderOfARollbackJournalFileFailsVerification) {
  test::TempDir dir;
  {
    // A file made by something else, never switched to WAL.
    Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
    c.exec("PRAGMA journal_mode = DELETE; CREATE TABLE t (x INTEGER) STRICT");
  }
  Connection reader = Connection::open(dir.file("h.db"), Mode::ReadOnly);
  EXPECT_NE(db_error_message([&] { reader.verify_pragmas(); }).find("journal_mode"), std::string::npos);
}

TEST(StoreConnection, BusyTimeoutIsAppliedAndVerified) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite, std::chrono::milliseconds{1234});
  EXPECT_EQ(c.busy_timeout(), std::chrono::milliseconds{1234});
  Statement& s = c.prepare("PRAGMA busy_timeout");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int64(0), 1234);
  EXPECT_NO_THROW(c.verify_pragmas());
}

TEST(StoreConnection, StatementCacheReturnsTheSameStatementResetWithBindingsCleared) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  Statement& first = c.prepare("SELECT ?1 UNION ALL SELECT 2");
  first.bind(1, std::int64_t{41});
  ASSERT_TRUE(first.step());
  EXPECT_EQ(first.column_int64(0), 41);  // left mid-result on purpose

  Statement& again = c.prepare("SELECT ?1 UNION ALL SELECT 2");
  EXPECT_EQ(&first, &again);
  ASSERT_TRUE(again.step());              // starts from the first row again ...
  EXPECT_TRUE(again.column_is_null(0));   // ... with ?1 unbound
}

TEST(StoreConnection, BindingsRoundTripEveryType) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  const std::string owned = "owned";
  const std::optional<std::string> some = "some";
  const std::optional<std::string> none;
  Statement& s = c.prepare("SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10");
  s.bind(1, std::int64_t{9'000'000'000})
      .bind(2, 7)
      .bind(3, 2.5)
      .bind(4, std::string_view("view"))
      .bind(5, nullptr)
      .bind(6, some)
      .bind(7, none)
      .bind(8, "literal")
      .bind(9, owned)
      .bind(10, std::string_view());  // an empty view is "", not NULL
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int64(0), 9'000'000'000);
  EXPECT_EQ(s.column_int64(1), 7);
  EXPECT_DOUBLE_EQ(s.column_double(2), 2.5);
  EXPECT_EQ(s.column_text(3), "view");
  EXPECT_TRUE(s.column_is_null(4));
  EXPECT_EQ(s.column_text(5), "some");
  EXPECT_TRUE(s.column_is_null(6));
  EXPECT_EQ(s.column_text(7), "literal");
  EXPECT_EQ(s.column_text(8), "owned");
  EXPECT_FALSE(s.column_is_null(9));
  EXPECT_EQ(s.column_text(9), "");
  EXPECT_FALSE(s.step());
}

TEST(StoreConnection, TextKeepsEmbeddedNulAndUtf8) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  const std::string text("caf\xC3\xA9\0end", 9);
  Statement& s = c.prepare("SELECT ?1");
  s.bind(1, std::string_view(text));
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_text(0), text);
}

TEST(StoreConnection, ConstraintViolationThrowsDbErrorWithConstraintCode) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  c.exec("CREATE TABLE t (name TEXT NOT NULL UNIQUE) STRICT");
  c.prepare("INSERT INTO t (name) VALUES (?1)").bind(1, "a").run();
  try {
    c.prepare("INSERT INTO t (name) VALUES (?1)").bind(1, "a").run();
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.is_constraint());
    EXPECT_NE(e.code(), e.primary_code());  // extended result codes are on (CONSTRAINT_UNIQUE)
    EXPECT_FALSE(e.is_busy());
    EXPECT_FALSE(e.is_full());
    EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
  }
}

TEST(StoreConnection, ForeignKeysAreEnforced) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  c.exec(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;"
      "CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent (id)) STRICT;");
  try {
    c.prepare("INSERT INTO child (parent_id) VALUES (?1)").bind(1, 42).run();
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.is_constraint());
  }
}

TEST(StoreConnection, ReadOnlyConnectionRefusesWrites) {
  test::TempDir dir;
  Connection writer = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  writer.exec("CREATE TABLE t (x INTEGER) STRICT");
  Connection reader = Connection::open(dir.file("h.db"), Mode::ReadOnly);
  EXPECT_THROW(reader.prepare("INSERT INTO t (x) VALUES (1)").run(), DbError);
}

TEST(StoreConnection, ReadOnlyOpenOfAMissingFileThrows) {
  test::TempDir dir;
  EXPECT_THROW(Connection::open(dir.file("missing.db"), Mode::ReadOnly), DbError);
}

TEST(StoreConnection, PrepareRefusesMoreThanOneStatement) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  c.exec("CREATE TABLE t (x INTEGER) STRICT");
  EXPECT_THROW(c.prepare("SELECT 1; DROP TABLE t"), DbError);
  EXPECT_NO_THROW(c.prepare("SELECT 1; -- a trailing comment is fine"));
  EXPECT_NO_THROW(c.prepare("SELECT x FROM t"));  // t survived
}

TEST(StoreConnection, SqlErrorMessageNamesTheStatementButNotTheValues) {
  test::TempDir dir;
  Connection c = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  c.exec("CREATE TABLE t (x INTEGER NOT NULL CHECK (x > 0)) STRICT");
  const std::string message =
      db_error_message([&] { c.prepare("INSERT INTO t (x) VALUES (?1)").bind(1, -31337).run(); });
  EXPECT_NE(message.find("INSERT INTO t"), std::string::npos) << message;
  EXPECT_EQ(message.find("31337"), std::string::npos) << message;
}

TEST(StoreConnection, SecondWriterReportsBusyAfterItsTimeout) {
  test::TempDir dir;
  Connection first = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  Connection second = Connection::open(dir.file("h.db"), Mode::ReadWrite, std::chrono::milliseconds{20});
  first.exec("BEGIN IMMEDIATE");
  try {
    second.exec("BEGIN IMMEDIATE");
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.is_busy()) << e.what();
  }
  first.exec("COMMIT");
}

TEST(StoreConnection, MovedConnectionKeepsItsStatements) {
  test::TempDir dir;
  Connection a = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  Statement* cached = &a.prepare("SELECT 5");
  Connection b = std::move(a);
  EXPECT_EQ(&b.prepare("SELECT 5"), cached);
  ASSERT_TRUE(cached->step());
  EXPECT_EQ(cached->column_int64(0), 5);
}

TEST(StoreConnection, ResetBusyStatementsEndsAReadersSnapshot) {
  test::TempDir dir;
  Connection writer = Connection::open(dir.file("h.db"), Mode::ReadWrite);
  writer.exec("CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES (1), (2)");
  Connection reader = Connection::open(dir.file("h.db"), Mode::ReadOnly);
  Statement& scan = reader.prepare("SELECT count(*) FROM t UNION ALL SELECT 0");
  ASSERT_TRUE(scan.step());  // mid-result: the snapshot is pinned
  EXPECT_EQ(scan.column_int64(0), 2);
  writer.exec("INSERT INTO t VALUES (3)");
  reader.reset_busy_statements();
  Statement& count = reader.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), 3);
}

}  // namespace
}  // namespace harbour::store
