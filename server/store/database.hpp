#pragma once
// The database as the rest of the server sees it: the single writer for every change, and a
// pool of read-only connections for reads (WAL readers never block the writer or each other).
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/writer.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>

namespace harbour::store {

class Database {
 public:
  struct Options {
    std::filesystem::path path;
    std::size_t max_readers = 8;  // about one per worker thread
    Writer::Options writer{};  // {} keeps g++ -Wmissing-field-initializers quiet for {.path = ...}
  };

  // Opens the write connection, checks its pragmas and applies pending migrations; throws
  // DbError (NewerDatabaseError for a file from a newer harbour) when any of that fails.
  explicit Database(Options options);
  ~Database();  // close()
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Writer& writer() { return *writer_; }

  // Runs f on a read-only connection leased from the pool (opened lazily, at most max_readers;
  // blocks while all are leased) and returns its result. Each statement sees the latest commit;
  // for several statements that must agree, f can wrap them in BEGIN ... COMMIT (a transaction
  // left open is rolled back when the lease returns). Do not call read() again inside f: with
  // every reader leased, that waits for itself.
  template <class F>
  auto read(F&& f) -> std::invoke_result_t<F&, Connection&>;

  // SELECT 1 on a reader, for /readyz. False (never a throw) when the database does not answer,
  // or no reader comes free within a second.
  bool ping();
  int schema_version();
  const std::filesystem::path& path() const noexcept { return options_.path; }

  // Closes idle readers and refuses new reads, then drains and stops the writer, whose
  // connection closes last so SQLite checkpoints and removes the WAL. A reader still leased is
  // closed when its lease returns. Idempotent.
  void close();

 private:
  // A leased reader, returned to the pool by the destructor.
  class ReaderLease {
   public:
    ReaderLease(Database& db, std::optional<std::chrono::milliseconds> wait);
    ~ReaderLease();
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    Connection& connection() { return *connection_; }

   private:
    Database& db_;
    std::unique_ptr<Connection> connection_;
  };

  std::unique_ptr<Connection> acquire_reader(std::optional<std::chrono::milliseconds> wait);
  void release_reader(std::unique_ptr<Connection> connection) noexcept;

  Options options_;
  std::unique_ptr<Writer> writer_;
  std::mutex pool_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by pool_mutex_
  std::size_t open_readers_ = 0;                           // idle + leased + being opened
  bool closed_ = false;
};

template <class F>
auto Database::read(F&& f) -> std::invoke_result_t<F&, Connection&> {
  ReaderLease lease(*this, std::nullopt);
  return std::invoke(f, lease.connection());
}

// For `harbour migrate`: opens the file (creating it), checks pragmas, applies the embedded
// migrations and closes it again.
MigrationResult migrate_file(const std::filesystem::path& path);

}  // namespace harbour::store
