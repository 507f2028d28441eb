#pragma once
// The tamper-evident audit log (DESIGN.md section 6; table audit_log in 0002_accounts.sql).
//
// Every row is appended INSIDE the writer job of the action it records, so the action and its
// row commit or roll back together. Rows form a hash chain:
//
//   hash(row) = SHA-256("harbour.audit.v1" || 0x00 || prev_hash || canonical(row))
//
// prev_hash is the previous row's hash (32 zero bytes for row 1), ids run 1, 2, 3 ... without
// gaps, and canonical(row) encodes every other column in table order (id, at, actor_id,
// actor_role, action, target_type, target_id, network_id, reason, outcome, session_hash, ip_hash,
// details), each as one of
//   0x00                                   NULL
//   0x01 + 8 bytes big-endian two's complement   INTEGER
//   0x02 + 4 bytes big-endian length + bytes     TEXT (exactly as stored)
// so no two different rows encode alike. Empty strings of an AuditEntry are stored as NULL.
//
// The chain shows any change, removal, insertion or reordering of rows before the last one; the
// anchor file (audit_anchor.hpp) shows a cut-off tail. It cannot show rows forged and appended
// after the anchor by someone with write access to the file: keep the anchor (and backups) where
// such a person cannot rewrite them too.
#include "services/audit_anchor.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

// Longest serialised `details` accepted (bytes of the stored JSON text).
inline constexpr std::size_t kAuditDetailsMaxBytes = 2048;
// Longest reason (bytes); other text columns allow 128 bytes.
inline constexpr std::size_t kAuditReasonMaxBytes = 1000;
inline constexpr std::size_t kAuditFieldMaxBytes = 128;
// Most rows one list_audit call returns.
inline constexpr int kAuditListMax = 200;

struct AuditEntry {
  std::optional<std::int64_t> actor_id;  // nullopt: the system or an anonymous caller
  std::string actor_role;                // e.g. "admin", "clinician"; "" when none
  std::string action;                    // one of audit_actions()
  std::string target_type;               // e.g. "user", "post", "invitation"
  std::string target_id;
  std::optional<std::int64_t> network_id;
  std::string reason;                   // what staff gave as the reason, if anything
  std::string outcome = "success";      // "success", "failure" or "denied"
  std::string session_hash;             // truncated SHA-256 of the session token
  std::string ip_hash;                  // keyed hash of the client IP
  nlohmann::json details = nlohmann::json::object();  // small; never bodies, passwords, tokens
};

// Every action name an audit row may carry ("area.verb"), sorted. Add new ones here.
std::span<const std::string_view> audit_actions() noexcept;
bool is_audit_action(std::string_view action) noexcept;
bool is_audit_outcome(std::string_view outcome) noexcept;

// RFC 3339 UTC with milliseconds, e.g. "2026-11-23T19:00:00.000Z" (the `at` column).
std::string format_audit_time(std::chrono::system_clock::time_point t);

// Appends one row and returns its id. Call it from inside a writer job (any open write
// transaction): it throws std::logic_error outside a transaction. Throws std::invalid_argument,
// before writing anything, for an empty or unknown action or outcome, details that are not a
// JSON object, larger than kAuditDetailsMaxBytes or holding a key such as "password" or
// "token", text that is not UTF-8 or too long, or a time outside years 1970 to 9999. Store
// failures throw DbError; either way the job rolls back and takes the action with it.
std::int64_t append_audit(store::Connection& c, const AuditEntry& e, std::chrono::system_clock::time_point at);

struct AuditVerifyResult {
  bool ok = false;
  std::int64_t rows_checked = 0;            // rows read, including the first bad one
  std::optional<std::int64_t> first_bad_id;  // the first row that is missing or does not verify
  std::string problem;                       // plain English for `harbour audit verify`; "" when ok
  std::string head_hash_hex;                 // hash of the last row that verified (zeros: none)
};

// Walks every row in id order and recomputes every hash, stopping at the first problem. With an
// anchor, also checks that the row at anchor->last_id still exists and carries anchor's hash.
// Finally checks that the append-only triggers are still there. Runs in one read transaction
// of its own unless `c` is already in one; works on a read-only connection.
AuditVerifyResult verify_audit_chain(store::Connection& c, const std::optional<AuditAnchor>& anchor);

// The last row's id and hash, or {0, 64 zeros} for an empty log: what the anchor file records.
AuditAnchor current_audit_head(store::Connection& c);

struct AuditRow {
  std::int64_t id = 0;
  std::string at;
  std::optional<std::int64_t> actor_id;
  std::string actor_role;  // NULL reads as ""
  std::string action;
  std::string target_type;
  std::string target_id;
  std::optional<std::int64_t> network_id;
  std::string reason;
  std::string outcome;
  std::string session_hash;
  std::string ip_hash;
  nlohmann::json details;      // as stored (null if the stored text does not parse)
  std::string details_text;    // the stored text itself, byte for byte
  std::string prev_hash_hex;   // lowercase hex
  std::string hash_hex;
};

struct AuditFilter {
  std::optional<std::string> action;
  std::optional<std::int64_t> actor_id;
  std::optional<std::int64_t> network_id;
  std::optional<std::string> outcome;
  std::optional<std::chrono::system_clock::time_point> since;  // at >= since
  std::optional<std::chrono::system_clock::time_point> until;  // at < until
  std::optional<std::int64_t> before_id;  // keyset pagination: rows with id < before_id
  int limit = 50;                         // clamped to 1 .. kAuditListMax
};

// Newest first (by id). For the next page pass the last row's id as before_id.
std::vector<AuditRow> list_audit(store::Connection& c, const AuditFilter& filter);

// The hash of `row` as append_audit computes it, chained to row.prev_hash_hex ("" fields count
// as NULL, as append_audit stores them; details_text is hashed as is). Lowercase hex. For tools
// and tests; verify_audit_chain hashes the stored columns directly.
std::string audit_row_hash_hex(const AuditRow& row);

}  // namespace harbour::services
