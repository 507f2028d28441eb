#pragma once
// Drafts saved server-side as people type (nothing typed is lost), and reading settings (which content notes to collapse).
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Database;
}

namespace harbour::services {

// Drafts one person may keep.
inline constexpr std::int64_t kMaxDraftsPerUser = 50;
inline constexpr std::size_t kDraftTitleMaxChars = 200;
inline constexpr std::size_t kDraftBodyMaxChars = 40'000;

// Whether `key` names a place to write: topic-<category id>, reply-<topic id>,
// blog-<network slug>, comment-<blog post id> or edit-<post id> (ids: positive, no leading zero,
// at most 18 digits; slugs: 2 to 40 of a-z, 0-9 and -).
bool valid_draft_key(std::string_view key) noexcept;

struct DraftSummary {
  std::string key;
  std::string network;  // slug
  std::string title;
  std::string updated_at;
};

struct Draft {
  std::string key;
  std::string network;  // slug
  std::string title;
  std::string body;
  std::vector<std::string> content_notes;
  std::string updated_at;
};

struct DraftInput {
  std::string network;  // slug: the caller must hold an active key to it
  std::string title;    // may be empty
  std::string body;     // may be empty
  std::vector<std::string> content_notes;
};

struct SavedDraft {
  std::string key;
  std::string updated_at;
};

class DraftService {
 public:
  explicit DraftService(store::Database& db) : db_(db) {}

  // Every method: the caller signed in and not suspended. A draft is its owner's alone: any key
  // of anyone else's reads as no draft at all.
  std::vector<DraftSummary> list(const Principal* who);  // most recently saved first
  Draft get(const Principal* who, std::string_view key);  // 404 draft_not_found
  // 400 invalid_draft_key, invalid_utf8, text_too_long, invalid_content_note; 404
  // network_not_found; 409 too_many_drafts when this would be the 51st.
  SavedDraft save(const Principal* who, const RequestMeta& meta, std::string_view key, const DraftInput& input);
  // Deleting a draft that is not there is not an error (it may have become a post already).
  void remove(const Principal* who, std::string_view key);

  // Content note keys the caller collapses (every note until they choose).
  std::vector<std::string> collapsed_notes(const Principal* who);
  // Unknown keys: 400 invalid_content_note. Returns the keys as stored (the list's order, once each).
  std::vector<std::string> set_collapsed_notes(const Principal* who, const RequestMeta& meta,
                                               const std::vector<std::string>& keys);

 private:
  store::Database& db_;
};

}  // namespace harbour::services
