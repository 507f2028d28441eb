// metrics.listen: off by default, read from the file, HARBOUR_METRICS_LISTEN and --metrics-listen
// like server.listen, refused with the key's name when it is not ADDRESS:PORT or when it is the
// main listener's own address; the example configuration turns it on at 127.0.0.1:9464.
#include "core/config.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

using namespace harbour::core;

TEST(MetricsConfig, OffByDefaultAndDocumented) {
  EXPECT_FALSE(load_config({}, {}, {}).metrics_listen.has_value());
  const auto& keys = config_keys();
  const auto it = std::find_if(keys.begin(), keys.end(), [](const ConfigKeyInfo& k) { return k.key == "metrics.listen"; });
  ASSERT_NE(it, keys.end());
  EXPECT_EQ(it->env, "HARBOUR_METRICS_LISTEN");
  EXPECT_EQ(it->default_value, "");
  EXPECT_NE(it->description.find("loopback or a management network only"), std::string::npos) << it->description;
  EXPECT_NE(config_reference_markdown().find("`metrics.listen`"), std::string::npos);
}

TEST(MetricsConfig, ReadFromFileEnvironmentAndFlagsLikeServerListen) {
  harbour::test::TempDir dir;
  const auto file = dir.file("harbour.toml");
  std::ofstream(file) << "[metrics]\nlisten = \"127.0.0.1:9464\"\n";
  auto c = load_config(file, {}, {});
  ASSERT_TRUE(c.metrics_listen.has_value());
  EXPECT_EQ(c.metrics_listen->host, "127.0.0.1");
  EXPECT_EQ(c.metrics_listen->port, 9464);

  c = load_config(file, {{"HARBOUR_METRICS_LISTEN", "[::1]:9500"}}, {});
  ASSERT_TRUE(c.metrics_listen.has_value());
  EXPECT_EQ(c.metrics_listen->host, "::1");
  EXPECT_EQ(c.metrics_listen->port, 9500);

  c = load_config(file, {{"HARBOUR_METRICS_LISTEN", "[::1]:9500"}}, {{"metrics.listen", "localhost:0"}});
  ASSERT_TRUE(c.metrics_listen.has_value());
  EXPECT_EQ(c.metrics_listen->host, "127.0.0.1");
  EXPECT_EQ(c.metrics_listen->port, 0);

  // An empty value turns an earlier layer's listener off.
  EXPECT_FALSE(load_config(file, {{"HARBOUR_METRICS_LISTEN", ""}}, {}).metrics_listen.has_value());
}

TEST(MetricsConfig, BadAddressesNameTheKey) {
  for (const char* bad : {"9464", "metrics.example.org:9464", "127.0.0.1:99999", "127.0.0.1:", "::1:9464"}) {
    try {
      load_config({}, {{"HARBOUR_METRICS_LISTEN", bad}}, {});
      ADD_FAILURE() << "accepted " << bad;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), "metrics.listen") << bad;
      EXPECT_NE(std::string(e.what()).find("HARBOUR_METRICS_LISTEN"), std::string::npos) << e.what();
    }
  }
}

TEST(MetricsConfig, TheMainListenersAddressIsRefused) {
  try {
    load_config({}, {{"HARBOUR_METRICS_LISTEN", "127.0.0.1:8443"}}, {});
    FAIL() << "metrics.listen on server.listen's default address was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "metrics.listen");
  }
  EXPECT_THROW(load_config({}, {{"HARBOUR_METRICS_LISTEN", "0.0.0.0:80"}, {"HARBOUR_SERVER_REDIRECT_LISTEN", "0.0.0.0:80"}}, {}),
               ConfigError);
  // Port 0 is a fresh free port each time: never a clash (the tests run both on 127.0.0.1:0).
  EXPECT_NO_THROW(load_config({}, {{"HARBOUR_METRICS_LISTEN", "127.0.0.1:0"}, {"HARBOUR_SERVER_LISTEN", "127.0.0.1:0"}}, {}));
  EXPECT_NO_THROW(load_config({}, {{"HARBOUR_METRICS_LISTEN", "127.0.0.1:9464"}}, {}));
}

TEST(MetricsConfig, TheExampleConfigurationLoadsWithMetricsOnLoopback) {
  const auto c = load_config(std::filesystem::path(HARBOUR_SOURCE_DIR) / "deploy/harbour.example.toml", {}, {});
  ASSERT_TRUE(c.metrics_listen.has_value()) << "deploy/harbour.example.toml has no [metrics] listen";
  EXPECT_EQ(c.metrics_listen->host, "127.0.0.1");
  EXPECT_EQ(c.metrics_listen->port, 9464);
}
