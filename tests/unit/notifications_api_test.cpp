// The notification, mute, draft and reading-settings routes through the real App (router,
// middleware, services) on a temporary database: status codes and JSON as schema/api/content.md
// has them.
#include "api/routes.hpp"
#include "core/clock.hpp"
#include "http/app.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/notification_repo.hpp"
#include "store/post_repo.hpp"
#include "support/database_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

using namespace harbour;
using nlohmann::json;

namespace {

class NotificationsApi : public test::DatabaseTest {
 protected:
  std::string now() const { return core::format_utc_ms(clock_.system_now()); }

  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    app_ = std::make_unique<http::App>(api::build_router(), api::build_middleware(true), nullptr,
                                       http::Context{services_.get(), nullptr, {}}, nullptr, http::AppOptions{});
    write([&](store::Connection& c) {
      net_ = store::find_network_by_slug(c, "default")->id;
      auto user = [&](const char* pseudonym, const char* role) {
        const auto id = store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", false, now());
        store::upsert_membership(c, id, net_, role);
        return id;
      };
      alice_ = user("Alice Api", "member");
      bob_ = user("Bob Api", "member");
      clinician_ = user("Clinician Api", "clinician");
      c.prepare("INSERT INTO categories (network_id, name, created_at) VALUES (?1, 'General', ?2)").bind(1, net_).bind(2, now()).run();
      const auto category = c.last_insert_rowid();
      store::NewPost t{net_, "topic", alice_, "member", category, std::nullopt, std::string("Evenings"), "Quiet", "", "published"};
      topic_ = store::insert_post(c, t, now());
      store::NewPost r{net_, "reply", bob_, "member", category, topic_, std::nullopt, "Hello *there*", "", "published"};
      reply_ = store::insert_post(c, r, now());
      notification_ = *store::insert_notification(c, {alice_, net_, "reply", reply_, bob_}, now());
    });
  }

  std::pair<std::string, std::string> session(std::int64_t user_id) {
    return write([&](store::Connection& c) {
      auto s = services_->sessions().create(c, user_id, false, clock_.system_now());
      return std::make_pair(s.token, s.csrf_token);
    });
  }

  http::Response call(std::int64_t user_id, const char* method, const std::string& path, const std::string& body = "") {
    http::Request req;
    req.method_text = method;
    req.method = http::parse_method(req.method_text);
    req.target = path;
    req.path = path.substr(0, path.find('?'));
    if (const auto q = path.find('?'); q != std::string::npos) req.query = path.substr(q + 1);
    req.remote_ip = "10.1.2." + std::to_string(++calls_ % 250);
    req.received_at = std::chrono::steady_clock::now();
    req.headers.set("Host", "harbour.test");
    if (req.method != http::Method::Get) {
      req.headers.set("Content-Type", "application/json");
      req.headers.set("Origin", "https://harbour.test");
      req.body = body;
    }
    if (user_id) {
      const auto [token, csrf] = session(user_id);
      req.headers.set("Cookie", "__Host-harbour_session=" + token);
      req.headers.set("X-CSRF-Token", csrf);
    }
    return app_->handle(req);
  }

  static json body_of(const http::Response& r) { return json::parse(r.body_view()); }
  static std::string code(const http::Response& r) { return body_of(r)["error"].value("code", ""); }

  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<http::App> app_;
  int calls_ = 0;
  std::int64_t net_ = 0, alice_ = 0, bob_ = 0, clinician_ = 0, topic_ = 0, reply_ = 0, notification_ = 0;
};

TEST_F(NotificationsApi, ListShowsTheNotificationObject) {
  const auto r = call(alice_, "GET", "/api/v1/notifications");
  ASSERT_EQ(r.status, 200);
  const auto j = body_of(r);
  EXPECT_EQ(j["unread_count"], 1);
  EXPECT_TRUE(j["next_before"].is_null());
  ASSERT_EQ(j["notifications"].size(), 1u);
  const auto& n = j["notifications"][0];
  EXPECT_EQ(n["id"], notification_);
  EXPECT_EQ(n["kind"], "reply");
  EXPECT_EQ(n["network"], (json{{"slug", "default"}, {"name", "Talking Therapies"}}));
  EXPECT_EQ(n["post"], (json{{"id", reply_}, {"kind", "reply"}, {"excerpt", "Hello there"}}));
  EXPECT_EQ(n["link"], (json{{"kind", "topic"}, {"id", topic_}, {"title", "Evenings"}}));
  EXPECT_EQ(n["actor"], (json{{"id", bob_}, {"pseudonym", "Bob Api"}}));
  EXPECT_TRUE(n["reason"].is_null());
  EXPECT_EQ(n["read"], false);
  EXPECT_TRUE(n.contains("created_at"));
  EXPECT_EQ(call(alice_, "GET", "/api/v1/notifications?before=abc").status, 400);
  EXPECT_EQ(call(0, "GET", "/api/v1/notifications").status, 401);
}

TEST_F(NotificationsApi, MarkReadByIdsOrAll) {
  auto r = call(bob_, "POST", "/api/v1/notifications/read", json{{"ids", {notification_}}}.dump());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["unread_count"], 0);  // bob has none, and alice's stays unread
  EXPECT_EQ(body_of(call(alice_, "GET", "/api/v1/notifications"))["unread_count"], 1);
  r = call(alice_, "POST", "/api/v1/notifications/read", json{{"ids", {notification_}}}.dump());
  EXPECT_EQ(body_of(r)["unread_count"], 0);
  EXPECT_EQ(call(alice_, "POST", "/api/v1/notifications/read", R"({"all":true})").status, 200);
  EXPECT_EQ(code(call(alice_, "POST", "/api/v1/notifications/read", R"({"ids":["1"]})")), "invalid_field");
  EXPECT_EQ(code(call(alice_, "POST", "/api/v1/notifications/read", R"({"ids":[0]})")), "invalid_field");
  EXPECT_EQ(code(call(alice_, "POST", "/api/v1/notifications/read", json{{"ids", json(std::vector<int>(101, 1))}}.dump())),
            "invalid_field");
  EXPECT_EQ(code(call(alice_, "POST", "/api/v1/notifications/read", "{}")), "missing_field");
}

TEST_F(NotificationsApi, MuteRoutes) {
  const auto path = "/api/v1/account/mutes/" + std::to_string(bob_);
  auto r = call(alice_, "PUT", path, "{}");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["muted"], (json{{"id", bob_}, {"pseudonym", "Bob Api"}}));
  r = call(alice_, "GET", "/api/v1/account/mutes");
  ASSERT_EQ(body_of(r)["mutes"].size(), 1u);
  EXPECT_EQ(body_of(r)["mutes"][0]["id"], bob_);
  EXPECT_TRUE(body_of(r)["mutes"][0].contains("since"));
  EXPECT_EQ(call(alice_, "PUT", "/api/v1/account/mutes/" + std::to_string(clinician_), "{}").status, 409);
  EXPECT_EQ(code(call(alice_, "PUT", "/api/v1/account/mutes/" + std::to_string(alice_), "{}")), "cannot_mute_self");
  EXPECT_EQ(code(call(alice_, "PUT", "/api/v1/account/mutes/99999", "{}")), "user_not_found");
  EXPECT_EQ(call(alice_, "DELETE", path).status, 200);
  EXPECT_TRUE(body_of(call(alice_, "GET", "/api/v1/account/mutes"))["mutes"].empty());
  EXPECT_EQ(call(0, "PUT", path, "{}").status, 401);
}

TEST_F(NotificationsApi, DraftRoutes) {
  auto r = call(alice_, "PUT", "/api/v1/drafts/reply-" + std::to_string(topic_),
                json{{"network", "default"}, {"body", "Half a thought"}, {"content_notes", {"bereavement"}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body_view();
  EXPECT_EQ(body_of(r)["draft"]["key"], "reply-" + std::to_string(topic_));
  r = call(alice_, "GET", "/api/v1/drafts");
  ASSERT_EQ(body_of(r)["drafts"].size(), 1u);
  EXPECT_EQ(body_of(r)["drafts"][0]["network"], "default");
  EXPECT_FALSE(body_of(r)["drafts"][0].contains("body"));
  r = call(alice_, "GET", "/api/v1/drafts/reply-" + std::to_string(topic_));
  const auto d = body_of(r)["draft"];
  EXPECT_EQ(d["body"], "Half a thought");
  EXPECT_EQ(d["title"], "");
  EXPECT_EQ(d["content_notes"], json({"bereavement"}));
  EXPECT_EQ(code(call(bob_, "GET", "/api/v1/drafts/reply-" + std::to_string(topic_))), "draft_not_found");
  EXPECT_EQ(code(call(alice_, "GET", "/api/v1/drafts/bogus")), "invalid_draft_key");
  EXPECT_EQ(code(call(alice_, "PUT", "/api/v1/drafts/topic-1", R"({"body":"x"})")), "missing_field");
  EXPECT_EQ(code(call(alice_, "PUT", "/api/v1/drafts/topic-1", R"({"network":"perinatal","body":"x"})")), "network_not_found");
  // A long body is within the route's own limit (not the server-wide 64 KiB).
  std::string long_body;
  for (int i = 0; i < 30'000; ++i) long_body += "é";
  EXPECT_EQ(app_->body_limit(http::Method::Put, "/api/v1/drafts/topic-1"), 256u * 1024u);
  EXPECT_EQ(call(alice_, "PUT", "/api/v1/drafts/topic-1", json{{"network", "default"}, {"body", long_body}}.dump()).status, 200);
  EXPECT_EQ(call(alice_, "DELETE", "/api/v1/drafts/topic-1").status, 200);
  EXPECT_EQ(call(alice_, "GET", "/api/v1/drafts/topic-1").status, 404);
}

TEST_F(NotificationsApi, ReadingSettingsAndContentNotes) {
  auto r = call(alice_, "GET", "/api/v1/account/reading");
  ASSERT_EQ(r.status, 200);
  auto j = body_of(r);
  EXPECT_EQ(j["collapsed_notes"].size(), j["notes"].size());
  EXPECT_EQ(j["notes"][0], (json{{"key", "self_harm"}, {"label", "Mentions self-harm"}}));
  r = call(alice_, "PUT", "/api/v1/account/reading", R"({"collapsed_notes":["suicide"]})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["collapsed_notes"], json({"suicide"}));
  EXPECT_EQ(code(call(alice_, "PUT", "/api/v1/account/reading", R"({"collapsed_notes":["nope"]})")), "invalid_content_note");
  EXPECT_EQ(code(call(alice_, "PUT", "/api/v1/account/reading", R"({})")), "missing_field");
  r = call(alice_, "GET", "/api/v1/content-notes");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["notes"].size(), j["notes"].size());
  EXPECT_EQ(call(0, "GET", "/api/v1/content-notes").status, 401);
}

}  // namespace
