#include "services/moderation_service.hpp"

#include "services/case_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "services/moderation_gate.hpp"
#include "services/notification_service.hpp"
#include "services/post_notifications.hpp"
#include "services/reject_templates.hpp"
#include "services/staff_action.hpp"
#include "store/case_repo.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/network_repo.hpp"
#include "store/notification_repo.hpp"
#include "store/post_repo.hpp"
#include "store/report_repo.hpp"
#include "store/safety_policy_repo.hpp"

#include <algorithm>
#include <map>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

// What a network without a policy row gets (the table's defaults; see moderation_gate.cpp).
const ModerationPolicy kDefaultPolicy{"first_posts", 3};

// The network's whole policy: the gate's mode and the safety settings (defaults without a row).
ModerationPolicy policy_of(store::Connection& c, std::int64_t network_id) {
  const auto row = store::find_moderation_policy(c, network_id);
  auto p = row ? ModerationPolicy{row->mode, row->first_posts} : kDefaultPolicy;
  const auto safety = store::find_safety_policy(c, network_id);
  p.out_of_hours = safety.out_of_hours;
  p.case_response_minutes = safety.case_response_minutes;
  return p;
}

AppError network_not_found() {
  return AppError(ErrorKind::NotFound, "network_not_found", "There is no network at this address.");
}

AppError item_not_found() {
  return AppError(ErrorKind::NotFound, "item_not_found", "There is no item in the moderation queue with that number.");
}

AppError already_decided() {
  return AppError(ErrorKind::Conflict, "already_decided",
                  "Someone has already dealt with this post, or its author changed or withdrew it. Reload the queue "
                  "to see what is still waiting.");
}

// Someone else is working on the item; the message says who, so the two can talk.
AppError claimed_by_other(const store::ModerationItemRow& item) {
  return AppError(ErrorKind::Conflict, "claimed_by_other",
                  (item.claimed_by_pseudonym.empty() ? std::string("Another moderator") : item.claimed_by_pseudonym) +
                      " is looking at this item until " + item.claim_expires_at.value_or("") +
                      ". Choose another item, or ask them.");
}

// A claim holds until its expiry; an expired one is as good as none.
bool claim_holds(const store::ModerationItemRow& item, std::string_view now) {
  return item.claimed_by && item.claim_expires_at && *item.claim_expires_at > now;
}
bool claimed_by_someone_else(const store::ModerationItemRow& item, std::int64_t me, std::string_view now) {
  return claim_holds(item, now) && *item.claimed_by != me;
}

bool has_word(const std::vector<std::string>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

// What a moderator would rather choose to see than meet unawares.
bool is_sensitive(const std::vector<std::string>& reasons, std::string_view content_notes) {
  const auto notes = split_words(content_notes);
  return has_word(reasons, "risk") || has_word(notes, "self_harm") || has_word(notes, "suicide") ||
         has_word(notes, "distressing");
}

// The body and title limits of the post's kind, for a moderator's edit.
TextKind body_kind(std::string_view post_kind) {
  if (post_kind == "topic") return TextKind::TopicBody;
  if (post_kind == "blog_post") return TextKind::BlogBody;
  if (post_kind == "blog_comment") return TextKind::Comment;
  return TextKind::Reply;
}

bool is_queue_state(std::string_view s) { return s == "open" || s == "approved" || s == "rejected"; }
bool is_policy_mode(std::string_view s) { return s == "pre_moderate_all" || s == "first_posts" || s == "post_moderate"; }

// Staff of the network named by `slug` (admins anywhere); returns its id.
std::int64_t require_network_staff(store::Database& db, const Principal* who, std::string_view slug) {
  require_signed_in(who);
  const auto network = db.read([&](store::Connection& c) { return store::find_network_by_slug(c, slug); });
  if (!network) throw network_not_found();
  require_capability(who, Capability::Moderate, network->id);
  return network->id;
}

std::int64_t admin_network(store::Database& db, const Principal* who, std::string_view slug) {
  require_admin(who);
  const auto network = db.read([&](store::Connection& c) { return store::find_network_by_slug(c, slug); });
  if (!network) throw network_not_found();
  return network->id;
}

// Who may act on an item. An item of a network the caller holds no key to, or one that does not
// exist, answers 404 item_not_found to staff alike, so item numbers reveal nothing about other
// networks; people who moderate nowhere are told they cannot moderate at all.
void require_item_staff(const Principal* who, const std::optional<store::ModerationItemRow>& item) {
  const Principal& p = require_signed_in(who);
  if (item && (p.is_admin || p.membership(item->network_id))) {
    require_capability(who, Capability::Moderate, item->network_id);
    return;
  }
  if (p.is_admin) {
    require_admin(who);
    throw item_not_found();
  }
  for (const auto& m : p.memberships) {
    if (m.active && role_grants(m.role, Capability::Moderate)) {
      require_capability(who, Capability::Moderate, m.network_id);  // the second factor still applies
      throw item_not_found();
    }
  }
  throw AppError(ErrorKind::Forbidden, "not_allowed", "You do not have permission to do that.");
}

std::vector<ModerationItem> build_items(store::Connection& c, const Principal* who,
                                        std::vector<store::ModerationItemRow> rows, std::string_view now) {
  std::vector<store::PostRow> posts;
  posts.reserve(rows.size());
  for (const auto& r : rows) {
    auto post = store::find_post(c, r.post_id);
    if (!post) throw std::runtime_error("moderation item without its post");  // FK: cannot happen
    posts.push_back(std::move(*post));
  }
  std::map<std::int64_t, PostView> views;
  for (auto& v : build_post_views(c, who, posts)) views.emplace(v.row.id, std::move(v));
  std::map<std::int64_t, ModerationContext> contexts;
  std::map<std::int64_t, std::int64_t> published;  // author id -> published posts (one network)
  std::vector<std::int64_t> post_ids;
  for (const auto& p : posts) post_ids.push_back(p.id);
  auto reports = store::report_summaries(c, post_ids);

  std::vector<ModerationItem> items;
  items.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    const auto& post = posts[i];
    ModerationItem item;
    item.id = r.id;
    item.network = std::move(r.network_slug);
    item.reasons = split_words(r.reasons);
    item.matched = std::move(r.matched);
    item.state = std::move(r.state);
    item.created_at = std::move(r.created_at);
    item.decided_at = std::move(r.decided_at);
    item.decision_reason = std::move(r.decision_reason);
    item.needs_second_review = item.state == "open" && post.state == "held" &&
                               std::find(item.reasons.begin(), item.reasons.end(), "risk") != item.reasons.end();
    if (r.first_review_by) item.first_review_by = ModerationClaim{*r.first_review_by, r.first_review_by_pseudonym};
    if (const auto v = views.find(post.id); v != views.end()) item.post = v->second;
    else item.post.row = post;

    // A reply or comment is read in the light of the topic or blog post it answers.
    if (post.parent_id) {
      auto ctx = contexts.find(*post.parent_id);
      if (ctx == contexts.end()) {
        const auto parent = store::find_post(c, *post.parent_id);
        ModerationContext pc{parent ? parent->kind : std::string(), *post.parent_id,
                             parent ? parent->title.value_or("") : std::string()};
        ctx = contexts.emplace(*post.parent_id, std::move(pc)).first;
      }
      item.context = ctx->second;
    } else {
      item.context = {post.kind, post.id, post.title.value_or("")};
    }

    auto count = published.find(post.author_id);
    if (count == published.end()) {
      count = published.emplace(post.author_id, store::count_published_by(c, post.author_id, post.network_id)).first;
    }
    item.author = {post.author_id, post.author_pseudonym, count->second};

    item.priority = r.priority;
    if (item.state == "open" && claim_holds(r, now)) {
      item.claimed_by = ModerationClaim{*r.claimed_by, r.claimed_by_pseudonym};
      item.claim_expires_at = r.claim_expires_at;
    }
    if (auto rep = reports.find(post.id); rep != reports.end()) {
      item.reports = {rep->second.count, rep->second.open, std::move(rep->second.reasons), std::move(rep->second.notes)};
    }
    item.sensitive = is_sensitive(item.reasons, post.content_notes);
    items.push_back(std::move(item));
  }
  return items;
}

WatchedWord word_of(store::WatchedWordRow r) {
  return {r.id, std::move(r.phrase), std::move(r.action), std::move(r.created_at)};
}

}  // namespace

ModerationQueuePage ModerationService::queue(const Principal* who, std::string_view network_slug,
                                             std::optional<std::string> state, std::optional<std::int64_t> before_id,
                                             std::chrono::system_clock::time_point now) {
  const auto network_id = require_network_staff(db_, who, network_slug);
  const std::string wanted = state.value_or("open");
  if (!is_queue_state(wanted)) {
    throw AppError(ErrorKind::BadRequest, "invalid_query", "'state' can be open, approved or rejected.");
  }
  return db_.read([&](store::Connection& c) {
    auto rows = store::list_moderation_items(c, network_id, wanted, before_id, kQueuePageSize);
    ModerationQueuePage page;
    if (static_cast<int>(rows.size()) == kQueuePageSize) page.next_before = rows.back().id;
    page.items = build_items(c, who, std::move(rows), core::format_utc_ms(now));
    return page;
  });
}

ModerationItem ModerationService::item_for(const Principal* who, std::int64_t item_id,
                                           std::chrono::system_clock::time_point now) {
  return db_.read([&](store::Connection& c) {
    auto row = store::find_moderation_item(c, item_id);
    if (!row) throw item_not_found();
    std::vector<store::ModerationItemRow> rows;
    rows.push_back(std::move(*row));
    return std::move(build_items(c, who, std::move(rows), core::format_utc_ms(now)).front());
  });
}

ModerationItem ModerationService::claim(const Principal* who, const RequestMeta& meta, std::int64_t item_id) {
  const auto item = db_.read([&](store::Connection& c) { return store::find_moderation_item(c, item_id); });
  require_item_staff(who, item);
  const auto now = core::format_utc_ms(meta.now);
  const auto until = core::format_utc_ms(meta.now + kClaimDuration);
  db_.writer()
      .run([&](store::Connection& c) {
        const auto current = store::find_moderation_item(c, item_id);
        if (!current || current->state != "open") throw already_decided();
        if (claimed_by_someone_else(*current, who->user_id, now)) throw claimed_by_other(*current);
        if (!store::claim_moderation_item(c, item_id, who->user_id, until, now)) throw claimed_by_other(*current);
      })
      .get();
  return item_for(who, item_id, meta.now);
}

ModerationItem ModerationService::release(const Principal* who, const RequestMeta& meta, std::int64_t item_id) {
  const auto item = db_.read([&](store::Connection& c) { return store::find_moderation_item(c, item_id); });
  require_item_staff(who, item);
  db_.writer().run([&](store::Connection& c) { store::release_moderation_item(c, item_id, who->user_id); }).get();
  return item_for(who, item_id, meta.now);
}

// A decision, checked before the transaction: the reason the author and the log read, and an
// edit the moderator makes before approving.
struct ModerationService::Decision {
  std::optional<std::string> reason;        // the author reads it (rejected / hidden) and the item keeps it
  std::optional<std::string> audit_reason;  // what the audit row keeps (fits its limit)
  std::optional<std::string> template_key;
  std::optional<std::string> body;  // edit and approve
  std::optional<std::string> title;
};

ModerationItem ModerationService::approve(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                                          std::optional<std::string> reason) {
  return approve(who, meta, item_id, ApproveInput{std::move(reason), std::nullopt, std::nullopt});
}

ModerationItem ModerationService::approve(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                                          const ApproveInput& in) {
  Decision d;
  const bool editing = in.body.has_value() || in.title.has_value();
  if (in.title && !in.body) {
    throw AppError(ErrorKind::BadRequest, "missing_field", "'body': send the post's text with its new title.");
  }
  // Approving needs no reason; an empty one counts as none. An edit always needs one.
  if (editing || (in.reason && in.reason->find_first_not_of(" \t\r\n") != std::string::npos)) {
    d.reason = checked_staff_reason(in.reason.value_or(""));
    d.audit_reason = d.reason;
  }
  d.body = in.body;
  d.title = in.title;
  return decide(who, meta, item_id, true, d);
}

ModerationItem ModerationService::reject(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                                         std::string_view reason) {
  return reject(who, meta, item_id, RejectInput{std::string(reason), std::nullopt, std::nullopt});
}

ModerationItem ModerationService::reject(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                                         const RejectInput& in) {
  Decision d;
  if (in.template_key) {
    const auto* t = find_reject_template(*in.template_key);
    if (!t) throw AppError(ErrorKind::BadRequest, "invalid_template", "Choose one of the listed reasons.");
    if (in.reason) {
      throw AppError(ErrorKind::BadRequest, "invalid_field", "Send a template with an optional note, or a reason: not both.");
    }
    std::optional<std::string> note;
    if (in.note && in.note->find_first_not_of(" \t\r\n") != std::string::npos) note = checked_staff_reason(*in.note);
    if (t->needs_note && !note) {
      throw AppError(ErrorKind::BadRequest, "note_required", "Write a note that tells the author what to change.");
    }
    d.reason = std::string(t->text) + (note ? "\n\n" + *note : std::string());
    d.audit_reason = note ? *note : std::string(t->text);
    d.template_key = std::string(t->key);
  } else {
    if (in.note) {
      throw AppError(ErrorKind::BadRequest, "invalid_field", "A note goes with a template; otherwise send a reason.");
    }
    d.reason = checked_staff_reason(in.reason.value_or(""));
    d.audit_reason = d.reason;
  }
  return decide(who, meta, item_id, false, d);
}

namespace {

bool item_has_reason(const store::ModerationItemRow& item, std::string_view reason) {
  for (const auto& r : split_words(item.reasons)) {
    if (r == reason) return true;
  }
  return false;
}

}  // namespace

ModerationItem ModerationService::decide(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                                         bool approve, const Decision& d) {
  const auto item = db_.read([&](store::Connection& c) { return store::find_moderation_item(c, item_id); });
  require_item_staff(who, item);
  const auto now = core::format_utc_ms(meta.now);

  const auto notification_ids = run_audited(db_, audit_written_, [&](store::Connection& c) {
    // Read again inside the write: two moderators deciding at once cannot both win.
    const auto current = store::find_moderation_item(c, item_id);
    if (!current || current->state != "open") throw already_decided();
    if (claimed_by_someone_else(*current, who->user_id, now)) throw claimed_by_other(*current);
    auto post = store::find_post(c, current->post_id);
    // Held posts wait for a decision; published ones were reported or flagged: keep or hide.
    if (!post || (post->state != "held" && post->state != "published")) throw already_decided();
    const bool is_published = post->state == "published";
    const auto audit = [&](const char* action, nlohmann::json details) {
      auto e = staff_audit_entry(*who, action, meta, current->network_id, "post", std::to_string(post->id));
      e.reason = d.audit_reason.value_or("");
      details["item_id"] = item_id;
      details["reasons"] = current->reasons;
      e.details = std::move(details);
      append_audit(c, e, meta.now);
    };

    if (d.body) {
      const auto body = checked_text(*d.body, body_kind(post->kind), "body");
      std::optional<std::string> title;
      if (d.title) {
        if (!post->title) throw AppError(ErrorKind::BadRequest, "invalid_title", "A reply or comment has no title.");
        title = checked_text(*d.title, post->kind == "blog_post" ? TextKind::BlogTitle : TextKind::TopicTitle, "title");
      }
      store::edit_post(c, post->id, title, body, post->content_notes, who->user_id, now);
      audit("moderation.edit", {{"kind", post->kind}});
      post = store::find_post(c, current->post_id);
    }

    // A post held for risk is published only when two different moderators agree: the first
    // approval (and any edit with it) is recorded and the item stays open for the second.
    if (approve && !is_published && item_has_reason(*current, "risk")) {
      if (!current->first_review_by) {
        store::set_first_review(c, item_id, who->user_id, now);
        audit("moderation.approve", {{"stage", "first_review"}});
        return std::vector<Notice>{};
      }
      if (*current->first_review_by == who->user_id) {
        throw AppError(ErrorKind::Conflict, "second_reviewer_needed",
                       "You approved this already. A second moderator needs to agree before it appears.");
      }
    }

    if (!store::decide_moderation_item(c, item_id, approve ? "approved" : "rejected", who->user_id, d.reason, now)) {
      throw already_decided();
    }

    std::vector<Notice> ids;
    const auto tell = [&](const char* kind) {
      store::NewNotification told{post->author_id, post->network_id, kind, post->id, std::nullopt};
      if (const auto id = store::insert_notification(c, told, now)) ids.push_back({*id, post->author_id});
    };
    if (approve && !is_published) {
      store::set_post_state(c, post->id, "published", std::nullopt, now);
      tell("approved");
      const auto published = store::find_post(c, post->id);
      if (!published) throw std::runtime_error("approved post vanished inside its transaction");
      const auto more = notify_published(c, *published, now);
      ids.insert(ids.end(), more.begin(), more.end());
      nlohmann::json details = nlohmann::json::object();
      if (current->first_review_by) details = {{"stage", "second_review"}, {"first_review_by", *current->first_review_by}};
      audit("moderation.approve", std::move(details));
    } else if (!approve && !is_published) {
      // The text stays as written: the author edits it and resubmits, nothing is lost.
      store::set_post_state(c, post->id, "rejected", d.reason, now);
      tell("rejected");
      auto details = nlohmann::json::object();
      if (d.template_key) details["template"] = *d.template_key;
      audit("moderation.reject", std::move(details));
    } else if (approve) {
      // Kept as it is: the author is not told (they never knew it was looked at).
      audit("moderation.approve", {{"kept", true}});
    } else {
      store::set_post_state(c, post->id, "hidden", d.reason, now);
      tell("hidden");
      auto details = nlohmann::json{{"kind", post->kind}, {"author_id", post->author_id}};
      if (d.template_key) details["template"] = *d.template_key;
      audit("moderation.remove", std::move(details));
    }
    if (is_published) {
      if (const auto n = store::resolve_reports(c, post->id, who->user_id, now); n > 0) {
        audit("report.resolve", {{"reports", n}, {"outcome", approve ? "kept" : "hidden"}});
      }
    }
    return ids;
  });
  notifications_.publish_new(notification_ids);
  notifications_.publish_queue_changed(item->network_id);
  return item_for(who, item_id, meta.now);
}

Escalation ModerationService::escalate(const Principal* who, const RequestMeta& meta, std::int64_t item_id,
                                       std::string_view raw_reason) {
  const auto item = db_.read([&](store::Connection& c) { return store::find_moderation_item(c, item_id); });
  require_item_staff(who, item);
  const auto reason = checked_staff_reason(raw_reason);
  const auto now = core::format_utc_ms(meta.now);
  const auto case_id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto current = store::find_moderation_item(c, item_id);
    if (!current || current->state != "open") throw already_decided();
    if (claimed_by_someone_else(*current, who->user_id, now)) throw claimed_by_other(*current);
    const auto post = store::find_post(c, current->post_id);
    if (!post) throw already_decided();
    if (store::has_open_case_for_post(c, post->id)) {
      throw AppError(ErrorKind::Conflict, "case_exists", "The clinicians already have an open case about this post.");
    }
    store::NewCase k;
    k.network_id = current->network_id;
    k.member_id = post->author_id;
    k.post_id = post->id;
    k.tier = "concern";
    k.matched = current->matched;
    k.opened_at = now;
    // The same deadline as a case the gate opens: in hours soon, out of hours from the next opening.
    k.due_at = case_due_at(c, current->network_id, meta.now);
    const auto id = store::insert_case(c, k);
    store::insert_case_event(c, id, who->user_id, "note", reason, now);
    store::add_item_reason(c, item_id, "escalated", store::kPriorityRisk);
    auto e = staff_audit_entry(*who, "case.escalate", meta, current->network_id, "case", std::to_string(id));
    e.reason = reason;
    e.details = {{"item_id", item_id}, {"post_id", post->id}, {"member_id", post->author_id}};
    append_audit(c, e, meta.now);
    return id;
  });
  // The clinicians on shift hear of it at once, as of a case the gate opened; the queue moves too.
  cases_->alert_opened(case_id);
  notifications_.publish_queue_changed(item->network_id);
  return {case_id, item_for(who, item_id, meta.now)};
}

ModerationPolicy ModerationService::policy(const Principal* who, std::string_view network_slug) {
  const auto network_id = require_network_staff(db_, who, network_slug);
  return db_.read([&](store::Connection& c) { return policy_of(c, network_id); });
}

ModerationPolicy ModerationService::set_policy(const Principal* who, const RequestMeta& meta,
                                               std::string_view network_slug, const PolicyChange& change) {
  require_admin(who);
  if (!is_policy_mode(change.mode)) {
    throw AppError(ErrorKind::BadRequest, "invalid_mode", "Choose a mode: pre_moderate_all, first_posts or post_moderate.");
  }
  if (change.first_posts < 0 || change.first_posts > 100) {
    throw AppError(ErrorKind::BadRequest, "invalid_first_posts", "The number of first posts to check is 0 to 100.");
  }
  if (change.out_of_hours && *change.out_of_hours != "hold_all" && *change.out_of_hours != "as_in_hours") {
    throw AppError(ErrorKind::BadRequest, "invalid_out_of_hours",
                   "Outside office hours, choose hold_all (every member post waits) or as_in_hours.");
  }
  if (change.case_response_minutes && (*change.case_response_minutes < 1 || *change.case_response_minutes > 1440)) {
    throw AppError(ErrorKind::BadRequest, "invalid_response_minutes", "A case's response time is 1 to 1440 minutes.");
  }
  const auto network_id = admin_network(db_, who, network_slug);
  const auto now = core::format_utc_ms(meta.now);
  return run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto old = policy_of(c, network_id);
    auto wanted = old;
    wanted.mode = change.mode;
    wanted.first_posts = change.first_posts;
    if (change.out_of_hours) wanted.out_of_hours = *change.out_of_hours;
    if (change.case_response_minutes) wanted.case_response_minutes = *change.case_response_minutes;
    const auto as_json = [](const ModerationPolicy& p) {
      return nlohmann::json{{"mode", p.mode}, {"first_posts", p.first_posts}, {"out_of_hours", p.out_of_hours},
                            {"case_response_minutes", p.case_response_minutes}};
    };
    const bool had_row = store::find_moderation_policy(c, network_id).has_value();
    if (had_row && as_json(old) == as_json(wanted)) return wanted;  // nothing to record
    store::upsert_moderation_policy(c, network_id, wanted.mode, wanted.first_posts, now);
    store::update_safety_policy(c, network_id, {wanted.out_of_hours, wanted.case_response_minutes});
    auto e = staff_audit_entry(*who, "moderation.policy_update", meta, network_id, "network", std::to_string(network_id));
    e.details = {{"old", as_json(old)}, {"new", as_json(wanted)}};
    append_audit(c, e, meta.now);
    return wanted;
  });
}

std::vector<WatchedWord> ModerationService::watched_words(const Principal* who, std::string_view network_slug) {
  const auto network_id = require_network_staff(db_, who, network_slug);
  return db_.read([&](store::Connection& c) {
    std::vector<WatchedWord> words;
    for (auto& r : store::list_watched_words(c, network_id)) words.push_back(word_of(std::move(r)));
    return words;
  });
}

WatchedWord ModerationService::add_watched_word(const Principal* who, const RequestMeta& meta,
                                                std::string_view network_slug, std::string_view raw_phrase,
                                                std::string_view action) {
  require_admin(who);
  if (action != "refuse" && action != "hold" && action != "flag") {
    throw AppError(ErrorKind::BadRequest, "invalid_action", "Choose what happens: refuse, hold or flag.");
  }
  // UTF-8 and control characters are checked as for any text; the phrase's own limit follows.
  const auto phrase = normalize_phrase(checked_text(raw_phrase, TextKind::Summary, "phrase"));
  const auto n = code_point_count(phrase);
  if (n < kPhraseMinChars || n > kPhraseMaxChars) {
    throw AppError(ErrorKind::BadRequest, "invalid_phrase", "A watched word or phrase is 2 to 100 characters.");
  }
  const auto network_id = admin_network(db_, who, network_slug);
  const auto now = core::format_utc_ms(meta.now);
  const auto id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    // Matching ignores case, so "Kill" next to "kill" would only be a second copy of one rule.
    const auto key = phrase_key(phrase);
    const auto existing = store::list_watched_words(c, network_id);
    const bool duplicate =
        std::any_of(existing.begin(), existing.end(), [&](const auto& w) { return phrase_key(w.phrase) == key; });
    const auto inserted = duplicate ? std::nullopt : store::insert_watched_word(c, network_id, phrase, action, who->user_id, now);
    if (!inserted) {
      throw AppError(ErrorKind::Conflict, "word_exists", "This network already watches for that word or phrase.");
    }
    auto e = staff_audit_entry(*who, "watched_word.add", meta, network_id, "watched_word", std::to_string(*inserted));
    e.details = {{"phrase", phrase}, {"action", action}};
    append_audit(c, e, meta.now);
    return *inserted;
  });
  return {id, phrase, std::string(action), now};
}

void ModerationService::remove_watched_word(const Principal* who, const RequestMeta& meta, std::int64_t word_id) {
  require_admin(who);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto word = store::find_watched_word(c, word_id);
    if (!word || !store::delete_watched_word(c, word_id)) {
      throw AppError(ErrorKind::NotFound, "word_not_found", "There is no watched word with that number.");
    }
    auto e = staff_audit_entry(*who, "watched_word.remove", meta, word->network_id, "watched_word",
                               std::to_string(word_id));
    e.details = {{"phrase", word->phrase}, {"action", word->action}};
    append_audit(c, e, meta.now);
  });
}

}  // namespace harbour::services
