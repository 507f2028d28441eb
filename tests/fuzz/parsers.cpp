// Fuzz target: the small parsers that see client input before any handler does.
//
// The first byte of the input picks the parser, the rest is its input:
//   c  cookie header (http/cookies): cookie_value, and session_set_cookie round trip
//   t  request target and query (http/request, api/params): split_target, percent_decode,
//      query_param, int_query, id_param, parse_method
//   s  session token and CSRF (api/session_middleware on the fixture's database): a method line,
//      then "Name: value" header lines; ${member}, ${member.csrf} ... expand to live values
//   i  invitation token (services/account_service preview_invitation); ${invitation} is open
//   o  second factor: verify_totp, normalise_recovery_code, base32_decode / base32_encode
//   p  pseudonym and password policies (check_pseudonym, pseudonym_key, check_password)
//   a  the audit anchor file (services/audit_anchor): read, write, read again
//   g  configuration values (core/config): one HARBOUR_* variable (picked by the next byte)
//      and one command-line flag set to the rest; parse_listen_address
//   x  X-Forwarded-For from the trusted proxy (api::client_ip)
//   e  live event ids (live::event_id_of), role names, constant_time_equal
//   q  search text (services/search_service fts5_query): AppError, or a query FTS5 accepts
//      (run against a table with the tokenizer of post_search)
// Any other first byte picks one of these by its value. Properties are stated next to each.
#include "api/params.hpp"
#include "api/session_middleware.hpp"
#include "core/app_error.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "http/cookies.hpp"
#include "http/request.hpp"
#include "live/hub.hpp"
#include "services/audit_anchor.hpp"
#include "services/password_policy.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/roles.hpp"
#include "services/search_service.hpp"
#include "services/session_service.hpp"
#include "services/totp.hpp"
#include "store/connection.hpp"
#include "store/db_error.hpp"
#include "support/checks.hpp"
#include "support/fuzz_app.hpp"

#include <cctype>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <typeinfo>

namespace {

using namespace harbour;
using fuzz::fail;

template <class F>
void app_error_only(F&& f, const std::string& what, std::string_view input) {
  try {
    f();
  } catch (const core::AppError&) {
  } catch (const std::exception& e) {
    fail(what + ": " + typeid(e).name() + " escaped: " + e.what(), input);
  }
}

std::string upper_without(std::string_view s, std::string_view drop) {
  std::string out;
  for (const char c : s) {
    if (drop.find(c) != std::string_view::npos) continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// ---- c: cookies -----------------------------------------------------------------------------
void cookies(std::string_view in) {
  for (const std::string_view name : {services::kSessionCookie, std::string_view("a"), std::string_view("")}) {
    const auto v = http::cookie_value(in, name);
    if (!v) continue;
    // A view into the header, never across a ';'.
    if (v->data() < in.data() || v->data() + v->size() > in.data() + in.size()) fail("cookie_value: a view outside the header", in);
    if (v->find(';') != std::string_view::npos) fail("cookie_value: a value holding ';'", in);
  }
  // What we set, we read back (for a token-like value).
  std::string value;
  for (const char c : in) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') value += c;
  }
  const auto set = http::session_set_cookie(services::kSessionCookie, value, std::chrono::seconds(60));
  const auto back = http::cookie_value(set, services::kSessionCookie);
  if (!back || *back != value) fail("session_set_cookie does not read back with cookie_value", set);
}

// ---- t: request target ----------------------------------------------------------------------
void target(std::string_view in) {
  std::string path, query;
  if (http::split_target(in, path, query)) {
    if (path.empty() || path.front() != '/') fail("split_target: a path that does not start with '/'", in);
    if (path.find('\0') != std::string::npos) fail("split_target: a path holding NUL", in);
    if (!in.starts_with("/")) fail("split_target accepted a target that is not origin-form", in);
  }
  for (const bool plus : {false, true}) {
    if (const auto d = http::percent_decode(in, plus); d && d->find('\0') != std::string::npos) fail("percent_decode: NUL", in);
  }
  http::Request req;
  req.path = path;
  const auto q = in.find('?');
  req.query = q == std::string_view::npos ? std::string(in) : std::string(in.substr(q + 1));
  for (const char* name : {"network", "before", "after", "q", "wall", "limit", "", "a b"}) {
    if (const auto v = req.query_param(name); v && v->find('\0') != std::string::npos) fail("query_param: NUL", in);
    app_error_only(
        [&] {
          if (const auto v = api::int_query(req, name, 1, 1000); v && (*v < 1 || *v > 1000)) fail("int_query: out of its range", in);
        },
        "int_query", in);
  }
  req.params["id"] = std::string(in.substr(0, in.find('/', 1)));
  app_error_only([&] { if (api::id_param(req, "id") <= 0) fail("id_param: not positive", in); }, "id_param", in);
  const auto m = http::parse_method(in);
  if (m != http::Method::Other && http::method_name(m) != in) fail("parse_method: a method that does not name itself", in);
}

// ---- s: session cookie and CSRF -------------------------------------------------------------
void session(std::string_view raw) {
  auto& fx = fuzz::AppFixture::instance();
  fx.heal();
  const auto in = fx.expand(raw);
  http::Request req;
  std::size_t at = 0;
  auto line = [&]() -> std::optional<std::string_view> {
    if (at >= in.size()) return std::nullopt;
    auto end = in.find('\n', at);
    if (end == std::string::npos) end = in.size();
    std::string_view l(in.data() + at, end - at);
    at = end + 1;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return l;
  };
  req.method_text = std::string(line().value_or("GET"));
  req.method = http::parse_method(req.method_text);
  while (auto l = line()) {
    const auto colon = l->find(':');
    if (colon == std::string_view::npos) continue;
    auto value = l->substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.add(l->substr(0, colon), value);
  }
  req.path = "/api/v1/fuzz";
  req.remote_ip = fx.next_ip();
  http::Context ctx{&fx.services(), nullptr, {}};
  bool reached = false;
  std::shared_ptr<const services::Principal> who;
  try {
    api::session_middleware(req, ctx, [&](http::Request&, http::Context& c) {
      reached = true;
      who = c.principal;
      return http::Response::no_content();
    });
  } catch (const core::AppError&) {
  } catch (const std::exception& e) {
    fail(std::string("session_middleware: ") + typeid(e).name() + " escaped: " + e.what(), in);
  }
  if (!reached) return;
  if (who) {
    // Only a live token of the fixture signs anyone in, and as its own person.
    const auto token = http::cookie_value(req.headers.get("Cookie").value_or(""), services::kSessionCookie);
    bool known = false;
    for (const auto w : {fuzz::Who::Member, fuzz::Who::Staff, fuzz::Who::Admin}) {
      if (!token || *token != fx.person(w).token) continue;
      known = true;
      if (who->user_id != fx.person(w).user_id) fail("a token signed in someone else", in);
    }
    if (!known) fail("a cookie that is not a live session token resolved to a person", in);
  }
  const bool unsafe = req.method != http::Method::Get && req.method != http::Method::Head && req.method != http::Method::Options;
  if (!unsafe) return;
  if (const auto site = req.headers.get("Sec-Fetch-Site"); site && *site != "same-origin" && *site != "none") {
    fail("CSRF: a cross-site Sec-Fetch-Site passed", in);
  }
  if (const auto origin = req.headers.get("Origin")) {
    const auto host = req.headers.get("Host");
    const auto sep = origin->find("://");
    if (!host || sep == std::string_view::npos || origin->substr(sep + 3) != *host) fail("CSRF: a foreign Origin passed", in);
  }
  if (who && req.headers.get("X-CSRF-Token") != std::optional<std::string_view>(who->csrf_token)) {
    fail("CSRF: an unsafe signed-in request without the session's token passed", in);
  }
}

// ---- i: invitation tokens -------------------------------------------------------------------
void invitation(std::string_view raw) {
  auto& fx = fuzz::AppFixture::instance();
  fx.heal();
  const auto token = fx.expand(raw);
  try {
    const auto p = fx.services().accounts().preview_invitation(token, std::chrono::system_clock::now());
    if (token != fx.invitation()) fail("an invitation preview for a token that was never issued", token);
    if (p.network_slug != "default" || p.role != "member") fail("an invitation preview of the wrong key", token);
  } catch (const core::AppError&) {
    if (token == fx.invitation()) fail("the open invitation was refused", token);
  } catch (const std::exception& e) {
    fail(std::string("preview_invitation: ") + typeid(e).name() + " escaped: " + e.what(), token);
  }
}

// ---- o: TOTP, recovery codes, base32 --------------------------------------------------------
void second_factor(std::string_view in) {
  static const std::string secret = "12345678901234567890";  // RFC 6238's test secret
  const auto now = std::chrono::system_clock::now();
  try {
    if (const auto step = services::verify_totp(secret, in, now, std::nullopt)) {
      std::string digits;
      for (const char c : in) {
        if (c != ' ' && c != '-') digits += c;
      }
      bool matches = false;
      for (const int d : {-1, 0, 1}) matches = matches || digits == services::totp_code(secret, now + std::chrono::seconds(30 * d));
      // The clock may have moved on a step between the two reads: check the step itself.
      if (!matches && digits != services::totp_code(secret, std::chrono::system_clock::time_point(std::chrono::seconds(*step * 30)))) {
        fail("verify_totp accepted a code that is not the code of its step", in);
      }
    }
    const auto n = services::normalise_recovery_code(in);
    if (services::normalise_recovery_code(n) != n) fail("normalise_recovery_code is not idempotent", in);
    if (const auto bytes = core::base32_decode(in)) {
      const auto again = core::base32_encode(*bytes);
      if (again != upper_without(in, " -=")) fail("base32_decode accepted a text that is not the encoding of its bytes", in);
    }
    const auto enc = core::base32_encode(in);
    if (core::base32_decode(enc) != std::optional<std::string>(std::string(in))) fail("base32 does not round-trip", in);
  } catch (const std::exception& e) {
    fail(std::string("second factor parsers: ") + typeid(e).name() + " escaped: " + e.what(), in);
  }
}

// ---- p: pseudonyms and passwords ------------------------------------------------------------
void names(std::string_view in) {
  app_error_only(
      [&] {
        const auto p = services::check_pseudonym(in);
        if (p.display.empty() || !fuzz::valid_utf8(p.display)) fail("check_pseudonym: an empty or invalid display name", in);
        if (p.display.front() == ' ' || p.display.back() == ' ') fail("check_pseudonym: a name with outer spaces", in);
        if (p.key != services::pseudonym_key(p.display)) fail("check_pseudonym: a key that is not pseudonym_key(display)", in);
        // Stable: the display form passes again with the same key.
        const auto again = services::check_pseudonym(p.display);
        if (again.display != p.display || again.key != p.key) fail("check_pseudonym is not stable on its own output", in);
      },
      "check_pseudonym", in);
  app_error_only([&] { (void)services::pseudonym_key(in); }, "pseudonym_key", in);
  app_error_only([&] { services::check_password(in, "Demo Member"); }, "check_password", in);
  const auto half = in.substr(0, in.size() / 2);
  app_error_only([&] { services::check_password(in.substr(in.size() / 2), half); }, "check_password(with pseudonym)", in);
}

// ---- a: audit anchor file -------------------------------------------------------------------
void anchor(std::string_view in) {
  static const auto folder = fuzz::make_temp_folder();
  const auto file = folder / "audit.anchor";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(in.data(), static_cast<std::streamsize>(in.size()));
  }
  std::optional<services::AuditAnchor> a;
  try {
    a = services::read_audit_anchor(file);
  } catch (const std::runtime_error&) {
    return;  // a damaged anchor is reported, as documented
  } catch (const std::exception& e) {
    fail(std::string("read_audit_anchor: ") + typeid(e).name() + " escaped: " + e.what(), in);
  }
  if (!a) fail("read_audit_anchor: nullopt for a file that exists", in);
  if (a->last_id < 0 || !services::is_audit_hash_hex(a->last_hash_hex)) fail("read_audit_anchor accepted a malformed anchor", in);
  const auto copy = folder / "copy.anchor";
  services::write_audit_anchor(copy, *a);
  const auto b = services::read_audit_anchor(copy);
  if (!b || b->last_id != a->last_id || b->last_hash_hex != a->last_hash_hex) fail("the anchor does not round-trip", in);
}

// ---- g: configuration values ----------------------------------------------------------------
void config(std::string_view in) {
  const auto& keys = core::config_keys();
  if (in.empty() || keys.empty()) return;
  const auto& key = keys[static_cast<unsigned char>(in[0]) % keys.size()];
  const std::string value(in.substr(1));
  auto attempt = [&](const std::map<std::string, std::string>& env, const std::map<std::string, std::string>& flags) {
    try {
      (void)core::load_config({}, env, flags);
    } catch (const core::ConfigError& e) {
      if (e.key().empty()) fail(std::string("ConfigError that names no key: ") + e.what(), in);
    } catch (const std::exception& e) {
      fail("load_config(" + key.key + "): " + typeid(e).name() + " escaped instead of ConfigError: " + e.what(), in);
    }
  };
  attempt({{key.env, value}}, {});
  attempt({}, {{key.key, value}});
  try {
    const auto l = core::parse_listen_address(value);
    if (l.host.empty()) fail("parse_listen_address: an empty host", in);
  } catch (const std::invalid_argument&) {
  } catch (const std::exception& e) {
    fail(std::string("parse_listen_address: ") + typeid(e).name() + " escaped: " + e.what(), in);
  }
}

// ---- x: X-Forwarded-For ---------------------------------------------------------------------
void forwarded(std::string_view in) {
  http::Request req;
  req.remote_ip = "127.0.0.1";
  req.headers.set("X-Forwarded-For", in);
  const auto ip = api::client_ip(req, "127.0.0.1");
  if (ip != "127.0.0.1") {
    if (ip.empty() || ip.size() > 45 || ip.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
      fail("client_ip believed a forwarded address that is not an IP literal", in);
    }
  }
  if (api::client_ip(req, "") != "127.0.0.1") fail("client_ip believed X-Forwarded-For without a trusted proxy", in);
}

// ---- e: event ids, roles, comparisons -------------------------------------------------------
void misc(std::string_view in) {
  const std::string frame(in);
  if (const auto id = live::event_id_of(frame); id != 0 && !frame.starts_with("{\"event_id\":")) {
    fail("event_id_of found an id in a frame that does not start with it", in);
  }
  if (const auto role = services::parse_role(in); role && services::role_name(*role) != in) fail("parse_role does not round-trip", in);
  const auto a = in.substr(0, in.size() / 2), b = in.substr(in.size() / 2);
  if (core::constant_time_equal(a, b) != (a == b)) fail("constant_time_equal disagrees with ==", in);
}

// ---- q: search text ------------------------------------------------------------------------
void search(std::string_view in) {
  static store::Connection* fts = [] {
    auto* c = new store::Connection(store::Connection::open(fuzz::make_temp_folder() / "fts.db", store::Connection::Mode::ReadWrite));
    c->exec("CREATE VIRTUAL TABLE s USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')");
    c->exec("INSERT INTO s (title, body) VALUES ('Evenings', 'Sleep routines and a walk by the river help me')");
    return c;
  }();
  std::string query;
  try {
    query = services::fts5_query(in);
  } catch (const core::AppError&) {
    return;
  } catch (const std::exception& e) {
    fail(std::string("fts5_query: ") + typeid(e).name() + " escaped: " + e.what(), in);
  }
  try {
    auto& st = fts->prepare("SELECT count(*) FROM s WHERE s MATCH ?1");
    st.bind(1, query);
    (void)st.step();
    st.reset();
  } catch (const store::DbError& e) {
    fail("FTS5 refused what fts5_query made (the search answers 'could not be run'): " + std::string(e.what()),
         "input: " + fuzz::printable(in) + "\nquery: " + fuzz::printable(query));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  static constexpr char kTags[] = "ctsiopagxeq";
  char tag = static_cast<char>(data[0]);
  if (std::string_view(kTags).find(tag) == std::string_view::npos) tag = kTags[data[0] % (sizeof kTags - 1)];
  switch (tag) {
    case 'c': cookies(in); break;
    case 't': target(in); break;
    case 's': session(in); break;
    case 'i': invitation(in); break;
    case 'o': second_factor(in); break;
    case 'p': names(in); break;
    case 'a': anchor(in); break;
    case 'g': config(in); break;
    case 'x': forwarded(in); break;
    case 'q': search(in); break;
    default: misc(in); break;
  }
  return 0;
}
