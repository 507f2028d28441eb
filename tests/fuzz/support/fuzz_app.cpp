#include "support/fuzz_app.hpp"

#include "api/routes.hpp"
#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "services/demo_community.hpp"
#include "services/demo_office_hours.hpp"
#include "services/demo_seed.hpp"
#include "services/pseudonym_policy.hpp"
#include "store/account_repo.hpp"
#include "store/connection.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/session_repo.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace harbour::fuzz {
namespace {

std::mutex g_folders_mutex;
std::vector<std::filesystem::path>* g_folders = nullptr;  // leaked on purpose: used at exit

void remove_folders() {
  std::lock_guard lock(g_folders_mutex);
  if (!g_folders) return;
  for (const auto& f : *g_folders) {
    std::error_code ec;
    std::filesystem::remove_all(f, ec);
  }
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::filesystem::path make_temp_folder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "harbour-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
  std::lock_guard lock(g_folders_mutex);
  if (!g_folders) {
    g_folders = new std::vector<std::filesystem::path>();
    std::atexit(remove_folders);
  }
  g_folders->emplace_back(pattern);
  return pattern;
}

AppFixture& AppFixture::instance() {
  // Never destroyed; at exit (libFuzzer ends with exit() between inputs) the pools and the writer
  // stop before static objects they use are destroyed and before the folder is removed.
  static AppFixture* fixture = [] {
    auto* f = new AppFixture();
    std::atexit([] { instance().stop(); });
    return f;
  }();
  return *fixture;
}

void AppFixture::stop() {
  pool_->stop();
  heavy_pool_->stop();
  db_->close();
}

AppFixture::AppFixture() {
  // Errors only: the access log would print a line per input. Unexpected errors (storage_error,
  // unhandled_error) still show, next to the failure they explain.
  core::log::set_level(core::log::Level::Error);
  folder_ = make_temp_folder();
  std::filesystem::create_directories(folder_ / "data");
  config_.data_dir = folder_ / "data";

  db_ = std::make_unique<store::Database>(store::Database::Options{.path = config_.data_dir / "harbour.db", .max_readers = 4});
  hub_ = std::make_unique<live::Hub>();
  clock_ = std::make_unique<core::RealClock>();
  services::ServicesOptions options;
  options.public_url = "https://harbour.test";
  options.sessions = config_.sessions;
  options.wall = config_.wall;
  // Small argon2 parameters: fuzz inputs sign in and register thousands of times; the hashing
  // itself is not what is being fuzzed (tests/unit/password_test.cpp runs the real parameters).
  options.argon2 = {.m_kib = 64, .t = 1, .p = 1};
  services_ = std::make_unique<services::Services>(*db_, *hub_, *clock_, options);
  services::seed_demo_content(*db_);
  services::seed_demo_accounts(*db_, services_->hasher());
  services::seed_demo_office_hours(*db_, std::chrono::system_clock::now());
  services::seed_demo_community(*db_);

  // A web client folder like web/dist, beside (never inside) the data folder.
  const auto web = folder_ / "web";
  std::filesystem::create_directories(web / "assets");
  const std::pair<const char*, std::string> files[] = {
      {"index.html", "<!doctype html><html lang=\"en\"><head><title>Harbour</title><script type=\"module\" src=\"/app.js\"></script></head><body></body></html>\n"},
      {"app.js", "import './assets/part.js';\nconsole.log('harbour');\n"},
      {"assets/part.js", "export const part = 1;\n"},
      {"assets/site.css", "body { font-family: sans-serif; }\n"},
      {"assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"},
      {"robots.txt", "User-agent: *\nDisallow: /\n"}};
  for (const auto& [name, content] : files) {
    std::ofstream(web / name, std::ios::binary) << content;
    web_files_.push_back(content);
  }
  auto static_files = std::make_shared<http::StaticFiles>(web);

  pool_ = std::make_unique<core::WorkerPool>(2, 64);
  heavy_pool_ = std::make_unique<core::WorkerPool>(1, 16);
  app_ = std::make_unique<http::App>(api::build_router(), api::build_middleware(true), std::move(static_files),
                                     http::Context{services_.get(), nullptr, {}}, pool_.get(),
                                     http::AppOptions{.default_body_limit = config_.limits.body_bytes,
                                                      .heavy_pool = heavy_pool_.get()});

  network_id_ = db_->read([](store::Connection& c) { return store::find_network_by_slug(c, "default")->id; });
  people_[0] = {Who::Member, "Demo Member", "member", 0, {}, {}};
  people_[1] = {Who::Staff, "Demo Clinician", "clinician", 0, {}, {}};
  people_[2] = {Who::Admin, "Demo Administrator", "clinician", 0, {}, {}};  // admin, and a clinician's key
  for (auto& p : people_) {
    p.user_id = db_->read([&](store::Connection& c) { return store::find_user_by_key(c, services::pseudonym_key(p.pseudonym))->id; });
    sign_in(p);
  }
  db_->read([&](store::Connection& c) {
    auto& titles = c.prepare(
        "SELECT title FROM posts WHERE network_id != ?1 AND title IS NOT NULL AND length(title) >= 16"
        " AND title NOT IN (SELECT title FROM posts WHERE network_id = ?1 AND title IS NOT NULL)"
        " AND title NOT IN (SELECT title FROM resources WHERE network_id = ?1)"
        " UNION SELECT title FROM resources WHERE network_id != ?1 AND length(title) >= 16"
        " AND title NOT IN (SELECT title FROM resources WHERE network_id = ?1)"
        " AND title NOT IN (SELECT title FROM posts WHERE network_id = ?1 AND title IS NOT NULL)");
    titles.bind(1, network_id_);
    while (titles.step()) foreign_.push_back(titles.column_text(0));
    titles.reset();
    auto& held = c.prepare(
        "SELECT substr(body, 1, 40) FROM posts WHERE network_id = ?1 AND state != 'published' AND length(body) >= 40"
        " AND author_id != ?2");
    held.bind(1, network_id_).bind(2, people_[0].user_id);
    while (held.step()) {
      auto words = held.column_text(0);
      // Only words that reach a client unchanged in JSON and in rendered Markdown.
      const bool plain = std::isalnum(static_cast<unsigned char>(words.front())) &&
                         words.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.?!'") == std::string::npos;
      if (plain) foreign_or_held_.push_back(std::move(words));
    }
    held.reset();
  });
  foreign_or_held_.insert(foreign_or_held_.end(), foreign_.begin(), foreign_.end());
  if (std::getenv("HARBOUR_FUZZ_TRACE")) {
    std::fprintf(stderr, "[fixture] %zu titles of other networks, %zu unpublished openings\n", foreign_.size(),
                 foreign_or_held_.size() - foreign_.size());
  }
  heal();
}

const Person& AppFixture::person(Who who) const { return people_[static_cast<int>(who)]; }

void AppFixture::sign_in(Person& p) {
  const bool staff = p.who != Who::Member;
  const auto now = clock_->system_now();
  auto s = db_->writer()
               .run([&](store::Connection& c) {
                 // Undo whatever a fuzzed request did to this person: suspended, erased, demoted.
                 store::set_user_status(c, p.user_id, "active");
                 if (p.who == Who::Admin) store::set_admin(c, p.user_id, true);
                 store::upsert_membership(c, p.user_id, network_id_, p.role);
                 auto session = services_->sessions().create(c, p.user_id, staff, now);
                 if (staff) store::set_session_second_factor(c, session.session_id, core::format_utc_ms(now));
                 return session;
               })
               .get();
  p.token = s.token;
  p.csrf = s.csrf_token;
}

std::shared_ptr<const services::Principal> AppFixture::principal(Who who) {
  auto& p = people_[static_cast<int>(who)];
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto principal = services_->sessions().resolve(p.token, clock_->system_now());
    const bool staff = who != Who::Member;
    if (principal && !principal->suspended && (!staff || principal->second_factor_done) &&
        (who != Who::Admin || principal->is_admin) && principal->membership(network_id_) &&
        principal->membership(network_id_)->active) {
      return principal;
    }
    sign_in(p);
  }
  throw std::runtime_error("fuzz fixture: cannot sign " + p.pseudonym + " in again");
}

void AppFixture::heal() {
  for (const auto who : {Who::Member, Who::Staff, Who::Admin}) principal(who);
  bool open = false;
  if (!invitation_.empty()) {
    try {
      services_->accounts().preview_invitation(invitation_, clock_->system_now());
      open = true;
    } catch (const core::AppError&) {
    }
  }
  if (!open) invitation_ = services_->invitations().issue_as_system("default", "member", std::nullopt, "fuzz fixture").token;
}

std::string AppFixture::expand(std::string_view input) const {
  std::string out(input);
  if (out.find("${") == std::string::npos) return out;
  // Longest names first: ${member.csrf} before ${member}.
  replace_all(out, "${member.csrf}", people_[0].csrf);
  replace_all(out, "${staff.csrf}", people_[1].csrf);
  replace_all(out, "${admin.csrf}", people_[2].csrf);
  replace_all(out, "${member}", people_[0].token);
  replace_all(out, "${staff}", people_[1].token);
  replace_all(out, "${admin}", people_[2].token);
  replace_all(out, "${invitation}", invitation_);
  return out;
}

std::optional<Who> AppFixture::owner_of(std::string_view token) const {
  for (const auto& p : people_) {
    if (!token.empty() && token == p.token) return p.who;
  }
  return std::nullopt;
}

const std::vector<std::string>& AppFixture::never_shown_to(std::optional<Who> viewer) const {
  static const std::vector<std::string> none;
  if (viewer == Who::Admin) return none;
  if (viewer == Who::Staff) return foreign_;
  return foreign_or_held_;
}

bool AppFixture::is_web_file(std::string_view body) const {
  for (const auto& f : web_files_) {
    if (f == body) return true;
  }
  return false;
}

std::string AppFixture::next_ip() {
  const auto n = ++ip_counter_;
  return "10." + std::to_string((n >> 16) & 0xff) + "." + std::to_string((n >> 8) & 0xff) + "." + std::to_string(n & 0xff);
}

}  // namespace harbour::fuzz
