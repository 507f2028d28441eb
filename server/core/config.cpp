#include "core/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <sstream>

extern char** environ;

namespace harbour::core {
namespace {

using Setter = std::function<void(Config&, const std::string&)>;

struct KeyDef {
  ConfigKeyInfo info;
  Setter set;
};

std::string env_name(std::string key) {
  std::replace(key.begin(), key.end(), '.', '_');
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
  return "HARBOUR_" + key;
}

std::uint64_t parse_unsigned(const std::string& text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) {
    throw std::invalid_argument("expected a whole number, got \"" + text + "\"");
  }
  return value;
}

std::uint64_t parse_bounded(const std::string& text, std::uint64_t lo, std::uint64_t hi) {
  const auto v = parse_unsigned(text);
  if (v < lo || v > hi) {
    throw std::invalid_argument("must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return v;
}

// "8KiB", "1MiB", "65536" (bytes).
std::size_t parse_size(const std::string& text, std::size_t lo, std::size_t hi) {
  static const std::pair<const char*, std::size_t> kUnits[] = {
      {"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}, {"B", 1}};
  for (const auto& [suffix, mult] : kUnits) {
    const std::string s(suffix);
    if (text.size() > s.size() && text.ends_with(s)) {
      const auto v = parse_unsigned(text.substr(0, text.size() - s.size())) * mult;
      if (v < lo || v > hi) throw std::invalid_argument("size out of range");
      return v;
    }
  }
  const auto v = parse_unsigned(text);
  if (v < lo || v > hi) throw std::invalid_argument("size out of range");
  return v;
}

// "500ms", "10s", "2m", "1h". A unit is required so nobody guesses whether 30 means seconds.
std::chrono::milliseconds parse_duration(const std::string& text) {
  static const std::pair<const char*, std::int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  for (const auto& [suffix, mult] : kUnits) {
    const std::string s(suffix);
    if (text.size() > s.size() && text.ends_with(s)) {
      const auto number = text.substr(0, text.size() - s.size());
      if (std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); })) {
        const auto v = parse_unsigned(number);
        if (v == 0 || v * mult > 400ll * 86'400'000) throw std::invalid_argument("duration out of range (at most 400d)");
        return std::chrono::milliseconds(static_cast<std::int64_t>(v) * mult);
      }
    }
  }
  throw std::invalid_argument("expected a duration such as 500ms, 10s, 2m, 1h or 7d, got \"" + text + "\"");
}

bool parse_bool(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  throw std::invalid_argument("expected true or false, got \"" + text + "\"");
}

std::string parse_url(const std::string& text) {
  if (text.empty()) return text;
  if (!(text.starts_with("https://") || text.starts_with("http://")) || text.find_first_of(" \t\r\n") != std::string::npos) {
    throw std::invalid_argument("expected an absolute http(s) URL such as https://harbour.example.nhs.uk");
  }
  return text.ends_with('/') ? text.substr(0, text.size() - 1) : text;
}

const std::vector<KeyDef>& key_defs() {
  static const std::vector<KeyDef> defs = [] {
    std::vector<KeyDef> d;
    auto add = [&](std::string key, std::string def, std::string desc, Setter set) {
      d.push_back({{key, env_name(key), std::move(def), std::move(desc)}, std::move(set)});
    };
    add("data_dir", "data", "Folder for the SQLite database, the self-signed certificate and backups.",
        [](Config& c, const std::string& v) {
          if (v.empty()) throw std::invalid_argument("must not be empty");
          c.data_dir = v;
        });
    add("server.listen", "127.0.0.1:8443", "Address and port of the HTTPS (or plain, see server.plain_http) listener; port 0 picks a free port.",
        [](Config& c, const std::string& v) { c.listen = parse_listen_address(v); });
    add("server.redirect_listen", "", "Optional plain-HTTP address whose only job is to redirect to HTTPS (e.g. 0.0.0.0:80). Empty: off.",
        [](Config& c, const std::string& v) {
          if (v.empty()) c.redirect_listen.reset(); else c.redirect_listen = parse_listen_address(v);
        });
    add("server.plain_http", "false", "Serve plain HTTP instead of HTTPS. Only behind a trusted TLS-terminating proxy on the same host.",
        [](Config& c, const std::string& v) { c.plain_http = parse_bool(v); });
    add("server.public_url", "", "The URL people open, used in redirects, invitation links and the WebSocket Origin check. Empty: derived from server.listen.",
        [](Config& c, const std::string& v) { c.public_url = parse_url(v); });
    add("server.io_threads", "1", "Threads running network I/O (never blocking work).",
        [](Config& c, const std::string& v) { c.io_threads = static_cast<unsigned>(parse_bounded(v, 1, 64)); });
    add("server.worker_threads", "8", "Threads running request handlers that read; as many again run those that write (they wait on the database writer).",
        [](Config& c, const std::string& v) { c.worker_threads = static_cast<unsigned>(parse_bounded(v, 1, 256)); });
    add("tls.cert", "", "PEM certificate chain (e.g. certbot's fullchain.pem). Empty: a self-signed certificate in data_dir/tls.",
        [](Config& c, const std::string& v) { c.tls_cert = v; });
    add("tls.key", "", "PEM private key matching tls.cert.",
        [](Config& c, const std::string& v) { c.tls_key = v; });
    add("web.root", "", "Folder with the built web client (web/dist). Empty: looked up next to the binary and in the source tree.",
        [](Config& c, const std::string& v) { c.web_root = v; });
    add("live.heartbeat_interval", "15s", "How often the live hub sends a heartbeat event to every WebSocket.",
        [](Config& c, const std::string& v) { c.heartbeat_interval = parse_duration(v); });
    add("wall.member_messages_per_minute", "6", "How many Wall messages a member may send a minute (a third of them at once).",
        [](Config& c, const std::string& v) { c.wall.member_messages_per_minute = static_cast<unsigned>(parse_bounded(v, 1, 100'000)); });
    add("wall.staff_messages_per_minute", "30", "How many Wall messages a member of staff may send a minute.",
        [](Config& c, const std::string& v) { c.wall.staff_messages_per_minute = static_cast<unsigned>(parse_bounded(v, 1, 100'000)); });
    add("sessions.member_idle", "12h", "A member's session ends after this long without a request.",
        [](Config& c, const std::string& v) { c.sessions.member_idle = parse_duration(v); });
    add("sessions.member_absolute", "14d", "A member's session ends this long after sign-in, however active.",
        [](Config& c, const std::string& v) { c.sessions.member_absolute = parse_duration(v); });
    add("sessions.staff_idle", "30m", "Idle limit for staff and admin sessions.",
        [](Config& c, const std::string& v) { c.sessions.staff_idle = parse_duration(v); });
    add("sessions.staff_absolute", "12h", "Absolute limit for staff and admin sessions.",
        [](Config& c, const std::string& v) { c.sessions.staff_absolute = parse_duration(v); });
    add("invitations.default_expiry", "7d", "How long an invitation stays valid unless its issuer says otherwise.",
        [](Config& c, const std::string& v) { c.invitation_expiry = parse_duration(v); });
    add("security.trusted_proxy", "", "IP address of a reverse proxy whose X-Forwarded-For is believed. Empty: none.",
        [](Config& c, const std::string& v) {
          if (!v.empty() && v.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
            throw std::invalid_argument("expected an IP address");
          }
          c.trusted_proxy = v;
        });
    add("log.level", "info", "debug, info, warn or error.",
        [](Config& c, const std::string& v) { (void)c; c.log_level = v; if (v != "debug" && v != "info" && v != "warn" && v != "error") throw std::invalid_argument("expected debug, info, warn or error"); });
    add("demo", "false", "Seed demo content (demo networks; later demo accounts). Never on a live service.",
        [](Config& c, const std::string& v) { c.demo = parse_bool(v); });
    add("limits.header_bytes", "8KiB", "Largest request line plus headers.",
        [](Config& c, const std::string& v) { c.limits.header_bytes = parse_size(v, 1024, 1 << 20); });
    add("limits.body_bytes", "64KiB", "Largest request body (routes may set their own).",
        [](Config& c, const std::string& v) { c.limits.body_bytes = parse_size(v, 1024, 64 << 20); });
    add("limits.header_timeout", "10s", "Time a client has to send a whole request header once it starts; on a new connection, from accept, the TLS handshake included.",
        [](Config& c, const std::string& v) { c.limits.header_timeout = parse_duration(v); });
    add("limits.body_timeout", "30s", "Time a client has to send a request body.",
        [](Config& c, const std::string& v) { c.limits.body_timeout = parse_duration(v); });
    add("limits.idle_timeout", "75s", "How long an idle keep-alive connection is kept open.",
        [](Config& c, const std::string& v) { c.limits.idle_timeout = parse_duration(v); });
    add("limits.write_timeout", "30s", "Time a client has to read a response.",
        [](Config& c, const std::string& v) { c.limits.write_timeout = parse_duration(v); });
    add("limits.max_connections", "20000", "Open connections in all; more are refused at accept.",
        [](Config& c, const std::string& v) { c.limits.max_connections = parse_bounded(v, 1, 1'000'000); });
    add("limits.max_connections_per_ip", "256", "Open connections from one IP address.",
        [](Config& c, const std::string& v) { c.limits.max_connections_per_ip = parse_bounded(v, 1, 1'000'000); });
    add("limits.ws_message_bytes", "64KiB", "Largest WebSocket message a client may send.",
        [](Config& c, const std::string& v) { c.limits.ws_message_bytes = parse_size(v, 128, 16 << 20); });
    add("limits.ws_queue_frames", "256", "Outbound frames queued per WebSocket before a slow client is closed.",
        [](Config& c, const std::string& v) { c.limits.ws_queue_frames = parse_bounded(v, 1, 1'000'000); });
    add("limits.ws_queue_bytes", "1MiB", "Outbound bytes queued per WebSocket before a slow client is closed.",
        [](Config& c, const std::string& v) { c.limits.ws_queue_bytes = parse_size(v, 1024, 1ull << 30); });
    add("limits.ws_ping_interval", "30s", "Idle time after which the server pings a WebSocket; no answer within as long again closes it.",
        [](Config& c, const std::string& v) { c.limits.ws_ping_interval = parse_duration(v); });
    add("limits.shutdown_grace", "10s", "On SIGTERM, how long in-flight requests may take before connections are cut.",
        [](Config& c, const std::string& v) { c.limits.shutdown_grace = parse_duration(v); });
    add("crisis.local_team_name", "Your local crisis team", "Name shown for the default network's local crisis team.",
        [](Config& c, const std::string& v) { c.crisis_team.name = v; });
    add("crisis.local_team_number", "", "Phone number of the local crisis team (shown on the urgent-help page once set).",
        [](Config& c, const std::string& v) {
          if (!std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isdigit(ch) || ch == ' ' || ch == '+'; })) {
            throw std::invalid_argument("expected digits, spaces and an optional +");
          }
          c.crisis_team.number = v;
        });
    add("crisis.local_team_available", "", "When the local crisis team answers, e.g. \"24 hours, every day\".",
        [](Config& c, const std::string& v) { c.crisis_team.available = v; });
    // Appended, not among the server.* keys: the fuzz seeds (tests/fuzz/seeds.py) pick keys by index.
    add("metrics.listen", "",
        "Optional plain-HTTP address of the Prometheus endpoint: GET /metrics (text format 0.0.4), /healthz and /readyz, "
        "nothing else. No TLS and no sign-in: bind it to loopback or a management network only (e.g. 127.0.0.1:9464). "
        "Empty: off.",
        [](Config& c, const std::string& v) {
          if (v.empty()) c.metrics_listen.reset(); else c.metrics_listen = parse_listen_address(v);
        });
    return d;
  }();
  return defs;
}

// Flattens a TOML table into dotted keys with string values; rejects what no key could hold.
void flatten(const toml::table& table, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [k, node] : table) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, key, out);
    } else if (const auto* s = node.as_string()) {
      out[key] = s->get();
    } else if (const auto* i = node.as_integer()) {
      if (i->get() < 0) throw ConfigError(key, "must not be negative");
      out[key] = std::to_string(i->get());
    } else if (const auto* b = node.as_boolean()) {
      out[key] = b->get() ? "true" : "false";
    } else {
      throw ConfigError(key, "expected a string, a whole number or true/false");
    }
  }
}

}  // namespace

ListenAddress parse_listen_address(const std::string& text) {
  std::string host;
  std::string port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw std::invalid_argument("expected [IPv6]:PORT, got \"" + text + "\"");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      throw std::invalid_argument("expected ADDRESS:PORT (IPv6 as [::1]:PORT), got \"" + text + "\"");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
    throw std::invalid_argument("expected an IP address (not a host name), got \"" + host + "\"");
  }
  return ListenAddress{host, static_cast<std::uint16_t>(parse_bounded(port, 0, 65535))};
}

const std::vector<ConfigKeyInfo>& config_keys() {
  static const std::vector<ConfigKeyInfo> keys = [] {
    std::vector<ConfigKeyInfo> k;
    for (const auto& d : key_defs()) k.push_back(d.info);
    return k;
  }();
  return keys;
}

Config load_config(const std::filesystem::path& file, const std::map<std::string, std::string>& env,
                   const std::map<std::string, std::string>& flags) {
  std::map<std::string, std::string> from_file;
  if (!file.empty()) {
    try {
      flatten(toml::parse_file(file.string()), "", from_file);
    } catch (const toml::parse_error& e) {
      std::ostringstream msg;
      msg << "cannot read " << file.string() << ": " << e.description() << " (line "
          << e.source().begin.line << ")";
      throw ConfigError("config", msg.str());
    }
  }

  Config config;
  const auto& defs = key_defs();
  auto known = [&](const std::string& key) {
    return std::any_of(defs.begin(), defs.end(), [&](const KeyDef& d) { return d.info.key == key; });
  };
  for (const auto& [key, value] : from_file) {
    if (!known(key)) throw ConfigError(key, "unknown setting in " + file.string());
  }
  for (const auto& [key, value] : flags) {
    if (!known(key)) throw ConfigError(key, "unknown setting");
  }

  for (const auto& def : defs) {
    const std::string* value = nullptr;
    std::string source;
    if (auto it = flags.find(def.info.key); it != flags.end()) {
      value = &it->second;
      source = "command line";
    } else if (auto e = env.find(def.info.env); e != env.end()) {
      value = &e->second;
      source = "environment " + def.info.env;
    } else if (auto f = from_file.find(def.info.key); f != from_file.end()) {
      value = &f->second;
      source = file.string();
    }
    if (!value) continue;
    try {
      def.set(config, *value);
    } catch (const std::exception& e) {
      throw ConfigError(def.info.key, std::string(e.what()) + " (from " + source + ")");
    }
  }

  // Settings that only make sense together.
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    throw ConfigError(config.tls_cert.empty() ? "tls.cert" : "tls.key", "tls.cert and tls.key are set together");
  }
  if (config.plain_http && config.redirect_listen) {
    throw ConfigError("server.redirect_listen", "has no use when server.plain_http is true");
  }
  // The same fixed address twice would fail at bind with a less helpful message (port 0 is a new
  // free port each time, so it never clashes).
  auto same = [](const ListenAddress& a, const std::optional<ListenAddress>& b) {
    return b && a.port != 0 && a.port == b->port && a.host == b->host;
  };
  if (config.metrics_listen && (same(*config.metrics_listen, config.listen) || same(*config.metrics_listen, config.redirect_listen))) {
    throw ConfigError("metrics.listen", "must not be the address of server.listen or server.redirect_listen");
  }
  return config;
}

std::map<std::string, std::string> harbour_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with("HARBOUR_")) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

std::string config_reference_markdown() {
  std::ostringstream out;
  out << "| key | environment | default | meaning |\n|---|---|---|---|\n";
  for (const auto& k : config_keys()) {
    out << "| `" << k.key << "` | `" << k.env << "` | " << (k.default_value.empty() ? "(empty)" : "`" + k.default_value + "`")
        << " | " << k.description << " |\n";
  }
  return out.str();
}

}  // namespace harbour::core
