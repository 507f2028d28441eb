#pragma once
// The audit anchor: the id and hash of the last audit row, kept OUTSIDE the database in a small
// file in the data folder (`audit.anchor`). A hash chain alone cannot show that its tail was cut
// off (the shorter chain is still a valid chain); the anchor can: `harbour audit verify` compares
// the database with it. The server rewrites it after every committed batch that appended rows.
//
// File format (one JSON object, a few dozen bytes):
//   {"format":"harbour.audit.anchor.v1","last_id":1234,"last_hash":"<64 lowercase hex>"}
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::services {

struct AuditAnchor {
  std::int64_t last_id = 0;   // 0: the log was empty
  std::string last_hash_hex;  // 64 lowercase hex characters; all zeros when last_id is 0
};

// The file name inside the data folder.
inline constexpr const char* kAuditAnchorFileName = "audit.anchor";

// Replaces `file` atomically: a temporary file in the same folder (mode 0600) is written and
// fsynced, renamed over `file`, and the folder is fsynced, so a crash leaves the old anchor or
// the new one, never a torn file. Throws std::invalid_argument for a malformed anchor and
// std::system_error when the file cannot be written.
void write_audit_anchor(const std::filesystem::path& file, const AuditAnchor& anchor);

// 64 lowercase hex characters (a SHA-256 as the anchor and AuditVerifyResult spell it).
bool is_audit_hash_hex(std::string_view hex) noexcept;

// nullopt when the file does not exist (a new deployment). A file that exists but cannot be
// read or parsed throws std::runtime_error: a damaged anchor is itself a finding, never ignored.
std::optional<AuditAnchor> read_audit_anchor(const std::filesystem::path& file);

}  // namespace harbour::services
