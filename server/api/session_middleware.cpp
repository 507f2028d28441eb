#include "api/session_middleware.hpp"

#include "core/app_error.hpp"
#include "core/crypto.hpp"
#include "http/cookies.hpp"
#include "http/router.hpp"
#include "services/principal.hpp"
#include "services/services.hpp"

namespace harbour::api {
namespace {

using core::AppError;
using core::ErrorKind;

bool unsafe(http::Method m) {
  return m != http::Method::Get && m != http::Method::Head && m != http::Method::Options;
}

void check_csrf(const http::Request& req, const http::Context& ctx) {
  if (!from_this_site(req)) {
    throw AppError(ErrorKind::Forbidden, "cross_site_refused", "Requests from other sites are not accepted.");
  }
  // A signed-in request must also carry the session's CSRF token, which only our pages can read.
  if (ctx.principal) {
    const auto token = req.headers.get("X-CSRF-Token");
    if (!token || !core::constant_time_equal(*token, ctx.principal->csrf_token)) {
      throw AppError(ErrorKind::Forbidden, "csrf_token_invalid", "Your page is out of date. Reload it and try again.");
    }
  }
}

}  // namespace

bool from_this_site(const http::Request& req) {
  // Browsers say where a request comes from; anything cross-site is refused outright.
  if (auto site = req.headers.get("Sec-Fetch-Site"); site && *site != "same-origin" && *site != "none") return false;
  const auto origin = req.headers.get("Origin");
  if (!origin) return true;  // not a browser's cross-site request: those always carry Origin
  const auto host = req.headers.get("Host");
  const auto scheme_end = origin->find("://");
  if (!host || scheme_end == std::string_view::npos || origin->substr(scheme_end + 3) != *host) return false;
  // Same host and port is not enough: http://host:port is another origin than https://host:port
  // (a page on it, which a network attacker can write, must not act here). Over TLS only https;
  // behind a TLS-terminating proxy (plain_http) the browser's origin is https too, but a direct
  // plain listener is http, so both are taken there.
  const auto scheme = origin->substr(0, scheme_end);
  return scheme == "https" || (!req.secure && scheme == "http");
}

std::string client_ip(const http::Request& request, const std::string& trusted_proxy) {
  if (trusted_proxy.empty() || request.remote_ip != trusted_proxy) return request.remote_ip;
  const auto xff = request.headers.get("X-Forwarded-For");
  if (!xff) return request.remote_ip;
  // The proxy appends the address it saw last; earlier entries are the client's own claims.
  auto last = xff->substr(xff->rfind(',') == std::string_view::npos ? 0 : xff->rfind(',') + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  if (last.empty() || last.size() > 45 || last.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos) {
    return request.remote_ip;
  }
  return std::string(last);
}

http::Response session_middleware(http::Request& request, http::Context& context, const http::Next& next) {
  context.principal.reset();
  if (!context.services) return next(request, context);
  context.client_ip = client_ip(request, context.svc().trusted_proxy());
  // Inline routes (health, static files) run on the I/O thread and never need a session.
  if (request.on_io_thread && !request.memory_only) return next(request, context);
  if (auto cookie = request.headers.get("Cookie")) {
    if (auto token = http::cookie_value(*cookie, services::kSessionCookie)) {
      auto& sessions = context.svc().sessions();
      const auto now = context.svc().clock().system_now();
      if (request.memory_only) {
        auto cached = sessions.resolve_cached(*token, now);
        if (!cached) throw http::NeedsWorker{};
        context.principal = std::move(*cached);
      } else {
        context.principal = sessions.resolve(*token, now);
      }
    }
  }
  if (unsafe(request.method)) check_csrf(request, context);
  return next(request, context);
}

}  // namespace harbour::api
