#pragma once
// What every post shares whatever its kind: reading one, the author's edit (back through the
// gate; a rejected post is resubmitted), soft delete by the author, staff hide and unhide
// (audited, the author told why), the edit history for staff, and support reactions.
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

inline constexpr int kMyPostsPageSize = 30;

struct ReactionSummary {
  std::map<std::string, std::int64_t> counts;
  std::vector<std::string> mine;
};

struct MyPostsPage {
  std::vector<PostView> posts;
  std::optional<std::int64_t> next_before;
};

// Whether `kind` is one of the fixed support reactions.
bool is_reaction_kind(std::string_view kind) noexcept;

class PostService {
 public:
  PostService(store::Database& db, NotificationService& notifications, CaseService& cases, std::function<void()> audit_written)
      : db_(db), notifications_(notifications), cases_(cases), audit_written_(std::move(audit_written)) {}

  PostView get(const Principal* who, std::int64_t post_id);
  CreatedPost edit(const Principal* who, const RequestMeta& meta, std::int64_t post_id, const PostInput& input);
  PostView remove_own(const Principal* who, const RequestMeta& meta, std::int64_t post_id);
  PostView hide(const Principal* who, const RequestMeta& meta, std::int64_t post_id, std::string_view reason);
  PostView unhide(const Principal* who, const RequestMeta& meta, std::int64_t post_id, std::string_view reason);
  std::vector<store::RevisionRow> history(const Principal* who, std::int64_t post_id);

  ReactionSummary react(const Principal* who, const RequestMeta& meta, std::int64_t post_id, std::string_view kind, bool add);
  // Who reacted: for the author and staff only.
  std::vector<store::ReactorRow> reactors(const Principal* who, std::int64_t post_id);

  MyPostsPage mine(const Principal* who, std::optional<std::int64_t> before_id);

 private:
  store::Database& db_;
  NotificationService& notifications_;
  CaseService& cases_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services
