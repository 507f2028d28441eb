// Drafts (keys, limits, privacy, text checks) and reading settings, on a real temporary database.
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/content_rules.hpp"
#include "services/draft_service.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "support/service_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

using namespace harbour;

namespace {

class DraftServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    db_->writer()
        .run([&](store::Connection& c) {
          store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
          const auto net = store::find_network_by_slug(c, "default")->id;
          const auto now = core::format_utc_ms(clock_.system_now());
          for (const auto* name : {"Alice Drafts", "Bob Drafts"}) {
            const auto id = store::insert_user(c, name, services::pseudonym_key(name), "x", false, now);
            store::upsert_membership(c, id, net, "member");
            services::Principal p;
            p.user_id = id;
            p.pseudonym = name;
            p.memberships.push_back({net, "default", "Talking Therapies", services::Role::Member, true});
            (alice_.user_id ? bob_ : alice_) = p;
          }
        })
        .get();
  }

  services::RequestMeta meta(int seconds_later = 0) const {
    return {"127.0.0.1", clock_.system_now() + std::chrono::seconds(seconds_later)};
  }
  services::DraftService& drafts() { return services_->drafts(); }
  services::DraftInput input(std::string body, std::string network = "default") {
    return {std::move(network), "A title", std::move(body), {}};
  }

  test::TempDir dir_;
  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<services::Services> services_;
  services::Principal alice_, bob_;
};

TEST(DraftKeys, OnlyTheFiveKindsOfPlaceAreValid) {
  for (const auto* key : {"topic-1", "reply-42", "comment-7", "edit-123456789012345678", "blog-default", "blog-ab", "blog-a-b-9"}) {
    EXPECT_TRUE(services::valid_draft_key(key)) << key;
  }
  for (const auto* key : {"", "topic", "topic-", "topic-0", "topic-01", "topic--1", "topic-1x", "topic-1234567890123456789",
                          "Topic-1", "post-1", "blog-a", "blog-Default", "blog-de_fault", "blog-" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                          "reply-1 ", "reply-+1", "edit-١"}) {
    EXPECT_FALSE(services::valid_draft_key(key)) << key;
  }
}

TEST_F(DraftServiceTest, ASavedDraftReadsBackExactlyAsTyped) {
  services::DraftInput in{"default", "  Half a title", "  Some words\n\nand more  ", {"self_harm", "eating"}};
  const auto saved = drafts().save(&alice_, meta(), "topic-3", in);
  EXPECT_EQ(saved.key, "topic-3");
  const auto d = drafts().get(&alice_, "topic-3");
  EXPECT_EQ(d.network, "default");
  EXPECT_EQ(d.title, "  Half a title");
  EXPECT_EQ(d.body, "  Some words\n\nand more  ");
  EXPECT_EQ(d.content_notes, (std::vector<std::string>{"self_harm", "eating"}));
  EXPECT_EQ(d.updated_at, saved.updated_at);
}

TEST_F(DraftServiceTest, ListIsNewestFirstAndSavingAgainReplaces) {
  drafts().save(&alice_, meta(0), "reply-1", input("first"));
  drafts().save(&alice_, meta(1), "reply-2", input("second"));
  drafts().save(&alice_, meta(2), "reply-1", input("first, edited"));
  const auto list = drafts().list(&alice_);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].key, "reply-1");
  EXPECT_EQ(list[1].key, "reply-2");
  EXPECT_EQ(drafts().get(&alice_, "reply-1").body, "first, edited");
}

TEST_F(DraftServiceTest, AnEmptyBodyIsADraftToo) {
  drafts().save(&alice_, meta(), "comment-9", {"default", "", "", {}});
  EXPECT_EQ(drafts().get(&alice_, "comment-9").body, "");
}

TEST_F(DraftServiceTest, FiftyDraftsAtMostButExistingOnesStillSave) {
  for (int i = 1; i <= 50; ++i) drafts().save(&alice_, meta(), "reply-" + std::to_string(i), input("x"));
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "reply-51", input("x")); }), "too_many_drafts");
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "reply-50", input("still saved")); }), "");
  EXPECT_EQ(drafts().get(&alice_, "reply-50").body, "still saved");
  drafts().remove(&alice_, "reply-1");
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "reply-51", input("x")); }), "");
  // The limit is each person's own.
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&bob_, meta(), "reply-51", input("x")); }), "");
}

TEST_F(DraftServiceTest, SomeoneElsesDraftDoesNotExistForYou) {
  drafts().save(&alice_, meta(), "topic-1", input("private words"));
  EXPECT_EQ(test::error_code_of([&] { drafts().get(&bob_, "topic-1"); }), "draft_not_found");
  EXPECT_TRUE(drafts().list(&bob_).empty());
  drafts().remove(&bob_, "topic-1");
  drafts().save(&bob_, meta(), "topic-1", input("bob's own"));
  EXPECT_EQ(drafts().get(&alice_, "topic-1").body, "private words");
  EXPECT_EQ(drafts().get(&bob_, "topic-1").body, "bob's own");
}

TEST_F(DraftServiceTest, BadKeysAreRefusedEverywhere) {
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "notes-1", input("x")); }), "invalid_draft_key");
  EXPECT_EQ(test::error_code_of([&] { drafts().get(&alice_, "topic-0"); }), "invalid_draft_key");
  EXPECT_EQ(test::error_code_of([&] { drafts().remove(&alice_, "../topic-1"); }), "invalid_draft_key");
  // A blog draft belongs to the blog its key names.
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "blog-perinatal", input("x")); }), "invalid_draft_key");
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "blog-default", input("x")); }), "");
}

TEST_F(DraftServiceTest, TheNetworkMustBeOneTheCallerHoldsAnActiveKeyTo) {
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-1", input("x", "perinatal")); }), "network_not_found");
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-1", input("x", "nowhere")); }), "network_not_found");
  auto locked_out = alice_;
  locked_out.memberships[0].active = false;
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&locked_out, meta(), "topic-1", input("x")); }), "network_not_found");
  EXPECT_TRUE(drafts().list(&alice_).empty());
}

TEST_F(DraftServiceTest, TextMustBeUtf8AndWithinTheLongestPost) {
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-1", input("bad \xff byte")); }), "invalid_utf8");
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-1", input("\xe2\x82")); }), "invalid_utf8");
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-1", input(std::string(40'001, 'a'))); }), "text_too_long");
  // 40,000 characters of three bytes each still fit.
  std::string long_body;
  for (int i = 0; i < 40'000; ++i) long_body += "€";
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-1", input(long_body)); }), "");
  services::DraftInput long_title{"default", std::string(201, 't'), "x", {}};
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-2", long_title); }), "text_too_long");
  services::DraftInput bad_note{"default", "", "x", {"not_a_note"}};
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&alice_, meta(), "topic-2", bad_note); }), "invalid_content_note");
  EXPECT_EQ(drafts().list(&alice_).size(), 1u);
}

TEST_F(DraftServiceTest, SignedOutOrSuspendedCallersAreRefused) {
  EXPECT_EQ(test::error_code_of([&] { drafts().list(nullptr); }), "sign_in_required");
  auto suspended = alice_;
  suspended.suspended = true;
  EXPECT_EQ(test::error_code_of([&] { drafts().save(&suspended, meta(), "topic-1", input("x")); }), "account_suspended");
  EXPECT_EQ(test::error_code_of([&] { drafts().collapsed_notes(&suspended); }), "account_suspended");
}

TEST_F(DraftServiceTest, ReadingSettingsCollapseEveryNoteUntilChosen) {
  const auto all = drafts().collapsed_notes(&alice_);
  EXPECT_EQ(all.size(), services::content_notes().size());
  const auto chosen = drafts().set_collapsed_notes(&alice_, meta(), {"suicide", "self_harm", "suicide"});
  EXPECT_EQ(chosen, (std::vector<std::string>{"self_harm", "suicide"}));
  EXPECT_EQ(drafts().collapsed_notes(&alice_), chosen);
  // Choosing none is a choice, not the default.
  EXPECT_TRUE(drafts().set_collapsed_notes(&alice_, meta(), {}).empty());
  EXPECT_TRUE(drafts().collapsed_notes(&alice_).empty());
  EXPECT_EQ(drafts().collapsed_notes(&bob_).size(), services::content_notes().size());
}

TEST_F(DraftServiceTest, ReadingSettingsRefuseUnknownNotesAndKeepTheOldChoice) {
  drafts().set_collapsed_notes(&alice_, meta(), {"abuse"});
  EXPECT_EQ(test::error_code_of([&] { drafts().set_collapsed_notes(&alice_, meta(), {"abuse", "spiders"}); }), "invalid_content_note");
  EXPECT_EQ(drafts().collapsed_notes(&alice_), std::vector<std::string>{"abuse"});
}

}  // namespace
