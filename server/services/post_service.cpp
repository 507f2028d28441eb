#include "services/post_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/content_rules.hpp"
#include "services/notification_service.hpp"
#include "services/post_writer.hpp"
#include "services/staff_action.hpp"
#include "store/database.hpp"
#include "store/moderation_repo.hpp"
#include "store/notification_repo.hpp"

#include <nlohmann/json.hpp>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

struct KindText {
  TextKind title;
  TextKind body;
};

KindText text_kinds(std::string_view kind) {
  if (kind == "topic") return {TextKind::TopicTitle, TextKind::TopicBody};
  if (kind == "reply") return {TextKind::TopicTitle, TextKind::Reply};
  if (kind == "blog_post") return {TextKind::BlogTitle, TextKind::BlogBody};
  return {TextKind::BlogTitle, TextKind::Comment};
}

PostView view_of(store::Database& db, const Principal* who, std::int64_t id) {
  return db.read([&](store::Connection& c) { return build_post_view(c, who, *store::find_post(c, id)); });
}

}  // namespace

bool is_reaction_kind(std::string_view kind) noexcept {
  return kind == "support" || kind == "me_too" || kind == "thank_you";
}

PostView PostService::get(const Principal* who, std::int64_t post_id) {
  return db_.read([&](store::Connection& c) { return build_post_view(c, who, require_visible_post(c, who, post_id)); });
}

CreatedPost PostService::edit(const Principal* who, const RequestMeta& meta, std::int64_t post_id, const PostInput& input) {
  require_signed_in(who);
  const auto now = core::format_utc_ms(meta.now);
  return commit_post_write(db_, {notifications_, cases_}, who, [&](store::Connection& c) {
    const auto before = require_visible_post(c, who, post_id);
    if (before.author_id != who->user_id) {
      throw AppError(ErrorKind::Forbidden, "not_allowed", "Only the author can edit a post.");
    }
    if (before.state == "deleted" || before.state == "hidden") {
      throw AppError(ErrorKind::Conflict, "post_not_editable", "This post can no longer be edited.");
    }
    const auto kinds = text_kinds(before.kind);
    std::optional<std::string> title;
    if (before.title && input.title) title = checked_text(*input.title, kinds.title, "title");
    const auto body = checked_text(input.body, kinds.body, "body");
    const auto notes = checked_content_notes(input.content_notes);
    return write_edit(c, before, title, body, notes, is_network_staff(who, before.network_id),
                      input.draft_key, meta.now);
  });
}

PostView PostService::remove_own(const Principal* who, const RequestMeta& meta, std::int64_t post_id) {
  require_signed_in(who);
  const auto now = core::format_utc_ms(meta.now);
  db_.writer()
      .run([&](store::Connection& c) {
        const auto post = require_visible_post(c, who, post_id);
        if (post.author_id != who->user_id) {
          throw AppError(ErrorKind::Forbidden, "not_allowed", "Only the author can delete a post.");
        }
        if (post.state == "deleted") return;  // DELETE twice: already done
        store::set_post_state(c, post_id, "deleted", std::nullopt, now);
        store::withdraw_moderation_items(c, post_id, now);
      })
      .get();
  return view_of(db_, who, post_id);
}

PostView PostService::hide(const Principal* who, const RequestMeta& meta, std::int64_t post_id, std::string_view reason) {
  require_signed_in(who);
  const auto why = checked_staff_reason(reason);
  const auto now = core::format_utc_ms(meta.now);
  const auto told = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto post = require_visible_post(c, who, post_id);
    require_capability(who, Capability::Moderate, post.network_id);
    if (post.state != "published") {
      throw AppError(ErrorKind::Conflict, "post_not_published", "Only a published post can be hidden.");
    }
    store::set_post_state(c, post_id, "hidden", why, now);
    auto e = staff_audit_entry(*who, "moderation.remove", meta, post.network_id, "post", std::to_string(post_id));
    e.reason = why;
    e.details = {{"kind", post.kind}, {"author_id", post.author_id}};
    append_audit(c, e, meta.now);
    std::vector<Notice> ids;
    if (const auto id = store::insert_notification(c, {post.author_id, post.network_id, "hidden", post_id, std::nullopt}, now)) {
      ids.push_back({*id, post.author_id});
    }
    return ids;
  });
  notifications_.publish_new(told);
  return view_of(db_, who, post_id);
}

PostView PostService::unhide(const Principal* who, const RequestMeta& meta, std::int64_t post_id, std::string_view reason) {
  require_signed_in(who);
  const auto why = checked_staff_reason(reason);
  const auto now = core::format_utc_ms(meta.now);
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto post = require_visible_post(c, who, post_id);
    require_capability(who, Capability::Moderate, post.network_id);
    if (post.state != "hidden") throw AppError(ErrorKind::Conflict, "post_not_hidden", "This post is not hidden.");
    store::set_post_state(c, post_id, "published", std::nullopt, now);
    auto e = staff_audit_entry(*who, "moderation.restore", meta, post.network_id, "post", std::to_string(post_id));
    e.reason = why;
    append_audit(c, e, meta.now);
  });
  return view_of(db_, who, post_id);
}

std::vector<store::RevisionRow> PostService::history(const Principal* who, std::int64_t post_id) {
  return db_.read([&](store::Connection& c) {
    const auto post = require_visible_post(c, who, post_id);
    require_capability(who, Capability::Moderate, post.network_id);
    return store::list_revisions(c, post_id);
  });
}

ReactionSummary PostService::react(const Principal* who, const RequestMeta& meta, std::int64_t post_id, std::string_view kind,
                                   bool add) {
  require_signed_in(who);
  if (!is_reaction_kind(kind)) {
    throw AppError(ErrorKind::BadRequest, "invalid_reaction", "Reactions are support, me_too and thank_you.");
  }
  const auto now = core::format_utc_ms(meta.now);
  db_.writer()
      .run([&](store::Connection& c) {
        const auto post = require_visible_post(c, who, post_id);
        if (post.state != "published") {
          throw AppError(ErrorKind::Conflict, "post_not_published", "Reactions open once a post has been published.");
        }
        if (post.author_id == who->user_id) {
          throw AppError(ErrorKind::Conflict, "own_post", "You cannot react to your own post.");
        }
        if (add) {
          store::add_reaction(c, post_id, who->user_id, kind, now);
        } else {
          store::remove_reaction(c, post_id, who->user_id, kind, now);
        }
      })
      .get();
  const auto v = view_of(db_, who, post_id);
  return {v.reactions, v.my_reactions};
}

std::vector<store::ReactorRow> PostService::reactors(const Principal* who, std::int64_t post_id) {
  return db_.read([&](store::Connection& c) {
    const auto post = require_visible_post(c, who, post_id);
    if (post.author_id != who->user_id && !is_network_staff(who, post.network_id)) {
      throw AppError(ErrorKind::Forbidden, "not_allowed", "Only the author can see who reacted.");
    }
    return store::list_reactors(c, post_id);
  });
}

MyPostsPage PostService::mine(const Principal* who, std::optional<std::int64_t> before_id) {
  require_signed_in(who);
  return db_.read([&](store::Connection& c) {
    auto rows = store::list_posts_by_author(c, who->user_id, before_id, kMyPostsPageSize);
    MyPostsPage page;
    if (static_cast<int>(rows.size()) == kMyPostsPageSize) page.next_before = rows.back().id;
    page.posts = build_post_views(c, who, std::move(rows));
    return page;
  });
}

}  // namespace harbour::services
