// The resources and search routes through the real router, middleware and services: the JSON
// shapes of schema/api/content.md, status codes, and that a snippet arrives as plain parts.
#include "api/routes.hpp"
#include "http/app.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/session_repo.hpp"
#include "support/temp_dir.hpp"

#include "core/clock.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace harbour;
using nlohmann::json;

namespace {

class ResourcesSearchApi : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Database>(store::Database::Options{.path = dir_.path() / "harbour.db", .max_readers = 4});
    services_ = std::make_unique<services::Services>(*db_, hub_, clock_, services::ServicesOptions{});
    app_ = std::make_unique<http::App>(api::build_router(), api::build_middleware(true), nullptr,
                                       http::Context{services_.get(), nullptr, {}}, nullptr, http::AppOptions{});
    const auto now = core::format_utc_ms(clock_.system_now());
    db_->writer()
        .run([&](store::Connection& c) {
          const auto net = store::find_network_by_slug(c, "default")->id;
          staff_id_ = store::insert_user(c, "Api Clinician", services::pseudonym_key("Api Clinician"), "x", false, now);
          store::upsert_membership(c, staff_id_, net, "clinician");
          carer_id_ = store::insert_user(c, "Api Carer", services::pseudonym_key("Api Carer"), "x", false, now);
          store::upsert_membership(c, carer_id_, net, "carer");
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

  http::Response call(const char* method, std::string path, const std::string& session, const json& body = nullptr) {
    http::Request req;
    req.method_text = method;
    req.method = http::parse_method(req.method_text);
    const auto q = path.find('?');
    if (q != std::string::npos) {
      req.query = path.substr(q + 1);
      path.resize(q);
    }
    req.path = path;
    req.remote_ip = "10.1.2." + std::to_string(++n_);
    req.received_at = std::chrono::steady_clock::now();
    req.headers.set("Host", "harbour.test");
    if (req.method != http::Method::Get) {
      req.headers.set("Content-Type", "application/json");
      req.headers.set("Origin", "https://harbour.test");
      req.body = body.is_null() ? "{}" : body.dump();
    }
    req.headers.set("Cookie", "__Host-harbour_session=" + session.substr(0, session.find('|')));
    req.headers.set("X-CSRF-Token", session.substr(session.find('|') + 1));
    return app_->handle(req);
  }

  static json body_of(const http::Response& r) { return json::parse(r.body_view()); }

  test::TempDir dir_;
  live::Hub hub_;
  core::RealClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<http::App> app_;
  std::int64_t staff_id_ = 0, carer_id_ = 0;
  int n_ = 0;
};

TEST_F(ResourcesSearchApi, StaffPublishAVideoThatCarersListReadAndFind) {
  const auto staff = session_for(staff_id_, true);
  const auto created = call("POST", "/api/v1/networks/default/resources", staff,
                            {{"kind", "video"},
                             {"title", "Grounding exercise"},
                             {"summary", "Five minutes."},
                             {"url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=x"},
                             {"transcript", "Notice five things you can see."},
                             {"topics", {"anxiety", "grounding"}},
                             {"audiences", {"carers"}},
                             {"content_notes", {"distressing"}}});
  ASSERT_EQ(created.status, 201) << created.body_view();
  const auto r = body_of(created)["resource"];
  EXPECT_EQ(r["network"], "default");
  EXPECT_EQ(r["video"], json({{"provider", "youtube"}, {"id", "dQw4w9WgXcQ"},
                              {"embed_url", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"}}));
  EXPECT_EQ(r["url"], "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
  EXPECT_EQ(r["content_notes"], json::parse(R"([{"key":"distressing","label":"Other distressing content"}])"));
  EXPECT_EQ(r["audiences"], json::array({"carers"}));
  EXPECT_EQ(r["body"], "");
  EXPECT_EQ(r["body_html"], "");
  const auto id = r["id"].get<std::int64_t>();

  const auto carer = session_for(carer_id_, false);
  const auto list = call("GET", "/api/v1/networks/default/resources?topic=grounding", carer);
  ASSERT_EQ(list.status, 200) << list.body_view();
  const auto l = body_of(list);
  ASSERT_EQ(l["resources"].size(), 1u);
  EXPECT_FALSE(l["resources"][0].contains("body"));
  EXPECT_FALSE(l["resources"][0].contains("transcript"));
  EXPECT_EQ(l["topics"], json::parse(R"([{"topic":"anxiety","count":1},{"topic":"grounding","count":1}])"));
  EXPECT_EQ(call("GET", "/api/v1/networks/default/resources?kind=podcast", carer).status, 400);

  const auto one = call("GET", "/api/v1/resources/" + std::to_string(id), carer);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(body_of(one)["resource"]["transcript"], "Notice five things you can see.");

  const auto found = call("GET", "/api/v1/search?q=things%20you%20se", carer);
  ASSERT_EQ(found.status, 200) << found.body_view();
  const auto results = body_of(found)["results"];
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0]["type"], "resource");
  EXPECT_EQ(results[0]["link"], json({{"kind", "resource"}, {"id", id}}));
  EXPECT_EQ(results[0]["network"]["slug"], "default");
  bool marked = false;
  for (const auto& part : results[0]["snippet"]) {
    if (part["match"].get<bool>() && part["text"] == "things") marked = true;
  }
  EXPECT_TRUE(marked) << results[0]["snippet"].dump();

  EXPECT_EQ(call("GET", "/api/v1/search?q=%22open", carer).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/search", carer).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/search?q=x&network=perinatal", carer).status, 404);

  const auto removed = call("DELETE", "/api/v1/resources/" + std::to_string(id), staff);
  ASSERT_EQ(removed.status, 200);
  EXPECT_EQ(body_of(removed), json::object());
  EXPECT_EQ(call("GET", "/api/v1/resources/" + std::to_string(id), carer).status, 404);
}

TEST_F(ResourcesSearchApi, AWrongVideoHostIsAClearBadRequest) {
  const auto staff = session_for(staff_id_, true);
  const auto r = call("POST", "/api/v1/networks/default/resources", staff,
                      {{"kind", "video"}, {"title", "Elsewhere"}, {"url", "https://videos.example/v/1"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r)["error"]["code"], "video_host_not_allowed");
  const auto put = call("PUT", "/api/v1/resources/424242", staff, {{"kind", "article"}, {"title", "Nothing"}, {"body", "x"}});
  EXPECT_EQ(put.status, 404);
  EXPECT_EQ(body_of(put)["error"]["code"], "resource_not_found");
}

}  // namespace
