#include "core/config.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace harbour::core;

namespace {
std::filesystem::path write_file(const harbour::test::TempDir& dir, const std::string& text) {
  auto p = dir.path() / "harbour.toml";
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST(Config, DefaultsAreDocumentedValues) {
  const auto c = load_config({}, {}, {});
  EXPECT_EQ(c.data_dir, "data");
  EXPECT_EQ(c.listen.host, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 8443);
  EXPECT_FALSE(c.plain_http);
  EXPECT_EQ(c.limits.header_bytes, 8u * 1024);
  EXPECT_EQ(c.limits.body_bytes, 64u * 1024);
  EXPECT_EQ(c.limits.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c.limits.idle_timeout, std::chrono::seconds(75));
  EXPECT_EQ(c.limits.ws_message_bytes, 64u * 1024);
  // Every documented default parses to the value the struct starts with.
  std::map<std::string, std::string> flags;
  for (const auto& k : config_keys()) {
    if (!k.default_value.empty()) flags[k.key] = k.default_value;
  }
  const auto from_docs = load_config({}, {}, flags);
  EXPECT_EQ(from_docs.limits.ws_queue_bytes, c.limits.ws_queue_bytes);
  EXPECT_EQ(from_docs.limits.shutdown_grace, c.limits.shutdown_grace);
  EXPECT_EQ(from_docs.listen.port, c.listen.port);
  EXPECT_EQ(from_docs.worker_threads, c.worker_threads);
}

TEST(Config, FlagsOverrideEnvironmentWhichOverridesFile) {
  harbour::test::TempDir dir;
  const auto file = write_file(dir, "data_dir = \"/from/file\"\n[server]\nlisten = \"127.0.0.1:1111\"\nio_threads = 2\n");
  const std::map<std::string, std::string> env = {{"HARBOUR_SERVER_LISTEN", "127.0.0.1:2222"},
                                                  {"HARBOUR_DATA_DIR", "/from/env"}};
  const std::map<std::string, std::string> flags = {{"data_dir", "/from/flag"}};
  const auto c = load_config(file, env, flags);
  EXPECT_EQ(c.data_dir, "/from/flag");
  EXPECT_EQ(c.listen.port, 2222);
  EXPECT_EQ(c.io_threads, 2u);
}

TEST(Config, BadValueNamesTheKeyAndItsSource) {
  try {
    load_config({}, {{"HARBOUR_LIMITS_HEADER_TIMEOUT", "ten seconds"}}, {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "limits.header_timeout");
    EXPECT_NE(std::string(e.what()).find("HARBOUR_LIMITS_HEADER_TIMEOUT"), std::string::npos);
  }
  EXPECT_THROW(load_config({}, {}, {{"server.listen", "localhost"}}), ConfigError);
  EXPECT_THROW(load_config({}, {}, {{"server.listen", "example.org:443"}}), ConfigError);
  EXPECT_THROW(load_config({}, {}, {{"server.listen", "127.0.0.1:70000"}}), ConfigError);
  EXPECT_THROW(load_config({}, {}, {{"server.io_threads", "0"}}), ConfigError);
  EXPECT_THROW(load_config({}, {}, {{"limits.body_bytes", "12XB"}}), ConfigError);
  EXPECT_THROW(load_config({}, {}, {{"log.level", "loud"}}), ConfigError);
}

TEST(Config, UnknownKeyInFileIsRefused) {
  harbour::test::TempDir dir;
  const auto file = write_file(dir, "[server]\nlisen = \"127.0.0.1:1\"\n");
  try {
    load_config(file, {}, {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "server.lisen");
  }
}

TEST(Config, TomlSyntaxErrorIsReportedWithALine) {
  harbour::test::TempDir dir;
  const auto file = write_file(dir, "[server\nlisten = 1\n");
  EXPECT_THROW(load_config(file, {}, {}), ConfigError);
}

TEST(Config, TlsCertAndKeyGoTogether) {
  EXPECT_THROW(load_config({}, {}, {{"tls.cert", "/etc/ssl/c.pem"}}), ConfigError);
  EXPECT_NO_THROW(load_config({}, {}, {{"tls.cert", "/c.pem"}, {"tls.key", "/k.pem"}}));
}

TEST(Config, ParsesSizesDurationsAndIpv6) {
  const auto c = load_config({}, {}, {{"limits.body_bytes", "1MiB"}, {"limits.idle_timeout", "2m"},
                                      {"server.listen", "[::1]:0"}, {"limits.ws_ping_interval", "500ms"}});
  EXPECT_EQ(c.limits.body_bytes, 1u << 20);
  EXPECT_EQ(c.limits.idle_timeout, std::chrono::minutes(2));
  EXPECT_EQ(c.listen.host, "::1");
  EXPECT_EQ(c.listen.port, 0);
  EXPECT_EQ(c.limits.ws_ping_interval, std::chrono::milliseconds(500));
}

TEST(Config, ReferenceListsEveryKeyWithItsEnvironmentVariable) {
  const auto md = config_reference_markdown();
  for (const auto& k : config_keys()) {
    EXPECT_NE(md.find("`" + k.key + "`"), std::string::npos) << k.key;
    EXPECT_NE(md.find(k.env), std::string::npos) << k.env;
  }
}
