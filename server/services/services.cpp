#include "services/services.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "services/audit_anchor.hpp"
#include "services/audit_log.hpp"
#include "services/office_hours.hpp"
#include "store/database.hpp"
#include "store/personal_content_repo.hpp"
#include "store/safety_records_repo.hpp"

#include <nlohmann/json.hpp>

namespace harbour::services {

Services::Services(store::Database& db, live::Hub& hub, const core::Clock& clock, ServicesOptions options)
    : db_(db),
      hub_(hub),
      clock_(clock),
      options_(std::move(options)),
      networks_(db, [this] { audit_written(); }),
      sessions_(db, options_.sessions),
      hasher_(options_.argon2, options_.max_concurrent_hashes, std::chrono::seconds(5)),
      accounts_(db, sessions_, hasher_, [this] { audit_written(); }),
      invitations_(db, options_.public_url, options_.invitation_expiry, [this] { audit_written(); }),
      second_factor_(db, [this] { audit_written(); }),
      admin_(db, sessions_, options_.audit_anchor, [this] { audit_written(); }),
      data_rights_(db, sessions_, hasher_, [this] { audit_written(); }),
      notifications_(db, hub),
      cases_(db, hub, clock, [this] { audit_written(); }),
      forums_(db, notifications_, cases_, [this] { audit_written(); }),
      blogs_(db, notifications_, cases_, [this] { audit_written(); }),
      posts_(db, notifications_, cases_, [this] { audit_written(); }),
      moderation_(db, notifications_, cases_, hub, [this] { audit_written(); }),
      resources_(db, [this] { audit_written(); }),
      search_(db),
      drafts_(db),
      oversight_(db),
      wall_(db, notifications_, cases_, hub,
            {static_cast<double>(options_.wall.member_messages_per_minute),
             static_cast<double>(options_.wall.staff_messages_per_minute)}),
      wall_feed_(db, hub, clock) {
  load_time_zones();  // before any thread of ours can read office hours (office_hours.hpp)
  // The Wall's live feed follows every commit (wall_feed.hpp).
  wall_feed_.start();
  db_.writer().set_commit_observer([this] { wall_feed_.poke(); });
  // The content features' part of a person's export and erasure (data_rights_service.hpp).
  data_rights_.add_export_section("posts", store::export_posts);
  data_rights_.add_export_section("community", store::export_personal_content);
  data_rights_.add_erase_step("community", [this](store::Connection& c, std::int64_t user_id, ContentChoice choice) {
    nlohmann::json summary = store::erase_personal_content(c, user_id);
    // "anonymise" keeps what they wrote under the former-member name the account now has.
    summary["posts_removed"] =
        choice == ContentChoice::Remove ? store::remove_posts_of(c, user_id, core::format_utc_ms(clock_.system_now())) : 0;
    return summary;
  });
  data_rights_.add_export_section("safety", store::export_safety_records);
  data_rights_.add_erase_step("safety", [this](store::Connection& c, std::int64_t user_id, ContentChoice) {
    return store::erase_safety_records(c, user_id, core::format_utc_ms(clock_.system_now()));
  });
}

Services::~Services() { stop(); }

void Services::stop() {
  // The writer outlives this object: it must stop calling into the feed first.
  db_.writer().set_commit_observer(nullptr);
  wall_feed_.stop();
}

std::uint64_t Services::data_generation() { return db_.writer().generation(); }

bool Services::ready() {
  try {
    return db_.ping();
  } catch (const std::exception&) {
    return false;
  }
}

void Services::audit_written() {
  if (options_.audit_anchor.empty()) return;
  try {
    std::lock_guard lock(anchor_mutex_);
    const auto head = db_.read([](store::Connection& c) { return current_audit_head(c); });
    if (head.last_id <= anchored_id_) return;  // another request already moved it further
    write_audit_anchor(options_.audit_anchor, head);
    anchored_id_ = head.last_id;
  } catch (const std::exception& e) {
    // The action itself is committed; a stale anchor only weakens truncation detection.
    core::log::error("audit_anchor_failed", {{"error", e.what()}});
  }
}

}  // namespace harbour::services
