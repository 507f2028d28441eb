// harbour: the peer-support community server.
//   harbour [serve] [--data-dir DIR] [--listen ADDR:PORT] [--demo] ...   run the server (default)
//   harbour migrate --data-dir DIR                                        bring the database up to date
//   harbour backup --data-dir DIR --to PATH|FOLDER [--keep N]             copy the live database, checked
//   harbour restore --from FILE --data-dir DIR                            replace the database (server stopped)
//   harbour network list|create|update --slug SLUG ...                    set up the service's networks
//   harbour config                                                       print every setting and default
//   harbour --version
#include "api/metrics_api.hpp"
#include "api/routes.hpp"
#include "core/app_error.hpp"
#include "core/config.hpp"
#include "core/data_dir_lock.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/metrics_process.hpp"
#include "core/self_signed_cert.hpp"
#include "core/worker_pool.hpp"
#include "http/app.hpp"
#include "live/hub.hpp"
#include "net/server.hpp"
#include "core/crypto.hpp"
#include "services/audit_anchor.hpp"
#include "services/audit_log.hpp"
#include "services/backup_restore.hpp"
#include "services/backup_rotation.hpp"
#include "services/demo_community.hpp"
#include "services/demo_office_hours.hpp"
#include "services/demo_seed.hpp"
#include "services/ip_ref.hpp"
#include "store/account_repo.hpp"
#include "store/invitation_repo.hpp"
#include "services/services.hpp"
#include "store/database.hpp"
#include "store/db_error.hpp"
#include "store/migrations.hpp"

#include <algorithm>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include <unistd.h>

namespace {

using namespace harbour;

// Command-line values for config keys; only the ones given are passed on, so they override the
// environment and the file without hiding them.
struct CommonOptions {
  std::string config_file;
  std::map<std::string, std::optional<std::string>> values;
  bool demo = false;
  bool plain_http = false;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--config", config_file, "TOML configuration file (or HARBOUR_CONFIG)");
    auto opt = [&](const char* flag, const char* key, const char* help) {
      cmd.add_option(flag, values[key], help);
    };
    opt("--data-dir", "data_dir", "Data folder (database, certificate); default ./data");
    opt("--listen", "server.listen", "Address and port to serve on, e.g. 127.0.0.1:8443 or [::]:443");
    opt("--redirect-listen", "server.redirect_listen", "Plain-HTTP address that redirects to HTTPS, e.g. 0.0.0.0:80");
    opt("--metrics-listen", "metrics.listen", "Plain-HTTP address of the Prometheus /metrics endpoint, e.g. 127.0.0.1:9464 (loopback or a management network only)");
    opt("--web-root", "web.root", "Folder of the built web client (web/dist)");
    opt("--public-url", "server.public_url", "URL people open, e.g. https://harbour.example.nhs.uk");
    opt("--log-level", "log.level", "debug, info, warn or error");
    cmd.add_flag("--demo", demo, "Seed demo content (never on a live service)");
    cmd.add_flag("--plain-http", plain_http, "Serve plain HTTP (only behind a trusted TLS proxy)");
  }

  core::Config load() const {
    std::map<std::string, std::string> flags;
    for (const auto& [key, value] : values) {
      if (value) flags[key] = *value;
    }
    if (demo) flags["demo"] = "true";
    if (plain_http) flags["server.plain_http"] = "true";
    auto env = core::harbour_environment();
    std::string file = config_file;
    if (file.empty()) {
      if (auto it = env.find("HARBOUR_CONFIG"); it != env.end()) file = it->second;
    }
    return core::load_config(file, env, flags);
  }
};

std::filesystem::path database_path(const core::Config& config) { return config.data_dir / "harbour.db"; }

// A per-deployment secret for keyed hashes (audit IP references), made on first start (0600).
std::string load_or_create_secret(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "secret.key";
  if (std::ifstream in(path); in) {
    std::string hex;
    in >> hex;
    if (hex.size() == 64) return hex;
  }
  const auto hex = core::hex_encode(core::random_bytes(32));
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << hex << "\n";
  }
  std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  std::filesystem::rename(tmp, path);
  return hex;
}

std::string public_url_of(const core::Config& config) {
  if (!config.public_url.empty()) return config.public_url;
  std::string host = config.listen.host;
  if (host == "127.0.0.1" || host == "0.0.0.0" || host == "::" || host == "::1") host = "localhost";
  else if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(config.plain_http ? "http" : "https") + "://" + host + ":" + std::to_string(config.listen.port);
}

services::ServicesOptions services_options(const core::Config& config) {
  services::ServicesOptions o;
  o.public_url = public_url_of(config);
  o.audit_anchor = config.data_dir / services::kAuditAnchorFileName;
  o.sessions = config.sessions;
  o.invitation_expiry = config.invitation_expiry;
  o.trusted_proxy = config.trusted_proxy;
  o.wall = config.wall;
  return o;
}

std::filesystem::path find_web_root(const core::Config& config) {
  if (!config.web_root.empty()) return config.web_root;
  std::vector<std::filesystem::path> candidates;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share/harbour/web");
#ifdef HARBOUR_SOURCE_DIR
  candidates.push_back(std::filesystem::path(HARBOUR_SOURCE_DIR) / "web/dist");
#endif
  candidates.push_back("web/dist");
  for (const auto& c : candidates) {
    if (std::filesystem::exists(c / "index.html", ec)) return c;
  }
  return {};
}

std::string open_url(const core::Config& config, std::uint16_t port) {
  if (!config.public_url.empty()) return config.public_url + "/";
  std::string host = config.listen.host;
  if (host == "127.0.0.1" || host == "0.0.0.0" || host == "::" || host == "::1") host = "localhost";
  else if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(config.plain_http ? "http" : "https") + "://" + host + ":" + std::to_string(port) + "/";
}

std::string metrics_url(const core::ListenAddress& listen, std::uint16_t port) {
  std::string host = listen.host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port) + "/metrics";
}

std::string bound_url(const core::Config& config, std::uint16_t port) {
  std::string host = config.listen.host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(config.plain_http ? "http" : "https") + "://" + host + ":" + std::to_string(port) + "/";
}

int serve(const core::Config& config) {
  // SIGHUP re-reads the certificate once the server runs (net::Server). Until then a reload (a
  // renewal hook firing during start-up) must not end the process: SIGHUP's default action, which
  // systemd counts as a clean exit and does not restart. The files are read at start-up anyway.
  std::signal(SIGHUP, SIG_IGN);
  core::log::set_level(core::log::parse_level(config.log_level));
  std::filesystem::create_directories(config.data_dir);
  std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  // One server per data folder, and no restore under it: held until serve returns.
  const core::DataDirLock data_dir_lock(config.data_dir, "serve");

  // Prometheus metrics, only with metrics.listen (otherwise nothing is counted). Declared before
  // the database: the writer reports batch sizes into it until it stops.
  std::unique_ptr<core::metrics::Registry> metrics;
  if (config.metrics_listen) {
    metrics = std::make_unique<core::metrics::Registry>();
    core::metrics::register_process_metrics(*metrics, HARBOUR_VERSION);
  }

  store::Database db({.path = database_path(config), .max_readers = config.worker_threads});
  // Before the first write job, so the batch-size histogram counts every transaction.
  if (metrics) api::register_writer_metrics(*metrics, db.writer());
  core::log::info("database_ready", {{"path", std::filesystem::absolute(database_path(config)).string()},
                                     {"schema_version", db.schema_version()}});

  live::Hub hub;
  core::RealClock clock;
  services::set_ip_ref_key(load_or_create_secret(config.data_dir));
  services::Services services(db, hub, clock, services_options(config));
  // Ended sessions (sign-out, sign-out everywhere, suspension) close their sockets at once.
  services.sessions().on_sessions_ended([&hub](const std::vector<std::int64_t>& ids) {
    for (const auto id : ids) hub.end_topic("session:" + std::to_string(id), services::kSessionEndedCloseCode, "session ended");
  });
  services.networks().configure_local_crisis_team(config.crisis_team);
  std::vector<services::DemoAccount> demo_accounts;
  if (config.demo) {
    const int created = services::seed_demo_content(db);
    core::log::info("demo_content", {{"networks_created", created}});
    demo_accounts = services::seed_demo_accounts(db, services.hasher());
    services::seed_demo_office_hours(db, std::chrono::system_clock::now());
    const int communities = services::seed_demo_community(db);
    core::log::info("demo_community", {{"networks_filled", communities}});
  }

  // First start of an empty database: one admin invitation, printed once, so the operator can
  // create the first account. Later admins come from `harbour invite create --role admin`.
  std::optional<std::string> first_admin_link;
  {
    const auto now = core::format_utc_ms(std::chrono::system_clock::now());
    const bool empty = db.read([&](store::Connection& c) {
      return store::count_users(c) == 0 && store::count_open_admin_invitations(c, now) == 0;
    });
    if (empty) {
      first_admin_link = services.invitations().issue_as_system("default", "admin", std::nullopt, "first start").link;
      services.audit_written();
    }
  }

  core::TlsFiles tls;
  if (!config.plain_http) {
    if (config.tls_cert.empty()) {
      tls = core::ensure_self_signed_certificate(config.data_dir / "tls");
      core::log::warn("tls_self_signed", {{"cert", std::filesystem::absolute(tls.cert).string()},
                                          {"created", tls.created},
                                          {"advice", "configure tls.cert and tls.key for a live service"}});
    } else {
      tls = {config.tls_cert, config.tls_key, false};
    }
  }

  std::shared_ptr<const http::StaticFiles> static_files;
  if (const auto root = find_web_root(config); !root.empty()) {
    static_files = std::make_shared<http::StaticFiles>(root);
    core::log::info("web_root", {{"path", std::filesystem::absolute(root).string()}, {"files", static_files->file_count()}});
  } else {
    core::log::warn("web_root_missing", {{"advice", "build the web client (cd web && npm run build) or set web.root"}});
  }

  core::WorkerPool pool(config.worker_threads, 4096);
  // Writes wait on the one database writer; their own threads keep reads answered when it is held
  // up (http/app.hpp, AppOptions::write_pool).
  core::WorkerPool write_pool(config.worker_threads, 4096);
  // Password checks (argon2id): as many threads as may hash at once, at a lower priority, with a
  // short queue: a burst of sign-ins waits its turn without slowing anyone else's pages.
  core::WorkerPool heavy_pool(services_options(config).max_concurrent_hashes, 64, 10);
  http::Context prototype{&services, nullptr, {}};
  auto router = api::build_router();
  std::optional<http::RequestMetrics> request_metrics;
  // The metrics listener's own app and one worker: a scrape (a few indexed counts on a reader)
  // never takes a thread or a queue place from requests.
  std::optional<core::WorkerPool> metrics_pool;
  std::optional<http::App> metrics_app;
  if (metrics) {
    request_metrics.emplace(*metrics, router);  // by route index: the same router the App gets
    metrics_pool.emplace(1, 8);
    api::register_worker_pool_metrics(*metrics, {{"read", &pool}, {"write", &write_pool}, {"password", &heavy_pool},
                                                 {"metrics", &*metrics_pool}});
    api::register_workload_metrics(*metrics, services);
    metrics_app.emplace(api::build_metrics_router(*metrics), api::build_metrics_middleware(), nullptr, prototype,
                        &*metrics_pool, http::AppOptions{.default_body_limit = config.limits.body_bytes});
  }
  const http::App app(std::move(router), api::build_middleware(!config.plain_http), static_files, prototype, &pool,
                      {.default_body_limit = config.limits.body_bytes, .heavy_pool = &heavy_pool, .write_pool = &write_pool,
                       .metrics = request_metrics ? &*request_metrics : nullptr, .no_fallback_paths = {"/metrics"}});

  {
    net::Server server(config, app, hub, tls, metrics_app ? &*metrics_app : nullptr);
    if (metrics) server.register_metrics(*metrics);
    const auto ports = server.bind();
    const auto url = bound_url(config, ports.main);
    if (config.public_url.empty()) {
      auto open = open_url(config, ports.main);
      open.pop_back();  // no trailing slash
      services.invitations().set_public_url(open);
      if (first_admin_link) first_admin_link = services.invitations().link_for(first_admin_link->substr(first_admin_link->find('#') + 1));
    }
    core::log::info("listening", {{"url", url}, {"port", ports.main}, {"redirect_port", ports.redirect},
                                  {"metrics_port", ports.metrics}, {"tls", !config.plain_http}, {"version", HARBOUR_VERSION}});
    std::cout << "\nHarbour " << HARBOUR_VERSION << " is running.\n"
              << "  Open " << open_url(config, ports.main) << " in your browser";
    if (!config.plain_http && config.tls_cert.empty()) {
      std::cout << "\n  (a self-signed certificate: your browser will ask you to accept it once)";
    }
    std::cout << "\n  Data folder: " << std::filesystem::absolute(config.data_dir).string();
    if (config.metrics_listen) {
      std::cout << "\n  Metrics (Prometheus): " << metrics_url(*config.metrics_listen, ports.metrics)
                << " (plain HTTP: loopback or a management network only)";
    }
    std::cout << "\n  Stop with Ctrl+C.\n";
    if (!demo_accounts.empty()) {
      std::cout << "\n  Demo accounts (--demo only; password for all: \"" << services::kDemoPassword << "\"):\n";
      for (const auto& a : demo_accounts) {
        std::cout << "    " << a.pseudonym << " (" << a.role << ")";
        if (!a.totp_key.empty()) std::cout << "  two-step key: " << a.totp_key;
        std::cout << "\n";
      }
      std::cout << "  Staff sign in with a code from an authenticator app set up with their key\n"
                << "  (or: oathtool --totp -b KEY).\n";
    }
    if (first_admin_link) {
      std::cout << "\n  First start: create the administrator account with this one-time invitation\n"
                << "  (valid 7 days; shown only now):\n    " << *first_admin_link << "\n";
    }
    std::cout << "\n" << std::flush;

    server.run();
    // The loop has stopped: finish handlers still running (their replies go nowhere now), then
    // let the server and its sessions go before the database closes.
    pool.stop();
    write_pool.stop();
    if (metrics_pool) metrics_pool->stop();  // before the server its scrapes read goes
  }
  services.stop();  // the Wall feed's thread reads the database: it ends before the database closes
  db.close();
  core::log::info("stopped", {});
  core::log::flush();
  return 0;
}

// An operator's command prints its own result on stdout; the log (stderr) keeps warnings and
// errors only, unless the configuration asks for more than info ("debug").
void quiet_command_log(const core::Config& config) {
  const auto level = core::log::parse_level(config.log_level);
  core::log::set_level(level == core::log::Level::Debug ? level : std::max(level, core::log::Level::Warn));
}

// The services an operator's command (invite, network) works with, beside a running server: SQLite
// WAL lets a second process write, and the writer waits for the server's transaction
// (busy_timeout) instead of failing. close() ends the Wall feed's thread before the database.
struct CommandServices {
  store::Database db;
  live::Hub hub;
  core::RealClock clock;
  services::Services services;

  explicit CommandServices(const core::Config& config)
      : db(open_with_keys(config)), services(db, hub, clock, services_options(config)) {}

  // The process-wide IP-reference key is set before the services that use it exist.
  static store::Database::Options open_with_keys(const core::Config& config) {
    services::set_ip_ref_key(load_or_create_secret(config.data_dir));
    return {.path = database_path(config), .max_readers = 1};
  }

  void close() {
    services.stop();
    db.close();
    core::log::flush();
  }
};

int invite_create(const core::Config& config, const std::string& network, const std::string& role,
                  const std::optional<std::string>& note) {
  quiet_command_log(config);
  CommandServices command(config);
  auto& services = command.services;
  const auto issued = services.invitations().issue_as_system(network, role, note, "command line");
  services.audit_written();
  std::cout << issued.link << "\n"
            << "  network " << issued.network_slug << ", role " << issued.role << ", expires " << issued.expires_at
            << ". The link works once; it is not stored and cannot be shown again.\n";
  command.close();
  return 0;
}

// `harbour network ...`: the operator sets up networks beside a running server, as for invitations.
struct NetworkCommand {
  std::string slug, reason = "command line";
  std::optional<std::string> name, time_zone, team_name, team_number, team_available;
};

void print_network(const services::NetworkSummary& n) {
  std::cout << n.slug << "  \"" << n.name << "\"  time zone " << n.time_zone << "\n";
  for (const auto& contact : n.crisis_contacts) {
    if (contact.value("id", "") != "local_crisis_team") continue;
    const auto number = contact.value("number", "");
    std::cout << "  local crisis team: " << contact.value("name", "") << ", "
              << (number.empty() ? "no number yet (not shown to anyone)" : number);
    if (const auto available = contact.value("available", ""); !available.empty()) std::cout << ", " << available;
    std::cout << "\n";
  }
}

int network_command(const core::Config& config, const std::string& verb, const NetworkCommand& cmd) {
  quiet_command_log(config);
  CommandServices command(config);
  auto& services = command.services;
  auto& networks = services.networks();
  if (verb == "list") {
    for (const auto& n : networks.list()) print_network(n);
  } else {
    services::NetworkSettings settings{cmd.name, cmd.time_zone, std::nullopt};
    if (cmd.team_name || cmd.team_number || cmd.team_available) {
      // Given parts replace the current ones; the rest stay as they are.
      core::CrisisTeam team;
      for (const auto& n : networks.list()) {
        if (n.slug != cmd.slug) continue;
        for (const auto& contact : n.crisis_contacts) {
          if (contact.value("id", "") != "local_crisis_team") continue;
          team = {contact.value("name", team.name), contact.value("number", ""), contact.value("available", "")};
        }
      }
      if (cmd.team_name) team.name = *cmd.team_name;
      if (cmd.team_number) team.number = *cmd.team_number;
      if (cmd.team_available) team.available = *cmd.team_available;
      settings.local_team = team;
    }
    const auto result = verb == "create" ? networks.create(cmd.slug, settings, cmd.reason) : networks.update(cmd.slug, settings, cmd.reason);
    services.audit_written();
    std::cout << (verb == "create" ? "created " : "updated ");
    print_network(result);
  }
  command.close();
  return 0;
}

int audit_verify(const core::Config& config) {
  const auto path = database_path(config);
  if (!std::filesystem::exists(path)) {
    std::cerr << "harbour: no database at " << path.string() << "\n";
    return 2;
  }
  auto conn = store::Connection::open(path, store::Connection::Mode::ReadOnly);
  const auto anchor_file = config.data_dir / services::kAuditAnchorFileName;
  const auto anchor = services::read_audit_anchor(anchor_file);
  const auto result = services::verify_audit_chain(conn, anchor);
  if (result.ok) {
    std::cout << "audit log OK: " << result.rows_checked << " rows verified, head " << result.head_hash_hex
              << (anchor ? "" : " (no anchor file: truncation of the newest rows cannot be ruled out)") << "\n";
    return 0;
  }
  std::cout << "audit log BROKEN at row " << (result.first_bad_id ? std::to_string(*result.first_bad_id) : "?") << ": "
            << result.problem << "\n";
  return 1;
}

std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

std::string size_text(std::uintmax_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%ju bytes (%.1f MiB)", bytes, static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

void print_check(const services::BackupCheck& check) {
  std::cout << "  integrity: " << (check.integrity.empty() ? "ok" : "FAILED: " + check.integrity) << "\n"
            << "  audit chain: ";
  if (check.audit.ok) {
    std::cout << "ok, " << check.audit.rows_checked << " rows; head row " << check.head.last_id << ", hash "
              << check.head.last_hash_hex << "\n";
  } else {
    std::cout << "FAILED: " << check.problem() << "\n";
  }
}

// Works while the server runs: a read transaction of its own, never blocking the server's writer.
// With `keep` (only into a folder), the folder is rotated after a backup that passed its checks,
// never after one that did not.
int backup(const core::Config& config, const std::filesystem::path& to, std::optional<std::size_t> keep) {
  const auto source = database_path(config);
  if (!std::filesystem::is_regular_file(source)) {
    std::cerr << "harbour: no database at " << source.string() << "\n";
    return 2;
  }
  auto target = to;
  const bool into_folder = std::filesystem::is_directory(target);
  if (keep && !into_folder) {
    std::cerr << "harbour: --keep rotates a folder of backups; " << to.string() << " is not a folder\n";
    return 2;
  }
  if (into_folder) {
    target /= services::backup_file_name(std::chrono::system_clock::now());
  } else if (target.filename().empty() || !std::filesystem::is_directory(target.parent_path().empty() ? "." : target.parent_path())) {
    std::cerr << "harbour: no folder " << (target.filename().empty() ? target : target.parent_path()).string()
              << " to write the backup into\n";
    return 2;
  }
  services::BackupReport report;
  try {
    report = services::make_backup(source, target);
  } catch (const store::DbError& e) {
    std::cerr << "harbour: backup failed: " << e.what() << "\n";
    return 1;
  }
  const auto& info = report.check.info;
  std::cout << "backup " << (report.check.ok() ? "written" : "FAILED its check, kept") << ": " << info.file.string() << "\n"
            << "  " << size_text(info.bytes) << ", " << info.pages << " pages of " << info.page_size
            << " bytes, schema version " << info.schema_version << "\n"
            << "  copied in " << seconds_text(report.copy_time) << ", checked in " << seconds_text(report.check_time)
            << "\n";
  print_check(report.check);
  if (!report.check.ok()) return 1;
  std::cout << "  secret.key is not in the database: keep one copy of it with your backups.\n";
  if (!keep) return 0;
  services::PruneReport rotation;
  try {
    rotation = services::prune_backups(to, *keep);
  } catch (const std::exception& e) {
    std::cerr << "harbour: rotation failed (the backup above is written): " << e.what() << "\n";
    return 1;
  }
  std::cout << "  rotation: " << rotation.kept.size() << " backups kept (at most " << *keep << "), "
            << rotation.removed.size() << " older deleted\n";
  for (const auto& file : rotation.removed) std::cout << "    deleted " << file.filename().string() << "\n";
  for (const auto& problem : rotation.errors) std::cerr << "harbour: rotation: " << problem << "\n";
  return rotation.errors.empty() ? 0 : 1;
}

// Refused while a server (or another restore) holds the data folder's lock.
int restore(const core::Config& config, const std::filesystem::path& from) {
  quiet_command_log(config);
  std::filesystem::create_directories(config.data_dir);
  std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  const core::DataDirLock data_dir_lock(config.data_dir, "restore");
  services::RestoreReport report;
  try {
    report = services::restore_backup(from, config.data_dir, std::chrono::system_clock::now());
  } catch (const store::NewerDatabaseError& e) {
    std::cerr << "harbour: backup " << from.string() << " cannot be restored: " << e.what() << "; nothing was changed\n";
    return 2;
  } catch (const store::DbError& e) {
    std::cerr << "harbour: restore failed: " << e.what() << "\n";
    return 1;
  }
  std::cout << "restored " << report.database.string() << " from " << from.string() << "\n";
  print_check(report.backup);
  std::cout << "  schema version " << report.schema.from << " -> " << report.schema.to
            << (report.schema.from == report.schema.to ? " (no migration needed)" : " (migrated)") << "\n"
            << "  audit row " << report.restore_audit_id << " records the restore; anchor " << services::kAuditAnchorFileName
            << " now at row " << report.head.last_id << ", hash " << report.head.last_hash_hex << "\n";
  if (report.previous) std::cout << "  the previous database is kept at " << report.previous->string() << "\n";
  if (report.previous_anchor) std::cout << "  the previous anchor is kept at " << report.previous_anchor->string() << "\n";
  std::cout << "  done in " << seconds_text(report.time) << "\n";
  if (!std::filesystem::exists(config.data_dir / "secret.key")) {
    std::cout << "  warning: no secret.key in " << config.data_dir.string()
              << ": restore the one kept with your backups before starting the server (a new one would be made,\n"
              << "  and earlier audit IP references and recovery codes would no longer match)\n";
  }
  return 0;
}

int migrate(const core::Config& config) {
  quiet_command_log(config);
  std::filesystem::create_directories(config.data_dir);
  const auto result = store::migrate_file(database_path(config));
  std::cout << "database " << database_path(config).string() << ": schema version " << result.from << " -> "
            << result.to << (result.from == result.to ? " (already up to date)" : "") << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Harbour: a moderated peer-support community server for NHS talking-therapy services"};
  app.set_version_flag("--version", std::string("harbour ") + HARBOUR_VERSION);
  app.require_subcommand(0, 1);

  CommonOptions root_opts, serve_opts, migrate_opts;
  root_opts.add_to(app);
  auto* serve_cmd = app.add_subcommand("serve", "Run the server (the default)");
  serve_opts.add_to(*serve_cmd);
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply pending database migrations and exit");
  migrate_opts.add_to(*migrate_cmd);
  auto* config_cmd = app.add_subcommand("config", "Print every configuration key, its environment variable and default");

  auto* invite_cmd = app.add_subcommand("invite", "Manage invitations");
  auto* invite_create_cmd = invite_cmd->add_subcommand("create", "Print a one-time invitation link (works while the server runs)");
  CommonOptions invite_opts;
  invite_opts.add_to(*invite_create_cmd);
  std::string invite_network = "default", invite_role;
  std::optional<std::string> invite_note;
  invite_create_cmd->add_option("--network", invite_network, "Network slug (default: default)");
  invite_create_cmd->add_option("--role", invite_role, "member, carer, volunteer, peer_supporter, clinician or admin")->required();
  invite_create_cmd->add_option("--note", invite_note, "A note staff see in the invitation list");
  invite_cmd->require_subcommand(1);

  auto* network_cmd = app.add_subcommand("network", "Set up the service's networks (works while the server runs; audited)");
  network_cmd->require_subcommand(1);
  CommonOptions network_opts;
  NetworkCommand network_args;
  std::string network_verb;
  for (const char* verb : {"list", "create", "update"}) {
    auto* sub = network_cmd->add_subcommand(verb, std::string(verb) == "list"     ? "Every network with its local crisis team"
                                                  : std::string(verb) == "create" ? "A new network (a service's own community)"
                                                                                  : "Change a network's name, time zone or local crisis team");
    network_opts.add_to(*sub);
    sub->callback([&network_verb, verb] { network_verb = verb; });
    if (std::string(verb) == "list") continue;
    sub->add_option("--slug", network_args.slug, "The network's address part: 2-40 of a-z, 0-9 and -; never changes")->required();
    auto* name = sub->add_option("--name", network_args.name, "Its name as people see it (up to 80 characters)");
    auto* zone = sub->add_option("--time-zone", network_args.time_zone, "IANA time zone of its office hours, e.g. Europe/London");
    if (std::string(verb) == "create") {
      name->required();
      zone->required();
    }
    sub->add_option("--team-name", network_args.team_name, "Its local crisis team's name");
    sub->add_option("--team-number", network_args.team_number, "The team's telephone number (shown on the urgent-help page once set)");
    sub->add_option("--team-available", network_args.team_available, "When the team answers, e.g. \"24 hours, every day\"");
    sub->add_option("--reason", network_args.reason, "Why, for the audit log");
  }

  auto* backup_cmd = app.add_subcommand(
      "backup", "Copy the database (also while the server runs) with the online backup API and check the copy");
  CommonOptions backup_opts;
  backup_opts.add_to(*backup_cmd);
  std::string backup_to;
  backup_cmd->add_option("--to", backup_to, "A new file, or a folder where harbour-<UTC time>.db is written")->required();
  std::optional<std::size_t> backup_keep;
  backup_cmd
      ->add_option("--keep", backup_keep,
                   "With --to FOLDER: after a good backup, keep the N newest harbour-<UTC time>.db there and delete older ones")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));

  auto* restore_cmd = app.add_subcommand(
      "restore", "Replace the database with a checked backup (the server must be stopped; the old one is kept)");
  CommonOptions restore_opts;
  restore_opts.add_to(*restore_cmd);
  std::string restore_from;
  restore_cmd->add_option("--from", restore_from, "The backup file")->required();

  auto* audit_cmd = app.add_subcommand("audit", "The tamper-evident audit log");
  auto* audit_verify_cmd = audit_cmd->add_subcommand("verify", "Check the whole hash chain; exit 1 and name the first bad row if anything changed");
  CommonOptions audit_opts;
  audit_opts.add_to(*audit_verify_cmd);
  audit_cmd->require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*config_cmd) {
      std::cout << core::config_reference_markdown();
      return 0;
    }
    if (*migrate_cmd) return migrate(migrate_opts.load());
    if (*invite_create_cmd) return invite_create(invite_opts.load(), invite_network, invite_role, invite_note);
    if (*audit_verify_cmd) return audit_verify(audit_opts.load());
    if (*network_cmd) return network_command(network_opts.load(), network_verb, network_args);
    if (*backup_cmd) return backup(backup_opts.load(), backup_to, backup_keep);
    if (*restore_cmd) return restore(restore_opts.load(), restore_from);
    return serve((*serve_cmd ? serve_opts : root_opts).load());
  } catch (const core::DataDirBusy& e) {
    std::cerr << "harbour: " << e.what() << "\n";
    return 2;
  } catch (const core::AppError& e) {
    std::cerr << "harbour: " << e.what() << "\n";
    core::log::flush();
    return 2;
  } catch (const core::ConfigError& e) {
    std::cerr << "harbour: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    core::log::error("startup_failed", {{"error", e.what()}});
    core::log::flush();
    std::cerr << "harbour: " << e.what() << "\n";
    return 1;
  }
}
