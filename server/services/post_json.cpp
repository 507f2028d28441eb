#include "services/post_json.hpp"

#include "services/content_rules.hpp"
#include "services/markdown.hpp"
#include "store/wall_events_repo.hpp"

#include <nlohmann/json.hpp>

namespace harbour::services {
namespace {

using nlohmann::json;

// Plain text for lists and previews: Markdown punctuation dropped, white space folded, cut at a
// character boundary near `max_chars`.
std::string excerpt_of(std::string_view body, std::size_t max_chars) {
  std::string out;
  bool space = false;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < body.size() && chars < max_chars; ++i) {
    const char ch = body[i];
    if (ch == '*' || ch == '_' || ch == '#' || ch == '>' || ch == '`' || ch == '[' || ch == ']') continue;
    if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      ++chars;
      space = false;
    }
    out.push_back(ch);
    if ((static_cast<unsigned char>(ch) & 0xc0) != 0x80) ++chars;
  }
  // Do not end inside a multi-byte character.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xc0) == 0x80) {
    std::size_t start = out.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(out[start]) & 0xc0) == 0x80) --start;
    const auto lead = static_cast<unsigned char>(out[start]);
    const std::size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (out.size() - start == need) break;
    out.resize(start);
  }
  if (chars >= max_chars) out += "…";
  return out;
}

json optional_text(const std::optional<std::string>& s) { return s ? json(*s) : json(); }

}  // namespace

nlohmann::json post_json(const PostView& v, bool with_body) {
  const auto& r = v.row;
  json notes = json::array();
  for (const auto& key : split_words(r.content_notes)) {
    for (const auto& n : content_notes()) {
      if (n.key == key) notes.push_back({{"key", n.key}, {"label", n.label}});
    }
  }
  json reactions = json::object();
  for (const auto& [kind, n] : v.reactions) reactions[kind] = n;
  json out = {
      {"id", r.id},
      {"kind", r.kind},
      {"network", v.network_slug},
      {"author", {{"id", r.author_id}, {"pseudonym", r.author_pseudonym}, {"badge", v.badge.empty() ? json() : json(v.badge)},
                  {"muted", v.author_muted}}},
      {"title", v.show_text ? optional_text(r.title) : (r.title ? json("") : json())},
      {"excerpt", v.show_text ? excerpt_of(r.body, 200) : ""},
      {"content_notes", notes},
      {"collapsed", v.collapsed},
      {"state", r.state},
      {"state_reason", v.show_reason ? optional_text(r.state_reason) : json()},
      {"created_at", r.created_at},
      {"published_at", optional_text(r.published_at)},
      {"edited_at", optional_text(r.edited_at)},
      {"reactions", reactions},
      {"my_reactions", v.my_reactions},
      {"can_edit", v.can_edit},
      {"can_delete", v.can_delete},
      {"can_react", v.can_react},
  };
  if (with_body) {
    out["body"] = v.show_text ? r.body : "";
    out["body_html"] = v.show_text ? render_markdown(r.body, store::is_wall_kind(r.kind) ? MarkdownProfile::Short : MarkdownProfile::Full) : "";
  }
  if (r.kind == "topic") {
    out["category_id"] = r.category_id.value_or(0);
    out["pinned"] = r.pinned;
    out["locked"] = r.locked;
    out["reply_count"] = r.reply_count;
    out["last_activity_at"] = r.last_activity_at;
    out["unread"] = v.unread;
  }
  if (r.parent_id) out["parent_id"] = *r.parent_id;
  return out;
}

}  // namespace harbour::services
