#include "services/notification_service.hpp"

#include "store/oversight_repo.hpp"

#include "store/network_repo.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "live/hub.hpp"
#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "services/roles.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/notification_repo.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <utility>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;
using nlohmann::json;

AppError user_not_found() {
  return AppError(ErrorKind::NotFound, "user_not_found", "There is no account with that number.");
}

// What the recipient may see of a post now: everything of their own; otherwise only a published
// post in a place their role reads (a category's audience; blogs are not for carers). A post hidden
// after the notification was sent must not show its text through it.
bool recipient_may_see(const store::NotificationRow& r, std::string_view state, std::int64_t author_id) {
  if (author_id == r.user_id) return true;
  if (state != "published") return false;
  const auto role = parse_role(r.recipient_role);
  if (!role) return false;
  if (is_staff(*role)) return true;
  if (r.read_mask) return (*r.read_mask & role_bit(*role)) != 0;
  return *role != Role::Carer;
}

bool is_space(char ch) { return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'; }

}  // namespace

std::string plain_excerpt(std::string_view md, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  bool pending_space = false;
  bool cut = false;
  for (std::size_t i = 0; i < md.size(); ++i) {
    const char ch = md[i];
    // Links and images keep their text: "[text](url)" and "![alt](url)" read as "text" and "alt".
    if (ch == '!' && i + 1 < md.size() && md[i + 1] == '[') continue;
    if (ch == ']' && i + 1 < md.size() && md[i + 1] == '(') {
      if (const auto close = md.find(')', i + 2); close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    if (ch == '<') {
      const auto rest = md.substr(i + 1);
      if (rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("mailto:")) continue;
    }
    if (ch == '*' || ch == '_' || ch == '#' || ch == '>' || ch == '`' || ch == '[' || ch == ']') continue;
    if (is_space(ch)) {
      pending_space = !out.empty();
      continue;
    }
    const bool lead = (static_cast<unsigned char>(ch) & 0xc0) != 0x80;
    if (lead) {
      // Only ever stop before a lead byte, so a multi-byte character is never split.
      if (chars + (pending_space ? 1 : 0) >= max_chars) {
        cut = true;
        break;
      }
      if (pending_space) {
        out.push_back(' ');
        ++chars;
        pending_space = false;
      }
      ++chars;
    }
    out.push_back(ch);
  }
  if (cut) out += "…";
  return out;
}

NotificationView notification_view(const store::NotificationRow& r) {
  NotificationView v;
  v.id = r.id;
  v.kind = r.kind;
  v.network_slug = r.network_slug;
  v.network_name = r.network_name;
  v.post_id = r.post_id;
  v.post_kind = r.post_kind;
  if (recipient_may_see(r, r.post_state, r.post_author_id)) v.excerpt = plain_excerpt(r.post_body, kNotificationExcerptChars);
  v.link_kind = r.link_kind;
  v.link_id = r.link_id;
  if (recipient_may_see(r, r.link_state, r.link_author_id)) v.link_title = r.link_title.value_or("");
  v.actor_id = r.actor_id;
  v.actor_pseudonym = r.actor_pseudonym;
  // The reason is the author's to read (these kinds only ever go to the author).
  if ((r.kind == "rejected" || r.kind == "hidden") && r.post_author_id == r.user_id) v.reason = r.post_state_reason;
  v.created_at = r.created_at;
  v.read = r.read_at.has_value();
  return v;
}

nlohmann::json notification_json(const NotificationView& n) {
  return {{"id", n.id},
          {"kind", n.kind},
          {"network", {{"slug", n.network_slug}, {"name", n.network_name}}},
          {"post", {{"id", n.post_id}, {"kind", n.post_kind}, {"excerpt", n.excerpt}}},
          {"link", {{"kind", n.link_kind}, {"id", n.link_id}, {"title", n.link_title}}},
          {"actor", n.actor_id ? json{{"id", *n.actor_id}, {"pseudonym", n.actor_pseudonym}} : json()},
          {"reason", n.reason ? json(*n.reason) : json()},
          {"created_at", n.created_at},
          {"read", n.read}};
}

void NotificationService::publish_new(const std::vector<Notice>& notices) noexcept {
  if (notices.empty()) return;
  try {
    // Nobody listening on the recipient's topic (no tab open): nothing to read or build. Their
    // page reads the list and the count when it opens; a socket that subscribes in between does
    // the same.
    std::vector<std::int64_t> heard;
    for (const auto& n : notices) {
      if (hub_.subscriber_count("user:" + std::to_string(n.user_id)) > 0) heard.push_back(n.id);
    }
    if (heard.empty()) return;
    // Read everything first, publish after: the reader is not held while subscribers are called.
    auto events = db_.read([&](store::Connection& c) {
      std::vector<std::pair<std::int64_t, std::string>> out;
      for (const auto id : heard) {
        const auto row = store::find_notification(c, id);
        if (!row) continue;  // skipped, or its recipient has left the network since
        const json event = {{"type", "notification"},
                            {"notification", notification_json(notification_view(*row))},
                            {"unread_count", store::count_unread_notifications(c, row->user_id)}};
        out.emplace_back(row->user_id, event.dump(-1, ' ', false, json::error_handler_t::replace));
      }
      return out;
    });
    for (auto& [user_id, text] : events) hub_.publish("user:" + std::to_string(user_id), live::make_payload(std::move(text)));
  } catch (const std::exception& e) {
    try {
      core::log::warn("notification_push_failed", {{"count", notices.size()}, {"error", e.what()}});
    } catch (...) {
    }
  } catch (...) {
    try {
      core::log::warn("notification_push_failed", {{"count", notices.size()}});
    } catch (...) {
    }
  }
}

NotificationPage NotificationService::list(const Principal* who, std::optional<std::int64_t> before_id) {
  const auto& p = require_signed_in(who);
  return db_.read([&](store::Connection& c) {
    NotificationPage page;
    for (const auto& row : store::list_notifications(c, p.user_id, before_id.value_or(INT64_MAX), kNotificationPageSize)) {
      page.notifications.push_back(notification_view(row));
    }
    page.unread_count = store::count_unread_notifications(c, p.user_id);
    if (page.notifications.size() == static_cast<std::size_t>(kNotificationPageSize)) {
      page.next_before = page.notifications.back().id;
    }
    return page;
  });
}

std::int64_t NotificationService::mark_read(const Principal* who, const RequestMeta& meta,
                                            const std::vector<std::int64_t>& ids) {
  const auto& p = require_signed_in(who);
  if (ids.size() > kMarkReadMaxIds) {
    throw AppError(ErrorKind::BadRequest, "invalid_field", "'ids': at most 100 notifications at a time.");
  }
  const auto now = core::format_utc_ms(meta.now);
  return db_.writer()
      .run([&](store::Connection& c) {
        store::mark_notifications_read(c, p.user_id, ids, now);
        return store::count_unread_notifications(c, p.user_id);
      })
      .get();
}

std::int64_t NotificationService::mark_all_read(const Principal* who, const RequestMeta& meta) {
  const auto& p = require_signed_in(who);
  const auto now = core::format_utc_ms(meta.now);
  return db_.writer()
      .run([&](store::Connection& c) {
        store::mark_all_notifications_read(c, p.user_id, now);
        return store::count_unread_notifications(c, p.user_id);
      })
      .get();
}

std::int64_t NotificationService::unread_count(const Principal* who) {
  const auto& p = require_signed_in(who);
  return db_.read([&](store::Connection& c) { return store::count_unread_notifications(c, p.user_id); });
}

std::vector<MutedPerson> NotificationService::mutes(const Principal* who) {
  const auto& p = require_signed_in(who);
  return db_.read([&](store::Connection& c) {
    std::vector<MutedPerson> out;
    for (auto& m : store::list_mutes(c, p.user_id)) out.push_back({m.user_id, std::move(m.pseudonym), std::move(m.since)});
    return out;
  });
}

MutedPerson NotificationService::mute(const Principal* who, const RequestMeta& meta, std::int64_t user_id) {
  const auto& p = require_signed_in(who);
  if (user_id == p.user_id) throw AppError(ErrorKind::BadRequest, "cannot_mute_self", "You cannot mute yourself.");
  const auto now = core::format_utc_ms(meta.now);
  return db_.writer()
      .run([&](store::Connection& c) {
        const auto user = store::find_user(c, user_id);
        // Someone outside every network the caller is in does not exist for them.
        if (!user || user->status == "erased" || !store::shares_network(c, p.user_id, user_id)) throw user_not_found();
        if (store::holds_staff_role(c, user_id)) {
          throw AppError(ErrorKind::Conflict, "cannot_mute_staff",
                         "Staff cannot be muted, so you always see answers from the people who look after this community.");
        }
        store::insert_mute(c, p.user_id, user_id, now);
        const auto row = store::find_mute(c, p.user_id, user_id);
        if (!row) throw AppError(ErrorKind::Internal, "internal", "The mute was not saved.");
        return MutedPerson{row->user_id, row->pseudonym, row->since};
      })
      .get();
}

void NotificationService::unmute(const Principal* who, std::int64_t user_id) {
  const auto& p = require_signed_in(who);
  db_.writer().run([&](store::Connection& c) { store::delete_mute(c, p.user_id, user_id); }).get();
}

void NotificationService::publish_queue_changed(std::int64_t network_id) noexcept {
  try {
    const auto [slug, open] = db_.read([&](store::Connection& c) {
      std::string network_slug;
      for (auto& n : store::list_networks(c)) {
        if (n.id == network_id) network_slug = std::move(n.slug);
      }
      return std::pair{network_slug, store::queue_snapshot(c, network_id).open_items};
    });
    const nlohmann::json event = {{"type", "queue_changed"}, {"network", slug}, {"open", open}};
    hub_.publish("staff:" + std::to_string(network_id), live::make_payload(event.dump()));
  } catch (const std::exception& e) {
    core::log::warn("queue_changed_not_published", {{"network_id", network_id}, {"error", e.what()}});
  }
}

}  // namespace harbour::services
