// Liveness, readiness and the public status the home page shows.
#include "api/routes.hpp"

#include "core/clock.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {

void add_health_routes(http::Router& router) {
  using http::Method;
  // Liveness: the process answers. Inline: never touches the database.
  router.add(Method::Get, "/healthz",
             [](const http::Request&, http::Context&) { return http::Response::json(200, {{"status", "ok"}}); },
             {.inline_safe = true});

  // Readiness: the database answers too (load balancers stop sending traffic otherwise).
  router.add(Method::Get, "/readyz", [](const http::Request&, http::Context& ctx) {
    if (ctx.svc().ready()) return http::Response::json(200, {{"status", "ready"}, {"database", "ok"}});
    return http::error_response(503, "not_ready", "The database is not reachable.");
  });

  router.add(Method::Get, "/api/v1/status",
             [](const http::Request&, http::Context& ctx) {
               return http::Response::json(200, {{"status", "ok"},
                                                 {"version", HARBOUR_VERSION},
                                                 {"server_time", core::format_utc(ctx.svc().clock().system_now())}});
             },
             {.inline_safe = true});
}

}  // namespace harbour::api
