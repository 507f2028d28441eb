#pragma once
// The real application for fuzz targets, built once per process: a temporary data folder, a SQLite
// database with every migration and the demo community (networks, forums, posts, office hours),
// the real Services, all routes of server/api behind the real middleware chain, a small web
// client folder served as static files, a worker pool as in production, and signed-in sessions
// for a member, a clinician and an admin (second factor done), plus an open invitation.
//
// Inputs cannot know the random session tokens, so they name them with placeholders that expand()
// replaces: ${member} ${member.csrf} ${staff} ${staff.csrf} ${admin} ${admin.csrf} ${invitation}.
// A fuzzed request may sign a person out, suspend them or use up the invitation: heal() (called at
// the start of every input) repairs the fixture so later inputs keep reaching the signed-in code.
//
// The fixture is never destroyed (the process ends with libFuzzer's exit()); its folder is removed
// at exit.
#include "http/app.hpp"
#include "services/services.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::fuzz {

enum class Who { Member, Staff, Admin };

struct Person {
  Who who = Who::Member;
  std::string pseudonym;
  std::string role;  // "member", "clinician"; admins have "clinician" in the default network too
  std::int64_t user_id = 0;
  std::string token;
  std::string csrf;
};

class AppFixture {
 public:
  // Built on the first call; lives until the process exits.
  static AppFixture& instance();

  const http::App& app() const { return *app_; }
  services::Services& services() { return *services_; }
  store::Database& db() { return *db_; }
  const core::Config& config() const { return config_; }
  const std::filesystem::path& folder() const { return folder_; }
  std::int64_t default_network() const { return network_id_; }

  const Person& person(Who who) const;
  // The signed-in principal of `who` (as the session middleware resolves it); never null.
  std::shared_ptr<const services::Principal> principal(Who who);
  const std::string& invitation() const { return invitation_; }

  // Replaces the placeholders listed above by the live values.
  std::string expand(std::string_view input) const;
  // Makes every person signed in and active again and the invitation open (cheap when nothing
  // changed: a cached session lookup per person).
  void heal();
  // Who a session token belongs to (nullopt: no fixture person, e.g. anonymous).
  std::optional<Who> owner_of(std::string_view token) const;
  // Text the demo community holds that `viewer` (nullopt: anonymous) must never be shown: titles
  // of topics, blog posts and resources of networks other than `default` (the member and the
  // clinician hold a key to `default` only; the admin is not checked), and, except to staff, the
  // opening words of other people's held, rejected, hidden or deleted posts in `default`.
  const std::vector<std::string>& never_shown_to(std::optional<Who> viewer) const;
  // Whether `body` is exactly one of the web client's files (what a static answer may hold).
  bool is_web_file(std::string_view body) const;
  // A fresh client address for each request (10.x.y.z), so per-address rate limits do not turn
  // every later input into the same 429.
  std::string next_ip();

 private:
  AppFixture();
  void sign_in(Person& p);
  void stop();

  std::filesystem::path folder_;
  core::Config config_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<live::Hub> hub_;
  std::unique_ptr<core::RealClock> clock_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<core::WorkerPool> pool_;
  std::unique_ptr<core::WorkerPool> heavy_pool_;
  std::unique_ptr<http::App> app_;
  std::int64_t network_id_ = 0;
  Person people_[3];
  std::string invitation_;
  std::vector<std::string> web_files_;
  std::vector<std::string> foreign_;         // titles of other networks' content
  std::vector<std::string> foreign_or_held_; // ... and others' unpublished words
  std::uint32_t ip_counter_ = 0;
};

// A folder under /tmp ("harbour-fuzz-XXXXXX") removed with its contents when the process exits.
std::filesystem::path make_temp_folder();

}  // namespace harbour::fuzz
