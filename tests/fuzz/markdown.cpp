// Fuzz target: services/markdown (cmark with raw HTML off, the link scheme allowlist, images
// reduced to their description, the Wall's short profile) and its URL filter.
//
// Input: any text, rendered with both profiles. Properties (abort when violated):
//  - render_markdown returns, or throws core::AppError for text that is not UTF-8 (nothing else);
//  - the HTML holds no <script>, <iframe>, <object>, <embed>, <style>, <svg>, <img> ... element,
//    no on*= event handler or style attribute, no unescaped '<', and every href/src is http:,
//    https:, mailto:, a path of this site or a #fragment, never javascript:, vbscript:, data: or
//    any other scheme, whatever the case, character references, controls or whitespace
//    (support/checks.hpp unsafe_html);
//  - the HTML is valid UTF-8;
//  - the short profile has no heading, code block, block quote or rule;
//  - allowed_link_url(input) is true only for a URL a browser would read as http(s):, mailto:,
//    or a path/fragment of this site.
#include "core/app_error.hpp"
#include "services/markdown.hpp"
#include "support/checks.hpp"

#include <cstdint>
#include <string>
#include <typeinfo>

namespace {

using namespace harbour;

std::string render(std::string_view text, services::MarkdownProfile profile, const char* name) {
  try {
    return services::render_markdown(text, profile);
  } catch (const core::AppError& e) {
    if (e.code() != "invalid_utf8") fuzz::fail(std::string(name) + ": AppError " + e.code(), text);
    if (fuzz::valid_utf8(text) && text.find('\0') == std::string_view::npos) {
      fuzz::fail(std::string(name) + ": valid UTF-8 refused as invalid_utf8", text);
    }
    return {};
  } catch (const std::exception& e) {
    fuzz::fail(std::string(name) + ": " + typeid(e).name() + " escaped: " + e.what(), text);
  }
}

void check_html(std::string_view source, const std::string& html, const char* name) {
  if (const auto problem = fuzz::unsafe_html(html); !problem.empty()) {
    fuzz::fail(std::string(name) + ": unsafe HTML: " + problem, "source: " + fuzz::printable(source) + "\nhtml: " + html);
  }
  if (html.find("<img") != std::string::npos) fuzz::fail(std::string(name) + ": an image was embedded", html);
  if (!fuzz::valid_utf8(html)) fuzz::fail(std::string(name) + ": HTML that is not UTF-8", html);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto full = render(text, services::MarkdownProfile::Full, "full profile");
  check_html(text, full, "full profile");

  const auto short_html = render(text, services::MarkdownProfile::Short, "short profile");
  check_html(text, short_html, "short profile");
  for (const char* element : {"<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<pre", "<blockquote", "<hr"}) {
    if (short_html.find(element) != std::string::npos) {
      fuzz::fail(std::string("short profile: ") + element + " in the Wall's subset", "source: " + fuzz::printable(text) + "\nhtml: " + short_html);
    }
  }

  // The URL filter on its own (cmark hands it URLs with entities and escapes already decoded).
  if (services::allowed_link_url(text)) {
    const auto scheme = fuzz::browser_scheme(text);
    if (!scheme.empty() && scheme != "http" && scheme != "https" && scheme != "mailto") {
      fuzz::fail("allowed_link_url accepted scheme '" + scheme + ":'", text);
    }
    if (scheme.empty() && text.size() >= 2 && (text[0] == '/' || text[0] == '\\') && (text[1] == '/' || text[1] == '\\')) {
      // "/\host" is read as "//host" by browsers; harmless only because cmark escapes '\' in
      // href as %5C, so only "//" is checked here.
      if (text[1] == '/') fuzz::fail("allowed_link_url accepted a protocol-relative URL", text);
    }
  }
  return 0;
}
