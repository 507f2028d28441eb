#include "services/audit_anchor.hpp"

#include <fcntl.h>
#include <stdlib.h>  // mkstemp (POSIX)
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace harbour::services {
namespace {

constexpr std::string_view kFormat = "harbour.audit.anchor.v1";
constexpr std::uintmax_t kMaxFileBytes = 4096;

[[noreturn]] void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

// Closes a descriptor and removes the temporary file unless release()d.
class TempFile {
 public:
  TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const noexcept { return fd_; }
  const std::string& path() const noexcept { return path_; }
  void close_fd() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw_errno(errno, "close " + path_);
  }
  void release() noexcept { path_.clear(); }

 private:
  int fd_;
  std::string path_;
};

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, "write " + path);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void fsync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno(errno, "open " + dir.string());
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw_errno(err, "fsync " + dir.string());
}

[[noreturn]] void damaged(const std::filesystem::path& file, const std::string& why) {
  throw std::runtime_error("the audit anchor file " + file.string() + " is damaged: " + why);
}

}  // namespace

bool is_audit_hash_hex(std::string_view hex) noexcept {
  if (hex.size() != 64) return false;
  for (const char ch : hex) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

void write_audit_anchor(const std::filesystem::path& file, const AuditAnchor& anchor) {
  if (anchor.last_id < 0 || !is_audit_hash_hex(anchor.last_hash_hex)) {
    throw std::invalid_argument("audit anchor needs last_id >= 0 and a 64-character lowercase hex hash");
  }
  const nlohmann::json doc = {
      {"format", kFormat},
      {"last_id", anchor.last_id},
      {"last_hash", anchor.last_hash_hex},
  };
  const std::string text = doc.dump() + "\n";

  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::string pattern = (dir / (file.filename().string() + ".tmp.XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());  // mode 0600
  if (fd < 0) throw_errno(errno, "create a temporary file next to " + file.string());
  TempFile tmp(fd, name.data());
  write_all(tmp.fd(), text, tmp.path());
  if (::fsync(tmp.fd()) != 0) throw_errno(errno, "fsync " + tmp.path());
  tmp.close_fd();
  if (::rename(tmp.path().c_str(), file.c_str()) != 0) throw_errno(errno, "rename to " + file.string());
  tmp.release();
  fsync_dir(dir);  // makes the rename itself durable
}

std::optional<AuditAnchor> read_audit_anchor(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw std::runtime_error("cannot read the audit anchor file " + file.string() + ": " + ec.message());
  }
  if (!std::filesystem::exists(status)) return std::nullopt;
  if (!std::filesystem::is_regular_file(status)) damaged(file, "it is not a regular file");
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) throw std::runtime_error("cannot read the audit anchor file " + file.string() + ": " + ec.message());
  if (size > kMaxFileBytes) damaged(file, "it is larger than an anchor can be");

  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open the audit anchor file " + file.string());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) damaged(file, "it is not a JSON object");
  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() || format->get<std::string>() != kFormat) {
    damaged(file, "its format is not " + std::string(kFormat));
  }
  const auto last_id = doc.find("last_id");
  if (last_id == doc.end() || !last_id->is_number_integer() || last_id->get<std::int64_t>() < 0) {
    damaged(file, "last_id is missing or not a whole number >= 0");
  }
  const auto last_hash = doc.find("last_hash");
  if (last_hash == doc.end() || !last_hash->is_string() || !is_audit_hash_hex(last_hash->get<std::string>())) {
    damaged(file, "last_hash is missing or not 64 lowercase hex characters");
  }
  return AuditAnchor{last_id->get<std::int64_t>(), last_hash->get<std::string>()};
}

}  // namespace harbour::services
