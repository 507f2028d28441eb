// Administration and data rights through the real binary over TLS: admins complete TOTP first,
// then list people, suspend and restore them, change roles, and browse and verify the audit log;
// members get 403 on every admin route; a person downloads their data (with no secrets in it)
// and erases their account.
#include "invitation_links.hpp"
#include "server_process.hpp"
#include "tls_client.hpp"

#include "core/crypto.hpp"
#include "services/totp.hpp"
#include "store/connection.hpp"
#include "store/network_repo.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace harbour::test;
using nlohmann::json;

namespace {

struct UserSession {
  std::string cookie;  // "__Host-harbour_session=..."
  std::string csrf;
  std::int64_t user_id = 0;
};

std::string error_code(const HttpReply& r) {
  auto body = json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("error") ? body["error"].value("code", "") : std::string();
}

class AdminFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    for (int i = 0; i < 200 && first_invitation_link(server_->stdout_text()).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    client_ = std::make_unique<HttpsClient>(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
    client_->connect();
  }

  HttpsClient& c() { return *client_; }

  std::map<std::string, std::string> json_headers(const UserSession* s = nullptr) {
    std::map<std::string, std::string> h = {{"Content-Type", "application/json"},
                                            {"Origin", "https://127.0.0.1:" + std::to_string(server_->port())}};
    if (s) {
      h["Cookie"] = s->cookie;
      h["X-CSRF-Token"] = s->csrf;
    }
    return h;
  }
  std::map<std::string, std::string> cookie_of(const UserSession& s) { return {{"Cookie", s.cookie}}; }

  static UserSession session_of(const HttpReply& r) {
    const auto set = r.header("set-cookie");
    const auto body = json::parse(r.body);
    return {set.substr(0, set.find(';')), body.value("csrf_token", ""), body["user"].value("id", std::int64_t{0})};
  }

  HttpReply register_with(const std::string& token, const std::string& pseudonym) {
    auto preview = c().request("POST", "/api/v1/invitations/preview", json{{"token", token}}.dump(), json_headers());
    int version = preview.status == 200 ? json::parse(preview.body)["guidelines"]["version"].get<int>() : 0;
    return c().request("POST", "/api/v1/accounts",
                       json{{"token", token}, {"pseudonym", pseudonym}, {"password", kTestPassword},
                            {"accepted_guidelines_version", version}}.dump(),
                       json_headers());
  }

  HttpReply sign_in(const std::string& pseudonym, const std::string& password = kTestPassword) {
    return c().request("POST", "/api/v1/session", json{{"pseudonym", pseudonym}, {"password", password}}.dump(),
                       json_headers());
  }

  // The first-start admin invitation, redeemed.
  UserSession register_admin(const std::string& pseudonym = "Pat Keeper") {
    auto r = register_with(invitation_token(first_invitation_link(server_->stdout_text())), pseudonym);
    EXPECT_EQ(r.status, 201) << r.body;
    return session_of(r);
  }

  // Enrols TOTP with the manual key and confirms it with a code computed here, as an app would.
  void complete_second_factor(const UserSession& s) {
    auto enrol = c().request("POST", "/api/v1/account/totp/enrol", "{}", json_headers(&s));
    ASSERT_EQ(enrol.status, 200) << enrol.body;
    manual_key_ = json::parse(enrol.body)["manual_key"].get<std::string>();
    const auto secret = harbour::core::base32_decode(manual_key_);
    ASSERT_TRUE(secret.has_value());
    const auto code = harbour::services::totp_code(*secret, std::chrono::system_clock::now());
    auto confirm = c().request("POST", "/api/v1/account/totp/confirm", json{{"code", code}}.dump(), json_headers(&s));
    ASSERT_EQ(confirm.status, 200) << confirm.body;
    recovery_codes_ = json::parse(confirm.body)["recovery_codes"].get<std::vector<std::string>>();
  }

  UserSession ready_admin() {
    auto admin = register_admin();
    complete_second_factor(admin);
    return admin;
  }

  // An invitation issued by a ready admin through the API.
  std::string invite(const UserSession& admin, const std::string& role = "member") {
    auto r = c().request("POST", "/api/v1/networks/default/invitations", json{{"role", role}}.dump(), json_headers(&admin));
    EXPECT_EQ(r.status, 201) << r.body;
    return invitation_token(json::parse(r.body).value("link", ""));
  }

  UserSession register_member(const UserSession& admin, const std::string& pseudonym, const std::string& role = "member") {
    auto r = register_with(invite(admin, role), pseudonym);
    EXPECT_EQ(r.status, 201) << r.body;
    return session_of(r);
  }

  // GET /api/v1/session answers {"user":null} for a session that has ended.
  bool signed_in(const UserSession& s) {
    auto r = c().request("GET", "/api/v1/session", "", cookie_of(s));
    return r.status == 200 && !json::parse(r.body)["user"].is_null();
  }

  // A live socket of this session, past its hello.
  std::unique_ptr<WssClient> open_socket(const UserSession& s) {
    auto ws = std::make_unique<WssClient>(server_->port(), TlsOptions{.ca_file = server_->ca_file().string()});
    EXPECT_EQ(ws->connect("/ws", "https://127.0.0.1:" + std::to_string(server_->port()), s.cookie), 101);
    for (int i = 0; i < 20; ++i) {
      auto msg = ws->read(std::chrono::seconds(3));
      if (!msg || json::parse(*msg, nullptr, false).value("type", "") == "hello") break;
    }
    return ws;
  }

  // Reads until the server closes the socket; its close code (0: still open after 2 s).
  static int close_code(WssClient& ws) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < until && ws.read(std::chrono::milliseconds(500))) {
    }
    return ws.close_info() ? ws.close_info()->code : 0;
  }

  json get_json(const UserSession& s, const std::string& target, int expect_status = 200) {
    auto r = c().request("GET", target, "", cookie_of(s));
    EXPECT_EQ(r.status, expect_status) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpsClient> client_;
  std::string manual_key_;
  std::vector<std::string> recovery_codes_;
};

class Admin : public AdminFixture {};
class DataRights : public AdminFixture {};

}  // namespace

TEST_F(Admin, MemberGetsNotAllowedOnEveryAdminRoute) {
  const auto admin = ready_admin();
  const auto member = register_member(admin, "Quiet Walker");
  const std::string user = "/api/v1/admin/users/" + std::to_string(admin.user_id);
  const std::vector<std::tuple<std::string, std::string, std::string>> routes = {
      {"GET", "/api/v1/admin/users", ""},
      {"GET", user, ""},
      {"POST", user + "/suspend", json{{"reason", "testing the door"}}.dump()},
      {"POST", user + "/restore", json{{"reason", "testing the door"}}.dump()},
      {"PUT", user + "/memberships/default", json{{"role", "clinician"}}.dump()},
      {"GET", "/api/v1/admin/audit", ""},
  };
  for (const auto& [method, target, body] : routes) {
    auto r = c().request(method, target, body, json_headers(&member));
    EXPECT_EQ(r.status, 403) << method << " " << target << ": " << r.body;
    EXPECT_EQ(error_code(r), "not_allowed") << method << " " << target;
  }
  // Nobody signed in: 401.
  EXPECT_EQ(c().request("GET", "/api/v1/admin/users").status, 401);
  // The member is untouched and the admin still an admin.
  EXPECT_EQ(get_json(member, "/api/v1/session")["user"]["id"], member.user_id);
}

TEST_F(Admin, AdminWithoutSecondFactorIsAskedForIt) {
  const auto admin = register_admin();
  for (const char* target : {"/api/v1/admin/users", "/api/v1/admin/audit"}) {
    auto r = c().request("GET", target, "", cookie_of(admin));
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(error_code(r), "second_factor_required");
  }
  complete_second_factor(admin);
  EXPECT_EQ(c().request("GET", "/api/v1/admin/users", "", cookie_of(admin)).status, 200);
}

TEST_F(Admin, ListsUsersWithMembershipsFiltersAndPagesByKeyset) {
  const auto admin = ready_admin();
  const auto member = register_member(admin, "Sam Smith");
  register_member(admin, "Sara Stone", "carer");  // "sa" but not "sam"

  auto all = get_json(admin, "/api/v1/admin/users");
  ASSERT_EQ(all["users"].size(), 3u) << all.dump();
  EXPECT_FALSE(all.contains("next_before"));
  const auto& newest = all["users"][0];
  EXPECT_EQ(newest["pseudonym"], "Sara Stone");
  EXPECT_EQ(newest["status"], "active");
  EXPECT_EQ(newest["is_admin"], false);
  EXPECT_FALSE(newest["created_at"].get<std::string>().empty());
  ASSERT_EQ(newest["memberships"].size(), 1u);
  EXPECT_EQ(newest["memberships"][0]["network"]["slug"], "default");
  EXPECT_EQ(newest["memberships"][0]["role"], "carer");
  EXPECT_EQ(newest["memberships"][0]["active"], true);
  EXPECT_EQ(all["users"][2]["is_admin"], true);
  EXPECT_EQ(all["users"][2]["memberships"][0]["role"], "clinician");  // admin invitations give a clinician key

  // A pseudonym prefix, case-insensitive, and its look-alike spelling.
  for (const char* q : {"sam", "SAM%20S", "5am"}) {
    auto found = get_json(admin, std::string("/api/v1/admin/users?q=") + q);
    ASSERT_EQ(found["users"].size(), 1u) << q << ": " << found.dump();
    EXPECT_EQ(found["users"][0]["id"], member.user_id);
  }
  EXPECT_EQ(get_json(admin, "/api/v1/admin/users?q=nobody")["users"].size(), 0u);
  // LIKE wildcards are only text.
  EXPECT_EQ(get_json(admin, "/api/v1/admin/users?q=%25")["users"].size(), 0u);
  EXPECT_EQ(get_json(admin, "/api/v1/admin/users?network=default")["users"].size(), 3u);
  EXPECT_EQ(get_json(admin, "/api/v1/admin/users?status=suspended")["users"].size(), 0u);
  auto missing = c().request("GET", "/api/v1/admin/users?network=nowhere", "", cookie_of(admin));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code(missing), "network_not_found");
  EXPECT_EQ(c().request("GET", "/api/v1/admin/users?before=abc", "", cookie_of(admin)).status, 400);

  // Keyset pages of at most 50.
  {
    auto conn = harbour::store::Connection::open(server_->data_dir() / "harbour.db",
                                                 harbour::store::Connection::Mode::ReadWrite);
    for (int i = 0; i < 60; ++i) {
      const auto name = "Bulk Person " + std::to_string(i);
      conn.prepare("INSERT INTO users (pseudonym, pseudonym_key, created_at) VALUES (?1, ?2, '2026-01-01T00:00:00.000Z')")
          .bind(1, name).bind(2, "bulk-key-" + std::to_string(i)).run();
    }
  }
  auto first = get_json(admin, "/api/v1/admin/users");
  ASSERT_EQ(first["users"].size(), 50u);
  ASSERT_TRUE(first.contains("next_before"));
  EXPECT_EQ(first["next_before"], first["users"][49]["id"]);
  auto second = get_json(admin, "/api/v1/admin/users?before=" + std::to_string(first["next_before"].get<std::int64_t>()));
  ASSERT_EQ(second["users"].size(), 13u);
  EXPECT_FALSE(second.contains("next_before"));
  EXPECT_LT(second["users"][0]["id"].get<std::int64_t>(), first["users"][49]["id"].get<std::int64_t>());
}

TEST_F(Admin, SuspendEndsSessionsAtOnceAndBlocksSignInUntilRestored) {
  const auto admin = ready_admin();
  const auto member = register_member(admin, "Morning Tea");
  const auto path = "/api/v1/admin/users/" + std::to_string(member.user_id);
  ASSERT_TRUE(signed_in(member));
  auto socket = open_socket(member);

  auto short_reason = c().request("POST", path + "/suspend", json{{"reason", "no"}}.dump(), json_headers(&admin));
  EXPECT_EQ(short_reason.status, 400);
  EXPECT_EQ(error_code(short_reason), "invalid_reason");
  auto no_reason = c().request("POST", path + "/suspend", "{}", json_headers(&admin));
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(error_code(no_reason), "missing_field");
  auto too_long = c().request("POST", path + "/suspend", json{{"reason", std::string(501, 'x')}}.dump(), json_headers(&admin));
  EXPECT_EQ(error_code(too_long), "invalid_reason");

  auto self = c().request("POST", "/api/v1/admin/users/" + std::to_string(admin.user_id) + "/suspend",
                          json{{"reason", "I want a break"}}.dump(), json_headers(&admin));
  EXPECT_EQ(self.status, 409);
  EXPECT_EQ(error_code(self), "cannot_suspend_self");
  auto nobody = c().request("POST", "/api/v1/admin/users/999999/suspend", json{{"reason", "who is this"}}.dump(),
                            json_headers(&admin));
  EXPECT_EQ(nobody.status, 404);
  EXPECT_EQ(error_code(nobody), "user_not_found");

  auto done = c().request("POST", path + "/suspend", json{{"reason", "Shared a phone number in a post"}}.dump(),
                          json_headers(&admin));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(json::parse(done.body)["user"]["status"], "suspended");

  // Their open session is over at once (its socket closes, 4001), and signing in again is refused.
  EXPECT_EQ(close_code(*socket), 4001);
  EXPECT_FALSE(signed_in(member));
  auto after = c().request("POST", "/api/v1/session/end-all", "{}", json_headers(&member));
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(error_code(after), "sign_in_required");
  auto signin = sign_in("Morning Tea");
  EXPECT_EQ(signin.status, 403);
  EXPECT_EQ(error_code(signin), "account_suspended");
  auto again = c().request("POST", path + "/suspend", json{{"reason", "twice over"}}.dump(), json_headers(&admin));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(error_code(again), "already_suspended");

  auto restored = c().request("POST", path + "/restore", json{{"reason", "Talked it through with them"}}.dump(),
                              json_headers(&admin));
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(json::parse(restored.body)["user"]["status"], "active");
  EXPECT_EQ(sign_in("Morning Tea").status, 200);
  auto not_suspended = c().request("POST", path + "/restore", json{{"reason", "once more"}}.dump(), json_headers(&admin));
  EXPECT_EQ(not_suspended.status, 409);
  EXPECT_EQ(error_code(not_suspended), "not_suspended");

  // Both are in the audit log with their reasons, by this admin, about this person.
  auto suspended_rows = get_json(admin, "/api/v1/admin/audit?action=user.suspend")["rows"];
  ASSERT_EQ(suspended_rows.size(), 1u);
  EXPECT_EQ(suspended_rows[0]["reason"], "Shared a phone number in a post");
  EXPECT_EQ(suspended_rows[0]["actor_id"], admin.user_id);
  EXPECT_EQ(suspended_rows[0]["actor_role"], "admin");
  EXPECT_EQ(suspended_rows[0]["target_id"], std::to_string(member.user_id));
  EXPECT_EQ(suspended_rows[0]["details"]["sessions_ended"], 1);
  auto restored_rows = get_json(admin, "/api/v1/admin/audit?action=user.restore")["rows"];
  ASSERT_EQ(restored_rows.size(), 1u);
  EXPECT_EQ(restored_rows[0]["reason"], "Talked it through with them");
}

TEST_F(Admin, ChangesARoleAndRecordsTheOldAndNewRole) {
  const auto admin = ready_admin();
  const auto member = register_member(admin, "Blue Kettle");
  const auto path = "/api/v1/admin/users/" + std::to_string(member.user_id) + "/memberships/";

  auto bad = c().request("PUT", path + "default", json{{"role", "admin"}}.dump(), json_headers(&admin));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_code(bad), "invalid_role");
  auto nowhere = c().request("PUT", path + "nowhere", json{{"role", "carer"}}.dump(), json_headers(&admin));
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_EQ(error_code(nowhere), "network_not_found");
  {
    auto conn = harbour::store::Connection::open(server_->data_dir() / "harbour.db",
                                                 harbour::store::Connection::Mode::ReadWrite);
    harbour::store::insert_network(conn, "perinatal", "Perinatal", "Europe/London", "[]");
  }
  auto no_key = c().request("PUT", path + "perinatal", json{{"role", "carer"}}.dump(), json_headers(&admin));
  EXPECT_EQ(no_key.status, 404);
  EXPECT_EQ(error_code(no_key), "membership_not_found");

  auto carer = c().request("PUT", path + "default", json{{"role", "carer"}}.dump(), json_headers(&admin));
  ASSERT_EQ(carer.status, 200) << carer.body;
  EXPECT_EQ(json::parse(carer.body)["membership"]["role"], "carer");
  // Member to carer gives no staff rights: the session goes on, with the new role.
  auto me = get_json(member, "/api/v1/session");
  EXPECT_EQ(me["memberships"][0]["role"], "carer");

  // The same role again changes nothing and records nothing.
  EXPECT_EQ(c().request("PUT", path + "default", json{{"role", "carer"}}.dump(), json_headers(&admin)).status, 200);

  // Staff rights: their sessions end, so the next sign-in is a staff one (second factor).
  auto staff = c().request("PUT", path + "default", json{{"role", "peer_supporter"}}.dump(), json_headers(&admin));
  ASSERT_EQ(staff.status, 200) << staff.body;
  EXPECT_FALSE(signed_in(member));
  auto again = sign_in("Blue Kettle");
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(json::parse(again.body)["second_factor_required"].get<bool>());

  auto rows = get_json(admin, "/api/v1/admin/audit?action=membership.role_change")["rows"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["details"]["old_role"], "carer");
  EXPECT_EQ(rows[0]["details"]["new_role"], "peer_supporter");
  EXPECT_EQ(rows[0]["details"]["sessions_ended"], 1);
  EXPECT_EQ(rows[0]["network"], "default");
  EXPECT_EQ(rows[1]["details"]["old_role"], "member");
  EXPECT_EQ(rows[1]["details"]["new_role"], "carer");
  EXPECT_EQ(rows[1]["target_id"], std::to_string(member.user_id));
}

TEST_F(Admin, UserDetailsShowSessionsAndSignInsAndTheLookIsAudited) {
  const auto admin = ready_admin();
  const auto member = register_member(admin, "Hill Path");
  EXPECT_EQ(sign_in("Hill Path", "wrong wrong wrong wrong").status, 401);
  ASSERT_EQ(sign_in("Hill Path").status, 200);

  auto d = get_json(admin, "/api/v1/admin/users/" + std::to_string(member.user_id));
  EXPECT_EQ(d["user"]["pseudonym"], "Hill Path");
  EXPECT_EQ(d["user"]["memberships"][0]["role"], "member");
  EXPECT_EQ(d["user"]["two_step_enabled"], false);
  EXPECT_EQ(d["user"]["open_sessions"], 2);  // registration and the sign-in
  const auto& sign_ins = d["user"]["recent_sign_ins"];
  ASSERT_EQ(sign_ins.size(), 2u) << d.dump();
  EXPECT_EQ(sign_ins[0]["outcome"], "success");
  EXPECT_EQ(sign_ins[1]["outcome"], "failure");
  EXPECT_EQ(sign_ins[1]["reason"], "wrong password");
  EXPECT_EQ(sign_ins[0]["ip_ref"].get<std::string>().size(), 16u);
  for (const char* secret : {"password_hash", "totp_secret", "$argon2id"}) EXPECT_EQ(d.dump().find(secret), std::string::npos);
  EXPECT_EQ(c().request("GET", "/api/v1/admin/users/999999", "", cookie_of(admin)).status, 404);
  EXPECT_EQ(c().request("GET", "/api/v1/admin/users/abc", "", cookie_of(admin)).status, 404);

  // The look is recorded: who looked, at whom. ("user.view_private" once the action list has
  // it; until then the closest, "audit.view", with details.view = "user_details".)
  auto rows = get_json(admin, "/api/v1/admin/audit?actor=" + std::to_string(admin.user_id))["rows"];
  bool found = false;
  for (const auto& r : rows) {
    if ((r["action"] == "user.view_private" || r["action"] == "audit.view") && r["target_type"] == "user" &&
        r["target_id"] == std::to_string(member.user_id) && r["details"].value("view", "") == "user_details") {
      found = true;
    }
  }
  EXPECT_TRUE(found) << rows.dump();
}

TEST_F(Admin, AuditLogFiltersPagesAndVerifiesThenShowsTampering) {
  const auto admin = ready_admin();
  register_member(admin, "Silver Birch");
  EXPECT_EQ(sign_in("Silver Birch", "not the password at all").status, 401);

  auto page = get_json(admin, "/api/v1/admin/audit");
  ASSERT_TRUE(page.contains("verification")) << page.dump();
  EXPECT_EQ(page["verification"]["ok"], true) << page["verification"].dump();
  EXPECT_GT(page["verification"]["rows_checked"].get<int>(), 3);
  EXPECT_TRUE(page["verification"]["first_bad_id"].is_null());
  EXPECT_TRUE(page["verification"]["problem"].is_null());
  ASSERT_FALSE(page["rows"].empty());
  const auto& newest = page["rows"][0];
  EXPECT_GT(newest["id"].get<std::int64_t>(), page["rows"].back()["id"].get<std::int64_t>());
  EXPECT_EQ(newest["hash"].get<std::string>().size(), 64u);

  auto failures = get_json(admin, "/api/v1/admin/audit?action=auth.sign_in&outcome=failure")["rows"];
  ASSERT_EQ(failures.size(), 1u) << failures.dump();
  EXPECT_EQ(failures[0]["reason"], "wrong password");
  auto by_network = get_json(admin, "/api/v1/admin/audit?network=default")["rows"];
  for (const auto& r : by_network) EXPECT_EQ(r["network"], "default");
  EXPECT_FALSE(by_network.empty());
  EXPECT_EQ(error_code(c().request("GET", "/api/v1/admin/audit?action=made.up", "", cookie_of(admin))), "invalid_filter");
  EXPECT_EQ(error_code(c().request("GET", "/api/v1/admin/audit?outcome=maybe", "", cookie_of(admin))), "invalid_filter");
  EXPECT_EQ(error_code(c().request("GET", "/api/v1/admin/audit?limit=0", "", cookie_of(admin))), "invalid_query");

  // Keyset pages; later pages skip the (whole-chain) verification.
  auto first = get_json(admin, "/api/v1/admin/audit?limit=2");
  ASSERT_EQ(first["rows"].size(), 2u);
  ASSERT_TRUE(first.contains("next_before"));
  auto second = get_json(admin, "/api/v1/admin/audit?limit=2&before=" + std::to_string(first["next_before"].get<std::int64_t>()));
  ASSERT_EQ(second["rows"].size(), 2u);
  EXPECT_LT(second["rows"][0]["id"].get<std::int64_t>(), first["rows"][1]["id"].get<std::int64_t>());
  EXPECT_FALSE(second.contains("verification"));

  // Browsing is itself audited.
  auto views = get_json(admin, "/api/v1/admin/audit?action=audit.view")["rows"];
  ASSERT_GE(views.size(), 4u);
  EXPECT_EQ(views[0]["actor_id"], admin.user_id);
  EXPECT_EQ(views[0]["actor_pseudonym"], "Pat Keeper");

  // Someone with the database file rewrites history: the next look says where.
  {
    auto conn = harbour::store::Connection::open(server_->data_dir() / "harbour.db",
                                                 harbour::store::Connection::Mode::ReadWrite);
    conn.exec("DROP TRIGGER audit_log_no_update");
    conn.exec("UPDATE audit_log SET outcome = 'success' WHERE outcome = 'failure'");
  }
  auto broken = get_json(admin, "/api/v1/admin/audit");
  EXPECT_EQ(broken["verification"]["ok"], false);
  EXPECT_EQ(broken["verification"]["first_bad_id"], failures[0]["id"]);
  EXPECT_NE(broken["verification"]["problem"].get<std::string>().find("was changed"), std::string::npos)
      << broken["verification"].dump();
}

TEST_F(DataRights, ExportHoldsTheRecordButNoSecrets) {
  const auto admin = ready_admin();
  const auto invitation_token = invite(admin);  // issued by the admin: appears in their export
  auto r = c().request("GET", "/api/v1/account/export", "", cookie_of(admin));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-disposition"), "attachment; filename=\"harbour-data.json\"");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
  const auto doc = json::parse(r.body);
  EXPECT_EQ(doc["format"], "harbour.export.v1");
  const auto& s = doc["sections"];
  EXPECT_EQ(s["account"]["pseudonym"], "Pat Keeper");
  EXPECT_EQ(s["account"]["is_admin"], true);
  EXPECT_EQ(s["account"]["two_step_sign_in"]["enabled"], true);
  EXPECT_EQ(s["account"]["two_step_sign_in"]["recovery_codes"]["unused"], 10);
  EXPECT_NE(s["account"]["password"].get<std::string>().find("not included"), std::string::npos);
  ASSERT_EQ(s["memberships"].size(), 1u);
  EXPECT_EQ(s["memberships"][0]["network"]["slug"], "default");
  EXPECT_EQ(s["memberships"][0]["role"], "clinician");
  EXPECT_EQ(s["guideline_acceptances"].size(), 1u);
  ASSERT_EQ(s["sessions"].size(), 1u);
  EXPECT_FALSE(s["sessions"][0]["started_at"].get<std::string>().empty());
  EXPECT_FALSE(s["sessions"][0]["second_factor_at"].is_null());
  ASSERT_EQ(s["invitations_issued"].size(), 1u);
  EXPECT_EQ(s["invitations_issued"][0]["role"], "member");
  bool saw_enrol = false;
  for (const auto& row : s["audit_log"]) saw_enrol = saw_enrol || row["action"] == "auth.totp_enrol";
  EXPECT_TRUE(saw_enrol);

  // No secret in any form: password hash, authenticator key, recovery codes, tokens.
  const auto session_token = admin.cookie.substr(admin.cookie.find('=') + 1);
  std::string key_no_spaces = manual_key_;
  std::erase(key_no_spaces, ' ');
  for (const auto& secret : {std::string("$argon2id"), std::string(kTestPassword), key_no_spaces, manual_key_, session_token,
                             harbour::core::sha256_hex(session_token), admin.csrf, invitation_token,
                             harbour::core::sha256_hex(invitation_token), recovery_codes_.at(0)}) {
    EXPECT_EQ(r.body.find(secret), std::string::npos) << "export contains a secret: " << secret;
  }
  for (const auto& key : {"password_hash", "totp_secret", "token_hash", "csrf_token", "code_hash"}) {
    EXPECT_EQ(r.body.find(key), std::string::npos) << key;
  }

  // A member's export, and the export is audited.
  const auto member = register_member(admin, "Green Lantern Walk");
  auto mine = c().request("GET", "/api/v1/account/export", "", cookie_of(member));
  ASSERT_EQ(mine.status, 200);
  const auto mdoc = json::parse(mine.body);
  EXPECT_EQ(mdoc["sections"]["memberships"][0]["role"], "member");
  EXPECT_EQ(mdoc["sections"]["account"]["two_step_sign_in"]["authenticator_key"], "none");
  EXPECT_EQ(mine.body.find("$argon2id"), std::string::npos);
  EXPECT_EQ(mine.body.find(member.cookie.substr(member.cookie.find('=') + 1)), std::string::npos);
  auto exports = get_json(admin, "/api/v1/admin/audit?action=account.export")["rows"];
  ASSERT_EQ(exports.size(), 2u);
  EXPECT_EQ(exports[0]["actor_id"], member.user_id);
  EXPECT_EQ(c().request("GET", "/api/v1/account/export").status, 401);
}

TEST_F(DataRights, EraseNeedsThePasswordThenRemovesTheAccountAndFreesThePseudonym) {
  const auto admin = ready_admin();
  const auto member = register_member(admin, "Sam Smith");
  ASSERT_EQ(sign_in("Sam Smith").status, 200);  // a second session

  auto wrong = c().request("POST", "/api/v1/account/erase", json{{"password", "not my password"}, {"content", "remove"}}.dump(),
                           json_headers(&member));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(error_code(wrong), "password_incorrect");
  auto choice = c().request("POST", "/api/v1/account/erase", json{{"password", kTestPassword}, {"content", "keep"}}.dump(),
                            json_headers(&member));
  EXPECT_EQ(choice.status, 400);
  EXPECT_EQ(error_code(choice), "invalid_content_choice");
  EXPECT_TRUE(signed_in(member));  // nothing happened
  auto socket = open_socket(member);

  auto erased = c().request("POST", "/api/v1/account/erase", json{{"password", kTestPassword}, {"content", "anonymise"}}.dump(),
                            json_headers(&member));
  ASSERT_EQ(erased.status, 204) << erased.body;
  EXPECT_NE(erased.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(close_code(*socket), 4001);
  EXPECT_FALSE(signed_in(member));
  auto signin = sign_in("Sam Smith");
  EXPECT_EQ(signin.status, 401);
  EXPECT_EQ(error_code(signin), "sign_in_failed");

  // What admins see now: a former member with no keys.
  auto d = get_json(admin, "/api/v1/admin/users/" + std::to_string(member.user_id));
  EXPECT_EQ(d["user"]["status"], "erased");
  EXPECT_TRUE(std::regex_match(d["user"]["pseudonym"].get<std::string>(), std::regex("Former member [0-9]{6}")))
      << d["user"]["pseudonym"];
  EXPECT_TRUE(d["user"]["memberships"].empty());
  EXPECT_EQ(d["user"]["open_sessions"], 0);
  EXPECT_EQ(get_json(admin, "/api/v1/admin/users?q=sam")["users"].size(), 0u);

  auto rows = get_json(admin, "/api/v1/admin/audit?action=account.erase")["rows"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["outcome"], "success");
  EXPECT_EQ(rows[0]["details"]["content"], "anonymise");
  EXPECT_EQ(rows[0]["details"]["sessions_ended"], 2);
  EXPECT_EQ(rows[0]["details"]["memberships_removed"], 1);
  EXPECT_EQ(rows[0]["details"]["guideline_acceptances_removed"], 1);
  EXPECT_EQ(rows[1]["outcome"], "failure");
  EXPECT_EQ(rows[0].dump().find("Sam Smith"), std::string::npos);

  // The old pseudonym is free for someone new; the former-member name is not.
  auto reuse = register_with(invite(admin), "Sam Smith");
  EXPECT_EQ(reuse.status, 201) << reuse.body;
  auto imitation = register_with(invite(admin), d["user"]["pseudonym"].get<std::string>());
  EXPECT_EQ(imitation.status, 409) << imitation.body;

  // Still tamper-free after all that.
  EXPECT_EQ(get_json(admin, "/api/v1/admin/audit")["verification"]["ok"], true);
}

TEST_F(DataRights, TheLastAdminCannotEraseTheirAccount) {
  const auto admin = ready_admin();
  auto r = c().request("POST", "/api/v1/account/erase", json{{"password", kTestPassword}, {"content", "remove"}}.dump(),
                       json_headers(&admin));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "last_admin");
  EXPECT_TRUE(signed_in(admin));

  // With a second admin, the first may go.
  auto second = register_with(invite(admin, "admin"), "Second Keeper");
  ASSERT_EQ(second.status, 201) << second.body;
  auto gone = c().request("POST", "/api/v1/account/erase", json{{"password", kTestPassword}, {"content", "remove"}}.dump(),
                          json_headers(&admin));
  EXPECT_EQ(gone.status, 204) << gone.body;
  const auto s2 = session_of(second);
  auto last = c().request("POST", "/api/v1/account/erase", json{{"password", kTestPassword}, {"content", "remove"}}.dump(),
                          json_headers(&s2));
  EXPECT_EQ(last.status, 409);
  EXPECT_EQ(error_code(last), "last_admin");
}
