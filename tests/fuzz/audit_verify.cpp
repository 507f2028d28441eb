// Fuzz target: the audit log verifier (services/audit_log verify_audit_chain, what
// `harbour audit verify` runs).
//
// Once per process: a temporary database with every migration and an audit chain of 8 rows
// appended by services::append_audit (varied fields, NULLs, details), and its anchor.
// Per input: inside one transaction of the fuzzer's own (rolled back at the end, so every input
// starts from the same chain) the append-only triggers are dropped, the input's operations tamper
// with the stored rows the way someone with the database file could, the triggers are put back
// (unless an operation removed them), and the verifier runs on the result.
//
// Operations (each takes a few bytes; the first byte's value picks the kind):
//   set a TEXT column of a row to bytes of the input      set an INTEGER column (id included)
//   set a column to NULL                                   flip a bit of prev_hash or hash
//   delete a row                                           insert a copy of a row (new id, hash)
//   swap two rows' ids                                     leave the triggers out / verify
//                                                          without the anchor file
// Properties: the verifier never crashes or throws; it reports OK exactly when the table is byte
// for byte as appended (or, without the anchor, a prefix of it: a cut-off tail is what the anchor
// is for), and otherwise names a bad row (first_bad_id), or says the triggers are missing.
#include "services/audit_anchor.hpp"
#include "services/audit_log.hpp"
#include "store/connection.hpp"
#include "store/db_error.hpp"
#include "store/migrations.hpp"
#include "support/checks.hpp"
#include "support/fuzz_app.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <typeinfo>
#include <vector>

namespace {

using namespace harbour;
using store::Connection;

constexpr int kRows = 8;

struct Chain {
  Connection conn;
  services::AuditAnchor anchor;
  std::vector<std::string> rows;  // every column of every row, typed and hex-encoded
  std::string trigger_sql;        // both CREATE TRIGGER statements
};

std::vector<std::string> dump(Connection& c) {
  std::vector<std::string> out;
  auto& s = c.prepare(
      "SELECT typeof(id) || ':' || hex(id) || '|' || typeof(at) || ':' || hex(at) || '|' || typeof(actor_id) || ':' ||"
      " hex(actor_id) || '|' || typeof(actor_role) || ':' || hex(actor_role) || '|' || typeof(action) || ':' || hex(action)"
      " || '|' || typeof(target_type) || ':' || hex(target_type) || '|' || typeof(target_id) || ':' || hex(target_id) ||"
      " '|' || typeof(network_id) || ':' || hex(network_id) || '|' || typeof(reason) || ':' || hex(reason) || '|' ||"
      " typeof(outcome) || ':' || hex(outcome) || '|' || typeof(session_hash) || ':' || hex(session_hash) || '|' ||"
      " typeof(ip_hash) || ':' || hex(ip_hash) || '|' || typeof(details) || ':' || hex(details) || '|' ||"
      " typeof(prev_hash) || ':' || hex(prev_hash) || '|' || typeof(hash) || ':' || hex(hash) FROM audit_log ORDER BY id");
  while (s.step()) out.push_back(s.column_text(0));
  s.reset();
  return out;
}

Chain* make_chain() {
  const auto folder = fuzz::make_temp_folder();
  auto* chain = new Chain{Connection::open(folder / "audit.db", Connection::Mode::ReadWrite), {}, {}, {}};
  auto& c = chain->conn;
  store::migrate(c, store::embedded_migrations());
  const auto t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours(19);
  c.exec("BEGIN IMMEDIATE");
  for (int i = 0; i < kRows; ++i) {
    services::AuditEntry e;
    if (i % 3 != 0) e.actor_id = 100 + i;
    e.actor_role = i % 2 == 0 ? "admin" : "";
    e.action = i % 2 == 0 ? "user.suspend" : "moderation.hold";
    e.target_type = i % 4 == 3 ? "" : "user";
    e.target_id = std::to_string(1000 + i);
    if (i % 2 == 1) e.network_id = 1 + i % 3;
    e.reason = i % 3 == 1 ? "repeated breaches of guideline 2 \xe2\x80\x94 \xf0\x9f\x8c\x8a" : "";
    e.outcome = i % 5 == 4 ? "denied" : "success";
    e.session_hash = i % 2 == 0 ? "5e55" + std::to_string(i) : "";
    e.ip_hash = "1f" + std::to_string(i);
    e.details = {{"n", i}, {"note", "row " + std::to_string(i)}};
    services::append_audit(c, e, t0 + std::chrono::milliseconds(i * 1001));
  }
  c.exec("COMMIT");
  chain->anchor = services::current_audit_head(c);
  chain->rows = dump(c);
  auto& s = c.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_log' ORDER BY name");
  while (s.step()) chain->trigger_sql += s.column_text(0) + ";\n";
  s.reset();
  if (chain->trigger_sql.find("audit_log_no_update") == std::string::npos) fuzz::fail("the audit triggers are not where expected");
  const auto check = services::verify_audit_chain(c, chain->anchor);
  if (!check.ok) fuzz::fail("the freshly appended chain does not verify", check.problem);
  return chain;
}

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::int64_t int64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return static_cast<std::int64_t>(v);
  }
  std::string text() {
    const std::size_t n = byte() % 48;
    std::string out;
    for (std::size_t i = 0; i < n && !empty(); ++i) out += static_cast<char>(byte());
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// TEXT columns: at, actor_role, action, target_type, target_id, reason, outcome, session_hash,
// ip_hash, details. Statement text must be a literal (store/sql.hpp), hence one per column.
store::Statement& set_text(Connection& c, int column) {
  switch (column % 10) {
    case 0: return c.prepare("UPDATE audit_log SET at = ?1 WHERE id = ?2");
    case 1: return c.prepare("UPDATE audit_log SET actor_role = ?1 WHERE id = ?2");
    case 2: return c.prepare("UPDATE audit_log SET action = ?1 WHERE id = ?2");
    case 3: return c.prepare("UPDATE audit_log SET target_type = ?1 WHERE id = ?2");
    case 4: return c.prepare("UPDATE audit_log SET target_id = ?1 WHERE id = ?2");
    case 5: return c.prepare("UPDATE audit_log SET reason = ?1 WHERE id = ?2");
    case 6: return c.prepare("UPDATE audit_log SET outcome = ?1 WHERE id = ?2");
    case 7: return c.prepare("UPDATE audit_log SET session_hash = ?1 WHERE id = ?2");
    case 8: return c.prepare("UPDATE audit_log SET ip_hash = ?1 WHERE id = ?2");
    default: return c.prepare("UPDATE audit_log SET details = ?1 WHERE id = ?2");
  }
}

store::Statement& set_int(Connection& c, int column) {
  switch (column % 3) {
    case 0: return c.prepare("UPDATE audit_log SET id = ?1 WHERE id = ?2");
    case 1: return c.prepare("UPDATE audit_log SET actor_id = ?1 WHERE id = ?2");
    default: return c.prepare("UPDATE audit_log SET network_id = ?1 WHERE id = ?2");
  }
}

store::Statement& set_null(Connection& c, int column) {
  switch (column % 7) {
    case 0: return c.prepare("UPDATE audit_log SET actor_id = NULL WHERE id = ?1");
    case 1: return c.prepare("UPDATE audit_log SET actor_role = NULL WHERE id = ?1");
    case 2: return c.prepare("UPDATE audit_log SET target_type = NULL WHERE id = ?1");
    case 3: return c.prepare("UPDATE audit_log SET target_id = NULL WHERE id = ?1");
    case 4: return c.prepare("UPDATE audit_log SET network_id = NULL WHERE id = ?1");
    case 5: return c.prepare("UPDATE audit_log SET reason = NULL WHERE id = ?1");
    default: return c.prepare("UPDATE audit_log SET session_hash = NULL WHERE id = ?1");
  }
}

struct Flags {
  bool triggers_gone = false;
  bool no_anchor = false;
};

void apply(Connection& c, Bytes& in, Flags& flags) {
  const int kind = in.byte() % 9;
  const std::int64_t row = in.byte() % (kRows + 2);  // 0 and 9: rows that do not exist
  const int column = in.byte();
  switch (kind) {
    case 0: set_text(c, column).bind(1, in.text()).bind(2, row).run(); break;
    case 1: {
      const auto small = in.byte();
      const std::int64_t value = (small & 0x80) ? in.int64() : static_cast<std::int64_t>(small) - 64;
      set_int(c, column).bind(1, value).bind(2, row).run();
      break;
    }
    case 2: set_null(c, column).bind(1, row).run(); break;
    case 3: {
      // Raw bytes go in as text CAST to BLOB, as append_audit writes them.
      const int bit = in.byte();
      const bool hash = column & 1;
      auto& read = hash ? c.prepare("SELECT hash FROM audit_log WHERE id = ?1") : c.prepare("SELECT prev_hash FROM audit_log WHERE id = ?1");
      read.bind(1, row);
      std::string bytes = read.step() ? read.column_text(0) : std::string();
      read.reset();
      if (bytes.empty()) break;
      bytes[(bit / 8) % bytes.size()] ^= static_cast<char>(1 << (bit % 8));
      auto& write = hash ? c.prepare("UPDATE audit_log SET hash = CAST(?1 AS BLOB) WHERE id = ?2")
                         : c.prepare("UPDATE audit_log SET prev_hash = CAST(?1 AS BLOB) WHERE id = ?2");
      write.bind(1, std::string_view(bytes)).bind(2, row).run();
      break;
    }
    case 4: c.prepare("DELETE FROM audit_log WHERE id = ?1").bind(1, row).run(); break;
    case 5: {
      // A copy of a row under another id; its hash must differ (UNIQUE), so its last byte is new.
      const std::int64_t id = static_cast<std::int64_t>(in.byte()) - 8;
      auto& read = c.prepare("SELECT hash FROM audit_log WHERE id = ?1");
      read.bind(1, row);
      std::string hash = read.step() ? read.column_text(0) : std::string();
      read.reset();
      if (hash.empty()) break;
      hash.back() = static_cast<char>(hash.back() ^ (column | 1));
      c.prepare(
           "INSERT INTO audit_log (id, at, actor_id, actor_role, action, target_type, target_id, network_id, reason,"
           " outcome, session_hash, ip_hash, details, prev_hash, hash)"
           " SELECT ?1, at, actor_id, actor_role, action, target_type, target_id, network_id, reason, outcome,"
           " session_hash, ip_hash, details, prev_hash, CAST(?3 AS BLOB) FROM audit_log WHERE id = ?2")
          .bind(1, id)
          .bind(2, row)
          .bind(3, std::string_view(hash))
          .run();
      break;
    }
    case 6: {
      const std::int64_t other = column % (kRows + 2);
      c.prepare("UPDATE audit_log SET id = -1000 WHERE id = ?1").bind(1, row).run();
      c.prepare("UPDATE audit_log SET id = ?1 WHERE id = ?2").bind(1, row).bind(2, other).run();
      c.prepare("UPDATE audit_log SET id = ?1 WHERE id = -1000").bind(1, other).run();
      break;
    }
    case 7: flags.triggers_gone = flags.triggers_gone || (column & 1); break;
    default: flags.no_anchor = true; break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Chain* chain = make_chain();
  auto& c = chain->conn;
  Bytes in(data, size);
  Flags flags;

  c.exec("BEGIN IMMEDIATE");
  c.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");
  for (int op = 0; op < 16 && !in.empty(); ++op) {
    c.exec("SAVEPOINT op");
    try {
      apply(c, in, flags);
    } catch (const store::DbError&) {
      c.exec("ROLLBACK TO op");  // a constraint of the table refused it (NOT NULL, CHECK, UNIQUE, STRICT)
    }
    c.exec("RELEASE op");
  }
  if (!flags.triggers_gone) c.exec_script(chain->trigger_sql);

  const auto now = dump(c);
  const bool same = now == chain->rows;
  const bool prefix = now.size() < chain->rows.size() && std::equal(now.begin(), now.end(), chain->rows.begin());
  std::optional<services::AuditAnchor> anchor;
  if (!flags.no_anchor) anchor = chain->anchor;

  services::AuditVerifyResult result;
  try {
    result = services::verify_audit_chain(c, anchor);
  } catch (const std::exception& e) {
    c.exec("ROLLBACK");
    fuzz::fail(std::string("verify_audit_chain threw ") + typeid(e).name() + ": " + e.what());
  }
  c.exec("ROLLBACK");

  std::string state;
  for (const auto& r : now) state += r + "\n";
  const auto context = "problem: " + result.problem + "\nrows now:\n" + state;
  const bool should_pass = !flags.triggers_gone && (same || (prefix && flags.no_anchor));
  if (should_pass && !result.ok) fuzz::fail("the verifier reported an untouched (or merely shortened, without anchor) log as broken", context);
  if (!should_pass && result.ok) fuzz::fail("the verifier reported a tampered log as OK", context);
  if (!result.ok && !flags.triggers_gone && !result.first_bad_id) fuzz::fail("a broken log without the first bad row named", context);
  if (result.ok && !result.problem.empty()) fuzz::fail("OK with a problem text", context);
  if (result.rows_checked > static_cast<std::int64_t>(now.size())) fuzz::fail("more rows checked than there are", context);
  return 0;
}
