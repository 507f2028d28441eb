// Notifications (who is told, what a notification shows, reading them, the live push) and mutes,
// on a real temporary database.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/notification_service.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/notification_repo.hpp"
#include "store/post_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/service_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace harbour;

namespace {

class NotificationServiceTest : public test::DatabaseTest {
 protected:
  std::string now() const { return core::format_utc_ms(clock_.system_now()); }

  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    write([&](store::Connection& c) {
      net_ = store::find_network_by_slug(c, "default")->id;
      other_net_ = store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
      c.prepare("INSERT INTO categories (network_id, name, created_at) VALUES (?1, 'General', ?2)").bind(1, net_).bind(2, now()).run();
      category_ = c.last_insert_rowid();
    });
    alice_ = user("Alice Harbour", "member");
    bob_ = user("Bob Harbour", "member");
  }

  std::int64_t user(const char* pseudonym, const char* role, std::int64_t network = 0) {
    return write([&](store::Connection& c) {
      const auto id = store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", false, now());
      if (role) store::upsert_membership(c, id, network ? network : net_, role);
      return id;
    });
  }

  services::Principal principal(std::int64_t user_id) {
    return db_->read([&](store::Connection& c) {
      services::Principal p;
      const auto u = store::find_user(c, user_id);
      p.user_id = user_id;
      p.pseudonym = u->pseudonym;
      p.is_admin = u->is_admin;
      p.suspended = u->status != "active";
      for (const auto& m : store::memberships_of(c, user_id)) {
        p.memberships.push_back({m.network_id, m.network_slug, m.network_name, *services::parse_role(m.role), m.status == "active"});
      }
      return p;
    });
  }

  std::int64_t topic(std::int64_t author, const char* title, const char* body) {
    return write([&](store::Connection& c) {
      store::NewPost p{net_, "topic", author, "member", category_, std::nullopt, std::string(title), body, "", "published"};
      return store::insert_post(c, p, now());
    });
  }
  std::int64_t reply(std::int64_t author, std::int64_t topic_id, const char* body) {
    return write([&](store::Connection& c) {
      store::NewPost p{net_, "reply", author, "member", category_, topic_id, std::nullopt, body, "", "published"};
      return store::insert_post(c, p, now());
    });
  }

  std::optional<std::int64_t> notify(std::int64_t recipient, const char* kind, std::int64_t post,
                                     std::optional<std::int64_t> actor, std::int64_t network = 0) {
    return write([&](store::Connection& c) {
      return store::insert_notification(c, {recipient, network ? network : net_, kind, post, actor}, now());
    });
  }

  services::RequestMeta meta() const { return {"127.0.0.1", clock_.system_now()}; }
  services::NotificationService& notifications() { return services_->notifications(); }

  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<services::Services> services_;
  std::int64_t net_ = 0, other_net_ = 0, category_ = 0, alice_ = 0, bob_ = 0;
};

TEST_F(NotificationServiceTest, InsertSkipsTheActorTellingThemselves) {
  const auto t = topic(alice_, "My evening", "Quiet");
  EXPECT_FALSE(notify(alice_, "reply", t, alice_));
  EXPECT_TRUE(notify(bob_, "reply", t, alice_));
}

TEST_F(NotificationServiceTest, InsertSkipsAMutedActorButNeverAModerationDecision) {
  const auto t = topic(alice_, "My evening", "Quiet");
  const auto r = reply(bob_, t, "Hello");
  auto alice = principal(alice_);
  notifications().mute(&alice, meta(), bob_);
  EXPECT_FALSE(notify(alice_, "reply", r, bob_));
  EXPECT_TRUE(notify(alice_, "approved", t, std::nullopt));
}

TEST_F(NotificationServiceTest, InsertSkipsASuspendedRecipient) {
  const auto t = topic(alice_, "My evening", "Quiet");
  write([&](store::Connection& c) { store::set_user_status(c, bob_, "suspended"); });
  EXPECT_FALSE(notify(bob_, "mention", t, alice_));
}

TEST_F(NotificationServiceTest, InsertSkipsARecipientWithoutAnActiveKeyToTheNetwork) {
  const auto t = topic(alice_, "My evening", "Quiet");
  const auto elsewhere = user("Carol Harbour", "member", other_net_);
  EXPECT_FALSE(notify(elsewhere, "mention", t, alice_));
  write([&](store::Connection& c) {
    c.prepare("UPDATE memberships SET status = 'suspended' WHERE user_id = ?1").bind(1, bob_).run();
  });
  EXPECT_FALSE(notify(bob_, "mention", t, alice_));
}

TEST_F(NotificationServiceTest, ListIsNewestFirstInPagesWithTheUnreadCount) {
  const auto t = topic(alice_, "My evening", "Quiet");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 35; ++i) ids.push_back(*notify(alice_, "reply", reply(bob_, t, "Hello"), bob_));
  auto alice = principal(alice_);
  const auto first = notifications().list(&alice, std::nullopt);
  ASSERT_EQ(first.notifications.size(), 30u);
  EXPECT_EQ(first.notifications.front().id, ids.back());
  EXPECT_EQ(first.unread_count, 35);
  ASSERT_TRUE(first.next_before);
  const auto second = notifications().list(&alice, first.next_before);
  ASSERT_EQ(second.notifications.size(), 5u);
  EXPECT_EQ(second.notifications.back().id, ids.front());
  EXPECT_FALSE(second.next_before);
  // Nobody else's notifications are in anyone's list.
  auto bob = principal(bob_);
  EXPECT_TRUE(notifications().list(&bob, std::nullopt).notifications.empty());
}

TEST_F(NotificationServiceTest, MarkReadTouchesOnlyTheCallersOwn) {
  const auto t = topic(alice_, "My evening", "Quiet");
  const auto r = reply(bob_, t, "Hello @Alice Harbour");
  const auto for_alice = *notify(alice_, "reply", r, bob_);
  const auto for_alice_2 = *notify(alice_, "mention", r, bob_);
  const auto for_bob = *notify(bob_, "mention", t, alice_);
  auto alice = principal(alice_);
  auto bob = principal(bob_);
  EXPECT_EQ(notifications().mark_read(&bob, meta(), {for_alice, for_bob}), 0);
  EXPECT_EQ(notifications().unread_count(&alice), 2);
  EXPECT_EQ(notifications().mark_read(&alice, meta(), {for_alice, 999999}), 1);
  const auto page = notifications().list(&alice, std::nullopt);
  EXPECT_EQ(page.notifications[0].id, for_alice_2);
  EXPECT_FALSE(page.notifications[0].read);
  EXPECT_TRUE(page.notifications[1].read);
  EXPECT_EQ(notifications().mark_all_read(&alice, meta()), 0);
  EXPECT_EQ(notifications().unread_count(&alice), 0);
}

TEST_F(NotificationServiceTest, MarkReadRefusesMoreThanAHundredIds) {
  auto alice = principal(alice_);
  std::vector<std::int64_t> ids(101, 1);
  EXPECT_EQ(test::error_code_of([&] { notifications().mark_read(&alice, meta(), ids); }), "invalid_field");
}

TEST_F(NotificationServiceTest, ANotificationShowsThePostAndWhereToOpenIt) {
  const auto t = topic(alice_, "My evening", "Quiet");
  const auto r = reply(bob_, t, "**Thank you** for [this](https://example.org), it _helped_.\n\n# Really");
  notify(alice_, "reply", r, bob_);
  auto alice = principal(alice_);
  const auto n = notifications().list(&alice, std::nullopt).notifications.at(0);
  EXPECT_EQ(n.kind, "reply");
  EXPECT_EQ(n.network_slug, "default");
  EXPECT_EQ(n.post_id, r);
  EXPECT_EQ(n.post_kind, "reply");
  EXPECT_EQ(n.excerpt, "Thank you for this, it helped. Really");
  EXPECT_EQ(n.link_kind, "topic");
  EXPECT_EQ(n.link_id, t);
  EXPECT_EQ(n.link_title, "My evening");
  EXPECT_EQ(n.actor_id, bob_);
  EXPECT_EQ(n.actor_pseudonym, "Bob Harbour");
  EXPECT_FALSE(n.reason);
  const auto j = services::notification_json(n);
  EXPECT_EQ(j["actor"]["pseudonym"], "Bob Harbour");
  EXPECT_EQ(j["link"]["kind"], "topic");
  EXPECT_TRUE(j["reason"].is_null());
  EXPECT_EQ(j["read"], false);
}

TEST_F(NotificationServiceTest, APostHiddenLaterShowsNoExcerptToOthersButItsAuthorKeepsTheReason) {
  const auto t = topic(alice_, "My evening", "Quiet");
  const auto r = reply(bob_, t, "Something that was hidden");
  notify(alice_, "reply", r, bob_);
  write([&](store::Connection& c) { store::set_post_state(c, r, "hidden", std::string("Shares a phone number"), now()); });
  notify(bob_, "hidden", r, std::nullopt);
  auto alice = principal(alice_);
  const auto seen_by_alice = notifications().list(&alice, std::nullopt).notifications.at(0);
  EXPECT_EQ(seen_by_alice.excerpt, "");
  EXPECT_FALSE(seen_by_alice.reason);
  auto bob = principal(bob_);
  const auto seen_by_bob = notifications().list(&bob, std::nullopt).notifications.at(0);
  EXPECT_EQ(seen_by_bob.kind, "hidden");
  EXPECT_EQ(seen_by_bob.excerpt, "Something that was hidden");
  EXPECT_EQ(seen_by_bob.reason, "Shares a phone number");
  EXPECT_FALSE(seen_by_bob.actor_id);
  EXPECT_TRUE(services::notification_json(seen_by_bob)["actor"].is_null());
}

TEST_F(NotificationServiceTest, NothingIsListedOnceTheRecipientHasLeftTheNetwork) {
  const auto t = topic(alice_, "My evening", "Quiet");
  notify(alice_, "reply", reply(bob_, t, "Hello"), bob_);
  write([&](store::Connection& c) {
    c.prepare("UPDATE memberships SET status = 'suspended' WHERE user_id = ?1").bind(1, alice_).run();
  });
  auto alice = principal(alice_);
  const auto page = notifications().list(&alice, std::nullopt);
  EXPECT_TRUE(page.notifications.empty());
  EXPECT_EQ(page.unread_count, 0);
}

TEST_F(NotificationServiceTest, PublishNewReachesOnlyTheRecipientsLiveTopic) {
  const auto t = topic(alice_, "My evening", "Quiet");
  const auto id = *notify(alice_, "reply", reply(bob_, t, "Hello there"), bob_);
  auto alice_socket = std::make_shared<test::RecordingSubscriber>();
  auto bob_socket = std::make_shared<test::RecordingSubscriber>();
  hub_.subscribe("user:" + std::to_string(alice_), alice_socket);
  hub_.subscribe("user:" + std::to_string(bob_), bob_socket);
  // An id that does not exist is skipped, not thrown; a recipient with no socket is not read.
  notifications().publish_new({{id, alice_}, {424242, alice_}, {id, 999999}});
  ASSERT_EQ(alice_socket->events().size(), 1u);
  EXPECT_TRUE(bob_socket->events().empty());
  const auto event = nlohmann::json::parse(alice_socket->events()[0]);
  EXPECT_EQ(event["type"], "notification");
  EXPECT_EQ(event["unread_count"], 1);
  EXPECT_EQ(event["notification"]["id"], id);
  EXPECT_EQ(event["notification"]["post"]["excerpt"], "Hello there");
  EXPECT_EQ(event["notification"]["network"]["name"], "Talking Therapies");
}

TEST_F(NotificationServiceTest, MutesRefuseSelfStaffAndStrangers) {
  auto alice = principal(alice_);
  const auto clinician = user("Dr Harbour", "clinician");
  const auto stranger = user("Erin Elsewhere", "member", other_net_);
  const auto admin = write([&](store::Connection& c) {
    return store::insert_user(c, "Admin Harbour", services::pseudonym_key("Admin Harbour"), "x", true, now());
  });
  write([&](store::Connection& c) { store::upsert_membership(c, admin, net_, "member"); });
  EXPECT_EQ(test::error_code_of([&] { notifications().mute(&alice, meta(), alice_); }), "cannot_mute_self");
  EXPECT_EQ(test::error_code_of([&] { notifications().mute(&alice, meta(), clinician); }), "cannot_mute_staff");
  EXPECT_EQ(test::error_code_of([&] { notifications().mute(&alice, meta(), admin); }), "cannot_mute_staff");
  EXPECT_EQ(test::error_code_of([&] { notifications().mute(&alice, meta(), stranger); }), "user_not_found");
  EXPECT_EQ(test::error_code_of([&] { notifications().mute(&alice, meta(), 999999); }), "user_not_found");
  EXPECT_TRUE(notifications().mutes(&alice).empty());
}

TEST_F(NotificationServiceTest, MutingIsIdempotentListedAndUndone) {
  auto alice = principal(alice_);
  const auto first = notifications().mute(&alice, meta(), bob_);
  const auto again = notifications().mute(&alice, meta(), bob_);
  EXPECT_EQ(first.pseudonym, "Bob Harbour");
  EXPECT_EQ(again.since, first.since);
  const auto list = notifications().mutes(&alice);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, bob_);
  notifications().unmute(&alice, bob_);
  notifications().unmute(&alice, bob_);
  EXPECT_TRUE(notifications().mutes(&alice).empty());
}

TEST_F(NotificationServiceTest, SignedOutOrSuspendedCallersAreRefused) {
  EXPECT_EQ(test::error_code_of([&] { notifications().list(nullptr, std::nullopt); }), "sign_in_required");
  write([&](store::Connection& c) { store::set_user_status(c, bob_, "suspended"); });
  auto bob = principal(bob_);
  EXPECT_EQ(test::error_code_of([&] { notifications().mute(&bob, meta(), alice_); }), "account_suspended");
}

TEST(PlainExcerpt, CutsAtACharacterBoundaryWithAnEllipsis) {
  const std::string body = std::string(10, 'a') + "é" + std::string(200, 'b');
  const auto out = services::plain_excerpt(body, 11);
  EXPECT_EQ(out, std::string(10, 'a') + "é…");
  EXPECT_EQ(services::plain_excerpt("> quoted `code` ![a photo](x.png) <https://nhs.uk>", 140), "quoted code a photo https://nhs.uk");
}

}  // namespace
