#include "services/markdown.hpp"

#include "core/app_error.hpp"

#include <cmark.h>
#include <utf8proc.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <memory>
#include <string>
#include <vector>

namespace harbour::services {
namespace {

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

std::string lower_scheme(std::string_view url) {
  const auto colon = url.find(':');
  if (colon == std::string_view::npos) return {};
  std::string scheme(url.substr(0, colon));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme;
}

struct NodeFree {
  void operator()(cmark_node* n) const noexcept { cmark_node_free(n); }
};
struct IterFree {
  void operator()(cmark_iter* i) const noexcept { cmark_iter_free(i); }
};

// Moves the children of `node` in front of it and removes it ("unwraps" a link or an image).
void unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node)) {
    cmark_node_insert_before(node, child);
  }
  cmark_node_unlink(node);
  cmark_node_free(node);
}

// A block that is not in the short profile becomes a paragraph of its inline content (a
// heading) or of its text (a code block).
void flatten_to_paragraph(cmark_node* node) {
  cmark_node* paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH);
  if (cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK) {
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    std::string literal = cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "";
    while (!literal.empty() && literal.back() == '\n') literal.pop_back();
    cmark_node_set_literal(text, literal.c_str());
    cmark_node_append_child(paragraph, text);
  } else {
    while (cmark_node* child = cmark_node_first_child(node)) cmark_node_append_child(paragraph, child);
  }
  cmark_node_replace(node, paragraph);
  cmark_node_free(node);
}

}  // namespace

bool allowed_link_url(std::string_view url) noexcept {
  // Leading spaces and control characters could hide a scheme from a naive check; refuse them.
  if (url.empty() || static_cast<unsigned char>(url.front()) <= 0x20) return false;
  if (url.starts_with("//")) return false;                      // protocol-relative: another host
  if (url.front() == '/' || url.front() == '#') return true;     // this site
  const auto scheme = lower_scheme(url);
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

std::string render_markdown(std::string_view source, MarkdownProfile profile) {
  if (!valid_utf8(source)) {
    throw core::AppError(core::ErrorKind::BadRequest, "invalid_utf8", "The text contains characters that are not valid UTF-8.");
  }
  std::unique_ptr<cmark_node, NodeFree> doc(cmark_parse_document(source.data(), source.size(), CMARK_OPT_DEFAULT));
  if (!doc) throw std::runtime_error("cmark could not parse the text");

  // Collect first, change afterwards: editing the tree while iterating it is undefined.
  std::vector<cmark_node*> to_unwrap;
  {
    std::unique_ptr<cmark_iter, IterFree> it(cmark_iter_new(doc.get()));
    for (auto ev = cmark_iter_next(it.get()); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(it.get())) {
      if (ev != CMARK_EVENT_ENTER) continue;
      cmark_node* node = cmark_iter_get_node(it.get());
      const auto type = cmark_node_get_type(node);
      if (type == CMARK_NODE_IMAGE) {
        to_unwrap.push_back(node);
      } else if (profile == MarkdownProfile::Short &&
                 (type == CMARK_NODE_HEADING || type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_BLOCK_QUOTE ||
                  type == CMARK_NODE_THEMATIC_BREAK)) {
        to_unwrap.push_back(node);
      } else if (type == CMARK_NODE_LINK) {
        const char* url = cmark_node_get_url(node);
        if (!url || !allowed_link_url(url)) to_unwrap.push_back(node);
      }
    }
  }
  // Innermost first (later in document order), so a parent is never freed before its child.
  for (auto n = to_unwrap.rbegin(); n != to_unwrap.rend(); ++n) {
    switch (cmark_node_get_type(*n)) {
      case CMARK_NODE_HEADING:
      case CMARK_NODE_CODE_BLOCK: flatten_to_paragraph(*n); break;
      case CMARK_NODE_THEMATIC_BREAK:
        cmark_node_unlink(*n);
        cmark_node_free(*n);
        break;
      default: unwrap(*n);  // links, images, block quotes: their content stays in place
    }
  }

  // CMARK_OPT_DEFAULT renders safely in cmark >= 0.29: raw HTML is replaced by a comment and
  // javascript:/vbscript:/file:/data: URLs are dropped (a second line of defence here).
  char* html = cmark_render_html(doc.get(), CMARK_OPT_DEFAULT);
  std::string out(html ? html : "");
  std::free(html);
  return out;
}

}  // namespace harbour::services
