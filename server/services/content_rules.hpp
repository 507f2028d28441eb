#pragma once
// The rules every kind of content shares: who may read or post in a category (role bits), the
// content notes authors can add and readers can collapse, and length limits per kind. One place,
// so the forum, blogs, resources, search and the web client agree.
#include "services/principal.hpp"
#include "services/roles.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::services {

// ---- Audiences --------------------------------------------------------------------------------
// A role as a bit of a category's read_mask / post_mask (schema/migrations/0003_content.sql).
std::int64_t role_bit(Role role) noexcept;
inline constexpr std::int64_t kAllRolesMask = 31;
inline constexpr std::int64_t kStaffMask = 4 | 8 | 16;
// ["member", "carer"] -> 3; throws AppError{BadRequest, "invalid_audience"} for an unknown role.
std::int64_t roles_mask(std::span<const std::string> roles);
// 3 -> ["member", "carer"] in the order of the Role enum.
std::vector<std::string> mask_roles(std::int64_t mask);

// What a caller may do in one category of a network. Staff of the network and admins read and
// post everywhere (they moderate it); others need their role's bit and an active key.
// `who` may be null (nobody signed in: nothing).
bool may_read_category(const Principal* who, std::int64_t network_id, std::int64_t read_mask) noexcept;
bool may_post_category(const Principal* who, std::int64_t network_id, std::int64_t post_mask) noexcept;
// Staff of the network (with the second factor done) or an admin: sees held content, moderates.
bool is_network_staff(const Principal* who, std::int64_t network_id) noexcept;

// ---- Content notes ----------------------------------------------------------------------------
// A fixed list, so readers can choose in their settings which ones to collapse.
struct ContentNote {
  std::string_view key;    // stored and sent in the API
  std::string_view label;  // shown to people
};
std::span<const ContentNote> content_notes() noexcept;
// Parses the API's list of keys: unknown keys, duplicates or more than 4 give
// AppError{BadRequest, "invalid_content_note"}. Returns them space-separated in list order, as
// stored in posts.content_notes.
std::string checked_content_notes(std::span<const std::string> keys);
// The stored form back to a list ("" -> {}).
std::vector<std::string> split_words(std::string_view stored);

// ---- Text -------------------------------------------------------------------------------------
enum class TextKind { TopicTitle, TopicBody, Reply, BlogTitle, BlogBody, Comment, WallMessage, ResourceTitle, ResourceBody, Summary, Transcript };

struct TextLimit {
  std::size_t min_chars;
  std::size_t max_chars;  // Unicode code points
};
TextLimit text_limit(TextKind kind) noexcept;

// Trims surrounding white space and checks the text: valid UTF-8 (400 invalid_utf8), no control
// characters other than tab and line breaks, no NUL (400 invalid_text), and the length limit of
// its kind (400 text_too_short / text_too_long, naming `field`). Returns the trimmed text.
std::string checked_text(std::string_view raw, TextKind kind, std::string_view field);

// Unicode code points in valid UTF-8.
std::size_t code_point_count(std::string_view utf8) noexcept;

}  // namespace harbour::services
