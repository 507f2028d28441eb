// The hash-chained audit log (services/audit_log.hpp): one row as a moderator's approval writes
// it (actor, role, target, network, reason, session and IP references, small details object), on
// a database of its own (a temporary file, the server's pragmas: WAL, synchronous=FULL).
//
//  BM_Audit_append_in_txn services::append_audit inside the writer's open batch transaction, as a
//                        writer job calls it: checks, details serialised, the tail row read
//                        (SELECT id, hash ... ORDER BY id DESC LIMIT 1), SHA-256 of the chain
//                        input, INSERT (with the append-only triggers and indexes). No commit and
//                        no fsync inside the timing: the iterations run inside one writer job, and
//                        the batch commits after the loop.
//  BM_Audit_append_commit one writer job per iteration, from a caller thread (real time): the
//                        handoff to the writer thread, BEGIN IMMEDIATE, SAVEPOINT, append_audit,
//                        RELEASE, COMMIT with synchronous=FULL (one fsync of the WAL on this
//                        disk), and the future completing. What one audited action costs when
//                        nothing else is queued to share its commit.
//  BM_Audit_chain_hash    services::audit_row_hash_hex alone: the canonical encoding of the row and
//                        SHA-256 over it (the hash append_audit computes), plus the hex decode of
//                        the previous hash and hex encode of the result that this public helper
//                        adds (the row_hash append_audit calls is file-local).
#include "micro_fixture.hpp"

#include "services/audit_log.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

namespace {

using namespace harbour;

services::AuditEntry moderation_entry() {
  services::AuditEntry e;
  e.actor_id = 17;
  e.actor_role = "volunteer";
  e.action = "moderation.approve";
  e.target_type = "post";
  e.target_id = "48213";
  e.network_id = 1;
  e.reason = "Checked with the poster: no identifying details left, fine to publish.";
  e.session_hash = "3f9a0c2e7b1d4a65";
  e.ip_hash = "9c41d7e2a0b35f18";
  e.details = {{"queue_item", 9917}, {"reasons", {"new_member", "anonymity"}}, {"kind", "reply"}};
  return e;
}

// A database for the audit rows alone, opened once per benchmark (not timed).
struct AuditDb {
  micro::TempDir dir;
  std::unique_ptr<store::Database> db =
      std::make_unique<store::Database>(store::Database::Options{.path = dir.path() / "audit.db", .max_readers = 1});
  ~AuditDb() { db->close(); }
};

const auto kAt = std::chrono::sys_days(std::chrono::year(2026) / 3 / 10) + std::chrono::hours(11);

void BM_Audit_append_in_txn(benchmark::State& state) {
  AuditDb adb;
  const auto entry = moderation_entry();
  adb.db->writer()
      .run([&](store::Connection& c) {
        services::append_audit(c, entry, kAt);  // statements prepared and cached, tail exists
        for (auto _ : state) {
          auto id = services::append_audit(c, entry, kAt);
          benchmark::DoNotOptimize(id);
        }
      })
      .get();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Audit_append_in_txn);

void BM_Audit_append_commit(benchmark::State& state) {
  AuditDb adb;
  const auto entry = moderation_entry();
  adb.db->writer().run([&](store::Connection& c) { services::append_audit(c, entry, kAt); }).get();
  for (auto _ : state) {
    auto id = adb.db->writer().run([&](store::Connection& c) { return services::append_audit(c, entry, kAt); }).get();
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Audit_append_commit)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_Audit_chain_hash(benchmark::State& state) {
  const auto entry = moderation_entry();
  services::AuditRow row;
  row.id = 123456;
  row.at = services::format_audit_time(kAt);
  row.actor_id = entry.actor_id;
  row.actor_role = entry.actor_role;
  row.action = entry.action;
  row.target_type = entry.target_type;
  row.target_id = entry.target_id;
  row.network_id = entry.network_id;
  row.reason = entry.reason;
  row.outcome = entry.outcome;
  row.session_hash = entry.session_hash;
  row.ip_hash = entry.ip_hash;
  row.details_text = entry.details.dump();
  row.prev_hash_hex = "5e2b8f0c1d9a47e3b6c0f5a2d8e1b7c4a9f03e6d2c5b8a1f4e7d0c3b6a9f2e5d";
  for (auto _ : state) {
    auto hex = services::audit_row_hash_hex(row);
    benchmark::DoNotOptimize(hex);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Audit_chain_hash);

}  // namespace
