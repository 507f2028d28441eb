#include "http/middleware.hpp"

#include "core/log.hpp"
#include "core/random.hpp"

#include <nlohmann/json.hpp>

namespace harbour::http {

Response run_chain(const std::vector<Middleware>& chain, const Next& endpoint, Request& request, Context& context) {
  // Each step calls the middleware at `index` with a `next` that continues at index + 1.
  std::function<Response(std::size_t, Request&, Context&)> step = [&](std::size_t index, Request& req, Context& ctx) {
    if (index == chain.size()) return endpoint(req, ctx);
    const Next next = [&, index](Request& r, Context& c) { return step(index + 1, r, c); };
    return chain[index](req, ctx, next);
  };
  return step(0, request, context);
}

Response request_id_middleware(Request& request, Context& context, const Next& next) {
  request.request_id = core::new_request_id();
  Response response = next(request, context);
  response.headers.set("X-Request-Id", request.request_id);
  return response;
}

void apply_security_headers(Response& response, const SecurityHeaderOptions& options) {
  auto& h = response.headers;
  if (options.hsts) h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  // frame-src: the two privacy-enhanced video players the resources library embeds (after the
  // reader asks for the video); nothing else may be framed.
  h.set("Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'");
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Referrer-Policy", "no-referrer");
  h.set("X-Frame-Options", "DENY");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Cross-Origin-Resource-Policy", "same-origin");
  h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
  // Private data must never sit in a shared or browser cache; static files set their own policy.
  h.set_default("Cache-Control", "no-store");
}

Middleware security_headers_middleware(SecurityHeaderOptions options) {
  return [options](Request& request, Context& context, const Next& next) {
    Response response = next(request, context);
    apply_security_headers(response, options);
    return response;
  };
}

Response access_log_middleware(Request& request, Context& context, const Next& next) {
  Response response = next(request, context);
  if (core::log::enabled(core::log::Level::Info)) {
    const auto elapsed = std::chrono::steady_clock::now() - request.received_at;
    core::log::info("request", {{"rid", request.request_id},
                                {"method", request.method_text},
                                {"path", request.path},
                                {"status", response.status},
                                {"bytes", response.body_view().size()},
                                {"ms", std::chrono::duration<double, std::milli>(elapsed).count()},
                                {"ip", request.remote_ip}});
  }
  return response;
}

}  // namespace harbour::http
