#pragma once
// The one path by which new member content is written: the moderation gate decides, the post
// is stored published or held (with its queue item), people are told if it is published, and
// the draft it came from is removed, all in the caller's writer transaction.
#include "services/moderation_gate.hpp"
#include "store/post_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
}

namespace harbour::services {

struct WrittenPost {
  std::int64_t post_id = 0;
  GateDecision decision;
  std::vector<std::int64_t> notifications;  // to publish live after the commit
};

// `post.state` is ignored (the gate sets it). A refusal throws AppError{BadRequest,
// "content_refused"} with the gate's message, which rolls the job back: nothing is written.
WrittenPost write_new_post(store::Connection& c, store::NewPost post, bool author_is_staff,
                           const std::optional<std::string>& draft_key, std::string_view now);

// An author's edit of their own post (title only for topics and blog posts): the old text goes
// to the history, then the gate decides again. A published post that is now held leaves public
// view until approved; a rejected post is resubmitted (held, with a new queue item); a held post
// stays held with its item. Refusal throws as above.
WrittenPost write_edit(store::Connection& c, const store::PostRow& before, const std::optional<std::string>& title,
                       std::string_view body, std::string_view content_notes, bool author_is_staff,
                       const std::optional<std::string>& draft_key, std::string_view now);

// The message an outcome shows its author ("" when published).
std::string_view outcome_name(GateDecision::Outcome outcome) noexcept;

}  // namespace harbour::services
