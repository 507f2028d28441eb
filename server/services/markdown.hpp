#pragma once
// Member text to HTML: CommonMark rendered by cmark with raw HTML off (cmark's default since
// 0.29), and links limited to an allowlist of schemes (http, https, mailto, and site-relative
// paths). Images are never embedded: a remote image would tell its host who is reading (IP
// address, time), so an image becomes its description. Text is stored as written; this runs on
// the way out.
#include <string>
#include <string_view>

namespace harbour::services {

// Full: everything CommonMark has (forums, blogs, resources). Short: the subset for quick
// messages (the Wall): paragraphs, line breaks, emphasis, inline code, lists and links; headings,
// code blocks and block quotes become plain paragraphs and rules go, so nobody can shout in a
// feed with a giant heading.
enum class MarkdownProfile { Full, Short };

// Throws core::AppError{BadRequest, "invalid_utf8"} for text that is not valid UTF-8.
std::string render_markdown(std::string_view source, MarkdownProfile profile = MarkdownProfile::Full);

// Whether a link target may be kept (scheme allowlist; "/path" but not "//host").
bool allowed_link_url(std::string_view url) noexcept;

}  // namespace harbour::services
