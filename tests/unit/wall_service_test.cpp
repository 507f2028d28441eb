// The Wall through WallService and WallFeed on a real database and a real hub: who hears which
// event (held messages only to their author and staff), that the feed publishes every stored
// event once and in order even when many writers race, resume with exactly what was missed,
// office hours, the rate limit, and the short Markdown profile.
#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/markdown.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "services/wall_service.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/office_hours_repo.hpp"
#include "store/post_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/fixed_time.hpp"
#include "support/service_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace harbour;
using namespace std::chrono_literals;
using nlohmann::json;
using services::Principal;
using services::Role;

namespace {

using harbour::test::kNow;

class Inbox final : public live::Subscriber {
 public:
  void deliver(const live::Payload& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(json::parse(*event));
  }
  void end(int, const std::string&) override {}
  std::vector<json> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  // Stored events only (presence and hours come on the Wall topic too, on the feed's tick).
  std::vector<json> stored() {
    std::vector<json> out;
    for (auto& e : events()) {
      if (e.contains("event_id")) out.push_back(e);
    }
    return out;
  }
  std::vector<json> of_type(const std::string& type) {
    std::vector<json> out;
    for (auto& e : events()) {
      if (e["type"] == type) out.push_back(e);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<json> events_;
};

class WallTest : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    services::ServicesOptions options;
    options.wall.member_messages_per_minute = 600;
    options.wall.staff_messages_per_minute = 600;
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, options);
    write([&](store::Connection& c) {
      net_ = store::find_network_by_slug(c, "default")->id;
      auto user = [&](const char* pseudonym, const char* role) {
        const auto id = store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", false, kNow);
        store::upsert_membership(c, id, net_, role);
        return id;
      };
      ann_ = test::principal_with(user("Quiet River", "member"), "Quiet River", {{net_, Role::Member}});
      ben_ = test::principal_with(user("Calm Sea", "member"), "Calm Sea", {{net_, Role::Member}});
      carer_ = test::principal_with(user("Kind Oak", "carer"), "Kind Oak", {{net_, Role::Carer}});
      clinician_ = test::principal_with(user("Staff Alder", "clinician"), "Staff Alder", {{net_, Role::Clinician}});
    });
    publish_members_at_once();
    hub_.subscribe(services::wall_topic(net_), everyone_);
    hub_.subscribe(services::wall_staff_topic(net_), staff_);
    hub_.subscribe(services::wall_author_topic(net_, ann_.user_id), ann_own_);
    hub_.subscribe(services::wall_author_topic(net_, ben_.user_id), ben_own_);
  }

  void publish_members_at_once() {
    write([&](store::Connection& c) { store::upsert_moderation_policy(c, net_, "post_moderate", 0, kNow); });
  }
  void hold_new_members() {
    write([&](store::Connection& c) { store::upsert_moderation_policy(c, net_, "first_posts", 3, kNow); });
  }

  services::RequestMeta meta() const { return {"192.0.2.7", clock_.system_now()}; }
  services::WallService& wall() { return services_->wall(); }

  services::CreatedPost say(const Principal& who, const std::string& body, std::optional<std::int64_t> reply_to = std::nullopt) {
    services::PostInput in;
    in.body = body;
    return wall().post(&who, meta(), "default", in, reply_to);
  }

  // The feed runs on its own thread; this makes the test's wait short and certain.
  void settle() { services_->wall_feed().publish_pending(); }

  core::RealClock clock_;
  live::Hub hub_;
  std::unique_ptr<services::Services> services_;
  std::int64_t net_ = 0;
  Principal ann_, ben_, carer_, clinician_;
  std::shared_ptr<Inbox> everyone_ = std::make_shared<Inbox>();
  std::shared_ptr<Inbox> staff_ = std::make_shared<Inbox>();
  std::shared_ptr<Inbox> ann_own_ = std::make_shared<Inbox>();
  std::shared_ptr<Inbox> ben_own_ = std::make_shared<Inbox>();
};

TEST_F(WallTest, APublishedMessageReachesEveryoneOnceWithTheServersBadge) {
  const auto m = say(ann_, "Good morning, everyone");
  EXPECT_EQ(m.post.row.kind, "wall_message");
  EXPECT_EQ(m.post.row.state, "published");
  say(clinician_, "Morning! The team is here until five.");
  settle();
  const auto got = everyone_->of_type("wall_message");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_LT(got[0]["event_id"].get<std::int64_t>(), got[1]["event_id"].get<std::int64_t>());
  EXPECT_EQ(got[0]["message"]["body_html"], "<p>Good morning, everyone</p>\n");
  EXPECT_TRUE(got[0]["message"]["author"]["badge"].is_null());
  EXPECT_EQ(got[1]["message"]["author"]["badge"], "Clinician");
  EXPECT_EQ(got[0]["network"], "default");
  EXPECT_TRUE(staff_->events().empty());  // published events go to the Wall topic only
  EXPECT_TRUE(ann_own_->events().empty());
}

TEST_F(WallTest, AHeldMessageReachesOnlyItsAuthorAndStaffUntilApproved) {
  hold_new_members();
  const auto m = say(ann_, "Is anyone else finding evenings hard?");
  ASSERT_EQ(m.post.row.state, "held");
  settle();
  EXPECT_TRUE(everyone_->stored().empty());
  EXPECT_TRUE(ben_own_->events().empty());
  ASSERT_EQ(ann_own_->of_type("wall_message").size(), 1u);
  ASSERT_EQ(staff_->of_type("wall_message").size(), 1u);
  EXPECT_EQ(staff_->of_type("wall_message")[0]["message"]["state"], "held");

  // Ben's page and history do not have it; the clinician's do.
  EXPECT_TRUE(wall().page(&ben_, "default", std::nullopt, clock_.system_now()).messages.empty());
  EXPECT_EQ(wall().page(&clinician_, "default", std::nullopt, clock_.system_now()).messages.size(), 1u);
  EXPECT_TRUE(wall().events_after(&ben_, "default", 0)["events"].empty());
  EXPECT_EQ(wall().events_after(&clinician_, "default", 0)["events"].size(), 1u);

  write([&](store::Connection& c) { store::set_post_state(c, m.post.row.id, "published", std::nullopt, kNow); });
  settle();
  const auto now_public = everyone_->of_type("wall_message");
  ASSERT_EQ(now_public.size(), 1u);
  EXPECT_EQ(now_public[0]["message"]["state"], "published");
  EXPECT_EQ(wall().events_after(&ben_, "default", 0)["events"].size(), 1u);
}

TEST_F(WallTest, RemovalAndReactionsAreEventsForEveryone) {
  // Events render the message as it is when they go out (a hidden message's earlier events are
  // not sent), so each step is published before the next; otherwise a slow feed thread (TSan)
  // sends only the removal.
  const auto m = say(ann_, "Thank you all for yesterday");
  settle();
  services_->posts().react(&ben_, meta(), m.post.row.id, "support", true);
  settle();
  services_->posts().hide(&clinician_, meta(), m.post.row.id, "Shares a full name by mistake");
  settle();
  const auto all = everyone_->stored();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1]["type"], "wall_reactions");
  EXPECT_EQ(all[1]["reactions"]["support"], 1);
  EXPECT_EQ(all[2]["type"], "wall_removed");
  EXPECT_EQ(all[2]["message_id"], m.post.row.id);
  EXPECT_TRUE(wall().page(&ben_, "default", std::nullopt, clock_.system_now()).messages.empty());
}

TEST_F(WallTest, ManyWritersRacingArePublishedOnceEachInIdOrder) {
  constexpr int kThreads = 4;
  constexpr int kEach = 15;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) say(t % 2 ? ann_ : clinician_, "Message " + std::to_string(t) + "-" + std::to_string(i));
    });
  }
  for (auto& w : writers) w.join();
  settle();
  const auto got = everyone_->of_type("wall_message");
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kThreads * kEach));
  std::set<std::int64_t> ids;
  for (std::size_t i = 0; i < got.size(); ++i) {
    ids.insert(got[i]["event_id"].get<std::int64_t>());
    if (i > 0) {
      EXPECT_LT(got[i - 1]["event_id"].get<std::int64_t>(), got[i]["event_id"].get<std::int64_t>());
    }
  }
  EXPECT_EQ(ids.size(), got.size());
}

TEST_F(WallTest, ResumeGivesExactlyWhatWasMissed) {
  say(ann_, "one");
  const auto mark = wall().events_after(&ben_, "default", 0)["last_event_id"].get<std::int64_t>();
  say(ann_, "two");
  say(clinician_, "three");
  const auto r = wall().events_after(&ben_, "default", mark);
  EXPECT_EQ(r["type"], "wall_resume");
  EXPECT_FALSE(r["reset"].get<bool>());
  ASSERT_EQ(r["events"].size(), 2u);
  EXPECT_EQ(r["events"][0]["message"]["body_html"], "<p>two</p>\n");
  EXPECT_EQ(r["events"][1]["message"]["body_html"], "<p>three</p>\n");
  EXPECT_EQ(r["last_event_id"], r["events"][1]["event_id"]);
  // Sockets drop an event they already sent by reading its id from the frame's start.
  EXPECT_EQ(live::event_id_of(r["events"][1].dump()), r["events"][1]["event_id"].get<std::int64_t>());
  EXPECT_TRUE(wall().events_after(&ben_, "default", r["last_event_id"].get<std::int64_t>())["events"].empty());
  // An id this server never gave out cannot be resumed from.
  EXPECT_TRUE(wall().events_after(&ben_, "default", 1'000'000)["reset"].get<bool>());
}

TEST_F(WallTest, ARiskMessageIsHeldOpensACaseAndShowsItsAuthorTheCrisisRoutes) {
  const auto m = say(ann_, "Tonight I want to kill myself");
  EXPECT_EQ(m.post.row.state, "held");
  ASSERT_TRUE(m.decision.risk.has_value());  // the API answers moderation.crisis for the author alone
  const auto cases = db_->read([&](store::Connection& c) {
    auto& q = c.prepare("SELECT count(*) FROM safeguarding_cases WHERE post_id = ?1 AND tier = 'urgent'");
    q.bind(1, m.post.row.id);
    q.step();
    const auto n = q.column_int64(0);
    q.reset();
    return n;
  });
  EXPECT_EQ(cases, 1);
  settle();
  EXPECT_TRUE(everyone_->stored().empty());  // other members never see it
  EXPECT_EQ(staff_->of_type("wall_message").size(), 1u);
}

TEST_F(WallTest, MoreThanTheResumeHoldsAsksForAReload) {
  write([&](store::Connection& c) {
    store::NewPost p{.network_id = net_, .kind = "wall_message", .author_id = ann_.user_id, .author_role = "member",
                     .category_id = std::nullopt, .parent_id = std::nullopt, .title = std::nullopt, .body = "x",
                     .content_notes = "", .state = "published"};
    for (int i = 0; i <= services::kWallResumeMax; ++i) store::insert_post(c, p, kNow);
  });
  const auto r = wall().events_after(&ben_, "default", 0);
  EXPECT_TRUE(r["reset"].get<bool>());
  EXPECT_TRUE(r["events"].empty());
}

TEST_F(WallTest, RepliesNeedAPublishedMessageOfThisWall) {
  const auto m = say(ann_, "Anyone tried the breathing exercise?");
  const auto r = say(ben_, "Yes, it helped me sleep.", m.post.row.id);
  EXPECT_EQ(r.post.row.kind, "wall_reply");
  EXPECT_EQ(wall().page(&ann_, "default", std::nullopt, clock_.system_now()).messages.at(0).replies.size(), 1u);
  EXPECT_EQ(test::error_code_of([&] { say(ben_, "To a reply", r.post.row.id); }), "post_not_found");
  EXPECT_EQ(test::error_code_of([&] { say(ben_, "To nothing", 999'999); }), "post_not_found");
}

TEST_F(WallTest, OutsideOfficeHoursMembersReadAndStaffStillWrite) {
  write([&](store::Connection& c) {
    // Open only on a day that is not today (the hours exist, so the office is closed now).
    const auto today = std::chrono::weekday(std::chrono::floor<std::chrono::days>(clock_.system_now())).iso_encoding();
    const int other = static_cast<int>(today % 7 + 1);
    store::replace_office_hours(c, net_, {{other, "09:00", "09:01"}}, {}, "2000-01-01");
  });
  const auto page = wall().page(&ann_, "default", std::nullopt, clock_.system_now());
  EXPECT_FALSE(page.can_post);
  EXPECT_NE(page.read_only_reason.find("116 123"), std::string::npos);
  EXPECT_EQ(test::error_code_of([&] { say(ann_, "Hello?"); }), "wall_closed");
  EXPECT_EQ(say(clinician_, "We are away; back tomorrow.").post.row.state, "published");
  EXPECT_TRUE(wall().page(&clinician_, "default", std::nullopt, clock_.system_now()).can_post);
}

TEST_F(WallTest, CarersAreNotOnTheWallAndTheRateLimitHolds) {
  EXPECT_EQ(test::error_code_of([&] { wall().page(&carer_, "default", std::nullopt, clock_.system_now()); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { say(carer_, "hello"); }), "not_allowed");

  // The default limits: 6 a minute, 2 at once.
  services::WallService limited(*db_, services_->notifications(), services_->cases(), hub_, {6, 30});
  services::PostInput in;
  in.body = "quick";
  // A refused message does not use up the limit.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(test::error_code_of([&] { limited.post(&ben_, meta(), "default", in, std::int64_t{999'999}); }), "post_not_found");
  }
  limited.post(&ben_, meta(), "default", in, std::nullopt);
  limited.post(&ben_, meta(), "default", in, std::nullopt);
  try {
    limited.post(&ben_, meta(), "default", in, std::nullopt);
    FAIL() << "the third message at once should wait";
  } catch (const core::AppError& e) {
    EXPECT_EQ(e.code(), "rate_limited");
    EXPECT_GT(e.retry_after().count(), 0);
  }
  EXPECT_EQ(test::error_code_of([&] { say(ben_, std::string(1001, 'a')); }), "text_too_long");
}

TEST(WallMarkdown, TheShortProfileFlattensBlocksAndKeepsInlineFormatting) {
  using services::MarkdownProfile;
  EXPECT_EQ(services::render_markdown("# Loud", MarkdownProfile::Short), "<p>Loud</p>\n");
  EXPECT_EQ(services::render_markdown("# Loud", MarkdownProfile::Full), "<h1>Loud</h1>\n");
  EXPECT_EQ(services::render_markdown("> quoted *kindly*", MarkdownProfile::Short), "<p>quoted <em>kindly</em></p>\n");
  EXPECT_EQ(services::render_markdown("```\ncode\n```", MarkdownProfile::Short), "<p>code</p>\n");
  EXPECT_EQ(services::render_markdown("a\n\n---\n\nb", MarkdownProfile::Short), "<p>a</p>\n<p>b</p>\n");
  EXPECT_EQ(services::render_markdown("## [x](https://nhs.uk) ![i](https://e.x/p.png)", MarkdownProfile::Short),
            "<p><a href=\"https://nhs.uk\">x</a> i</p>\n");
}

}  // namespace
