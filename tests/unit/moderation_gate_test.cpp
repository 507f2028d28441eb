// The moderation gate: which posts are published at once, held for a moderator or refused, on a
// real database (policy rows, watched words, the author's published posts).
#include "core/clock.hpp"
#include "services/moderation_gate.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "support/database_fixture.hpp"
#include "support/fixed_time.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace harbour;
using services::GateDecision;
using services::GateInput;
using services::phrase_matches;
using Outcome = services::GateDecision::Outcome;

namespace {

using harbour::test::kNow;

class ModerationGate : public test::DatabaseTest {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    write([&](store::Connection& c) {
      net_a_ = store::find_network_by_slug(c, "default")->id;
      // Created after migration 0003: it has no moderation_policies row.
      net_b_ = store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
      author_ = store::insert_user(c, "Gate Member", services::pseudonym_key("Gate Member"), "x", false, kNow);
      store::upsert_membership(c, author_, net_a_, "member");
      store::upsert_membership(c, author_, net_b_, "member");
      cat_a_ = category(c, net_a_);
      cat_b_ = category(c, net_b_);
    });
  }

  static std::int64_t category(store::Connection& c, std::int64_t network_id) {
    c.prepare("INSERT INTO categories (network_id, name, created_at) VALUES (?1, 'General', ?2)")
        .bind(1, network_id)
        .bind(2, kNow)
        .run();
    return c.last_insert_rowid();
  }

  void set_policy(std::int64_t network_id, const char* mode, std::int64_t first_posts) {
    write([&](store::Connection& c) { store::upsert_moderation_policy(c, network_id, mode, first_posts, kNow); });
  }

  void watch(std::int64_t network_id, const char* phrase, const char* action) {
    write([&](store::Connection& c) { store::insert_watched_word(c, network_id, phrase, action, author_, kNow); });
  }

  void publish_topics(std::int64_t network_id, std::int64_t category_id, int n) {
    write([&](store::Connection& c) {
      for (int i = 0; i < n; ++i) {
        store::NewPost p;
        p.network_id = network_id;
        p.kind = "topic";
        p.author_id = author_;
        p.author_role = "member";
        p.category_id = category_id;
        p.title = "Topic " + std::to_string(i);
        p.body = "Some words";
        p.state = "published";
        store::insert_post(c, p, kNow);
      }
    });
  }

  GateDecision decide(GateInput in) {
    if (in.network_id == 0) in.network_id = net_a_;
    if (in.author_id == 0) in.author_id = author_;
    if (in.kind.empty()) in.kind = "reply";
    return db_->writer().run([&](store::Connection& c) { return services::gate_decide(c, in); }).get();
  }

  std::int64_t net_a_ = 0, net_b_ = 0, author_ = 0, cat_a_ = 0, cat_b_ = 0;
};

using Reasons = std::vector<std::string>;

}  // namespace

TEST(WatchedWordMatching, MatchesOnWordBoundariesOnly) {
  EXPECT_FALSE(phrase_matches("She is very skilled at this", "kill"));
  EXPECT_FALSE(phrase_matches("killer whales", "kill"));
  EXPECT_TRUE(phrase_matches("I want to kill the noise", "kill"));
  EXPECT_TRUE(phrase_matches("kill", "kill"));
  EXPECT_TRUE(phrase_matches("Kill.", "kill"));
  EXPECT_TRUE(phrase_matches("(kill)", "kill"));
  EXPECT_TRUE(phrase_matches("kill's", "kill"));
  EXPECT_TRUE(phrase_matches("\xE2\x80\x9C" "kill" "\xE2\x80\x9D", "kill"));   // “kill”
  EXPECT_TRUE(phrase_matches("kill\xF0\x9F\x94\xAA", "kill"));                 // kill🔪
  EXPECT_FALSE(phrase_matches("\xC3\xA9kill", "kill"));                        // ékill: one word
}

TEST(WatchedWordMatching, IgnoresAsciiCaseAndKeepsOtherBytes) {
  EXPECT_TRUE(phrase_matches("KILL IT", "kill"));
  EXPECT_TRUE(phrase_matches("kill it", "KiLl"));
  EXPECT_TRUE(phrase_matches("un caf\xC3\xA9 noir", "CAF\xC3\xA9"));
  EXPECT_FALSE(phrase_matches("un cafe noir", "caf\xC3\xA9"));
}

TEST(WatchedWordMatching, MultiWordPhraseMatchesAnyRunOfWhiteSpace) {
  EXPECT_TRUE(phrase_matches("I want to die", "want to die"));
  EXPECT_TRUE(phrase_matches("I WANT   to\n\tdie tonight", "want to die"));
  EXPECT_TRUE(phrase_matches("want\xC2\xA0to die", "want to die"));  // no-break space
  EXPECT_TRUE(phrase_matches("want to die", "  want   to die "));
  EXPECT_FALSE(phrase_matches("wanttodie", "want to die"));
  EXPECT_FALSE(phrase_matches("I want to diet", "want to die"));
  EXPECT_FALSE(phrase_matches("unwant to die", "want to die"));
  EXPECT_FALSE(phrase_matches("want to", "want to die"));
}

TEST(WatchedWordMatching, PhrasesAreNormalisedAndKeyedWithoutCase) {
  EXPECT_EQ(services::normalize_phrase("  want \t to\n die "), "want to die");
  EXPECT_EQ(services::phrase_key("Want To  DIE"), "want to die");
  EXPECT_EQ(services::normalize_phrase(" \n "), "");
}

TEST_F(ModerationGate, RefusedWordRefusesStaffTooWithoutNamingTheWord) {
  watch(net_a_, "Horrible Thing", "refuse");
  GateInput in;
  in.author_is_staff = true;
  in.body = "This is a horrible   thing to say";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Refuse);
  EXPECT_EQ(d.matched, "Horrible Thing");
  EXPECT_FALSE(d.message.empty());
  EXPECT_EQ(d.message.find("horrible"), std::string::npos);
  EXPECT_EQ(d.message.find("Horrible"), std::string::npos);
}

TEST_F(ModerationGate, RefusalBeatsAHoldWord) {
  watch(net_a_, "sad", "hold");
  watch(net_a_, "awful", "refuse");
  GateInput in;
  in.body = "sad and awful";
  EXPECT_EQ(decide(in).outcome, Outcome::Refuse);
}

TEST_F(ModerationGate, WatchedWordsAreFoundInTheTitleToo) {
  watch(net_a_, "awful", "refuse");
  GateInput in;
  in.kind = "topic";
  in.title = "An AWFUL day";
  in.body = "Nothing here";
  EXPECT_EQ(decide(in).outcome, Outcome::Refuse);
}

TEST_F(ModerationGate, StaffArePublishedWhateverThePolicyAndHoldWords) {
  set_policy(net_a_, "pre_moderate_all", 3);
  watch(net_a_, "sad", "hold");
  GateInput in;
  in.author_is_staff = true;
  in.kind = "blog_post";
  in.body = "a sad day";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Publish);
  EXPECT_TRUE(d.reasons.empty());
  EXPECT_TRUE(d.message.empty());
}

TEST_F(ModerationGate, MemberStoryIsAlwaysHeldEvenWhenPostModerated) {
  set_policy(net_a_, "post_moderate", 0);
  publish_topics(net_a_, cat_a_, 5);
  GateInput in;
  in.kind = "blog_post";
  in.body = "My recovery";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, Reasons{"story"});
  EXPECT_FALSE(d.message.empty());
}

TEST_F(ModerationGate, ResubmissionIsAlwaysHeld) {
  set_policy(net_a_, "post_moderate", 0);
  GateInput in;
  in.body = "Changed as asked";
  in.is_edit = true;
  in.resubmission = true;
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, Reasons{"resubmitted"});
}

TEST_F(ModerationGate, PreModerateAllHoldsExperiencedMembers) {
  set_policy(net_a_, "pre_moderate_all", 3);
  publish_topics(net_a_, cat_a_, 10);
  GateInput in;
  in.body = "Hello";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, Reasons{"pre_moderation"});
  EXPECT_NE(d.message.find("moderator"), std::string::npos);
}

TEST_F(ModerationGate, PostModerateWithoutWatchedWordsPublishes) {
  set_policy(net_a_, "post_moderate", 3);
  GateInput in;
  in.body = "Hello";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Publish);
  EXPECT_TRUE(d.reasons.empty());
}

TEST_F(ModerationGate, FirstPostsAreHeldUntilTheAuthorHasNPublishedInThatNetwork) {
  set_policy(net_a_, "first_posts", 3);
  GateInput in;
  in.body = "Hello";
  EXPECT_EQ(decide(in).reasons, Reasons{"new_member"});
  publish_topics(net_a_, cat_a_, 2);
  EXPECT_EQ(decide(in).outcome, Outcome::Hold);
  publish_topics(net_a_, cat_a_, 1);
  EXPECT_EQ(decide(in).outcome, Outcome::Publish);
}

TEST_F(ModerationGate, PostsInAnotherNetworkDoNotCountTowardsFirstPosts) {
  set_policy(net_a_, "first_posts", 3);
  publish_topics(net_b_, cat_b_, 5);
  GateInput in;
  in.body = "Hello";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, Reasons{"new_member"});
}

TEST_F(ModerationGate, ANetworkWithoutAPolicyRowHoldsTheFirstThreePosts) {
  GateInput in;
  in.network_id = net_b_;
  in.body = "Hello";
  publish_topics(net_b_, cat_b_, 2);
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, Reasons{"new_member"});
  publish_topics(net_b_, cat_b_, 1);
  EXPECT_EQ(decide(in).outcome, Outcome::Publish);
}

TEST_F(ModerationGate, FirstPostsOfZeroHoldsNothing) {
  set_policy(net_a_, "first_posts", 0);
  GateInput in;
  in.body = "Hello";
  EXPECT_EQ(decide(in).outcome, Outcome::Publish);
}

TEST_F(ModerationGate, HoldWordHoldsAndNamesThePhraseForModerators) {
  set_policy(net_a_, "post_moderate", 0);
  watch(net_a_, "casino", "hold");
  GateInput in;
  in.body = "Found a great CASINO bonus today";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, Reasons{"watched_word"});
  EXPECT_EQ(d.matched, "casino");
  EXPECT_EQ(d.message.find("casino"), std::string::npos);
}

TEST_F(ModerationGate, HoldWordIsAddedToOtherReasons) {
  watch(net_a_, "casino", "hold");
  GateInput in;
  in.kind = "blog_post";
  in.body = "I used to spend my evenings at the casino";
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, (Reasons{"story", "watched_word"}));
}

TEST_F(ModerationGate, HoldWordInsideAnotherWordDoesNotHold) {
  set_policy(net_a_, "post_moderate", 0);
  watch(net_a_, "kill", "hold");
  GateInput in;
  in.body = "She is skilled at listening";
  EXPECT_EQ(decide(in).outcome, Outcome::Publish);
}

TEST_F(ModerationGate, WatchedWordsOfAnotherNetworkDoNotApply) {
  set_policy(net_a_, "post_moderate", 0);
  watch(net_b_, "awful", "refuse");
  GateInput in;
  in.body = "An awful day";
  EXPECT_EQ(decide(in).outcome, Outcome::Publish);
}

TEST_F(ModerationGate, HeldEditOfAPublishedPostSaysItIsAnEdit) {
  set_policy(net_a_, "pre_moderate_all", 3);
  GateInput in;
  in.body = "Edited";
  in.is_edit = true;
  const auto d = decide(in);
  EXPECT_EQ(d.outcome, Outcome::Hold);
  EXPECT_EQ(d.reasons, (Reasons{"pre_moderation", "edit"}));
}
