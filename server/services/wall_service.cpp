#include "services/wall_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/content_rules.hpp"
#include "services/office_hours.hpp"
#include "services/post_json.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/wall_events_repo.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;
using nlohmann::json;

struct Office {
  bool open = true;
  std::string summary;
  std::optional<std::chrono::system_clock::time_point> next_change;
};

// A network without office hours has no "closed": it is open (a new network, or tests).
Office office_of(store::Connection& c, std::int64_t network_id, std::chrono::system_clock::time_point now) {
  const auto status = office_status(c, network_id, now);
  return {status.open || !status.next_change, status.summary, status.next_change};
}

std::string read_only_reason(const Office& office) {
  return "The Wall is open for posting when the moderating team is here. " + office.summary +
         ". You can still read it. If you need help now, use \"Need urgent help?\": call 999 in an emergency, "
         "NHS 111 (option 2 for mental health), Samaritans on 116 123, or text SHOUT to 85258.";
}

bool may_see(const store::WallEventRow& e, const Principal& who, bool staff) {
  return e.audience == "all" || staff || e.author_id == who.user_id;
}

}  // namespace

std::string wall_topic(std::int64_t network_id) { return "wall:" + std::to_string(network_id); }
std::string wall_staff_topic(std::int64_t network_id) { return "wall-staff:" + std::to_string(network_id); }
std::string wall_author_topic(std::int64_t network_id, std::int64_t user_id) {
  return "wall-user:" + std::to_string(network_id) + ":" + std::to_string(user_id);
}

std::optional<json> wall_event_json(store::Connection& c, const store::WallEventRow& e, const std::string& network_slug) {
  const auto post = store::find_post(c, e.post_id);
  if (!post) return std::nullopt;
  json out = {{"event_id", e.id}, {"network", network_slug}};
  if (e.kind == "removed") {
    out["type"] = "wall_removed";
    out["message_id"] = post->id;
    out["parent_id"] = post->parent_id ? json(*post->parent_id) : json();
    return out;
  }
  // Rendered as the post is now. A message the audience may no longer see is not sent: the
  // event that took it away follows (and for a held post, its text never reaches everyone).
  const bool visible = post->state == "published" || (e.audience == "held" && post->state == "held");
  if (!visible) return std::nullopt;
  auto view = build_post_view(c, nullptr, *post);
  if (e.kind == "reactions") {
    out["type"] = "wall_reactions";
    out["message_id"] = post->id;
    out["reactions"] = view.reactions;
    return out;
  }
  out["type"] = "wall_message";
  out["message"] = post_json(view);
  return out;
}

json wall_presence_json(store::Connection& c, const live::Hub& hub, std::int64_t network_id, const std::string& network_slug,
                        std::chrono::system_clock::time_point now) {
  const auto everyone = hub.owners_of(wall_topic(network_id));
  const auto staff = hub.owners_of(wall_staff_topic(network_id));
  std::int64_t peers = 0;
  for (const auto id : everyone) {
    if (!std::binary_search(staff.begin(), staff.end(), id)) ++peers;
  }
  // The roles on shift, most clinical first; never who (members see a team, not a rota).
  std::vector<std::string> roles;
  for (const auto id : on_shift_user_ids(c, network_id, now)) {
    if (const auto role = store::active_role_in(c, id, network_id)) {
      if (auto badge = role_badge(*role); !badge.empty()) roles.push_back(std::move(badge));
    }
  }
  const std::vector<std::string> order = {"Clinician", "Peer supporter", "Volunteer"};
  json on_shift = json::array();
  for (const auto& r : order) {
    if (std::find(roles.begin(), roles.end(), r) != roles.end()) on_shift.push_back(r);
  }
  return {{"type", "wall_presence"}, {"network", network_slug}, {"peers", peers},
          {"staff", static_cast<std::int64_t>(staff.size())}, {"on_shift", on_shift}};
}

WallService::WallService(store::Database& db, NotificationService& notifications, CaseService& cases, live::Hub& hub,
                         WallLimitsPerMinute limits)
    : db_(db),
      notifications_(notifications),
      cases_(cases),
      hub_(hub),
      member_limit_(limits.member, std::max(1.0, limits.member / 3)),
      staff_limit_(limits.staff, std::max(1.0, limits.staff / 3)) {}

WallAccess WallService::access(const Principal* who, std::string_view network_slug) {
  return db_.read([&](store::Connection& c) {
    const auto network = require_network(c, network_slug);
    require_community_reader(who, network.id);
    return WallAccess{network.id, network.slug, is_network_staff(who, network.id)};
  });
}

WallPage WallService::page(const Principal* who, std::string_view network_slug, std::optional<std::int64_t> before_id,
                           std::chrono::system_clock::time_point now) {
  const auto where = access(who, network_slug);
  return db_.read([&](store::Connection& c) {
    WallPage p;
    // First: every event after this one is delivered on top of the page, so nothing written
    // while the page is read can fall between the two.
    p.last_event_id = store::last_wall_event_id(c);
    p.network_slug = where.network_slug;
    const auto office = office_of(c, where.network_id, now);
    p.office_open = office.open;
    p.office_summary = office.summary;
    p.next_change = office.next_change;
    p.can_post = where.staff || office.open;
    if (!p.can_post) p.read_only_reason = read_only_reason(office);
    auto rows = store::list_wall_messages(c, where.network_id, who->user_id, where.staff, before_id, kWallPageSize);
    if (static_cast<int>(rows.size()) == kWallPageSize) p.next_before = rows.back().id;
    for (auto& view : build_post_views(c, who, std::move(rows))) {
      auto replies = store::list_wall_replies(c, view.row.id, who->user_id, where.staff, kWallRepliesShown);
      p.messages.push_back({std::move(view), build_post_views(c, who, std::move(replies))});
    }
    p.presence = wall_presence_json(c, hub_, where.network_id, where.network_slug, now);
    return p;
  });
}

json WallService::events_after(const Principal* who, std::string_view network_slug, std::int64_t after_id) {
  const auto where = access(who, network_slug);
  return db_.read([&](store::Connection& c) {
    json out = {{"type", "wall_resume"}, {"network", where.network_slug}, {"events", json::array()}, {"reset", false}};
    // An id from the future (another server's, a restored backup's) cannot be resumed from.
    if (after_id > store::last_wall_event_id(c)) {
      out["reset"] = true;
      out["last_event_id"] = store::last_wall_event_id(c);
      return out;
    }
    const auto rows = store::wall_events_after(c, where.network_id, after_id, kWallResumeMax + 1);
    if (static_cast<int>(rows.size()) > kWallResumeMax) {
      out["reset"] = true;
      out["last_event_id"] = rows.back().id;
      return out;
    }
    for (const auto& e : rows) {
      if (!may_see(e, *who, where.staff)) continue;
      if (auto event = wall_event_json(c, e, where.network_slug)) out["events"].push_back(std::move(*event));
    }
    // The newest event read, seen or not: the caller resumes after it next time.
    out["last_event_id"] = rows.empty() ? after_id : rows.back().id;
    return out;
  });
}

CreatedPost WallService::post(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                              const PostInput& input, std::optional<std::int64_t> reply_to) {
  const auto where = access(who, network_slug);
  store::NewPost post;
  post.kind = reply_to ? "wall_reply" : "wall_message";
  post.body = checked_text(input.body, TextKind::WallMessage, "body");
  post.content_notes = checked_content_notes(input.content_notes);
  post.author_id = who->user_id;
  post.parent_id = reply_to;
  post.network_id = where.network_id;
  post.author_role = author_role_in(*who, where.network_id);
  // Whether this message may be written now: read first (a refused message must not use up the
  // sender's rate limit), and again inside the write, where it counts.
  const auto check = [&](store::Connection& c) {
    if (!where.staff) {
      const auto office = office_of(c, where.network_id, meta.now);
      if (!office.open) throw AppError(ErrorKind::Forbidden, "wall_closed", read_only_reason(office));
    }
    if (reply_to) {
      const auto parent = store::find_post(c, *reply_to);
      if (!parent || parent->kind != "wall_message" || parent->network_id != where.network_id || !post_visible(who, *parent)) {
        throw_post_not_found();
      }
      if (parent->state != "published") {
        throw AppError(ErrorKind::Conflict, "message_not_published", "Replies open once this message is on the Wall.");
      }
    }
  };
  db_.read([&](store::Connection& c) { check(c); });
  // A quick feed invites quick bursts; a limit per person keeps it a conversation.
  auto& limiter = where.staff ? staff_limit_ : member_limit_;
  if (const auto wait = limiter.take("wall:" + std::to_string(who->user_id), std::chrono::steady_clock::now());
      wait.count() > 0) {
    throw AppError(ErrorKind::RateLimited, "rate_limited",
                   "You are sending messages quickly. Please wait " + std::to_string(wait.count()) +
                       " seconds and send it again; your text is still here.")
        .retry_after(wait);
  }
  return commit_post_write(db_, {notifications_, cases_}, who, [&](store::Connection& c) {
    check(c);
    return write_new_post(c, post, where.staff, std::nullopt, meta.now);
  });
}

}  // namespace harbour::services
