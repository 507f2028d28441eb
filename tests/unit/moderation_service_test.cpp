// The basic moderation queue, policy and watched words through ModerationService, on a real
// database with real services: who may look and decide, what a decision changes, and that a
// decision that cannot be made changes nothing.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/audit_log.hpp"
#include "services/moderation_gate.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/fixed_time.hpp"
#include "support/service_fixtures.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace harbour;
using services::Principal;
using services::Role;

namespace {

using harbour::test::kNow;

struct NotificationRow {
  std::int64_t user_id;
  std::string kind;
  std::int64_t post_id;
  std::optional<std::int64_t> actor_id;
};

class ModerationServiceTest : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
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
      topic_author_ = user("Calm Sea", net_a_, "member", false);
      clinician_a_ = user("Staff Alder", net_a_, "clinician", false);
      clinician_b_ = user("Staff Birch", net_b_, "clinician", false);
      admin_ = user("Admin Cedar", std::nullopt, nullptr, true);
    });
    author_p_ = test::principal_with(author_, "Quiet River", {{net_a_, Role::Member}});
    member_p_ = test::principal_with(topic_author_, "Calm Sea", {{net_a_, Role::Member}});
    clin_a_p_ = test::principal_with(clinician_a_, "Staff Alder", {{net_a_, Role::Clinician}});
    clin_b_p_ = test::principal_with(clinician_b_, "Staff Birch", {{net_b_, Role::Clinician}});
    admin_p_ = test::principal_with(admin_, "Admin Cedar", {}, /*admin=*/true);
  }

  services::RequestMeta meta() const { return {"192.0.2.7", clock_.system_now()}; }
  services::ModerationService& moderation() { return services_->moderation(); }

  std::int64_t published_topic() {
    return write([&](store::Connection& c) {
      store::NewPost p;
      p.network_id = net_a_;
      p.kind = "topic";
      p.author_id = topic_author_;
      p.author_role = "member";
      p.category_id = cat_a_;
      p.title = "Sleep after therapy";
      p.body = "How do you all sleep?";
      p.state = "published";
      return store::insert_post(c, p, kNow);
    });
  }

  struct Held {
    std::int64_t post_id;
    std::int64_t item_id;
  };
  // A held post of author_ and its open queue item (a reply when topic_id is set, else a topic).
  Held held(std::optional<std::int64_t> topic_id, std::string body = "I found the first weeks hard.") {
    return write([&](store::Connection& c) {
      store::NewPost p;
      p.network_id = net_a_;
      p.author_id = author_;
      p.author_role = "member";
      p.category_id = cat_a_;
      p.body = body;
      p.state = "held";
      if (topic_id) {
        p.kind = "reply";
        p.parent_id = topic_id;
      } else {
        p.kind = "topic";
        p.title = "My first topic";
      }
      const auto post = store::insert_post(c, p, kNow);
      const auto item = store::insert_moderation_item(c, net_a_, post, "new_member", std::nullopt, kNow);
      return Held{post, item};
    });
  }

  store::PostRow post(std::int64_t id) {
    return read([&](store::Connection& c) { return *store::find_post(c, id); });
  }
  store::ModerationItemRow item_row(std::int64_t id) {
    return read([&](store::Connection& c) { return *store::find_moderation_item(c, id); });
  }
  std::vector<NotificationRow> notifications() {
    return read([&](store::Connection& c) {
      std::vector<NotificationRow> rows;
      auto& s = c.prepare("SELECT user_id, kind, post_id, actor_id FROM notifications ORDER BY id");
      while (s.step()) {
        NotificationRow r{s.column_int64(0), s.column_text(1), s.column_int64(2), std::nullopt};
        if (!s.column_is_null(3)) r.actor_id = s.column_int64(3);
        rows.push_back(std::move(r));
      }
      return rows;
    });
  }
  std::vector<services::AuditRow> audit(const char* action) {
    return read([&](store::Connection& c) {
      services::AuditFilter f;
      f.action = action;
      return services::list_audit(c, f);
    });
  }

  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<services::Services> services_;
  std::int64_t net_a_ = 0, net_b_ = 0, cat_a_ = 0;
  std::int64_t author_ = 0, topic_author_ = 0, clinician_a_ = 0, clinician_b_ = 0, admin_ = 0;
  Principal author_p_, member_p_, clin_a_p_, clin_b_p_, admin_p_;
};

}  // namespace

TEST_F(ModerationServiceTest, ApprovePublishesNotifiesAndAudits) {
  const auto topic = published_topic();
  const auto h = held(topic);

  const auto item = moderation().approve(&clin_a_p_, meta(), h.item_id, std::nullopt);

  EXPECT_EQ(item.state, "approved");
  EXPECT_TRUE(item.decided_at.has_value());
  EXPECT_EQ(item.post.row.state, "published");
  EXPECT_EQ(item.context.kind, "topic");
  EXPECT_EQ(item.context.id, topic);
  EXPECT_EQ(item.context.title, "Sleep after therapy");
  EXPECT_EQ(item.author.id, author_);
  EXPECT_EQ(item.author.pseudonym, "Quiet River");
  EXPECT_EQ(item.author.published_posts, 1);

  const auto p = post(h.post_id);
  EXPECT_EQ(p.state, "published");
  EXPECT_TRUE(p.published_at.has_value());
  EXPECT_EQ(post(topic).reply_count, 1);
  const auto row = item_row(h.item_id);
  EXPECT_EQ(row.decided_by, clinician_a_);

  // The author hears it was approved (no staff name), the topic's author hears of the reply.
  const auto notes = notifications();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].user_id, author_);
  EXPECT_EQ(notes[0].kind, "approved");
  EXPECT_EQ(notes[0].post_id, h.post_id);
  EXPECT_FALSE(notes[0].actor_id.has_value());
  EXPECT_EQ(notes[1].user_id, topic_author_);
  EXPECT_EQ(notes[1].kind, "reply");
  EXPECT_EQ(notes[1].actor_id, author_);

  const auto rows = audit("moderation.approve");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].actor_id, clinician_a_);
  EXPECT_EQ(rows[0].actor_role, "clinician");
  EXPECT_EQ(rows[0].target_type, "post");
  EXPECT_EQ(rows[0].target_id, std::to_string(h.post_id));
  EXPECT_EQ(rows[0].network_id, net_a_);
  EXPECT_EQ(rows[0].session_hash, "sess" + std::to_string(clinician_a_));
  EXPECT_FALSE(rows[0].ip_hash.empty());
  EXPECT_EQ(rows[0].details.value("item_id", 0), h.item_id);
}

TEST_F(ModerationServiceTest, ApproveKeepsAnOptionalReason) {
  const auto h = held(std::nullopt);
  const auto item = moderation().approve(&admin_p_, meta(), h.item_id, std::string("  Fine as it is  "));
  EXPECT_EQ(item.decision_reason, "Fine as it is");
  EXPECT_EQ(audit("moderation.approve").at(0).reason, "Fine as it is");
  EXPECT_EQ(audit("moderation.approve").at(0).actor_role, "admin");
}

TEST_F(ModerationServiceTest, ApprovingAPostThatChangedUnderneathWritesNothing) {
  const auto h = held(std::nullopt);
  // The author deleted it, and (a bug elsewhere aside) the item is still open.
  write([&](store::Connection& c) { store::set_post_state(c, h.post_id, "deleted", std::nullopt, kNow); });

  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&clin_a_p_, meta(), h.item_id, std::nullopt); }), "already_decided");
  EXPECT_EQ(item_row(h.item_id).state, "open");
  EXPECT_EQ(post(h.post_id).state, "deleted");
  EXPECT_TRUE(notifications().empty());
  EXPECT_TRUE(audit("moderation.approve").empty());
}

TEST_F(ModerationServiceTest, RejectKeepsTheTextAndTellsTheAuthorWhy) {
  const auto h = held(std::nullopt, "Exactly what I wrote, every word.");
  const auto item = moderation().reject(&clin_a_p_, meta(), h.item_id, "  Please leave out the name of the ward.  ");

  EXPECT_EQ(item.state, "rejected");
  EXPECT_EQ(item.decision_reason, "Please leave out the name of the ward.");
  const auto p = post(h.post_id);
  EXPECT_EQ(p.state, "rejected");
  EXPECT_EQ(p.state_reason, "Please leave out the name of the ward.");
  EXPECT_EQ(p.body, "Exactly what I wrote, every word.");
  EXPECT_FALSE(p.published_at.has_value());

  const auto notes = notifications();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].user_id, author_);
  EXPECT_EQ(notes[0].kind, "rejected");
  EXPECT_FALSE(notes[0].actor_id.has_value());

  const auto rows = audit("moderation.reject");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].reason, "Please leave out the name of the ward.");
  EXPECT_EQ(rows[0].target_id, std::to_string(h.post_id));
}

TEST_F(ModerationServiceTest, RejectWithoutAProperReasonChangesNothing) {
  const auto h = held(std::nullopt);
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, meta(), h.item_id, "  "); }), "invalid_reason");
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, meta(), h.item_id, "no"); }), "invalid_reason");
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, meta(), h.item_id, std::string(501, 'x')); }),
            "invalid_reason");
  EXPECT_EQ(item_row(h.item_id).state, "open");
  EXPECT_EQ(post(h.post_id).state, "held");
  EXPECT_TRUE(audit("moderation.reject").empty());
}

TEST_F(ModerationServiceTest, ADecidedItemCannotBeDecidedAgain) {
  const auto h = held(std::nullopt);
  moderation().approve(&clin_a_p_, meta(), h.item_id, std::nullopt);
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_a_p_, meta(), h.item_id, "Changed my mind"); }), "already_decided");
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&admin_p_, meta(), h.item_id, std::nullopt); }), "already_decided");
  EXPECT_EQ(post(h.post_id).state, "published");
  EXPECT_EQ(audit("moderation.approve").size(), 1u);
  EXPECT_TRUE(audit("moderation.reject").empty());
}

TEST_F(ModerationServiceTest, AWithdrawnItemCannotBeDecided) {
  const auto h = held(std::nullopt);
  write([&](store::Connection& c) { store::withdraw_moderation_items(c, h.post_id, kNow); });
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&clin_a_p_, meta(), h.item_id, std::nullopt); }), "already_decided");
  EXPECT_EQ(post(h.post_id).state, "held");
}

TEST_F(ModerationServiceTest, ModeratorOfAnotherNetworkCanNeitherSeeNorDecide) {
  const auto h = held(std::nullopt);
  EXPECT_EQ(test::error_code_of([&] { moderation().queue(&clin_b_p_, "default", std::nullopt, std::nullopt); }), "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&clin_b_p_, meta(), h.item_id, std::nullopt); }), "item_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().reject(&clin_b_p_, meta(), h.item_id, "Not for you"); }), "item_not_found");
  // Exactly what an item that does not exist answers.
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&clin_b_p_, meta(), 999999, std::nullopt); }), "item_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().policy(&clin_b_p_, "default"); }), "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { moderation().watched_words(&clin_b_p_, "default"); }), "network_not_found");
  EXPECT_EQ(item_row(h.item_id).state, "open");
  EXPECT_EQ(post(h.post_id).state, "held");
}

TEST_F(ModerationServiceTest, MembersCannotUseTheQueue) {
  const auto h = held(std::nullopt);
  EXPECT_EQ(test::error_code_of([&] { moderation().queue(&member_p_, "default", std::nullopt, std::nullopt); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&author_p_, meta(), h.item_id, std::nullopt); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&member_p_, meta(), 999999, std::nullopt); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().queue(nullptr, "default", std::nullopt, std::nullopt); }), "sign_in_required");
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(nullptr, meta(), h.item_id, std::nullopt); }), "sign_in_required");
  EXPECT_EQ(item_row(h.item_id).state, "open");
}

TEST_F(ModerationServiceTest, StaffNeedTheSecondFactor) {
  const auto h = held(std::nullopt);
  auto no2fa = clin_a_p_;
  no2fa.second_factor_done = false;
  EXPECT_EQ(test::error_code_of([&] { moderation().queue(&no2fa, "default", std::nullopt, std::nullopt); }), "second_factor_required");
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&no2fa, meta(), h.item_id, std::nullopt); }), "second_factor_required");
  EXPECT_EQ(test::error_code_of([&] { moderation().approve(&no2fa, meta(), 999999, std::nullopt); }), "second_factor_required");
}

TEST_F(ModerationServiceTest, QueueListsOpenItemsNewestFirstInPages) {
  const auto topic = published_topic();
  std::vector<Held> items;
  for (int i = 0; i < services::kQueuePageSize + 2; ++i) items.push_back(held(i % 2 ? std::optional(topic) : std::nullopt));
  const auto first = moderation().queue(&clin_a_p_, "default", std::nullopt, std::nullopt);
  ASSERT_EQ(first.items.size(), static_cast<std::size_t>(services::kQueuePageSize));
  EXPECT_EQ(first.items.front().id, items.back().item_id);
  ASSERT_TRUE(first.next_before.has_value());
  const auto second = moderation().queue(&clin_a_p_, "default", std::string("open"), first.next_before);
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_EQ(second.items.back().id, items.front().item_id);
  EXPECT_FALSE(second.next_before.has_value());

  // A held topic is its own context; its reasons, author and full text come with it.
  const auto& oldest = second.items.back();
  EXPECT_EQ(oldest.network, "default");
  EXPECT_EQ(oldest.reasons, std::vector<std::string>{"new_member"});
  EXPECT_EQ(oldest.context.kind, "topic");
  EXPECT_EQ(oldest.context.id, items.front().post_id);
  EXPECT_EQ(oldest.context.title, "My first topic");
  EXPECT_EQ(oldest.post.row.body, "I found the first weeks hard.");
  EXPECT_EQ(oldest.author.published_posts, 0);
}

TEST_F(ModerationServiceTest, QueueFiltersByStateAndRefusesOthers) {
  const auto a = held(std::nullopt);
  const auto b = held(std::nullopt);
  moderation().approve(&clin_a_p_, meta(), a.item_id, std::nullopt);
  const auto open = moderation().queue(&clin_a_p_, "default", std::string("open"), std::nullopt);
  ASSERT_EQ(open.items.size(), 1u);
  EXPECT_EQ(open.items[0].id, b.item_id);
  const auto approved = moderation().queue(&clin_a_p_, "default", std::string("approved"), std::nullopt);
  ASSERT_EQ(approved.items.size(), 1u);
  EXPECT_EQ(approved.items[0].id, a.item_id);
  EXPECT_TRUE(moderation().queue(&clin_a_p_, "default", std::string("rejected"), std::nullopt).items.empty());
  EXPECT_EQ(test::error_code_of([&] { moderation().queue(&clin_a_p_, "default", std::string("withdrawn"), std::nullopt); }),
            "invalid_query");
  EXPECT_EQ(test::error_code_of([&] { moderation().queue(&clin_a_p_, "nowhere", std::nullopt, std::nullopt); }), "network_not_found");
}

TEST_F(ModerationServiceTest, PolicyIsReadByStaffAndSetByAdminsWithAnAuditTrail) {
  EXPECT_EQ(moderation().policy(&clin_a_p_, "default").mode, "first_posts");
  EXPECT_EQ(moderation().policy(&clin_b_p_, "perinatal").first_posts, 3);  // no row: the defaults
  EXPECT_EQ(test::error_code_of([&] { moderation().policy(&member_p_, "default"); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().set_policy(&clin_a_p_, meta(), "default", services::PolicyChange{"post_moderate", 0, std::nullopt, std::nullopt}); }), "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().set_policy(&admin_p_, meta(), "default", services::PolicyChange{"anything", 3, std::nullopt, std::nullopt}); }), "invalid_mode");
  EXPECT_EQ(test::error_code_of([&] { moderation().set_policy(&admin_p_, meta(), "default", services::PolicyChange{"first_posts", 101, std::nullopt, std::nullopt}); }),
            "invalid_first_posts");
  EXPECT_EQ(test::error_code_of([&] { moderation().set_policy(&admin_p_, meta(), "nowhere", services::PolicyChange{"first_posts", 3, std::nullopt, std::nullopt}); }), "network_not_found");

  const auto p = moderation().set_policy(&admin_p_, meta(), "default", services::PolicyChange{"pre_moderate_all", 5, std::nullopt, std::nullopt});
  EXPECT_EQ(p.mode, "pre_moderate_all");
  EXPECT_EQ(moderation().policy(&clin_a_p_, "default").first_posts, 5);
  const auto rows = audit("moderation.policy_update");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].network_id, net_a_);
  EXPECT_EQ(rows[0].details["old"]["mode"], "first_posts");
  EXPECT_EQ(rows[0].details["new"]["mode"], "pre_moderate_all");
  EXPECT_EQ(rows[0].details["new"]["first_posts"], 5);

  // The safety settings: kept when not given, validated, audited old and new.
  EXPECT_EQ(p.out_of_hours, "hold_all");
  EXPECT_EQ(p.case_response_minutes, 15);
  EXPECT_EQ(test::error_code_of([&] { moderation().set_policy(&admin_p_, meta(), "default", {"pre_moderate_all", 5, "sometimes", std::nullopt}); }),
            "invalid_out_of_hours");
  EXPECT_EQ(test::error_code_of([&] { moderation().set_policy(&admin_p_, meta(), "default", {"pre_moderate_all", 5, std::nullopt, 0}); }),
            "invalid_response_minutes");
  const auto q = moderation().set_policy(&admin_p_, meta(), "default", {"pre_moderate_all", 5, "as_in_hours", 30});
  EXPECT_EQ(q.out_of_hours, "as_in_hours");
  EXPECT_EQ(moderation().policy(&clin_a_p_, "default").case_response_minutes, 30);
  EXPECT_EQ(moderation().set_policy(&admin_p_, meta(), "default", {"pre_moderate_all", 5, std::nullopt, std::nullopt}).out_of_hours,
            "as_in_hours");
  const auto updates = audit("moderation.policy_update");
  ASSERT_EQ(updates.size(), 2u);  // the unchanged third call records nothing
  EXPECT_EQ(updates[0].details["old"]["case_response_minutes"], 15);  // newest first
  EXPECT_EQ(updates[0].details["new"]["case_response_minutes"], 30);
  moderation().set_policy(&admin_p_, meta(), "default", {"pre_moderate_all", 5, "hold_all", 15});

  // The gate follows it.
  const auto d = write([&](store::Connection& c) {
    services::GateInput in;
    in.network_id = net_a_;
    in.author_id = author_;
    in.kind = "reply";
    in.body = "hello";
    return services::gate_decide(c, in);
  });
  EXPECT_EQ(d.reasons, std::vector<std::string>{"pre_moderation"});
}

TEST_F(ModerationServiceTest, WatchedWordsAreManagedByAdminsAndSeenByStaff) {
  EXPECT_EQ(test::error_code_of([&] { moderation().add_watched_word(&clin_a_p_, meta(), "default", "hopeless", "hold"); }),
            "not_allowed");
  EXPECT_EQ(test::error_code_of([&] { moderation().add_watched_word(&admin_p_, meta(), "default", "hopeless", "ban"); }),
            "invalid_action");
  EXPECT_EQ(test::error_code_of([&] { moderation().add_watched_word(&admin_p_, meta(), "default", "  x  ", "hold"); }),
            "invalid_phrase");
  EXPECT_EQ(test::error_code_of([&] { moderation().add_watched_word(&admin_p_, meta(), "default", std::string(101, 'x'), "hold"); }),
            "invalid_phrase");

  const auto w = moderation().add_watched_word(&admin_p_, meta(), "default", "  Want   to\ndie ", "hold");
  EXPECT_EQ(w.phrase, "Want to die");
  EXPECT_EQ(w.action, "hold");
  EXPECT_EQ(test::error_code_of([&] { moderation().add_watched_word(&admin_p_, meta(), "default", "want TO die", "refuse"); }),
            "word_exists");
  // Another network keeps its own list.
  moderation().add_watched_word(&admin_p_, meta(), "perinatal", "want to die", "refuse");

  const auto words = moderation().watched_words(&clin_a_p_, "default");
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].id, w.id);
  EXPECT_EQ(test::error_code_of([&] { moderation().watched_words(&member_p_, "default"); }), "not_allowed");

  const auto added = audit("watched_word.add");
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added.back().details["phrase"], "Want to die");
  EXPECT_EQ(added.back().network_id, net_a_);

  EXPECT_EQ(test::error_code_of([&] { moderation().remove_watched_word(&clin_a_p_, meta(), w.id); }), "not_allowed");
  moderation().remove_watched_word(&admin_p_, meta(), w.id);
  EXPECT_TRUE(moderation().watched_words(&clin_a_p_, "default").empty());
  EXPECT_EQ(test::error_code_of([&] { moderation().remove_watched_word(&admin_p_, meta(), w.id); }), "word_not_found");
  const auto removed = audit("watched_word.remove");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].target_id, std::to_string(w.id));
  EXPECT_EQ(removed[0].details["action"], "hold");
}
