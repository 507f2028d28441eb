// Accounts through the real binary over TLS: the first-start admin invitation, invitations from
// the command line, registration, sessions and their cookie, CSRF, sign-in failures and limits,
// and the audit log verified by `harbour audit verify`.
#include "invitation_links.hpp"
#include "server_process.hpp"
#include "tls_client.hpp"

#include "core/crypto.hpp"
#include "services/totp.hpp"
#include "store/connection.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <regex>

using namespace harbour::test;
using nlohmann::json;

namespace {

bool signed_in(HttpsClient& c, const std::string& cookie) {
  auto r = c.request("GET", "/api/v1/session", "", {{"Cookie", cookie}});
  return r.status == 200 && !json::parse(r.body)["user"].is_null();
}

struct Session {
  std::string cookie;  // "__Host-harbour_session=..."
  std::string csrf;
};

class Accounts : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    for (int i = 0; i < 200 && first_invitation_link(server_->stdout_text()).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  HttpsClient client() {
    HttpsClient c(server_->port(), {.ca_file = server_->ca_file().string()});
    c.connect();
    return c;
  }
  std::map<std::string, std::string> json_headers(const Session* s = nullptr) {
    std::map<std::string, std::string> h = {{"Content-Type", "application/json"},
                                            {"Origin", "https://127.0.0.1:" + std::to_string(server_->port())}};
    if (s) {
      h["Cookie"] = s->cookie;
      h["X-CSRF-Token"] = s->csrf;
    }
    return h;
  }
  std::string cli_invite(const std::string& role) {
    auto [code, out] = run_harbour("invite create --data-dir " + server_->data_dir().string() + " --role " + role);
    EXPECT_EQ(code, 0) << out;
    return invitation_token(first_invitation_link(out));
  }
  HttpReply register_with(HttpsClient& c, const std::string& token, const std::string& pseudonym) {
    auto preview = c.request("POST", "/api/v1/invitations/preview", json{{"token", token}}.dump(), json_headers());
    int version = preview.status == 200 ? json::parse(preview.body)["guidelines"]["version"].get<int>() : 0;
    return c.request("POST", "/api/v1/accounts",
                     json{{"token", token}, {"pseudonym", pseudonym}, {"password", kTestPassword},
                          {"accepted_guidelines_version", version}}.dump(),
                     json_headers());
  }
  static Session session_of(const HttpReply& r) {
    const auto set = r.header("set-cookie");
    return {set.substr(0, set.find(';')), json::parse(r.body).value("csrf_token", "")};
  }
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace

TEST_F(Accounts, FirstStartPrintsOneAdminInvitationThatMakesAnAdmin) {
  const auto link = first_invitation_link(server_->stdout_text());
  ASSERT_FALSE(link.empty()) << server_->stdout_text();
  auto c = client();
  auto r = register_with(c, invitation_token(link), "Harbour Keeper Pat");
  // "Harbour" imitates the service: refused with a clear code, and the invitation stays usable.
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "pseudonym_imitates_staff");
  r = register_with(c, invitation_token(link), "Pat Keeper");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto s = session_of(r);
  auto me = c.request("GET", "/api/v1/session", "", {{"Cookie", s.cookie}});
  ASSERT_EQ(me.status, 200);
  auto body = json::parse(me.body);
  EXPECT_TRUE(body["user"]["is_admin"].get<bool>());
  EXPECT_TRUE(body["second_factor"]["required"].get<bool>());
  EXPECT_FALSE(body["second_factor"]["done"].get<bool>());
  // Staff rights wait for the second factor.
  auto inv = c.request("POST", "/api/v1/networks/default/invitations", json{{"role", "member"}}.dump(), json_headers(&s));
  EXPECT_EQ(inv.status, 403);
  EXPECT_EQ(json::parse(inv.body)["error"]["code"], "second_factor_required");
}

TEST_F(Accounts, SessionCookieIsHostPrefixedSecureHttpOnlyStrict) {
  auto c = client();
  auto r = register_with(c, cli_invite("member"), "Quiet Harbour Walker");
  ASSERT_EQ(r.status, 400);  // contains "harbour"
  r = register_with(c, cli_invite("member"), "Quiet Walker");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto set = r.header("set-cookie");
  EXPECT_TRUE(set.starts_with("__Host-harbour_session=")) << set;
  EXPECT_NE(set.find("; Path=/"), std::string::npos);
  EXPECT_NE(set.find("; Secure"), std::string::npos);
  EXPECT_NE(set.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(set.find("Domain"), std::string::npos);
}

TEST_F(Accounts, InvitationIsSingleUseAndSaysSo) {
  auto c = client();
  const auto token = cli_invite("member");
  ASSERT_EQ(register_with(c, token, "River Stone").status, 201);
  auto again = register_with(c, token, "Other Stone");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json::parse(again.body)["error"]["code"], "invitation_used");
  auto bogus = c.request("POST", "/api/v1/invitations/preview", json{{"token", std::string(43, 'A')}}.dump(), json_headers());
  EXPECT_EQ(bogus.status, 404);
}

TEST_F(Accounts, LookAlikePseudonymIsRefused) {
  auto c = client();
  ASSERT_EQ(register_with(c, cli_invite("member"), "Sam Smith").status, 201);
  auto twin = register_with(c, cli_invite("member"), "5AM_SMITH");
  EXPECT_EQ(twin.status, 409);
  EXPECT_EQ(json::parse(twin.body)["error"]["code"], "pseudonym_taken");
}

TEST_F(Accounts, SignInSignOutAndSignOutEverywhere) {
  auto c = client();
  ASSERT_EQ(register_with(c, cli_invite("carer"), "Morning Tea").status, 201);
  auto a = c.request("POST", "/api/v1/session", json{{"pseudonym", "morning tea"}, {"password", kTestPassword}}.dump(), json_headers());
  ASSERT_EQ(a.status, 200) << a.body;
  auto b = c.request("POST", "/api/v1/session", json{{"pseudonym", "Morning Tea"}, {"password", kTestPassword}}.dump(), json_headers());
  ASSERT_EQ(b.status, 200);
  const auto sa = session_of(a), sb = session_of(b);
  EXPECT_NE(sa.cookie, sb.cookie);
  EXPECT_TRUE(signed_in(c, sa.cookie));

  // Signing out ends that session only.
  auto out = c.request("DELETE", "/api/v1/session", "", json_headers(&sa));
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_FALSE(signed_in(c, sa.cookie));
  EXPECT_TRUE(signed_in(c, sb.cookie));

  // Everywhere ends every session.
  auto c2 = c.request("POST", "/api/v1/session", json{{"pseudonym", "Morning Tea"}, {"password", kTestPassword}}.dump(), json_headers());
  const auto sc = session_of(c2);
  EXPECT_EQ(c.request("POST", "/api/v1/session/end-all", "{}", json_headers(&sb)).status, 204);
  EXPECT_FALSE(signed_in(c, sb.cookie));
  EXPECT_FALSE(signed_in(c, sc.cookie));
}

TEST_F(Accounts, UnsafeRequestsNeedTheCsrfTokenAndSameOrigin) {
  auto c = client();
  auto r = register_with(c, cli_invite("member"), "Blue Kettle");
  ASSERT_EQ(r.status, 201);
  const auto s = session_of(r);
  auto no_token = json_headers(&s);
  no_token.erase("X-CSRF-Token");
  auto refused = c.request("POST", "/api/v1/session/end-all", "{}", no_token);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "csrf_token_invalid");
  auto foreign = json_headers(&s);
  foreign["Origin"] = "https://evil.example";
  auto cross = c.request("POST", "/api/v1/session/end-all", "{}", foreign);
  EXPECT_EQ(cross.status, 403);
  EXPECT_EQ(json::parse(cross.body)["error"]["code"], "cross_site_refused");
  auto form = json_headers(&s);
  form["Content-Type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(c.request("POST", "/api/v1/session", "pseudonym=x", form).status, 415);
  // Still signed in: none of those did anything.
  EXPECT_TRUE(signed_in(c, s.cookie));
}

TEST_F(Accounts, WrongPasswordAndUnknownNameFailAlikeThenTheLimitAnswers429) {
  auto c = client();
  ASSERT_EQ(register_with(c, cli_invite("member"), "Green Lantern Walk").status, 201);
  auto wrong = c.request("POST", "/api/v1/session", json{{"pseudonym", "Green Lantern Walk"}, {"password", "not the password at all"}}.dump(), json_headers());
  auto unknown = c.request("POST", "/api/v1/session", json{{"pseudonym", "Nobody Here"}, {"password", "not the password at all"}}.dump(), json_headers());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(json::parse(wrong.body)["error"], json::parse(unknown.body)["error"]);
  int limited = 0;
  for (int i = 0; i < 12 && !limited; ++i) {
    auto r = c.request("POST", "/api/v1/session", json{{"pseudonym", "Green Lantern Walk"}, {"password", "guess guess guess " + std::to_string(i)}}.dump(), json_headers());
    if (r.status == 429) {
      limited = 1;
      EXPECT_FALSE(r.header("retry-after").empty());
    }
  }
  EXPECT_TRUE(limited);
}

TEST_F(Accounts, TokensNeverReachTheLogs) {
  auto c = client();
  const auto token = cli_invite("member");
  auto r = register_with(c, token, "Silver Birch");
  ASSERT_EQ(r.status, 201);
  const auto cookie = session_of(r).cookie;
  const auto session_token = cookie.substr(cookie.find('=') + 1);
  c.request("GET", "/api/v1/session", "", {{"Cookie", cookie}});
  ASSERT_TRUE(server_->wait_for_log("/api/v1/session", std::chrono::seconds(5)));
  for (const auto& line : server_->log_lines()) {
    EXPECT_EQ(line.find(token), std::string::npos) << line;
    EXPECT_EQ(line.find(session_token), std::string::npos) << line;
    EXPECT_EQ(line.find(kTestPassword), std::string::npos) << line;
  }
}

TEST_F(Accounts, AuditLogRecordsSignInsAndVerifiesThenDetectsTampering) {
  auto c = client();
  ASSERT_EQ(register_with(c, cli_invite("member"), "Hill Path").status, 201);
  c.request("POST", "/api/v1/session", json{{"pseudonym", "Hill Path"}, {"password", "wrong wrong wrong wrong"}}.dump(), json_headers());
  const auto dir = server_->data_dir().string();
  auto [ok_code, ok_out] = run_harbour("audit verify --data-dir " + dir);
  EXPECT_EQ(ok_code, 0) << ok_out;
  EXPECT_NE(ok_out.find("audit log OK"), std::string::npos);

  // Someone with the file drops the triggers and rewrites history.
  {
    auto conn = harbour::store::Connection::open(server_->data_dir() / "harbour.db", harbour::store::Connection::Mode::ReadWrite);
    conn.exec("DROP TRIGGER audit_log_no_update");
    conn.exec("UPDATE audit_log SET outcome = 'success' WHERE outcome = 'failure'");
  }
  auto [bad_code, bad_out] = run_harbour("audit verify --data-dir " + dir);
  EXPECT_EQ(bad_code, 1) << bad_out;
  EXPECT_NE(bad_out.find("BROKEN at row"), std::string::npos) << bad_out;
}

TEST(DemoAccounts, StaffSignInWithTheirTwoStepCodeAndThenInvite) {
  ServerProcess server({.args = {"--demo"}});
  std::smatch m;
  std::string out;
  for (int i = 0; i < 200; ++i) {
    out = server.stdout_text();
    if (std::regex_search(out, m, std::regex(R"(Demo Clinician \(clinician\)  two-step key: ([A-Z2-7 ]+))"))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(m.size(), 2u) << out;
  EXPECT_EQ(out.find("First start"), std::string::npos);  // demo data is not an empty database
  const auto secret = harbour::core::base32_decode(m[1].str());
  ASSERT_TRUE(secret.has_value());

  HttpsClient c(server.port(), {.ca_file = server.ca_file().string()});
  c.connect();
  const std::string origin = "https://127.0.0.1:" + std::to_string(server.port());
  std::map<std::string, std::string> h = {{"Content-Type", "application/json"}, {"Origin", origin}};
  auto r = c.request("POST", "/api/v1/session", json{{"pseudonym", "Demo Clinician"}, {"password", "quiet demo lighthouse"}}.dump(), h);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json::parse(r.body)["second_factor_required"].get<bool>());
  const auto set = r.header("set-cookie");
  h["Cookie"] = set.substr(0, set.find(';'));
  h["X-CSRF-Token"] = json::parse(r.body)["csrf_token"];

  EXPECT_EQ(c.request("POST", "/api/v1/networks/default/invitations", json{{"role", "member"}}.dump(), h).status, 403);
  auto wrong = c.request("POST", "/api/v1/session/second-factor", json{{"code", "000000"}}.dump(), h);
  EXPECT_EQ(wrong.status, 400);
  const auto code = harbour::services::totp_code(*secret, std::chrono::system_clock::now(), 6);
  auto ok = c.request("POST", "/api/v1/session/second-factor", json{{"code", code}}.dump(), h);
  ASSERT_EQ(ok.status, 204) << ok.body;
  // The same code is never accepted twice.
  EXPECT_EQ(c.request("POST", "/api/v1/session/second-factor", json{{"code", code}}.dump(), h).status, 400);

  auto inv = c.request("POST", "/api/v1/networks/default/invitations", json{{"role", "member"}, {"note", "for J."}}.dump(), h);
  ASSERT_EQ(inv.status, 201) << inv.body;
  EXPECT_NE(json::parse(inv.body)["link"].get<std::string>().find("/join#"), std::string::npos);
  // Clinicians cannot invite staff.
  EXPECT_EQ(c.request("POST", "/api/v1/networks/default/invitations", json{{"role", "clinician"}}.dump(), h).status, 403);
  auto list = c.request("GET", "/api/v1/networks/default/invitations", "", {{"Cookie", h["Cookie"]}});
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body)["invitations"].size(), 1u);
}
