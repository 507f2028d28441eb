// A person's part of the moderation and safety records in their data download and their erasure
// (store/safety_records_repo): what they were told is theirs to download; staff notes and cases
// are kept as clinical records, and erasure never leaves an open case with an owner who is gone.
#include "store/account_repo.hpp"
#include "store/case_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/safety_records_repo.hpp"
#include "support/database_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

using namespace harbour;
using nlohmann::json;

namespace {

constexpr const char* kRecordedAt = "2026-03-04T10:00:00.000Z";

class SafetyRecords : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    write([&](store::Connection& c) {
      net_ = store::find_network_by_slug(c, "default")->id;
      member_ = store::insert_user(c, "Quiet River", "quiet river", "x", false, kRecordedAt);
      other_ = store::insert_user(c, "Calm Sea", "calm sea", "x", false, kRecordedAt);
      clinician_ = store::insert_user(c, "Staff Alder", "staff alder", "x", false, kRecordedAt);
      c.prepare("INSERT INTO categories (network_id, name, created_at) VALUES (?1, 'General', ?2)").bind(1, net_).bind(2, kRecordedAt).run();
      const auto category = c.last_insert_rowid();
      post_ = store::insert_post(c, {.network_id = net_, .kind = "topic", .author_id = other_, .author_role = "member",
                                     .category_id = category, .parent_id = std::nullopt, .title = "Sleep",
                                     .body = "How do you sleep?", .content_notes = "", .state = "published"},
                                 kRecordedAt);
      c.prepare("INSERT INTO reports (network_id, post_id, reporter_id, reason, note, created_at) VALUES (?1, ?2, ?3, 'unkind', 'My note about it', ?4)")
          .bind(1, net_).bind(2, post_).bind(3, member_).bind(4, kRecordedAt).run();
      c.prepare("INSERT INTO staff_messages (network_id, user_id, author_id, author_role, body, created_at) VALUES (?1, ?2, ?3, 'clinician', 'Checking in with you', ?4)")
          .bind(1, net_).bind(2, member_).bind(3, clinician_).bind(4, kRecordedAt).run();
      c.prepare("INSERT INTO silences (network_id, user_id, until, reason, created_by, created_at) VALUES (?1, ?2, '2026-03-05T10:00:00.000Z', 'A day to cool off', ?3, ?4)")
          .bind(1, net_).bind(2, member_).bind(3, clinician_).bind(4, kRecordedAt).run();
      c.prepare("INSERT INTO member_notes (network_id, user_id, author_id, body, created_at) VALUES (?1, ?2, ?3, 'Low mood this week', ?4)")
          .bind(1, net_).bind(2, member_).bind(3, clinician_).bind(4, kRecordedAt).run();
      store::NewCase k{.network_id = net_, .member_id = member_, .post_id = post_, .tier = "concern", .matched = std::nullopt,
                       .opened_at = kRecordedAt, .due_at = kRecordedAt};
      member_case_ = store::insert_case(c, k);
      k.member_id = other_;
      owned_case_ = store::insert_case(c, k);
      c.prepare("UPDATE safeguarding_cases SET owner_id = ?1 WHERE id IN (?2, ?3)").bind(1, clinician_).bind(2, member_case_).bind(3, owned_case_).run();
      c.prepare("INSERT INTO rota_shifts (network_id, user_id, starts_at, ends_at, created_at) VALUES (?1, ?2, '2026-03-01T09:00:00.000Z', '2026-03-01T17:00:00.000Z', ?3),"
                " (?1, ?2, '2026-03-09T09:00:00.000Z', '2026-03-09T17:00:00.000Z', ?3)")
          .bind(1, net_).bind(2, clinician_).bind(3, kRecordedAt).run();
    });
  }

  std::int64_t count(store::Sql sql) {
    return db_->read([&](store::Connection& c) {
      auto& s = c.prepare(sql);
      s.step();
      const auto n = s.column_int64(0);
      s.reset();
      return n;
    });
  }

  std::int64_t net_ = 0, member_ = 0, other_ = 0, clinician_ = 0, post_ = 0, member_case_ = 0, owned_case_ = 0;
};

TEST_F(SafetyRecords, TheDownloadHoldsWhatTheMemberWasToldButNotStaffRecords) {
  const auto doc = db_->read([&](store::Connection& c) { return store::export_safety_records(c, member_); });
  ASSERT_EQ(doc["reports_made"].size(), 1u);
  EXPECT_EQ(doc["reports_made"][0]["reason"], "unkind");
  EXPECT_EQ(doc["reports_made"][0]["note"], "My note about it");
  EXPECT_EQ(doc["reports_made"][0]["network"], "default");
  ASSERT_EQ(doc["messages_from_staff"].size(), 1u);
  EXPECT_EQ(doc["messages_from_staff"][0]["from_role"], "clinician");
  EXPECT_EQ(doc["messages_from_staff"][0]["body"], "Checking in with you");
  ASSERT_EQ(doc["silences"].size(), 1u);
  EXPECT_EQ(doc["silences"][0]["reason"], "A day to cool off");
  EXPECT_EQ(doc["staff_records"]["included"], false);
  const auto text = doc.dump();
  EXPECT_EQ(text.find("Low mood"), std::string::npos);
  EXPECT_EQ(text.find("Staff Alder"), std::string::npos);  // staff are shown by role only
  EXPECT_EQ(text.find("author_id"), std::string::npos);

  // Someone else's export holds none of it.
  const auto other = db_->read([&](store::Connection& c) { return store::export_safety_records(c, other_); });
  EXPECT_TRUE(other["reports_made"].empty());
  EXPECT_TRUE(other["messages_from_staff"].empty());
  EXPECT_TRUE(other["silences"].empty());
}

TEST_F(SafetyRecords, ErasingAMemberRemovesWhatWasTheirsAndKeepsClinicalRecords) {
  const auto counts = write([&](store::Connection& c) { return store::erase_safety_records(c, member_, kRecordedAt); });
  EXPECT_EQ(counts["staff_messages"], 1);
  EXPECT_EQ(counts["silences"], 1);
  EXPECT_EQ(counts["report_notes_blanked"], 1);
  EXPECT_EQ(counts["member_notes_kept"], 1);
  EXPECT_EQ(counts["cases_kept"], 1);
  EXPECT_EQ(count("SELECT count(*) FROM staff_messages"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM silences"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM reports WHERE note = '' AND reason = 'unkind'"), 1);  // the record of the report stays
  EXPECT_EQ(count("SELECT count(*) FROM member_notes"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM safeguarding_cases"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM safeguarding_cases WHERE owner_id IS NOT NULL"), 2);  // the clinician is still here
}

TEST_F(SafetyRecords, ErasingAClinicianLeavesNoOpenCaseWithoutSomeoneToPickItUp) {
  write([&](store::Connection& c) {
    c.prepare("UPDATE safeguarding_cases SET state = 'closed', closed_at = ?2, outcome = 'Done' WHERE id = ?1").bind(1, member_case_).bind(2, kRecordedAt).run();
  });
  const auto counts = write([&](store::Connection& c) { return store::erase_safety_records(c, clinician_, kRecordedAt); });
  EXPECT_EQ(counts["cases_unowned"], 1);
  EXPECT_EQ(counts["rota_shifts"], 1);  // the shift to come; the past one stays on the record
  EXPECT_EQ(count("SELECT count(*) FROM rota_shifts"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM safeguarding_cases WHERE owner_id IS NULL AND state = 'open'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM safeguarding_cases WHERE owner_id IS NOT NULL AND state = 'closed'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM case_events WHERE kind = 'owner' AND author_id IS NULL"), 1);
}

}  // namespace
