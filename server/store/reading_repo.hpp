#pragma once
// Drafts and reading settings (which content notes a reader collapses).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

// The content note keys this reader collapses; nullopt when they never chose (the service then
// collapses every note).
std::optional<std::vector<std::string>> collapsed_notes(Connection& c, std::int64_t user_id);
// `stored`: space-separated keys, already checked.
void set_collapsed_notes(Connection& c, std::int64_t user_id, std::string_view stored, std::string_view now);

// Deletes the user's draft with this key, if any (a post created from it was committed).
void delete_draft(Connection& c, std::int64_t user_id, std::string_view draft_key);

struct DraftRow {
  std::string key;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::string title;
  std::string body;           // left empty by list_drafts
  std::string content_notes;  // space-separated keys
  std::string updated_at;
};

// The user's drafts, most recently saved first, without their bodies.
std::vector<DraftRow> list_drafts(Connection& c, std::int64_t user_id);
std::optional<DraftRow> find_draft(Connection& c, std::int64_t user_id, std::string_view draft_key);
std::int64_t count_drafts(Connection& c, std::int64_t user_id);
// Inserts or replaces the draft `d.key` (network_id, title, body, content_notes; updated_at = now).
void upsert_draft(Connection& c, std::int64_t user_id, const DraftRow& d, std::string_view now);

}  // namespace harbour::store
