// What staff do about one member (private messages, silences, private notes), a member's own
// messages from staff, and members' reports of posts: ModerationService, the part that is about
// people rather than queue items.
#include "services/moderation_service.hpp"

#include "services/notification_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "live/hub.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/content_rules.hpp"
#include "services/staff_action.hpp"
#include "store/account_repo.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/post_repo.hpp"
#include "store/report_repo.hpp"
#include "store/silence_repo.hpp"
#include "store/staff_notes_repo.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr std::array<std::string_view, 5> kReportReasons{"unkind", "identifying", "unsafe", "spam", "other"};

AppError member_not_found() {
  return AppError(ErrorKind::NotFound, "member_not_found", "There is no member with that number in this community.");
}

// Text of 1..max characters, checked like any post text (UTF-8, no control characters).
std::string checked_member_text(std::string_view raw, std::size_t max_chars, std::string_view field) {
  auto text = checked_text(raw, TextKind::Comment, field);
  if (code_point_count(text) > max_chars) {
    throw AppError(ErrorKind::BadRequest, "text_too_long",
                   "'" + std::string(field) + "' is at most " + std::to_string(max_chars) + " characters.");
  }
  return text;
}

StaffMessage message_of(store::StaffMessageRow r, bool staff_view) {
  StaffMessage m;
  m.id = r.id;
  m.network = std::move(r.network_slug);
  m.network_name = std::move(r.network_name);
  m.from = message_sender_label(r.author_role);
  m.body = std::move(r.body);
  m.post_id = r.post_id;
  m.created_at = std::move(r.created_at);
  m.read = r.read_at.has_value();
  if (staff_view) m.author = ModerationClaim{r.author_id, std::move(r.author_pseudonym)};
  return m;
}

struct Target {
  std::int64_t network_id = 0;
  store::UserRow user;
  std::string role;
};

// Staff of the network; the member must hold a key to it (suspended keys too: staff still need
// to reach them). Anyone else, or an id that does not exist, is 404 member_not_found alike.
Target require_member_of(store::Database& db, const Principal* who, std::int64_t user_id, std::string_view slug) {
  require_signed_in(who);
  return db.read([&](store::Connection& c) {
    const auto network = require_network(c, slug);
    require_capability(who, Capability::Moderate, network.id);
    const auto user = store::find_user(c, user_id);
    if (!user || user->status == "erased") throw member_not_found();
    for (auto& m : store::memberships_of(c, user_id)) {
      if (m.network_id == network.id) return Target{network.id, *user, m.role};
    }
    throw member_not_found();
  });
}

}  // namespace

std::string message_sender_label(std::string_view author_role) {
  if (author_role == "clinician") return "Clinician";
  if (author_role == "peer_supporter") return "Peer supporter";
  if (author_role == "volunteer") return "Volunteer";
  return "Harbour team";
}

nlohmann::json staff_message_json(const StaffMessage& m) {
  nlohmann::json j = {{"id", m.id},
                      {"network", {{"slug", m.network}, {"name", m.network_name}}},
                      {"from", m.from},
                      {"body", m.body},
                      {"post_id", m.post_id ? nlohmann::json(*m.post_id) : nlohmann::json()},
                      {"created_at", m.created_at},
                      {"read", m.read}};
  if (m.author) j["author"] = {{"id", m.author->id}, {"pseudonym", m.author->pseudonym}};
  return j;
}

void ModerationService::report(const Principal* who, const RequestMeta& meta, std::int64_t post_id,
                               std::string_view reason, std::optional<std::string> raw_note) {
  require_signed_in(who);
  if (std::find(kReportReasons.begin(), kReportReasons.end(), reason) == kReportReasons.end()) {
    throw AppError(ErrorKind::BadRequest, "invalid_report_reason",
                   "Choose why you are reporting it: unkind, identifying, unsafe, spam or other.");
  }
  std::string note;
  if (raw_note && raw_note->find_first_not_of(" \t\r\n") != std::string::npos) {
    note = checked_member_text(*raw_note, kReportNoteMaxChars, "note");
  }
  const auto now = core::format_utc_ms(meta.now);
  const auto network_id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto post = require_visible_post(c, who, post_id);
    if (post.author_id == who->user_id) {
      throw AppError(ErrorKind::Conflict, "own_post", "You cannot report your own post. You can change or delete it.");
    }
    if (post.state != "published") {
      throw AppError(ErrorKind::Conflict, "post_not_published", "Only a published post can be reported.");
    }
    const auto report_id = store::insert_report(c, {post.network_id, post.id, who->user_id, std::string(reason), note}, now);
    if (!report_id) {
      throw AppError(ErrorKind::Conflict, "already_reported",
                     "You have reported this post already. A moderator will look at it.");
    }
    std::int64_t item_id = 0;
    if (const auto open = store::find_open_item_for_post(c, post.id)) {
      item_id = open->id;
      store::add_item_reason(c, item_id, "report", store::kPriorityReport);
    } else {
      item_id = store::insert_moderation_item(c, post.network_id, post.id, "report", std::nullopt, now,
                                              store::kPriorityReport);
    }
    // The reporter is the actor here (the log is for admins); the reported member is never told.
    auto e = staff_audit_entry(*who, "report.create", meta, post.network_id, "post", std::to_string(post.id));
    e.details = {{"report_id", *report_id}, {"reason", reason}, {"item_id", item_id}};
    append_audit(c, e, meta.now);
    return post.network_id;
  });
  notifications_.publish_queue_changed(network_id);
}

StaffMessage ModerationService::send_message(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                             std::string_view network_slug, std::string_view raw_body,
                                             std::optional<std::int64_t> post_id) {
  const auto target = require_member_of(db_, who, user_id, network_slug);
  const auto body = checked_member_text(raw_body, kMemberTextMaxChars, "body");
  const auto now = core::format_utc_ms(meta.now);
  const auto id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    if (post_id) {
      const auto post = store::find_post(c, *post_id);
      if (!post || post->network_id != target.network_id) throw post_not_found_error();
    }
    const auto* key = who->membership(target.network_id);
    store::NewStaffMessage m{target.network_id, user_id, who->user_id,
                             key ? std::string(role_name(key->role)) : std::string("admin"), body, post_id};
    const auto message_id = store::insert_staff_message(c, m, now);
    auto e = staff_audit_entry(*who, "member.message", meta, target.network_id, "user", std::to_string(user_id));
    e.details = {{"message_id", message_id}};
    if (post_id) e.details["post_id"] = *post_id;
    append_audit(c, e, meta.now);
    return message_id;
  });
  auto row = db_.read([&](store::Connection& c) { return store::find_staff_message(c, id); });
  if (!row) throw std::runtime_error("a message vanished after its commit");
  if (hub_) {
    // What the member's own list shows, never the author's name.
    const nlohmann::json event = {{"type", "staff_message"}, {"message", staff_message_json(message_of(*row, false))}};
    hub_->publish("user:" + std::to_string(user_id), live::make_payload(event.dump()));
  }
  return message_of(std::move(*row), true);
}

std::string ModerationService::silence(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                       std::string_view network_slug, std::int64_t hours, std::string_view raw_reason) {
  const auto target = require_member_of(db_, who, user_id, network_slug);
  if (hours < 1 || hours > kSilenceMaxHours) {
    throw AppError(ErrorKind::BadRequest, "invalid_hours", "A silence lasts 1 to 720 hours.");
  }
  const auto reason = checked_staff_reason(raw_reason);
  const auto role = parse_role(target.role);
  if (target.user.is_admin || (role && is_staff(*role))) {
    throw AppError(ErrorKind::Conflict, "cannot_silence_staff", "Staff cannot be silenced. An admin can change their role.");
  }
  const auto now = core::format_utc_ms(meta.now);
  const auto until = core::format_utc_ms(meta.now + std::chrono::hours(hours));
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    store::upsert_silence(c, target.network_id, user_id, until, reason, who->user_id, now);
    auto e = staff_audit_entry(*who, "member.silence", meta, target.network_id, "user", std::to_string(user_id));
    e.reason = reason;
    e.details = {{"hours", hours}, {"until", until}};
    append_audit(c, e, meta.now);
  });
  return until;
}

void ModerationService::unsilence(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                  std::string_view network_slug, std::string_view raw_reason) {
  const auto target = require_member_of(db_, who, user_id, network_slug);
  const auto reason = checked_staff_reason(raw_reason);
  const auto now = core::format_utc_ms(meta.now);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    if (!store::delete_silence(c, target.network_id, user_id, now)) {
      throw AppError(ErrorKind::NotFound, "not_silenced", "This member is not silenced here.");
    }
    auto e = staff_audit_entry(*who, "member.unsilence", meta, target.network_id, "user", std::to_string(user_id));
    e.reason = reason;
    append_audit(c, e, meta.now);
  });
}

MemberNote ModerationService::add_note(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                       std::string_view network_slug, std::string_view raw_body) {
  const auto target = require_member_of(db_, who, user_id, network_slug);
  const auto body = checked_member_text(raw_body, kMemberTextMaxChars, "body");
  const auto now = core::format_utc_ms(meta.now);
  const auto id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto note_id = store::insert_member_note(c, target.network_id, user_id, who->user_id, body, now);
    // The note itself stays out of the log: it is kept, and read, where it is.
    auto e = staff_audit_entry(*who, "member.note", meta, target.network_id, "user", std::to_string(user_id));
    e.details = {{"note_id", note_id}};
    append_audit(c, e, meta.now);
    return note_id;
  });
  return {id, body, {who->user_id, who->pseudonym}, now};
}

MemberRecord ModerationService::member_record(const Principal* who, const RequestMeta& meta, std::int64_t user_id,
                                              std::string_view network_slug) {
  const auto target = require_member_of(db_, who, user_id, network_slug);
  const auto now = core::format_utc_ms(meta.now);
  return db_.read([&](store::Connection& c) {
    MemberRecord r;
    r.id = user_id;
    r.pseudonym = target.user.pseudonym;
    r.silenced_until = store::active_silence_until(c, target.network_id, user_id, now);
    for (auto& n : store::list_member_notes(c, target.network_id, user_id, kMemberRecordLimit)) {
      r.notes.push_back({n.id, std::move(n.body), {n.author_id, std::move(n.author_pseudonym)}, std::move(n.created_at)});
    }
    for (auto& m : store::list_staff_messages_in(c, target.network_id, user_id, kMemberRecordLimit)) {
      r.messages.push_back(message_of(std::move(m), true));
    }
    return r;
  });
}

StaffMessagePage ModerationService::my_messages(const Principal* who, std::optional<std::int64_t> before_id) {
  const auto& me = require_signed_in(who);
  return db_.read([&](store::Connection& c) {
    StaffMessagePage page;
    auto rows = store::list_staff_messages(c, me.user_id, before_id, kMessagePageSize);
    if (static_cast<int>(rows.size()) == kMessagePageSize) page.next_before = rows.back().id;
    for (auto& r : rows) page.messages.push_back(message_of(std::move(r), false));
    page.unread_count = store::count_unread_staff_messages(c, me.user_id);
    return page;
  });
}

std::int64_t ModerationService::mark_messages_read(const Principal* who, const RequestMeta& meta,
                                                   const std::vector<std::int64_t>& ids) {
  const auto& me = require_signed_in(who);
  if (ids.size() > 100) throw AppError(ErrorKind::BadRequest, "invalid_field", "'ids': at most 100 message numbers.");
  const auto now = core::format_utc_ms(meta.now);
  return db_.writer()
      .run([&](store::Connection& c) {
        store::mark_staff_messages_read(c, me.user_id, ids, now);
        return store::count_unread_staff_messages(c, me.user_id);
      })
      .get();
}

std::int64_t ModerationService::mark_all_messages_read(const Principal* who, const RequestMeta& meta) {
  const auto& me = require_signed_in(who);
  const auto now = core::format_utc_ms(meta.now);
  return db_.writer()
      .run([&](store::Connection& c) {
        store::mark_all_staff_messages_read(c, me.user_id, now);
        return store::count_unread_staff_messages(c, me.user_id);
      })
      .get();
}

}  // namespace harbour::services
