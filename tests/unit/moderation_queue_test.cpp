// The deeper moderation queue through ModerationService on a real database: reports (and that
// the reporter is never shown to the reported member), priorities, claims that expire, keep or
// hide, edit and approve, templates, escalation to a clinician, and what staff do about one
// member (private messages, silences, private notes), each audited and kept to its network.
#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/audit_log.hpp"
#include "services/moderation_service.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/reject_templates.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/silence_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/fixed_time.hpp"
#include "support/service_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <string>
#include <vector>

using namespace harbour;
using namespace std::chrono_literals;
using services::Principal;
using services::Role;

namespace {

using harbour::test::kNow;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::AppError& e) {
    return e.what();
  }
  return "";
}

class ModerationQueueTest : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    moderation_ = std::make_unique<services::ModerationService>(*db_, services_->notifications(), services_->cases(), hub_, nullptr);
    write([&](store::Connection& c) {
      net_a_ = store::find_network_by_slug(c, "default")->id;
      net_b_ = store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
      c.prepare("INSERT INTO categories (network_id, name, created_at) VALUES (?1, 'General', ?2)").bind(1, net_a_).bind(2, kNow).run();
      cat_a_ = c.last_insert_rowid();
      auto user = [&](const char* pseudonym, std::optional<std::int64_t> net, const char* role, bool admin) {
        const auto id = store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", admin, kNow);
        if (net) store::upsert_membership(c, id, *net, role);
        return id;
      };
      author_ = user("Quiet River", net_a_, "member", false);
      reader_ = user("Calm Sea", net_a_, "member", false);
      clinician_a_ = user("Staff Alder", net_a_, "clinician", false);
      volunteer_a_ = user("Staff Aspen", net_a_, "volunteer", false);
      clinician_b_ = user("Staff Birch", net_b_, "clinician", false);
      member_b_ = user("Far Hill", net_b_, "member", false);
    });
    author_p_ = test::principal_with(author_, "Quiet River", {{net_a_, Role::Member}});
    reader_p_ = test::principal_with(reader_, "Calm Sea", {{net_a_, Role::Member}});
    clin_a_p_ = test::principal_with(clinician_a_, "Staff Alder", {{net_a_, Role::Clinician}});
    vol_a_p_ = test::principal_with(volunteer_a_, "Staff Aspen", {{net_a_, Role::Volunteer}});
    clin_b_p_ = test::principal_with(clinician_b_, "Staff Birch", {{net_b_, Role::Clinician}});
    member_b_p_ = test::principal_with(member_b_, "Far Hill", {{net_b_, Role::Member}});
  }

  // Time is injected: claims and silences are judged against it.
  services::RequestMeta at(std::chrono::minutes offset = 0min) const { return {"192.0.2.7", t0_ + offset}; }
  services::ModerationService& moderation() { return *moderation_; }

  std::int64_t post_by(std::int64_t author, const char* state, std::string notes = "", std::string body = "How do you all sleep?") {
    return write([&](store::Connection& c) {
      store::NewPost p;
      p.network_id = net_a_;
      p.kind = "topic";
      p.author_id = author;
      p.author_role = "member";
      p.category_id = cat_a_;
      p.title = "Sleep after therapy";
      p.body = std::move(body);
      p.content_notes = std::move(notes);
      p.state = state;
      return store::insert_post(c, p, kNow);
    });
  }
  std::int64_t item_for(std::int64_t post, const char* reasons, std::int64_t priority = 0) {
    return write([&](store::Connection& c) {
      return store::insert_moderation_item(c, net_a_, post, reasons, std::nullopt, kNow, priority);
    });
  }
  std::int64_t held_item() { return item_for(post_by(author_, "held"), "new_member"); }

  store::PostRow post(std::int64_t id) {
    return read([&](store::Connection& c) { return *store::find_post(c, id); });
  }
  store::ModerationItemRow item_row(std::int64_t id) {
    return read([&](store::Connection& c) { return *store::find_moderation_item(c, id); });
  }
  std::vector<std::string> notifications_of(std::int64_t user) {
    return read([&](store::Connection& c) {
      std::vector<std::string> kinds;
      auto& s = c.prepare("SELECT kind FROM notifications WHERE user_id = ?1 ORDER BY id");
      s.bind(1, user);
      while (s.step()) kinds.push_back(s.column_text(0));
      return kinds;
    });
  }
  std::vector<services::AuditRow> audit(const char* action) {
    return read([&](store::Connection& c) {
      services::AuditFilter f;
      f.action = action;
      return services::list_audit(c, f);
    });
  }
  // `prepare` takes only literal SQL: see COUNT below.
  template <class Prepare>
  std::int64_t count_with(Prepare prepare) {
    return read([&](store::Connection& c) {
      auto& s = prepare(c);
      const auto n = s.step() ? s.column_int64(0) : -1;
      s.reset();
      return n;
    });
  }
  std::vector<services::ModerationItem> open_queue(std::chrono::minutes offset = 0min) {
    return moderation().queue(&clin_a_p_, "default", std::nullopt, std::nullopt, t0_ + offset).items;
  }

  live::Hub hub_;
  core::RealClock clock_;
  std::chrono::system_clock::time_point t0_ = std::chrono::sys_days{std::chrono::year{2026} / 3 / 2} + 9h;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<services::ModerationService> moderation_;
  std::int64_t net_a_ = 0, net_b_ = 0, cat_a_ = 0;
  std::int64_t author_ = 0, reader_ = 0, clinician_a_ = 0, volunteer_a_ = 0, clinician_b_ = 0, member_b_ = 0;
  Principal author_p_, reader_p_, clin_a_p_, vol_a_p_, clin_b_p_, member_b_p_;
};

}  // namespace

#define COUNT_ROWS(sql) count_with([](store::Connection& c) -> store::Statement& { return c.prepare(sql); })

// ---- Reports ----------------------------------------------------------------------------------

TEST_F(ModerationQueueTest, AReportJoinsTheQueueWithoutNamingTheReporter) {
  const auto p = post_by(author_, "published");
  moderation().report(&reader_p_, at(), p, "unkind", std::string("  It felt aimed at me.  "));

  const auto items = open_queue();
  ASSERT_EQ(items.size(), 1u);
  const auto& item = items[0];
  EXPECT_EQ(item.reasons, std::vector<std::string>{"report"});
  EXPECT_EQ(item.priority, 1);
  EXPECT_EQ(item.reports.count, 1);
  EXPECT_EQ(item.reports.open, 1);
  EXPECT_EQ(item.reports.reasons, std::vector<std::string>{"unkind"});
  EXPECT_EQ(item.reports.notes, std::vector<std::string>{"It felt aimed at me."});
  EXPECT_EQ(item.post.row.state, "published");

  // The reported member hears nothing and nothing they can read names the reporter.
  EXPECT_TRUE(notifications_of(author_).empty());
  EXPECT_TRUE(moderation().my_messages(&author_p_, std::nullopt).messages.empty());
  const auto rows = audit("report.create");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].actor_id, reader_);
  EXPECT_EQ(rows[0].target_id, std::to_string(p));
  EXPECT_EQ(rows[0].details["reason"], "unkind");
  EXPECT_EQ(rows[0].network_id, net_a_);
  // Nor does the queue item, even for staff.
  EXPECT_EQ(nlohmann::json(item.reports.reasons).dump().find("Calm Sea"), std::string::npos);
}

TEST_F(ModerationQueueTest, ReportsAreRefusedWhereTheyMakeNoSense) {
  const auto p = post_by(author_, "published");
  EXPECT_EQ(test::error_code_of([&] { moderation().report(&author_p_, at(), p, "spam", std::nullopt); }), "own_post");
  EXPECT_EQ(test::error_code_of([&] { moderation().report(&reader_p_, at(), p, "rude", std::nullopt); }), "invalid_report_reason");
  EXPECT_EQ(test::error_code_of([&] { moderation().report(&reader_p_, at(), p, "other", std::string(1001, 'x')); }), "text_too_long");
  EXPECT_EQ(test::error_code_of([&] { moderation().report(nullptr, at(), p, "spam", std::nullopt); }), "sign_in_required");
  // Someone in another network cannot even learn the post exists.
  EXPECT_EQ(test::error_code_of([&] { moderation().report(&member_b_p_, at(), p, "spam", std::nullopt); }), "post_not_found");
  const auto held = post_by(author_, "held");
  EXPECT_EQ(test::error_code_of([&] { moderation().report(&clin_a_p_, at(), held, "spam", std::nullopt); }), "post_not_published");
  EXPECT_EQ(test::error_code_of([&] { moderation().report(&reader_p_, at(), held, "spam", std::nullopt); }), "post_not_found");

  moderation().report(&reader_p_, at(), p, "spam", std::nullopt);
  EXPECT_EQ(test::error_code_of([&] { moderation().report(&reader_p_, at(), p, "unkind", std::nullopt); }), "already_reported");
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM reports"), 1);
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM moderation_items"), 1);
  EXPECT_EQ(audit("report.create").size(), 1u);
}

TEST_F(ModerationQueueTest, AReportOfAFlaggedPostJoinsItsOpenItem) {
  const auto p = post_by(author_, "published");
  const auto flagged = item_for(p, "flag");
  moderation().report(&reader_p_, at(), p, "unsafe", std::nullopt);
  moderation().report(&vol_a_p_, at(), p, "unsafe", std::nullopt);
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM moderation_items"), 1);
  const auto row = item_row(flagged);
  EXPECT_EQ(row.reasons, "flag report");
  EXPECT_EQ(row.priority, 1);
  const auto items = open_queue();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].reports.count, 2);
  EXPECT_EQ(items[0].reports.reasons, std::vector<std::string>{"unsafe"});
}

TEST_F(ModerationQueueTest, KeepingAReportedPostLeavesItAndResolvesTheReports) {
  const auto p = post_by(author_, "published");
  moderation().report(&reader_p_, at(), p, "spam", std::nullopt);
  const auto id = open_queue().at(0).id;

  const auto item = moderation().approve(&clin_a_p_, at(), id, std::string("Fine: a question about sleep."));
  EXPECT_EQ(item.state, "approved");
  EXPECT_EQ(post(p).state, "published");
  EXPECT_EQ(item.reports.open, 0);
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM reports WHERE state = 'resolved'"), 1);
  EXPECT_TRUE(notifications_of(author_).empty());
  ASSERT_EQ(audit("moderation.approve").size(), 1u);
  EXPECT_EQ(audit("moderation.approve")[0].details["kept"], true);
  ASSERT_EQ(audit("report.resolve").size(), 1u);
  EXPECT_EQ(audit("report.resolve")[0].details["outcome"], "kept");
}

TEST_F(ModerationQueueTest, RejectingAReportedPostHidesItAndTellsTheAuthorWhy) {
  const auto p = post_by(author_, "published");
  moderation().report(&reader_p_, at(), p, "identifying", std::nullopt);
  const auto id = open_queue().at(0).id;

  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, at(), id, " "); }), "invalid_reason");
  EXPECT_EQ(post(p).state, "published");

  moderation().reject(&clin_a_p_, at(), id, "It names a ward and a nurse.");
  const auto hidden = post(p);
  EXPECT_EQ(hidden.state, "hidden");
  EXPECT_EQ(hidden.state_reason, "It names a ward and a nurse.");
  EXPECT_EQ(notifications_of(author_), std::vector<std::string>{"hidden"});
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM reports WHERE state = 'open'"), 0);
  ASSERT_EQ(audit("moderation.remove").size(), 1u);
  EXPECT_EQ(audit("moderation.remove")[0].reason, "It names a ward and a nurse.");
  EXPECT_EQ(audit("report.resolve").at(0).details["outcome"], "hidden");
}

// ---- Priority and claims ----------------------------------------------------------------------

TEST_F(ModerationQueueTest, TheQueueListsHigherPriorityFirstAndPagesAcrossPriorities) {
  std::vector<std::int64_t> normal;
  for (int i = 0; i < services::kQueuePageSize; ++i) normal.push_back(held_item());
  const auto risk = item_for(post_by(author_, "held"), "risk", store::kPriorityRisk);
  const auto reported = item_for(post_by(author_, "published"), "report", store::kPriorityReport);

  const auto first = moderation().queue(&clin_a_p_, "default", std::nullopt, std::nullopt, t0_);
  ASSERT_EQ(first.items.size(), static_cast<std::size_t>(services::kQueuePageSize));
  EXPECT_EQ(first.items[0].id, risk);
  EXPECT_EQ(first.items[0].priority, 2);
  EXPECT_EQ(first.items[1].id, reported);
  EXPECT_EQ(first.items[2].id, normal.back());
  ASSERT_TRUE(first.next_before.has_value());
  const auto second = moderation().queue(&clin_a_p_, "default", std::nullopt, first.next_before, t0_);
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_EQ(second.items[0].id, normal[1]);
  EXPECT_EQ(second.items[1].id, normal[0]);
  EXPECT_FALSE(second.next_before.has_value());
}

TEST_F(ModerationQueueTest, AClaimKeepsAnItemForTenMinutes) {
  const auto id = held_item();
  const auto claimed = moderation().claim(&clin_a_p_, at(), id);
  ASSERT_TRUE(claimed.claimed_by.has_value());
  EXPECT_EQ(claimed.claimed_by->id, clinician_a_);
  EXPECT_EQ(claimed.claimed_by->pseudonym, "Staff Alder");
  EXPECT_EQ(claimed.claim_expires_at, core::format_utc_ms(t0_ + 10min));

  // Someone else can neither claim it nor decide it while the claim holds, and is told who.
  EXPECT_EQ(test::error_code_of([&] { moderation().claim(&vol_a_p_, at(9min), id); }), "claimed_by_other");
  EXPECT_NE(message_of([&] { moderation().claim(&vol_a_p_, at(9min), id); }).find("Staff Alder"), std::string::npos);
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&vol_a_p_, at(9min), id, std::nullopt); }), "claimed_by_other");
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&vol_a_p_, at(9min), id, "Not like this"); }), "claimed_by_other");
  EXPECT_EQ(test::error_code_of([&] { moderation().escalate(&vol_a_p_, at(9min), id, "Worried about them"); }), "claimed_by_other");
  EXPECT_EQ(item_row(id).state, "open");
  EXPECT_EQ(open_queue(9min).at(0).claimed_by->id, clinician_a_);

  // Once it has expired the item is free again: the list shows no claim, another may take it.
  EXPECT_FALSE(open_queue(11min).at(0).claimed_by.has_value());
  const auto taken = moderation().claim(&vol_a_p_, at(11min), id);
  EXPECT_EQ(taken.claimed_by->id, volunteer_a_);
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&clin_a_p_, at(12min), id, std::nullopt); }), "claimed_by_other");
  // Releasing someone else's claim does nothing; one's own frees it.
  moderation().release(&clin_a_p_, at(12min), id);
  EXPECT_EQ(item_row(id).claimed_by, volunteer_a_);
  const auto released = moderation().release(&vol_a_p_, at(12min), id);
  EXPECT_FALSE(released.claimed_by.has_value());
  EXPECT_EQ(moderation().approve(&clin_a_p_, at(12min), id, std::nullopt).state, "approved");
  EXPECT_EQ(test::error_code_of([&] { moderation().claim(&clin_a_p_, at(13min), id); }), "already_decided");
}

TEST_F(ModerationQueueTest, TheClaimHolderDecides) {
  const auto id = held_item();
  moderation().claim(&clin_a_p_, at(), id);
  EXPECT_EQ(moderation().approve(&clin_a_p_, at(1min), id, std::nullopt).state, "approved");
}

// ---- Edit and approve; templates --------------------------------------------------------------

TEST_F(ModerationQueueTest, EditAndApproveKeepsTheOldTextInTheHistory) {
  const auto p = post_by(author_, "held", "", "I live at 4 Elm Road and I feel low.");
  const auto id = item_for(p, "anonymity");
  services::ApproveInput in;
  in.body = "I live [address removed] and I feel low.";
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&clin_a_p_, at(), id, in); }), "invalid_reason");
  in.reason = "Took out the address";
  in.title = "x";
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&clin_a_p_, at(), id, in); }), "text_too_short");
  EXPECT_EQ(post(p).body, "I live at 4 Elm Road and I feel low.");
  EXPECT_TRUE(audit("moderation.edit").empty());
  in.title = "Feeling low";

  const auto item = moderation().approve(&clin_a_p_, at(), id, in);
  EXPECT_EQ(item.state, "approved");
  const auto now = post(p);
  EXPECT_EQ(now.state, "published");
  EXPECT_EQ(now.body, "I live [address removed] and I feel low.");
  EXPECT_EQ(now.title, "Feeling low");
  const auto revisions = read([&](store::Connection& c) { return store::list_revisions(c, p); });
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0].body, "I live at 4 Elm Road and I feel low.");
  EXPECT_EQ(revisions[0].replaced_by, clinician_a_);
  ASSERT_EQ(audit("moderation.edit").size(), 1u);
  EXPECT_EQ(audit("moderation.edit")[0].reason, "Took out the address");
  EXPECT_EQ(audit("moderation.approve").size(), 1u);
}

TEST_F(ModerationQueueTest, ATemplateAndNoteReachTheAuthor) {
  const auto id = held_item();
  services::RejectInput in;
  in.template_key = "nonsense";
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, at(), id, in); }), "invalid_template");
  in.template_key = "other";
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, at(), id, in); }), "note_required");
  in.template_key = "identifying";
  in.reason = "Both";
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, at(), id, in); }), "invalid_field");
  in.reason.reset();
  in.note = "The street name is the part to leave out.";

  const auto item = moderation().reject(&clin_a_p_, at(), id, in);
  const auto* t = services::find_reject_template("identifying");
  const auto expected = std::string(t->text) + "\n\nThe street name is the part to leave out.";
  EXPECT_EQ(item.state, "rejected");
  EXPECT_EQ(post(item.post.row.id).state_reason, expected);
  EXPECT_EQ(post(item.post.row.id).state, "rejected");
  const auto rows = audit("moderation.reject");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].details["template"], "identifying");
  EXPECT_EQ(rows[0].reason, "The street name is the part to leave out.");
}

// ---- Escalation -------------------------------------------------------------------------------

TEST_F(ModerationQueueTest, EscalatingOpensACaseForTheClinicians) {
  const auto p = post_by(author_, "held");
  const auto id = item_for(p, "watched_word");
  EXPECT_EQ(test::error_code_of([&] { moderation().escalate(&vol_a_p_, at(), id, "x"); }), "invalid_reason");
  auto staff = std::make_shared<test::RecordingSubscriber>();
  hub_.subscribe("staff:" + std::to_string(net_a_), staff);
  const auto e = moderation().escalate(&vol_a_p_, at(), id, "Sounds hopeless; please look");
  // The clinicians hear of it live, as of a case the gate opened, and the queue moves.
  bool alerted = false;
  bool queue_moved = false;
  for (const auto& text : staff->events()) {
    const auto event = nlohmann::json::parse(text);
    if (event["type"] == "case_opened" && event["case"]["id"] == e.case_id) alerted = true;
    if (event["type"] == "queue_changed") queue_moved = true;
  }
  EXPECT_TRUE(alerted);
  EXPECT_TRUE(queue_moved);
  EXPECT_GT(e.case_id, 0);
  EXPECT_EQ(e.item.state, "open");
  EXPECT_EQ(e.item.priority, 2);
  EXPECT_EQ(e.item.reasons, (std::vector<std::string>{"watched_word", "escalated"}));
  const auto k = read([&](store::Connection& c) {
    auto& s = c.prepare("SELECT member_id, post_id, tier, state, due_at FROM safeguarding_cases WHERE id = ?1");
    s.bind(1, e.case_id);
    EXPECT_TRUE(s.step());
    auto out = std::make_tuple(s.column_int64(0), s.column_int64(1), s.column_text(2), s.column_text(3), s.column_text(4));
    s.reset();
    return out;
  });
  EXPECT_EQ(std::get<0>(k), author_);
  EXPECT_EQ(std::get<1>(k), p);
  EXPECT_EQ(std::get<2>(k), "concern");
  EXPECT_EQ(std::get<3>(k), "open");
  EXPECT_EQ(std::get<4>(k), core::format_utc_ms(t0_ + 15min));
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM case_events WHERE kind = 'note' AND body = 'Sounds hopeless; please look'"), 1);
  const auto rows = audit("case.escalate");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].actor_id, volunteer_a_);
  EXPECT_EQ(rows[0].target_id, std::to_string(e.case_id));

  EXPECT_EQ(test::error_code_of([&] { moderation().escalate(&clin_a_p_, at(), id, "Again please"); }), "case_exists");
  EXPECT_EQ(test::error_code_of([&] { moderation().escalate(&reader_p_, at(), id, "Worried"); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().escalate(&clin_b_p_, at(), id, "Worried"); }), "item_not_found");
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM safeguarding_cases"), 1);
}

TEST_F(ModerationQueueTest, DistressingItemsAreMarkedSensitive) {
  item_for(post_by(author_, "held", "suicide"), "new_member");
  item_for(post_by(author_, "held"), "risk", store::kPriorityRisk);
  item_for(post_by(author_, "held", "medication"), "new_member");
  const auto items = open_queue();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0].sensitive);   // risk
  EXPECT_FALSE(items[1].sensitive);  // medication only
  EXPECT_TRUE(items[2].sensitive);   // suicide note
}

// ---- One member: messages, silences, notes ----------------------------------------------------

TEST_F(ModerationQueueTest, APrivateMessageReachesTheMemberFromARoleNotAName) {
  auto inbox = std::make_shared<test::RecordingSubscriber>();
  hub_.subscribe("user:" + std::to_string(author_), inbox);
  const auto p = post_by(author_, "published");

  const auto sent = moderation().send_message(&clin_a_p_, at(), author_, "default", "  Checking in after your post.  ", p);
  EXPECT_EQ(sent.body, "Checking in after your post.");
  EXPECT_EQ(sent.from, "Clinician");
  ASSERT_TRUE(sent.author.has_value());
  EXPECT_EQ(sent.author->pseudonym, "Staff Alder");

  const auto page = moderation().my_messages(&author_p_, std::nullopt);
  ASSERT_EQ(page.messages.size(), 1u);
  EXPECT_EQ(page.unread_count, 1);
  const auto json = services::staff_message_json(page.messages[0]);
  EXPECT_EQ(json["from"], "Clinician");
  EXPECT_EQ(json["post_id"], p);
  EXPECT_EQ(json["network"]["slug"], "default");
  EXPECT_FALSE(json.contains("author"));
  EXPECT_EQ(json.dump().find("Staff Alder"), std::string::npos);

  const auto events = inbox->events();
  ASSERT_EQ(events.size(), 1u);
  const auto event = nlohmann::json::parse(events[0]);
  EXPECT_EQ(event["type"], "staff_message");
  EXPECT_EQ(event["message"]["body"], "Checking in after your post.");
  EXPECT_EQ(events[0].find("Staff Alder"), std::string::npos);

  // Nobody else sees it; reading it clears the count.
  EXPECT_TRUE(moderation().my_messages(&reader_p_, std::nullopt).messages.empty());
  EXPECT_EQ(moderation().mark_messages_read(&reader_p_, at(), {sent.id}), 0);
  EXPECT_EQ(moderation().my_messages(&author_p_, std::nullopt).unread_count, 1);
  EXPECT_EQ(moderation().mark_messages_read(&author_p_, at(), {sent.id}), 0);
  EXPECT_TRUE(moderation().my_messages(&author_p_, std::nullopt).messages[0].read);
  ASSERT_EQ(audit("member.message").size(), 1u);
  EXPECT_EQ(audit("member.message")[0].target_id, std::to_string(author_));
}

TEST_F(ModerationQueueTest, MessagesStayInsideTheNetwork) {
  EXPECT_EQ(test::error_code_of([&] { moderation().send_message(&clin_b_p_, at(), author_, "default", "Hello", std::nullopt); }),
            "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().send_message(&clin_a_p_, at(), member_b_, "default", "Hello", std::nullopt); }),
            "member_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().send_message(&clin_a_p_, at(), 999999, "default", "Hello", std::nullopt); }),
            "member_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().send_message(&reader_p_, at(), author_, "default", "Hello", std::nullopt); }),
            "not_allowed");
  const auto other = write([&](store::Connection& c) {
    store::NewPost p;
    p.network_id = net_b_;
    p.kind = "blog_post";
    p.author_id = member_b_;
    p.author_role = "member";
    p.title = "Elsewhere";
    p.body = "Text";
    p.state = "published";
    return store::insert_post(c, p, kNow);
  });
  EXPECT_EQ(test::error_code_of([&] { moderation().send_message(&clin_a_p_, at(), author_, "default", "Hello", other); }),
            "post_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().send_message(&clin_a_p_, at(), author_, "default", "   ", std::nullopt); }),
            "text_too_short");
  EXPECT_EQ(COUNT_ROWS("SELECT count(*) FROM staff_messages"), 0);
}

TEST_F(ModerationQueueTest, ASilenceLastsItsHoursAndCanBeLifted) {
  EXPECT_EQ(test::error_code_of([&] { moderation().silence(&clin_a_p_, at(), author_, "default", 0, "Cooling off"); }), "invalid_hours");
  EXPECT_EQ(test::error_code_of([&] { moderation().silence(&clin_a_p_, at(), author_, "default", 721, "Cooling off"); }), "invalid_hours");
  EXPECT_EQ(test::error_code_of([&] { moderation().silence(&clin_a_p_, at(), author_, "default", 24, ""); }), "invalid_reason");
  EXPECT_EQ(test::error_code_of([&] { moderation().silence(&clin_a_p_, at(), volunteer_a_, "default", 24, "Cooling off"); }),
            "cannot_silence_staff");
  EXPECT_EQ(test::error_code_of([&] { moderation().silence(&reader_p_, at(), author_, "default", 24, "Cooling off"); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().silence(&clin_b_p_, at(), author_, "default", 24, "Cooling off"); }),
            "network_not_found");

  const auto until = moderation().silence(&clin_a_p_, at(), author_, "default", 24, "Three unkind replies today");
  EXPECT_EQ(until, core::format_utc_ms(t0_ + 24h));
  const auto active = [&](std::chrono::system_clock::time_point t, std::int64_t net) {
    return read([&](store::Connection& c) { return store::active_silence_until(c, net, author_, core::format_utc_ms(t)); });
  };
  EXPECT_EQ(active(t0_ + 23h, net_a_), until);
  EXPECT_FALSE(active(t0_ + 25h, net_a_).has_value());
  EXPECT_FALSE(active(t0_ + 1h, net_b_).has_value());
  EXPECT_EQ(moderation().member_record(&vol_a_p_, at(), author_, "default").silenced_until, until);
  ASSERT_EQ(audit("member.silence").size(), 1u);
  EXPECT_EQ(audit("member.silence")[0].reason, "Three unkind replies today");

  moderation().unsilence(&vol_a_p_, at(60min), author_, "default", "Talked it through");
  EXPECT_FALSE(active(t0_ + 2h, net_a_).has_value());
  EXPECT_EQ(test::error_code_of([&] { moderation().unsilence(&vol_a_p_, at(61min), author_, "default", "Again"); }), "not_silenced");
  EXPECT_EQ(audit("member.unsilence").size(), 1u);
}

TEST_F(ModerationQueueTest, PrivateNotesAreForStaffOfTheNetworkOnly) {
  const auto note = moderation().add_note(&clin_a_p_, at(), author_, "default", "Prefers short replies; GP aware.");
  EXPECT_EQ(note.author.pseudonym, "Staff Alder");
  const auto record = moderation().member_record(&vol_a_p_, at(), author_, "default");
  EXPECT_EQ(record.pseudonym, "Quiet River");
  ASSERT_EQ(record.notes.size(), 1u);
  EXPECT_EQ(record.notes[0].body, "Prefers short replies; GP aware.");
  EXPECT_EQ(test::error_code_of([&] { moderation().member_record(&author_p_, at(), author_, "default"); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().member_record(&clin_b_p_, at(), author_, "default"); }), "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().add_note(&clin_a_p_, at(), author_, "default", std::string(4001, 'x')); }),
            "text_too_long");
  // The member's own messages never include notes; the log records a note without its text.
  EXPECT_TRUE(moderation().my_messages(&author_p_, std::nullopt).messages.empty());
  const auto rows = audit("member.note");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].details.dump().find("GP aware"), std::string::npos);
}

TEST_F(ModerationQueueTest, StaffOfAnotherNetworkCannotTouchItems) {
  const auto id = held_item();
  EXPECT_EQ(test::error_code_of([&] { moderation().claim(&clin_b_p_, at(), id); }), "item_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().release(&clin_b_p_, at(), id); }), "item_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().claim(&reader_p_, at(), id); }), "not_allowed");
  auto no2fa = clin_a_p_;
  no2fa.second_factor_done = false;
  EXPECT_EQ(test::error_code_of([&] { moderation().claim(&no2fa, at(), id); }), "second_factor_required");
  EXPECT_FALSE(item_row(id).claimed_by.has_value());
}
