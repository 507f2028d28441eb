// Your data: download everything held about you, or erase your account.
#include "api/json_body.hpp"
#include "api/routes.hpp"

#include "http/cookies.hpp"
#include "services/data_rights_service.hpp"
#include "services/services.hpp"
#include "services/session_service.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {

void add_data_routes(http::Router& router) {
  using http::Method;

  router.add(Method::Get, "/api/v1/account/export", [](const http::Request&, http::Context& ctx) {
    const auto data = ctx.svc().data_rights().export_data(ctx.principal.get(), {ctx.client_ip, ctx.svc().clock().system_now()});
    auto r = http::Response::json(200, data);
    r.headers.set("Content-Disposition", "attachment; filename=\"harbour-data.json\"");
    r.headers.set("Cache-Control", "no-store");
    return r;
  });

  router.add(Method::Post, "/api/v1/account/erase", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    ctx.svc().data_rights().erase(ctx.principal.get(), {ctx.client_ip, ctx.svc().clock().system_now()},
                                  body.string("password", 1024), body.string("content", 16));
    // The session ended with the account: the browser forgets its cookie too.
    auto r = http::Response::no_content();
    r.headers.add("Set-Cookie", http::session_set_cookie(services::kSessionCookie, "", std::chrono::seconds(0)));
    return r;
  }, {.heavy_cpu = true});
}

}  // namespace harbour::api
