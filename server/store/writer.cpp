#include "store/writer.hpp"

#include "core/log.hpp"
#include "store/db_error.hpp"
#include "store/search_updates.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <iterator>

namespace harbour::store {
namespace {

Connection open_checked(const std::filesystem::path& db) {
  Connection connection = Connection::open(db, Connection::Mode::ReadWrite);
  connection.verify_pragmas();
  return connection;
}

// Undoes one job's savepoint. False when that is impossible because the transaction itself is
// gone: SQLite rolls back the whole transaction on some errors (SQLITE_FULL, SQLITE_IOERR,
// SQLITE_NOMEM, an interrupt), taking the earlier jobs of the batch with it.
bool rollback_job(Connection& c) noexcept {
  try {
    c.exec("ROLLBACK TO harbour_job");
    c.exec("RELEASE harbour_job");
    return true;
  } catch (...) {
    return false;
  }
}

// While a batch runs, each job's full-text changes wait in `job` (store/search_updates.hpp); the
// guard makes sure no later use of the connection finds a pointer to them.
class HeldSearchUpdates {
 public:
  HeldSearchUpdates(Connection& c, SearchUpdates& job) : c_(c) { c_.hold_search_updates(&job); }
  ~HeldSearchUpdates() { c_.hold_search_updates(nullptr); }
  HeldSearchUpdates(const HeldSearchUpdates&) = delete;
  HeldSearchUpdates& operator=(const HeldSearchUpdates&) = delete;

 private:
  Connection& c_;
};

void rollback_quietly(Connection& c) noexcept {
  try {
    if (c.in_transaction()) c.exec("ROLLBACK");
  } catch (...) {
    // Nothing more to try: the next BEGIN fails loudly if the connection is really broken.
  }
}

}  // namespace

Writer::Writer(const std::filesystem::path& db, Options options) : Writer(open_checked(db), options) {}

Writer::Writer(Connection connection, Options options) : options_(options), connection_(std::move(connection)) {
  options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
  // Replaces the connection's busy_timeout with the same wait that also tells submit() when the
  // writer is waiting for another process's lock.
  sqlite3_busy_handler(connection_.handle(), &Writer::on_busy, this);
  // Both vectors keep this capacity for good (they are swapped, never shrunk): a batch allocates
  // nothing of its own unless the queue outgrows max_batch.
  queue_.reserve(options_.max_batch);
  batch_.reserve(options_.max_batch);
  thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() { stop(); }

void Writer::submit(Job job, Done done, Effect effect) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) throw DbError(SQLITE_MISUSE, "the writer is stopped and takes no more jobs");
    if (locked_out(std::chrono::steady_clock::now())) {
      ++stats_.refused_jobs;
      throw DbError(SQLITE_BUSY, "another process holds the database's write lock; new writes are refused until it is free");
    }
    queue_.push_back(Entry{std::move(job), std::move(done), nullptr, effect});
  }
  wake_.notify_one();
}

bool Writer::locked_out(std::chrono::steady_clock::time_point now) const {
  // After a BEGIN failed busy, one job at a time probes the lock; the others are refused.
  if (locked_ && (batch_running_ || !queue_.empty())) return true;
  const auto since = lock_wait_since_.load(std::memory_order_acquire);
  if (since == 0) return false;  // not waiting for anyone's lock
  if (queue_.size() >= options_.lock_wait_queue) return true;
  const auto limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.lock_wait_refuse).count();
  return now.time_since_epoch().count() - since >= limit;
}

int Writer::on_busy(void* self, int attempts) noexcept {
  // SQLite's own busy_timeout handler, plus a note of when the wait began (submit() reads it).
  // The same steps as SQLite's: short sleeps first, then 100 ms at a time.
  static constexpr int kDelaysMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
  auto& writer = *static_cast<Writer*>(self);
  const auto now = std::chrono::steady_clock::now();
  if (attempts == 0) {
    writer.lock_wait_since_.store(std::max<std::chrono::steady_clock::rep>(now.time_since_epoch().count(), 1),
                                  std::memory_order_release);
  }
  const std::chrono::steady_clock::time_point since{
      std::chrono::steady_clock::duration(writer.lock_wait_since_.load(std::memory_order_acquire))};
  const auto left = writer.connection_.busy_timeout() - std::chrono::duration_cast<std::chrono::milliseconds>(now - since);
  if (left <= std::chrono::milliseconds(0)) return 0;  // give up: the statement fails with SQLITE_BUSY
  const int step = kDelaysMs[std::min<std::size_t>(static_cast<std::size_t>(attempts), std::size(kDelaysMs) - 1)];
  std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(step)));
  return 1;
}

void Writer::stop() {
  const std::lock_guard stop_lock(stop_mutex_);
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  // On the writer thread itself (a Done callback) joining would deadlock; the loop still drains
  // the queue and the destructor joins.
  if (!thread_.joinable() || thread_.get_id() == std::this_thread::get_id()) return;
  thread_.join();
  connection_.close();
  // How well group commit worked over the process's life (jobs per batch), for operators and
  // for reading benchmarks.
  const Stats s = stats();
  core::log::info("writer_stopped", {{"jobs", s.jobs}, {"batches", s.batches}, {"largest_batch", s.largest_batch},
                                     {"failed_jobs", s.failed_jobs}, {"failed_commits", s.failed_commits},
                                     {"refused_jobs", s.refused_jobs}});
}

Writer::Stats Writer::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

std::size_t Writer::queue_depth() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

void Writer::loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
    }
    // Woken by the first job: let whoever else is runnable (request threads about to submit
    // theirs) go first, so the batch is bigger and one fsync covers more writes. On a core of its
    // own this returns at once; where the writer shares a core with the request threads (tests/
    // bench pins everything to one) it took POST reply from 5.3 to 7.5 jobs per batch and
    // 2,760 to 3,050 replies a second.
    std::this_thread::yield();
    {
      std::unique_lock lock(mutex_);
      batch_running_ = true;
      if (queue_.size() <= options_.max_batch) {
        batch_.swap(queue_);
      } else {
        const auto first = queue_.begin();
        const auto last = first + static_cast<std::ptrdiff_t>(options_.max_batch);
        batch_.insert(batch_.end(), std::make_move_iterator(first), std::make_move_iterator(last));
        queue_.erase(first, last);
      }
    }
    run_batch();
    batch_.clear();
    lock_wait_since_.store(0, std::memory_order_release);  // in case a statement other than BEGIN waited
    {
      const std::lock_guard lock(mutex_);
      batch_running_ = false;
    }
  }
}

bool Writer::begin_transaction(std::size_t begin) {
  std::exception_ptr error;
  bool busy = false;
  try {
    connection_.exec("BEGIN IMMEDIATE");
  } catch (const DbError& e) {
    error = std::current_exception();
    busy = e.is_busy();
  } catch (...) {
    error = std::current_exception();
  }
  lock_wait_since_.store(0, std::memory_order_release);  // whatever the outcome, no longer waiting

  bool was_locked = false;
  {
    const std::lock_guard lock(mutex_);
    was_locked = locked_;
    if (!error) {
      locked_ = false;
    } else if (busy) {
      locked_ = true;
      // Everything queued meanwhile waited for this same lock: it fails now with this error
      // instead of waiting a whole busy_timeout more in the next batch.
      batch_.insert(batch_.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      // Over before its Done callbacks run, so whoever they wake may send the next probe.
      batch_running_ = false;
    }
  }
  if (!error) {
    if (was_locked) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - locked_since_);
      core::log::info("database_lock_released", {{"locked_ms", ms.count()}});
    }
    return true;
  }
  if (busy && !was_locked) {
    locked_since_ = std::chrono::steady_clock::now() - connection_.busy_timeout();
    core::log::warn("database_locked", {{"advice", "another process holds the database's write lock: writes answer 503 until it lets go"}});
  }
  // Busy beyond busy_timeout (another process holds the write lock), disk full ...
  complete(begin, batch_.size(), error);
  return false;
}

void Writer::run_batch() {
  std::size_t begin = 0;
  const std::size_t size = batch_.size();
  // Normally one pass, one transaction. Only when SQLite ends the transaction under a job do the
  // jobs after it get a fresh transaction of their own.
  while (begin < size) {
    if (!begin_transaction(begin)) return;

    std::size_t end = size;
    std::exception_ptr lost;  // set when the transaction vanished under a job
    SearchUpdates batch_search;
    {
      SearchUpdates job_search;
      const HeldSearchUpdates held(connection_, job_search);
      for (std::size_t i = begin; i < size; ++i) {
        Entry& entry = batch_[i];
        bool opened = false;
        try {
          connection_.exec("SAVEPOINT harbour_job");
          opened = true;
          entry.job(connection_);
          connection_.reset_busy_statements();  // a RELEASE with a statement mid-result fails
          connection_.exec("RELEASE harbour_job");
          batch_search.merge(std::move(job_search));
        } catch (...) {
          entry.error = std::current_exception();
          job_search.clear();
          connection_.reset_busy_statements();
          if ((opened && !rollback_job(connection_)) || !connection_.in_transaction()) {
            lost = entry.error;
            end = i + 1;
            break;
          }
        }
      }
    }

    std::exception_ptr commit_error = lost;
    if (!lost) {
      try {
        // After the last job's savepoint, so FTS5 writes the batch's terms as one segment. Should
        // this fail (disk full), the whole batch fails with it: none of its jobs is acknowledged.
        batch_search.apply(connection_);
        connection_.exec("COMMIT");
      } catch (...) {
        // e.g. SQLITE_FULL, or a deferred foreign key violated by some job of the batch.
        commit_error = std::current_exception();
      }
    }
    if (commit_error) {
      rollback_quietly(connection_);
    } else {
      const auto first = batch_.begin() + static_cast<std::ptrdiff_t>(begin);
      const auto last = batch_.begin() + static_cast<std::ptrdiff_t>(end);
      const bool identity = std::any_of(first, last, [](const Entry& e) { return e.effect == Effect::Visible; });
      notify_commit(identity || std::any_of(first, last, [](const Entry& e) { return e.effect == Effect::Content; }), identity);
    }
    complete(begin, end, commit_error);
    begin = end;
  }
}

void Writer::set_commit_observer(std::function<void()> observer) {
  const std::lock_guard lock(mutex_);
  commit_observer_ = observer ? std::make_shared<const std::function<void()>>(std::move(observer)) : nullptr;
}

void Writer::set_batch_observer(std::function<void(std::size_t)> observer) {
  const std::lock_guard lock(mutex_);
  batch_observer_ = observer ? std::make_shared<const std::function<void(std::size_t)>>(std::move(observer)) : nullptr;
}

void Writer::notify_commit(bool content, bool identity) noexcept {
  // Identity first: whoever sees the new generation() also sees the new identity_generation().
  if (identity) identity_generation_.fetch_add(1, std::memory_order_acq_rel);
  if (content) generation_.fetch_add(1, std::memory_order_acq_rel);
  std::shared_ptr<const std::function<void()>> observer;
  {
    const std::lock_guard lock(mutex_);
    observer = commit_observer_;
  }
  if (!observer) return;
  try {
    (*observer)();
  } catch (...) {
    // An observer must not throw; if it does, the writer thread must survive for everyone else.
  }
}

void Writer::complete(std::size_t begin, std::size_t end, std::exception_ptr commit_error) noexcept {
  // A job that failed by itself keeps its own error, the most precise one; the others share the
  // commit's.
  std::uint64_t failed = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (!batch_[i].error) batch_[i].error = commit_error;
    if (batch_[i].error) ++failed;
  }
  std::shared_ptr<const std::function<void(std::size_t)>> batch_observer;
  {
    // Before any Done runs, so whoever a Done wakes sees this batch in stats().
    const std::lock_guard lock(mutex_);
    stats_.jobs += end - begin;
    stats_.batches += 1;
    stats_.failed_jobs += failed;
    if (commit_error) stats_.failed_commits += 1;
    stats_.largest_batch = std::max(stats_.largest_batch, end - begin);
    batch_observer = batch_observer_;
  }
  if (batch_observer) {
    try {
      (*batch_observer)(end - begin);
    } catch (...) {
      // An observer must not throw; if it does, the writer thread must survive for everyone else.
    }
  }
  for (std::size_t i = begin; i < end; ++i) {
    Entry& entry = batch_[i];
    if (!entry.done) continue;
    try {
      entry.done(std::move(entry.error));
    } catch (...) {
      // Done must not throw; if it does anyway, the writer thread must survive for everyone else.
    }
  }
}

}  // namespace harbour::store
