#include "store/database.hpp"

#include "store/db_error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

namespace harbour::store {
namespace {

constexpr std::chrono::milliseconds kPingWait{1000};

Connection open_migrated(const std::filesystem::path& path) {
  Connection connection = Connection::open(path, Connection::Mode::ReadWrite);
  connection.verify_pragmas();
  migrate(connection, embedded_migrations());
  connection.verify_pragmas();  // migrating switches foreign keys off and on again
  return connection;
}

}  // namespace

Database::Database(Options options) : options_(std::move(options)) {
  options_.max_readers = std::max<std::size_t>(options_.max_readers, 1);
  writer_ = std::make_unique<Writer>(open_migrated(options_.path), options_.writer);
}

Database::~Database() { close(); }

void Database::close() {
  std::vector<std::unique_ptr<Connection>> idle;
  {
    const std::lock_guard lock(pool_mutex_);
    closed_ = true;
    idle.swap(idle_readers_);
    open_readers_ -= idle.size();
  }
  reader_free_.notify_all();  // waiting readers now fail instead of waiting forever
  idle.clear();               // readers first ...
  writer_->stop();            // ... the writer last
}

Database::ReaderLease::ReaderLease(Database& db, std::optional<std::chrono::milliseconds> wait)
    : db_(db), connection_(db.acquire_reader(wait)) {}

Database::ReaderLease::~ReaderLease() { db_.release_reader(std::move(connection_)); }

std::unique_ptr<Connection> Database::acquire_reader(std::optional<std::chrono::milliseconds> wait) {
  std::unique_lock lock(pool_mutex_);
  const auto ready = [this] { return closed_ || !idle_readers_.empty() || open_readers_ < options_.max_readers; };
  if (wait) {
    if (!reader_free_.wait_for(lock, *wait, ready)) throw DbError(SQLITE_BUSY, "no read connection came free");
  } else {
    reader_free_.wait(lock, ready);
  }
  if (closed_) throw DbError(SQLITE_MISUSE, "the database is closed");
  if (!idle_readers_.empty()) {
    auto connection = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return connection;
  }
  // Open outside the lock: it touches the file system, and other leases need not wait for it.
  ++open_readers_;
  lock.unlock();
  try {
    auto connection = std::make_unique<Connection>(Connection::open(options_.path, Connection::Mode::ReadOnly));
    connection->verify_pragmas();  // readers check journal_mode=WAL rather than set it
    return connection;
  } catch (...) {
    lock.lock();
    --open_readers_;
    lock.unlock();
    reader_free_.notify_one();
    throw;
  }
}

void Database::release_reader(std::unique_ptr<Connection> connection) noexcept {
  if (!connection) return;
  // A statement left mid-result or a transaction left open would pin this reader's snapshot:
  // the next lease would read stale data and the WAL could not be checkpointed past it.
  connection->reset_busy_statements();
  if (connection->in_transaction()) {
    try {
      connection->exec("ROLLBACK");
    } catch (...) {
      connection.reset();  // cannot be trusted any more: close it rather than pool it
    }
  }
  {
    const std::lock_guard lock(pool_mutex_);
    if (closed_ || !connection) {
      --open_readers_;
    } else {
      idle_readers_.push_back(std::move(connection));
    }
  }
  reader_free_.notify_one();
  // When closed, `connection` closes here, outside the lock.
}

bool Database::ping() {
  try {
    ReaderLease lease(*this, kPingWait);
    Statement& s = lease.connection().prepare("SELECT 1");
    const bool ok = s.step() && s.column_int64(0) == 1;
    s.reset();
    return ok;
  } catch (const std::exception&) {
    return false;
  }
}

int Database::schema_version() {
  return read([](Connection& c) { return store::schema_version(c); });
}

MigrationResult migrate_file(const std::filesystem::path& path) {
  Connection connection = Connection::open(path, Connection::Mode::ReadWrite);
  connection.verify_pragmas();
  return migrate(connection, embedded_migrations());
}

}  // namespace harbour::store
