// Networks are separate rooms: through the real binary over TLS, a member of one network finds
// nothing of another's content by id, by list, by search or through notifications, and within a
// network a carer sees carers' spaces and resources but nothing of a members-only space.
// The server runs with --demo, which adds the 'perinatal' and 'carers' networks (with content).
#include "content_client.hpp"
#include "json_checks.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

using namespace harbour::test;
using nlohmann::json;

namespace {

// A word no demo text holds, so finding it means finding what the test wrote.
constexpr const char* kSecretWord = "zephyrquill";

// A search result of this type ("topic", "resource", …) and id: ids of posts and resources overlap.
bool has_result(const json& results, const std::string& type, std::int64_t id) {
  return results.is_array() && std::any_of(results.begin(), results.end(), [&](const json& r) {
           return r.value("type", "") == type && r.value("id", std::int64_t{0}) == id;
         });
}

json post_body(const std::string& title, const std::string& body) {
  return {{"title", title}, {"body", body}, {"content_notes", json::array()}};
}

std::string path(const std::string& prefix, std::int64_t id, const std::string& suffix = "") {
  return prefix + std::to_string(id) + suffix;
}

// What network B ('perinatal') holds for these tests, written by its own clinician.
struct OtherNetwork {
  std::int64_t category = 0;
  std::int64_t topic = 0;
  std::int64_t reply = 0;
  std::int64_t blog_post = 0;
  std::int64_t resource = 0;
};

class ContentIsolation : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(ServerOptions{.args = {"--demo"}});
    member_a_ = std::make_unique<Person>(join(*server_, "Rowan Birch", "member", "default"));
    staff_b_ = std::make_unique<Person>(join(*server_, "Morgan Reed", "clinician", "perinatal"));
  }

  // A members' space of B, from the demo content.
  std::int64_t category_of_b() {
    auto r = staff_b_->get("/api/v1/networks/perinatal/categories");
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& c : r.json.value("categories", json::array())) {
      const auto& read = c["audience"]["read"];
      if (std::find(read.begin(), read.end(), json("member")) != read.end()) return c["id"].get<std::int64_t>();
    }
    ADD_FAILURE() << "no members' category in the perinatal demo network: " << r.body;
    return 0;
  }

  // B's staff publish a topic, a reply, a blog post and a resource, each holding the secret word.
  OtherNetwork fill_b(const std::string& topic_text) {
    OtherNetwork b;
    b.category = category_of_b();
    auto topic = staff_b_->post(path("/api/v1/categories/", b.category, "/topics"),
                                post_body("Night feeds and the " + std::string(kSecretWord), topic_text));
    EXPECT_EQ(topic.status, 201) << topic.body;
    EXPECT_EQ(topic.json["moderation"]["outcome"], "published") << topic.body;
    b.topic = topic.json["post"].value("id", std::int64_t{0});
    auto reply = staff_b_->post(path("/api/v1/topics/", b.topic, "/replies"),
                                {{"body", std::string("A reply about the ") + kSecretWord}, {"content_notes", json::array()}});
    EXPECT_EQ(reply.status, 201) << reply.body;
    b.reply = reply.json["post"].value("id", std::int64_t{0});
    auto blog = staff_b_->post("/api/v1/networks/perinatal/blog",
                               post_body("Notes on the " + std::string(kSecretWord), "The blog of the perinatal team."));
    EXPECT_EQ(blog.status, 201) << blog.body;
    EXPECT_EQ(blog.json["moderation"]["outcome"], "published") << blog.body;
    b.blog_post = blog.json["post"].value("id", std::int64_t{0});
    auto resource = staff_b_->post("/api/v1/networks/perinatal/resources",
                                   {{"kind", "article"},
                                    {"title", "A leaflet on the " + std::string(kSecretWord)},
                                    {"summary", "For parents."},
                                    {"body", "What helps at night."},
                                    {"topics", {"sleep"}},
                                    {"audiences", {"everyone"}},
                                    {"content_notes", json::array()}});
    EXPECT_EQ(resource.status, 201) << resource.body;
    b.resource = resource.json["resource"].value("id", std::int64_t{0});
    return b;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Person> member_a_;
  std::unique_ptr<Person> staff_b_;
};

}  // namespace

// Server bug found by this test (reported, not fixed yet, so this test fails until it is): every
// route that reaches a post or category by id answers 404 network_not_found when it belongs to a
// network the caller holds no key to, but post_not_found / category_not_found for an id that does
// not exist, so the code tells an outsider which ids exist in other networks. Resources already
// answer resource_not_found (ResourceService hides the network).
TEST_F(ContentIsolation, AnotherNetworksContentIsNotFoundById) {
  const auto b = fill_b("We talked about night feeds.");
  auto member_b = join(*server_, "Ellis Fern", "member", "perinatal");
  constexpr std::int64_t kNoSuchId = 987654321;
  struct Case {
    std::string method, prefix, suffix, code;
    std::int64_t id;
    json body;
    bool b_member_reads = false;  // a member of B gets 200 here (a control for the 404)
  };
  const json reply = {{"body", "a reply from outside"}, {"content_notes", json::array()}};
  const Case cases[] = {
      {"GET", "/api/v1/topics/", "", "post_not_found", b.topic, nullptr, true},
      {"GET", "/api/v1/topics/", "?after=1", "post_not_found", b.topic, nullptr, true},
      {"GET", "/api/v1/posts/", "", "post_not_found", b.topic, nullptr, true},
      {"GET", "/api/v1/posts/", "", "post_not_found", b.reply, nullptr, true},
      {"GET", "/api/v1/blog-posts/", "", "post_not_found", b.blog_post, nullptr, true},
      {"GET", "/api/v1/posts/", "", "post_not_found", b.blog_post, nullptr, true},
      {"GET", "/api/v1/resources/", "", "resource_not_found", b.resource, nullptr, true},
      {"GET", "/api/v1/categories/", "/topics", "category_not_found", b.category, nullptr, true},
      {"GET", "/api/v1/posts/", "/history", "post_not_found", b.topic, nullptr},
      {"GET", "/api/v1/posts/", "/reactions", "post_not_found", b.topic, nullptr},
      {"POST", "/api/v1/topics/", "/replies", "post_not_found", b.topic, reply},
      {"POST", "/api/v1/blog-posts/", "/comments", "post_not_found", b.blog_post, reply},
      {"PUT", "/api/v1/posts/", "/reactions/support", "post_not_found", b.topic, json::object()},
      {"PUT", "/api/v1/posts/", "", "post_not_found", b.topic, post_body("Taken over", "Rewritten from outside")},
      {"DELETE", "/api/v1/posts/", "", "post_not_found", b.reply, nullptr},
      {"PUT", "/api/v1/topics/", "/read", "post_not_found", b.topic, {{"last_read_id", b.reply}}},
      {"POST", "/api/v1/categories/", "/topics", "category_not_found", b.category, post_body("From outside", "Hello")},
  };
  for (const auto& c : cases) {
    const auto target = path(c.prefix, c.id, c.suffix);
    // Someone of B can reach it, so the 404 below is the wall between networks, not a bad id.
    if (c.b_member_reads) {
      auto inside = member_b.get(target);
      EXPECT_EQ(inside.status, 200) << "member of B: " << target << ": " << inside.body;
    }
    const auto ask = [&](const std::string& t) {
      return c.body.is_null() ? member_a_->send(c.method, t, "") : member_a_->send(c.method, t, c.body.dump());
    };
    auto r = ask(target);
    EXPECT_EQ(r.status, 404) << c.method << " " << target << ": " << r.body;
    EXPECT_EQ(r.code(), c.code) << c.method << " " << target;
    EXPECT_EQ(r.body.find(kSecretWord), std::string::npos) << target << " leaks: " << r.body;
    // Exactly as if it did not exist.
    auto ghost = ask(path(c.prefix, kNoSuchId, c.suffix));
    EXPECT_EQ(ghost.status, 404) << c.method << " " << c.prefix << kNoSuchId << c.suffix << ": " << ghost.body;
    EXPECT_EQ(r.body, ghost.body) << c.method << " " << target << " differs from an id that does not exist";
  }
  // Nothing was written from outside.
  auto topic = staff_b_->get(path("/api/v1/topics/", b.topic));
  ASSERT_EQ(topic.status, 200);
  EXPECT_EQ(topic.json["replies"].size(), 1u) << topic.body;
  EXPECT_EQ(topic.json["replies"][0]["state"], "published") << topic.body;
  EXPECT_EQ(topic.json["topic"]["body"], "We talked about night feeds.");
  EXPECT_EQ(topic.json["topic"]["reactions"]["support"], 0);
  auto blog = staff_b_->get(path("/api/v1/blog-posts/", b.blog_post));
  ASSERT_EQ(blog.status, 200);
  EXPECT_TRUE(blog.json["comments"].empty()) << blog.body;
  auto space = staff_b_->get(path("/api/v1/categories/", b.category, "/topics"));
  ASSERT_EQ(space.status, 200);
  EXPECT_EQ(space.body.find("From outside"), std::string::npos);
}

TEST_F(ContentIsolation, AnotherNetworksListsAreNotFound) {
  for (const char* list : {"categories", "blog", "resources"}) {
    auto own = member_a_->get(std::string("/api/v1/networks/default/") + list);
    EXPECT_EQ(own.status, 200) << list << ": " << own.body;
    auto other = member_a_->get(std::string("/api/v1/networks/perinatal/") + list);
    EXPECT_EQ(other.status, 404) << list << ": " << other.body;
    EXPECT_EQ(other.code(), "network_not_found") << list;
    auto none = member_a_->get(std::string("/api/v1/networks/no-such-place/") + list);
    EXPECT_EQ(none.status, 404);
    // Not being a member looks exactly like there being no such network.
    EXPECT_EQ(other.body, none.body) << list;
  }
}

TEST_F(ContentIsolation, SearchNeverReachesAnotherNetwork) {
  const auto b = fill_b("We talked about night feeds.");
  auto member_b = join(*server_, "Ellis Fern", "member", "perinatal");
  auto inside = member_b.get(std::string("/api/v1/search?q=") + kSecretWord);
  ASSERT_EQ(inside.status, 200) << inside.body;
  EXPECT_TRUE(has_result(inside.json["results"], "topic", b.topic)) << inside.body;
  EXPECT_TRUE(has_result(inside.json["results"], "resource", b.resource)) << inside.body;

  auto outside = member_a_->get(std::string("/api/v1/search?q=") + kSecretWord);
  ASSERT_EQ(outside.status, 200) << outside.body;
  EXPECT_TRUE(outside.json["results"].empty()) << outside.body;
  EXPECT_EQ(outside.body.find(kSecretWord), std::string::npos);
  auto prefix = member_a_->get("/api/v1/search?q=zephyr");
  ASSERT_EQ(prefix.status, 200) << prefix.body;
  EXPECT_TRUE(prefix.json["results"].empty()) << prefix.body;

  auto named = member_a_->get(std::string("/api/v1/search?q=") + kSecretWord + "&network=perinatal");
  EXPECT_EQ(named.status, 404) << named.body;
  EXPECT_EQ(named.code(), "network_not_found");
  auto own = member_a_->get(std::string("/api/v1/search?q=") + kSecretWord + "&network=default");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(own.json["results"].empty()) << own.body;
}

TEST_F(ContentIsolation, MentionFromAnotherNetworkNotifiesNobodyThere) {
  auto member_b = join(*server_, "Ellis Fern", "member", "perinatal");
  auto socket_a = member_a_->open_socket();
  auto socket_b = member_b.open_socket();
  ASSERT_NE(socket_a, nullptr);
  ASSERT_NE(socket_b, nullptr);

  const auto b = fill_b("Thinking of @Rowan Birch and @Ellis Fern tonight.");

  // B's member is told, live and in the list: mentions work.
  const auto live_b = next_message_of_type(*socket_b, "notification", std::chrono::seconds(3));
  ASSERT_TRUE(live_b.has_value()) << "the mention reached nobody, so this test proves nothing";
  EXPECT_EQ((*live_b)["notification"]["kind"], "mention");
  EXPECT_EQ((*live_b)["notification"]["post"]["id"], b.topic);

  // A is not: not on the socket, not in the list.
  const auto live_a = next_message_of_type(*socket_a, "notification", std::chrono::milliseconds(1500));
  EXPECT_FALSE(live_a.has_value()) << live_a->dump();
  auto list = member_a_->get("/api/v1/notifications");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json["notifications"].empty()) << list.body;
  EXPECT_EQ(list.json["unread_count"], 0);
  EXPECT_EQ(list.body.find(kSecretWord), std::string::npos);
}

TEST_F(ContentIsolation, CarerSeesCarersSpacesAndResourcesButNothingMembersOnly) {
  auto admin = join(*server_, "Pat Keeper", "admin", "default");
  auto carer = join(*server_, "Tamsin Cove", "carer", "default");
  const auto category = [&](const std::string& name, const json& roles) {
    auto r = admin.post("/api/v1/networks/default/categories",
                        {{"name", name}, {"description", "For the isolation test."}, {"position", 900},
                         {"read", roles}, {"post", roles}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json["category"].value("id", std::int64_t{0});
  };
  const auto members_only = category("Members quiet room", {"member"});
  const auto shared = category("Carers and members", {"member", "carer"});
  const auto topic = [&](std::int64_t in, const std::string& title) {
    auto r = admin.post(path("/api/v1/categories/", in, "/topics"), post_body(title, "Some thoughts on quillmoth days."));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json["post"].value("id", std::int64_t{0});
  };
  const auto private_topic = topic(members_only, "Only for members");
  const auto shared_topic = topic(shared, "For everyone here");
  auto resource = admin.post("/api/v1/networks/default/resources",
                             {{"kind", "article"},
                              {"title", "Looking after yourself as a carer"},
                              {"summary", "Quillmoth notes for carers."},
                              {"body", "Rest when you can."},
                              {"topics", {"carers"}},
                              {"audiences", {"carers"}},
                              {"content_notes", json::array()}});
  ASSERT_EQ(resource.status, 201) << resource.body;
  const auto resource_id = resource.json["resource"]["id"].get<std::int64_t>();

  auto spaces = carer.get("/api/v1/networks/default/categories");
  ASSERT_EQ(spaces.status, 200) << spaces.body;
  EXPECT_TRUE(has_id(spaces.json["categories"], shared));
  EXPECT_FALSE(has_id(spaces.json["categories"], members_only)) << spaces.body;
  EXPECT_EQ(spaces.body.find("Members quiet room"), std::string::npos);

  auto list = carer.get(path("/api/v1/categories/", members_only, "/topics"));
  EXPECT_EQ(list.status, 404) << list.body;
  EXPECT_EQ(list.code(), "category_not_found");
  for (const auto& target : {path("/api/v1/topics/", private_topic), path("/api/v1/posts/", private_topic)}) {
    auto r = carer.get(target);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_EQ(r.code(), "post_not_found");
    EXPECT_EQ(r.body.find("Only for members"), std::string::npos);
  }
  EXPECT_EQ(carer.get(path("/api/v1/topics/", shared_topic)).status, 200);

  auto found = carer.get("/api/v1/search?q=quillmoth");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_TRUE(has_result(found.json["results"], "topic", shared_topic)) << found.body;
  EXPECT_TRUE(has_result(found.json["results"], "resource", resource_id)) << found.body;
  EXPECT_FALSE(has_result(found.json["results"], "topic", private_topic)) << found.body;
  EXPECT_EQ(found.body.find("Only for members"), std::string::npos);

  auto library = carer.get("/api/v1/networks/default/resources");
  ASSERT_EQ(library.status, 200) << library.body;
  EXPECT_TRUE(has_id(library.json["resources"], resource_id)) << library.body;
  auto leaflet = carer.get(path("/api/v1/resources/", resource_id));
  ASSERT_EQ(leaflet.status, 200) << leaflet.body;
  EXPECT_EQ(leaflet.json["resource"]["body"], "Rest when you can.");

  // Blogs are for the community, not for carers.
  EXPECT_EQ(carer.get("/api/v1/networks/default/blog").status, 403);

  // A member reads the members' room, so the carer's 404s are about the audience.
  auto member = join(*server_, "Ellis Fern", "member", "default");
  EXPECT_EQ(member.get(path("/api/v1/topics/", private_topic)).status, 200);
  EXPECT_TRUE(has_result(member.get("/api/v1/search?q=quillmoth").json["results"], "topic", private_topic));
}

TEST_F(ContentIsolation, StaffOfAnotherNetworkSeeNothingHeldHere) {
  auto spaces = member_a_->get("/api/v1/networks/default/categories");
  ASSERT_EQ(spaces.status, 200) << spaces.body;
  std::int64_t category = 0;
  for (const auto& c : spaces.json["categories"]) {
    if (c.value("can_post", false)) category = c["id"].get<std::int64_t>();
  }
  ASSERT_NE(category, 0) << spaces.body;
  auto held = member_a_->post(path("/api/v1/categories/", category, "/topics"),
                              post_body("Not ready yet", std::string("A first post about ") + kSecretWord));
  ASSERT_EQ(held.status, 201) << held.body;
  ASSERT_EQ(held.json["moderation"]["outcome"], "held");
  const auto id = held.json["post"]["id"].get<std::int64_t>();

  // Staff of B moderate B only: A's held post is not theirs to see, by id, queue or search.
  auto by_id = staff_b_->get(path("/api/v1/posts/", id));
  EXPECT_EQ(by_id.status, 404) << by_id.body;
  EXPECT_EQ(by_id.body.find(kSecretWord), std::string::npos);
  EXPECT_EQ(staff_b_->get("/api/v1/networks/default/moderation/queue").status, 404);
  auto search = staff_b_->get(std::string("/api/v1/search?q=") + kSecretWord);
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_FALSE(has_result(search.json["results"], "topic", id)) << search.body;
}
