// The writer against a database whose write lock another connection holds (another process in
// real life: `harbour invite create`, an operator's sqlite3). Writes must fail with SQLITE_BUSY
// (the API answers 503 with Retry-After) without piling up request threads, and work again as
// soon as the lock is free.
#include "store/connection.hpp"
#include "store/db_error.hpp"
#include "store/writer.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace harbour::store {
namespace {

using namespace std::chrono_literals;
using Mode = Connection::Mode;

class StoreWriterLock : public ::testing::Test {
 protected:
  void SetUp() override {
    Connection c = Connection::open(db_path(), Mode::ReadWrite);
    c.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE) STRICT");
  }

  std::filesystem::path db_path() const { return dir_.file("h.db"); }

  // The writer's own connection with a short busy_timeout, so a test waits seconds, not minutes.
  Writer make_writer(std::chrono::milliseconds busy_timeout, std::chrono::milliseconds lock_wait_refuse,
                     std::size_t lock_wait_queue = 2) {
    return Writer(Connection::open(db_path(), Mode::ReadWrite, busy_timeout),
                  {.lock_wait_queue = lock_wait_queue, .lock_wait_refuse = lock_wait_refuse});
  }

  std::int64_t count() {
    Connection reader = Connection::open(db_path(), Mode::ReadOnly);
    Statement& s = reader.prepare("SELECT count(*) FROM items");
    return s.step() ? s.column_int64(0) : -1;
  }

  static auto insert(std::string label) {
    return [label = std::move(label)](Connection& c) { c.prepare("INSERT INTO items (label) VALUES (?1)").bind(1, label).run(); };
  }

  static void expect_busy(std::future<void>& f) {
    try {
      f.get();
      ADD_FAILURE() << "expected DbError (busy)";
    } catch (const DbError& e) {
      EXPECT_TRUE(e.is_busy()) << e.what();
    }
  }

  test::TempDir dir_;
};

TEST_F(StoreWriterLock, BusyBeginFailsItsBatchAndEveryJobQueuedDuringTheWaitAtOnce) {
  Writer writer = make_writer(1500ms, 1h);  // never refuses by time here
  Connection holder = Connection::open(db_path(), Mode::ReadWrite);
  holder.exec("BEGIN IMMEDIATE");

  auto first = writer.run(insert("first"));
  std::this_thread::sleep_for(300ms);  // the writer is waiting for the lock now
  auto queued = writer.run(insert("queued"));
  expect_busy(first);
  expect_busy(queued);
  // One BEGIN attempt answered both: the queued job did not wait a second busy_timeout.
  EXPECT_EQ(writer.stats().batches, 1u);
  EXPECT_EQ(writer.stats().failed_jobs, 2u);
  EXPECT_EQ(writer.stats().failed_commits, 1u);

  holder.exec("ROLLBACK");
  EXPECT_NO_THROW(writer.run(insert("after")).get());
  EXPECT_NO_THROW(writer.run(insert("after-2")).get());
  EXPECT_EQ(count(), 2);
}

TEST_F(StoreWriterLock, NewJobsAreRefusedAtOnceWhileTheBeginWaitsForTheLock) {
  Writer writer = make_writer(5000ms, 100ms);
  Connection holder = Connection::open(db_path(), Mode::ReadWrite);
  holder.exec("BEGIN IMMEDIATE");

  auto waiting = writer.run(insert("waiting"));
  std::this_thread::sleep_for(1s);  // its BEGIN has waited far longer than lock_wait_refuse
  const auto t0 = std::chrono::steady_clock::now();
  try {
    writer.submit(insert("refused"), [](std::exception_ptr) { ADD_FAILURE() << "a refused job's Done was called"; });
    ADD_FAILURE() << "expected DbError (busy)";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.is_busy()) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // refused, not queued behind the lock

  // The lock goes: the waiting job's BEGIN gets it and commits; new jobs are taken again.
  holder.exec("ROLLBACK");
  EXPECT_NO_THROW(waiting.get());
  EXPECT_NO_THROW(writer.run(insert("later")).get());
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(writer.stats().refused_jobs, 1u);
  EXPECT_EQ(writer.stats().failed_jobs, 0u);
}

TEST_F(StoreWriterLock, AtMostLockWaitQueueJobsQueueBehindABeginWaitingForTheLock) {
  Writer writer = make_writer(5000ms, 1h, 2);  // refuses by count only here
  Connection holder = Connection::open(db_path(), Mode::ReadWrite);
  holder.exec("BEGIN IMMEDIATE");

  auto waiting = writer.run(insert("waiting"));
  std::this_thread::sleep_for(300ms);  // the writer is in its busy wait now
  auto second = writer.run(insert("second"));
  auto third = writer.run(insert("third"));
  EXPECT_THROW(writer.run(insert("fourth")), DbError);

  holder.exec("ROLLBACK");
  EXPECT_NO_THROW(waiting.get());
  EXPECT_NO_THROW(second.get());
  EXPECT_NO_THROW(third.get());
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(writer.stats().refused_jobs, 1u);
}

TEST_F(StoreWriterLock, ABriefLockFromAnotherProcessOnlyDelaysTheWriter) {
  Writer writer = make_writer(5000ms, 250ms);
  Connection holder = Connection::open(db_path(), Mode::ReadWrite);
  holder.exec("BEGIN IMMEDIATE");
  auto waiting = writer.run(insert("waiting"));
  std::this_thread::sleep_for(50ms);
  holder.exec("ROLLBACK");
  EXPECT_NO_THROW(waiting.get());
  for (int i = 0; i < 20; ++i) EXPECT_NO_THROW(writer.run(insert("after-" + std::to_string(i))).get());
  EXPECT_EQ(count(), 21);
  EXPECT_EQ(writer.stats().refused_jobs, 0u);
  EXPECT_EQ(writer.stats().failed_jobs, 0u);
}

TEST_F(StoreWriterLock, AfterABusyFailureOneJobAtATimeProbesTheLock) {
  Writer writer = make_writer(800ms, 1h);
  Connection holder = Connection::open(db_path(), Mode::ReadWrite);
  holder.exec("BEGIN IMMEDIATE");

  auto failed = writer.run(insert("failed"));
  expect_busy(failed);
  // Still locked as far as the writer knows: this job probes the lock ...
  auto probe = writer.run(insert("probe"));
  // ... and while it waits, others are refused instead of holding a request thread each.
  EXPECT_THROW(writer.run(insert("refused")), DbError);

  holder.exec("ROLLBACK");
  EXPECT_NO_THROW(probe.get());
  EXPECT_NO_THROW(writer.run(insert("next")).get());
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(writer.stats().refused_jobs, 1u);
}

}  // namespace
}  // namespace harbour::store
