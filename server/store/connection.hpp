#pragma once
// One SQLite connection and its prepared statements. A Connection is used by one thread at a
// time (it is opened with SQLITE_OPEN_NOMUTEX): the writer thread owns one, and each reader is
// leased to one worker at a time by Database.
#include "store/sql.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace harbour::store {

class SearchUpdates;

// RAII over a prepared statement. Bind indexes start at 1 (?1, ?2 ...), column indexes at 0.
// Every failure throws DbError.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);  // copied (SQLITE_TRANSIENT)
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, const std::optional<std::string>& value);  // nullopt binds NULL
  // Without these two, a literal or a std::string would be ambiguous between string_view and
  // optional<string>.
  Statement& bind(int index, const char* value);  // a null pointer binds NULL
  Statement& bind(int index, const std::string& value);

  // True when a row is ready; false when the statement has finished.
  bool step();
  // Steps to completion, ignoring any rows (INSERT, UPDATE, DELETE).
  void run();

  std::int64_t column_int64(int column);
  double column_double(int column);
  std::string column_text(int column);  // NULL reads as ""
  std::optional<std::string> column_optional_text(int column);  // NULL reads as nullopt
  std::optional<std::int64_t> column_optional_int64(int column);  // NULL reads as nullopt
  bool column_is_null(int column);

  // Back to the start with every parameter unbound (NULL).
  void reset();

  sqlite3_stmt* handle() const noexcept { return stmt_; }

 private:
  [[noreturn]] void fail(int rc, const char* what) const;

  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  enum class Mode { ReadWrite, ReadOnly };
  static constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};

  // ReadWrite creates the file if needed and switches it to WAL; ReadOnly expects it to exist.
  static Connection open(const std::filesystem::path& path, Mode mode,
                         std::chrono::milliseconds busy_timeout = kDefaultBusyTimeout);

  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Reads back every pragma the design requires (DESIGN.md section 4) and throws DbError naming
  // the first one that differs, with expected and actual value. The server refuses to start then.
  void verify_pragmas();

  // A statement cached on this connection (keyed by its text), reset and with bindings cleared.
  // The reference stays valid while the connection lives. Preparing the same text again while
  // still stepping the first use resets it: nest different statements, not the same one.
  // Refuses text holding more than one statement.
  Statement& prepare(Sql sql);

  // Parameterless statements, possibly several: BEGIN, COMMIT, SAVEPOINT, pragmas, test schema.
  void exec(Sql sql);
  // Only for the migration text embedded at build time (which is not a literal in this TU).
  void exec_script(std::string_view sql);

  std::int64_t last_insert_rowid();
  int changes();
  bool in_transaction();
  // Resets statements left mid-result (a caller that stopped reading early). On a reader such a
  // statement would otherwise pin its WAL snapshot and stop checkpoints from finishing.
  void reset_busy_statements();

  Mode mode() const noexcept { return mode_; }
  std::chrono::milliseconds busy_timeout() const noexcept { return busy_timeout_; }
  // For the online backup API and the like; the Connection still owns it.
  sqlite3* handle() const noexcept { return db_; }

  // Where full-text index changes wait (the writer's current job); null: they apply at once.
  SearchUpdates* search_updates() const noexcept { return search_updates_; }
  void hold_search_updates(SearchUpdates* updates) noexcept { search_updates_ = updates; }

  void close() noexcept;

 private:
  Connection(sqlite3* db, Mode mode, std::chrono::milliseconds busy_timeout) noexcept
      : db_(db), mode_(mode), busy_timeout_(busy_timeout) {}
  void configure();

  sqlite3* db_;
  Mode mode_;
  std::chrono::milliseconds busy_timeout_;
  SearchUpdates* search_updates_ = nullptr;
  // Keys view the literal's text, which lives for the whole program. unique_ptr keeps the
  // Statement& handed out stable across rehashing.
  std::unordered_map<std::string_view, std::unique_ptr<Statement>> statements_;
};

}  // namespace harbour::store
