#pragma once
// Forums: categories (admins manage them; each has an audience: which roles read and which post),
// topics and replies through the moderation gate, read markers, and the staff actions on topics
// (pin, lock, move), each audited with its reason.
#include "services/post_view.hpp"
#include "services/post_writer.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"
#include "store/category_repo.hpp"

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

inline constexpr int kTopicPageSize = 25;
inline constexpr int kReplyPageSize = 50;
inline constexpr int kPinnedMax = 10;

struct CategoryView {
  store::CategoryRow row;
  std::string network_slug;
  bool can_post = false;
  std::int64_t unread_topics = 0;
};

struct CategoryInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::int64_t> position;
  std::optional<std::vector<std::string>> read_roles;
  std::optional<std::vector<std::string>> post_roles;
};

struct TopicPage {
  CategoryView category;
  std::vector<PostView> pinned;  // first page only
  std::vector<PostView> topics;
  std::optional<std::string> next_before;  // opaque cursor
};

struct TopicThread {
  PostView topic;
  std::int64_t category_id = 0;
  std::string category_name;
  std::vector<PostView> replies;
  std::optional<std::int64_t> next_after;
  std::int64_t last_read_id = 0;
};

struct TopicStaffChange {
  std::optional<bool> pinned;
  std::optional<bool> locked;
  std::optional<std::int64_t> category_id;
  std::string reason;
};

class ForumService {
 public:
  ForumService(store::Database& db, NotificationService& notifications, CaseService& cases, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), cases_(cases), audit_written_(std::move(audit_written)) {}

  std::vector<CategoryView> categories(const Principal* who, std::string_view network_slug);
  CategoryView create_category(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                               const CategoryInput& input);
  CategoryView update_category(const Principal* who, const RequestMeta& meta, std::int64_t category_id,
                               const CategoryInput& input);

  TopicPage topics(const Principal* who, std::int64_t category_id, const std::optional<std::string>& before);
  TopicThread topic(const Principal* who, std::int64_t topic_id, std::int64_t after_reply_id);

  CreatedPost create_topic(const Principal* who, const RequestMeta& meta, std::int64_t category_id, const PostInput& input);
  CreatedPost create_reply(const Principal* who, const RequestMeta& meta, std::int64_t topic_id, const PostInput& input);

  // Returns the marker as stored (it only moves forward).
  std::int64_t mark_read(const Principal* who, const RequestMeta& meta, std::int64_t topic_id, std::int64_t last_read_id);

  PostView change_topic(const Principal* who, const RequestMeta& meta, std::int64_t topic_id, const TopicStaffChange& change);

 private:
  store::Database& db_;
  NotificationService& notifications_;
  CaseService& cases_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
