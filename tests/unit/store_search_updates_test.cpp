// Full-text index changes wait for the end of the writer's batch (store/search_updates.hpp).
#include "store/connection.hpp"
#include "store/search_updates.hpp"
#include "store/writer.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>

namespace harbour::store {
namespace {

using namespace std::chrono_literals;
using Mode = Connection::Mode;

class StoreSearchUpdates : public ::testing::Test {
 protected:
  void SetUp() override {
    Connection c = Connection::open(db_path(), Mode::ReadWrite);
    c.exec(
        "CREATE VIRTUAL TABLE post_search USING fts5(title, body);"
        "CREATE VIRTUAL TABLE resource_search USING fts5(title, body);"
        "INSERT INTO post_search (rowid, title, body) VALUES (3, '', 'delta was here');");
  }

  std::filesystem::path db_path() const { return dir_.file("s.db"); }

  // Rowids matching `query` in post_search, read by another connection.
  std::string matches(const char* query) {
    Connection reader = Connection::open(db_path(), Mode::ReadOnly);
    Statement& s = reader.prepare("SELECT group_concat(rowid) FROM (SELECT rowid FROM post_search WHERE post_search MATCH ?1 ORDER BY rowid)");
    s.bind(1, query);
    return s.step() ? s.column_optional_text(0).value_or("") : "?";
  }

  test::TempDir dir_;
};

std::int64_t rows_for(Connection& c, std::int64_t rowid) {
  Statement& s = c.prepare("SELECT count(*) FROM post_search WHERE rowid = ?1").bind(1, rowid);
  const auto n = s.step() ? s.column_int64(0) : -1;
  s.reset();
  return n;
}

TEST_F(StoreSearchUpdates, OutsideTheWriterChangesApplyAtOnce) {
  Connection c = Connection::open(db_path(), Mode::ReadWrite);
  index_search_row(c, SearchTable::Posts, 1, "", "alpha");
  EXPECT_EQ(rows_for(c, 1), 1);
  unindex_search_row(c, SearchTable::Posts, 3);
  EXPECT_EQ(rows_for(c, 3), 0);
  index_search_row(c, SearchTable::Resources, 9, "A title", "words");
  Statement& s = c.prepare("SELECT count(*) FROM resource_search WHERE resource_search MATCH 'title'");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int64(0), 1);
}

TEST_F(StoreSearchUpdates, InsideAJobChangesWaitForTheEndOfTheBatch) {
  Writer writer(db_path());
  const auto seen_inside = writer.run([](Connection& c) {
    index_search_row(c, SearchTable::Posts, 1, "", "alpha");
    return rows_for(c, 1);
  }).get();
  EXPECT_EQ(seen_inside, 0);  // held: FTS5 would otherwise write a segment at the next savepoint
  EXPECT_EQ(matches("alpha"), "1");
}

TEST_F(StoreSearchUpdates, BatchKeepsJobOrderAndDropsWhatRolledBack) {
  Writer writer(db_path());
  // Hold the writer so that the jobs below share one batch.
  std::promise<void> entered;
  std::promise<void> opened;
  writer.submit([&, wait = opened.get_future().share()](Connection&) { entered.set_value(); wait.wait(); }, nullptr);
  entered.get_future().wait();

  auto a = writer.run([](Connection& c) { index_search_row(c, SearchTable::Posts, 1, "", "alpha"); });
  auto b = writer.run([](Connection& c) {
    index_search_row(c, SearchTable::Posts, 2, "", "beta");
    unindex_search_row(c, SearchTable::Posts, 3);
    throw std::runtime_error("rolled back, and its index changes with it");
  });
  auto c1 = writer.run([](Connection& c) { index_search_row(c, SearchTable::Posts, 1, "", "gamma"); });  // replaces a's
  auto d = writer.run([](Connection& c) {
    index_search_row(c, SearchTable::Posts, 4, "", "epsilon");
    unindex_search_row(c, SearchTable::Posts, 4);  // the later change wins
  });
  opened.set_value();
  EXPECT_NO_THROW(a.get());
  EXPECT_THROW(b.get(), std::runtime_error);
  EXPECT_NO_THROW(c1.get());
  EXPECT_NO_THROW(d.get());
  EXPECT_EQ(writer.stats().batches, 2u);  // the hold, then all four together

  EXPECT_EQ(matches("alpha"), "");
  EXPECT_EQ(matches("gamma"), "1");
  EXPECT_EQ(matches("beta"), "");
  EXPECT_EQ(matches("delta"), "3");
  EXPECT_EQ(matches("epsilon"), "");
}

}  // namespace
}  // namespace harbour::store
