// Forums, blogs and posts through the services: the gate's decisions as people see them,
// visibility of held, rejected, hidden and deleted posts, keyset pages, unread markers, locking,
// edit history and resubmission, reactions, and what erasure leaves of someone's posts.
#include "library_test_fixture.hpp"

#include "core/app_error.hpp"
#include "live/hub.hpp"
#include "services/services.hpp"
#include "store/category_repo.hpp"
#include "store/moderation_repo.hpp"
#include "store/personal_content_repo.hpp"
#include "store/post_repo.hpp"

#include <nlohmann/json.hpp>

#include <set>

using namespace harbour;
using services::Role;

namespace {

class ForumServiceTest : public test::LibraryFixture {
 protected:
  void SetUp() override {
    LibraryFixture::SetUp();
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    db_->writer()
        .run([&](store::Connection& c) {
          const std::pair<std::size_t, const char*> keys_a[] = {{0, "member"}, {1, "carer"}, {2, "clinician"}, {3, "volunteer"}};
          for (const auto& [index, role] : keys_a) store::upsert_membership(c, ids_[index], net_a_, role);
          store::upsert_membership(c, ids_[5], net_b_, "member");
          store::upsert_membership(c, ids_[6], net_b_, "clinician");
          everyone_ = store::insert_category(c, {net_a_, "Everyone", "", 0, 31, 31}, "2026-01-01T00:00:00.000Z");
          members_only_ = store::insert_category(c, {net_a_, "Members", "", 1, 1 | 28, 1 | 28}, "2026-01-01T00:00:00.000Z");
        })
        .get();
  }

  void set_policy(const char* mode, int first_posts = 3) {
    db_->writer().run([&](store::Connection& c) { store::upsert_moderation_policy(c, net_a_, mode, first_posts, "2026-01-01T00:00:00.000Z"); }).get();
  }

  services::CreatedPost topic(const services::Principal& who, std::int64_t category, std::string title, int minute = 0) {
    services::PostInput in;
    in.title = std::move(title);
    in.body = "Something I wanted to share with you all.";
    return services_->forums().create_topic(&who, meta(minute), category, in);
  }

  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<services::Services> services_;
  std::int64_t everyone_ = 0;
  std::int64_t members_only_ = 0;
};

services::PostInput reply_text(std::string body) {
  services::PostInput in;
  in.body = std::move(body);
  return in;
}

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::AppError& e) {
    return e.code();
  }
  return "no error";
}

}  // namespace

TEST_F(ForumServiceTest, MemberFirstTopicIsHeldAndSeenOnlyByAuthorAndStaff) {
  const auto author = member();
  const auto created = topic(author, everyone_, "My first topic");
  EXPECT_EQ(created.decision.outcome, services::GateDecision::Outcome::Hold);
  EXPECT_EQ(created.post.row.state, "held");
  const auto id = created.post.row.id;

  EXPECT_EQ(services_->posts().get(&author, id).row.state, "held");
  const auto staff = clinician();
  EXPECT_EQ(services_->posts().get(&staff, id).row.state, "held");
  const auto other = carer();
  EXPECT_EQ(code_of([&] { services_->posts().get(&other, id); }), "post_not_found");
  EXPECT_TRUE(services_->forums().topics(&other, everyone_, std::nullopt).topics.empty());
  // The author's list shows it to them, marked.
  ASSERT_EQ(services_->forums().topics(&author, everyone_, std::nullopt).topics.size(), 1u);
  // And nobody finds it by search until a moderator approves it.
  EXPECT_EQ(count("SELECT count(*) FROM post_search"), 0);

  const auto queue = services_->moderation().queue(&staff, "default", std::nullopt, std::nullopt);
  ASSERT_EQ(queue.items.size(), 1u);
  services_->moderation().approve(&staff, meta(1), queue.items.front().id, std::nullopt);
  EXPECT_EQ(services_->posts().get(&other, id).row.state, "published");
  EXPECT_EQ(count("SELECT count(*) FROM post_search"), 1);
}

TEST_F(ForumServiceTest, ContentOfAnotherNetworkAnswersLikeAnIdThatDoesNotExist) {
  set_policy("post_moderate");
  const auto id = topic(member(), everyone_, "Only for network A").post.row.id;
  const auto outsider = member_b();
  const std::int64_t missing = 987654;
  // By id: the same answer as for nothing at all, so ids of other networks cannot be probed.
  EXPECT_EQ(code_of([&] { services_->posts().get(&outsider, id); }), "post_not_found");
  EXPECT_EQ(code_of([&] { services_->posts().get(&outsider, missing); }), "post_not_found");
  EXPECT_EQ(code_of([&] { services_->forums().topics(&outsider, everyone_, std::nullopt); }), "category_not_found");
  EXPECT_EQ(code_of([&] { services_->forums().topics(&outsider, missing, std::nullopt); }), "category_not_found");
  EXPECT_EQ(code_of([&] { services_->forums().create_reply(&outsider, meta(), id, reply_text("Hello")); }), "post_not_found");
  EXPECT_EQ(code_of([&] { services_->posts().reactors(&outsider, id); }), "post_not_found");
  // By address: the network itself is not there for them.
  EXPECT_EQ(code_of([&] { services_->forums().categories(&outsider, "default"); }), "network_not_found");
}

TEST_F(ForumServiceTest, CarerSeesOnlyTheSpacesOpenToCarers) {
  set_policy("post_moderate");
  const auto id = topic(member(), members_only_, "Members talk").post.row.id;
  const auto c = carer();
  const auto spaces = services_->forums().categories(&c, "default");
  ASSERT_EQ(spaces.size(), 1u);
  EXPECT_EQ(spaces.front().row.id, everyone_);
  EXPECT_EQ(code_of([&] { services_->forums().topics(&c, members_only_, std::nullopt); }), "category_not_found");
  EXPECT_EQ(code_of([&] { services_->posts().get(&c, id); }), "post_not_found");
  EXPECT_EQ(code_of([&] { topic(c, members_only_, "Carer here"); }), "category_not_found");
  EXPECT_EQ(topic(c, everyone_, "Carer here").post.row.state, "published");
}

TEST_F(ForumServiceTest, TopicPagesWalkEveryTopicOnceInActivityOrder) {
  set_policy("post_moderate");
  const auto author = member();
  std::set<std::int64_t> written;
  for (int i = 0; i < 60; ++i) written.insert(topic(author, everyone_, "Topic number " + std::to_string(i), i).post.row.id);
  const auto reader = carer();
  std::set<std::int64_t> seen;
  std::optional<std::string> cursor;
  std::string last_at = "9999";
  int pages = 0;
  do {
    const auto page = services_->forums().topics(&reader, everyone_, cursor);
    for (const auto& v : page.topics) {
      EXPECT_TRUE(seen.insert(v.row.id).second) << "topic " << v.row.id << " twice";
      EXPECT_LE(v.row.last_activity_at, last_at);
      last_at = v.row.last_activity_at;
    }
    cursor = page.next_before;
    ++pages;
  } while (cursor && pages < 10);
  EXPECT_EQ(seen, written);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(code_of([&] { services_->forums().topics(&reader, everyone_, std::string("garbage")); }), "invalid_cursor");
}

TEST_F(ForumServiceTest, UnreadMarkerFollowsNewReplies) {
  set_policy("post_moderate");
  const auto id = topic(member(), everyone_, "Read me").post.row.id;
  const auto reader = carer();
  EXPECT_TRUE(services_->forums().topic(&reader, id, 0).topic.unread);
  services_->forums().mark_read(&reader, meta(), id, id);
  EXPECT_FALSE(services_->forums().topic(&reader, id, 0).topic.unread);
  const auto writer = volunteer();
  const auto reply = services_->forums().create_reply(&writer, meta(1), id, reply_text("Welcome, glad you are here."));
  EXPECT_TRUE(services_->forums().topic(&reader, id, 0).topic.unread);
  // A marker past the newest post is clamped, so later replies still show as new.
  EXPECT_EQ(services_->forums().mark_read(&reader, meta(2), id, reply.post.row.id + 1000), reply.post.row.id);
}

TEST_F(ForumServiceTest, LockedTopicTakesRepliesFromStaffOnly) {
  set_policy("post_moderate");
  const auto id = topic(member(), everyone_, "Locked soon").post.row.id;
  const auto staff = clinician();
  services::TopicStaffChange lock;
  lock.locked = true;
  lock.reason = "Conversation has run its course";
  services_->forums().change_topic(&staff, meta(), id, lock);
  const auto c = carer();
  EXPECT_EQ(code_of([&] { services_->forums().create_reply(&c, meta(), id, reply_text("One more thing")); }), "topic_locked");
  EXPECT_EQ(services_->forums().create_reply(&staff, meta(), id, reply_text("Closing this now, thank you all.")).post.row.state,
            "published");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'topic.lock'"), 1);
  const auto m = member();
  EXPECT_EQ(code_of([&] { services_->forums().change_topic(&m, meta(), id, lock); }), "not_allowed");
}

TEST_F(ForumServiceTest, RejectedPostIsResubmittedByEditAndItsHistoryKept) {
  const auto author = member();
  const auto id = topic(author, everyone_, "Needs a second look").post.row.id;
  const auto staff = clinician();
  const auto queue = services_->moderation().queue(&staff, "default", std::nullopt, std::nullopt);
  ASSERT_EQ(queue.items.size(), 1u);
  services_->moderation().reject(&staff, meta(1), queue.items.front().id, "Please leave out the name of your town");
  const auto rejected = services_->posts().get(&author, id);
  EXPECT_EQ(rejected.row.state, "rejected");
  EXPECT_EQ(rejected.row.state_reason.value_or(""), "Please leave out the name of your town");
  EXPECT_TRUE(rejected.show_reason);

  services::PostInput edit;
  edit.body = "Something I wanted to share, without where I live.";
  const auto resubmitted = services_->posts().edit(&author, meta(2), id, edit);
  EXPECT_EQ(resubmitted.decision.outcome, services::GateDecision::Outcome::Hold);
  EXPECT_EQ(resubmitted.post.row.state, "held");
  EXPECT_EQ(resubmitted.post.row.body, edit.body);
  const auto again = services_->moderation().queue(&staff, "default", std::nullopt, std::nullopt);
  ASSERT_EQ(again.items.size(), 1u);
  const auto history = services_->posts().history(&staff, id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history.front().body, "Something I wanted to share with you all.");
  EXPECT_EQ(code_of([&] { services_->posts().history(&author, id); }), "not_allowed");
}

TEST_F(ForumServiceTest, HiddenReplyKeepsItsPlaceWithoutItsText) {
  set_policy("post_moderate");
  const auto id = topic(member(), everyone_, "Thread").post.row.id;
  const auto c = carer();
  const auto reply = services_->forums().create_reply(&c, meta(1), id, reply_text("A reply that breaks the guidelines"));
  const auto staff = clinician();
  services_->posts().hide(&staff, meta(2), reply.post.row.id, "Shares contact details");
  const auto reader = member();
  const auto thread = services_->forums().topic(&reader, id, 0);
  ASSERT_EQ(thread.replies.size(), 1u);
  EXPECT_EQ(thread.replies.front().row.state, "hidden");
  EXPECT_FALSE(thread.replies.front().show_text);
  EXPECT_EQ(thread.topic.row.reply_count, 0);
  // Its author still sees what they wrote and why it was hidden.
  const auto own = services_->posts().get(&c, reply.post.row.id);
  EXPECT_TRUE(own.show_text);
  EXPECT_EQ(own.row.state_reason.value_or(""), "Shares contact details");
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE kind = 'hidden'"), 1);
}

// A new published reply adds one to its topic's count without recounting (store/post_repo.cpp);
// every other change recounts. The two must always agree with the children themselves.
TEST_F(ForumServiceTest, ReplyCountAndNewestReplyFollowEveryChange) {
  set_policy("post_moderate");
  const auto id = topic(member(), everyone_, "Counting").post.row.id;
  const auto c = carer();
  const auto staff = clinician();
  auto check = [&](std::int64_t expected_count, std::int64_t expected_newest) {
    const auto thread = services_->forums().topic(&staff, id, 0);
    EXPECT_EQ(thread.topic.row.reply_count, expected_count);
    EXPECT_EQ(thread.topic.row.last_child_id.value_or(0), expected_newest);
    const auto children = db_->read([&](store::Connection& conn) {
      auto& s = conn.prepare("SELECT count(*) FROM posts WHERE parent_id = ?1 AND state = 'published'").bind(1, id);
      const auto n = s.step() ? s.column_int64(0) : -1;
      s.reset();
      return n;
    });
    EXPECT_EQ(children, expected_count);
  };
  const auto first = services_->forums().create_reply(&c, meta(1), id, reply_text("First reply")).post.row.id;
  check(1, first);
  const auto second = services_->forums().create_reply(&c, meta(2), id, reply_text("Second reply")).post.row.id;
  check(2, second);
  services_->posts().hide(&staff, meta(3), second, "Shares contact details");
  check(1, first);
  const auto third = services_->forums().create_reply(&c, meta(4), id, reply_text("Third reply")).post.row.id;
  check(2, third);
  services_->posts().hide(&staff, meta(5), first, "Off topic");
  check(1, third);
}

TEST_F(ForumServiceTest, ReactionsCountOncePerPersonAndNeverOnOnesOwnPost) {
  set_policy("post_moderate");
  const auto author = member();
  const auto id = topic(author, everyone_, "Good news").post.row.id;
  const auto c = carer();
  services_->posts().react(&c, meta(), id, "support", true);
  const auto twice = services_->posts().react(&c, meta(), id, "support", true);
  EXPECT_EQ(twice.counts.at("support"), 1);
  EXPECT_EQ(twice.mine, std::vector<std::string>{"support"});
  EXPECT_EQ(code_of([&] { services_->posts().react(&author, meta(), id, "me_too", true); }), "own_post");
  EXPECT_EQ(code_of([&] { services_->posts().react(&c, meta(), id, "downvote", true); }), "invalid_reaction");
  EXPECT_EQ(services_->posts().reactors(&author, id).size(), 1u);
  const auto v = volunteer();
  EXPECT_EQ(services_->posts().reactors(&v, id).size(), 1u);
  const auto third = clinician_b();
  EXPECT_EQ(code_of([&] { services_->posts().reactors(&third, id); }), "post_not_found");
}

TEST_F(ForumServiceTest, MemberStoryIsAlwaysReviewedWhileStaffBlogPublishes) {
  set_policy("post_moderate");
  services::PostInput in;
  in.title = "How I got here";
  in.body = "My recovery story.";
  const auto m = member();
  EXPECT_EQ(services_->blogs().create(&m, meta(), "default", in).post.row.state, "held");
  const auto staff = clinician();
  in.title = "Welcome from the team";
  EXPECT_EQ(services_->blogs().create(&staff, meta(), "default", in).post.row.state, "published");
  const auto c = carer();
  EXPECT_EQ(code_of([&] { services_->blogs().list(&c, "default", std::nullopt); }), "not_allowed");
}

TEST_F(ForumServiceTest, ErasureThatRemovesContentLeavesNoTextAndNothingSearchable) {
  set_policy("post_moderate");
  const auto author = member();
  const auto id = topic(author, everyone_, "Something personal").post.row.id;
  services::PostInput edit;
  edit.body = "An edited version.";
  services_->posts().edit(&author, meta(1), id, edit);
  EXPECT_EQ(count("SELECT count(*) FROM post_search"), 1);
  db_->writer().run([&](store::Connection& c) { store::remove_posts_of(c, author.user_id, "2026-01-02T00:00:00.000Z"); }).get();
  EXPECT_EQ(count("SELECT count(*) FROM post_search"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM post_revisions"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM posts WHERE body <> '' OR state <> 'deleted'"), 0);
}
