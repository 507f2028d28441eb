#pragma once
// The one path by which new member content is written: the moderation gate decides, the post
// is stored published or held (with its queue item), people are told if it is published, and
// the draft it came from is removed, all in the caller's writer transaction.
#include "services/moderation_gate.hpp"
#include "services/notification_service.hpp"
#include "services/post_view.hpp"
#include "store/post_repo.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
class Database;
}

namespace harbour::services {

class NotificationService;
class CaseService;

// Where a committed write is announced: notifications to people, and new safeguarding cases to
// the clinicians on shift.
struct PostAnnouncers {
  NotificationService& notifications;
  CaseService& cases;
};

// What an author sent, before validation.
struct PostInput {
  std::optional<std::string> title;
  std::string body;
  std::vector<std::string> content_notes;
  std::optional<std::string> draft_key;
};

// A post as its author now sees it, and what the gate decided.
struct CreatedPost {
  PostView post;
  GateDecision decision;
};

struct WrittenPost {
  std::int64_t post_id = 0;
  GateDecision decision;
  std::vector<Notice> notifications;  // to publish live after the commit
  std::optional<std::int64_t> case_id;      // a safeguarding case opened by this write
  std::optional<std::int64_t> queued_network;  // a queue item opened in this network
};

// A silenced member is refused with 403 `silenced` before anything is decided. A risk match opens
// a safeguarding case in the same transaction (case_id) and keeps the post held; a flagged word
// publishes it and opens a queue item. `post.state` is ignored (the gate sets it). A refusal throws AppError{BadRequest,
// "content_refused"} with the gate's message, which rolls the job back: nothing is written.
WrittenPost write_new_post(store::Connection& c, store::NewPost post, bool author_is_staff,
                           const std::optional<std::string>& draft_key, std::chrono::system_clock::time_point when);

// An author's edit of their own post (title only for topics and blog posts): the old text goes
// to the history, then the gate decides again. A published post that is now held leaves public
// view until approved; a rejected post is resubmitted (held, with a new queue item); a held post
// stays held with its item. Refusal throws as above.
WrittenPost write_edit(store::Connection& c, const store::PostRow& before, const std::optional<std::string>& title,
                       std::string_view body, std::string_view content_notes, bool author_is_staff,
                       const std::optional<std::string>& draft_key, std::chrono::system_clock::time_point when);

// Runs `write` (which calls write_new_post or write_edit) as one writer job, pushes the
// notifications it created once committed, and returns the post as `who` now sees it.
CreatedPost commit_post_write(store::Database& db, const PostAnnouncers& announce, const Principal* who,
                              const std::function<WrittenPost(store::Connection&)>& write);

// The name of an outcome in the API: published | held | refused.
std::string_view outcome_name(GateDecision::Outcome outcome) noexcept;

}  // namespace harbour::services
