// The staff second factor: enrol with a manual key, confirm, and complete it for a session.
#include "api/json_body.hpp"
#include "api/routes.hpp"

#include "services/second_factor_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {

void add_second_factor_routes(http::Router& router) {
  using http::Method;
  router.add(Method::Post, "/api/v1/account/totp/enrol", [](const http::Request&, http::Context& ctx) {
    const auto e = ctx.svc().second_factor().enrol(ctx.principal.get(), {ctx.client_ip, ctx.svc().clock().system_now()});
    return http::Response::json(200, {{"manual_key", e.manual_key}, {"uri", e.uri}});
  });
  router.add(Method::Post, "/api/v1/account/totp/confirm", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto codes = ctx.svc().second_factor().confirm(ctx.principal.get(), body.string("code", 16),
                                                         {ctx.client_ip, ctx.svc().clock().system_now()});
    return http::Response::json(200, {{"recovery_codes", codes}});
  });
  router.add(Method::Post, "/api/v1/session/second-factor", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    ctx.svc().second_factor().verify(ctx.principal.get(), body.optional_string("code", 16).value_or(""),
                                     body.optional_string("recovery_code", 32).value_or(""),
                                     {ctx.client_ip, ctx.svc().clock().system_now()});
    return http::Response::no_content();
  });
}

}  // namespace harbour::api
