#include "store/connection.hpp"
#include "store/db_error.hpp"
#include "store/writer.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace harbour::store {
namespace {

using namespace std::chrono_literals;
using Mode = Connection::Mode;

// A fresh file with a small test table, made before the writer opens it.
class StoreWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    Connection c = Connection::open(db_path(), Mode::ReadWrite);
    c.exec(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE) STRICT;"
        "CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;"
        // Checked at COMMIT, not per statement: the way to make a commit itself fail.
        "CREATE TABLE child (id INTEGER PRIMARY KEY,"
        "  parent_id INTEGER NOT NULL REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED) STRICT;");
  }

  std::filesystem::path db_path() const { return dir_.file("h.db"); }

  std::int64_t count(Sql sql) {
    Connection reader = Connection::open(db_path(), Mode::ReadOnly);
    Statement& s = reader.prepare(sql);
    return s.step() ? s.column_int64(0) : -1;
  }

  static Writer::Job insert_item(std::string label) {
    return [label = std::move(label)](Connection& c) {
      c.prepare("INSERT INTO items (label) VALUES (?1)").bind(1, label).run();
    };
  }

  // Keeps the writer thread busy inside a job until open() is called, so everything submitted
  // meanwhile is queued and lands in the next batch together. hold() returns once the writer is
  // inside the gate's job, so the gate's own batch holds nothing else.
  struct Gate {
    std::promise<void> entered;
    std::promise<void> opened;
    void hold(Writer& writer) {
      writer.submit(
          [this, wait = opened.get_future().share()](Connection&) {
            entered.set_value();
            wait.wait();
          },
          nullptr);
      entered.get_future().wait();
    }
    void open() { opened.set_value(); }
  };

  test::TempDir dir_;
};

// Collects Done outcomes from the writer thread.
struct Outcomes {
  std::mutex mutex;
  std::vector<std::exception_ptr> errors;
  std::promise<void> all_done;
  std::size_t expected;
  explicit Outcomes(std::size_t n) : expected(n) {}
  Writer::Done done(std::size_t index) {
    return [this, index](std::exception_ptr e) {
      const std::lock_guard lock(mutex);
      errors.at(index) = std::move(e);
      if (--expected == 0) all_done.set_value();
    };
  }
  void reserve() { errors.resize(expected); }
};

TEST_F(StoreWriter, ConcurrentSubmittersShareBatchesAndEveryRowLands) {
  Writer writer(db_path());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::promise<void> finished;
  std::atomic<int> remaining{kThreads * kPerThread};

  Gate gate;
  gate.hold(writer);
  std::vector<std::thread> submitters;
  for (int t = 0; t < kThreads; ++t) {
    submitters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        writer.submit(insert_item("t" + std::to_string(t) + "-" + std::to_string(i)), [&](std::exception_ptr e) {
          (e ? failed : ok).fetch_add(1);
          if (remaining.fetch_sub(1) == 1) finished.set_value();
        });
      }
    });
  }
  for (auto& s : submitters) s.join();
  EXPECT_EQ(writer.queue_depth(), static_cast<std::size_t>(kThreads * kPerThread));
  gate.open();
  ASSERT_EQ(finished.get_future().wait_for(30s), std::future_status::ready);

  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM items"), kThreads * kPerThread);
  const Writer::Stats stats = writer.stats();
  EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(kThreads * kPerThread + 1));
  EXPECT_LT(stats.batches, stats.jobs);
  EXPECT_LE(stats.batches, 4u);  // gate, then 1000 jobs in batches of at most 512
  EXPECT_EQ(stats.largest_batch, 512u);
  EXPECT_EQ(stats.failed_jobs, 0u);
  EXPECT_EQ(stats.failed_commits, 0u);
}

TEST_F(StoreWriter, ThrowingJobIsRolledBackAloneWhileBatchMatesCommit) {
  Writer writer(db_path());
  Gate gate;
  gate.hold(writer);
  Outcomes outcomes(3);
  outcomes.reserve();
  writer.submit(insert_item("first"), outcomes.done(0));
  writer.submit(
      [](Connection& c) {
        c.prepare("INSERT INTO items (label) VALUES (?1)").bind(1, "doomed").run();
        throw std::runtime_error("the service said no");
      },
      outcomes.done(1));
  writer.submit(insert_item("third"), outcomes.done(2));
  gate.open();
  ASSERT_EQ(outcomes.all_done.get_future().wait_for(10s), std::future_status::ready);

  EXPECT_EQ(outcomes.errors[0], nullptr);
  ASSERT_NE(outcomes.errors[1], nullptr);
  EXPECT_THROW(std::rethrow_exception(outcomes.errors[1]), std::runtime_error);
  EXPECT_EQ(outcomes.errors[2], nullptr);
  EXPECT_EQ(count("SELECT count(*) FROM items WHERE label IN ('first', 'third')"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM items WHERE label = 'doomed'"), 0);
  EXPECT_EQ(writer.stats().batches, 2u);  // the gate's, then all three together
  EXPECT_EQ(writer.stats().failed_jobs, 1u);
}

TEST_F(StoreWriter, ConstraintErrorInOneJobDoesNotUndoItsBatchMates) {
  Writer writer(db_path());
  writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('taken')").run(); }).get();
  Gate gate;
  gate.hold(writer);
  auto a = writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('a')").run(); });
  auto dup = writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('taken')").run(); });
  auto b = writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('b')").run(); });
  gate.open();
  EXPECT_NO_THROW(a.get());
  try {
    dup.get();
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.is_constraint());
  }
  EXPECT_NO_THROW(b.get());
  EXPECT_EQ(count("SELECT count(*) FROM items"), 3);
}

TEST_F(StoreWriter, DoneIsCalledOnlyAfterTheCommitIsVisibleToOtherConnections) {
  Writer writer(db_path());
  Connection reader = Connection::open(db_path(), Mode::ReadOnly);  // used only inside Done
  std::promise<std::int64_t> seen;
  writer.submit(insert_item("durable"), [&](std::exception_ptr e) {
    if (e) {
      seen.set_exception(e);
      return;
    }
    Statement& s = reader.prepare("SELECT count(*) FROM items WHERE label = 'durable'");
    const std::int64_t n = s.step() ? s.column_int64(0) : -1;
    s.reset();  // before set_value: the test thread may destroy `reader` right after it
    seen.set_value(n);
  });
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(future.get(), 1);
}

TEST_F(StoreWriter, RunReturnsTheJobsResultAfterCommit) {
  Writer writer(db_path());
  const std::int64_t id = writer
                              .run([](Connection& c) {
                                c.prepare("INSERT INTO items (label) VALUES ('x')").run();
                                return c.last_insert_rowid();
                              })
                              .get();
  EXPECT_GT(id, 0);
  EXPECT_EQ(count("SELECT count(*) FROM items WHERE label = 'x'"), 1);
}

TEST_F(StoreWriter, RunCarriesTheJobsException) {
  Writer writer(db_path());
  auto future = writer.run([](Connection&) -> int { throw std::invalid_argument("bad input"); });
  EXPECT_THROW(future.get(), std::invalid_argument);
}

TEST_F(StoreWriter, CommitFailureReachesEveryJobOfTheBatch) {
  Writer writer(db_path());
  Gate gate;
  gate.hold(writer);
  Outcomes outcomes(3);
  outcomes.reserve();
  writer.submit(insert_item("innocent-1"), outcomes.done(0));
  // Fine per statement (the foreign key is deferred), fatal at COMMIT.
  writer.submit([](Connection& c) { c.prepare("INSERT INTO child (parent_id) VALUES (404)").run(); },
                outcomes.done(1));
  writer.submit(insert_item("innocent-2"), outcomes.done(2));
  gate.open();
  ASSERT_EQ(outcomes.all_done.get_future().wait_for(10s), std::future_status::ready);

  for (const auto& error : outcomes.errors) {
    ASSERT_NE(error, nullptr);
    try {
      std::rethrow_exception(error);
    } catch (const DbError& e) {
      EXPECT_TRUE(e.is_constraint()) << e.what();
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM items"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM child"), 0);
  EXPECT_EQ(writer.stats().failed_commits, 1u);
  EXPECT_EQ(writer.stats().failed_jobs, 3u);

  // The writer carries on with the next batch.
  EXPECT_NO_THROW(writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('after')").run(); })
                      .get());
  EXPECT_EQ(count("SELECT count(*) FROM items"), 1);
}

TEST_F(StoreWriter, DiskFullReachesTheJobAsIsFullAndLaterJobsStillCommit) {
  Writer writer(db_path());
  // Caps the file near its current size, so a large insert runs out of room like a full disk.
  writer.run([](Connection& c) { c.exec("PRAGMA max_page_count = 1"); }).get();
  Gate gate;
  gate.hold(writer);
  auto before = writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('before')").run(); });
  auto big = writer.run(
      [](Connection& c) { c.prepare("INSERT INTO items (label) VALUES (hex(randomblob(1000000)))").run(); });
  auto after = writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('after')").run(); });
  gate.open();

  try {
    big.get();
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.is_full()) << e.what();
  }
  // Whether SQLite kept the transaction (then `before` commits) or aborted it (then `before`
  // fails too), each outcome must match what is on disk.
  bool before_ok = true;
  try {
    before.get();
  } catch (const DbError& e) {
    before_ok = false;
    EXPECT_TRUE(e.is_full()) << e.what();
  }
  EXPECT_NO_THROW(after.get());
  EXPECT_EQ(count("SELECT count(*) FROM items WHERE label = 'before'"), before_ok ? 1 : 0);
  EXPECT_EQ(count("SELECT count(*) FROM items WHERE label = 'after'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM items WHERE length(label) > 1000"), 0);
}

TEST_F(StoreWriter, StopDrainsEverythingAlreadyQueued) {
  auto writer = std::make_unique<Writer>(db_path());
  Gate gate;
  gate.hold(*writer);
  std::atomic<int> ok{0};
  const auto done = [&](std::exception_ptr e) {
    if (!e) ok.fetch_add(1);
  };
  constexpr int kQueued = 100;
  for (int i = 0; i < kQueued; ++i) writer->submit(insert_item("q" + std::to_string(i)), done);

  std::thread stopper([&] { writer->stop(); });
  // submit() starts throwing once stop() has begun; jobs accepted before that still count.
  int extra = 0;
  for (;;) {
    try {
      writer->submit(insert_item("extra" + std::to_string(extra)), done);
      ++extra;
    } catch (const DbError&) {
      break;
    }
    std::this_thread::yield();
  }
  EXPECT_GE(writer->queue_depth(), static_cast<std::size_t>(kQueued));  // still held by the gate
  gate.open();
  stopper.join();

  EXPECT_EQ(ok.load(), kQueued + extra);
  EXPECT_EQ(writer->queue_depth(), 0u);
  writer.reset();
  EXPECT_EQ(count("SELECT count(*) FROM items"), kQueued + extra);
}

TEST_F(StoreWriter, SubmitAfterStopThrowsAndNeverCallsDone) {
  Writer writer(db_path());
  writer.stop();
  bool called = false;
  EXPECT_THROW(writer.submit(insert_item("late"), [&](std::exception_ptr) { called = true; }), DbError);
  EXPECT_THROW(writer.run([](Connection&) {}), DbError);
  EXPECT_FALSE(called);
  EXPECT_NO_THROW(writer.stop());  // idempotent
}

TEST_F(StoreWriter, ThrowingDoneDoesNotKillTheWriter) {
  Writer writer(db_path());
  writer.submit(insert_item("a"), [](std::exception_ptr) { throw std::runtime_error("bad callback"); });
  EXPECT_NO_THROW(writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('b')").run(); })
                      .get());
  EXPECT_EQ(count("SELECT count(*) FROM items"), 2);
}

TEST_F(StoreWriter, JobLeavingAStatementMidResultStillReleasesItsSavepoint) {
  Writer writer(db_path());
  writer.run([](Connection& c) {
          c.prepare("INSERT INTO items (label) VALUES ('a')").run();
          c.prepare("INSERT INTO items (label) VALUES ('b')").run();
          Statement& s = c.prepare("SELECT label FROM items ORDER BY id");
          ASSERT_TRUE(s.step());  // and stop reading here
        })
      .get();
  EXPECT_EQ(count("SELECT count(*) FROM items"), 2);
}

TEST_F(StoreWriter, MaxBatchOfOneCommitsEachJobAlone) {
  Writer writer(db_path(), {.max_batch = 1});
  Gate gate;
  gate.hold(writer);
  std::vector<std::future<void>> futures;
  for (int i = 0; i < 5; ++i) futures.push_back(writer.run(insert_item("m" + std::to_string(i))));
  gate.open();
  for (auto& f : futures) f.get();
  EXPECT_EQ(writer.stats().batches, 6u);
  EXPECT_EQ(writer.stats().largest_batch, 1u);
}

// The generation (what cached reads are keyed by) moves with every commit that holds a Visible
// job, after the data is visible, and not for bookkeeping-only commits.
TEST_F(StoreWriter, GenerationMovesForVisibleCommitsOnly) {
  Writer writer(db_path());
  const auto start = writer.generation();
  std::promise<std::uint64_t> seen_after_commit;
  writer.submit(insert_item("a"), [&](std::exception_ptr) { seen_after_commit.set_value(writer.generation()); });
  EXPECT_EQ(seen_after_commit.get_future().get(), start + 1) << "moved before the Done callback runs";

  std::promise<void> done;
  writer.submit(insert_item("b"), [&](std::exception_ptr) { done.set_value(); }, Writer::Effect::Bookkeeping);
  done.get_future().wait();
  EXPECT_EQ(writer.generation(), start + 1) << "bookkeeping changes nothing a cached read shows";
  EXPECT_EQ(count("SELECT count(*) FROM items"), 2) << "but it is committed all the same";

  // A batch mixing both kinds is visible.
  Gate gate;
  gate.hold(writer);
  std::promise<void> last;
  writer.submit(insert_item("c"), nullptr, Writer::Effect::Bookkeeping);
  writer.submit(insert_item("d"), [&](std::exception_ptr) { last.set_value(); });
  gate.open();
  last.get_future().wait();
  EXPECT_EQ(writer.generation(), start + 3) << "the gate's own batch, then the mixed batch";
}

TEST_F(StoreWriter, ContentCommitsMoveTheGenerationButNotTheIdentityGeneration) {
  Writer writer(db_path());
  const auto start = writer.generation();
  const auto identity = writer.identity_generation();
  writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('post')").run(); }, Writer::Effect::Content).get();
  EXPECT_EQ(writer.generation(), start + 1) << "cached reads of content must see the new post";
  EXPECT_EQ(writer.identity_generation(), identity) << "nobody's session changed";

  writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('role')").run(); }).get();
  EXPECT_EQ(writer.generation(), start + 2);
  EXPECT_EQ(writer.identity_generation(), identity + 1) << "a Visible commit may change who someone is";

  writer.run([](Connection& c) { c.prepare("INSERT INTO items (label) VALUES ('seen')").run(); }, Writer::Effect::Bookkeeping).get();
  EXPECT_EQ(writer.generation(), start + 2);
  EXPECT_EQ(writer.identity_generation(), identity + 1);
}

}  // namespace
}  // namespace harbour::store
