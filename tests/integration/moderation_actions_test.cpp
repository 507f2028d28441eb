// What moderators do, through the real binary over TLS, each action checked by what it wrote and
// by its row in the admin audit log (GET /api/v1/admin/audit): approve, edit and approve, reject
// with a template (the author edits and resubmits, nothing lost), hide, claims, escalation to a
// clinician, private messages, silences, private staff notes, the life of a safeguarding case,
// the second reviewer of a risk post, refusals of actions without a reason, the dashboard and the
// weekly service report.
//
// Each test starts its own server: start-up and a handful of accounts (staff enrol TOTP) take a
// few hundred milliseconds, so tests stay independent at little cost.
#include "content_client.hpp"
#include "json_checks.hpp"
#include "server_process.hpp"

#include "services/office_hours.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace harbour::test;
using nlohmann::json;
namespace services = harbour::services;

namespace {

class ModerationActions : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    admin_ = std::make_unique<Person>(join(*server_, "Pat Keeper", "admin"));
    clinician_ = std::make_unique<Person>(join(*server_, "Morgan Reed", "clinician"));
    volunteer_ = std::make_unique<Person>(join(*server_, "Sam Ash", "volunteer"));
    auto r = admin_->post("/api/v1/networks/default/categories",
                          {{"name", "Everyday support"}, {"description", "Talk about the week."}, {"position", 10},
                           {"read", {"member", "carer"}}, {"post", {"member", "carer"}}});
    ASSERT_EQ(r.status, 201) << r.body;
    category_ = r.json["category"]["id"].get<std::int64_t>();
  }

  std::string topics_path() const { return "/api/v1/categories/" + id_text(category_) + "/topics"; }

  // The network's default policy holds a member's first posts ("new_member"): a queue item to act on.
  std::int64_t held_topic(Person& author, const std::string& title, const std::string& body) {
    auto r = author.post(topics_path(), topic_body(title, body));
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["moderation"].value("outcome", ""), "held") << r.body;
    return r.json["post"].value("id", std::int64_t{0});
  }

  void publish_members_at_once() {
    auto r = admin_->put("/api/v1/networks/default/moderation/policy", {{"mode", "post_moderate"}, {"first_posts", 0}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  std::int64_t published_topic(Person& author, const std::string& title, const std::string& body) {
    auto r = author.post(topics_path(), topic_body(title, body));
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["moderation"].value("outcome", ""), "published") << r.body;
    return r.json["post"].value("id", std::int64_t{0});
  }

  // The open queue item of a post, or null.
  json open_item_for(std::int64_t post_id) {
    auto r = clinician_->get("/api/v1/networks/default/moderation/queue?state=open");
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& item : r.json.value("items", json::array())) {
      if (item["post"].value("id", std::int64_t{0}) == post_id) return item;
    }
    return nullptr;
  }

  static std::string item_path(const json& item, const std::string& action) {
    return "/api/v1/moderation/items/" + id_text(item.value("id", std::int64_t{0})) + "/" + action;
  }

  // Audit rows of `action` in the default network about `target_id`, newest first.
  std::vector<json> audit_rows(const std::string& action, const std::string& target_id) {
    auto r = admin_->get("/api/v1/admin/audit?network=default&limit=200&action=" + url_encode(action));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["verification"]["ok"], true) << "the audit chain does not verify: " << r.json["verification"];
    std::vector<json> out;
    for (const auto& row : r.json.value("rows", json::array())) {
      EXPECT_EQ(row["action"], action);
      if (row["target_id"] == target_id) out.push_back(row);
    }
    return out;
  }

  // The single audit row of `action` about `target_id`, checked to be by `actor`.
  json audit_row(const std::string& action, const std::string& target_id, const Person& actor) {
    const auto rows = audit_rows(action, target_id);
    EXPECT_EQ(rows.size(), 1u) << action << " about " << target_id;
    if (rows.empty()) return json::object();
    EXPECT_EQ(rows[0]["actor_id"], actor.id()) << rows[0];
    EXPECT_EQ(rows[0]["outcome"], "success") << rows[0];
    return rows[0];
  }

  // A GET with the person's session, returning headers too (ApiReply keeps only the body).
  HttpReply raw_get(const Person& who, const std::string& target) {
    HttpsClient c(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
    c.connect();
    return c.request("GET", target, "",
                     {{"Cookie", who.cookie()}, {"Origin", "https://127.0.0.1:" + std::to_string(server_->port())}});
  }

  // A risk post by `author` (held, with an open case); returns the post id.
  std::int64_t risk_topic(Person& author) {
    auto r = author.post(topics_path(), topic_body("Tonight", "I want to end my life tonight."));
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["moderation"].value("outcome", ""), "held") << r.body;
    EXPECT_TRUE(r.json["moderation"].contains("crisis")) << r.body;
    return r.json["post"].value("id", std::int64_t{0});
  }

  json case_for_post(std::int64_t post_id) {
    auto r = clinician_->get("/api/v1/networks/default/cases");
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& k : r.json.value("cases", json::array())) {
      if (k["post"].is_object() && k["post"].value("id", std::int64_t{0}) == post_id) return k;
    }
    return nullptr;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Person> admin_;
  std::unique_ptr<Person> clinician_;
  std::unique_ptr<Person> volunteer_;
  std::int64_t category_ = 0;
};

}  // namespace

TEST_F(ModerationActions, ApprovePublishesTheHeldPostAndIsAudited) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const auto id = held_topic(author, "First post", "Hello, I am new here.");
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  EXPECT_TRUE(contains(item["reasons"], "new_member")) << item;

  EXPECT_EQ(other.post(item_path(item, "approve")).status, 403) << "a member approved";
  auto approved = clinician_->post(item_path(item, "approve"), {{"reason", "Warm and on topic."}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json["item"]["state"], "approved");
  EXPECT_EQ(approved.json["item"]["decision_reason"], "Warm and on topic.");
  EXPECT_EQ(approved.json["item"]["post"]["state"], "published");
  auto seen = other.get("/api/v1/posts/" + id_text(id));
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json["post"]["state"], "published");
  auto again = volunteer_->post(item_path(item, "approve"));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.code(), "already_decided");

  const auto row = audit_row("moderation.approve", id_text(id), *clinician_);
  EXPECT_EQ(row["target_type"], "post");
  EXPECT_EQ(row["reason"], "Warm and on topic.");
  EXPECT_EQ(row["details"]["item_id"], item["id"]) << row;
  EXPECT_EQ(row["actor_role"], "clinician") << row;
}

TEST_F(ModerationActions, EditAndApprovePublishesTheEditAndKeepsTheOriginalInTheHistory) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const std::string original = "Dr Jane Whitlow at St Ives clinic helped me a lot.";
  const std::string edited = "My doctor at the clinic helped me a lot.";
  const auto id = held_topic(author, "Thank you", original);
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());

  // An edit always needs its reason; a title alone is not an edit. Neither changes anything.
  auto no_reason = clinician_->post(item_path(item, "approve"), {{"body", edited}});
  EXPECT_EQ(no_reason.status, 400) << no_reason.body;
  EXPECT_EQ(no_reason.code(), "invalid_reason");
  auto title_only = clinician_->post(item_path(item, "approve"), {{"title", "Thanks"}, {"reason", "Shorter title"}});
  EXPECT_EQ(title_only.status, 400) << title_only.body;
  EXPECT_EQ(title_only.code(), "missing_field");
  auto unchanged = author.get("/api/v1/posts/" + id_text(id));
  EXPECT_EQ(unchanged.json["post"]["state"], "held");
  EXPECT_EQ(unchanged.json["post"]["body"], original);
  EXPECT_TRUE(clinician_->get("/api/v1/posts/" + id_text(id) + "/history").json["revisions"].empty());

  auto approved = clinician_->post(item_path(item, "approve"), {{"body", edited}, {"reason", "Took out names and places."}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json["item"]["state"], "approved");
  auto seen = other.get("/api/v1/posts/" + id_text(id));
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json["post"]["body"], edited);
  EXPECT_EQ(seen.body.find("Whitlow"), std::string::npos) << "the old text is shown to members";

  auto history = clinician_->get("/api/v1/posts/" + id_text(id) + "/history");
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json["revisions"].size(), 1u) << history.body;
  EXPECT_EQ(history.json["revisions"][0]["body"], original);
  EXPECT_EQ(history.json["revisions"][0]["replaced_by"]["id"], clinician_->id());

  const auto edit = audit_row("moderation.edit", id_text(id), *clinician_);
  EXPECT_EQ(edit["reason"], "Took out names and places.");
  const auto approve = audit_row("moderation.approve", id_text(id), *clinician_);
  EXPECT_EQ(approve["details"]["item_id"], item["id"]);
  EXPECT_LT(edit["id"].get<std::int64_t>(), approve["id"].get<std::int64_t>()) << "the edit is recorded before the approval";
}

TEST_F(ModerationActions, RejectWithATemplateAndNoteTellsTheAuthorWhoEditsAndResubmitsWithNothingLost) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const std::string original = "I was on ward 7 at Riverside hospital last March.";
  const auto id = held_topic(author, "Where I was", original);
  const auto post = "/api/v1/posts/" + id_text(id);
  const auto first = open_item_for(id);
  ASSERT_TRUE(first.is_object());

  auto templates = author.get("/api/v1/moderation/reject-templates");
  ASSERT_EQ(templates.status, 200) << templates.body;
  std::map<std::string, json> by_key;
  for (const auto& t : templates.json["templates"]) by_key[t["key"].get<std::string>()] = t;
  ASSERT_TRUE(by_key.count("identifying") && by_key.count("other")) << templates.body;

  auto unknown = clinician_->post(item_path(first, "reject"), {{"template", "no_such_template"}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.code(), "invalid_template");
  auto needs_note = clinician_->post(item_path(first, "reject"), {{"template", "other"}});
  EXPECT_EQ(needs_note.status, 400) << needs_note.body;
  EXPECT_EQ(needs_note.code(), "note_required");
  auto both = clinician_->post(item_path(first, "reject"), {{"template", "identifying"}, {"reason", "Names a ward"}});
  EXPECT_EQ(both.status, 400) << both.body;
  EXPECT_EQ(both.code(), "invalid_field");
  EXPECT_EQ(author.get(post).json["post"]["state"], "held") << "a refused rejection changed the post";

  const std::string note = "Please take out the ward and the hospital's name.";
  auto rejected = clinician_->post(item_path(first, "reject"), {{"template", "identifying"}, {"note", note}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json["item"]["state"], "rejected");
  const auto expected_reason = by_key["identifying"]["text"].get<std::string>() + "\n\n" + note;

  auto seen = author.get(post);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json["post"]["state"], "rejected");
  EXPECT_EQ(seen.json["post"]["state_reason"], expected_reason);
  EXPECT_EQ(seen.json["post"]["body"], original) << "the text stays as written";
  EXPECT_EQ(other.get(post).status, 404);
  auto told = author.get("/api/v1/notifications");
  ASSERT_EQ(told.status, 200) << told.body;
  ASSERT_EQ(told.json["notifications"].size(), 1u) << told.body;
  EXPECT_EQ(told.json["notifications"][0]["kind"], "rejected");
  EXPECT_EQ(told.json["notifications"][0]["reason"], expected_reason);

  const auto row = audit_row("moderation.reject", id_text(id), *clinician_);
  EXPECT_EQ(row["details"]["template"], "identifying") << row;
  EXPECT_EQ(row["reason"], note) << row;

  const std::string edited = "I was in hospital last spring.";
  auto resubmitted = author.put(post, topic_body("Where I was", edited));
  ASSERT_EQ(resubmitted.status, 200) << resubmitted.body;
  EXPECT_EQ(resubmitted.json["post"]["state"], "held");
  const auto second = open_item_for(id);
  ASSERT_TRUE(second.is_object()) << "the resubmission is not in the queue";
  EXPECT_NE(second["id"], first["id"]);
  EXPECT_TRUE(contains(second["reasons"], "resubmitted")) << second;
  auto history = clinician_->get(post + "/history");
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_FALSE(history.json["revisions"].empty()) << history.body;
  EXPECT_EQ(history.json["revisions"][0]["body"], original) << "the rejected text is lost";

  ASSERT_EQ(clinician_->post(item_path(second, "approve")).status, 200);
  auto published = other.get(post);
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(published.json["post"]["body"], edited);
}

TEST_F(ModerationActions, HidingAPublishedPostTakesItDownTellsTheAuthorAndIsAudited) {
  publish_members_at_once();
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const std::string text = "Everyone in this group is pathetic.";
  const auto id = published_topic(author, "Honestly", text);
  const auto post = "/api/v1/posts/" + id_text(id);
  const std::string reason = "Unkind to other members.";

  EXPECT_EQ(other.post(post + "/hide", {{"reason", reason}}).status, 403) << "a member hid a post";
  auto hidden = clinician_->post(post + "/hide", {{"reason", reason}});
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(hidden.json["post"]["state"], "hidden");

  auto gone = other.get(post);
  // A hidden topic is gone for members (a hidden reply would stay as an empty placeholder).
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(gone.code(), "post_not_found");
  EXPECT_EQ(gone.body.find("pathetic"), std::string::npos) << "a hidden post's text reached a member";
  auto list = other.get(topics_path());
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("pathetic"), std::string::npos) << list.body;
  auto mine = author.get(post);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["post"]["state"], "hidden");
  EXPECT_EQ(mine.json["post"]["state_reason"], reason);
  auto told = author.get("/api/v1/notifications");
  ASSERT_EQ(told.json["notifications"].size(), 1u) << told.body;
  EXPECT_EQ(told.json["notifications"][0]["kind"], "hidden");

  auto twice = clinician_->post(post + "/hide", {{"reason", reason}});
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.code(), "post_not_published");
  const auto row = audit_row("moderation.remove", id_text(id), *clinician_);
  EXPECT_EQ(row["reason"], reason);
  EXPECT_EQ(row["details"]["author_id"], author.id()) << row;

  auto restored = volunteer_->post(post + "/unhide", {{"reason", "Talked it through with them."}});
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(other.get(post).json["post"]["body"], text);
  audit_row("moderation.restore", id_text(id), *volunteer_);
}

TEST_F(ModerationActions, AClaimKeepsAnItemForOneModeratorUntilReleasedOrExpired) {
  auto author = join(*server_, "Rowan Birch", "member");
  const auto id = held_topic(author, "First post", "Hello, I am new here.");
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  const auto before = std::chrono::system_clock::now();

  auto claimed = clinician_->post(item_path(item, "claim"));
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(claimed.json["item"]["claimed_by"]["id"], clinician_->id());
  const auto expires = instant(claimed.json["item"]["claim_expires_at"]);
  EXPECT_GE(expires, before + std::chrono::minutes(10) - std::chrono::seconds(1));
  EXPECT_LE(expires, std::chrono::system_clock::now() + std::chrono::minutes(10) + std::chrono::seconds(1));
  EXPECT_EQ(open_item_for(id)["claimed_by"]["id"], clinician_->id()) << "the queue does not show the claim";

  auto taken = volunteer_->post(item_path(item, "claim"));
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.code(), "claimed_by_other");
  EXPECT_NE(taken.body.find(clinician_->pseudonym()), std::string::npos) << "the answer says who has it: " << taken.body;
  auto decide = volunteer_->post(item_path(item, "approve"));
  EXPECT_EQ(decide.status, 409) << decide.body;
  EXPECT_EQ(decide.code(), "claimed_by_other");
  auto reject = volunteer_->post(item_path(item, "reject"), {{"reason", "Not for this space."}});
  EXPECT_EQ(reject.status, 409) << reject.body;
  EXPECT_EQ(reject.code(), "claimed_by_other");
  EXPECT_EQ(author.get("/api/v1/posts/" + id_text(id)).json["post"]["state"], "held");

  auto released = clinician_->post(item_path(item, "release"));
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_TRUE(released.json["item"]["claimed_by"].is_null()) << released.body;
  auto now_mine = volunteer_->post(item_path(item, "claim"));
  ASSERT_EQ(now_mine.status, 200) << now_mine.body;
  EXPECT_EQ(now_mine.json["item"]["claimed_by"]["id"], volunteer_->id());
  EXPECT_EQ(clinician_->post(item_path(item, "claim")).code(), "claimed_by_other");

  // Expiry, without waiting ten minutes: the stored expiry is moved into the past (the server
  // keeps it as text in moderation_items; WAL lets this connection write beside the server's).
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((server_->data_dir() / "harbour.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE moderation_items SET claim_expires_at = ?1 WHERE id = ?2", -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(stmt, 1, "2000-01-01T00:00:00.000Z", -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, item["id"].get<std::int64_t>());
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  EXPECT_TRUE(open_item_for(id)["claimed_by"].is_null()) << "an expired claim is still shown";
  auto after_expiry = clinician_->post(item_path(item, "approve"));
  ASSERT_EQ(after_expiry.status, 200) << "an expired claim still blocks: " << after_expiry.body;
  EXPECT_EQ(after_expiry.json["item"]["state"], "approved");
}

TEST_F(ModerationActions, EscalatingAnItemOpensACaseForTheCliniciansAndIsAudited) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto clinician_ws = clinician_->open_socket();
  ASSERT_NE(clinician_ws, nullptr);
  const auto id = held_topic(author, "Home", "Things at home are getting on top of me again.");
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  const std::string reason = "Sounds like they are not coping at home.";

  EXPECT_EQ(author.post(item_path(item, "escalate"), {{"reason", reason}}).status, 403);
  auto escalated = volunteer_->post(item_path(item, "escalate"), {{"reason", reason}});
  ASSERT_EQ(escalated.status, 200) << escalated.body;
  const auto case_id = escalated.json["case_id"].get<std::int64_t>();
  EXPECT_TRUE(contains(escalated.json["item"]["reasons"], "escalated")) << escalated.body;
  EXPECT_EQ(escalated.json["item"]["priority"], 2);
  EXPECT_EQ(escalated.json["item"]["state"], "open") << "escalating does not decide the post";

  auto k = clinician_->get("/api/v1/cases/" + id_text(case_id));
  ASSERT_EQ(k.status, 200) << k.body;
  EXPECT_EQ(k.json["case"]["tier"], "concern");
  EXPECT_EQ(k.json["case"]["state"], "open");
  EXPECT_EQ(k.json["case"]["member"]["id"], author.id());
  EXPECT_EQ(k.json["case"]["post"]["id"], id);
  const auto& events = k.json["case"]["events"];
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [&](const json& e) { return e["body"] == reason; })) << k.body;
  const auto alert = next_message_of_type(*clinician_ws, "case_opened", std::chrono::seconds(3));
  ASSERT_TRUE(alert.has_value()) << "the clinicians were not told live";
  EXPECT_EQ((*alert)["case"]["id"], case_id);

  auto twice = volunteer_->post(item_path(item, "escalate"), {{"reason", reason}});
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.code(), "case_exists");
  const auto row = audit_row("case.escalate", id_text(case_id), *volunteer_);
  EXPECT_EQ(row["reason"], reason);
  EXPECT_EQ(row["details"]["post_id"], id) << row;
}

TEST_F(ModerationActions, APrivateMessageReachesOnlyTheMemberNamedByRoleNotByName) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const auto id = held_topic(author, "First post", "Hello, I am new here.");
  auto author_ws = author.open_socket();
  ASSERT_NE(author_ws, nullptr);
  const std::string body = "Thank you for your post. Would you like to talk about it here?";
  const auto path = "/api/v1/members/" + id_text(author.id()) + "/messages";

  auto not_staff = other.post(path, {{"network", "default"}, {"body", "I am staff, honestly."}});
  EXPECT_EQ(not_staff.status, 403) << not_staff.body;
  auto sent = clinician_->post(path, {{"network", "default"}, {"body", body}, {"post_id", id}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  const auto message_id = sent.json["message"]["id"].get<std::int64_t>();

  const auto live = next_message_of_type(*author_ws, "staff_message", std::chrono::seconds(3));
  ASSERT_TRUE(live.has_value()) << "the member was not told live";
  EXPECT_EQ((*live)["message"]["id"], message_id);
  EXPECT_EQ((*live)["message"]["from"], "Clinician");
  EXPECT_EQ((*live)["message"]["body"], body);
  EXPECT_FALSE((*live)["message"].contains("author")) << *live;

  auto inbox = author.get("/api/v1/account/messages");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  ASSERT_EQ(inbox.json["messages"].size(), 1u) << inbox.body;
  EXPECT_EQ(inbox.json["messages"][0]["body"], body);
  EXPECT_EQ(inbox.json["messages"][0]["from"], "Clinician");
  EXPECT_EQ(inbox.json["messages"][0]["post_id"], id);
  EXPECT_EQ(inbox.json["unread_count"], 1);
  EXPECT_EQ(inbox.body.find(clinician_->pseudonym()), std::string::npos) << "staff are named to the member";

  auto others = other.get("/api/v1/account/messages");
  ASSERT_EQ(others.status, 200) << others.body;
  EXPECT_TRUE(others.json["messages"].empty()) << others.body;
  EXPECT_EQ(others.body.find("talk about it"), std::string::npos);
  EXPECT_EQ(other.get("/api/v1/members/" + id_text(author.id()) + "/notes?network=default").status, 403);

  // Staff see what was sent, and by whom.
  auto record = volunteer_->get("/api/v1/members/" + id_text(author.id()) + "/notes?network=default");
  ASSERT_EQ(record.status, 200) << record.body;
  ASSERT_EQ(record.json["messages"].size(), 1u) << record.body;
  EXPECT_EQ(record.json["messages"][0]["author"]["id"], clinician_->id());

  const auto row = audit_row("member.message", id_text(author.id()), *clinician_);
  EXPECT_EQ(row["target_type"], "user");
  EXPECT_EQ(row["details"]["message_id"], message_id) << row;
  EXPECT_EQ(row.dump().find("talk about it"), std::string::npos) << "the message text is copied into the log";
}

TEST_F(ModerationActions, ASilencedMembersNextPostIsRefusedUntilTheSilenceIsLifted) {
  publish_members_at_once();
  auto author = join(*server_, "Rowan Birch", "member");
  const auto topic = published_topic(author, "Before", "Something I wrote before.");
  const auto path = "/api/v1/members/" + id_text(author.id()) + "/silence";
  const std::string reason = "Three heated replies tonight; time to cool off.";
  const auto before = std::chrono::system_clock::now();

  auto staff = clinician_->post("/api/v1/members/" + id_text(volunteer_->id()) + "/silence",
                                {{"network", "default"}, {"hours", 2}, {"reason", reason}});
  EXPECT_EQ(staff.status, 409) << staff.body;
  EXPECT_EQ(staff.code(), "cannot_silence_staff");
  auto too_long = clinician_->post(path, {{"network", "default"}, {"hours", 721}, {"reason", reason}});
  EXPECT_EQ(too_long.status, 400) << too_long.body;

  auto silenced = clinician_->post(path, {{"network", "default"}, {"hours", 2}, {"reason", reason}});
  ASSERT_EQ(silenced.status, 200) << silenced.body;
  const auto until = instant(silenced.json["silenced_until"]);
  EXPECT_GE(until, before + std::chrono::hours(2) - std::chrono::seconds(1));
  EXPECT_LE(until, std::chrono::system_clock::now() + std::chrono::hours(2) + std::chrono::seconds(1));

  auto refused = author.post(topics_path(), topic_body("After", "Can I still post?"));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.code(), "silenced");
  auto reply = author.post("/api/v1/topics/" + id_text(topic) + "/replies", {{"body", "A reply"}, {"content_notes", json::array()}});
  EXPECT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(reply.code(), "silenced");
  EXPECT_EQ(author.get("/api/v1/account/posts").json["posts"].size(), 1u) << "a silenced member's post was written";
  EXPECT_EQ(author.get(topics_path()).status, 200) << "a silenced member can still read";

  const auto row = audit_row("member.silence", id_text(author.id()), *clinician_);
  EXPECT_EQ(row["reason"], reason);
  EXPECT_EQ(row["details"]["hours"], 2) << row;

  auto lifted = volunteer_->send("DELETE", path + "?network=default", json{{"reason", "Apologised and calm now."}}.dump());
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  audit_row("member.unsilence", id_text(author.id()), *volunteer_);
  auto again = volunteer_->send("DELETE", path + "?network=default", json{{"reason", "Apologised and calm now."}}.dump());
  EXPECT_EQ(again.status, 404) << again.body;
  EXPECT_EQ(again.code(), "not_silenced");
  auto after = author.post(topics_path(), topic_body("After", "Can I still post?"));
  EXPECT_EQ(after.status, 201) << after.body;
}

TEST_F(ModerationActions, APrivateStaffNoteIsReadByStaffAndNeverByTheMember) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const std::string note = "Finds evenings hardest; prefers a gentle tone.";
  const auto path = "/api/v1/members/" + id_text(author.id()) + "/notes";

  EXPECT_EQ(other.post(path, {{"network", "default"}, {"body", "Nosy."}}).status, 403);
  auto added = clinician_->post(path, {{"network", "default"}, {"body", note}});
  ASSERT_EQ(added.status, 201) << added.body;
  const auto note_id = added.json["note"]["id"].get<std::int64_t>();

  auto staff = volunteer_->get(path + "?network=default");
  ASSERT_EQ(staff.status, 200) << staff.body;
  ASSERT_EQ(staff.json["notes"].size(), 1u) << staff.body;
  EXPECT_EQ(staff.json["notes"][0]["body"], note);
  EXPECT_EQ(staff.json["notes"][0]["author"]["id"], clinician_->id());

  for (Person* member : {&author, &other}) {
    auto r = member->get(path + "?network=default");
    EXPECT_EQ(r.status, 403) << member->pseudonym() << ": " << r.body;
    EXPECT_EQ(r.body.find("evenings"), std::string::npos);
  }
  auto exported = author.get("/api/v1/account/export");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.body.find("evenings hardest"), std::string::npos) << "the member's export holds the staff note";

  const auto row = audit_row("member.note", id_text(author.id()), *clinician_);
  EXPECT_EQ(row["details"]["note_id"], note_id) << row;
  EXPECT_EQ(row.dump().find("evenings"), std::string::npos) << "the note is copied into the log";
}

TEST_F(ModerationActions, ACaseGoesAcknowledgedContactedClosedAndOnlyAClinicianClosesItWithAnOutcome) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto peer = join(*server_, "Kit Lane", "peer_supporter");
  const auto post_id = risk_topic(author);
  const auto listed = case_for_post(post_id);
  ASSERT_TRUE(listed.is_object()) << "no case for the risk post";
  const auto id = listed["id"].get<std::int64_t>();
  const auto path = "/api/v1/cases/" + id_text(id);

  auto seen = peer.get(path);
  ASSERT_EQ(seen.status, 200) << "staff read cases: " << seen.body;
  EXPECT_EQ(seen.json["case"]["can_act"], false);
  EXPECT_EQ(seen.json["case"]["can_close"], false);
  EXPECT_EQ(author.get(path).status, 403) << "the member read their own case";
  EXPECT_EQ(peer.post(path + "/acknowledge").status, 403);
  auto early = clinician_->post(path + "/contacted", {{"note", "Phoned them."}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.code(), "invalid_transition");

  auto acknowledged = clinician_->post(path + "/acknowledge");
  ASSERT_EQ(acknowledged.status, 200) << acknowledged.body;
  EXPECT_EQ(acknowledged.json["case"]["state"], "acknowledged");
  EXPECT_EQ(acknowledged.json["case"]["owner"]["id"], clinician_->id());
  EXPECT_EQ(acknowledged.json["case"]["can_close"], true);
  audit_row("case.acknowledge", id_text(id), *clinician_);

  auto contacted = clinician_->post(path + "/contacted", {{"note", "Phoned them; they are safe with family tonight."}});
  ASSERT_EQ(contacted.status, 200) << contacted.body;
  EXPECT_EQ(contacted.json["case"]["state"], "contacted");
  audit_row("case.contact", id_text(id), *clinician_);

  auto by_peer = peer.post(path + "/close", {{"outcome", "All fine."}});
  EXPECT_EQ(by_peer.status, 403) << by_peer.body;
  EXPECT_EQ(by_peer.code(), "not_allowed");
  // Not even an admin closes one without a clinician's key to the network.
  auto lead = join(*server_, "Dana Holt", "admin");
  auto demoted = admin_->put("/api/v1/admin/users/" + id_text(lead.id()) + "/memberships/default", {{"role", "volunteer"}});
  ASSERT_EQ(demoted.status, 200) << demoted.body;
  ASSERT_EQ(demoted.json["membership"]["role"], "volunteer") << demoted.body;
  EXPECT_EQ(lead.get(path).json["case"]["can_close"], false);
  auto by_admin = lead.post(path + "/close", {{"outcome", "All fine."}});
  EXPECT_EQ(by_admin.status, 403) << by_admin.body;
  EXPECT_EQ(by_admin.code(), "not_allowed");
  auto no_outcome = clinician_->post(path + "/close");
  EXPECT_EQ(no_outcome.status, 400) << no_outcome.body;
  EXPECT_EQ(no_outcome.code(), "missing_field");
  auto blank = clinician_->post(path + "/close", {{"outcome", "  "}});
  EXPECT_EQ(blank.status, 400) << blank.body;
  EXPECT_EQ(blank.code(), "invalid_outcome");
  EXPECT_EQ(clinician_->get(path).json["case"]["state"], "contacted") << "a refused close changed the case";

  const std::string outcome = "Safety plan agreed; GP informed with consent.";
  auto closed = clinician_->post(path + "/close", {{"outcome", outcome}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json["case"]["state"], "closed");
  EXPECT_EQ(closed.json["case"]["outcome"], outcome);
  EXPECT_FALSE(closed.json["case"]["closed_at"].is_null());
  auto twice = clinician_->post(path + "/close", {{"outcome", outcome}});
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.code(), "invalid_transition");
  const auto row = audit_row("case.close", id_text(id), *clinician_);
  EXPECT_EQ(row["details"]["from"], "contacted");
  EXPECT_EQ(row["details"]["to"], "closed");

  EXPECT_TRUE(case_for_post(post_id).is_null()) << "a closed case is still active";
  auto closed_list = clinician_->get("/api/v1/networks/default/cases?state=closed");
  ASSERT_EQ(closed_list.status, 200);
  ASSERT_EQ(closed_list.json["cases"].size(), 1u) << closed_list.body;
  EXPECT_EQ(closed_list.json["cases"][0]["id"], id);
  // Reading a case is itself recorded.
  EXPECT_FALSE(audit_rows("case.view", id_text(id)).empty());
}

TEST_F(ModerationActions, ARiskPostNeedsASecondModeratorToPublishIt) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto other = join(*server_, "Ellis Fern", "member");
  const auto id = risk_topic(author);
  const auto item = open_item_for(id);
  ASSERT_TRUE(item.is_object());
  EXPECT_EQ(item["needs_second_review"], true);

  auto first = clinician_->post(item_path(item, "approve"), {{"reason", "Reads as past tense; safe to share."}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json["item"]["state"], "open") << "one approval published a risk post";
  EXPECT_EQ(first.json["item"]["first_review_by"]["id"], clinician_->id());
  EXPECT_EQ(first.json["item"]["needs_second_review"], true);
  EXPECT_EQ(author.get("/api/v1/posts/" + id_text(id)).json["post"]["state"], "held");
  EXPECT_EQ(other.get("/api/v1/posts/" + id_text(id)).status, 404);

  auto same = clinician_->post(item_path(item, "approve"), {{"reason", "Reads as past tense; safe to share."}});
  EXPECT_EQ(same.status, 409) << same.body;
  EXPECT_EQ(same.code(), "second_reviewer_needed");
  EXPECT_EQ(other.get("/api/v1/posts/" + id_text(id)).status, 404);

  auto second = volunteer_->post(item_path(item, "approve"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["item"]["state"], "approved");
  auto seen = other.get("/api/v1/posts/" + id_text(id));
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json["post"]["state"], "published");

  const auto rows = audit_rows("moderation.approve", id_text(id));
  ASSERT_EQ(rows.size(), 2u);
  // Newest first: the second review names the first reviewer.
  EXPECT_EQ(rows[0]["actor_id"], volunteer_->id());
  EXPECT_EQ(rows[0]["details"]["stage"], "second_review") << rows[0];
  EXPECT_EQ(rows[0]["details"]["first_review_by"], clinician_->id()) << rows[0];
  EXPECT_EQ(rows[1]["actor_id"], clinician_->id());
  EXPECT_EQ(rows[1]["details"]["stage"], "first_review") << rows[1];
}

TEST_F(ModerationActions, EveryActionWithoutAReasonIsRefusedWithAStableCodeAndChangesNothing) {
  auto author = join(*server_, "Rowan Birch", "member");
  auto reader = join(*server_, "Ellis Fern", "member");
  const auto held = held_topic(author, "First post", "Hello, I am new here.");
  const auto item = open_item_for(held);
  ASSERT_TRUE(item.is_object());
  publish_members_at_once();
  const auto published = published_topic(reader, "Open post", "A post anyone can read.");
  const auto risk = risk_topic(reader);
  const auto k = case_for_post(risk);
  ASSERT_TRUE(k.is_object());
  const auto case_path = "/api/v1/cases/" + id_text(k["id"].get<std::int64_t>());
  const auto member_path = "/api/v1/members/" + id_text(author.id());
  ASSERT_EQ(clinician_->post(case_path + "/acknowledge").status, 200);

  struct Attempt {
    Person* who;
    std::string method;
    std::string target;
    json body;
    std::string code;
  };
  const std::vector<Attempt> attempts = {
      {clinician_.get(), "POST", item_path(item, "reject"), json::object(), "missing_field"},
      {clinician_.get(), "POST", item_path(item, "reject"), {{"reason", "  "}}, "invalid_reason"},
      {clinician_.get(), "POST", item_path(item, "reject"), {{"reason", "no"}}, "invalid_reason"},
      {clinician_.get(), "POST", item_path(item, "approve"), {{"body", "Hello."}}, "invalid_reason"},
      {clinician_.get(), "POST", item_path(item, "escalate"), json::object(), "missing_field"},
      {clinician_.get(), "POST", item_path(item, "escalate"), {{"reason", ""}}, "invalid_reason"},
      {clinician_.get(), "POST", "/api/v1/posts/" + id_text(published) + "/hide", json::object(), "missing_field"},
      {clinician_.get(), "POST", "/api/v1/posts/" + id_text(published) + "/hide", {{"reason", " "}}, "invalid_reason"},
      {clinician_.get(), "POST", member_path + "/silence", {{"network", "default"}, {"hours", 2}}, "missing_field"},
      {clinician_.get(), "POST", member_path + "/silence", {{"network", "default"}, {"hours", 2}, {"reason", ""}}, "invalid_reason"},
      {clinician_.get(), "POST", member_path + "/messages", {{"network", "default"}}, "missing_field"},
      {clinician_.get(), "POST", member_path + "/notes", {{"network", "default"}}, "missing_field"},
      {clinician_.get(), "POST", case_path + "/contacted", json::object(), "missing_field"},
      {clinician_.get(), "POST", case_path + "/close", json::object(), "missing_field"},
      {clinician_.get(), "POST", case_path + "/note", json::object(), "missing_field"},
      {admin_.get(), "POST", "/api/v1/admin/users/" + id_text(author.id()) + "/suspend", json::object(), "missing_field"},
      {&author, "POST", "/api/v1/posts/" + id_text(published) + "/report", json::object(), "missing_field"},
  };
  for (const auto& a : attempts) {
    auto r = a.who->send(a.method, a.target, a.body.dump());
    EXPECT_EQ(r.status, 400) << a.method << " " << a.target << " " << a.body << ": " << r.body;
    EXPECT_EQ(r.code(), a.code) << a.method << " " << a.target << " " << a.body << ": " << r.body;
  }

  // Nothing moved: the item is open and held, the post published, no silence, the case as it was.
  const auto still = open_item_for(held);
  ASSERT_TRUE(still.is_object()) << "the item was decided";
  EXPECT_EQ(still["post"]["state"], "held");
  EXPECT_FALSE(contains(still["reasons"], "escalated")) << still;
  EXPECT_EQ(reader.get("/api/v1/posts/" + id_text(published)).json["post"]["state"], "published");
  auto record = clinician_->get(member_path + "/notes?network=default");
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_TRUE(record.json["silenced_until"].is_null()) << record.body;
  EXPECT_TRUE(record.json["notes"].empty()) << record.body;
  EXPECT_TRUE(record.json["messages"].empty()) << record.body;
  EXPECT_EQ(clinician_->get(case_path).json["case"]["state"], "acknowledged");
  EXPECT_EQ(author.post(topics_path(), topic_body("Still here", "Not suspended.")).status, 201);
  for (const char* action : {"moderation.reject", "moderation.approve", "case.escalate", "moderation.remove", "member.silence",
                             "member.message", "member.note", "case.contact", "case.close", "case.note", "user.suspend",
                             "report.create"}) {
    // Any network or none (a suspension is not about one network).
    auto r = admin_->get("/api/v1/admin/audit?action=" + std::string(action));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json["rows"].empty()) << action << " was recorded: " << r.json["rows"];
  }
}

TEST_F(ModerationActions, DashboardCountsTheOpenQueueAndItsOldestItem) {
  auto first_author = join(*server_, "Rowan Birch", "member");
  auto second_author = join(*server_, "Ellis Fern", "member");
  const auto path = "/api/v1/networks/default/moderation/dashboard";

  auto empty = volunteer_->get(path);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json["dashboard"]["queue"]["open"], 0);
  EXPECT_TRUE(empty.json["dashboard"]["queue"]["oldest_at"].is_null());
  EXPECT_EQ(first_author.get(path).status, 403) << "a member read the dashboard";

  const auto older = held_topic(first_author, "First post", "Hello, I am new here.");
  const auto newer = held_topic(second_author, "Hi all", "Hello from me too.");
  const auto older_item = open_item_for(older);
  const auto newer_item = open_item_for(newer);
  ASSERT_TRUE(older_item.is_object() && newer_item.is_object());

  auto two = volunteer_->get(path);
  ASSERT_EQ(two.status, 200) << two.body;
  const auto& d = two.json["dashboard"];
  EXPECT_EQ(d["network"], "default");
  EXPECT_EQ(d["queue"]["open"], 2) << two.body;
  EXPECT_EQ(d["queue"]["oldest_at"], older_item["created_at"]) << two.body;
  EXPECT_EQ(d["queue"]["oldest_minutes"], 0) << two.body;
  EXPECT_EQ(d["review_last_7_days"]["sample"], 0);
  EXPECT_EQ(d["cases"]["active"], 0);

  ASSERT_EQ(clinician_->post(item_path(older_item, "approve")).status, 200);
  auto one = volunteer_->get(path);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json["dashboard"]["queue"]["open"], 1) << one.body;
  EXPECT_EQ(one.json["dashboard"]["queue"]["oldest_at"], newer_item["created_at"]) << one.body;
  EXPECT_EQ(one.json["dashboard"]["review_last_7_days"]["sample"], 1) << one.body;
  EXPECT_TRUE(one.json["dashboard"]["review_last_7_days"]["median_minutes"].is_null()) << "a median of one review: " << one.body;
}

TEST_F(ModerationActions, WeeklyReportDownloadsAsCsvWithSmallNumbersSuppressed) {
  auto first_author = join(*server_, "Rowan Birch", "member");
  auto second_author = join(*server_, "Ellis Fern", "member");
  // Seven posts this week (five by staff, published; two held), two members active, two held.
  for (int i = 1; i <= 5; ++i) {
    auto r = admin_->post(topics_path(), topic_body("Weekly notice " + std::to_string(i), "Notice number " + std::to_string(i)));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  held_topic(first_author, "First post", "Hello, I am new here.");
  held_topic(second_author, "Hi all", "Hello from me too.");

  auto report = clinician_->get("/api/v1/networks/default/service-report?weeks=1");
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json["suppressed_below"], 5);
  ASSERT_EQ(report.json["weeks"].size(), 1u) << report.body;
  const auto& week = report.json["weeks"][0];
  EXPECT_EQ(week["posts"], 7) << week;
  EXPECT_TRUE(week["members_active"].is_null()) << "2 members active is shown: " << week;
  EXPECT_TRUE(week["held"].is_null()) << week;
  EXPECT_TRUE(week["held_share"].is_null()) << "a share of a suppressed count is shown: " << week;
  EXPECT_EQ(week["cases_opened"], 0) << "zero is not suppressed: " << week;

  const auto csv = raw_get(*clinician_, "/api/v1/networks/default/service-report?weeks=1&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.header("content-disposition"), "attachment; filename=\"harbour-service-report-default.csv\"");
  EXPECT_EQ(csv.body,
            "week_start,members_active,posts,held,held_share,median_review_minutes,cases_opened,cases_answered_in_time,"
            "cases_closed\r\n" +
                week["week_start"].get<std::string>() + ",<5,7,<5,,,0,0,0\r\n");
  // Counts, never who.
  EXPECT_EQ(csv.body.find(first_author.pseudonym()), std::string::npos);

  EXPECT_EQ(volunteer_->get("/api/v1/networks/default/service-report").status, 403) << "the report is for clinicians";
  EXPECT_EQ(first_author.get("/api/v1/networks/default/service-report").status, 403);
  auto bad = clinician_->get("/api/v1/networks/default/service-report?format=xlsx");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.code(), "invalid_query");
  EXPECT_EQ(clinician_->get("/api/v1/networks/default/service-report?weeks=27").code(), "invalid_query");
}
