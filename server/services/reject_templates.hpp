#pragma once
// The kind words a moderator can send with a post that is not published, each tied to a part of
// the community guidelines, so authors hear the same thing whoever reads their post. The web
// client lists them from GET /api/v1/moderation/reject-templates.
#include <span>
#include <string_view>

namespace harbour::services {

struct RejectTemplate {
  std::string_view key;
  std::string_view label;  // for the moderator's choice
  std::string_view text;   // what the author reads
  bool needs_note;         // "other" says little on its own
};

std::span<const RejectTemplate> reject_templates() noexcept;
// nullptr for a key that is not in the list.
const RejectTemplate* find_reject_template(std::string_view key) noexcept;

}  // namespace harbour::services
