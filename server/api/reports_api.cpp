// Members report a post they can read. The ModerationService decides who may, and keeps the
// reporter out of everything the reported member can see.
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "services/moderation_service.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {

void add_report_routes(http::Router& router) {
  router.add(http::Method::Post, "/api/v1/posts/{id}/report", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    ctx.svc().moderation().report(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), body.string("reason", 32),
                                  body.optional_string("note", 8000));
    return http::Response::json(201, {{"reported", true}});
  });
}

}  // namespace harbour::api
