#pragma once
// One process at a time may own a data folder's database as a whole: `harbour serve` for its
// lifetime, `harbour restore` while it replaces the database. Each holds an exclusive advisory
// lock (flock) on `harbour.lock` in the folder; a second holder is refused at once, never made
// to wait. Commands that work beside a running server through SQLite's own locking (`invite
// create`, `backup`, `audit verify`) do not take it.
//
// The kernel drops the lock when the process ends, however it ends, so a crash never leaves a
// stale lock behind; the file itself stays (it holds the last holder's pid, for the message).
#include <filesystem>
#include <stdexcept>
#include <string>

namespace harbour::core {

// The file name inside the data folder.
inline constexpr const char* kDataDirLockFileName = "harbour.lock";

// Thrown when another process (or another DataDirLock in this one) holds the lock.
class DataDirBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DataDirLock {
 public:
  // Creates data_dir/harbour.lock (mode 0600) if needed and locks it. `purpose` goes into the
  // file with the pid ("serve", "restore") for whoever is refused next. Throws DataDirBusy when
  // the lock is held elsewhere, std::system_error when the file cannot be opened or locked.
  DataDirLock(const std::filesystem::path& data_dir, const std::string& purpose);
  ~DataDirLock();  // releases the lock
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace harbour::core
