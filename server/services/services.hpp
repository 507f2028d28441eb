#pragma once
// Everything a handler may call, built once at start-up and shared by all requests. Services hold
// the rules; they know nothing of HTTP.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/generation_cache.hpp"
#include "live/hub.hpp"
#include "services/account_service.hpp"
#include "services/admin_service.hpp"
#include "services/blog_service.hpp"
#include "services/case_service.hpp"
#include "services/data_rights_service.hpp"
#include "services/draft_service.hpp"
#include "services/forum_service.hpp"
#include "services/invitation_service.hpp"
#include "services/moderation_service.hpp"
#include "services/network_service.hpp"
#include "services/notification_service.hpp"
#include "services/oversight_service.hpp"
#include "services/password_hasher.hpp"
#include "services/post_service.hpp"
#include "services/resource_service.hpp"
#include "services/search_service.hpp"
#include "services/second_factor_service.hpp"
#include "services/session_service.hpp"
#include "services/wall_feed.hpp"
#include "services/wall_service.hpp"

#include <filesystem>
#include <mutex>

namespace harbour::store {
class Database;
}

namespace harbour::services {

struct ServicesOptions {
  std::string public_url;                 // for invitation links
  std::filesystem::path audit_anchor;     // empty: no anchor file (tests)
  core::SessionLimits sessions;
  std::chrono::milliseconds invitation_expiry{7ll * 86'400'000};
  std::string trusted_proxy;
  Argon2Params argon2;
  unsigned max_concurrent_hashes = 2;
  core::WallLimits wall;
};

class Services {
 public:
  Services(store::Database& db, live::Hub& hub, const core::Clock& clock, ServicesOptions options = {});
  ~Services();
  // Stops the background work (the Wall feed's thread) that reads the database; the server calls
  // it before closing the database, so a last tick never meets a closed one. Safe to call twice.
  void stop();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  store::Database& db() { return db_; }
  live::Hub& hub() { return hub_; }
  const core::Clock& clock() const { return clock_; }
  NetworkService& networks() { return networks_; }
  SessionService& sessions() { return sessions_; }
  PasswordHasher& hasher() { return hasher_; }
  AccountService& accounts() { return accounts_; }
  InvitationService& invitations() { return invitations_; }
  SecondFactorService& second_factor() { return second_factor_; }
  AdminService& admin() { return admin_; }
  DataRightsService& data_rights() { return data_rights_; }
  NotificationService& notifications() { return notifications_; }
  ForumService& forums() { return forums_; }
  BlogService& blogs() { return blogs_; }
  PostService& posts() { return posts_; }
  ModerationService& moderation() { return moderation_; }
  ResourceService& resources() { return resources_; }
  SearchService& search() { return search_; }
  DraftService& drafts() { return drafts_; }
  OversightService& oversight() { return oversight_; }
  CaseService& cases() { return cases_; }
  WallService& wall() { return wall_; }
  WallFeed& wall_feed() { return wall_feed_; }
  const std::string& trusted_proxy() const { return options_.trusted_proxy; }

  // Serialised GET answers, each for one session, kept until the next commit or for five seconds
  // (core/generation_cache.hpp); the hottest reads (the topic list) use it.
  using AnswerCache = core::GenerationCache<std::shared_ptr<const std::string>>;
  AnswerCache& answers() { return answers_; }
  // The writer's commit count (store::Writer::generation): read it before the data it keys.
  std::uint64_t data_generation();

  // Readiness: the database answers a read and the writer is running.
  bool ready();

  // After a transaction that appended audit rows: moves the anchor file (outside the database)
  // to the new head, so a cut-off tail is detectable by `harbour audit verify`.
  void audit_written();

 private:
  store::Database& db_;
  live::Hub& hub_;
  const core::Clock& clock_;
  ServicesOptions options_;
  NetworkService networks_;
  SessionService sessions_;
  PasswordHasher hasher_;
  AccountService accounts_;
  InvitationService invitations_;
  SecondFactorService second_factor_;
  AdminService admin_;
  DataRightsService data_rights_;
  NotificationService notifications_;
  CaseService cases_;
  ForumService forums_;
  BlogService blogs_;
  PostService posts_;
  ModerationService moderation_;
  ResourceService resources_;
  SearchService search_;
  DraftService drafts_;
  OversightService oversight_;
  WallService wall_;
  WallFeed wall_feed_;
  AnswerCache answers_{1024, std::chrono::seconds(5)};  // a topic page is about 22 KB: at most ~22 MB
  std::mutex anchor_mutex_;
  std::int64_t anchored_id_ = -1;
};

}  // namespace harbour::services
