#include "support/checks.hpp"

#include "http/headers.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace harbour::fuzz {

void fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "\n==harbour-fuzz== property violated: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) {
    const auto shown = printable(detail, 2000);
    std::fprintf(stderr, "==harbour-fuzz== %s\n", shown.c_str());
  }
  std::fflush(stderr);
  std::abort();
}

std::string printable(std::string_view bytes, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (bytes.size() > max) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has_ctl(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\r' || c == '\n' || c == 0) return true;
  }
  return false;
}

}  // namespace

void check_response(const http::Response& r, const ResponseRules& rules, std::string_view what) {
  const auto body = r.body_view();
  const auto context = std::string(what) + "\nstatus " + std::to_string(r.status) + "\nbody: " + printable(body, 600);
  if (r.status < 100 || r.status > 599) fail("status outside 100..599", context);
  if (r.status >= 500 && r.status != 503) fail("a 5xx other than 503 (an internal error reached the client)", context);

  const auto& h = r.headers;
  for (const auto& [name, value] : h) {
    if (name.empty() || has_ctl(name) || has_ctl(value)) fail("a header with CR, LF or NUL (header injection)", context + "\n" + name + ": " + value);
  }
  const auto csp = h.get("Content-Security-Policy");
  if (!csp || csp->find("frame-ancestors 'none'") == std::string_view::npos || csp->find("script-src 'self'") == std::string_view::npos) {
    fail("no strict Content-Security-Policy", context);
  }
  if (h.get("X-Content-Type-Options") != std::optional<std::string_view>("nosniff")) fail("no X-Content-Type-Options: nosniff", context);
  if (h.get("Referrer-Policy") != std::optional<std::string_view>("no-referrer")) fail("no Referrer-Policy: no-referrer", context);
  if (rules.tls && !h.has("Strict-Transport-Security")) fail("no Strict-Transport-Security over TLS", context);
  if (rules.from_app && !h.has("X-Request-Id")) fail("no X-Request-Id", context);

  const auto type = h.get("Content-Type");
  const bool json_body = type && type->starts_with("application/json");
  if (json_body && !body.empty()) {
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) fail("a JSON answer that does not parse", context);
    if (r.status >= 400) {
      const auto e = parsed.find("error");
      if (!parsed.is_object() || e == parsed.end() || !e->is_object() || !e->contains("code") || !(*e)["code"].is_string() ||
          !e->contains("message") || !(*e)["message"].is_string()) {
        fail("an error answer without {\"error\":{\"code\",\"message\"}}", context);
      }
    }
  }
  if (r.status >= 400 && (!json_body || body.empty())) fail("an error answer that is not JSON", context);

  for (const auto& [name, value] : h) {
    if (!http::iequals(name, "Set-Cookie")) continue;
    if (!value.starts_with("__Host-")) fail("a cookie without the __Host- prefix", context + "\n" + value);
    const auto v = lower(value);
    if (v.find("; secure") == std::string::npos || v.find("; httponly") == std::string::npos ||
        v.find("; samesite=strict") == std::string::npos || v.find("; path=/") == std::string::npos ||
        v.find("domain=") != std::string::npos) {
      fail("a session cookie without Secure; HttpOnly; SameSite=Strict; Path=/", context + "\n" + value);
    }
  }
  if (!rules.secret_path.empty() && body.find(rules.secret_path) != std::string_view::npos) {
    fail("the data folder's path reached a client", context);
  }
}

// ---- HTML ------------------------------------------------------------------------------------

std::string decode_entities(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    std::size_t j = i + 1;
    std::uint32_t cp = 0;
    bool numeric = false;
    if (j < text.size() && text[j] == '#') {
      numeric = true;
      ++j;
      const bool hex = j < text.size() && (text[j] == 'x' || text[j] == 'X');
      if (hex) ++j;
      const auto start = j;
      while (j < text.size() && (hex ? std::isxdigit(static_cast<unsigned char>(text[j])) : std::isdigit(static_cast<unsigned char>(text[j])))) {
        if (cp < 0x110000) cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(text[j])) ? text[j] - '0' : (std::tolower(static_cast<unsigned char>(text[j])) - 'a' + 10));
        ++j;
      }
      if (j == start) {
        out += text[i++];
        continue;
      }
      if (j < text.size() && text[j] == ';') ++j;
    } else {
      const auto start = j;
      while (j < text.size() && std::isalnum(static_cast<unsigned char>(text[j]))) ++j;
      const auto name = text.substr(start, j - start);
      if (j < text.size() && text[j] == ';') ++j;
      static const std::pair<std::string_view, std::uint32_t> kNames[] = {
          {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"colon", ':'}, {"tab", '\t'},
          {"newline", '\n'}, {"sol", '/'}, {"bsol", '\\'}, {"num", '#'}, {"lpar", '('}, {"rpar", ')'}, {"period", '.'}};
      bool found = false;
      for (const auto& [n, c] : kNames) {
        if (n == name) cp = c, found = true;
      }
      if (!found) {
        out += text[i++];
        continue;
      }
    }
    (void)numeric;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else {
      out += '?';  // outside ASCII: never part of a scheme name
    }
    i = j;
  }
  return out;
}

std::string browser_scheme(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  std::string scheme;
  for (; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == ':') return lower(scheme);
    if (!(std::isalnum(c) || c == '+' || c == '-' || c == '.')) return {};
    scheme += static_cast<char>(c);
  }
  return {};
}

std::string unsafe_html(std::string_view html) {
  const auto low = lower(html);
  for (const char* element : {"<script", "<iframe", "<object", "<embed", "<style", "<svg", "<math", "<link", "<meta", "<base", "<form"}) {
    if (low.find(element) != std::string::npos) return std::string("element ") + element;
  }
  // Walk the tags and their attributes.
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] != '<') continue;
    std::size_t j = i + 1;
    if (j < html.size() && (html[j] == '/' || html[j] == '!')) continue;  // end tags, comments
    while (j < html.size() && std::isalnum(static_cast<unsigned char>(html[j]))) ++j;
    const std::string tag = lower(html.substr(i + 1, j - i - 1));
    if (tag.empty()) return "a '<' that is not escaped";
    // attributes until '>'
    while (j < html.size() && html[j] != '>') {
      while (j < html.size() && (html[j] == ' ' || html[j] == '\n' || html[j] == '\t' || html[j] == '/')) ++j;
      const auto name_start = j;
      while (j < html.size() && html[j] != '=' && html[j] != ' ' && html[j] != '>' && html[j] != '\n' && html[j] != '\t') ++j;
      const std::string name = lower(html.substr(name_start, j - name_start));
      std::string value;
      if (j < html.size() && html[j] == '=') {
        ++j;
        if (j < html.size() && (html[j] == '"' || html[j] == '\'')) {
          const char q = html[j++];
          const auto end = html.find(q, j);
          if (end == std::string_view::npos) return "an attribute value that is not closed in <" + tag + ">";
          value = std::string(html.substr(j, end - j));
          j = end + 1;
        } else {
          const auto start = j;
          while (j < html.size() && html[j] != ' ' && html[j] != '>') ++j;
          value = std::string(html.substr(start, j - start));
        }
      }
      if (name.empty()) continue;
      if (name.starts_with("on")) return "event-handler attribute " + name + " in <" + tag + ">";
      if (name == "style") return "style attribute in <" + tag + ">";
      if (name == "href" || name == "src" || name == "action" || name == "formaction" || name == "xlink:href" ||
          name == "srcset" || name == "poster" || name == "background") {
        const auto decoded = decode_entities(value);
        const auto scheme = browser_scheme(decoded);
        if (!scheme.empty() && scheme != "http" && scheme != "https" && scheme != "mailto") {
          return "scheme '" + scheme + ":' in " + name + " of <" + tag + ">";
        }
        // A relative URL the browser reads as another host: //evil, /\evil, \\evil.
        std::string_view u = decoded;
        while (!u.empty() && static_cast<unsigned char>(u.front()) <= 0x20) u.remove_prefix(1);
        if (scheme.empty() && u.size() >= 2 && (u[0] == '/' || u[0] == '\\') && (u[1] == '/' || u[1] == '\\')) {
          return "protocol-relative URL in " + name + " of <" + tag + ">";
        }
      }
    }
    i = j;
  }
  return {};
}

}  // namespace harbour::fuzz
