// The safety rules of the moderation gate through the real binary over TLS: office hours and
// closures as people see them, the out-of-hours hold, watched words in each tier (refuse, hold,
// flag), the anonymity guard, risk phrases (held, a case with a deadline, help for the author at
// once, the clinician on shift told live, nobody else), and members' reports of a post.
//
// Each test starts its own server: start-up and a handful of accounts (staff enrol TOTP) take a
// few hundred milliseconds, so tests stay independent at little cost.
#include "content_client.hpp"
#include "json_checks.hpp"
#include "server_process.hpp"

#include "core/clock.hpp"
#include "services/office_hours.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace harbour::test;
using nlohmann::json;
namespace services = harbour::services;
namespace core = harbour::core;

namespace {

class SafetyFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    admin_ = std::make_unique<Person>(join(*server_, "Pat Keeper", "admin"));
    clinician_ = std::make_unique<Person>(join(*server_, "Morgan Reed", "clinician"));
    auto r = admin_->post("/api/v1/networks/default/categories",
                          {{"name", "Everyday support"}, {"description", "Talk about the week."}, {"position", 10},
                           {"read", {"member", "carer"}}, {"post", {"member", "carer"}}});
    ASSERT_EQ(r.status, 201) << r.body;
    category_ = r.json["category"]["id"].get<std::int64_t>();
    // Members' posts publish unless a safety rule holds them, so each test sees only its own rule
    // (the default policy would hold every member's first posts as "new_member").
    r = admin_->put("/api/v1/networks/default/moderation/policy", {{"mode", "post_moderate"}, {"first_posts", 0}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  std::string topics_path() const { return "/api/v1/categories/" + std::to_string(category_) + "/topics"; }

  // The open queue item of a post, or null.
  json open_item_for(std::int64_t post_id) {
    auto r = clinician_->get("/api/v1/networks/default/moderation/queue?state=open");
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& item : r.json.value("items", json::array())) {
      if (item["post"].value("id", std::int64_t{0}) == post_id) return item;
    }
    return nullptr;
  }

  json open_items() {
    auto r = clinician_->get("/api/v1/networks/default/moderation/queue?state=open");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json.value("items", json::array());
  }

  // Active cases of the network (as a clinician sees the list).
  json active_cases() {
    auto r = clinician_->get("/api/v1/networks/default/cases");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json.value("cases", json::array());
  }

  json case_for_post(std::int64_t post_id) {
    for (const auto& k : active_cases()) {
      if (k["post"].is_object() && k["post"].value("id", std::int64_t{0}) == post_id) return k;
    }
    return nullptr;
  }

  // Replaces the network's week and closures; the answer is the new office-hours object.
  json set_hours(const json& week, const json& closures = json::array()) {
    auto r = admin_->put("/api/v1/networks/default/office-hours", {{"week", week}, {"closures", closures}});
    EXPECT_EQ(r.status, 200) << r.body;
    // The band arithmetic of week_around_now holds for London's offsets only.
    EXPECT_EQ(r.json["status"]["time_zone"], "Europe/London") << r.body;
    return r.json;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Person> admin_;
  std::unique_ptr<Person> clinician_;
  std::int64_t category_ = 0;
};

}  // namespace

// ---- office hours -----------------------------------------------------------------------------

TEST_F(SafetyFlow, OfficeHoursStatusSaysOpenWhenTheWeekCoversNowAndClosedWhenItDoesNot) {
  auto member = join(*server_, "Rowan Birch", "member");
  const auto before = member.get("/api/v1/networks/default/office-hours");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_TRUE(before.json["week"].empty()) << "a fresh network has no hours: " << before.body;
  EXPECT_EQ(before.json["status"]["open"], false);
  EXPECT_TRUE(before.json["status"]["next_change"].is_null());

  // Members read the hours but cannot change them; clinicians cannot either (admins only).
  const json open_week = week_around_now(true);
  EXPECT_EQ(member.put("/api/v1/networks/default/office-hours", {{"week", open_week}}).status, 403);
  EXPECT_EQ(clinician_->put("/api/v1/networks/default/office-hours", {{"week", open_week}}).status, 403);

  const auto now = std::chrono::system_clock::now();
  set_hours(open_week);
  auto open = member.get("/api/v1/networks/default/office-hours");
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(open.json["status"]["open"], true) << open.body;
  EXPECT_EQ(open.json["week"].size(), open_week.size()) << open.body;
  const auto open_summary = open.json["status"]["summary"].get<std::string>();
  EXPECT_TRUE(open_summary.starts_with("Moderators are here until")) << open_summary;
  // It closes within the three-hour band, never sooner than an hour from now.
  const auto closes = instant(open.json["status"]["next_change"]);
  EXPECT_GT(closes, now + std::chrono::minutes(55)) << open.body;
  EXPECT_LE(closes, now + std::chrono::hours(3)) << open.body;

  set_hours(week_around_now(false));
  auto closed = member.get("/api/v1/networks/default/office-hours");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json["status"]["open"], false) << closed.body;
  const auto closed_summary = closed.json["status"]["summary"].get<std::string>();
  EXPECT_TRUE(closed_summary.starts_with("We are back at ")) << closed_summary;
  const auto opens = instant(closed.json["status"]["next_change"]);
  EXPECT_GT(opens, now + std::chrono::minutes(55)) << closed.body;
  EXPECT_LE(opens, now + std::chrono::hours(3)) << closed.body;
}

TEST_F(SafetyFlow, AClosureTodayClosesTheServiceAndSaysWhenPeopleAreBack) {
  auto member = join(*server_, "Rowan Birch", "member");
  const json week = week_around_now(true);
  const auto today = services::local_date("Europe/London", std::chrono::system_clock::now());
  const std::string reason = "Staff training day";

  // A closure in the past is refused, and nothing changes.
  const auto yesterday = services::local_date("Europe/London", std::chrono::system_clock::now() - std::chrono::hours(24));
  auto past = admin_->put("/api/v1/networks/default/office-hours",
                          {{"week", week}, {"closures", {{{"day", yesterday}, {"reason", reason}}}}});
  EXPECT_EQ(past.status, 400) << past.body;
  EXPECT_EQ(past.code(), "invalid_closure");
  EXPECT_TRUE(member.get("/api/v1/networks/default/office-hours").json["week"].empty());

  set_hours(week, {{{"day", today}, {"reason", reason}}});
  auto r = member.get("/api/v1/networks/default/office-hours");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"]["open"], false) << "the week covers now, but today is closed: " << r.body;
  ASSERT_EQ(r.json["closures"].size(), 1u) << r.body;
  EXPECT_EQ(r.json["closures"][0]["day"], today);
  EXPECT_EQ(r.json["closures"][0]["reason"], reason);
  // Every day has the same hours, so people are back at the first opening of tomorrow.
  EXPECT_EQ(r.json["status"]["summary"], "We are back at " + week[0]["opens"].get<std::string>() + " tomorrow") << r.body;
  EXPECT_GT(instant(r.json["status"]["next_change"]), std::chrono::system_clock::now()) << r.body;
}

TEST_F(SafetyFlow, OutOfHoursAMembersPostIsHeldAndInHoursItIsPublished) {
  auto member = join(*server_, "Rowan Birch", "member");
  set_hours(week_around_now(false));

  auto held = member.post(topics_path(), topic_body("Late thoughts", "Could not sleep, so writing here."));
  ASSERT_EQ(held.status, 201) << held.body;
  EXPECT_EQ(held.json["moderation"]["outcome"], "held") << held.body;
  EXPECT_EQ(held.json["post"]["state"], "held");
  EXPECT_NE(held.json["moderation"]["message"].get<std::string>().find("not here right now"), std::string::npos)
      << "the author is told why: " << held.body;
  const auto item = open_item_for(held.json["post"]["id"].get<std::int64_t>());
  ASSERT_TRUE(item.is_object()) << "the held post is not in the queue";
  EXPECT_EQ(item["reasons"], json::array({"out_of_hours"})) << item;

  // Staff publish at once, closed or not.
  auto staff = clinician_->post(topics_path(), topic_body("Welcome", "The team reads this in the morning."));
  ASSERT_EQ(staff.status, 201) << staff.body;
  EXPECT_EQ(staff.json["moderation"]["outcome"], "published");

  set_hours(week_around_now(true));
  auto published = member.post(topics_path(), topic_body("Morning", "Slept a bit better in the end."));
  ASSERT_EQ(published.status, 201) << published.body;
  EXPECT_EQ(published.json["moderation"]["outcome"], "published") << published.body;
  EXPECT_EQ(published.json["post"]["state"], "published");
  EXPECT_TRUE(open_item_for(published.json["post"]["id"].get<std::int64_t>()).is_null());
}

// ---- watched words ----------------------------------------------------------------------------

TEST_F(SafetyFlow, RefuseWordIsRefusedWithItsCodeAndNothingIsWritten) {
  auto member = join(*server_, "Rowan Birch", "member");
  auto word = admin_->post("/api/v1/networks/default/watched-words", {{"phrase", "quillfrond"}, {"action", "refuse"}});
  ASSERT_EQ(word.status, 201) << word.body;
  EXPECT_EQ(word.json["word"]["action"], "refuse");

  // The API reference (content.md, safety.md) documents a refusal as 400 content_refused.
  auto refused = member.post(topics_path(), topic_body("A hard week", "Honestly, QUILLFROND, that is all."));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.code(), "content_refused");
  EXPECT_EQ(refused.body.find("uillfrond"), std::string::npos) << "the refusal names the word";
  // In a title too, and on a reply.
  auto titled = member.post(topics_path(), topic_body("Quillfrond again", "Nothing else."));
  EXPECT_EQ(titled.status, 400) << titled.body;
  EXPECT_EQ(titled.code(), "content_refused");

  auto mine = member.get("/api/v1/account/posts");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_TRUE(mine.json["posts"].empty()) << mine.body;
  EXPECT_TRUE(open_items().empty());
  auto list = clinician_->get(topics_path());
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json["topics"].empty()) << list.body;
}

TEST_F(SafetyFlow, HoldWordHoldsThePostWithReasonWatchedWordButNotInsideAnotherWord) {
  auto member = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  auto word = admin_->post("/api/v1/networks/default/watched-words", {{"phrase", "kill"}, {"action", "hold"}});
  ASSERT_EQ(word.status, 201) << word.body;

  auto held = member.post(topics_path(), topic_body("Work", "This commute could kill anyone's mood."));
  ASSERT_EQ(held.status, 201) << held.body;
  EXPECT_EQ(held.json["moderation"]["outcome"], "held") << held.body;
  const auto id = held.json["post"]["id"].get<std::int64_t>();
  EXPECT_EQ(other.get("/api/v1/posts/" + std::to_string(id)).status, 404) << "a held post is shown to others";
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  EXPECT_EQ(item["reasons"], json::array({"watched_word"})) << item;
  EXPECT_EQ(item["matched"], "kill") << "staff see which word held it";
  EXPECT_EQ(item["priority"], 0) << item;

  // Word boundaries: "skilled" is not "kill".
  auto fine = member.post(topics_path(), topic_body("Baking", "My sister is so skilled at bread."));
  ASSERT_EQ(fine.status, 201) << fine.body;
  EXPECT_EQ(fine.json["moderation"]["outcome"], "published") << fine.body;
  EXPECT_EQ(open_items().size(), 1u);
}

TEST_F(SafetyFlow, FlagWordPublishesAndPutsThePostInTheQueueWithReasonFlag) {
  auto member = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  auto word = admin_->post("/api/v1/networks/default/watched-words", {{"phrase", "diet pills"}, {"action", "flag"}});
  ASSERT_EQ(word.status, 201) << word.body;

  auto flagged = member.post(topics_path(), topic_body("Appetite", "Has anyone tried   Diet\nPills for this?"));
  ASSERT_EQ(flagged.status, 201) << flagged.body;
  EXPECT_EQ(flagged.json["moderation"]["outcome"], "published") << flagged.body;
  const auto id = flagged.json["post"]["id"].get<std::int64_t>();
  auto seen = other.get("/api/v1/posts/" + std::to_string(id));
  ASSERT_EQ(seen.status, 200) << "a flagged post is published: " << seen.body;
  EXPECT_EQ(seen.json["post"]["state"], "published");

  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object()) << "the flagged post was not queued for a look";
  EXPECT_EQ(item["reasons"], json::array({"flag"})) << item;
  EXPECT_EQ(item["matched"], "diet pills");
  EXPECT_EQ(item["priority"], 1) << item;
  EXPECT_EQ(item["post"]["state"], "published");

  auto plain = member.post(topics_path(), topic_body("Appetite", "Eating is hard this week."));
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_EQ(open_items().size(), 1u) << "a post without the word was queued";
}

// ---- the anonymity guard ----------------------------------------------------------------------

TEST_F(SafetyFlow, ContentCheckNamesIdentifyingDetailsAndAPostSentAnywayIsHeldForAnonymity) {
  auto member = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const std::string text = "Text me on 07700 900123 or write to jo.bloggs@example.org if you want to talk.";

  auto check = member.post("/api/v1/networks/default/content-check", {{"title", "Talk"}, {"body", text}});
  ASSERT_EQ(check.status, 200) << check.body;
  std::vector<std::string> kinds;
  for (const auto& d : check.json["identifying"]) kinds.push_back(d["kind"].get<std::string>() + "=" + d["excerpt"].get<std::string>());
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"email=jo.bloggs@example.org", "phone=07700 900123"})) << check.body;
  EXPECT_FALSE(check.json["advice"].get<std::string>().empty()) << check.body;
  // Crisis lines are not identifying, and the check never says a word about risk.
  auto help = member.post("/api/v1/networks/default/content-check", {{"body", "I called 116 123 and I want to end my life"}});
  ASSERT_EQ(help.status, 200) << help.body;
  EXPECT_EQ(help.json, json({{"identifying", json::array()}, {"advice", ""}})) << help.body;

  auto sent = member.post(topics_path(), topic_body("Talk", text));
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.json["moderation"]["outcome"], "held") << sent.body;
  std::vector<std::string> told;
  for (const auto& d : sent.json["moderation"]["identifying"]) told.push_back(d["kind"].get<std::string>());
  std::sort(told.begin(), told.end());
  EXPECT_EQ(told, (std::vector<std::string>{"email", "phone"})) << sent.body;
  const auto id = sent.json["post"]["id"].get<std::int64_t>();
  EXPECT_EQ(other.get("/api/v1/posts/" + std::to_string(id)).status, 404);
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  EXPECT_EQ(item["reasons"], json::array({"anonymity"})) << item;
}

// ---- risk -------------------------------------------------------------------------------------

TEST_F(SafetyFlow, RiskPostIsHeldOpensACaseShowsHelpAndAlertsStaffAndTheClinicianOnShiftButNoMember) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto bystander = join(*server_, "Ellis Fern", "member");
  auto off_shift = join(*server_, "Avery Stone", "clinician");
  // The clinician is on the rota now.
  const auto now = std::chrono::system_clock::now();
  auto shift = admin_->post("/api/v1/networks/default/rota",
                            {{"user_id", clinician_->id()}, {"starts_at", core::format_utc_ms(now - std::chrono::minutes(5))},
                             {"ends_at", core::format_utc_ms(now + std::chrono::hours(2))}});
  ASSERT_EQ(shift.status, 201) << shift.body;
  auto on_shift = clinician_->get("/api/v1/networks/default/on-shift");
  ASSERT_EQ(on_shift.status, 200) << on_shift.body;
  ASSERT_EQ(on_shift.json["people"].size(), 1u) << on_shift.body;

  auto clinician_ws = clinician_->open_socket();
  auto author_ws = author.open_socket();
  auto bystander_ws = bystander.open_socket();
  auto off_shift_ws = off_shift.open_socket();
  ASSERT_NE(clinician_ws, nullptr);
  ASSERT_NE(off_shift_ws, nullptr);
  ASSERT_NE(author_ws, nullptr);
  ASSERT_NE(bystander_ws, nullptr);

  auto sent = author.post(topics_path(), topic_body("Tonight", "I want to end my life tonight."));
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.json["moderation"]["outcome"], "held") << sent.body;
  EXPECT_EQ(sent.json["post"]["state"], "held");
  const auto& crisis = sent.json["moderation"]["crisis"];
  ASSERT_TRUE(crisis.is_object()) << "the author's answer carries no crisis help: " << sent.body;
  EXPECT_EQ(crisis["show"], true);
  EXPECT_EQ(crisis["office_open"], true) << "no office hours set: always answered at once";
  // What the gate says never names the words that matched, nor the tier.
  const auto said = sent.json["moderation"].dump();
  EXPECT_EQ(said.find("end my life"), std::string::npos) << said;
  EXPECT_EQ(said.find("urgent"), std::string::npos) << said;
  // The routes the client shows with it: public, 999 first.
  auto routes = author.get("/api/v1/networks/default/crisis-contacts");
  ASSERT_EQ(routes.status, 200) << routes.body;
  ASSERT_FALSE(routes.json["crisis_contacts"].empty()) << routes.body;
  EXPECT_EQ(routes.json["crisis_contacts"][0].value("number", ""), "999") << routes.body;

  const auto id = sent.json["post"]["id"].get<std::int64_t>();
  EXPECT_EQ(bystander.get("/api/v1/posts/" + std::to_string(id)).status, 404);
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  EXPECT_EQ(item["reasons"], json::array({"risk"})) << item;
  EXPECT_EQ(item["priority"], 2);
  EXPECT_EQ(item["sensitive"], true);
  EXPECT_EQ(item["needs_second_review"], true);

  const auto k = case_for_post(id);
  ASSERT_TRUE(k.is_object()) << "no case opened for the risk post";
  EXPECT_EQ(k["state"], "open");
  EXPECT_EQ(k["tier"], "urgent");
  EXPECT_EQ(k["member"]["id"], author.id());
  EXPECT_EQ(k["overdue"], false);
  // Without office hours the deadline is the response time (15 minutes) from opening.
  EXPECT_EQ(instant(k["due_at"]) - instant(k["opened_at"]), std::chrono::minutes(15)) << k;
  EXPECT_EQ(author.get("/api/v1/networks/default/cases").status, 403) << "a member listed cases";

  const auto alert = next_message_of_type(*clinician_ws, "case_opened", std::chrono::seconds(3));
  ASSERT_TRUE(alert.has_value()) << "the clinician on shift was not told live";
  EXPECT_EQ((*alert)["case"]["id"], k["id"]);
  EXPECT_EQ((*alert)["case"]["member"]["id"], author.id());
  EXPECT_EQ((*alert)["case"]["due_at"], k["due_at"]);
  // Every staff socket hears it on the staff topic; the clinician on shift hears it a second
  // time on their own topic (websocket.md: clients de-duplicate by case.id). The copy count is
  // the only outside sign of the on-shift path, so it is checked against an off-shift clinician.
  const auto again = next_message_of_type(*clinician_ws, "case_opened", std::chrono::seconds(2));
  ASSERT_TRUE(again.has_value()) << "the clinician on shift was not alerted on their own topic";
  EXPECT_EQ((*again)["case"]["id"], k["id"]);
  const auto staff_copy = next_message_of_type(*off_shift_ws, "case_opened", std::chrono::seconds(2));
  ASSERT_TRUE(staff_copy.has_value()) << "the staff topic did not carry the case";
  EXPECT_EQ((*staff_copy)["case"]["id"], k["id"]);
  EXPECT_FALSE(next_message_of_type(*off_shift_ws, "case_opened", std::chrono::milliseconds(300)).has_value())
      << "a clinician off shift was alerted as if on shift";
  EXPECT_FALSE(next_message_of_type(*author_ws, "case_opened", std::chrono::milliseconds(700)).has_value())
      << "the author's socket heard of the case";
  EXPECT_FALSE(next_message_of_type(*bystander_ws, "case_opened", std::chrono::milliseconds(300)).has_value())
      << "another member's socket heard of the case";
}

TEST_F(SafetyFlow, RiskPostOutOfHoursIsDueFifteenMinutesAfterTheTeamIsBack) {
  auto author = join(*server_, "Rowan Birch", "member");
  const auto hours = set_hours(week_around_now(false));
  const auto back = instant(hours["status"]["next_change"]);

  auto sent = author.post(topics_path(), topic_body("Tonight", "I have written a suicide note."));
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.json["moderation"]["outcome"], "held");
  ASSERT_TRUE(sent.json["moderation"]["crisis"].is_object()) << sent.body;
  EXPECT_EQ(sent.json["moderation"]["crisis"]["office_open"], false) << sent.body;
  EXPECT_EQ(sent.json["moderation"]["crisis"]["office_summary"], hours["status"]["summary"]) << sent.body;
  const auto id = sent.json["post"]["id"].get<std::int64_t>();
  // Risk comes first: the item says risk, not out_of_hours.
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  EXPECT_EQ(item["reasons"], json::array({"risk"})) << item;

  const auto k = case_for_post(id);
  ASSERT_TRUE(k.is_object());
  EXPECT_EQ(instant(k["due_at"]), back + std::chrono::minutes(15)) << k << " back at " << hours["status"];
}

TEST_F(SafetyFlow, RiskTermsMatchWholeWordsOnlySoSkilledIsNotKill) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto term = clinician_->post("/api/v1/networks/default/risk-terms", {{"phrase", "kill"}, {"tier", "concern"}, {"exceptions", json::array()}});
  ASSERT_EQ(term.status, 201) << term.body;

  for (const char* text : {"My sister is so skilled at bread.", "I want to upskill myself this year."}) {
    auto r = author.post(topics_path(), topic_body("Small things", text));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["moderation"]["outcome"], "published") << text << ": " << r.body;
    EXPECT_FALSE(r.json["moderation"].contains("crisis")) << text;
  }
  EXPECT_TRUE(active_cases().empty());
  EXPECT_TRUE(open_items().empty());

  // The term itself, as a word, holds and opens a case (so the two above were not let through
  // by a term that never matches).
  auto r = author.post(topics_path(), topic_body("Small things", "Some days I think about how to kill the pain."));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["moderation"]["outcome"], "held") << r.body;
  const auto k = case_for_post(r.json["post"]["id"].get<std::int64_t>());
  ASSERT_TRUE(k.is_object());
  EXPECT_EQ(k["tier"], "concern");
}

// ---- reports ----------------------------------------------------------------------------------

TEST_F(SafetyFlow, AMemberReportsAPostItJoinsTheQueueAndTheAuthorCannotTellWhoReported) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto reporter = join(*server_, "Juniper Hale", "member");
  auto published = author.post(topics_path(), topic_body("Opinions", "People who need help are weak."));
  ASSERT_EQ(published.status, 201) << published.body;
  ASSERT_EQ(published.json["moderation"]["outcome"], "published");
  const auto id = published.json["post"]["id"].get<std::int64_t>();
  const auto report = "/api/v1/posts/" + std::to_string(id) + "/report";
  const std::string note = "This felt aimed at people like me.";

  auto bad = reporter.post(report, {{"reason", "rude"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.code(), "invalid_report_reason");
  auto own = author.post(report, {{"reason", "unkind"}});
  EXPECT_EQ(own.status, 409) << own.body;
  EXPECT_EQ(own.code(), "own_post");
  EXPECT_TRUE(open_items().empty()) << "a refused report queued the post";

  auto made = reporter.post(report, {{"reason", "unkind"}, {"note", note}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json, json({{"reported", true}}));
  auto twice = reporter.post(report, {{"reason", "spam"}});
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.code(), "already_reported");

  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object()) << "the report did not reach the queue";
  EXPECT_TRUE(contains(item["reasons"], "report")) << item;
  EXPECT_EQ(item["priority"], 1);
  EXPECT_EQ(item["post"]["state"], "published") << "a report does not take a post down by itself";
  EXPECT_EQ(item["reports"]["count"], 1) << item;
  EXPECT_EQ(item["reports"]["reasons"], json::array({"unkind"})) << item;
  EXPECT_EQ(item["reports"]["notes"], json::array({note})) << item;
  // Not even staff are shown who reported, in the queue.
  EXPECT_EQ(item.dump().find(reporter.pseudonym()), std::string::npos) << item;

  // The author still reads their post, is told nothing, and finds no trace of the reporter.
  auto mine = author.get("/api/v1/posts/" + std::to_string(id));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["post"]["state"], "published");
  EXPECT_EQ(mine.body.find(reporter.pseudonym()), std::string::npos);
  auto told = author.get("/api/v1/notifications");
  ASSERT_EQ(told.status, 200) << told.body;
  EXPECT_TRUE(told.json["notifications"].empty()) << told.body;
  EXPECT_EQ(author.get("/api/v1/networks/default/moderation/queue").status, 403);
  auto exported = author.get("/api/v1/account/export");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.body.find(reporter.pseudonym()), std::string::npos) << "the author's data export names the reporter";
  EXPECT_EQ(exported.body.find(note), std::string::npos) << "the author's data export holds the report's note";
}
