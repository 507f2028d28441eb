#pragma once
// Rotation of a folder of backups (`harbour backup --to FOLDER --keep N`, run hourly by
// deploy/systemd/harbour-backup.timer): after a backup has been written and has passed its
// checks, the oldest backups beyond the newest N are deleted.
//
// Only files named exactly as backup_file_name() names them ("harbour-20261123T190000Z.db") are
// backups here; their names sort by UTC time, so the order does not depend on modification times
// (which a copy or a restore from tape may change). Nothing else in the folder is ever touched: a
// backup that failed its check ("... .db.failed-check", kept for the operator), a file copied in
// by hand, another backup's temporary file, a folder, a symbolic link.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::services {

// Whether `name` (a file name, no folder) is one backup_file_name() makes.
bool is_rotated_backup_name(std::string_view name);

struct PruneReport {
  std::vector<std::filesystem::path> kept;     // newest first
  std::vector<std::filesystem::path> removed;  // newest first
  std::vector<std::string> errors;             // one line per file that could not be deleted
};

// Keeps the `keep` newest backups in `folder` and deletes the older ones. Throws
// std::invalid_argument when keep is 0 (that would delete the backup just made), and
// std::filesystem::filesystem_error when the folder cannot be listed. A file that cannot be
// deleted is reported in `errors` and the others are still deleted.
PruneReport prune_backups(const std::filesystem::path& folder, std::size_t keep);

}  // namespace harbour::services
