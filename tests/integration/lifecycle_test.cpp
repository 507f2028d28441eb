// Start-up, configuration errors, the HTTP redirector, migrations and shutdown of the binary.
#include "server_process.hpp"
#include "tls_client.hpp"

#include "store/connection.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

using namespace harbour::test;

TEST(Lifecycle, FirstStartCreatesDatabaseAndCertificateAndPrintsTheUrl) {
  ServerProcess server;
  EXPECT_TRUE(std::filesystem::exists(server.data_dir() / "harbour.db"));
  EXPECT_TRUE(std::filesystem::exists(server.ca_file()));
  const auto key_perms = std::filesystem::status(server.data_dir() / "tls" / "key.pem").permissions();
  EXPECT_EQ(key_perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
  // The banner names a URL to open.
  for (int i = 0; i < 100 && server.stdout_text().find("Open https://localhost:") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(server.stdout_text().find("Open https://localhost:" + std::to_string(server.port()) + "/"), std::string::npos);
  EXPECT_EQ(server.terminate(), 0);
}

TEST(Lifecycle, BadConfigValueStopsStartupNamingTheKey) {
  ServerProcess server({.env = {{"HARBOUR_LIMITS_IDLE_TIMEOUT", "forever"}}, .expect_listening = false});
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 2);
  bool named = false;
  for (int i = 0; i < 100 && !named; ++i) {
    for (const auto& l : server.log_lines()) named = named || l.find("limits.idle_timeout") != std::string::npos;
    if (!named) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(named);
}

TEST(Lifecycle, RedirectPortSends308ToHttps) {
  ServerProcess server({.args = {"--redirect-listen", "127.0.0.1:0"}});
  ASSERT_NE(server.redirect_port(), 0);
  const auto reply = plain_exchange(server.redirect_port(), "GET /urgent-help?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" +
                                                                std::to_string(server.redirect_port()) + "\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 308"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Location: https://127.0.0.1:" + std::to_string(server.port()) + "/urgent-help?x=1"),
            std::string::npos) << reply;
  // A hostile Host header is not echoed into the redirect.
  const auto evil = plain_exchange(server.redirect_port(), "GET / HTTP/1.1\r\nHost: evil.example/<x>\r\n\r\n");
  EXPECT_EQ(evil.find("evil.example"), std::string::npos) << evil;
}

TEST(Lifecycle, NewerDatabaseIsRefusedWithAClearMessage) {
  std::filesystem::path data;
  {
    ServerProcess first;
    data = first.data_dir();
    ASSERT_EQ(first.terminate(), 0);
    auto conn = harbour::store::Connection::open(data / "harbour.db", harbour::store::Connection::Mode::ReadWrite);
    conn.exec("PRAGMA user_version = 999");
    // Start a second server on the same data folder; it must refuse.
    ServerProcess second({.expect_listening = false, .data_dir = data});
    EXPECT_EQ(second.wait_exit(std::chrono::seconds(10)), 1);
    ASSERT_TRUE(second.wait_for_log("newer", std::chrono::seconds(2)));
  }
}

TEST(Lifecycle, SigtermFinishesAnInFlightKeepAliveClientAndExitsZero) {
  ServerProcess server;
  HttpsClient c(server.port(), {.ca_file = server.ca_file().string()});
  c.connect();
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  EXPECT_EQ(server.terminate(std::chrono::seconds(10)), 0);
  EXPECT_TRUE(server.wait_for_log("shutdown_drained", std::chrono::seconds(1)));
}

TEST(Lifecycle, ReadmeConfigurationTableMatchesTheBinary) {
  // `harbour config` is the source of truth; the README must carry every row of it verbatim.
  FILE* pipe = ::popen(HARBOUR_BINARY " config", "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ASSERT_EQ(::pclose(pipe), 0);
  std::ifstream readme(std::string(HARBOUR_SOURCE_DIR) + "/README.md");
  const std::string text((std::istreambuf_iterator<char>(readme)), std::istreambuf_iterator<char>());
  std::istringstream lines(out);
  int rows = 0;
  for (std::string line; std::getline(lines, line);) {
    ++rows;
    EXPECT_NE(text.find(line), std::string::npos) << "README.md lacks: " << line;
  }
  EXPECT_GT(rows, 20);
}
