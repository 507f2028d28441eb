#pragma once
// Properties the fuzz targets assert. A violated property prints what was wrong and calls
// abort(), which libFuzzer reports as a crash and saves the input of (crash-<sha1>).
#include "http/response.hpp"

#include <string>
#include <string_view>

namespace harbour::fuzz {

// Prints "harbour fuzz: property violated: <what>" (and `detail`, shortened) to stderr, aborts.
[[noreturn]] void fail(std::string_view what, std::string_view detail = {});

// Printable, shortened form of bytes for messages (non-printable bytes as \xNN).
std::string printable(std::string_view bytes, std::size_t max = 400);

bool valid_utf8(std::string_view text) noexcept;

struct ResponseRules {
  bool from_app = true;        // through the middleware chain: X-Request-Id present
  bool tls = true;             // HSTS expected
  std::string_view secret_path;  // must never appear in a body (the data folder)
};

// Every answer of Harbour, whatever the request:
//  - status in 100..599, and no 5xx but 503 (overload, storage busy, shutting down);
//  - the security headers of DESIGN.md §6 (CSP, nosniff, Referrer-Policy, frame-ancestors,
//    HSTS over TLS) and X-Request-Id when the app answered;
//  - a JSON body (Content-Type application/json) parses; an error status carries
//    {"error":{"code":string,"message":string}};
//  - a Set-Cookie for the session is Secure, HttpOnly, SameSite=Strict, Path=/;
//  - nothing internal (the data folder's path) in the body.
// `what` names the request in the failure message.
void check_response(const http::Response& r, const ResponseRules& rules, std::string_view what);

// The Markdown property (services/markdown): rendered HTML holds no <script, <iframe, <object,
// <embed, <style or <svg element, no on*= event-handler attribute, no style attribute, and every
// href/src is http:, https:, mailto:, a path of this site or a #fragment (never javascript:,
// vbscript:, data:, file: ..., whatever the case, entities, control characters or whitespace).
// Returns "" when the HTML is safe, otherwise what is wrong.
std::string unsafe_html(std::string_view html);

// Decodes HTML character references (&amp; &#106; &#x6A; &colon; ...) the way a browser would
// in an attribute value (enough for the schemes we test).
std::string decode_entities(std::string_view text);

// A URL's scheme as a browser sees it: leading C0 controls and spaces skipped, tabs and
// newlines removed, lower case, up to ':'; "" when there is none (a relative URL).
std::string browser_scheme(std::string_view url);

}  // namespace harbour::fuzz
