// Search: what the query parser lets through to FTS5, and that results never cross a network,
// a category's audience or a post's state.
#include "library_test_fixture.hpp"

#include "core/app_error.hpp"
#include "services/resource_service.hpp"
#include "services/search_service.hpp"
#include "store/category_repo.hpp"
#include "store/post_repo.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace harbour;
using services::Role;

namespace {

std::string P(std::int64_t id) { return "post " + std::to_string(id); }
std::string R(std::int64_t id) { return "resource " + std::to_string(id); }

// Sorted, as ids_found returns them.
std::vector<std::string> ids(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string query_error(std::string_view text) {
  try {
    services::fts5_query(text);
  } catch (const core::AppError& e) {
    return e.code();
  }
  return "accepted";
}

TEST(SearchQuery, QuotesEveryWordAndMakesTheLastOneAPrefix) {
  EXPECT_EQ(services::fts5_query("sleep"), R"("sleep"*)");
  EXPECT_EQ(services::fts5_query("  sleep   well "), R"("sleep" "well"*)");
  EXPECT_EQ(services::fts5_query(R"(tips "panic attack")"), R"("tips" "panic attack")");
  EXPECT_EQ(services::fts5_query(R"("panic attack" tips)"), R"("panic attack" "tips"*)");
  EXPECT_EQ(services::fts5_query("don't-panic!"), R"("don" "t" "panic"*)");
  EXPECT_EQ(services::fts5_query("caf\xc3\xa9 \xe2\x80\xa6 na\xc3\xafve"), "\"caf\xc3\xa9\" \"na\xc3\xafve\"*");
  // e + combining acute stays one word; marks with no letter are dropped, not searched as "".
  EXPECT_EQ(services::fts5_query("cafe\xcc\x81 \xcc\x81"), "\"cafe\xcc\x81\"*");
}

TEST(SearchQuery, Fts5SyntaxIsOnlyWords) {
  EXPECT_EQ(services::fts5_query("title:sleep"), R"("title" "sleep"*)");
  EXPECT_EQ(services::fts5_query("NEAR(sleep panic, 2)"), R"("NEAR" "sleep" "panic" "2"*)");
  EXPECT_EQ(services::fts5_query("sleep OR NOT panic*"), R"("sleep" "OR" "NOT" "panic"*)");
  EXPECT_EQ(services::fts5_query("{title body}: ^sleep + -x"), R"("title" "body" "sleep" "x"*)");
}

TEST(SearchQuery, RefusesWhatCannotBeSearched) {
  EXPECT_EQ(query_error(""), "invalid_query");
  EXPECT_EQ(query_error("   "), "invalid_query");
  EXPECT_EQ(query_error("***"), "invalid_query");
  EXPECT_EQ(query_error("\"\""), "invalid_query");
  EXPECT_EQ(query_error("\"unbalanced"), "invalid_query");
  EXPECT_EQ(query_error("one \"two\" \"three"), "invalid_query");
  EXPECT_EQ(query_error(std::string(300, 'a')), "invalid_query");
  EXPECT_EQ(query_error(std::string(201, 'a')), "invalid_query");
  EXPECT_EQ(query_error(std::string(200, 'a')), "accepted");
  EXPECT_EQ(query_error("a b c d e f g h i j k l"), "accepted");
  EXPECT_EQ(query_error("a b c d e f g h i j k l m"), "invalid_query");
  EXPECT_EQ(query_error("sleep \xff"), "invalid_query");
}

TEST(SearchSnippet, SplitsMarkedMatchesIntoParts) {
  const auto parts = services::split_snippet("\xe2\x80\xa6 could not \x02sleep\x03 at \x02night\x03");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].text, "\xe2\x80\xa6 could not ");
  EXPECT_FALSE(parts[0].match);
  EXPECT_EQ(parts[1].text, "sleep");
  EXPECT_TRUE(parts[1].match);
  EXPECT_EQ(parts[2].text, " at ");
  EXPECT_EQ(parts[3].text, "night");
  EXPECT_TRUE(parts[3].match);
  EXPECT_TRUE(services::split_snippet("").empty());
  ASSERT_EQ(services::split_snippet("\x02open").size(), 1u);
}

class SearchServiceTest : public test::LibraryFixture {
 protected:
  void SetUp() override {
    LibraryFixture::SetUp();
    search_ = std::make_unique<services::SearchService>(*db_);
    resources_ = std::make_unique<services::ResourceService>(*db_, nullptr);
    db_->writer()
        .run([&](store::Connection& c) {
          const auto now = "2026-02-01T10:00:00.000Z";
          everyone_a_ = store::insert_category(c, {net_a_, "General", "", 0, 31, 31}, now);
          members_a_ = store::insert_category(c, {net_a_, "Members only", "", 1, 1, 1}, now);
          carers_a_ = store::insert_category(c, {net_a_, "Carers corner", "", 2, 2, 2}, now);
          everyone_b_ = store::insert_category(c, {net_b_, "General", "", 0, 31, 31}, now);
        })
        .get();
  }

  std::int64_t post(std::int64_t network, const char* kind, std::optional<std::int64_t> category, std::optional<std::int64_t> parent,
                    std::optional<std::string> title, std::string body, const char* state = "published") {
    return db_->writer()
        .run([&](store::Connection& c) {
          store::NewPost p;
          p.network_id = network;
          p.kind = kind;
          p.author_id = ids_[0];
          p.author_role = "member";
          p.category_id = category;
          p.parent_id = parent;
          p.title = title;
          p.body = body;
          p.state = state;
          return store::insert_post(c, p, "2026-02-01T11:00:00.000Z");
        })
        .get();
  }

  void set_state(std::int64_t id, const char* state) {
    db_->writer().run([&](store::Connection& c) { store::set_post_state(c, id, state, std::nullopt, "2026-02-01T12:00:00.000Z"); }).get();
  }

  std::int64_t resource(const char* network, std::string title, std::string body) {
    const auto staff = admin();
    services::ResourceInput in;
    in.kind = "article";
    in.title = std::move(title);
    in.body = std::move(body);
    return resources_->create(&staff, meta(), network, in).id;
  }

  // Posts and resources number separately: "post 3", "resource 3".
  std::vector<std::string> ids_found(const services::Principal& who, std::string_view q,
                                     std::optional<std::string> network = std::nullopt) {
    std::vector<std::string> ids;
    for (const auto& r : search_->search(&who, q, network)) ids.push_back(r.type == "resource" ? R(r.id) : P(r.id));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::string search_error(const services::Principal* who, std::string_view q, std::optional<std::string> network = std::nullopt) {
    try {
      search_->search(who, q, network);
    } catch (const core::AppError& e) {
      return e.code();
    }
    return "accepted";
  }
  std::string search_error(const services::Principal& who, std::string_view q, std::optional<std::string> network = std::nullopt) {
    return search_error(&who, q, network);
  }

  std::unique_ptr<services::SearchService> search_;
  std::unique_ptr<services::ResourceService> resources_;
  std::int64_t everyone_a_ = 0, members_a_ = 0, carers_a_ = 0, everyone_b_ = 0;
};

using Ids = std::vector<std::string>;

TEST_F(SearchServiceTest, AMemberNeverFindsAnotherNetworksPostsOrResources) {
  const auto in_a = post(net_a_, "topic", everyone_a_, std::nullopt, "Lighthouse walks", "Walking by the sea helps.");
  const auto in_b = post(net_b_, "topic", everyone_b_, std::nullopt, "Lighthouse nights", "Feeding at night.");
  const auto res_a = resource("default", "Lighthouse leaflet", "About walking.");
  const auto res_b = resource("perinatal", "Lighthouse guide", "About feeding.");
  EXPECT_EQ(ids_found(member(), "lighthouse"), ids({P(in_a), R(res_a)}));
  EXPECT_EQ(ids_found(member_b(), "lighthouse"), ids({P(in_b), R(res_b)}));
  EXPECT_EQ(search_error(member(), "lighthouse", "perinatal"), "network_not_found");
  EXPECT_EQ(search_error(member(), "lighthouse", "nowhere"), "network_not_found");
  EXPECT_EQ(ids_found(member(), "lighthouse", "default"), ids({P(in_a), R(res_a)}));
  // An admin with the second factor searches everywhere, or one network.
  EXPECT_EQ(ids_found(admin(), "lighthouse"), ids({P(in_a), P(in_b), R(res_a), R(res_b)}));
  EXPECT_EQ(ids_found(admin(), "lighthouse", "perinatal"), ids({P(in_b), R(res_b)}));
  EXPECT_EQ(search_error(admin(false), "lighthouse"), "second_factor_required");
}

TEST_F(SearchServiceTest, CarersFindCarersSpacesAndResourcesButNotMembersOnlyPostsOrBlogs) {
  const auto general = post(net_a_, "topic", everyone_a_, std::nullopt, "Harbour lights", "For everyone.");
  const auto members_only = post(net_a_, "topic", members_a_, std::nullopt, "Harbour fog", "For members.");
  const auto members_reply = post(net_a_, "reply", members_a_, members_only, std::nullopt, "A harbour reply.");
  const auto carers = post(net_a_, "topic", carers_a_, std::nullopt, "Harbour for carers", "For carers.");
  const auto blog = post(net_a_, "blog_post", std::nullopt, std::nullopt, "Harbour story", "A recovery story.");
  const auto comment = post(net_a_, "blog_comment", std::nullopt, blog, std::nullopt, "Thank you, harbour.");
  const auto res = resource("default", "Harbour map", "Where to find help.");

  EXPECT_EQ(ids_found(carer(), "harbour"), ids({P(general), P(carers), R(res)}));
  EXPECT_EQ(ids_found(member(), "harbour"), ids({P(general), P(members_only), P(members_reply), P(blog), P(comment), R(res)}));
  // Staff read every space of their network to moderate it.
  EXPECT_EQ(ids_found(clinician(), "harbour"), ids({P(general), P(members_only), P(members_reply), P(carers), P(blog), P(comment), R(res)}));
  EXPECT_EQ(search_error(clinician(false), "harbour"), "second_factor_required");
}

TEST_F(SearchServiceTest, HeldHiddenAndOrphanedPostsAreNotFound) {
  const auto topic = post(net_a_, "topic", everyone_a_, std::nullopt, "Quiet beach", "Calm waves.");
  const auto reply = post(net_a_, "reply", everyone_a_, topic, std::nullopt, "Calm here too.");
  const auto held = post(net_a_, "topic", everyone_a_, std::nullopt, "Calm held", "Waiting for a moderator.", "held");
  const auto hidden = post(net_a_, "topic", everyone_a_, std::nullopt, "Calm hidden", "Hidden by staff.");
  set_state(hidden, "hidden");
  EXPECT_EQ(ids_found(member(), "calm"), ids({P(topic), P(reply)}));
  EXPECT_EQ(ids_found(clinician(), "calm"), ids({P(topic), P(reply)}));  // search shows only what is published
  (void)held;
  // A reply under a topic that was hidden goes with it.
  set_state(topic, "hidden");
  EXPECT_EQ(ids_found(member(), "calm"), Ids{});
  set_state(topic, "published");
  EXPECT_EQ(ids_found(member(), "calm"), ids({P(topic), P(reply)}));
}

TEST_F(SearchServiceTest, RepliesAndCommentsLinkToWhatTheyBelongTo) {
  const auto topic = post(net_a_, "topic", everyone_a_, std::nullopt, "Evening routine", "What helps you wind down?");
  const auto reply = post(net_a_, "reply", everyone_a_, topic, std::nullopt, "A warm bath and chamomile.");
  const auto blog = post(net_a_, "blog_post", std::nullopt, std::nullopt, "My recovery", "Small steps.");
  const auto comment = post(net_a_, "blog_comment", std::nullopt, blog, std::nullopt, "Chamomile helped me too.");
  const auto m = member();
  const auto results = search_->search(&m, "chamomile", std::nullopt);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    if (r.id == reply) {
      EXPECT_EQ(r.type, "reply");
      EXPECT_EQ(r.link_kind, "topic");
      EXPECT_EQ(r.link_id, topic);
      EXPECT_EQ(r.title, "Evening routine");
    } else {
      EXPECT_EQ(r.id, comment);
      EXPECT_EQ(r.type, "blog_comment");
      EXPECT_EQ(r.link_kind, "blog_post");
      EXPECT_EQ(r.link_id, blog);
      EXPECT_EQ(r.title, "My recovery");
    }
    EXPECT_EQ(r.network_slug, "default");
    const bool marked = std::any_of(r.snippet.begin(), r.snippet.end(), [](const auto& s) { return s.match && s.text == "chamomile"; })
                        || std::any_of(r.snippet.begin(), r.snippet.end(), [](const auto& s) { return s.match && s.text == "Chamomile"; });
    EXPECT_TRUE(marked);
  }
}

TEST_F(SearchServiceTest, MalformedQueriesAreBadRequestsNeverServerErrors) {
  post(net_a_, "topic", everyone_a_, std::nullopt, "Title words", "Body words.");
  const auto m = member();
  for (const std::string& q : std::vector<std::string>{"\"unbalanced", "", "***", std::string(300, 'x'), "\"\"", "((("}) {
    EXPECT_EQ(search_error(&m, q), "invalid_query") << q;
  }
  // FTS5 syntax typed by a person is searched as plain words: it filters nothing and breaks nothing.
  for (const std::string& q : std::vector<std::string>{"NEAR(title words)", "title:words", "body:x OR y", "words AND NOT", "words*", "^words", "-words",
                              "{title}: words", "\"title\" NEAR/2 words"}) {
    EXPECT_EQ(search_error(&m, q), "accepted") << q;
  }
  EXPECT_TRUE(search_->search(&m, "title:nothing", std::nullopt).empty());  // no column filter: "nothing" is not there
  EXPECT_EQ(search_->search(&m, "title:words", std::nullopt).size(), 1u);
  EXPECT_EQ(search_error(nullptr, "words"), "sign_in_required");
}

TEST_F(SearchServiceTest, TheLastWordMatchesAsAPrefixAndStemmingWorks) {
  const auto t = post(net_a_, "topic", everyone_a_, std::nullopt, "Managing anxiety", "Breathing exercises for worried days.");
  EXPECT_EQ(ids_found(member(), "anxi"), ids({P(t)}));
  EXPECT_EQ(ids_found(member(), "exercise breath"), ids({P(t)}));
  EXPECT_EQ(ids_found(member(), "worrying days"), ids({P(t)}));  // porter: worrying ~ worried
  EXPECT_EQ(ids_found(member(), "\"managing anxiety\""), ids({P(t)}));
  EXPECT_EQ(ids_found(member(), "\"anxiety managing\""), Ids{});
  EXPECT_EQ(ids_found(member(), "\"anxi\""), Ids{});  // a phrase is not a prefix
}

TEST_F(SearchServiceTest, ATitleMatchRanksFirst) {
  const auto body_only = post(net_a_, "topic", everyone_a_, std::nullopt, "Evenings",
                              "I started journaling last year and journaling about my week helps me a lot with mood.");
  const auto in_title = post(net_a_, "topic", everyone_a_, std::nullopt, "Journaling", "A notebook by the bed.");
  const auto resource_body = resource("default", "Writing things down", "Journaling prompts for hard days.");
  const auto m = member();
  const auto results = search_->search(&m, "journaling", std::nullopt);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].id, in_title);
  EXPECT_TRUE(results[1].id == body_only || results[1].id == resource_body);
}

TEST_F(SearchServiceTest, ReturnsAtMostTwentyResults) {
  for (int i = 0; i < 15; ++i) post(net_a_, "topic", everyone_a_, std::nullopt, "Tide " + std::to_string(i), "Tide talk.");
  for (int i = 0; i < 15; ++i) resource("default", "Tide guide " + std::to_string(i), "About tides.");
  const auto m = member();
  EXPECT_EQ(search_->search(&m, "tide", std::nullopt).size(), services::kSearchMaxResults);
}

}  // namespace
