// Invitations for staff: issue, list, revoke.
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/invitation_service.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace harbour::api {
namespace {

using http::Method;

}  // namespace

void add_invitation_routes(http::Router& router) {
  router.add(Method::Post, "/api/v1/networks/{slug}/invitations", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    std::optional<std::chrono::hours> expires;
    if (auto h = body.optional_integer("expires_in_hours", 1, 24 * 30)) expires = std::chrono::hours(*h);
    const auto issued = ctx.svc().invitations().issue(ctx.principal.get(), {ctx.client_ip, ctx.svc().clock().system_now()},
                                                      req.param("slug"), body.string("role", 32),
                                                      body.optional_string("note", 500), expires);
    // The token is shown this once; only its hash is kept.
    return http::Response::json(201, {{"id", issued.id},
                                      {"link", issued.link},
                                      {"network", issued.network_slug},
                                      {"role", issued.role},
                                      {"expires_at", issued.expires_at}});
  });

  router.add(Method::Get, "/api/v1/networks/{slug}/invitations", [](const http::Request& req, http::Context& ctx) {
    const std::int64_t before = int_query(req, "before", 1, INT64_MAX).value_or(INT64_MAX);
    const auto rows = ctx.svc().invitations().list(ctx.principal.get(), req.param("slug"), before, 50);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      list.push_back({{"id", r.id}, {"role", r.role}, {"note", r.note ? nlohmann::json(*r.note) : nlohmann::json()},
                      {"created_by", r.created_by}, {"created_at", r.created_at}, {"expires_at", r.expires_at},
                      {"state", r.state}});
    }
    nlohmann::json out = {{"invitations", list}};
    if (rows.size() == 50) out["next_before"] = rows.back().id;
    return http::Response::json(200, out);
  });

  router.add(Method::Delete, "/api/v1/invitations/{id}", [](const http::Request& req, http::Context& ctx) {
    ctx.svc().invitations().revoke(ctx.principal.get(), {ctx.client_ip, ctx.svc().clock().system_now()}, id_param(req, "id"));
    return http::Response::no_content();
  });
}

}  // namespace harbour::api
