#pragma once
// Blogs: staff blog posts and members' recovery stories (always read by a moderator before they
// are published: the gate holds every member blog post), with comments through the gate.
#include "services/forum_service.hpp"
#include "services/post_view.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

class NotificationService;
class CaseService;

inline constexpr int kBlogPageSize = 20;
inline constexpr int kCommentPageSize = 50;

struct BlogPage {
  std::vector<PostView> posts;
  std::optional<std::int64_t> next_before;
};

struct BlogThread {
  PostView post;
  std::vector<PostView> comments;
  std::optional<std::int64_t> next_after;
};

class BlogService {
 public:
  BlogService(store::Database& db, NotificationService& notifications, CaseService& cases, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), cases_(cases), audit_written_(std::move(audit_written)) {}

  BlogPage list(const Principal* who, std::string_view network_slug, std::optional<std::int64_t> before_id);
  CreatedPost create(const Principal* who, const RequestMeta& meta, std::string_view network_slug, const PostInput& input);
  BlogThread get(const Principal* who, std::int64_t post_id, std::int64_t after_comment_id);
  CreatedPost comment(const Principal* who, const RequestMeta& meta, std::int64_t post_id, const PostInput& input);

 private:
  store::Database& db_;
  NotificationService& notifications_;
  CaseService& cases_;
  std::function<void()> audit_written_;  // kept for staff actions on blogs (none audited yet)
};

}  // namespace harbour::services
