#pragma once
// Member text to HTML: CommonMark rendered by cmark with raw HTML off (cmark's default since
// 0.29), and links limited to an allowlist of schemes (http, https, mailto, and site-relative
// paths). Images are never embedded: a remote image would tell its host who is reading (IP
// address, time), so an image becomes its description. Text is stored as written; this runs on
// the way out.
#include <string>
#include <string_view>

namespace harbour::services {

// Throws core::AppError{BadRequest, "invalid_utf8"} for text that is not valid UTF-8.
std::string render_markdown(std::string_view source);

// Whether a link target may be kept (scheme allowlist; "/path" but not "//host").
bool allowed_link_url(std::string_view url) noexcept;

}  // namespace harbour::services
