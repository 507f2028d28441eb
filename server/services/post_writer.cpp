#include "services/post_writer.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/case_service.hpp"
#include "services/notification_service.hpp"
#include "services/post_notifications.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/case_repo.hpp"
#include "store/reading_repo.hpp"
#include "store/silence_repo.hpp"

namespace harbour::services {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

[[noreturn]] void refuse(const GateDecision& d) {
  throw core::AppError(core::ErrorKind::BadRequest, "content_refused",
                       d.message.empty() ? "Please rephrase your post: it contains words this community does not allow."
                                         : d.message);
}

void refuse_if_silenced(store::Connection& c, std::int64_t network_id, std::int64_t author_id, bool staff,
                        std::string_view now) {
  if (staff) return;
  if (const auto until = store::active_silence_until(c, network_id, author_id, now)) {
    throw core::AppError(core::ErrorKind::Forbidden, "silenced",
                         "A moderator has paused your posting here until " + until->substr(0, 16) +
                             " (UTC). You can still read everything, and the Need urgent help? page is always there.");
  }
}

// Held: the queue item, and for a risk match the safeguarding case (risk items come first).
void hold_for_review(store::Connection& c, WrittenPost& out, std::int64_t network_id, std::int64_t author_id,
                     std::chrono::system_clock::time_point when, std::string_view now) {
  const auto& d = out.decision;
  const std::int64_t priority = d.risk ? store::kPriorityRisk : store::kPriorityNormal;
  out.queued_network = network_id;
  store::insert_moderation_item(c, network_id, out.post_id, joined(d.reasons), d.risk ? std::optional(d.risk->phrase) : d.matched,
                                now, priority);
  if (d.risk) {
    out.case_id = store::insert_case(c, {network_id, author_id, out.post_id, d.risk->tier, d.risk->phrase, std::string(now),
                                         case_due_at(c, network_id, when)});
  }
}

}  // namespace

std::string_view outcome_name(GateDecision::Outcome outcome) noexcept {
  switch (outcome) {
    case GateDecision::Outcome::Publish: return "published";
    case GateDecision::Outcome::Hold: return "held";
    case GateDecision::Outcome::Refuse: return "refused";
  }
  return "held";
}

CreatedPost commit_post_write(store::Database& db, const PostAnnouncers& announce, const Principal* who,
                              const std::function<WrittenPost(store::Connection&)>& write) {
  // Content: a post, its notifications, queue item or case; nobody's session changes.
  const auto written = db.writer().run([&](store::Connection& c) { return write(c); }, store::Writer::Effect::Content).get();
  announce.notifications.publish_new(written.notifications);
  if (written.case_id) announce.cases.alert_opened(*written.case_id);
  if (written.queued_network) announce.notifications.publish_queue_changed(*written.queued_network);
  return {db.read([&](store::Connection& c) { return build_post_view(c, who, *store::find_post(c, written.post_id)); }),
          written.decision};
}

WrittenPost write_new_post(store::Connection& c, store::NewPost post, bool author_is_staff,
                           const std::optional<std::string>& draft_key, std::chrono::system_clock::time_point when) {
  const auto now = core::format_utc_ms(when);
  refuse_if_silenced(c, post.network_id, post.author_id, author_is_staff, now);
  GateInput in;
  in.now = when;
  in.network_id = post.network_id;
  in.author_id = post.author_id;
  in.author_is_staff = author_is_staff;
  in.kind = post.kind;
  in.title = post.title ? std::string_view(*post.title) : std::string_view();
  in.body = post.body;
  WrittenPost out;
  out.decision = gate_decide(c, in);
  if (out.decision.outcome == GateDecision::Outcome::Refuse) refuse(out.decision);
  const bool publish = out.decision.outcome == GateDecision::Outcome::Publish;
  post.state = publish ? "published" : "held";
  out.post_id = store::insert_post(c, post, now);
  if (publish) {
    if (const auto row = store::find_post(c, out.post_id)) out.notifications = notify_published(c, *row, now);
    if (out.decision.flagged) {
      store::insert_moderation_item(c, post.network_id, out.post_id, "flag", out.decision.matched, now, store::kPriorityReport);
      out.queued_network = post.network_id;
    }
  } else {
    hold_for_review(c, out, post.network_id, post.author_id, when, now);
  }
  if (draft_key) store::delete_draft(c, post.author_id, *draft_key);
  return out;
}

WrittenPost write_edit(store::Connection& c, const store::PostRow& before, const std::optional<std::string>& title,
                       std::string_view body, std::string_view content_notes, bool author_is_staff,
                       const std::optional<std::string>& draft_key, std::chrono::system_clock::time_point when) {
  const auto now = core::format_utc_ms(when);
  refuse_if_silenced(c, before.network_id, before.author_id, author_is_staff, now);
  const auto new_title = before.title ? title.value_or(*before.title) : std::string();
  GateInput in;
  in.network_id = before.network_id;
  in.author_id = before.author_id;
  in.author_is_staff = author_is_staff;
  in.kind = before.kind;
  in.title = new_title;
  in.body = body;
  in.is_edit = true;
  in.resubmission = before.state == "rejected";
  in.now = when;
  WrittenPost out;
  out.post_id = before.id;
  out.decision = gate_decide(c, in);
  if (out.decision.outcome == GateDecision::Outcome::Refuse) refuse(out.decision);
  store::edit_post(c, before.id, before.title ? std::optional<std::string>(new_title) : std::nullopt, body, content_notes,
                   before.author_id, now);
  const bool hold = out.decision.outcome == GateDecision::Outcome::Hold;
  if (before.state == "held" && !out.decision.risk) {
    // Still waiting: the moderator now reads the new text. The outcome stays "held".
    out.decision.outcome = GateDecision::Outcome::Hold;
    if (out.decision.message.empty()) {
      out.decision.message = "Your changes are saved. A moderator will read your post before it appears.";
    }
  } else if (hold) {
    if (before.state != "held") store::set_post_state(c, before.id, "held", std::nullopt, now);
    hold_for_review(c, out, before.network_id, before.author_id, when, now);
  } else if (out.decision.flagged && before.state == "published") {
    store::insert_moderation_item(c, before.network_id, before.id, "flag", out.decision.matched, now, store::kPriorityReport);
    out.queued_network = before.network_id;
  }
  if (draft_key) store::delete_draft(c, before.author_id, *draft_key);
  return out;
}

}  // namespace harbour::services
