#pragma once
// The one exception type of the store layer. Its message carries SQLite's own text (and the
// statement it came from) for the log; the api layer's error mapper never shows it to a client.
#include <stdexcept>
#include <string>

namespace harbour::store {

class DbError : public std::runtime_error {
 public:
  // `code` is an SQLite result code; extended codes (e.g. SQLITE_CONSTRAINT_UNIQUE) are kept
  // because every connection enables them.
  DbError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}

  int code() const noexcept { return code_; }
  int primary_code() const noexcept { return code_ & 0xff; }

  // Disk full or an I/O failure: nothing was written, the client may retry later (503).
  bool is_full() const noexcept;
  // Another connection held the lock for longer than busy_timeout (503, retry).
  bool is_busy() const noexcept;
  // A UNIQUE / CHECK / NOT NULL / FOREIGN KEY constraint refused the change.
  bool is_constraint() const noexcept;

 private:
  int code_;
};

// The database was written by a newer harbour: running an older binary against it could
// misread or damage data, so start-up stops with this.
class NewerDatabaseError : public DbError {
 public:
  NewerDatabaseError(int found_version, int known_version);

  int found_version() const noexcept { return found_; }
  int known_version() const noexcept { return known_; }

 private:
  int found_;
  int known_;
};

}  // namespace harbour::store
