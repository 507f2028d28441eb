#pragma once
// The single writer (DESIGN.md section 3): one thread owning the one ReadWrite connection.
//
// It takes every queued job (up to max_batch) and runs them in ONE `BEGIN IMMEDIATE`
// transaction, each inside its own SAVEPOINT: a job that throws is rolled back alone and its
// batch-mates go on. Then ONE COMMIT (one fsync with synchronous=FULL) covers the whole batch:
// group commit. Only after that commit succeeded is each job completed, so whatever a Done
// callback does (send the reply, publish a live event) happens after the data is durable.
// If the COMMIT fails, every job of the batch that had succeeded gets the commit's DbError. If
// SQLite itself aborts the transaction under a job (disk full, I/O error), that job and the ones
// before it in the batch get the error, and the jobs after it run in a fresh transaction.
//
// Another process holding the write lock (a `harbour invite create`, an operator's sqlite3): the
// batch's BEGIN waits up to busy_timeout. If it still fails, the batch and every job queued
// during that wait get its SQLITE_BUSY error (503 with Retry-After), so no job waits for two
// timeouts in a row. Each request thread waiting on the writer is a worker taken from everyone's
// reads, so a locked database must not gather them: while the BEGIN waits for the lock, at most
// lock_wait_queue jobs queue behind it, none once it has waited lock_wait_refuse; after a BEGIN
// failed busy, one job at a time probes the lock until a BEGIN succeeds again. submit() refuses
// the others at once with SQLITE_BUSY.
#include "store/connection.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace harbour::store {

// Outside the class only because GCC refuses `Options options = {}` as a default argument for a
// nested struct with member initializers; use them as Writer::Options and Writer::Stats.
struct WriterOptions {
  std::size_t max_batch = 512;  // jobs per transaction; bounds how long one commit waits
  // While the writer waits for another process's write lock: how many jobs may queue behind
  // it, and after how long of waiting none may (see the top of this file).
  std::size_t lock_wait_queue = 2;
  std::chrono::milliseconds lock_wait_refuse{250};
};
struct WriterStats {
  std::uint64_t jobs = 0;            // completed, successfully or not
  std::uint64_t batches = 0;         // transactions attempted
  std::uint64_t failed_jobs = 0;     // jobs completed with an error (their own or the commit's)
  std::uint64_t failed_commits = 0;  // transactions whose BEGIN or COMMIT failed or that SQLite aborted
  std::uint64_t refused_jobs = 0;    // refused by submit() while another process held the lock
  std::size_t largest_batch = 0;
};

class Writer {
 public:
  using Options = WriterOptions;
  using Stats = WriterStats;
  // Runs on the writer thread inside the batch transaction. Throw to roll this job back. It must
  // not BEGIN/COMMIT/ROLLBACK itself, must not use the savepoint name `harbour_job`, and must not
  // wait for another writer job (that job cannot start until this one returns).
  using Job = std::function<void(Connection&)>;
  // Called on the writer thread once the job's fate is durable: nullptr after the commit, else
  // the job's own exception or the DbError of a failed BEGIN/COMMIT. It must be quick and must
  // not throw (anything it throws is swallowed). May be empty.
  using Done = std::function<void(std::exception_ptr)>;

  // Opens the database (ReadWrite) and checks its pragmas.
  explicit Writer(const std::filesystem::path& db, Options options = {});
  // Takes over a connection that is already open and checked (Database hands over the one it
  // migrated with).
  explicit Writer(Connection connection, Options options = {});
  ~Writer();  // stop()
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // What a job's commit means for cached reads (core::GenerationCache keyed by generation()).
  enum class Effect {
    Visible,      // may change what any read returns: moves both generations
    // Changes the community's content (posts, replies, their notifications and queue items) but
    // never who anyone is or what they may do: moves generation(), not identity_generation(),
    // so signed-in sessions stay cached while people write.
    Content,
    Bookkeeping,  // changes nothing a cached read shows (a session's last-seen time)
  };

  // Queues a job. After stop() has begun this throws DbError (SQLITE_MISUSE), and while another
  // process holds the database's write lock (see the top of this file) DbError (SQLITE_BUSY);
  // then `done` is never called: the caller is still on its own thread and can answer for itself.
  void submit(Job job, Done done, Effect effect = Effect::Visible);

  // Queues `f` and returns a future of its result, fulfilled only after the commit; it carries
  // the job's exception or the commit's DbError otherwise. Throws like submit() after stop().
  // Do not wait on the future from inside a writer job or Done: that deadlocks.
  template <class F>
  auto run(F&& f, Effect effect = Effect::Visible) -> std::future<std::invoke_result_t<F&, Connection&>>;

  // Refuses new jobs, runs everything already queued, joins the thread and closes the
  // connection. Idempotent. Called from a job or Done (the writer thread) it only refuses new
  // jobs; the destructor then does the rest.
  void stop();

  // Called on the writer thread after every successful COMMIT, before the batch's Done callbacks:
  // for whoever follows the database's changes as a stream (the Wall's live feed). It must be
  // quick (wake a thread, no more) and not throw. Set it once, at start-up; nullptr removes it.
  void set_commit_observer(std::function<void()> observer);

  // Called on the writer thread once per transaction attempted (committed or not, as counted in
  // Stats::batches) with its number of jobs, before their Done callbacks: the batch-size
  // histogram of /metrics. Quick and non-throwing like the commit observer; set it once, at
  // start-up; nullptr removes it.
  void set_batch_observer(std::function<void(std::size_t jobs)> observer);

  // How many transactions with a Visible job have committed since start: moves after such a
  // COMMIT, before the observer runs. Read it BEFORE reading data to cache what was read
  // (core::GenerationCache): an entry is then never newer than its generation.
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }
  // The same for commits that may change who someone is or what they may do (any Visible job):
  // what cached sessions are keyed by. Never moves without generation() moving too.
  std::uint64_t identity_generation() const noexcept { return identity_generation_.load(std::memory_order_acquire); }

  Stats stats() const;
  std::size_t queue_depth() const;

 private:
  struct Entry {
    Job job;
    Done done;
    std::exception_ptr error;  // the job's own failure, kept until the commit's outcome is known
    Effect effect = Effect::Visible;
  };

  template <class R, class F>
  struct RunState;

  void loop();
  void run_batch();
  // True when a new job must be refused because another process holds the lock. Needs mutex_.
  bool locked_out(std::chrono::steady_clock::time_point now) const;
  // BEGIN IMMEDIATE of the batch from `begin`; on SQLITE_BUSY also fails everything queued.
  bool begin_transaction(std::size_t begin);
  // The connection's busy handler (sqlite3_busy_handler): waits like busy_timeout.
  static int on_busy(void* self, int attempts) noexcept;
  // Calls Done for batch_[begin, end) and updates the stats.
  void complete(std::size_t begin, std::size_t end, std::exception_ptr commit_error) noexcept;
  void notify_commit(bool content, bool identity) noexcept;

  Options options_;
  Connection connection_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Entry> queue_;   // guarded by mutex_
  std::vector<Entry> batch_;   // writer thread only; swapped with queue_ so both keep capacity
  bool stopping_ = false;      // guarded by mutex_
  bool batch_running_ = false; // guarded by mutex_: a batch has left the queue and not finished
  bool locked_ = false;        // guarded by mutex_: the last BEGIN failed busy
  std::chrono::steady_clock::time_point locked_since_{};  // writer thread only: for the log
  // Since when the writer waits for another process's lock (steady clock ticks), 0 when it does not.
  std::atomic<std::chrono::steady_clock::rep> lock_wait_since_{0};
  Stats stats_;                // guarded by mutex_
  std::shared_ptr<const std::function<void()>> commit_observer_;  // guarded by mutex_
  std::shared_ptr<const std::function<void(std::size_t)>> batch_observer_;  // guarded by mutex_
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> identity_generation_{0};
  std::mutex stop_mutex_;      // serialises concurrent stop() calls around join()
  std::thread thread_;
};

// ---- run(): a shared state the Job fills and the Done resolves --------------------------------

template <class R, class F>
struct Writer::RunState {
  explicit RunState(F&& fn) : f(std::move(fn)) {}
  explicit RunState(const F& fn) : f(fn) {}
  F f;
  std::promise<R> promise;
  // The job's result waits here until the commit has succeeded.
  std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> result{};
};

template <class F>
auto Writer::run(F&& f, Effect effect) -> std::future<std::invoke_result_t<F&, Connection&>> {
  using R = std::invoke_result_t<F&, Connection&>;
  using State = RunState<R, std::decay_t<F>>;
  auto state = std::make_shared<State>(std::forward<F>(f));
  auto future = state->promise.get_future();
  submit(
      [state](Connection& c) {
        if constexpr (std::is_void_v<R>) {
          state->f(c);
        } else {
          state->result.emplace(state->f(c));
        }
      },
      [state](std::exception_ptr error) {
        if (error) {
          state->promise.set_exception(std::move(error));
        } else if constexpr (std::is_void_v<R>) {
          state->promise.set_value();
        } else {
          state->promise.set_value(std::move(*state->result));
        }
      },
      effect);
  return future;
}

}  // namespace harbour::store
