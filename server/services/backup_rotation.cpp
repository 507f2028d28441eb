#include "services/backup_rotation.hpp"

#include <algorithm>
#include <stdexcept>
#include <system_error>

namespace harbour::services {
namespace {

bool digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

}  // namespace

bool is_rotated_backup_name(std::string_view name) {
  // "harbour-" YYYYMMDD "T" HHMMSS "Z" ".db"
  constexpr std::string_view kPrefix = "harbour-";
  constexpr std::string_view kSuffix = "Z.db";
  if (name.size() != kPrefix.size() + 8 + 1 + 6 + kSuffix.size()) return false;
  if (name.substr(0, kPrefix.size()) != kPrefix || name.substr(name.size() - kSuffix.size()) != kSuffix) return false;
  const auto stamp = name.substr(kPrefix.size(), 15);
  return digits(stamp.substr(0, 8)) && stamp[8] == 'T' && digits(stamp.substr(9, 6));
}

PruneReport prune_backups(const std::filesystem::path& folder, std::size_t keep) {
  if (keep == 0) throw std::invalid_argument("backup rotation must keep at least one backup");
  std::vector<std::filesystem::path> backups;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::error_code ec;
    // symlink_status: a link is never followed, so never counted and never deleted.
    if (!std::filesystem::is_regular_file(entry.symlink_status(ec)) || ec) continue;
    if (is_rotated_backup_name(entry.path().filename().string())) backups.push_back(entry.path());
  }
  std::sort(backups.begin(), backups.end(),
            [](const auto& a, const auto& b) { return a.filename().string() > b.filename().string(); });
  PruneReport report;
  for (std::size_t i = 0; i < backups.size(); ++i) {
    if (i < keep) {
      report.kept.push_back(backups[i]);
      continue;
    }
    std::error_code ec;
    const bool deleted = std::filesystem::remove(backups[i], ec);
    if (ec) {
      report.errors.push_back("cannot delete " + backups[i].string() + ": " + ec.message());
    } else if (deleted) {
      report.removed.push_back(backups[i]);
    }  // else gone already (someone else's clean-up): nothing to report
  }
  return report;
}

}  // namespace harbour::services
