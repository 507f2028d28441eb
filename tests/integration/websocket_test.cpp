// WebSocket at /ws over real TLS: hello, echo, hub heartbeats, Origin check and limits.
#include "server_process.hpp"
#include "tls_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

using namespace harbour::test;

namespace {
ServerOptions fast_heartbeat() {
  return {.args = {"--demo"},
          .env = {{"HARBOUR_LIVE_HEARTBEAT_INTERVAL", "200ms"}, {"HARBOUR_LIMITS_WS_MESSAGE_BYTES", "1KiB"}}};
}
std::string same_origin(const ServerProcess& s) { return "https://127.0.0.1:" + std::to_string(s.port()); }

struct SignedIn {
  std::string cookie;
  std::string csrf;
};

// Signs in as the demo member (the server runs with --demo): sockets belong to signed-in people.
SignedIn sign_in(const ServerProcess& s) {
  HttpsClient c(s.port(), {.ca_file = s.ca_file().string()});
  c.connect();
  auto r = c.request("POST", "/api/v1/session",
                     nlohmann::json{{"pseudonym", "Demo Member"}, {"password", "quiet demo lighthouse"}}.dump(),
                     {{"Content-Type", "application/json"}, {"Origin", same_origin(s)}});
  EXPECT_EQ(r.status, 200) << r.body;
  const auto set = r.header("set-cookie");
  return {set.substr(0, set.find(';')), nlohmann::json::parse(r.body).value("csrf_token", "")};
}

int connect_signed_in(WssClient& ws, const ServerProcess& s) {
  return ws.connect("/ws", same_origin(s), sign_in(s).cookie);
}

nlohmann::json next_of_type(WssClient& ws, const std::string& type) {
  for (int i = 0; i < 50; ++i) {
    auto msg = ws.read(std::chrono::seconds(3));
    if (!msg) break;
    auto j = nlohmann::json::parse(*msg);
    if (j["type"] == type) return j;
  }
  return {};
}
}  // namespace

TEST(WebSocket, HelloThenEchoOverWss) {
  ServerProcess server(fast_heartbeat());
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  ASSERT_EQ(connect_signed_in(ws, server), 101);
  auto hello = next_of_type(ws, "hello");
  ASSERT_FALSE(hello.is_null());
  EXPECT_EQ(hello["heartbeat_interval_ms"], 200);
  ws.send_text(R"({"type":"echo","data":{"text":"hello from a test"}})");
  auto echo = next_of_type(ws, "echo");
  EXPECT_EQ(echo["data"]["text"], "hello from a test");
}

TEST(WebSocket, HeartbeatsFromTheHubReachEverySocket) {
  ServerProcess server(fast_heartbeat());
  std::vector<std::unique_ptr<WssClient>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<WssClient>(server.port(), TlsOptions{.ca_file = server.ca_file().string()}));
    ASSERT_EQ(connect_signed_in(*clients.back(), server), 101);
  }
  for (auto& c : clients) {
    auto first = next_of_type(*c, "heartbeat");
    auto second = next_of_type(*c, "heartbeat");
    ASSERT_FALSE(first.is_null());
    ASSERT_FALSE(second.is_null());
    EXPECT_GT(second["seq"].get<int>(), first["seq"].get<int>());
  }
}

TEST(WebSocket, UpgradeWithoutASessionIsRefusedWith401) {
  ServerProcess server(fast_heartbeat());
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  EXPECT_EQ(ws.connect("/ws", same_origin(server)), 401);
  WssClient forged(server.port(), {.ca_file = server.ca_file().string()});
  EXPECT_EQ(forged.connect("/ws", same_origin(server), "__Host-harbour_session=" + std::string(43, 'x')), 401);
}

TEST(WebSocket, SigningOutClosesTheSocketWithinASecond) {
  ServerProcess server(fast_heartbeat());
  const auto session = sign_in(server);
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  ASSERT_EQ(ws.connect("/ws", same_origin(server), session.cookie), 101);
  ASSERT_FALSE(next_of_type(ws, "hello").is_null());
  HttpsClient c(server.port(), {.ca_file = server.ca_file().string()});
  c.connect();
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(c.request("DELETE", "/api/v1/session", "",
                      {{"Cookie", session.cookie}, {"X-CSRF-Token", session.csrf}, {"Origin", same_origin(server)}})
                .status,
            204);
  while (ws.read(std::chrono::seconds(1))) {
  }
  ASSERT_TRUE(ws.close_info().has_value());
  EXPECT_EQ(ws.close_info()->code, 4001);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(WebSocket, ForeignOriginIsRefusedWith403) {
  ServerProcess server;
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  EXPECT_EQ(ws.connect("/ws", std::string("https://evil.example")), 403);
}

TEST(WebSocket, UpgradeElsewhereThanWsIs404) {
  ServerProcess server(fast_heartbeat());
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  EXPECT_EQ(ws.connect("/api/v1/status", same_origin(server)), 404);
}

TEST(WebSocket, InvalidMessageGetsAnErrorEventAndTheSocketStaysOpen) {
  ServerProcess server(fast_heartbeat());
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  ASSERT_EQ(connect_signed_in(ws, server), 101);
  ws.send_text("not json");
  auto err = next_of_type(ws, "error");
  EXPECT_EQ(err["code"], "invalid_message");
  ws.send_text(R"({"type":"ping","id":7})");
  auto pong = next_of_type(ws, "pong");
  EXPECT_EQ(pong["id"], 7);
}

TEST(WebSocket, OversizedMessageClosesWith1009) {
  ServerProcess server(fast_heartbeat());
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  ASSERT_EQ(connect_signed_in(ws, server), 101);
  ws.send_text(std::string(4096, 'x'));
  for (int i = 0; i < 20 && ws.read(std::chrono::seconds(2)); ++i) {
  }
  ASSERT_TRUE(ws.close_info().has_value());
  EXPECT_EQ(ws.close_info()->code, 1009);
}

TEST(WebSocket, ShutdownClosesSocketsWith1001AndExitsCleanly) {
  ServerProcess server(fast_heartbeat());
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  ASSERT_EQ(connect_signed_in(ws, server), 101);
  ASSERT_FALSE(next_of_type(ws, "hello").is_null());
  std::thread stopper([&] { server.terminate(std::chrono::seconds(10)); });
  for (int i = 0; i < 50 && ws.read(std::chrono::seconds(2)); ++i) {
  }
  stopper.join();
  ASSERT_TRUE(ws.close_info().has_value());
  EXPECT_EQ(ws.close_info()->code, 1001);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(1)), 0);
  EXPECT_TRUE(server.wait_for_log("\"event\":\"stopped\"", std::chrono::seconds(1)));
}

TEST(WebSocket, TheSessionsAbsoluteExpiryClosesTheSocket) {
  auto options = fast_heartbeat();
  options.env["HARBOUR_SESSIONS_MEMBER_ABSOLUTE"] = "2s";
  ServerProcess server(options);
  WssClient ws(server.port(), {.ca_file = server.ca_file().string()});
  ASSERT_EQ(connect_signed_in(ws, server), 101);
  const auto start = std::chrono::steady_clock::now();
  while (ws.read(std::chrono::seconds(4))) {
  }
  ASSERT_TRUE(ws.close_info().has_value());
  EXPECT_EQ(ws.close_info()->code, 4001);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}
