#include "services/audit_anchor.hpp"
#include "services/audit_log.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/db_error.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace harbour::services {
namespace {

using namespace std::chrono_literals;
using store::Connection;
using SysClock = std::chrono::system_clock;

// 2026-11-23T19:00:00.123Z
const SysClock::time_point kT0 =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 19h + 123ms;

AuditEntry sample_entry(int i) {
  AuditEntry e;
  e.actor_id = 100 + i % 7;
  e.actor_role = i % 3 == 0 ? "admin" : "clinician";
  e.action = i % 2 == 0 ? "moderation.hold" : "user.suspend";
  e.target_type = "user";
  e.target_id = std::to_string(1000 + i);
  e.network_id = 1 + i % 2;
  e.reason = i % 4 == 0 ? "" : "repeated breaches of guideline 2";
  e.outcome = i % 5 == 4 ? "denied" : "success";
  e.session_hash = "5e55" + std::to_string(i % 3);
  e.details = {{"n", i}, {"note", "row " + std::to_string(i)}};
  return e;
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

const std::string kZeroHex(64, '0');

class AuditLog : public ::testing::Test {
 protected:
  void SetUp() override {
    c_ = std::make_unique<Connection>(Connection::open(db_path(), Connection::Mode::ReadWrite));
    store::migrate(*c_, store::embedded_migrations());
  }

  std::filesystem::path db_path() const { return dir_.file("h.db"); }
  Connection& c() { return *c_; }

  // Rows 1..n in one transaction, as a batch of writer jobs would leave them.
  void append_rows(int n, int first = 0) {
    c().exec("BEGIN IMMEDIATE");
    append_rows_in_transaction(n, first);
    c().exec("COMMIT");
  }
  void append_rows_in_transaction(int n, int first = 0) {
    for (int i = first; i < first + n; ++i) append_audit(c(), sample_entry(i), kT0 + std::chrono::milliseconds(i));
  }

  AuditVerifyResult verify(const std::optional<AuditAnchor>& anchor = std::nullopt) {
    return verify_audit_chain(c(), anchor);
  }

  // Oldest first.
  std::vector<AuditRow> all_rows() {
    auto rows = list_audit(c(), {.limit = kAuditListMax});
    std::reverse(rows.begin(), rows.end());
    return rows;
  }

  std::int64_t row_count() {
    store::Statement& s = c().prepare("SELECT count(*) FROM audit_log");
    const std::int64_t n = s.step() ? s.column_int64(0) : -1;
    s.reset();
    return n;
  }

  // An attacker with the file: drops the append-only triggers, changes rows, and puts the
  // triggers back so nothing but the chain can tell.
  template <class F>
  void tamper(F&& change) {
    c().exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");
    change();
    c().exec(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;");
  }

  // Writes a row exactly as given (hashes from hex), as a forger would.
  void put_row(const AuditRow& r) {
    store::Statement& s = c().prepare(
        "INSERT INTO audit_log (id, at, actor_id, actor_role, action, target_type, target_id, network_id, reason,"
        " outcome, session_hash, ip_hash, details, prev_hash, hash)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, CAST(?14 AS BLOB), CAST(?15 AS BLOB))");
    const auto text_or_null = [&s](int i, const std::string& v) {
      if (v.empty()) {
        s.bind(i, nullptr);
      } else {
        s.bind(i, v);
      }
    };
    const auto int_or_null = [&s](int i, const std::optional<std::int64_t>& v) {
      if (v) {
        s.bind(i, *v);
      } else {
        s.bind(i, nullptr);
      }
    };
    s.bind(1, r.id).bind(2, r.at);
    int_or_null(3, r.actor_id);
    text_or_null(4, r.actor_role);
    s.bind(5, r.action);
    text_or_null(6, r.target_type);
    text_or_null(7, r.target_id);
    int_or_null(8, r.network_id);
    text_or_null(9, r.reason);
    s.bind(10, r.outcome);
    text_or_null(11, r.session_hash);
    text_or_null(12, r.ip_hash);
    s.bind(13, r.details_text);
    s.bind(14, from_hex(r.prev_hash_hex));
    s.bind(15, from_hex(r.hash_hex));
    s.run();
  }

  void delete_rows_from(std::int64_t first_id) {
    c().prepare("DELETE FROM audit_log WHERE id >= ?1").bind(1, first_id).run();
  }

  test::TempDir dir_;
  std::unique_ptr<Connection> c_;
};

void expect_bad(const AuditVerifyResult& r, std::int64_t id, const std::string& words) {
  EXPECT_FALSE(r.ok);
  ASSERT_TRUE(r.first_bad_id.has_value()) << r.problem;
  EXPECT_EQ(*r.first_bad_id, id) << r.problem;
  EXPECT_NE(r.problem.find(words), std::string::npos) << r.problem;
}

// ---- appending ------------------------------------------------------------------------------

TEST_F(AuditLog, AppendsThroughTheWriterFormAChainThatVerifies) {
  c_.reset();
  store::Database db({.path = db_path()});
  for (int i = 0; i < 20; ++i) {
    const auto id = db.writer()
                        .run([i](Connection& c) { return append_audit(c, sample_entry(i), kT0 + i * 1s); })
                        .get();
    EXPECT_EQ(id, i + 1);
  }
  const auto result = db.read([](Connection& c) { return verify_audit_chain(c, std::nullopt); });
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.rows_checked, 20);
  EXPECT_FALSE(result.first_bad_id.has_value());
  EXPECT_TRUE(result.problem.empty());

  const auto head = db.read([](Connection& c) { return current_audit_head(c); });
  EXPECT_EQ(head.last_id, 20);
  EXPECT_EQ(head.last_hash_hex, result.head_hash_hex);
  const auto with_anchor = db.read([&](Connection& c) { return verify_audit_chain(c, head); });
  EXPECT_TRUE(with_anchor.ok) << with_anchor.problem;

  auto rows = db.read([](Connection& c) { return list_audit(c, {.limit = 200}); });
  std::reverse(rows.begin(), rows.end());
  ASSERT_EQ(rows.size(), 20u);
  EXPECT_EQ(rows[0].prev_hash_hex, kZeroHex);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].id, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(audit_row_hash_hex(rows[i]), rows[i].hash_hex);
    if (i > 0) {
      EXPECT_EQ(rows[i].prev_hash_hex, rows[i - 1].hash_hex);
    }
  }
}

TEST_F(AuditLog, StoresTheRowAsGivenWithEmptyFieldsAsNullAndMillisecondTime) {
  AuditEntry e;
  e.action = "auth.sign_in";
  e.outcome = "failure";
  e.details = {{"reason", "bad_password"}, {"attempt", 3}};
  c().exec("BEGIN IMMEDIATE");
  EXPECT_EQ(append_audit(c(), e, kT0), 1);
  c().exec("COMMIT");

  store::Statement& s = c().prepare(
      "SELECT at, actor_id IS NULL, actor_role IS NULL, target_type IS NULL, target_id IS NULL,"
      " network_id IS NULL, reason IS NULL, session_hash IS NULL, ip_hash IS NULL, details,"
      " prev_hash = zeroblob(32), typeof(hash), length(hash) FROM audit_log WHERE id = 1");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_text(0), "2026-11-23T19:00:00.123Z");
  for (int col = 1; col <= 8; ++col) EXPECT_EQ(s.column_int64(col), 1) << "column " << col;
  EXPECT_EQ(s.column_text(9), R"({"attempt":3,"reason":"bad_password"})");
  EXPECT_EQ(s.column_int64(10), 1);
  EXPECT_EQ(s.column_text(11), "blob");
  EXPECT_EQ(s.column_int64(12), 32);
  s.reset();
  EXPECT_EQ(format_audit_time(SysClock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST_F(AuditLog, RefusesUnknownActionsOutcomesAndUnfitDetails) {
  c().exec("BEGIN IMMEDIATE");
  const auto refused = [this](const AuditEntry& e) {
    EXPECT_THROW(append_audit(c(), e, kT0), std::invalid_argument);
  };
  AuditEntry e = sample_entry(1);
  e.action = "";
  refused(e);
  e.action = "user.explode";
  refused(e);
  e.action = "USER.SUSPEND";
  refused(e);
  e = sample_entry(1);
  e.outcome = "";
  refused(e);
  e.outcome = "maybe";
  refused(e);
  e = sample_entry(1);
  e.details = nlohmann::json::array({1, 2});
  refused(e);
  e.details = "a string";
  refused(e);
  e.details = nullptr;
  refused(e);
  e.details = {{"big", std::string(kAuditDetailsMaxBytes, 'x')}};
  refused(e);
  e.details = {{"change", {{"new_password", "x"}, {"Password", "hunter2"}}}};
  refused(e);
  e.details = {{"token", "abc"}};
  refused(e);
  e.details = {{"text", std::string("\xff\xfe")}};
  refused(e);
  e = sample_entry(1);
  e.reason = std::string("bad \xc3\x28 utf-8");
  refused(e);
  e = sample_entry(1);
  e.target_id = std::string(kAuditFieldMaxBytes + 1, '7');
  refused(e);
  e = sample_entry(1);
  e.reason = std::string("nul\0inside", 10);
  refused(e);
  c().exec("COMMIT");
  EXPECT_EQ(row_count(), 0);

  // Outside a transaction the tail could move under it.
  EXPECT_THROW(append_audit(c(), sample_entry(1), kT0), std::logic_error);
  EXPECT_EQ(row_count(), 0);
}

TEST_F(AuditLog, ActionNamesAreSortedUniqueAndDotted) {
  const auto actions = audit_actions();
  ASSERT_FALSE(actions.empty());
  EXPECT_TRUE(std::is_sorted(actions.begin(), actions.end()));
  EXPECT_EQ(std::adjacent_find(actions.begin(), actions.end()), actions.end());
  for (const auto action : actions) {
    EXPECT_TRUE(is_audit_action(action)) << action;
    const auto dot = action.find('.');
    EXPECT_NE(dot, std::string_view::npos) << action;
    EXPECT_TRUE(std::all_of(action.begin(), action.end(),
                            [](char ch) { return (ch >= 'a' && ch <= 'z') || ch == '_' || ch == '.'; }))
        << action;
  }
  EXPECT_TRUE(is_audit_outcome("denied"));
  EXPECT_FALSE(is_audit_outcome("Success"));
}

TEST_F(AuditLog, TriggersRefuseUpdateAndDelete) {
  append_rows(3);
  try {
    c().exec("UPDATE audit_log SET reason = 'nothing happened' WHERE id = 2");
    ADD_FAILURE() << "UPDATE was allowed";
  } catch (const store::DbError& e) {
    EXPECT_NE(std::string(e.what()).find("append-only"), std::string::npos) << e.what();
  }
  try {
    c().exec("DELETE FROM audit_log WHERE id = 3");
    ADD_FAILURE() << "DELETE was allowed";
  } catch (const store::DbError& e) {
    EXPECT_NE(std::string(e.what()).find("append-only"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c().exec("DELETE FROM audit_log"), store::DbError);
  EXPECT_EQ(row_count(), 3);
  const auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
}

// ---- tampering ------------------------------------------------------------------------------

TEST_F(AuditLog, FlippedByteInDetailsIsDetected) {
  append_rows(10);
  // {"n":3,...} becomes {"n":2,...}: one byte.
  tamper([&] { c().exec("UPDATE audit_log SET details = replace(details, '\"n\":3', '\"n\":2') WHERE id = 4"); });
  EXPECT_EQ(all_rows()[3].details.at("n"), 2);
  const auto r = verify();
  expect_bad(r, 4, "row 4 was changed");
  EXPECT_EQ(r.rows_checked, 4);
  EXPECT_EQ(r.head_hash_hex, all_rows()[2].hash_hex);  // the last row that verified
}

TEST_F(AuditLog, ChangedActorIdIsDetected) {
  append_rows(10);
  tamper([&] { c().exec("UPDATE audit_log SET actor_id = 1 WHERE id = 3"); });
  expect_bad(verify(), 3, "row 3 was changed");
}

TEST_F(AuditLog, AChangeToAnyColumnIsDetected) {
  struct Case {
    const char* column;
    store::Sql sql;
  };
  const Case cases[] = {
      {"at", "UPDATE audit_log SET at = '2026-11-23T19:00:00.999Z' WHERE id = 5"},
      {"actor_id", "UPDATE audit_log SET actor_id = NULL WHERE id = 5"},
      {"actor_role", "UPDATE audit_log SET actor_role = 'admin ' WHERE id = 5"},
      {"action", "UPDATE audit_log SET action = 'moderation.approve' WHERE id = 5"},
      {"target_type", "UPDATE audit_log SET target_type = 'post' WHERE id = 5"},
      {"target_id", "UPDATE audit_log SET target_id = '1005 ' WHERE id = 5"},
      {"network_id", "UPDATE audit_log SET network_id = 3 WHERE id = 5"},
      {"reason", "UPDATE audit_log SET reason = 'x' WHERE id = 5"},
      {"outcome", "UPDATE audit_log SET outcome = 'success' WHERE id = 5"},
      {"session_hash", "UPDATE audit_log SET session_hash = '5e55x' WHERE id = 5"},
      {"ip_hash NULL to ''", "UPDATE audit_log SET ip_hash = '' WHERE id = 5"},
      {"details", "UPDATE audit_log SET details = '{\"n\":4, \"note\":\"row 4\"}' WHERE id = 5"},
      {"prev_hash", "UPDATE audit_log SET prev_hash = zeroblob(32) WHERE id = 5"},
      {"hash", "UPDATE audit_log SET hash = randomblob(32) WHERE id = 5"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.column);
    c().exec("BEGIN IMMEDIATE");
    append_rows_in_transaction(8);
    tamper([&] { c().exec(tc.sql); });
    const auto r = verify();  // inside the same transaction, which is then undone
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_bad_id, std::optional<std::int64_t>(5)) << r.problem;
    c().exec("ROLLBACK");
  }
}

TEST_F(AuditLog, DeletedMiddleRowIsDetected) {
  append_rows(10);
  tamper([&] { c().exec("DELETE FROM audit_log WHERE id = 5"); });
  const auto r = verify();
  expect_bad(r, 5, "row 5 is missing");
  EXPECT_NE(r.problem.find("from row 4 to row 6"), std::string::npos) << r.problem;
}

TEST_F(AuditLog, DeletedRowsWithTheRestRenumberedAreDetected) {
  append_rows(10);
  tamper([&] {
    c().exec(
        "DELETE FROM audit_log WHERE id IN (5, 6);"
        "UPDATE audit_log SET id = -id WHERE id > 6;"
        "UPDATE audit_log SET id = -id - 2 WHERE id < 0;");
  });
  EXPECT_EQ(row_count(), 8);
  expect_bad(verify(), 5, "row 5 does not follow row 4");
}

TEST_F(AuditLog, ForgedRowInsertedInTheMiddleIsDetected) {
  append_rows(10);
  const auto rows = all_rows();
  // A well-formed forgery: chained to row 4 with a correct hash of its own, the later rows moved
  // up by one to make room.
  AuditRow forged = rows[4];
  forged.id = 5;
  forged.action = "user.restore";
  forged.target_id = "1234";
  forged.details_text = R"({"n":99})";
  forged.prev_hash_hex = rows[3].hash_hex;
  forged.hash_hex = audit_row_hash_hex(forged);
  tamper([&] {
    c().exec(
        "UPDATE audit_log SET id = -id WHERE id >= 5;"
        "UPDATE audit_log SET id = 1 - id WHERE id < 0;");
    put_row(forged);
  });
  EXPECT_EQ(row_count(), 11);
  const auto r = verify();
  expect_bad(r, 6, "row 6 does not follow row 5");
  EXPECT_EQ(r.rows_checked, 6);
}

TEST_F(AuditLog, RowsRemovedFromTheStartOrForgedBeforeItAreDetected) {
  append_rows(6);
  const auto rows = all_rows();
  tamper([&] { c().exec("DELETE FROM audit_log WHERE id <= 2"); });
  expect_bad(verify(), 1, "the log starts at row 3 instead of row 1");

  AuditRow forged = rows[0];
  forged.id = 0;
  forged.hash_hex = audit_row_hash_hex(forged);
  tamper([&] { put_row(forged); });
  expect_bad(verify(), 0, "row 0 has an id below 1");
}

TEST_F(AuditLog, SwappedRowsAreDetected) {
  append_rows(10);
  const auto rows = all_rows();
  AuditRow third = rows[6];
  third.id = 3;
  AuditRow seventh = rows[2];
  seventh.id = 7;
  tamper([&] {
    c().exec("DELETE FROM audit_log WHERE id IN (3, 7)");
    put_row(third);
    put_row(seventh);
  });
  expect_bad(verify(), 3, "row 3 does not follow row 2");
}

TEST_F(AuditLog, SwappedContentUnderUnchangedHashesIsDetected) {
  append_rows(10);
  const auto rows = all_rows();
  AuditRow third = rows[6];
  third.id = 3;
  third.prev_hash_hex = rows[2].prev_hash_hex;
  third.hash_hex = rows[2].hash_hex;
  AuditRow seventh = rows[2];
  seventh.id = 7;
  seventh.prev_hash_hex = rows[6].prev_hash_hex;
  seventh.hash_hex = rows[6].hash_hex;
  tamper([&] {
    c().exec("DELETE FROM audit_log WHERE id IN (3, 7)");
    put_row(third);
    put_row(seventh);
  });
  expect_bad(verify(), 3, "row 3 was changed");
}

TEST_F(AuditLog, TruncatedTailIsCaughtByTheAnchor) {
  append_rows(10);
  const AuditAnchor anchor = current_audit_head(c());
  EXPECT_EQ(anchor.last_id, 10);
  tamper([&] { delete_rows_from(8); });

  // The shorter chain is still a valid chain: only the anchor can tell.
  const auto alone = verify();
  EXPECT_TRUE(alone.ok) << alone.problem;
  EXPECT_EQ(alone.rows_checked, 7);

  const auto r = verify(anchor);
  expect_bad(r, 8, "the log ends at row 7, before the last recorded row 10");
  EXPECT_NE(r.problem.find("removed"), std::string::npos) << r.problem;

  tamper([&] { delete_rows_from(1); });
  expect_bad(verify(anchor), 1, "the log is empty");
}

TEST_F(AuditLog, RewrittenRowBreaksAtTheNextRowsPrevHash) {
  append_rows(10);
  auto rows = all_rows();
  AuditRow changed = rows[3];
  changed.details_text = R"({"n":3,"note":"nothing to see"})";
  changed.hash_hex = audit_row_hash_hex(changed);  // recomputed: row 4 verifies on its own
  tamper([&] {
    c().exec("DELETE FROM audit_log WHERE id = 4");
    put_row(changed);
  });
  const auto r = verify();
  expect_bad(r, 5, "row 5 does not follow row 4");
}

TEST_F(AuditLog, RewrittenTailIsCaughtByTheAnchorOnly) {
  append_rows(10);
  const AuditAnchor anchor = current_audit_head(c());
  auto rows = all_rows();
  rows[3].details_text = R"({"n":3,"note":"nothing to see"})";
  std::string prev = rows[2].hash_hex;
  for (std::size_t i = 3; i < rows.size(); ++i) {
    rows[i].prev_hash_hex = prev;
    rows[i].hash_hex = audit_row_hash_hex(rows[i]);
    prev = rows[i].hash_hex;
  }
  tamper([&] {
    delete_rows_from(4);
    for (std::size_t i = 3; i < rows.size(); ++i) put_row(rows[i]);
  });
  const auto alone = verify();
  EXPECT_TRUE(alone.ok) << alone.problem;  // a keyless chain cannot tell a full rewrite
  expect_bad(verify(anchor), 10, "row 10 does not match the anchor file");
}

TEST_F(AuditLog, RowsAppendedAfterTheAnchorStillVerify) {
  const AuditAnchor empty = current_audit_head(c());
  EXPECT_EQ(empty.last_id, 0);
  EXPECT_EQ(empty.last_hash_hex, kZeroHex);
  EXPECT_TRUE(verify(empty).ok);
  append_rows(5);
  const auto r = verify(empty);
  EXPECT_TRUE(r.ok) << r.problem;
  const AuditAnchor five = current_audit_head(c());
  append_rows(3, 5);
  EXPECT_TRUE(verify(five).ok);

  const auto malformed = verify(AuditAnchor{3, "not hex"});
  EXPECT_FALSE(malformed.ok);
  EXPECT_NE(malformed.problem.find("anchor file is malformed"), std::string::npos);
}

TEST_F(AuditLog, MissingTriggersAreReported) {
  append_rows(3);
  c().exec("DROP TRIGGER audit_log_no_delete");
  const auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.first_bad_id.has_value());
  EXPECT_NE(r.problem.find("triggers"), std::string::npos) << r.problem;
}

// ---- the writer -----------------------------------------------------------------------------

TEST_F(AuditLog, ConcurrentWriterJobsFormOneUnbrokenChain) {
  c_.reset();
  store::Database db({.path = db_path()});
  constexpr int kThreads = 8;
  constexpr int kJobsPerThread = 60;
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&db, &ids, t] {
      std::vector<std::future<std::int64_t>> futures;
      for (int j = 0; j < kJobsPerThread; ++j) {
        futures.push_back(db.writer().run([t, j](Connection& c) {
          // An action and its audit row in one job (two rows when j is even).
          if (j % 2 == 0) append_audit(c, sample_entry(t * 1000 + j), kT0 + std::chrono::milliseconds(j));
          return append_audit(c, sample_entry(t * 1000 + j + 1), kT0 + std::chrono::milliseconds(j));
        }));
      }
      for (auto& f : futures) ids[t].push_back(f.get());
    });
  }
  for (auto& th : threads) th.join();

  std::vector<std::int64_t> all;
  for (const auto& v : ids) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  const std::int64_t expected_rows = kThreads * (kJobsPerThread + kJobsPerThread / 2);
  EXPECT_EQ(all.back(), expected_rows);

  const auto r = db.read([](Connection& c) { return verify_audit_chain(c, std::nullopt); });
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.rows_checked, expected_rows);
  EXPECT_GT(db.writer().stats().largest_batch, 1u);  // the jobs really shared transactions
}

TEST_F(AuditLog, AJobThatFailsAfterAppendingLeavesNoRow) {
  c_.reset();
  store::Database db({.path = db_path()});
  auto& writer = db.writer();
  // Hold the writer so all three jobs land in one batch (one transaction, three savepoints).
  std::promise<void> entered;
  std::promise<void> release;
  writer.submit(
      [&entered, wait = release.get_future().share()](Connection&) {
        entered.set_value();
        wait.wait();
      },
      nullptr);
  entered.get_future().wait();

  auto first = writer.run([](Connection& c) { return append_audit(c, sample_entry(1), kT0); });
  auto failing = writer.run([](Connection& c) -> std::int64_t {
    append_audit(c, sample_entry(2), kT0);
    throw std::runtime_error("the action failed after its audit row was written");
  });
  auto third = writer.run([](Connection& c) { return append_audit(c, sample_entry(3), kT0); });
  release.set_value();

  EXPECT_EQ(first.get(), 1);
  EXPECT_THROW(failing.get(), std::runtime_error);
  EXPECT_EQ(third.get(), 2);  // the failed job's id was given back with its savepoint
  const auto r = db.read([](Connection& c) { return verify_audit_chain(c, std::nullopt); });
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.rows_checked, 2);
  const auto rows = db.read([](Connection& c) { return list_audit(c, {}); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].target_id, "1003");
  EXPECT_EQ(rows[1].target_id, "1001");
}

// ---- listing --------------------------------------------------------------------------------

TEST_F(AuditLog, ListFiltersAndPaginatesNewestFirst) {
  c().exec("BEGIN IMMEDIATE");
  for (int i = 0; i < 40; ++i) append_audit(c(), sample_entry(i), kT0 + std::chrono::minutes(i));
  c().exec("COMMIT");

  auto rows = list_audit(c(), {});
  ASSERT_EQ(rows.size(), 40u);
  EXPECT_EQ(rows.front().id, 40);
  EXPECT_EQ(rows.back().id, 1);
  EXPECT_EQ(rows.front().details.at("n"), 39);
  EXPECT_EQ(rows.back().hash_hex.size(), 64u);
  EXPECT_EQ(rows.back().prev_hash_hex, kZeroHex);
  EXPECT_EQ(rows.back().reason, "");  // NULL reads as ""
  EXPECT_EQ(rows.back().ip_hash, "");

  // Keyset pages of 15: 40..26, 25..11, 10..1.
  std::vector<std::int64_t> seen;
  std::optional<std::int64_t> before;
  for (int page = 0; page < 5; ++page) {
    const auto chunk = list_audit(c(), {.before_id = before, .limit = 15});
    if (chunk.empty()) break;
    for (const auto& r : chunk) seen.push_back(r.id);
    before = chunk.back().id;
  }
  ASSERT_EQ(seen.size(), 40u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));

  const auto suspensions = list_audit(c(), {.action = "user.suspend"});
  EXPECT_EQ(suspensions.size(), 20u);
  for (const auto& r : suspensions) EXPECT_EQ(r.action, "user.suspend");

  const auto by_actor = list_audit(c(), {.actor_id = 101, .network_id = 2});
  ASSERT_FALSE(by_actor.empty());
  for (const auto& r : by_actor) {
    EXPECT_EQ(r.actor_id, 101);
    EXPECT_EQ(r.network_id, 2);
  }

  // The per-person path pages too: actor 101 acts in rows 2, 9, 16, 23, 30, 37.
  const auto person_first = list_audit(c(), {.actor_id = 101, .limit = 4});
  ASSERT_EQ(person_first.size(), 4u);
  EXPECT_EQ(person_first.front().id, 37);
  const auto person_next = list_audit(c(), {.actor_id = 101, .before_id = person_first.back().id, .limit = 4});
  ASSERT_EQ(person_next.size(), 2u);
  EXPECT_EQ(person_next.front().id, 9);
  EXPECT_EQ(person_next.back().id, 2);
  const auto holds_page = list_audit(c(), {.action = "moderation.hold", .before_id = 21, .limit = 3});
  ASSERT_EQ(holds_page.size(), 3u);
  EXPECT_EQ(holds_page.front().id, 19);

  const auto denied = list_audit(c(), {.outcome = "denied"});
  EXPECT_EQ(denied.size(), 8u);

  // [minute 10, minute 20): rows 11..20.
  const auto window = list_audit(c(), {.since = kT0 + 10min, .until = kT0 + 20min});
  ASSERT_EQ(window.size(), 10u);
  EXPECT_EQ(window.front().id, 20);
  EXPECT_EQ(window.back().id, 11);

  EXPECT_EQ(list_audit(c(), {.since = SysClock::time_point{}, .until = SysClock::time_point::max()}).size(), 40u);
  EXPECT_TRUE(list_audit(c(), {.until = SysClock::time_point{}}).empty());
  EXPECT_EQ(list_audit(c(), {.limit = 0}).size(), 1u);
  EXPECT_EQ(list_audit(c(), {.action = "nothing.like_this"}).size(), 0u);
}

// ---- the anchor file ------------------------------------------------------------------------

TEST_F(AuditLog, AnchorFileRoundTripsAndIsReplacedWhole) {
  const auto file = dir_.file(kAuditAnchorFileName);
  EXPECT_FALSE(read_audit_anchor(file).has_value());

  append_rows(4);
  write_audit_anchor(file, current_audit_head(c()));
  auto back = read_audit_anchor(file);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->last_id, 4);
  EXPECT_EQ(back->last_hash_hex, current_audit_head(c()).last_hash_hex);

  append_rows(2, 4);
  write_audit_anchor(file, current_audit_head(c()));
  back = read_audit_anchor(file);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->last_id, 6);
  EXPECT_TRUE(verify(back).ok);

  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Only the database, its WAL files and the anchor: no temporary file left behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    const auto name = entry.path().filename().string();
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
  }

  EXPECT_THROW(write_audit_anchor(file, {-1, kZeroHex}), std::invalid_argument);
  EXPECT_THROW(write_audit_anchor(file, {1, "ABC"}), std::invalid_argument);
  EXPECT_EQ(read_audit_anchor(file)->last_id, 6);  // a refused write leaves the old anchor
}

TEST_F(AuditLog, DamagedAnchorFileIsAnErrorNotAMissingAnchor) {
  const auto file = dir_.file(kAuditAnchorFileName);
  const auto write = [&](const std::string& text) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  };
  write("");
  EXPECT_THROW(read_audit_anchor(file), std::runtime_error);
  write("not json");
  EXPECT_THROW(read_audit_anchor(file), std::runtime_error);
  write(R"({"format":"harbour.audit.anchor.v1","last_id":-3,"last_hash":")" + kZeroHex + "\"}");
  EXPECT_THROW(read_audit_anchor(file), std::runtime_error);
  write(R"({"format":"harbour.audit.anchor.v1","last_id":3,"last_hash":"abc"})");
  EXPECT_THROW(read_audit_anchor(file), std::runtime_error);
  write(R"({"format":"other","last_id":3,"last_hash":")" + kZeroHex + "\"}");
  EXPECT_THROW(read_audit_anchor(file), std::runtime_error);
  write(R"({"format":"harbour.audit.anchor.v1","last_id":3,"last_hash":")" + kZeroHex + "\"}");
  EXPECT_EQ(read_audit_anchor(file)->last_id, 3);
}

// ---- scale ----------------------------------------------------------------------------------

TEST_F(AuditLog, VerifiesAHundredThousandRows) {
  constexpr int kRows = 100'000;
  const auto t0 = std::chrono::steady_clock::now();
  append_rows(kRows);
  const auto t1 = std::chrono::steady_clock::now();
  const auto r = verify(current_audit_head(c()));
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.rows_checked, kRows);
  const auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf("[ audit    ] appended %d rows in %.2f s (%.0f rows/s); verified in %.2f s (%.0f rows/s)\n", kRows,
              secs(t1 - t0), kRows / secs(t1 - t0), secs(t2 - t1), kRows / secs(t2 - t1));
}

}  // namespace
}  // namespace harbour::services
