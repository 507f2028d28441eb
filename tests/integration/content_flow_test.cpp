// The life of content through the real binary over TLS: the moderation gate holds a member's first
// topic until staff approve it (the author is told in the list and live on their socket), a
// rejection carries its reason and an edit resubmits without losing the old text, replies notify
// until the replier is muted, reactions, drafts, hostile input and refused watched words.
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
#include <vector>

using namespace harbour::test;
using nlohmann::json;

namespace {

// Notifications of one kind about one post.
std::vector<json> notifications_about(Person& p, const std::string& kind, std::int64_t post_id) {
  const auto r = p.get("/api/v1/notifications");
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<json> out;
  for (const auto& n : r.json.value("notifications", json::array())) {
    if (n.value("kind", "") == kind && n["post"].value("id", std::int64_t{0}) == post_id) out.push_back(n);
  }
  return out;
}

class ContentFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    admin_ = std::make_unique<Person>(join(*server_, "Pat Keeper", "admin"));
    moderator_ = std::make_unique<Person>(join(*server_, "Morgan Reed", "clinician"));
    auto r = admin_->post("/api/v1/networks/default/categories",
                          {{"name", "Everyday support"}, {"description", "Talk about the week."}, {"position", 10},
                           {"read", {"member", "carer"}}, {"post", {"member", "carer"}}});
    ASSERT_EQ(r.status, 201) << r.body;
    category_ = r.json["category"]["id"].get<std::int64_t>();
  }

  std::string topics_path() const { return "/api/v1/categories/" + std::to_string(category_) + "/topics"; }

  // Members' posts publish at once from here on, so tests of what follows publication need no
  // moderator in between.
  void publish_members_at_once() {
    auto r = admin_->put("/api/v1/networks/default/moderation/policy", {{"mode", "post_moderate"}, {"first_posts", 0}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The open queue item of a post, or null.
  json open_item_for(std::int64_t post_id) {
    auto r = moderator_->get("/api/v1/networks/default/moderation/queue?state=open");
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& item : r.json.value("items", json::array())) {
      if (item["post"].value("id", std::int64_t{0}) == post_id) return item;
    }
    return nullptr;
  }

  std::int64_t published_topic(Person& author, const std::string& title, const std::string& body) {
    auto r = author.post(topics_path(), topic_body(title, body));
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["moderation"].value("outcome", ""), "published") << r.body;
    return r.json["post"].value("id", std::int64_t{0});
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Person> admin_;
  std::unique_ptr<Person> moderator_;
  std::int64_t category_ = 0;
};

}  // namespace

TEST_F(ContentFlow, FirstTopicIsHeldUntilAModeratorApprovesItAndTheAuthorIsToldLive) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  auto socket = author.open_socket();
  ASSERT_NE(socket, nullptr);

  auto created = author.post(topics_path(), topic_body("Waiting rooms", "The waiting room makes me anxious."));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["moderation"]["outcome"], "held");
  EXPECT_EQ(created.json["post"]["state"], "held");
  const auto id = created.json["post"]["id"].get<std::int64_t>();
  const auto topic = "/api/v1/topics/" + std::to_string(id);

  // The author sees it, waiting; another member finds nothing, by id or in the list.
  auto mine = author.get("/api/v1/posts/" + std::to_string(id));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["post"]["state"], "held");
  auto hidden = other.get(topic);
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(hidden.code(), "post_not_found");
  EXPECT_EQ(hidden.body.find("waiting room"), std::string::npos);
  EXPECT_EQ(other.get("/api/v1/posts/" + std::to_string(id)).status, 404);
  auto list = other.get(topics_path());
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_FALSE(has_id(list.json["topics"], id));
  // Nor can a member open the queue.
  EXPECT_EQ(other.get("/api/v1/networks/default/moderation/queue").status, 403);

  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object()) << "the held topic is not in the staff queue";
  EXPECT_EQ(item["post"]["body"], "The waiting room makes me anxious.");
  EXPECT_NE(std::find(item["reasons"].begin(), item["reasons"].end(), json("new_member")), item["reasons"].end()) << item;
  const auto approve = "/api/v1/moderation/items/" + std::to_string(item["id"].get<std::int64_t>()) + "/approve";
  EXPECT_EQ(other.post(approve).status, 403);  // a member cannot approve it
  auto approved = moderator_->post(approve);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json["item"]["state"], "approved");
  auto again = moderator_->post(approve);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "already_decided");

  auto visible = other.get(topic);
  ASSERT_EQ(visible.status, 200) << visible.body;
  EXPECT_EQ(visible.json["topic"]["state"], "published");
  EXPECT_TRUE(has_id(other.get(topics_path()).json["topics"], id));

  const auto told = notifications_about(author, "approved", id);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_TRUE(told[0]["actor"].is_null()) << "staff stay unnamed in moderation decisions";
  const auto live = next_message_of_type(*socket, "notification", std::chrono::seconds(3));
  ASSERT_TRUE(live.has_value()) << "no notification arrived on the author's socket";
  EXPECT_EQ((*live)["notification"]["kind"], "approved");
  EXPECT_EQ((*live)["notification"]["post"]["id"], id);
  EXPECT_EQ((*live)["notification"]["id"], told[0]["id"]);
  EXPECT_GE((*live)["unread_count"].get<int>(), 1);
}

TEST_F(ContentFlow, RejectionCarriesItsReasonAndAnEditResubmitsWithNothingLost) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const std::string original = "My number is in here, call me any time.";
  auto created = author.post(topics_path(), topic_body("Anyone around tonight", original));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = created.json["post"]["id"].get<std::int64_t>();
  const auto post = "/api/v1/posts/" + std::to_string(id);

  const auto first = open_item_for(id);
  ASSERT_TRUE(first.is_object());
  const std::string reason = "Please leave out contact details; they keep everyone safe.";
  auto rejected = moderator_->post("/api/v1/moderation/items/" + std::to_string(first["id"].get<std::int64_t>()) + "/reject",
                                   {{"reason", reason}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json["item"]["state"], "rejected");

  auto seen = author.get(post);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json["post"]["state"], "rejected");
  EXPECT_EQ(seen.json["post"]["state_reason"], reason);
  EXPECT_EQ(other.get(post).status, 404);
  const auto told = notifications_about(author, "rejected", id);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["reason"], reason);

  const std::string edited = "Is anyone around tonight? I find evenings hard.";
  auto resubmitted = author.put(post, topic_body("Anyone around tonight", edited));
  ASSERT_EQ(resubmitted.status, 200) << resubmitted.body;
  EXPECT_EQ(resubmitted.json["moderation"]["outcome"], "held");
  EXPECT_EQ(resubmitted.json["post"]["state"], "held");
  EXPECT_EQ(resubmitted.json["post"]["body"], edited);

  const auto second = open_item_for(id);
  ASSERT_TRUE(second.is_object()) << "the resubmitted post is not back in the queue";
  EXPECT_NE(second["id"], first["id"]);
  EXPECT_NE(std::find(second["reasons"].begin(), second["reasons"].end(), json("resubmitted")), second["reasons"].end())
      << second;
  EXPECT_EQ(second["post"]["body"], edited);

  // The old text is kept for staff, never shown to others.
  auto history = moderator_->get(post + "/history");
  ASSERT_EQ(history.status, 200) << history.body;
  const auto& revisions = history.json["revisions"];
  EXPECT_TRUE(std::any_of(revisions.begin(), revisions.end(), [&](const json& r) { return r.value("body", "") == original; }))
      << history.body;
  auto not_staff = other.get(post + "/history");
  EXPECT_TRUE(not_staff.status == 403 || not_staff.status == 404) << not_staff.status;
  EXPECT_EQ(not_staff.body.find("call me"), std::string::npos);
  EXPECT_EQ(other.get(post).status, 404);
}

TEST_F(ContentFlow, ReplyNotifiesTheTopicAuthorUntilTheyMuteTheReplier) {
  publish_members_at_once();
  auto author = join(*server_, "Rowan Birch", "member");
  auto replier = join(*server_, "Ellis Fern", "member");
  auto third = join(*server_, "Juniper Hale", "member");
  const auto id = published_topic(author, "Small wins", "I went for a walk today.");
  const auto replies = "/api/v1/topics/" + std::to_string(id) + "/replies";
  const json reply = {{"body", "That is lovely to hear."}, {"content_notes", json::array()}};

  auto first = replier.post(replies, reply);
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(first.json["moderation"]["outcome"], "published");
  const auto first_id = first.json["post"]["id"].get<std::int64_t>();
  const auto told = notifications_about(author, "reply", first_id);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]["actor"]["id"], replier.id());
  EXPECT_EQ(told[0]["link"]["id"], id);

  auto muted = author.put("/api/v1/account/mutes/" + std::to_string(replier.id()));
  ASSERT_EQ(muted.status, 200) << muted.body;
  EXPECT_EQ(muted.json["muted"]["id"], replier.id());

  auto second = replier.post(replies, {{"body", "Keep going, one step at a time."}, {"content_notes", json::array()}});
  ASSERT_EQ(second.status, 201) << second.body;
  const auto second_id = second.json["post"]["id"].get<std::int64_t>();
  EXPECT_TRUE(notifications_about(author, "reply", second_id).empty()) << "a muted member still caused a notification";
  // Someone not muted still does, so the silence above is the mute's doing.
  auto other = third.post(replies, reply);
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_EQ(notifications_about(author, "reply", other.json["post"]["id"].get<std::int64_t>()).size(), 1u);
  // The muted reply is still there, marked so the client can fold it.
  auto page = author.get("/api/v1/topics/" + std::to_string(id));
  ASSERT_EQ(page.status, 200) << page.body;
  bool found = false;
  for (const auto& r : page.json["replies"]) {
    if (r["id"] == second_id) {
      found = true;
      EXPECT_EQ(r["author"]["muted"], true);
    }
  }
  EXPECT_TRUE(found);

  auto staff = author.put("/api/v1/account/mutes/" + std::to_string(moderator_->id()));
  EXPECT_EQ(staff.status, 409) << staff.body;
  EXPECT_EQ(staff.code(), "cannot_mute_staff");
  auto self = author.put("/api/v1/account/mutes/" + std::to_string(author.id()));
  EXPECT_EQ(self.status, 400) << self.body;
  EXPECT_EQ(self.code(), "cannot_mute_self");
  auto mutes = author.get("/api/v1/account/mutes");
  ASSERT_EQ(mutes.status, 200);
  EXPECT_EQ(mutes.json["mutes"].size(), 1u) << mutes.body;
}

TEST_F(ContentFlow, ReactionsCountButNeverOnOnesOwnPostAndOnlyAuthorAndStaffSeeWho) {
  publish_members_at_once();
  auto author = join(*server_, "Rowan Birch", "member");
  auto reactor = join(*server_, "Ellis Fern", "member");
  auto third = join(*server_, "Juniper Hale", "member");
  const auto id = published_topic(author, "Therapy homework", "Thought records are harder than they look.");
  const auto post = "/api/v1/posts/" + std::to_string(id);

  auto given = reactor.put(post + "/reactions/support");
  ASSERT_EQ(given.status, 200) << given.body;
  EXPECT_EQ(given.json["reactions"]["support"], 1);
  EXPECT_EQ(given.json["my_reactions"], json::array({"support"}));
  auto twice = reactor.put(post + "/reactions/support");
  ASSERT_EQ(twice.status, 200) << twice.body;
  EXPECT_EQ(twice.json["reactions"]["support"], 1) << "one person counts once";
  auto also = third.put(post + "/reactions/support");
  ASSERT_EQ(also.status, 200) << also.body;
  EXPECT_EQ(also.json["reactions"]["support"], 2);

  auto own = author.put(post + "/reactions/support");
  EXPECT_EQ(own.status, 409) << own.body;
  EXPECT_EQ(own.code(), "own_post");
  auto unknown = reactor.put(post + "/reactions/hug");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.code(), "invalid_reaction");

  auto withdrawn = third.del(post + "/reactions/support");
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_EQ(withdrawn.json["reactions"]["support"], 1);
  EXPECT_TRUE(withdrawn.json["my_reactions"].empty());

  auto nosy = third.get(post + "/reactions");
  EXPECT_EQ(nosy.status, 403) << nosy.body;
  EXPECT_EQ(nosy.body.find(reactor.pseudonym()), std::string::npos);
  for (Person* allowed : {&author, moderator_.get()}) {
    auto who = allowed->get(post + "/reactions");
    ASSERT_EQ(who.status, 200) << who.body;
    bool named = false;
    for (const auto& group : who.json["reactions"]) {
      if (group["kind"] == "support") named = has_id(group["people"], reactor.id()) && !has_id(group["people"], third.id());
    }
    EXPECT_TRUE(named) << who.body;
  }
  auto count = third.get(post);
  ASSERT_EQ(count.status, 200);
  EXPECT_EQ(count.json["post"]["reactions"]["support"], 1);
  EXPECT_TRUE(count.json["post"]["my_reactions"].empty());
}

TEST_F(ContentFlow, PostingWithADraftKeyDeletesTheDraft) {
  auto author = join(*server_, "Rowan Birch", "member");
  const auto key = "topic-" + std::to_string(category_);
  auto saved = author.put("/api/v1/drafts/" + key,
                          {{"network", "default"}, {"title", "Half written"}, {"body", "I started to write this"}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json["draft"]["key"], key);
  auto kept = author.get("/api/v1/drafts/" + key);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.json["draft"]["body"], "I started to write this");

  auto body = topic_body("Half written", "I started to write this and finished it.");
  body["draft_key"] = key;
  auto posted = author.post(topics_path(), body);
  ASSERT_EQ(posted.status, 201) << posted.body;

  auto gone = author.get("/api/v1/drafts/" + key);
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(gone.code(), "draft_not_found");
  auto all = author.get("/api/v1/drafts");
  ASSERT_EQ(all.status, 200);
  EXPECT_TRUE(all.json["drafts"].empty()) << all.body;

  auto bad = author.put("/api/v1/drafts/notes-1", {{"network", "default"}, {"body", "x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.code(), "invalid_draft_key");
}

TEST_F(ContentFlow, HostileInputIsRefusedCleanlyAndNothingIsWritten) {
  auto author = join(*server_, "Rowan Birch", "member");
  const auto nothing_written = [&] {
    auto mine = author.get("/api/v1/account/posts");
    EXPECT_EQ(mine.status, 200) << mine.body;
    EXPECT_TRUE(mine.json["posts"].empty()) << mine.body;
    auto queue = moderator_->get("/api/v1/networks/default/moderation/queue?state=open");
    EXPECT_TRUE(queue.json["items"].empty()) << queue.body;
  };

  // 0xC3 0x28: a lead byte followed by something that cannot continue it.
  const std::string broken = std::string(R"({"title":"Broken bytes","body":"bad )") + "\xC3\x28" + R"( text","content_notes":[]})";
  auto invalid = author.send("POST", topics_path(), broken);
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_FALSE(invalid.code().empty()) << invalid.body;
  nothing_written();

  auto too_long = author.post(topics_path(), topic_body("Very long", std::string(40'001, 'a')));
  EXPECT_EQ(too_long.status, 400) << too_long.body.substr(0, 300);
  EXPECT_EQ(too_long.code(), "text_too_long");
  auto story = author.post("/api/v1/networks/default/blog", topic_body("My long story", std::string(40'001, 'b')));
  EXPECT_EQ(story.status, 400) << story.body.substr(0, 300);
  EXPECT_EQ(story.code(), "text_too_long");
  nothing_written();

  // 300 KiB: over the posting routes' limit, refused from its declared length. The server answers
  // before reading the body and closes, so the body is sent regardless, as a browser would.
  const std::string huge = R"({"title":"Huge","body":")" + std::string(300 * 1024, 'c') + R"(","content_notes":[]})";
  auto large = author.send_whole("POST", topics_path(), huge);
  EXPECT_EQ(large.status, 413) << large.body;
  EXPECT_EQ(large.code(), "body_too_large");
  nothing_written();

  const std::vector<std::string> odd = {"\"unbalanced", "***", "", std::string(201, 'q'), "\"\"", "-", "AND",
                                        "NEAR(", "a:b", "^", "\"a\" OR", "(", "*", "sleep OR", "NOT sleep"};
  for (const auto& q : odd) {
    auto r = author.get("/api/v1/search?q=" + url_encode(q) + "&network=default");
    EXPECT_LT(r.status, 500) << "q=" << q << ": " << r.body;
    EXPECT_TRUE(r.status == 200 || (r.status == 400 && r.code() == "invalid_query")) << "q=" << q << ": " << r.body;
  }
  for (const auto& q : std::vector<std::string>{"\"unbalanced", "***", "", std::string(201, 'q')}) {
    auto r = author.get("/api/v1/search?q=" + url_encode(q));
    EXPECT_EQ(r.status, 400) << "q=" << q << ": " << r.body;
    EXPECT_EQ(r.code(), "invalid_query") << "q=" << q;
  }

  for (const auto& cursor : std::vector<std::string>{"garbage", "2024-01-01T00:00:00.000Z_x", "_1", "2024-01-01T00:00:00.000Z_-5"}) {
    auto r = author.get(topics_path() + "?before=" + url_encode(cursor));
    EXPECT_EQ(r.status, 400) << cursor << ": " << r.body;
    EXPECT_EQ(r.code(), "invalid_cursor") << cursor;
  }
  nothing_written();
  // The same person can post, and it shows where nothing showed before.
  ASSERT_EQ(author.post(topics_path(), topic_body("Plain words", "Nothing odd here.")).status, 201);
  EXPECT_EQ(author.get("/api/v1/account/posts").json["posts"].size(), 1u);
}

TEST_F(ContentFlow, RefusedWatchedWordStoresNothing) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto not_admin = moderator_->post("/api/v1/networks/default/watched-words", {{"phrase", "bramblewick"}, {"action", "refuse"}});
  EXPECT_EQ(not_admin.status, 403) << not_admin.body;
  auto word = admin_->post("/api/v1/networks/default/watched-words", {{"phrase", "bramblewick"}, {"action", "refuse"}});
  ASSERT_EQ(word.status, 201) << word.body;

  auto refused = author.post(topics_path(), topic_body("A hard day", "Honestly, Bramblewick, that is all."));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.code(), "content_refused");
  EXPECT_EQ(refused.body.find("ramblewick"), std::string::npos) << "the refusal names the watched word";

  auto mine = author.get("/api/v1/account/posts");
  ASSERT_EQ(mine.status, 200);
  EXPECT_TRUE(mine.json["posts"].empty()) << mine.body;
  auto queue = moderator_->get("/api/v1/networks/default/moderation/queue?state=open");
  EXPECT_TRUE(queue.json["items"].empty()) << queue.body;
  auto search = moderator_->get("/api/v1/search?q=bramblewick");
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_TRUE(search.json["results"].empty()) << search.body;

  // Without the word the same person can post, so the refusal was the word's.
  auto fine = author.post(topics_path(), topic_body("A hard day", "Honestly, that is all."));
  EXPECT_EQ(fine.status, 201) << fine.body;
  EXPECT_EQ(author.get("/api/v1/account/posts").json["posts"].size(), 1u) << "the list above could not show a post";
}

// The topic list is served from a per-session cache until the next commit: every change anyone
// commits shows in the very next read, and a session that ends is refused at once.
TEST_F(ContentFlow, TheCachedTopicListShowsEveryChangeInTheNextRead) {
  publish_members_at_once();
  auto reader = join(*server_, "Ash Reader", "member");
  auto writer = join(*server_, "Elm Writer", "member");
  const auto first = reader.get(topics_path());
  ASSERT_EQ(first.status, 200) << first.body;
  const auto again = reader.get(topics_path());
  EXPECT_EQ(again.body, first.body) << "nothing changed: the same answer";

  const auto id = published_topic(writer, "A walk helped today", "I went out for ten minutes and it helped.");
  auto listed = reader.get(topics_path());
  ASSERT_EQ(listed.status, 200);
  EXPECT_TRUE(has_id(listed.json["topics"], id)) << "a new topic shows in the next read";

  auto hidden = moderator_->post("/api/v1/posts/" + std::to_string(id) + "/hide", {{"reason", "Checking a detail with the author."}});
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  listed = reader.get(topics_path());
  EXPECT_FALSE(has_id(listed.json["topics"], id)) << "a hidden topic leaves the list in the next read";

  ASSERT_EQ(reader.del("/api/v1/session").status, 204);
  EXPECT_EQ(reader.get(topics_path()).status, 401) << "a signed-out session is refused at once";
}
