// The risk-terms and content-check routes through the real App (router, middleware, session) on
// a temporary database: the JSON they answer, the body limit of the content check, and that the
// check never reveals a risk match.
#include "api/routes.hpp"
#include "core/clock.hpp"
#include "http/app.hpp"
#include "live/hub.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/risk_lexicon.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/session_repo.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

using namespace harbour;
using nlohmann::json;

namespace {

class SafetyChecksApi : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 2});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    app_ = std::make_unique<http::App>(api::build_router(), api::build_middleware(true), nullptr,
                                       http::Context{services_.get(), nullptr, {}}, nullptr, http::AppOptions{});
    const auto now = core::format_utc_ms(clock_.system_now());
    db_->writer()
        .run([&](store::Connection& c) {
          const auto net = store::find_network_by_slug(c, "default")->id;
          member_ = store::insert_user(c, "Api Member", services::pseudonym_key("Api Member"), "x", false, now);
          store::upsert_membership(c, member_, net, "member");
          clinician_ = store::insert_user(c, "Api Clinician", services::pseudonym_key("Api Clinician"), "x", false, now);
          store::upsert_membership(c, clinician_, net, "clinician");
        })
        .get();
  }

  std::string session_for(std::int64_t user, bool staff) {
    return db_->writer()
        .run([&](store::Connection& c) {
          auto s = services_->sessions().create(c, user, staff, clock_.system_now());
          if (staff) store::set_session_second_factor(c, s.session_id, core::format_utc_ms(clock_.system_now()));
          return s.token + "|" + s.csrf_token;
        })
        .get();
  }

  http::Response call(std::int64_t user, const std::string& method, const std::string& path, const std::string& body = "") {
    http::Request req;
    req.method_text = method;
    req.method = http::parse_method(method);
    req.target = path;
    http::split_target(req.target, req.path, req.query);
    req.remote_ip = "10.9.0." + std::to_string(++calls_);
    req.received_at = std::chrono::steady_clock::now();
    req.headers.set("Host", "harbour.test");
    if (req.method != http::Method::Get) {
      req.headers.set("Content-Type", "application/json");
      req.headers.set("Origin", "https://harbour.test");
      req.body = body;
    }
    const auto s = session_for(user, user == clinician_);
    req.headers.set("Cookie", "__Host-harbour_session=" + s.substr(0, s.find('|')));
    req.headers.set("X-CSRF-Token", s.substr(s.find('|') + 1));
    return app_->handle(req);
  }

  static json body_of(const http::Response& r) { return json::parse(r.body_view(), nullptr, false); }

  test::TempDir dir_;
  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<http::App> app_;
  std::int64_t member_ = 0, clinician_ = 0;
  int calls_ = 0;
};

TEST_F(SafetyChecksApi, ClinicianListsAddsAndRemovesRiskTerms) {
  auto r = call(clinician_, "GET", "/api/v1/networks/default/risk-terms");
  ASSERT_EQ(r.status, 200) << r.body_view();
  auto terms = body_of(r)["terms"];
  ASSERT_EQ(terms.size(), services::built_in_risk_terms().size());
  EXPECT_TRUE(terms[0]["built_in"].get<bool>());
  EXPECT_TRUE(terms[0]["id"].is_null());

  r = call(clinician_, "POST", "/api/v1/networks/default/risk-terms",
           R"({"phrase":"numb inside","tier":"concern","exceptions":["numb inside my mouth"]})");
  ASSERT_EQ(r.status, 201) << r.body_view();
  const auto term = body_of(r)["term"];
  EXPECT_EQ(term["phrase"], "numb inside");
  EXPECT_EQ(term["exceptions"], json::array({"numb inside my mouth"}));
  EXPECT_FALSE(term["built_in"].get<bool>());
  const auto id = term["id"].get<std::int64_t>();

  terms = body_of(call(clinician_, "GET", "/api/v1/networks/default/risk-terms"))["terms"];
  EXPECT_EQ(terms[0]["id"], id);

  r = call(clinician_, "POST", "/api/v1/networks/default/risk-terms", R"({"phrase":"numb inside","tier":"severe"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r)["error"]["code"], "invalid_tier");
  r = call(clinician_, "POST", "/api/v1/networks/default/risk-terms", R"({"phrase":"NUMB inside","tier":"urgent"})");
  EXPECT_EQ(r.status, 409);

  EXPECT_EQ(call(member_, "DELETE", "/api/v1/risk-terms/" + std::to_string(id)).status, 403);
  EXPECT_EQ(call(clinician_, "DELETE", "/api/v1/risk-terms/" + std::to_string(id)).status, 200);
  EXPECT_EQ(call(clinician_, "DELETE", "/api/v1/risk-terms/" + std::to_string(id)).status, 404);
  EXPECT_EQ(call(member_, "GET", "/api/v1/networks/default/risk-terms").status, 403);
}

TEST_F(SafetyChecksApi, ContentCheckNamesIdentifyingDetailsAndNothingElse) {
  auto r = call(member_, "POST", "/api/v1/networks/default/content-check",
                R"({"title":"Hello","body":"Text me on 07700 900123. I want to kill myself."})");
  ASSERT_EQ(r.status, 200) << r.body_view();
  const auto out = body_of(r);
  EXPECT_EQ(out.size(), 2u);  // identifying and advice: no word about risk, ever
  ASSERT_EQ(out["identifying"].size(), 1u);
  EXPECT_EQ(out["identifying"][0]["kind"], "phone");
  EXPECT_EQ(out["identifying"][0]["excerpt"], "07700 900123");
  EXPECT_NE(out["advice"].get<std::string>().find("a phone number"), std::string::npos);
  EXPECT_EQ(r.body_view().find("kill"), std::string_view::npos);
  EXPECT_EQ(r.body_view().find("urgent"), std::string_view::npos);

  r = call(member_, "POST", "/api/v1/networks/default/content-check", R"({"body":"I want to end my life"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r), json({{"identifying", json::array()}, {"advice", ""}}));

  EXPECT_EQ(call(member_, "POST", "/api/v1/networks/default/content-check", R"({"title":"no body"})").status, 400);
  EXPECT_EQ(call(member_, "POST", "/api/v1/networks/perinatal/content-check", R"({"body":"hi"})").status, 404);
}

TEST_F(SafetyChecksApi, ContentCheckTakesLongPostsUpTo256KiB) {
  EXPECT_EQ(app_->body_limit(http::Method::Post, "/api/v1/networks/default/content-check"), 256u * 1024u);
  const std::string body = R"({"body":")" + std::string(200 * 1024, 'a') + R"( jane@example.org"})";
  const auto r = call(member_, "POST", "/api/v1/networks/default/content-check", body);
  ASSERT_EQ(r.status, 200) << r.body_view().substr(0, 200);
  EXPECT_EQ(body_of(r)["identifying"][0]["kind"], "email");
}

}  // namespace
