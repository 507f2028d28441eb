#include "services/audit_log.hpp"

#include "store/connection.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <utility>

namespace harbour::services {
namespace {

using Hash = std::array<unsigned char, 32>;

constexpr std::string_view kDomainTag = "harbour.audit.v1";
constexpr std::string_view kZeroHash("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32);

// Sorted (std::string_view order): is_audit_action uses binary search, and a test checks it.
constexpr std::string_view kActions[] = {
    "account.create",            // an invitation was redeemed into a new account
    "account.erase",             // right to erasure
    "account.export",            // subject access: the person's data was exported
    "account.pseudonym_change",  //
    "audit.export",              //
    "audit.verify",              //
    "audit.view",                // an admin browsed the audit log
    "auth.lockout",              // too many failed sign-ins
    "auth.password_change",      //
    "auth.password_reset",       //
    "auth.recovery_code_use",    //
    "auth.recovery_codes_regenerate",
    "auth.second_factor",        // TOTP check at sign-in or step-up
    "auth.sign_in",              //
    "auth.sign_out",             //
    "auth.totp_disable",         //
    "auth.totp_enrol",           //
    "case.acknowledge",          // safeguarding cases (clinicians)
    "case.assign",               //
    "case.close",                //
    "case.contact",              //
    "case.escalate",             //
    "case.note",                 //
    "case.open",                 //
    "case.reopen",               //
    "case.view",                 //
    "category.create",           // forum spaces (admins)
    "category.update",           //
    "guidelines.accept",         //
    "guidelines.publish",        //
    "invitation.create",         //
    "invitation.redeem",         //
    "invitation.revoke",         //
    "member.message",            // staff wrote privately to a member
    "member.note",               // a private staff note about a member
    "member.silence",            //
    "member.unsilence",          //
    "membership.create",         // a key to a network
    "membership.remove",         //
    "membership.restore",        //
    "membership.role_change",    //
    "membership.suspend",        //
    "moderation.approve",        // the moderation gate and live answers
    "moderation.edit",           //
    "moderation.hold",           //
    "moderation.policy_update",  // a network's moderation mode
    "moderation.reject",         //
    "moderation.remove",         //
    "moderation.restore",        //
    "network.create",            //
    "network.crisis_contacts_update",
    "network.office_hours_update",  // weekly hours and closures
    "network.update",            //
    "report.create",             // someone reported content
    "report.resolve",            //
    "resource.create",           // the resources library
    "resource.remove",           //
    "resource.update",           //
    "risk_term.add",             // a network's additions to the risk lexicon (clinicians)
    "risk_term.remove",          //
    "rota.add",                  // who is on shift
    "rota.remove",               //
    "session.revoke",            // a session ended by someone else (admin, password change)
    "system.backup",             //
    "system.migrate",            //
    "system.restore",            //
    "system.start",              //
    "system.stop",               //
    "topic.lock",                // staff actions on topics
    "topic.move",                //
    "topic.pin",                 //
    "user.admin_grant",          //
    "user.admin_revoke",         //
    "user.restore",              //
    "user.suspend",              //
    "user.unlock",               //
    "user.view_private",         // an admin opened one person's private details (sign-ins, lock state)
    "wall.close",                // the live Wall opened and closed by staff
    "wall.open",                 //
    "watched_word.add",          // a network's watched words
    "watched_word.remove",       //
};

// Keys that would mean a secret or a post body went into details.
constexpr std::string_view kForbiddenDetailKeys[] = {
    "body", "cookie", "passcode", "password", "recovery_code", "secret", "token", "totp_code", "totp_secret",
};

// One row as stored, viewed for hashing. nullopt is SQL NULL.
struct RowView {
  std::int64_t id = 0;
  std::string_view at;
  std::optional<std::int64_t> actor_id;
  std::optional<std::string_view> actor_role;
  std::string_view action;
  std::optional<std::string_view> target_type;
  std::optional<std::string_view> target_id;
  std::optional<std::int64_t> network_id;
  std::optional<std::string_view> reason;
  std::string_view outcome;
  std::optional<std::string_view> session_hash;
  std::optional<std::string_view> ip_hash;
  std::string_view details;
};

// ---- canonical encoding and SHA-256 ---------------------------------------------------------

void put_null(std::string& out) { out.push_back('\x00'); }

void put_int(std::string& out, std::int64_t value) {
  out.push_back('\x01');
  const auto u = static_cast<std::uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xff));
}

void put_text(std::string& out, std::string_view value) {
  // Every text is bounded far below 4 GiB by the checks of append_audit; a tampered longer value
  // still cannot collide, because it could only match a hash that was computed over it.
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(value.size(), std::numeric_limits<std::uint32_t>::max()));
  out.push_back('\x02');
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(value.data(), n);
}

void put(std::string& out, const std::optional<std::int64_t>& value) {
  if (value) {
    put_int(out, *value);
  } else {
    put_null(out);
  }
}

void put(std::string& out, const std::optional<std::string_view>& value) {
  if (value) {
    put_text(out, *value);
  } else {
    put_null(out);
  }
}

const EVP_MD* sha256() {
  // Fetched once: EVP_sha256() would make OpenSSL 3 look the implementation up on every digest.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("audit log: OpenSSL has no SHA-256");
  return md;
}

// `scratch` is reused between rows so verifying a long log does not allocate per row.
Hash row_hash(std::string_view prev_hash, const RowView& r, std::string& scratch) {
  scratch.clear();
  scratch.append(kDomainTag);
  scratch.push_back('\x00');
  scratch.append(prev_hash);
  put_int(scratch, r.id);
  put_text(scratch, r.at);
  put(scratch, r.actor_id);
  put(scratch, r.actor_role);
  put_text(scratch, r.action);
  put(scratch, r.target_type);
  put(scratch, r.target_id);
  put(scratch, r.network_id);
  put(scratch, r.reason);
  put_text(scratch, r.outcome);
  put(scratch, r.session_hash);
  put(scratch, r.ip_hash);
  put_text(scratch, r.details);

  Hash out{};
  unsigned int n = 0;
  if (EVP_Digest(scratch.data(), scratch.size(), out.data(), &n, sha256(), nullptr) != 1 || n != out.size()) {
    throw std::runtime_error("audit log: SHA-256 failed");
  }
  return out;
}

std::string_view as_bytes(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// ---- validation -----------------------------------------------------------------------------

bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;  // SQLite text with NUL inside is undefined behaviour
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

void check_text(std::string_view field, std::string_view value, std::size_t max_bytes) {
  if (value.size() > max_bytes) {
    throw std::invalid_argument("audit " + std::string(field) + " is longer than " + std::to_string(max_bytes) +
                                " bytes");
  }
  if (!valid_utf8(value)) throw std::invalid_argument("audit " + std::string(field) + " is not valid UTF-8 text");
}

void check_detail_keys(const nlohmann::json& value, int depth) {
  if (depth > 8) throw std::invalid_argument("audit details are nested too deeply");
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      std::string lower(key);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char ch) { return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch); });
      if (std::find(std::begin(kForbiddenDetailKeys), std::end(kForbiddenDetailKeys), lower) !=
          std::end(kForbiddenDetailKeys)) {
        throw std::invalid_argument("audit details must not hold \"" + key +
                                    "\": never passwords, tokens, secrets or post bodies");
      }
      check_detail_keys(child, depth + 1);
    }
  } else if (value.is_array()) {
    for (const auto& child : value) check_detail_keys(child, depth + 1);
  }
}

std::string serialise_details(const nlohmann::json& details) {
  if (!details.is_object()) throw std::invalid_argument("audit details must be a JSON object");
  check_detail_keys(details, 0);
  std::string text;
  try {
    text = details.dump();  // keys sorted (std::map), minified: one stable form
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument("audit details hold text that is not valid UTF-8");
  }
  if (text.size() > kAuditDetailsMaxBytes) {
    throw std::invalid_argument("audit details are larger than " + std::to_string(kAuditDetailsMaxBytes) + " bytes");
  }
  return text;
}

std::optional<std::string_view> null_if_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::string_view(s);
}

// ---- binding helpers ------------------------------------------------------------------------

void bind_opt(store::Statement& s, int index, const std::optional<std::int64_t>& value) {
  if (value) {
    s.bind(index, *value);
  } else {
    s.bind(index, nullptr);
  }
}

void bind_opt(store::Statement& s, int index, const std::optional<std::string_view>& value) {
  if (value) {
    s.bind(index, *value);
  } else {
    s.bind(index, nullptr);
  }
}

// Raw bytes go in as a text parameter that the statement CASTs to BLOB: Statement has no blob
// binding, and sqlite3.h stays inside store/. SQLite keeps the bytes as they are (UTF-8
// database, explicit length), NULs included; the genesis prev_hash (32 zero bytes) and the
// verification tests prove the round trip. Reading a BLOB with column_text likewise returns
// its bytes with their length.
void bind_bytes(store::Statement& s, int index, std::string_view bytes) { s.bind(index, bytes); }

// A read transaction around verification (one snapshot), unless the caller already has one.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(store::Connection& c) : c_(c), own_(!c.in_transaction()) {
    if (own_) c_.exec("BEGIN");
  }
  ~ReadSnapshot() {
    if (!own_) return;
    try {
      c_.reset_busy_statements();
      c_.exec("ROLLBACK");  // nothing was written; ROLLBACK cannot fail for want of a lock
    } catch (...) {
      // The connection is left as it is; the next BEGIN on it would report the problem.
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  store::Connection& c_;
  bool own_;
};

std::string row_label(std::int64_t id) { return "row " + std::to_string(id); }

}  // namespace

// ---- public API -----------------------------------------------------------------------------

std::span<const std::string_view> audit_actions() noexcept { return kActions; }

bool is_audit_action(std::string_view action) noexcept {
  return std::binary_search(std::begin(kActions), std::end(kActions), action);
}

bool is_audit_outcome(std::string_view outcome) noexcept {
  return outcome == "success" || outcome == "failure" || outcome == "denied";
}

std::string format_audit_time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{ms - day};
  const int y = static_cast<int>(ymd.year());
  if (y < 1970 || y > 9999) throw std::invalid_argument("audit time is outside the years 1970 to 9999");
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y,
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return std::string(buf, static_cast<std::size_t>(n));
}

std::int64_t append_audit(store::Connection& c, const AuditEntry& e, std::chrono::system_clock::time_point at) {
  // Everything is checked before the first statement runs.
  if (e.action.empty()) throw std::invalid_argument("audit action is empty");
  if (!is_audit_action(e.action)) throw std::invalid_argument("unknown audit action \"" + e.action + "\"");
  if (e.outcome.empty()) throw std::invalid_argument("audit outcome is empty");
  if (!is_audit_outcome(e.outcome)) {
    throw std::invalid_argument("audit outcome must be success, failure or denied, not \"" + e.outcome + "\"");
  }
  check_text("actor_role", e.actor_role, kAuditFieldMaxBytes);
  check_text("target_type", e.target_type, kAuditFieldMaxBytes);
  check_text("target_id", e.target_id, kAuditFieldMaxBytes);
  check_text("reason", e.reason, kAuditReasonMaxBytes);
  check_text("session_hash", e.session_hash, kAuditFieldMaxBytes);
  check_text("ip_hash", e.ip_hash, kAuditFieldMaxBytes);
  const std::string details = serialise_details(e.details);
  const std::string at_text = format_audit_time(at);
  // Outside a transaction another connection could append between the read of the tail and the
  // insert; inside the writer's BEGIN IMMEDIATE nobody can.
  if (!c.in_transaction()) throw std::logic_error("append_audit must run inside a write transaction (a writer job)");

  std::int64_t last_id = 0;
  std::string prev_hash(kZeroHash);
  {
    store::Statement& tail = c.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (tail.step()) {
      last_id = tail.column_int64(0);
      prev_hash = tail.column_text(1);
    }
    tail.reset();
  }
  if (last_id == std::numeric_limits<std::int64_t>::max()) throw std::logic_error("audit log ids are exhausted");

  RowView row;
  row.id = last_id + 1;
  row.at = at_text;
  row.actor_id = e.actor_id;
  row.actor_role = null_if_empty(e.actor_role);
  row.action = e.action;
  row.target_type = null_if_empty(e.target_type);
  row.target_id = null_if_empty(e.target_id);
  row.network_id = e.network_id;
  row.reason = null_if_empty(e.reason);
  row.outcome = e.outcome;
  row.session_hash = null_if_empty(e.session_hash);
  row.ip_hash = null_if_empty(e.ip_hash);
  row.details = details;
  std::string scratch;
  const Hash hash = row_hash(prev_hash, row, scratch);

  store::Statement& insert = c.prepare(
      "INSERT INTO audit_log (id, at, actor_id, actor_role, action, target_type, target_id, network_id, reason,"
      " outcome, session_hash, ip_hash, details, prev_hash, hash)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, CAST(?14 AS BLOB), CAST(?15 AS BLOB))");
  insert.bind(1, row.id).bind(2, row.at);
  bind_opt(insert, 3, row.actor_id);
  bind_opt(insert, 4, row.actor_role);
  insert.bind(5, row.action);
  bind_opt(insert, 6, row.target_type);
  bind_opt(insert, 7, row.target_id);
  bind_opt(insert, 8, row.network_id);
  bind_opt(insert, 9, row.reason);
  insert.bind(10, row.outcome);
  bind_opt(insert, 11, row.session_hash);
  bind_opt(insert, 12, row.ip_hash);
  insert.bind(13, row.details);
  bind_bytes(insert, 14, prev_hash);
  bind_bytes(insert, 15, as_bytes(hash));
  insert.run();
  return row.id;
}

AuditVerifyResult verify_audit_chain(store::Connection& c, const std::optional<AuditAnchor>& anchor) {
  AuditVerifyResult result;
  result.head_hash_hex = to_hex(kZeroHash);
  if (anchor && (anchor->last_id < 0 || !is_audit_hash_hex(anchor->last_hash_hex) ||
                 (anchor->last_id == 0 && anchor->last_hash_hex != to_hex(kZeroHash)))) {
    result.problem = "the anchor file is malformed, so the end of the log cannot be checked";
    return result;
  }

  const ReadSnapshot snapshot(c);
  store::Statement& s = c.prepare(
      "SELECT id, at, actor_id, actor_role, action, target_type, target_id, network_id, reason, outcome,"
      " session_hash, ip_hash, details, prev_hash, hash,"
      // A table rebuilt without STRICT could hold '7' where 7 was hashed: the types are checked.
      " typeof(at) = 'text' AND typeof(actor_id) IN ('integer', 'null') AND typeof(actor_role) IN ('text', 'null')"
      " AND typeof(action) = 'text' AND typeof(target_type) IN ('text', 'null')"
      " AND typeof(target_id) IN ('text', 'null') AND typeof(network_id) IN ('integer', 'null')"
      " AND typeof(reason) IN ('text', 'null') AND typeof(outcome) = 'text'"
      " AND typeof(session_hash) IN ('text', 'null') AND typeof(ip_hash) IN ('text', 'null')"
      " AND typeof(details) = 'text' AND typeof(prev_hash) = 'blob' AND typeof(hash) = 'blob'"
      " FROM audit_log ORDER BY id");

  std::int64_t expected_id = 1;
  std::string expected_prev(kZeroHash);
  std::string scratch;
  const auto fail = [&](std::int64_t id, std::string problem) {
    result.first_bad_id = id;
    result.problem = std::move(problem);
  };

  while (s.step()) {
    ++result.rows_checked;
    const std::int64_t id = s.column_int64(0);
    if (id != expected_id) {
      if (id < expected_id) {
        fail(id, row_label(id) + " has an id below 1, where the log starts: it was inserted");
      } else if (expected_id == 1) {
        fail(1, "the log starts at row " + std::to_string(id) + " instead of row 1: rows 1 to " +
                    std::to_string(id - 1) + " were removed");
      } else if (id == expected_id + 1) {
        fail(expected_id, row_label(expected_id) + " is missing: the log jumps from row " +
                              std::to_string(expected_id - 1) + " to row " + std::to_string(id) +
                              ", so a row was removed");
      } else {
        fail(expected_id, "rows " + std::to_string(expected_id) + " to " + std::to_string(id - 1) +
                              " are missing: the log jumps from row " + std::to_string(expected_id - 1) +
                              " to row " + std::to_string(id) + ", so rows were removed");
      }
      break;
    }
    if (s.column_int64(15) != 1) {
      fail(id, row_label(id) + " holds a value of the wrong type in one of its columns: the table was altered");
      break;
    }
    const std::string prev = s.column_text(13);
    const std::string stored = s.column_text(14);
    if (prev != expected_prev) {
      fail(id, id == 1 ? std::string("row 1 does not start the chain (its prev_hash is not the genesis value):"
                                     " rows before it were removed or it was replaced")
                       : row_label(id) + " does not follow row " + std::to_string(id - 1) +
                             ": its prev_hash does not match the hash of row " + std::to_string(id - 1) +
                             ", so a row was removed, inserted or moved here, or row " + std::to_string(id - 1) +
                             " was rewritten");
      break;
    }

    const std::string at = s.column_text(1);
    const std::string actor_role = s.column_text(3);
    const std::string action = s.column_text(4);
    const std::string target_type = s.column_text(5);
    const std::string target_id = s.column_text(6);
    const std::string reason = s.column_text(8);
    const std::string outcome = s.column_text(9);
    const std::string session_hash = s.column_text(10);
    const std::string ip_hash = s.column_text(11);
    const std::string details = s.column_text(12);
    const auto opt_text = [&s](int column, const std::string& value) -> std::optional<std::string_view> {
      if (s.column_is_null(column)) return std::nullopt;
      return std::string_view(value);
    };
    RowView row;
    row.id = id;
    row.at = at;
    row.actor_id = s.column_optional_int64(2);
    row.actor_role = opt_text(3, actor_role);
    row.action = action;
    row.target_type = opt_text(5, target_type);
    row.target_id = opt_text(6, target_id);
    row.network_id = s.column_optional_int64(7);
    row.reason = opt_text(8, reason);
    row.outcome = outcome;
    row.session_hash = opt_text(10, session_hash);
    row.ip_hash = opt_text(11, ip_hash);
    row.details = details;
    if (as_bytes(row_hash(prev, row, scratch)) != stored) {
      fail(id, row_label(id) + " was changed: its content no longer matches its hash");
      break;
    }
    if (anchor && id == anchor->last_id && to_hex(stored) != anchor->last_hash_hex) {
      fail(id, row_label(id) + " does not match the anchor file, which recorded it as the last row: the log was"
                               " rewritten up to row " + std::to_string(id) +
                               " (or the anchor belongs to another database)");
      break;
    }
    result.head_hash_hex = to_hex(stored);
    expected_prev = stored;
    ++expected_id;
  }
  s.reset();  // a break leaves it mid-result, which would pin the snapshot
  if (!result.problem.empty()) return result;

  const std::int64_t last_id = expected_id - 1;
  if (anchor && anchor->last_id > last_id) {
    fail(last_id + 1, (last_id == 0 ? std::string("the log is empty")
                                    : "the log ends at row " + std::to_string(last_id)) +
                          ", before the last recorded row " + std::to_string(anchor->last_id) +
                          " in the anchor file: rows were removed from the end");
    return result;
  }

  store::Statement& triggers = c.prepare(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_log'"
      " AND name IN ('audit_log_no_update', 'audit_log_no_delete') AND sql LIKE '%RAISE(ABORT%'");
  const std::int64_t present = triggers.step() ? triggers.column_int64(0) : 0;
  triggers.reset();
  if (present != 2) {
    result.problem =
        "the triggers that keep audit_log append-only (audit_log_no_update, audit_log_no_delete) are missing or"
        " changed: someone with access to the database file removed them";
    return result;
  }
  result.ok = true;
  return result;
}

AuditAnchor current_audit_head(store::Connection& c) {
  store::Statement& tail = c.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  AuditAnchor head{0, to_hex(kZeroHash)};
  if (tail.step()) {
    head.last_id = tail.column_int64(0);
    head.last_hash_hex = to_hex(tail.column_text(1));
  }
  tail.reset();
  return head;
}

std::vector<AuditRow> list_audit(store::Connection& c, const AuditFilter& filter) {
  const int limit = std::clamp(filter.limit, 1, kAuditListMax);
  // One statement per access path, all with the same parameters. `id < coalesce(?7, max)`
  // rather than `(?7 IS NULL OR id < ?7)` lets the planner seek the rowid, so a deep page costs
  // what the first does. A filter on one person or one action reads that index instead of
  // scanning the log for matches.
  store::Statement* chosen = nullptr;
  if (filter.actor_id) {
    chosen = &c.prepare(
        "SELECT id, at, actor_id, actor_role, action, target_type, target_id, network_id, reason, outcome,"
        " session_hash, ip_hash, details, prev_hash, hash FROM audit_log"
        " WHERE actor_id = ?2 AND id < coalesce(?7, 9223372036854775807)"
        " AND (?1 IS NULL OR action = ?1) AND (?3 IS NULL OR network_id = ?3)"
        " AND (?4 IS NULL OR outcome = ?4) AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6)"
        " ORDER BY id DESC LIMIT ?8");
  } else if (filter.action) {
    chosen = &c.prepare(
        "SELECT id, at, actor_id, actor_role, action, target_type, target_id, network_id, reason, outcome,"
        " session_hash, ip_hash, details, prev_hash, hash FROM audit_log"
        " WHERE action = ?1 AND id < coalesce(?7, 9223372036854775807)"
        " AND (?2 IS NULL OR actor_id = ?2) AND (?3 IS NULL OR network_id = ?3)"
        " AND (?4 IS NULL OR outcome = ?4) AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6)"
        " ORDER BY id DESC LIMIT ?8");
  } else {
    chosen = &c.prepare(
        "SELECT id, at, actor_id, actor_role, action, target_type, target_id, network_id, reason, outcome,"
        " session_hash, ip_hash, details, prev_hash, hash FROM audit_log"
        " WHERE id < coalesce(?7, 9223372036854775807)"
        " AND (?1 IS NULL OR action = ?1) AND (?2 IS NULL OR actor_id = ?2) AND (?3 IS NULL OR network_id = ?3)"
        " AND (?4 IS NULL OR outcome = ?4) AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at < ?6)"
        " ORDER BY id DESC LIMIT ?8");
  }
  store::Statement& s = *chosen;
  s.bind(1, filter.action);
  bind_opt(s, 2, filter.actor_id);
  bind_opt(s, 3, filter.network_id);
  s.bind(4, filter.outcome);
  // Bounds beyond the years the log can hold are no bounds (or match nothing). Compared in days:
  // system_clock's nanoseconds cannot represent the year 10000.
  using namespace std::chrono;
  const auto day_of = [](system_clock::time_point t) { return floor<days>(t).time_since_epoch().count(); };
  const auto first_day = sys_days{year{1970} / 1 / 1}.time_since_epoch().count();
  const auto past_last_day = sys_days{year{10000} / 1 / 1}.time_since_epoch().count();
  if (filter.since && day_of(*filter.since) >= past_last_day) return {};
  if (filter.until && day_of(*filter.until) < first_day) return {};
  if (filter.since && day_of(*filter.since) >= first_day) s.bind(5, format_audit_time(*filter.since));
  if (filter.until && day_of(*filter.until) < past_last_day) s.bind(6, format_audit_time(*filter.until));
  bind_opt(s, 7, filter.before_id);
  s.bind(8, limit);

  std::vector<AuditRow> rows;
  while (s.step()) {
    AuditRow row;
    row.id = s.column_int64(0);
    row.at = s.column_text(1);
    row.actor_id = s.column_optional_int64(2);
    row.actor_role = s.column_text(3);
    row.action = s.column_text(4);
    row.target_type = s.column_text(5);
    row.target_id = s.column_text(6);
    row.network_id = s.column_optional_int64(7);
    row.reason = s.column_text(8);
    row.outcome = s.column_text(9);
    row.session_hash = s.column_text(10);
    row.ip_hash = s.column_text(11);
    row.details_text = s.column_text(12);
    row.details = nlohmann::json::parse(row.details_text, nullptr, false);
    if (row.details.is_discarded()) row.details = nullptr;
    row.prev_hash_hex = to_hex(s.column_text(13));
    row.hash_hex = to_hex(s.column_text(14));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string audit_row_hash_hex(const AuditRow& row) {
  const auto prev = from_hex(row.prev_hash_hex);
  if (!prev) throw std::invalid_argument("prev_hash_hex is not hex");
  RowView view;
  view.id = row.id;
  view.at = row.at;
  view.actor_id = row.actor_id;
  view.actor_role = null_if_empty(row.actor_role);
  view.action = row.action;
  view.target_type = null_if_empty(row.target_type);
  view.target_id = null_if_empty(row.target_id);
  view.network_id = row.network_id;
  view.reason = null_if_empty(row.reason);
  view.outcome = row.outcome;
  view.session_hash = null_if_empty(row.session_hash);
  view.ip_hash = null_if_empty(row.ip_hash);
  view.details = row.details_text;
  std::string scratch;
  return to_hex(as_bytes(row_hash(*prev, view, scratch)));
}

}  // namespace harbour::services
