#include "core/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace harbour::core {
namespace {

// What the holder wrote: "<pid> <purpose>", or "" when unreadable.
std::string read_holder(int fd) {
  char buf[128];
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

}  // namespace

DataDirLock::DataDirLock(const std::filesystem::path& data_dir, const std::string& purpose)
    : path_(data_dir / kDataDirLockFileName) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open lock file " + path_.string());
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string holder = err == EWOULDBLOCK ? read_holder(fd_) : std::string();
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      std::string who;
      if (const auto space = holder.find(' '); space != std::string::npos) {
        who = " (pid " + holder.substr(0, space) + ", harbour " + holder.substr(space + 1) + ")";
      }
      throw DataDirBusy("data folder " + data_dir.string() + " is in use by another harbour process" + who +
                        "; stop it first (lock file " + path_.string() + ")");
    }
    throw std::system_error(err, std::generic_category(), "cannot lock " + path_.string());
  }
  // Informational only: the lock is the flock, not the contents.
  const std::string text = std::to_string(::getpid()) + " " + purpose + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, text.data(), text.size(), 0);
  }
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace harbour::core
