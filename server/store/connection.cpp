#include "store/connection.hpp"

#include "store/db_error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace harbour::store {
namespace {

[[noreturn]] void throw_db(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw DbError(rc, message);
}

// Runs every statement of `text` in turn. sqlite3_exec would need a NUL-terminated copy of a
// string_view; preparing with an explicit length does not.
void run_script(sqlite3* db, std::string_view text) {
  const char* next = text.data();
  const char* const end = text.data() + text.size();
  while (next < end) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db, next, static_cast<int>(end - next), &stmt, &tail);
    if (rc != SQLITE_OK) throw_db(db, rc, "cannot prepare script statement");
    if (stmt == nullptr) break;  // only whitespace or comments were left
    Statement statement(stmt);   // finalized on every path
    statement.run();
    next = tail;
  }
}

}  // namespace

// ---- Statement ------------------------------------------------------------------------------

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::fail(int rc, const char* what) const {
  sqlite3* db = sqlite3_db_handle(stmt_);
  std::string message = what;
  message += " (";
  message += sqlite3_sql(stmt_);  // the statement's template only, never bound values
  message += "): ";
  message += sqlite3_errmsg(db);
  throw DbError(rc, message);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc, "bind failed");
  return *this;
}

Statement& Statement::bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }

Statement& Statement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(rc, "bind failed");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // An empty string_view may have a null data(), which SQLite would bind as NULL, not "".
  const char* data = value.data() != nullptr ? value.data() : "";
  const int rc = sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(rc, "bind failed");
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc, "bind failed");
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind(index, nullptr);
}

Statement& Statement::bind(int index, const char* value) {
  return value != nullptr ? bind(index, std::string_view(value)) : bind(index, nullptr);
}

Statement& Statement::bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(rc, "statement failed");
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::column_int64(int column) { return sqlite3_column_int64(stmt_, column); }

double Statement::column_double(int column) { return sqlite3_column_double(stmt_, column); }

std::string Statement::column_text(int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) {
  if (column_is_null(column)) return std::nullopt;
  return column_text(column);
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) {
  if (column_is_null(column)) return std::nullopt;
  return column_int64(column);
}

bool Statement::column_is_null(int column) { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

void Statement::reset() {
  // sqlite3_reset repeats the last step's error, which was already thrown; nothing to report.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// ---- Connection -----------------------------------------------------------------------------

Connection Connection::open(const std::filesystem::path& path, Mode mode, std::chrono::milliseconds busy_timeout) {
  // NOMUTEX: each connection is used by one thread at a time, so SQLite's own locking is waste.
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == Mode::ReadWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path.string() + ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);  // SQLite may hand back a handle even on failure
    throw DbError(rc, message);
  }
  Connection connection(db, mode, busy_timeout);
  connection.configure();  // on failure the destructor closes the handle
  return connection;
}

void Connection::configure() {
  sqlite3_extended_result_codes(db_, 1);
  const auto db_config = [this](int option, int value, const char* name) {
    int applied = -1;
    if (const int rc = sqlite3_db_config(db_, option, value, &applied); rc != SQLITE_OK) {
      throw_db(db_, rc, std::string("cannot set ") + name);
    }
  };
  // DEFENSIVE: no writable_schema, no journal_mode=OFF, no direct writes to shadow tables.
  db_config(SQLITE_DBCONFIG_DEFENSIVE, 1, "SQLITE_DBCONFIG_DEFENSIVE");
  // Double-quoted strings silently become literals when a column name is mistyped: refuse them.
  db_config(SQLITE_DBCONFIG_DQS_DML, 0, "SQLITE_DBCONFIG_DQS_DML");
  db_config(SQLITE_DBCONFIG_DQS_DDL, 0, "SQLITE_DBCONFIG_DQS_DDL");

  const auto ms = std::clamp<std::chrono::milliseconds::rep>(busy_timeout_.count(), 0, std::numeric_limits<int>::max());
  sqlite3_busy_timeout(db_, static_cast<int>(ms));

  // journal_mode is a property of the file: only the writer sets it, readers check it.
  if (mode_ == Mode::ReadWrite) {
    exec("PRAGMA journal_mode = WAL");
    // A checkpoint copies each page changed since the last one back into the database file and
    // syncs it. Pages that change all the time (the newest posts, index pages, the search
    // segments) are copied once per checkpoint however often they changed, so checkpointing every
    // 8,000 pages (32 MiB of WAL) rather than SQLite's 1,000 copies far less: POST reply went from
    // about 2,200 to 2,900 a second at 290 instead of 340 µs of CPU each (tests/bench).
    exec("PRAGMA wal_autocheckpoint = 8000");
  }
  exec(
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA trusted_schema = OFF;"
      "PRAGMA secure_delete = ON;"
      // SQLite's default page cache is 2 MB per connection: a community's working set (recent
      // topics, their replies, the search index) is larger, and every miss is a pread() copying
      // a page from the kernel. 16 MiB per connection keeps it in memory (tests/bench: the
      // writer's reply insert spent a third of its time re-reading pages with 2 MB).
      "PRAGMA cache_size = -16384;");
}

Connection::~Connection() { close(); }

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      mode_(other.mode_),
      busy_timeout_(other.busy_timeout_),
      search_updates_(std::exchange(other.search_updates_, nullptr)),
      statements_(std::move(other.statements_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    mode_ = other.mode_;
    busy_timeout_ = other.busy_timeout_;
    search_updates_ = std::exchange(other.search_updates_, nullptr);
    statements_ = std::move(other.statements_);
  }
  return *this;
}

void Connection::close() noexcept {
  statements_.clear();  // finalize first, so the close below really closes
  if (db_ != nullptr) {
    // The last connection to close checkpoints the WAL and removes it.
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

void Connection::verify_pragmas() {
  const auto check = [](std::string_view pragma, const std::string& actual, const std::string& expected) {
    if (actual != expected) {
      throw DbError(SQLITE_ERROR, "pragma " + std::string(pragma) + " is '" + actual + "', expected '" + expected + "'");
    }
  };
  const auto read_text = [this](Sql sql) {
    Statement& s = prepare(sql);
    std::string value = s.step() ? s.column_text(0) : std::string("(none)");
    s.reset();
    return value;
  };

  check("journal_mode", read_text("PRAGMA journal_mode"), "wal");
  check("synchronous", read_text("PRAGMA synchronous"), "2");  // 2 = FULL
  check("foreign_keys", read_text("PRAGMA foreign_keys"), "1");
  check("busy_timeout", read_text("PRAGMA busy_timeout"),
        std::to_string(std::clamp<std::chrono::milliseconds::rep>(busy_timeout_.count(), 0,
                                                                   std::numeric_limits<int>::max())));
  check("trusted_schema", read_text("PRAGMA trusted_schema"), "0");
  check("secure_delete", read_text("PRAGMA secure_delete"), "1");

  int defensive = -1;
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);  // -1 reads without changing
  check("SQLITE_DBCONFIG_DEFENSIVE", std::to_string(defensive), "1");
}

Statement& Connection::prepare(Sql sql) {
  const std::string_view key(sql.text);
  if (const auto found = statements_.find(key); found != statements_.end()) {
    found->second->reset();
    return *found->second;
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  // PERSISTENT: these statements live as long as the connection, so SQLite may place them
  // outside its small lookaside allocator.
  const int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                                    &raw, &tail);
  if (rc != SQLITE_OK) throw_db(db_, rc, "cannot prepare \"" + std::string(key) + "\"");
  auto statement = std::make_unique<Statement>(raw);
  if (raw == nullptr) throw DbError(SQLITE_MISUSE, "prepare: no statement in \"" + std::string(key) + "\"");

  // A second statement in the text would be silently ignored by step(): refuse it. Preparing the
  // rest (rather than scanning for ';') lets trailing comments through.
  const char* const end = key.data() + key.size();
  if (tail != nullptr && tail < end) {
    sqlite3_stmt* extra = nullptr;
    const int tail_rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &extra, nullptr);
    sqlite3_finalize(extra);
    if (tail_rc != SQLITE_OK || extra != nullptr) {
      throw DbError(SQLITE_MISUSE, "prepare: more than one statement in \"" + std::string(key) + "\"");
    }
  }
  Statement& result = *statement;
  statements_.emplace(key, std::move(statement));
  return result;
}

void Connection::exec(Sql sql) { run_script(db_, sql.text); }

void Connection::exec_script(std::string_view sql) { run_script(db_, sql); }

std::int64_t Connection::last_insert_rowid() { return sqlite3_last_insert_rowid(db_); }

int Connection::changes() { return sqlite3_changes(db_); }

bool Connection::in_transaction() { return sqlite3_get_autocommit(db_) == 0; }

void Connection::reset_busy_statements() {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr; s = sqlite3_next_stmt(db_, s)) {
    if (sqlite3_stmt_busy(s) != 0) sqlite3_reset(s);
  }
}

}  // namespace harbour::store
