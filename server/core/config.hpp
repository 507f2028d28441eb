#pragma once
// Harbour's configuration: every setting, its default and its documentation in one table
// (config.cpp), loaded from a TOML file, then HARBOUR_* environment variables, then command-line
// flags, each overriding the one before. A bad value stops start-up with a message naming the key.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace harbour::core {

struct ListenAddress {
  std::string host;        // IPv4 or IPv6 literal ("127.0.0.1", "::1", "0.0.0.0", "::")
  std::uint16_t port = 0;  // 0 = any free port (tests)
};

// Parses "127.0.0.1:8443", "[::1]:8443", "0.0.0.0:443"; throws std::invalid_argument.
ListenAddress parse_listen_address(const std::string& text);

struct Limits {
  std::size_t header_bytes = 8 * 1024;
  std::size_t body_bytes = 64 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{75'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_connections = 20'000;
  std::size_t max_connections_per_ip = 256;
  std::size_t ws_message_bytes = 64 * 1024;
  std::size_t ws_queue_frames = 256;
  std::size_t ws_queue_bytes = 1024 * 1024;
  std::chrono::milliseconds ws_ping_interval{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
};

struct CrisisTeam {
  std::string name = "Your local crisis team";
  std::string number;  // empty until the service sets it
  std::string available;
};

struct SessionLimits {
  std::chrono::milliseconds member_idle{12ll * 3'600'000};
  std::chrono::milliseconds member_absolute{14ll * 86'400'000};
  std::chrono::milliseconds staff_idle{30ll * 60'000};
  std::chrono::milliseconds staff_absolute{12ll * 3'600'000};
};

// The Wall's limits per person (token buckets: this many a minute, a third of it at once).
struct WallLimits {
  unsigned member_messages_per_minute = 6;
  unsigned staff_messages_per_minute = 30;
};

struct Config {
  std::filesystem::path data_dir = "data";
  ListenAddress listen{"127.0.0.1", 8443};
  std::optional<ListenAddress> redirect_listen;  // plain HTTP that only redirects to HTTPS
  std::optional<ListenAddress> metrics_listen;   // plain HTTP serving only /metrics, /healthz, /readyz
  bool plain_http = false;                        // only behind a trusted TLS-terminating proxy
  std::string public_url;                         // e.g. https://harbour.example.nhs.uk
  std::filesystem::path tls_cert;                 // empty: self-signed in data_dir/tls
  std::filesystem::path tls_key;
  std::filesystem::path web_root;                 // empty: found next to the binary
  unsigned io_threads = 1;
  unsigned worker_threads = 8;
  std::chrono::milliseconds heartbeat_interval{15'000};
  std::string log_level = "info";
  bool demo = false;
  Limits limits;
  SessionLimits sessions;
  std::chrono::milliseconds invitation_expiry{7ll * 86'400'000};
  std::string trusted_proxy;  // X-Forwarded-For is believed only from this address
  CrisisTeam crisis_team;
  WallLimits wall;
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message)
      : std::runtime_error("configuration key '" + key + "': " + message), key_(std::move(key)) {}
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

// One documented setting: "server.listen", its environment variable, default and meaning.
struct ConfigKeyInfo {
  std::string key;
  std::string env;
  std::string default_value;
  std::string description;
};

const std::vector<ConfigKeyInfo>& config_keys();

// Loads the layers. `file` may be empty (no file); `env` is the process environment as a map
// (injected for tests); `flags` maps config keys to values given on the command line.
Config load_config(const std::filesystem::path& file, const std::map<std::string, std::string>& env,
                   const std::map<std::string, std::string>& flags);

// The process environment, restricted to HARBOUR_* variables.
std::map<std::string, std::string> harbour_environment();

// Markdown table of every key (used by `harbour config` and for the README).
std::string config_reference_markdown();

}  // namespace harbour::core
