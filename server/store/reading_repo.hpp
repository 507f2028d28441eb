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

// Deletes the user's draft with this key, if any (a post created from it was committed).
void delete_draft(Connection& c, std::int64_t user_id, std::string_view draft_key);

}  // namespace harbour::store
