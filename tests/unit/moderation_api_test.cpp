// The moderation routes through the real App (router, middleware, session) on a temporary
// database: who gets past the gate of each route, and the JSON each answers.
#include "api/routes.hpp"
#include "http/app.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/session_repo.hpp"
#include "support/temp_dir.hpp"

#include "core/clock.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <string>

using namespace harbour;
using nlohmann::json;

namespace {

enum P { Anon, Member, Carer, Volunteer, Peer, Clinician, Admin, Suspended, Expired, StaffNo2fa, kPrincipals };
constexpr const char* kNames[] = {"anonymous", "member", "carer", "volunteer", "peer_supporter", "clinician",
                                  "admin", "suspended member", "expired session", "clinician without 2FA"};
enum class E { Ok, E401, E403, E404 };
constexpr E O = E::Ok, U = E::E401, F = E::E403, N = E::E404;

struct Row {
  const char* method;
  const char* path;  // {item}: a fresh held item of the default network; {word}: a fresh watched word
  const char* body;
  std::array<E, kPrincipals> expect;
};

// anon  member carer vol  peer  clin  admin susp  expired no2fa
const Row kRows[] = {
    {"GET", "/api/v1/networks/default/moderation/queue", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET", "/api/v1/networks/perinatal/moderation/queue", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST", "/api/v1/moderation/items/{item}/approve", "{}", {U, F, F, O, O, O, O, F, U, F}},
    {"POST", "/api/v1/moderation/items/{item}/reject", R"({"reason":"policy check"})", {U, F, F, O, O, O, O, F, U, F}},
    {"POST", "/api/v1/moderation/items/999999/approve", "{}", {U, F, F, O, O, O, O, F, U, F}},
    {"GET", "/api/v1/networks/default/moderation/policy", "", {U, F, F, O, O, O, O, F, U, F}},
    {"PUT", "/api/v1/networks/default/moderation/policy", R"({"mode":"first_posts","first_posts":3})", {U, F, F, F, F, F, O, F, U, F}},
    {"GET", "/api/v1/networks/default/watched-words", "", {U, F, F, O, O, O, O, F, U, F}},
    {"GET", "/api/v1/networks/perinatal/watched-words", "", {U, N, N, N, N, N, O, F, U, N}},
    {"POST", "/api/v1/networks/default/watched-words", R"({"phrase":"policy check","action":"hold"})", {U, F, F, F, F, F, O, F, U, F}},
    {"DELETE", "/api/v1/watched-words/{word}", "", {U, F, F, F, F, F, O, F, U, F}},
};

E classify(const http::Response& r) {
  if (r.status != 401 && r.status != 403 && r.status != 404) return E::Ok;
  const auto body = json::parse(r.body_view(), nullptr, false);
  const std::string code = body.is_object() ? body["error"].value("code", "") : "";
  if (code == "sign_in_required") return E::E401;
  if (code == "not_allowed" || code == "second_factor_required" || code == "account_suspended") return E::E403;
  if (code == "network_not_found") return E::E404;
  return E::Ok;
}

const char* name(E e) {
  switch (e) {
    case E::Ok: return "allowed";
    case E::E401: return "401";
    case E::E403: return "403";
    case E::E404: return "404";
  }
  return "?";
}

class ModerationApi : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    app_ = std::make_unique<http::App>(api::build_router(), api::build_middleware(true), nullptr,
                                       http::Context{services_.get(), nullptr, {}}, nullptr, http::AppOptions{});
    const auto now = core::format_utc_ms(clock_.system_now());
    db_->writer()
        .run([&](store::Connection& c) {
          store::insert_network(c, "perinatal", "Perinatal", "Europe/London", "[]");
          net_ = store::find_network_by_slug(c, "default")->id;
          c.prepare("INSERT INTO categories (network_id, name, created_at) VALUES (?1, 'General', ?2)").bind(1, net_).bind(2, now).run();
          category_ = c.last_insert_rowid();
          auto user = [&](const char* pseudonym, const char* role, bool admin) {
            const auto id = store::insert_user(c, pseudonym, services::pseudonym_key(pseudonym), "x", admin, now);
            if (role) store::upsert_membership(c, id, net_, role);
            return id;
          };
          users_[Member] = user("Api Member", "member", false);
          users_[Carer] = user("Api Carer", "carer", false);
          users_[Volunteer] = user("Api Volunteer", "volunteer", false);
          users_[Peer] = user("Api Peer", "peer_supporter", false);
          users_[Clinician] = user("Api Clinician", "clinician", false);
          users_[Admin] = user("Api Admin", nullptr, true);
          users_[Suspended] = user("Api Suspended", "member", false);
          store::set_user_status(c, users_[Suspended], "suspended");
          users_[Expired] = user("Api Expired", "member", false);
          users_[StaffNo2fa] = user("Api Clinician Two", "clinician", false);
        })
        .get();
  }

  std::string session_for(P who) {
    if (who == Anon) return {};
    return db_->writer()
        .run([&](store::Connection& c) {
          const bool staff = who == Volunteer || who == Peer || who == Clinician || who == Admin || who == StaffNo2fa;
          auto s = services_->sessions().create(c, users_[who], staff, clock_.system_now());
          if (staff && who != StaffNo2fa) {
            store::set_session_second_factor(c, s.session_id, core::format_utc_ms(clock_.system_now()));
          }
          if (who == Expired) {
            c.prepare("UPDATE sessions SET absolute_expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?1").bind(1, s.session_id).run();
          }
          return s.token + "|" + s.csrf_token;
        })
        .get();
  }

  // A held topic by the member and its open queue item.
  std::int64_t held_item(const std::string& body = "Waiting to be read") {
    return db_->writer()
        .run([&](store::Connection& c) {
          const auto now = core::format_utc_ms(clock_.system_now());
          store::NewPost p;
          p.network_id = net_;
          p.kind = "topic";
          p.author_id = users_[Member];
          p.author_role = "member";
          p.category_id = category_;
          p.title = "Held topic";
          p.body = body;
          p.state = "held";
          const auto post = store::insert_post(c, p, now);
          return store::insert_moderation_item(c, net_, post, "new_member", std::nullopt, now);
        })
        .get();
  }

  std::int64_t fresh_word() {
    return db_->writer()
        .run([&](store::Connection& c) {
          const auto phrase = "word " + std::to_string(++words_);
          return *store::insert_watched_word(c, net_, phrase, "hold", users_[Admin], core::format_utc_ms(clock_.system_now()));
        })
        .get();
  }

  http::Response call(P who, const std::string& method, std::string path, const std::string& body) {
    if (const auto at = path.find("{item}"); at != std::string::npos) path.replace(at, 6, std::to_string(held_item()));
    if (const auto at = path.find("{word}"); at != std::string::npos) path.replace(at, 6, std::to_string(fresh_word()));
    http::Request req;
    req.method_text = method;
    req.method = http::parse_method(method);
    req.target = path;
    http::split_target(req.target, req.path, req.query);
    req.remote_ip = "10.8." + std::to_string(calls_ / 250) + "." + std::to_string(calls_ % 250);
    ++calls_;
    req.received_at = std::chrono::steady_clock::now();
    req.headers.set("Host", "harbour.test");
    if (req.method != http::Method::Get && req.method != http::Method::Head) {
      req.headers.set("Content-Type", "application/json");
      req.headers.set("Origin", "https://harbour.test");
      req.body = body;
    }
    if (const auto s = session_for(who); !s.empty()) {
      req.headers.set("Cookie", "__Host-harbour_session=" + s.substr(0, s.find('|')));
      req.headers.set("X-CSRF-Token", s.substr(s.find('|') + 1));
    }
    return app_->handle(req);
  }

  static json body_of(const http::Response& r) { return json::parse(r.body_view(), nullptr, false); }

  test::TempDir dir_;
  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<http::App> app_;
  std::array<std::int64_t, kPrincipals> users_{};
  std::int64_t net_ = 0, category_ = 0;
  int calls_ = 0, words_ = 0;
};

}  // namespace

TEST_F(ModerationApi, EveryRouteAnswersEveryCallerAsExpected) {
  for (const auto& row : kRows) {
    for (int who = 0; who < kPrincipals; ++who) {
      const auto r = call(static_cast<P>(who), row.method, row.path, row.body);
      EXPECT_STREQ(name(classify(r)), name(row.expect[who]))
          << row.method << " " << row.path << " as " << kNames[who] << ": " << r.status << " " << r.body_view();
    }
  }
}

TEST_F(ModerationApi, QueueItemCarriesTheFullPostItsContextAndAuthor) {
  const auto item = held_item("The whole **text**");
  const auto r = call(Clinician, "GET", "/api/v1/networks/default/moderation/queue", "");
  ASSERT_EQ(r.status, 200) << r.body_view();
  const auto j = body_of(r);
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_TRUE(j["next_before"].is_null());
  const auto& it = j["items"][0];
  EXPECT_EQ(it["id"], item);
  EXPECT_EQ(it["network"], "default");
  EXPECT_EQ(it["reasons"], json::array({"new_member"}));
  EXPECT_TRUE(it["matched"].is_null());
  EXPECT_EQ(it["state"], "open");
  EXPECT_TRUE(it["decided_at"].is_null());
  EXPECT_TRUE(it["decision_reason"].is_null());
  EXPECT_EQ(it["post"]["body"], "The whole **text**");
  EXPECT_EQ(it["post"]["state"], "held");
  EXPECT_NE(it["post"]["body_html"].get<std::string>().find("<strong>text</strong>"), std::string::npos);
  EXPECT_EQ(it["context"]["kind"], "topic");
  EXPECT_EQ(it["context"]["title"], "Held topic");
  EXPECT_EQ(it["author"]["id"], users_[Member]);
  EXPECT_EQ(it["author"]["pseudonym"], "Api Member");
  EXPECT_EQ(it["author"]["published_posts"], 0);

  EXPECT_EQ(body_of(call(Clinician, "GET", "/api/v1/networks/default/moderation/queue?state=closed", ""))["error"]["code"],
            "invalid_query");
  EXPECT_EQ(body_of(call(Clinician, "GET", "/api/v1/networks/default/moderation/queue?state=approved", ""))["items"].size(), 0u);
}

TEST_F(ModerationApi, ApproveAndRejectAnswerWithTheItem) {
  const auto a = held_item();
  auto r = call(Volunteer, "POST", "/api/v1/moderation/items/" + std::to_string(a) + "/approve", "");
  ASSERT_EQ(r.status, 200) << r.body_view();
  EXPECT_EQ(body_of(r)["item"]["state"], "approved");
  EXPECT_EQ(body_of(r)["item"]["post"]["state"], "published");
  r = call(Volunteer, "POST", "/api/v1/moderation/items/" + std::to_string(a) + "/approve", "{}");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(body_of(r)["error"]["code"], "already_decided");

  const auto b = held_item();
  r = call(Clinician, "POST", "/api/v1/moderation/items/" + std::to_string(b) + "/reject", "{}");
  EXPECT_EQ(r.status, 400);
  r = call(Clinician, "POST", "/api/v1/moderation/items/" + std::to_string(b) + "/reject",
           R"({"reason":"Please take out the phone number."})");
  ASSERT_EQ(r.status, 200) << r.body_view();
  EXPECT_EQ(body_of(r)["item"]["state"], "rejected");
  EXPECT_EQ(body_of(r)["item"]["decision_reason"], "Please take out the phone number.");
  EXPECT_EQ(body_of(r)["item"]["post"]["state_reason"], "Please take out the phone number.");
}

TEST_F(ModerationApi, PolicyAndWatchedWordsRoundTrip) {
  auto r = call(Admin, "PUT", "/api/v1/networks/default/moderation/policy", R"({"mode":"post_moderate","first_posts":0})");
  ASSERT_EQ(r.status, 200) << r.body_view();
  EXPECT_EQ(body_of(r)["policy"], json({{"mode", "post_moderate"}, {"first_posts", 0}, {"out_of_hours", "hold_all"},
                                        {"case_response_minutes", 15}}));
  r = call(Admin, "PUT", "/api/v1/networks/default/moderation/policy",
           R"({"mode":"post_moderate","first_posts":0,"out_of_hours":"as_in_hours","case_response_minutes":20})");
  ASSERT_EQ(r.status, 200) << r.body_view();
  EXPECT_EQ(body_of(r)["policy"]["out_of_hours"], "as_in_hours");
  EXPECT_EQ(body_of(r)["policy"]["case_response_minutes"], 20);
  r = call(Admin, "PUT", "/api/v1/networks/default/moderation/policy",
           R"({"mode":"post_moderate","first_posts":0,"case_response_minutes":2000})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(call(Peer, "GET", "/api/v1/networks/default/moderation/policy", ""))["policy"]["mode"], "post_moderate");
  r = call(Admin, "PUT", "/api/v1/networks/default/moderation/policy", R"({"mode":"post_moderate","first_posts":500})");
  EXPECT_EQ(r.status, 400);

  r = call(Admin, "POST", "/api/v1/networks/default/watched-words", R"({"phrase":"Hopeless","action":"hold"})");
  ASSERT_EQ(r.status, 201) << r.body_view();
  const auto id = body_of(r)["word"]["id"].get<std::int64_t>();
  EXPECT_EQ(body_of(r)["word"]["phrase"], "Hopeless");
  r = call(Admin, "POST", "/api/v1/networks/default/watched-words", R"({"phrase":"hopeless","action":"refuse"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(body_of(r)["error"]["code"], "word_exists");
  const auto words = body_of(call(Clinician, "GET", "/api/v1/networks/default/watched-words", ""))["words"];
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0]["action"], "hold");
  EXPECT_TRUE(words[0].contains("created_at"));
  r = call(Admin, "DELETE", "/api/v1/watched-words/" + std::to_string(id), "");
  ASSERT_EQ(r.status, 200) << r.body_view();
  EXPECT_EQ(body_of(r), json::object());
  r = call(Admin, "DELETE", "/api/v1/watched-words/" + std::to_string(id), "");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r)["error"]["code"], "word_not_found");
}
