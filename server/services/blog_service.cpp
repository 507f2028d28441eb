#include "services/blog_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/content_rules.hpp"
#include "services/notification_service.hpp"
#include "services/post_writer.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;

}  // namespace

BlogPage BlogService::list(const Principal* who, std::string_view network_slug, std::optional<std::int64_t> before_id) {
  return db_.read([&](store::Connection& c) {
    const auto network = require_network(c, network_slug);
    require_community_reader(who, network.id);
    auto rows = store::list_blog_posts(c, network.id, who->user_id, is_network_staff(who, network.id), before_id, kBlogPageSize);
    BlogPage page;
    if (static_cast<int>(rows.size()) == kBlogPageSize) page.next_before = rows.back().id;
    page.posts = build_post_views(c, who, std::move(rows));
    return page;
  });
}

CreatedPost BlogService::create(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                                const PostInput& input) {
  require_signed_in(who);
  store::NewPost post;
  post.kind = "blog_post";
  post.title = checked_text(input.title.value_or(""), TextKind::BlogTitle, "title");
  post.body = checked_text(input.body, TextKind::BlogBody, "body");
  post.content_notes = checked_content_notes(input.content_notes);
  post.author_id = who->user_id;
  const auto now = core::format_utc_ms(meta.now);
  return commit_post_write(db_, {notifications_, cases_}, who, [&](store::Connection& c) {
    const auto network = require_network(c, network_slug);
    const bool staff = is_network_staff(who, network.id);
    if (!staff) require_capability(who, Capability::PostCommunity, network.id);
    post.network_id = network.id;
    post.author_role = author_role_in(*who, network.id);
    return write_new_post(c, post, staff, input.draft_key, meta.now);
  });
}

BlogThread BlogService::get(const Principal* who, std::int64_t post_id, std::int64_t after_comment_id) {
  return db_.read([&](store::Connection& c) {
    auto row = require_visible_post(c, who, post_id);
    if (row.kind != "blog_post") throw_post_not_found();
    const bool staff = is_network_staff(who, row.network_id);
    BlogThread t;
    auto comments = store::list_children(c, post_id, who->user_id, staff, after_comment_id, kCommentPageSize);
    if (static_cast<int>(comments.size()) == kCommentPageSize) t.next_after = comments.back().id;
    t.comments = build_post_views(c, who, std::move(comments));
    t.post = build_post_view(c, who, std::move(row));
    return t;
  });
}

CreatedPost BlogService::comment(const Principal* who, const RequestMeta& meta, std::int64_t post_id, const PostInput& input) {
  require_signed_in(who);
  store::NewPost post;
  post.kind = "blog_comment";
  post.body = checked_text(input.body, TextKind::Comment, "body");
  post.content_notes = checked_content_notes(input.content_notes);
  post.author_id = who->user_id;
  post.parent_id = post_id;
  const auto now = core::format_utc_ms(meta.now);
  return commit_post_write(db_, {notifications_, cases_}, who, [&](store::Connection& c) {
    const auto parent = require_visible_post(c, who, post_id);
    if (parent.kind != "blog_post") throw_post_not_found();
    if (parent.state != "published") {
      throw AppError(ErrorKind::Conflict, "post_not_published",
                     "Comments open once this post has been published.");
    }
    const bool staff = is_network_staff(who, parent.network_id);
    if (!staff) require_capability(who, Capability::PostCommunity, parent.network_id);
    post.network_id = parent.network_id;
    post.author_role = author_role_in(*who, parent.network_id);
    return write_new_post(c, post, staff, input.draft_key, meta.now);
  });
}

}  // namespace harbour::services
