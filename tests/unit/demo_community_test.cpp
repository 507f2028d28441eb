// The demo community (`harbour serve --demo`): seeded through the real repositories into a
// database built by the real migrations, once, completely, and never twice.
#include "core/clock.hpp"
#include "services/demo_community.hpp"
#include "services/demo_community_data.hpp"
#include "services/demo_seed.hpp"
#include "services/password_hasher.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/category_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace harbour;

namespace {

// Small argon2 parameters: these tests only need accounts to exist, not production-strength hashes.
services::PasswordHasher small_hasher() { return {{.m_kib = 64, .t = 1, .p = 1}, 2, std::chrono::seconds(5)}; }

std::int64_t scalar(store::Database& db, store::Sql sql) {
  return db.read([&](store::Connection& c) {
    auto& s = c.prepare(sql);
    const auto v = s.step() ? s.column_int64(0) : -1;
    s.reset();
    return v;
  });
}

std::int64_t scalar_for(store::Database& db, store::Sql sql, std::string_view slug) {
  return db.read([&](store::Connection& c) {
    auto& s = c.prepare(sql);
    s.bind(1, slug);
    const auto v = s.step() ? s.column_int64(0) : -1;
    s.reset();
    return v;
  });
}

struct Counts {
  std::int64_t users, memberships, categories, posts, reactions, items, resources;
  bool operator==(const Counts&) const = default;
};

Counts counts(store::Database& db) {
  return {scalar(db, "SELECT count(*) FROM users"),      scalar(db, "SELECT count(*) FROM memberships"),
          scalar(db, "SELECT count(*) FROM categories"), scalar(db, "SELECT count(*) FROM posts"),
          scalar(db, "SELECT count(*) FROM reactions"),  scalar(db, "SELECT count(*) FROM moderation_items"),
          scalar(db, "SELECT count(*) FROM resources")};
}

class DemoCommunity : public ::testing::Test {
 protected:
  void SetUp() override { services::seed_demo_content(db_); }
  void seed_accounts() {
    auto hasher = small_hasher();
    services::seed_demo_accounts(db_, hasher);
  }
  std::int64_t user_id(std::string_view pseudonym) {
    const auto user = db_.read([&](store::Connection& c) { return store::find_user_by_key(c, services::pseudonym_key(pseudonym)); });
    return user ? user->id : -1;
  }

  test::TempDir dir_;
  store::Database db_{{.path = dir_.file("h.db")}};
};

TEST_F(DemoCommunity, FillsTheThreeDemoNetworksAndASecondRunAddsNothing) {
  seed_accounts();
  EXPECT_EQ(services::seed_demo_community(db_), 3);
  const auto first = counts(db_);
  EXPECT_GT(first.posts, 100);
  EXPECT_GT(first.resources, 15);
  EXPECT_GT(first.reactions, 20);

  EXPECT_EQ(services::seed_demo_community(db_), 0);
  EXPECT_EQ(counts(db_), first);
}

TEST_F(DemoCommunity, MainNetworksHaveTwelveToTwentyPublishedTopicsAndEveryCategoryHasSome) {
  services::seed_demo_community(db_);
  for (const char* slug : {"default", "carers"}) {
    const auto topics = scalar_for(db_,
                                   "SELECT count(*) FROM posts p JOIN networks n ON n.id = p.network_id"
                                   " WHERE n.slug = ?1 AND p.kind = 'topic' AND p.state = 'published'",
                                   slug);
    EXPECT_GE(topics, 12) << slug;
    EXPECT_LE(topics, 20) << slug;
  }
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM categories c WHERE NOT EXISTS (SELECT 1 FROM posts p"
                        " WHERE p.category_id = c.id AND p.kind = 'topic' AND p.state = 'published')"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(DISTINCT network_id) FROM categories"), 3);
}

TEST_F(DemoCommunity, SearchIndexHoldsExactlyThePublishedPostsAndResources) {
  services::seed_demo_community(db_);
  const auto published = scalar(db_, "SELECT count(*) FROM posts WHERE state = 'published'");
  EXPECT_GT(published, 0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM post_search"), published);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts p WHERE p.state = 'published'"
                        " AND NOT EXISTS (SELECT 1 FROM post_search s WHERE s.rowid = p.id)"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM resource_search"),
            scalar(db_, "SELECT count(*) FROM resources WHERE state = 'published'"));
}

TEST_F(DemoCommunity, RepliesComeAfterWhatTheyAnswerAndNothingIsInTheFuture) {
  const auto now = std::chrono::system_clock::now();
  services::seed_demo_community(db_, now);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts ch JOIN posts p ON p.id = ch.parent_id"
                        " WHERE ch.created_at <= p.created_at"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts ch JOIN posts p ON p.id = ch.parent_id"
                        " WHERE ch.network_id <> p.network_id OR ch.category_id IS NOT p.category_id"),
            0);
  // Ids follow time, as they would in a forum people wrote in.
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts a JOIN posts b ON b.network_id = a.network_id AND b.id > a.id"
                        " WHERE b.created_at < a.created_at"),
            0);
  const auto [oldest, latest] = db_.read([](store::Connection& c) {
    auto& s = c.prepare("SELECT min(created_at), max(created_at) FROM posts");
    s.step();
    auto v = std::pair(s.column_text(0), s.column_text(1));
    s.reset();
    return v;
  });
  EXPECT_LE(latest, core::format_utc_ms(now));
  // Spread over weeks, with something new today, so the community looks lived in.
  EXPECT_LT(oldest, core::format_utc_ms(now - std::chrono::days(21)));
  EXPECT_GT(latest, core::format_utc_ms(now - std::chrono::days(1)));
}

TEST_F(DemoCommunity, CountersOfTopicsMatchTheirPublishedReplies) {
  services::seed_demo_community(db_);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts p WHERE p.kind = 'topic' AND p.reply_count <>"
                        " (SELECT count(*) FROM posts r WHERE r.parent_id = p.id AND r.state = 'published')"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts p WHERE p.kind = 'topic' AND p.last_activity_at <"
                        " coalesce((SELECT max(r.created_at) FROM posts r WHERE r.parent_id = p.id AND r.state = 'published'), '')"),
            0);
}

TEST_F(DemoCommunity, EveryHeldPostWaitsInTheQueueAndTheMainNetworksHaveSome) {
  services::seed_demo_community(db_);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts p WHERE p.state = 'held' AND (SELECT count(*) FROM moderation_items m"
                        " WHERE m.post_id = p.id AND m.state = 'open' AND m.network_id = p.network_id) <> 1"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM moderation_items m JOIN posts p ON p.id = m.post_id WHERE p.state <> 'held'"),
            0);
  for (const char* slug : {"default", "carers", "perinatal"}) {
    EXPECT_GE(scalar_for(db_,
                         "SELECT count(*) FROM moderation_items m JOIN networks n ON n.id = m.network_id"
                         " WHERE n.slug = ?1 AND m.state = 'open'",
                         slug),
              1)
        << slug;
  }
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM moderation_items WHERE reasons = 'story'"), 1);
}

TEST_F(DemoCommunity, EachNetworkHasOnePinnedWelcomeAndTheBereavementTopicCarriesItsNote) {
  services::seed_demo_community(db_);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts WHERE pinned = 1 AND kind = 'topic'"), 3);
  EXPECT_EQ(scalar(db_, "SELECT count(DISTINCT network_id) FROM posts WHERE pinned = 1"), 3);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts WHERE title = 'A year since Dad died' AND content_notes = 'bereavement'"), 1);
}

TEST_F(DemoCommunity, StaffPostsInDefaultAreWrittenByTheDemoStaffAccounts) {
  seed_accounts();
  services::seed_demo_community(db_);
  const auto clinician = user_id("Demo Clinician");
  const auto peer = user_id("Demo Peer Supporter");
  ASSERT_GT(clinician, 0);
  EXPECT_GT(scalar_for(db_,
                       "SELECT count(*) FROM posts p JOIN networks n ON n.id = p.network_id"
                       " WHERE n.slug = ?1 AND p.author_role = 'clinician'",
                       "default"),
            3);
  const auto by_others = db_.read([&](store::Connection& c) {
    auto& s = c.prepare("SELECT count(*) FROM posts p JOIN networks n ON n.id = p.network_id WHERE n.slug = 'default'"
                        " AND ((p.author_role = 'clinician' AND p.author_id <> ?1)"
                        " OR (p.author_role = 'peer_supporter' AND p.author_id <> ?2))");
    s.bind(1, clinician).bind(2, peer);
    s.step();
    const auto v = s.column_int64(0);
    s.reset();
    return v;
  });
  EXPECT_EQ(by_others, 0);
  EXPECT_EQ(user_id("Steady Oak"), -1);  // no stand-in was needed
}

TEST_F(DemoCommunity, WithoutDemoAccountsItsOwnStaffAuthorsHoldTheirRoles) {
  services::seed_demo_community(db_);
  const auto oak = user_id("Steady Oak");
  ASSERT_GT(oak, 0);
  const auto keys = db_.read([&](store::Connection& c) { return store::memberships_of(c, oak); });
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].network_slug, "default");
  EXPECT_EQ(keys[0].role, "clinician");
  EXPECT_GT(scalar(db_, "SELECT count(*) FROM posts WHERE author_role = 'clinician'"), 5);
}

TEST_F(DemoCommunity, AuthorsItCreatesCannotSignIn) {
  seed_accounts();
  services::seed_demo_community(db_);
  const auto demo_authors = scalar(db_, "SELECT count(*) FROM users WHERE password_hash = '!'");
  EXPECT_GT(demo_authors, 20);
  // Every account but the six demo accounts is a demo author.
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM users"), demo_authors + 6);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM users WHERE password_hash = '!' AND (is_admin <> 0 OR totp_enabled <> 0)"), 0);
  auto hasher = small_hasher();
  EXPECT_FALSE(hasher.verify("!", "!"));
  EXPECT_FALSE(hasher.verify("!", services::kDemoPassword));
}

TEST_F(DemoCommunity, AuthorsMayPostWhereTheirPostsAreAndCarersDoNotBlog) {
  services::seed_demo_community(db_);
  // Role bits as in services/content_rules.cpp; staff post everywhere.
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts p JOIN categories k ON k.id = p.category_id"
                        " WHERE p.author_role IN ('member', 'carer')"
                        " AND (k.post_mask & (CASE p.author_role WHEN 'member' THEN 1 ELSE 2 END)) = 0"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts p JOIN networks n ON n.id = p.network_id"
                        " WHERE n.slug = 'carers' AND p.kind IN ('blog_post', 'blog_comment')"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM posts p JOIN memberships m ON m.user_id = p.author_id"
                        " AND m.network_id = p.network_id WHERE m.role <> p.author_role"),
            0);
}

TEST_F(DemoCommunity, OnlyPeopleWhoCanReadAPostReactToIt) {
  services::seed_demo_community(db_);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM reactions r JOIN posts p ON p.id = r.post_id"
                        " JOIN memberships m ON m.user_id = r.user_id AND m.network_id = p.network_id"
                        " LEFT JOIN categories k ON k.id = p.category_id"
                        " WHERE (coalesce(k.read_mask, 1) & (CASE m.role WHEN 'member' THEN 1 WHEN 'carer' THEN 2 ELSE 0 END)) = 0"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM reactions r JOIN posts p ON p.id = r.post_id"
                        " WHERE r.user_id = p.author_id OR p.state <> 'published' OR NOT EXISTS (SELECT 1 FROM memberships m"
                        " WHERE m.user_id = r.user_id AND m.network_id = p.network_id)"),
            0);
}

TEST_F(DemoCommunity, LeavesANetworkThatAlreadyHasCategoriesAlone) {
  db_.writer()
      .run([](store::Connection& c) {
        const auto carers = store::find_network_by_slug(c, "carers");
        store::insert_category(c, {carers->id, "Our own", "", 0, 31, 31}, "2026-01-01T00:00:00.000Z");
      })
      .get();
  EXPECT_EQ(services::seed_demo_community(db_), 2);
  EXPECT_EQ(scalar_for(db_, "SELECT count(*) FROM categories k JOIN networks n ON n.id = k.network_id WHERE n.slug = ?1",
                       "carers"),
            1);
  EXPECT_EQ(scalar_for(db_, "SELECT count(*) FROM posts p JOIN networks n ON n.id = p.network_id WHERE n.slug = ?1",
                       "carers"),
            0);
  EXPECT_EQ(user_id("Evening Lamp"), -1);
}

TEST_F(DemoCommunity, SkipsANetworkWhereSomeoneRealHoldsADemoAuthorsName) {
  db_.writer()
      .run([](store::Connection& c) {
        store::insert_user(c, "Rowan Path", services::pseudonym_key("Rowan Path"), "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA",
                           false, "2026-01-01T00:00:00.000Z");
      })
      .get();
  EXPECT_EQ(services::seed_demo_community(db_), 2);
  EXPECT_EQ(scalar_for(db_, "SELECT count(*) FROM posts p JOIN networks n ON n.id = p.network_id WHERE n.slug = ?1",
                       "carers"),
            0);
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.pseudonym = 'Rowan Path'"), 0);
}

TEST(DemoCommunityData, PseudonymsPassThePolicyAndNoTwoCollide) {
  std::set<std::string> keys;
  for (const auto* content : {&services::demo::default_content(), &services::demo::carers_content(),
                              &services::demo::perinatal_content()}) {
    std::vector<std::string> names;
    for (const auto& p : content->people) names.emplace_back(p.pseudonym);
    for (const auto& s : content->staff) names.emplace_back(s.fallback);
    for (const auto& name : names) {
      EXPECT_NO_THROW((void)services::check_pseudonym(name)) << name;
      EXPECT_TRUE(keys.insert(services::pseudonym_key(name)).second) << name << " collides";
    }
  }
  for (const char* demo : {"Demo Member", "Demo Carer", "Demo Volunteer", "Demo Peer Supporter", "Demo Clinician",
                           "Demo Administrator"}) {
    EXPECT_FALSE(keys.contains(services::pseudonym_key(demo))) << demo;
  }
}

}  // namespace
