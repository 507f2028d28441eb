// store::Writer's batch observer (the /metrics batch-size histogram): called once per transaction
// with its number of jobs, failed jobs included, in step with Stats::batches; removable.
#include "store/connection.hpp"
#include "store/writer.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace harbour::store {
namespace {

TEST(StoreWriterBatchObserver, ReportsJobsPerTransactionInStepWithStats) {
  test::TempDir dir;
  const auto path = dir.file("h.db");
  Connection::open(path, Connection::Mode::ReadWrite).exec("CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER) STRICT;");
  Writer writer(path);
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  writer.set_batch_observer([&](std::size_t jobs) {
    const std::lock_guard lock(mutex);
    sizes.push_back(jobs);
  });

  // A job that holds the writer until opened, so the next five are queued into one batch.
  std::promise<void> entered, opened;
  auto gate = writer.run([&, wait = opened.get_future().share()](Connection&) {
    entered.set_value();
    wait.wait();
  });
  entered.get_future().wait();
  std::vector<std::future<void>> jobs;
  for (int i = 0; i < 4; ++i) {
    jobs.push_back(writer.run([i](Connection& c) { c.prepare("INSERT INTO items (n) VALUES (?1)").bind(1, i).run(); }));
  }
  // A job that fails rolls back alone; it still was one of its transaction's jobs.
  jobs.push_back(writer.run([](Connection&) { throw std::runtime_error("refused"); }));
  opened.set_value();
  gate.get();
  for (std::size_t i = 0; i + 1 < jobs.size(); ++i) jobs[i].get();
  EXPECT_THROW(jobs.back().get(), std::runtime_error);

  {
    const std::lock_guard lock(mutex);
    EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 5}));
  }
  EXPECT_EQ(writer.stats().batches, 2u);
  EXPECT_EQ(writer.stats().jobs, 6u);

  writer.set_batch_observer(nullptr);
  writer.run([](Connection& c) { c.exec("INSERT INTO items (n) VALUES (9)"); }).get();
  const std::lock_guard lock(mutex);
  EXPECT_EQ(sizes.size(), 2u) << "a removed observer was still called";
}

}  // namespace
}  // namespace harbour::store
