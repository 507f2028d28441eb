// The real server over real TLS: protocol versions, routes, static files, security headers,
// keep-alive and the request limits.
#include "server_process.hpp"
#include "tls_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

using namespace harbour::test;

class HttpOverTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({.env = {{"HARBOUR_LIMITS_HEADER_TIMEOUT", "700ms"},
                                         {"HARBOUR_LIMITS_MAX_CONNECTIONS_PER_IP", "40"}}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TlsOptions tls() { return {.ca_file = server_->ca_file().string()}; }
  static HttpsClient client() {
    HttpsClient c(server_->port(), tls());
    c.connect();
    return c;
  }
  static ServerProcess* server_;
};
ServerProcess* HttpOverTls::server_ = nullptr;

TEST_F(HttpOverTls, HealthzAnswersOverVerifiedTls13WithSecurityHeaders) {
  auto c = client();
  EXPECT_EQ(c.negotiated_protocol(), "TLSv1.3");
  auto r = c.request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "ok");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_NE(r.header("strict-transport-security").find("max-age="), std::string::npos);
  EXPECT_NE(r.header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  EXPECT_FALSE(r.header("x-request-id").empty());
  EXPECT_TRUE(r.header("date").ends_with(" GMT")) << r.header("date");
}

TEST_F(HttpOverTls, ReadyzReportsTheDatabase) {
  auto r = client().request("GET", "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["database"], "ok");
}

TEST_F(HttpOverTls, Tls12WithAeadSuiteIsAccepted) {
  HttpsClient c(server_->port(), {.ca_file = server_->ca_file().string(), .max_version = TLS1_2_VERSION});
  c.connect();
  EXPECT_EQ(c.negotiated_protocol(), "TLSv1.2");
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
}

TEST_F(HttpOverTls, Tls11IsRefused) {
  HttpsClient c(server_->port(), {.ca_file = server_->ca_file().string(), .min_version = TLS1_VERSION,
                                  .max_version = TLS1_1_VERSION});
  EXPECT_THROW(c.connect(), std::runtime_error);
}

TEST_F(HttpOverTls, Tls12CbcSuiteIsRefused) {
  HttpsClient c(server_->port(), {.ca_file = server_->ca_file().string(), .max_version = TLS1_2_VERSION,
                                  .tls12_ciphers = "ECDHE-ECDSA-AES128-SHA:AES128-SHA"});
  EXPECT_THROW(c.connect(), std::runtime_error);
}

TEST_F(HttpOverTls, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto c = client();
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("GET", "/api/v1/status");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.keep_alive);
  }
  auto status = nlohmann::json::parse(c.request("GET", "/api/v1/status").body);
  EXPECT_EQ(status["status"], "ok");
  EXPECT_FALSE(status["version"].get<std::string>().empty());
}

TEST_F(HttpOverTls, DefaultNetworkCrisisContactsIncludeTheNationalLines) {
  auto r = client().request("GET", "/api/v1/networks/default/crisis-contacts");
  ASSERT_EQ(r.status, 200);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["network"]["slug"], "default");
  std::string numbers;
  for (const auto& c : body["crisis_contacts"]) numbers += c.value("number", "") + ";";
  EXPECT_NE(numbers.find("999;"), std::string::npos);
  EXPECT_NE(numbers.find("111;"), std::string::npos);
  EXPECT_NE(numbers.find("116 123;"), std::string::npos);
  EXPECT_NE(numbers.find("85258;"), std::string::npos);
}

TEST_F(HttpOverTls, UnknownNetworkIsJson404) {
  auto c = client();
  auto r = c.request("GET", "/api/v1/networks/nowhere/crisis-contacts");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "network_not_found");
  auto bad = c.request("GET", "/api/v1/networks/..%2F..%2Fetc/crisis-contacts");
  EXPECT_EQ(bad.status, 404);
}

TEST_F(HttpOverTls, WrongMethodIs405WithAllowAndUnknownApiIs404) {
  auto c = client();
  auto r = c.request("POST", "/api/v1/status", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");
  auto nf = c.request("GET", "/api/v1/does-not-exist");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nlohmann::json::parse(nf.body)["error"]["code"], "not_found");
}

TEST_F(HttpOverTls, StaticFilesHaveEtagsAndClientRoutesFallBackToIndex) {
  auto c = client();
  auto index = c.request("GET", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  const auto etag = index.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = c.request("GET", "/", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  auto route = c.request("GET", "/urgent-help");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, index.body);
  EXPECT_EQ(c.request("GET", "/app.js").header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(c.request("GET", "/missing.js").status, 404);
  EXPECT_EQ(c.request("GET", "/%2e%2e/%2e%2e/etc/passwd").status, 404);
  auto head = c.request("HEAD", "/app.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(HttpOverTls, HugeDeclaredBodyIsRefusedBeforeItIsSent) {
  auto c = client();
  const auto reply = c.raw("POST /api/v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos) << reply;
  EXPECT_NE(reply.find("body_too_large"), std::string::npos);
  EXPECT_NE(reply.find("Content-Security-Policy"), std::string::npos);  // even framing errors
}

TEST_F(HttpOverTls, OversizedHeaderIs431) {
  auto c = client();
  const auto reply = c.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 431"), std::string::npos) << reply.substr(0, 200);
}

TEST_F(HttpOverTls, MalformedRequestIs400AndClosed) {
  auto c = client();
  const auto reply = c.raw("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
  EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << reply;
  auto absolute = client().raw("GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(absolute.find("HTTP/1.1 400"), std::string::npos) << absolute;
}

TEST_F(HttpOverTls, SlowHeaderIsCutAtTheHeaderDeadline) {
  auto c = client();
  // Start a request and never finish its header: the 700 ms deadline closes the connection.
  const auto start = std::chrono::steady_clock::now();
  const auto reply = c.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", std::chrono::seconds(5));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(reply.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(4));
}

TEST_F(HttpOverTls, AccessLogHasNoQueryStrings) {
  auto c = client();
  c.request("GET", "/api/v1/status?token=supersecret");
  ASSERT_TRUE(server_->wait_for_log("\"path\":\"/api/v1/status\"", std::chrono::seconds(5)));
  for (const auto& line : server_->log_lines()) EXPECT_EQ(line.find("supersecret"), std::string::npos) << line;
}

TEST(HttpLimits, ConnectionsPerIpAreCapped) {
  ServerProcess server({.env = {{"HARBOUR_LIMITS_MAX_CONNECTIONS_PER_IP", "2"}}});
  TlsOptions tls{.ca_file = server.ca_file().string()};
  HttpsClient a(server.port(), tls), b(server.port(), tls), c(server.port(), tls);
  a.connect();
  b.connect();
  EXPECT_THROW(c.connect(), std::runtime_error);  // closed at accept, before any handshake
  EXPECT_EQ(a.request("GET", "/healthz").status, 200);
}
