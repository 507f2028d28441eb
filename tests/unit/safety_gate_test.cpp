// The gate's safety rules (issue 5): risk beats every other rule and is never refused, staff are
// not cases, identifying details hold, out of hours holds, a flag word publishes and asks for a
// look; and the write path opens the case and the prioritised queue item with the post.
#include "library_test_fixture.hpp"

#include "core/app_error.hpp"
#include "live/hub.hpp"
#include "services/moderation_gate.hpp"
#include "services/services.hpp"
#include "store/category_repo.hpp"
#include "store/moderation_repo.hpp"

using namespace harbour;
using services::GateDecision;
using services::GateInput;
using Outcome = GateDecision::Outcome;

namespace {

class SafetyGate : public test::LibraryFixture {
 protected:
  void SetUp() override {
    LibraryFixture::SetUp();
    db_->writer()
        .run([&](store::Connection& c) {
          store::upsert_membership(c, ids_[0], net_a_, "member");
          store::upsert_membership(c, ids_[2], net_a_, "clinician");
          store::upsert_moderation_policy(c, net_a_, "post_moderate", 0, "2026-01-01T00:00:00.000Z");
          category_ = store::insert_category(c, {net_a_, "Space", "", 0, 31, 31}, "2026-01-01T00:00:00.000Z");
        })
        .get();
  }

  GateDecision decide(std::string body, bool staff = false) {
    return db_->writer()
        .run([&](store::Connection& c) {
          GateInput in;
          in.network_id = net_a_;
          in.author_id = ids_[0];
          in.author_is_staff = staff;
          in.kind = "reply";
          in.body = body;
          in.now = now_;
          return services::gate_decide(c, in);
        })
        .get();
  }

  void sql(store::Sql statement) { db_->writer().run([&](store::Connection& c) { c.exec(statement); }).get(); }

  std::int64_t category_ = 0;
  // Wednesday 18 November 2026, 12:00 UTC (12:00 in London).
  std::chrono::system_clock::time_point now_ = std::chrono::sys_days(std::chrono::year{2026} / 11 / 18) + std::chrono::hours(12);
};

}  // namespace

TEST_F(SafetyGate, RiskHoldsEvenWhenAWatchedWordWouldRefuse) {
  sql("INSERT INTO watched_words (network_id, phrase, action, created_at) VALUES (1, 'tonight', 'refuse', 'x')");
  const auto d = decide("I want to end my life tonight");
  EXPECT_EQ(d.outcome, Outcome::Hold);
  ASSERT_TRUE(d.risk);
  EXPECT_EQ(d.risk->tier, "urgent");
  EXPECT_EQ(d.reasons, std::vector<std::string>{"risk"});
  EXPECT_EQ(d.message.find(d.risk->phrase), std::string::npos) << "the author is never told which words matched";
}

TEST_F(SafetyGate, StaffWritingAboutRiskOpenNoCase) {
  const auto d = decide("If you ever want to end your life, please call 999", true);
  EXPECT_EQ(d.outcome, Outcome::Publish);
  EXPECT_FALSE(d.risk);
}

TEST_F(SafetyGate, OrdinaryFigurativeLanguageIsNotRisk) {
  EXPECT_EQ(decide("This deadline is killing me, and I could kill for a coffee").outcome, Outcome::Publish);
}

TEST_F(SafetyGate, IdentifyingDetailsHoldThePost) {
  const auto d = decide("Text me on 07700 900123 if you want to chat");
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"anonymity"});
  ASSERT_FALSE(d.identifying.empty());
  EXPECT_EQ(d.identifying.front().kind, "phone");
}

TEST_F(SafetyGate, OutOfHoursHoldsMemberPostsWhenThePolicySaysSo) {
  // Open Monday to Friday 09:00 to 10:00 only: at 12:00 on a Wednesday the team has gone.
  for (int day = 1; day <= 5; ++day) {
    db_->writer()
        .run([&](store::Connection& c) {
          c.prepare("INSERT INTO office_hours (network_id, weekday, opens, closes) VALUES (?1, ?2, '09:00', '10:00')")
              .bind(1, net_a_).bind(2, day).run();
        })
        .get();
  }
  const auto closed = decide("A quiet evening, nothing much to report");
  EXPECT_EQ(closed.outcome, Outcome::Hold);
  EXPECT_EQ(closed.reasons, std::vector<std::string>{"out_of_hours"});
  EXPECT_FALSE(closed.office_open);
  sql("UPDATE moderation_policies SET out_of_hours = 'as_in_hours'");
  EXPECT_EQ(decide("A quiet evening, nothing much to report").outcome, Outcome::Publish);
}

TEST_F(SafetyGate, FlagWordPublishesAndAsksForALook) {
  sql("INSERT INTO watched_words (network_id, phrase, action, created_at) VALUES (1, 'diet pills', 'flag', 'x')");
  const auto d = decide("Has anyone tried diet pills?");
  EXPECT_EQ(d.outcome, Outcome::Publish);
  EXPECT_TRUE(d.flagged);
  EXPECT_EQ(d.matched, "diet pills");
}

TEST_F(SafetyGate, RiskPostOpensACaseAndAPriorityItemWithThePost) {
  live::Hub hub;
  core::RealClock clock;
  services::Services svc(*db_, hub, clock, services::ServicesOptions{});
  auto who = member();
  services::PostInput in;
  in.title = "Tonight";
  in.body = "I have written a suicide note";
  const auto created = svc.forums().create_topic(&who, {"192.0.2.1", now_}, category_, in);
  EXPECT_EQ(created.post.row.state, "held");
  ASSERT_TRUE(created.decision.risk);
  EXPECT_EQ(count("SELECT count(*) FROM safeguarding_cases WHERE tier = 'urgent' AND state = 'open'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM moderation_items WHERE priority = 2 AND reasons = 'risk'"), 1);
  // The case is due 15 minutes after it opened (no office hours set: always answered at once).
  EXPECT_EQ(count("SELECT count(*) FROM safeguarding_cases WHERE due_at = '2026-11-18T12:15:00.000Z'"), 1);
}

TEST_F(SafetyGate, SilencedMemberCannotPostUntilTheTimeIsUp) {
  db_->writer()
      .run([&](store::Connection& c) {
        c.prepare("INSERT INTO silences (network_id, user_id, until, reason, created_by, created_at)"
                  " VALUES (?1, ?2, '2026-11-19T00:00:00.000Z', 'cooling off', ?3, 'x')")
            .bind(1, net_a_).bind(2, ids_[0]).bind(3, ids_[2]).run();
      })
      .get();
  live::Hub hub;
  core::RealClock clock;
  services::Services svc(*db_, hub, clock, services::ServicesOptions{});
  auto who = member();
  services::PostInput in;
  in.title = "Hello";
  in.body = "Just saying hello";
  try {
    svc.forums().create_topic(&who, {"192.0.2.1", now_}, category_, in);
    FAIL() << "a silenced member posted";
  } catch (const core::AppError& e) {
    EXPECT_EQ(e.code(), "silenced");
  }
  const auto later = std::chrono::sys_days(std::chrono::year{2026} / 11 / 19) + std::chrono::hours(1);
  EXPECT_EQ(svc.forums().create_topic(&who, {"192.0.2.1", later}, category_, in).post.row.state, "published");
}

TEST_F(SafetyGate, RiskPostNeedsTwoDifferentModeratorsToPublish) {
  live::Hub hub;
  core::RealClock clock;
  services::Services svc(*db_, hub, clock, services::ServicesOptions{});
  auto author = member();
  services::PostInput in;
  in.title = "Tonight";
  in.body = "I want to end my life";
  const auto post_id = svc.forums().create_topic(&author, {"192.0.2.1", now_}, category_, in).post.row.id;
  const auto first = clinician();
  auto queue = svc.moderation().queue(&first, "default", std::nullopt, std::nullopt, now_);
  ASSERT_EQ(queue.items.size(), 1u);
  const auto item = queue.items.front().id;
  EXPECT_TRUE(queue.items.front().needs_second_review);

  svc.moderation().approve(&first, {"192.0.2.1", now_}, item, services::ApproveInput{});
  EXPECT_EQ(svc.posts().get(&first, post_id).row.state, "held") << "one approval is not enough for a risk post";
  queue = svc.moderation().queue(&first, "default", std::nullopt, std::nullopt, now_);
  ASSERT_EQ(queue.items.size(), 1u);
  ASSERT_TRUE(queue.items.front().first_review_by);
  EXPECT_EQ(queue.items.front().first_review_by->id, first.user_id);

  try {
    svc.moderation().approve(&first, {"192.0.2.1", now_}, item, services::ApproveInput{});
    FAIL() << "the same moderator approved twice";
  } catch (const core::AppError& e) {
    EXPECT_EQ(e.code(), "second_reviewer_needed");
  }
  const auto second = volunteer();
  svc.moderation().approve(&second, {"192.0.2.1", now_}, item, services::ApproveInput{});
  EXPECT_EQ(svc.posts().get(&first, post_id).row.state, "published");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'moderation.approve'"), 2);
}
