// Safeguarding cases through CaseService on a real database: deadlines in and out of office
// hours, the state machine, who may act and close, isolation between networks, the audit row of
// every step, and the live alert reaching clinicians on shift.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/audit_log.hpp"
#include "services/case_service.hpp"
#include "services/office_hours.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/case_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/service_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace harbour;
using services::Principal;
using services::Role;
using SysTime = std::chrono::system_clock::time_point;

namespace {

// Wednesday 4 March 2026, 10:00 in London (GMT).
constexpr const char* kWednesdayMorning = "2026-03-04T10:00:00.000Z";

SysTime at(const char* text) { return *services::parse_instant(text); }

class FixedClock final : public core::Clock {
 public:
  SysTime now = at(kWednesdayMorning);
  SysTime system_now() const override { return now; }
  std::chrono::steady_clock::time_point steady_now() const override { return std::chrono::steady_clock::now(); }
};

class CaseServiceTest : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    cases_ = std::make_unique<services::CaseService>(*db_, hub_, clock_, nullptr);
    write([&](store::Connection& c) {
      net_a_ = store::find_network_by_slug(c, "default")->id;
      net_b_ = store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
      c.prepare("INSERT INTO categories (network_id, name, created_at) VALUES (?1, 'General', ?2)")
          .bind(1, net_a_).bind(2, kWednesdayMorning).run();
      cat_a_ = c.last_insert_rowid();
      auto user = [&](const char* pseudonym, std::optional<std::int64_t> net, const char* role, bool admin) {
        const auto id = store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", admin, kWednesdayMorning);
        if (net) store::upsert_membership(c, id, *net, role);
        return id;
      };
      member_ = user("Quiet River", net_a_, "member", false);
      peer_ = user("Kind Harbour", net_a_, "peer_supporter", false);
      clinician_a_ = user("Staff Alder", net_a_, "clinician", false);
      clinician_a2_ = user("Staff Aspen", net_a_, "clinician", false);
      clinician_b_ = user("Staff Birch", net_b_, "clinician", false);
      admin_ = user("Admin Cedar", std::nullopt, nullptr, true);
    });
    member_p_ = test::principal_with(member_, "Quiet River", {{net_a_, Role::Member}});
    peer_p_ = test::principal_with(peer_, "Kind Harbour", {{net_a_, Role::PeerSupporter}});
    clin_a_p_ = test::principal_with(clinician_a_, "Staff Alder", {{net_a_, Role::Clinician}});
    clin_b_p_ = test::principal_with(clinician_b_, "Staff Birch", {{net_b_, Role::Clinician}});
    admin_p_ = test::principal_with(admin_, "Admin Cedar", {}, /*admin=*/true);
  }

  services::RequestMeta meta() const { return {"192.0.2.7", clock_.now}; }

  void weekday_hours(std::int64_t network, int weekday, const char* opens, const char* closes) {
    write([&](store::Connection& c) {
      c.prepare("INSERT INTO office_hours (network_id, weekday, opens, closes) VALUES (?1, ?2, ?3, ?4)")
          .bind(1, network).bind(2, weekday).bind(3, opens).bind(4, closes).run();
    });
  }

  std::string due_at(SysTime now, std::int64_t network) {
    return read([&](store::Connection& c) { return services::case_due_at(c, network, now); });
  }

  std::int64_t held_post() {
    return write([&](store::Connection& c) {
      store::NewPost p;
      p.network_id = net_a_;
      p.kind = "topic";
      p.author_id = member_;
      p.author_role = "member";
      p.category_id = cat_a_;
      p.title = "A hard night";
      p.body = "I do not want to be here any more.";
      p.state = "held";
      return store::insert_post(c, p, kWednesdayMorning);
    });
  }

  // A case as the gate opens it: inserted with the post, alert after the commit.
  std::int64_t risk_case(std::optional<std::int64_t> post_id = std::nullopt) {
    const auto id = write([&](store::Connection& c) {
      store::NewCase k{net_a_, member_, post_id, "urgent", "want to be here", core::format_utc_ms(clock_.now),
                       services::case_due_at(c, net_a_, clock_.now)};
      return store::insert_case(c, k);
    });
    cases_->alert_opened(id);
    return id;
  }

  std::vector<std::string> audit_actions_for(std::int64_t case_id) {
    return read([&](store::Connection& c) {
      services::AuditFilter f;
      f.limit = services::kAuditListMax;
      std::vector<std::string> out;
      for (const auto& row : services::list_audit(c, f)) {
        if (row.target_type == "case" && row.target_id == std::to_string(case_id)) out.insert(out.begin(), row.action);
      }
      return out;
    });
  }

  std::int64_t event_count(std::int64_t case_id) {
    return read([&](store::Connection& c) { return static_cast<std::int64_t>(store::list_case_events(c, case_id).size()); });
  }

  void on_shift(std::int64_t user, const char* starts, const char* ends) {
    write([&](store::Connection& c) {
      c.prepare("INSERT INTO rota_shifts (network_id, user_id, starts_at, ends_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
          .bind(1, net_a_).bind(2, user).bind(3, starts).bind(4, ends).bind(5, kWednesdayMorning).run();
    });
  }

  live::Hub hub_;
  FixedClock clock_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<services::CaseService> cases_;
  std::int64_t net_a_ = 0, net_b_ = 0, cat_a_ = 0;
  std::int64_t member_ = 0, peer_ = 0, clinician_a_ = 0, clinician_a2_ = 0, clinician_b_ = 0, admin_ = 0;
  Principal member_p_, peer_p_, clin_a_p_, clin_b_p_, admin_p_;
};

// ---- Deadlines ----------------------------------------------------------------------------------

TEST_F(CaseServiceTest, DeadlineWithoutOfficeHoursIsTheResponseTimeFromNow) {
  EXPECT_EQ(due_at(at(kWednesdayMorning), net_a_), "2026-03-04T10:15:00.000Z");
}

TEST_F(CaseServiceTest, DeadlineInHoursFollowsTheNetworksResponseMinutes) {
  weekday_hours(net_a_, 3, "09:00", "17:00");
  EXPECT_EQ(due_at(at(kWednesdayMorning), net_a_), "2026-03-04T10:15:00.000Z");
  write([&](store::Connection& c) {
    c.prepare("UPDATE moderation_policies SET case_response_minutes = 40 WHERE network_id = ?1").bind(1, net_a_).run();
  });
  EXPECT_EQ(due_at(at(kWednesdayMorning), net_a_), "2026-03-04T10:40:00.000Z");
}

TEST_F(CaseServiceTest, DeadlineOutOfHoursStartsAtTheNextOpening) {
  weekday_hours(net_a_, 3, "09:00", "17:00");
  weekday_hours(net_a_, 4, "09:00", "17:00");
  // Wednesday evening: people are back on Thursday at 09:00 (GMT in March).
  EXPECT_EQ(due_at(at("2026-03-04T18:30:00.000Z"), net_a_), "2026-03-05T09:15:00.000Z");
}

TEST_F(CaseServiceTest, DeadlineOutOfHoursInSummerTimeUsesLocalNineOClock) {
  weekday_hours(net_a_, 3, "09:00", "17:00");
  // 07:30 UTC on Wednesday 1 July is 08:30 in London (BST): the office opens at 08:00 UTC.
  EXPECT_EQ(due_at(at("2026-07-01T07:30:00.000Z"), net_a_), "2026-07-01T08:15:00.000Z");
}

// ---- The state machine ----------------------------------------------------------------------------

TEST_F(CaseServiceTest, ClinicianTakesACaseThroughEveryStateAndReopensIt) {
  const auto id = risk_case(held_post());
  auto d = cases_->acknowledge(&clin_a_p_, meta(), id);
  EXPECT_EQ(d.summary.state, "acknowledged");
  ASSERT_TRUE(d.summary.owner);
  EXPECT_EQ(d.summary.owner->id, clinician_a_);
  EXPECT_TRUE(d.summary.acknowledged_at);

  d = cases_->contacted(&clin_a_p_, meta(), id, "Phoned; safe tonight, GP told.");
  EXPECT_EQ(d.summary.state, "contacted");
  d = cases_->close(&clin_a_p_, meta(), id, "Safety plan agreed; follow-up booked.");
  EXPECT_EQ(d.summary.state, "closed");
  EXPECT_EQ(d.summary.outcome, "Safety plan agreed; follow-up booked.");
  EXPECT_TRUE(d.summary.closed_at);

  clock_.now += std::chrono::hours(1);
  d = cases_->reopen(&clin_a_p_, meta(), id, "She posted again this evening.");
  EXPECT_EQ(d.summary.state, "open");
  EXPECT_FALSE(d.summary.closed_at);
  EXPECT_FALSE(d.summary.outcome);
  EXPECT_EQ(d.summary.due_at, "2026-03-04T11:15:00.000Z");  // a fresh deadline
  ASSERT_TRUE(d.post);
  EXPECT_EQ(d.post->row.body, "I do not want to be here any more.");
  EXPECT_EQ(d.events.size(), 4u);
}

TEST_F(CaseServiceTest, StepsOutOfOrderAreInvalidTransitionsAndChangeNothing) {
  const auto id = risk_case();
  EXPECT_EQ(test::error_code_of([&] { cases_->contacted(&clin_a_p_, meta(), id, "Phoned."); }), "invalid_transition");
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&clin_a_p_, meta(), id, "Nothing to do."); }), "invalid_transition");
  EXPECT_EQ(test::error_code_of([&] { cases_->reopen(&clin_a_p_, meta(), id, "No reason."); }), "invalid_transition");
  cases_->acknowledge(&clin_a_p_, meta(), id);
  EXPECT_EQ(test::error_code_of([&] { cases_->acknowledge(&clin_a_p_, meta(), id); }), "invalid_transition");
  cases_->close(&clin_a_p_, meta(), id, "A figure of speech; no risk.");
  EXPECT_EQ(test::error_code_of([&] { cases_->assign(&clin_a_p_, meta(), id, clinician_a2_); }), "invalid_transition");
  EXPECT_EQ(event_count(id), 2);
  EXPECT_EQ(audit_actions_for(id), (std::vector<std::string>{"case.acknowledge", "case.close"}));
}

TEST_F(CaseServiceTest, ClosingNeedsAnOutcomeOfThreeTo2000Characters) {
  const auto id = risk_case();
  cases_->acknowledge(&clin_a_p_, meta(), id);
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&clin_a_p_, meta(), id, "  ok "); }), "invalid_outcome");
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&clin_a_p_, meta(), id, std::string(2001, 'a')); }), "invalid_outcome");
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&clin_a_p_, meta(), id, "bad \x01 byte"); }), "invalid_outcome");
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&clin_a_p_, meta(), id, "bad \xc3 utf8"); }), "invalid_utf8");
  EXPECT_EQ(read([&](store::Connection& c) { return store::find_case(c, id)->state; }), "acknowledged");
  EXPECT_EQ(cases_->close(&clin_a_p_, meta(), id, std::string(2000, 'a')).summary.state, "closed");
}

// ---- Who may ------------------------------------------------------------------------------------

TEST_F(CaseServiceTest, OnlyCliniciansClose) {
  const auto id = risk_case();
  cases_->acknowledge(&clin_a_p_, meta(), id);
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&peer_p_, meta(), id, "I think she is fine."); }), "not_allowed");
  // Admins hold every staff capability, but closing a risk case is a clinician's judgement.
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&admin_p_, meta(), id, "Closing as admin."); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { cases_->close(&member_p_, meta(), id, "Closing my own."); }), "not_allowed");
  EXPECT_EQ(read([&](store::Connection& c) { return store::find_case(c, id)->state; }), "acknowledged");
  EXPECT_EQ(cases_->close(&clin_a_p_, meta(), id, "Spoke with him; safe.").summary.state, "closed");
}

TEST_F(CaseServiceTest, PeerSupportersSeeAndAddNotesButDoNotChangeState) {
  const auto id = risk_case();
  auto d = cases_->get(&peer_p_, meta(), id);
  EXPECT_FALSE(d.can_act);
  EXPECT_FALSE(d.can_close);
  EXPECT_EQ(cases_->list(&peer_p_, "default", std::nullopt, std::nullopt, clock_.now).cases.size(), 1u);
  cases_->note(&peer_p_, meta(), id, "She has posted like this before and was OK after a chat.", false);
  EXPECT_EQ(test::error_code_of([&] { cases_->acknowledge(&peer_p_, meta(), id); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { cases_->assign(&peer_p_, meta(), id, clinician_a_); }), "not_allowed");
  EXPECT_EQ(read([&](store::Connection& c) { return store::find_case(c, id)->state; }), "open");

  d = cases_->get(&clin_a_p_, meta(), id);
  EXPECT_TRUE(d.can_act);
  EXPECT_TRUE(d.can_close);
  d = cases_->get(&admin_p_, meta(), id);
  EXPECT_TRUE(d.can_act);
  EXPECT_FALSE(d.can_close);
}

TEST_F(CaseServiceTest, MembersMayNotSeeCases) {
  const auto id = risk_case();
  EXPECT_EQ(test::error_code_of([&] { cases_->get(&member_p_, meta(), id); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { cases_->list(&member_p_, "default", std::nullopt, std::nullopt, clock_.now); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { cases_->get(nullptr, meta(), id); }), "sign_in_required");
}

TEST_F(CaseServiceTest, ACaseOfAnotherNetworkAnswersLikeOneThatDoesNotExist) {
  const auto id = risk_case();
  EXPECT_EQ(test::error_code_of([&] { cases_->get(&clin_b_p_, meta(), id); }), "case_not_found");
  EXPECT_EQ(test::error_code_of([&] { cases_->get(&clin_b_p_, meta(), id + 1000); }), "case_not_found");
  EXPECT_EQ(test::error_code_of([&] { cases_->acknowledge(&clin_b_p_, meta(), id); }), "case_not_found");
  EXPECT_EQ(test::error_code_of([&] { cases_->note(&clin_b_p_, meta(), id, "Looking in.", false); }), "case_not_found");
  EXPECT_EQ(test::error_code_of([&] { cases_->list(&clin_b_p_, "default", std::nullopt, std::nullopt, clock_.now); }),
            "network_not_found");
  EXPECT_TRUE(cases_->list(&clin_b_p_, "perinatal", std::nullopt, std::nullopt, clock_.now).cases.empty());
  EXPECT_EQ(event_count(id), 0);
  EXPECT_TRUE(audit_actions_for(id).empty());
}

TEST_F(CaseServiceTest, AssignAcceptsOnlyAClinicianOfTheCasesNetwork) {
  const auto id = risk_case();
  EXPECT_EQ(test::error_code_of([&] { cases_->assign(&clin_a_p_, meta(), id, member_); }), "invalid_owner");
  EXPECT_EQ(test::error_code_of([&] { cases_->assign(&clin_a_p_, meta(), id, clinician_b_); }), "invalid_owner");
  EXPECT_EQ(test::error_code_of([&] { cases_->assign(&clin_a_p_, meta(), id, 999999); }), "invalid_owner");
  const auto d = cases_->assign(&clin_a_p_, meta(), id, clinician_a2_);
  ASSERT_TRUE(d.summary.owner);
  EXPECT_EQ(d.summary.owner->id, clinician_a2_);
  EXPECT_EQ(d.events.back().kind, "owner");
  EXPECT_EQ(d.events.back().body, "Assigned to Staff Aspen.");
}

// ---- Audit --------------------------------------------------------------------------------------

TEST_F(CaseServiceTest, EveryStepWritesItsEventAndItsAuditRow) {
  const auto post = held_post();
  auto d = cases_->open(&clin_a_p_, meta(), "default", {member_, post, "concern", "Worrying tone in a reply."});
  const auto id = d.summary.id;
  EXPECT_EQ(d.summary.tier, "concern");
  cases_->get(&clin_a_p_, meta(), id);
  cases_->acknowledge(&clin_a_p_, meta(), id);
  cases_->note(&clin_a_p_, meta(), id, "Left a voicemail; will try again at 4pm.", true);
  cases_->assign(&clin_a_p_, meta(), id, clinician_a2_);
  cases_->contacted(&clin_a_p_, meta(), id, "Spoke on the phone.");
  cases_->close(&clin_a_p_, meta(), id, "Safe; linked with the crisis team.");
  cases_->reopen(&clin_a_p_, meta(), id, "New post this morning.");
  EXPECT_EQ(audit_actions_for(id),
            (std::vector<std::string>{"case.open", "case.view", "case.acknowledge", "case.note", "case.assign",
                                      "case.contact", "case.close", "case.reopen"}));
  const auto events = read([&](store::Connection& c) { return store::list_case_events(c, id); });
  std::vector<std::string> kinds;
  for (const auto& e : events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"state", "note", "state", "handover", "owner", "state", "state", "state"}));
}

TEST_F(CaseServiceTest, PeerSupporterOpeningACaseIsAnEscalation) {
  const auto d = cases_->open(&peer_p_, meta(), "default", {member_, std::nullopt, "urgent", "Please look at this member."});
  EXPECT_EQ(audit_actions_for(d.summary.id), (std::vector<std::string>{"case.escalate"}));
  EXPECT_EQ(test::error_code_of([&] { cases_->open(&peer_p_, meta(), "default", {peer_, std::nullopt, "urgent", "Staff?"}); }),
            "invalid_member");
  EXPECT_EQ(test::error_code_of([&] { cases_->open(&clin_a_p_, meta(), "default", {member_, std::nullopt, "high", "x"}); }),
            "invalid_tier");
  EXPECT_EQ(test::error_code_of([&] { cases_->open(&clin_b_p_, meta(), "perinatal", {member_, std::nullopt, "urgent", "x"}); }),
            "invalid_member");
}

// ---- Lists --------------------------------------------------------------------------------------

TEST_F(CaseServiceTest, ListPutsCasesPastTheirDeadlineFirst) {
  const auto early = risk_case();
  clock_.now += std::chrono::minutes(10);
  const auto later = risk_case(held_post());
  cases_->acknowledge(&clin_a_p_, meta(), early);
  clock_.now += std::chrono::minutes(10);
  const auto newest = risk_case();
  clock_.now += std::chrono::minutes(10);  // `later` is now past its deadline; `early` was picked up

  const auto list = cases_->list(&clin_a_p_, "default", std::nullopt, std::nullopt, clock_.now);
  ASSERT_EQ(list.cases.size(), 3u);
  EXPECT_EQ(list.cases[0].id, later);
  EXPECT_TRUE(list.cases[0].overdue);
  ASSERT_TRUE(list.cases[0].post);
  EXPECT_EQ(list.cases[0].post->excerpt, "I do not want to be here any more.");
  EXPECT_EQ(list.cases[1].id, early);
  EXPECT_FALSE(list.cases[1].overdue);
  EXPECT_EQ(list.cases[2].id, newest);
  EXPECT_FALSE(list.cases[2].overdue);

  EXPECT_EQ(cases_->list(&clin_a_p_, "default", std::string("acknowledged"), std::nullopt, clock_.now).cases.size(), 1u);
  EXPECT_TRUE(cases_->list(&clin_a_p_, "default", std::string("closed"), std::nullopt, clock_.now).cases.empty());
  EXPECT_EQ(test::error_code_of([&] { cases_->list(&clin_a_p_, "default", std::string("all"), std::nullopt, clock_.now); }),
            "invalid_query");
}

// ---- The live alert -----------------------------------------------------------------------------

TEST_F(CaseServiceTest, AlertReachesAClinicianOnShiftAndTheStaffTopic) {
  on_shift(clinician_a_, "2026-03-04T09:00:00.000Z", "2026-03-04T17:00:00.000Z");
  auto on = std::make_shared<test::RecordingSubscriber>();
  auto off = std::make_shared<test::RecordingSubscriber>();
  auto staff = std::make_shared<test::RecordingSubscriber>();
  hub_.subscribe("user:" + std::to_string(clinician_a_), on);
  hub_.subscribe("user:" + std::to_string(clinician_a2_), off);
  hub_.subscribe("staff:" + std::to_string(net_a_), staff);

  const auto id = risk_case();
  ASSERT_EQ(on->events().size(), 1u);
  EXPECT_TRUE(off->events().empty());
  ASSERT_EQ(staff->events().size(), 1u);
  const auto event = nlohmann::json::parse(on->events()[0]);
  EXPECT_EQ(event["type"], "case_opened");
  EXPECT_EQ(event["case"]["id"], id);
  EXPECT_EQ(event["case"]["network"], "default");
  EXPECT_EQ(event["case"]["tier"], "urgent");
  EXPECT_EQ(event["case"]["due_at"], "2026-03-04T10:15:00.000Z");
  EXPECT_EQ(event["case"]["member"]["pseudonym"], "Quiet River");
}

TEST_F(CaseServiceTest, AlertDoesNotReachAClinicianOffShiftOrAPeerOnShift) {
  on_shift(clinician_a_, "2026-03-04T12:00:00.000Z", "2026-03-04T17:00:00.000Z");  // later today
  on_shift(peer_, "2026-03-04T09:00:00.000Z", "2026-03-04T17:00:00.000Z");
  auto clinician = std::make_shared<test::RecordingSubscriber>();
  auto peer = std::make_shared<test::RecordingSubscriber>();
  hub_.subscribe("user:" + std::to_string(clinician_a_), clinician);
  hub_.subscribe("user:" + std::to_string(peer_), peer);
  risk_case();
  EXPECT_TRUE(clinician->events().empty());
  EXPECT_TRUE(peer->events().empty());
}

TEST_F(CaseServiceTest, AlertForACaseThatDoesNotExistPublishesNothingAndDoesNotThrow) {
  auto staff = std::make_shared<test::RecordingSubscriber>();
  hub_.subscribe("staff:" + std::to_string(net_a_), staff);
  cases_->alert_opened(424242);
  EXPECT_TRUE(staff->events().empty());
}

}  // namespace
