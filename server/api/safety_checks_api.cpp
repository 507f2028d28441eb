// The risk lexicon as clinicians see and extend it, and the anonymity check an author's client
// runs before sending a post. The check answers about identifying details only: it never
// reveals risk matches.
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "services/content_check.hpp"
#include "services/risk_terms_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

// The largest post a content check reads (a post's own limits are smaller; this leaves room for
// the JSON around it).
constexpr std::size_t kCheckMaxBody = 256 * 1024;

services::RiskTermService risk_terms(http::Context& ctx) {
  auto& svc = ctx.svc();
  return services::RiskTermService(svc.db(), [&svc] { svc.audit_written(); });
}

json term_json(const services::RiskTermEntry& t) {
  return {{"id", t.id ? json(*t.id) : json()},
          {"phrase", t.phrase},
          {"tier", t.tier},
          {"exceptions", t.exceptions},
          {"built_in", t.built_in},
          {"created_at", t.created_at ? json(*t.created_at) : json()}};
}

}  // namespace

void add_safety_check_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/networks/{slug}/risk-terms", [](const http::Request& req, http::Context& ctx) {
    json terms = json::array();
    for (const auto& t : risk_terms(ctx).list(ctx.principal.get(), req.param("slug"))) terms.push_back(term_json(t));
    return http::Response::json(200, {{"terms", terms}});
  });

  router.add(Method::Post, "/api/v1/networks/{slug}/risk-terms", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto t = risk_terms(ctx).add(ctx.principal.get(), meta_of(ctx), req.param("slug"), body.string("phrase", 1000),
                                       body.string("tier", 16), body.string_list("exceptions", 50, 1000));
    return http::Response::json(201, {{"term", term_json(t)}});
  });

  router.add(Method::Delete, "/api/v1/risk-terms/{id}", [](const http::Request& req, http::Context& ctx) {
    risk_terms(ctx).remove(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    return http::Response::json(200, json::object());
  });

  router.add(
      Method::Post, "/api/v1/networks/{slug}/content-check",
      [](const http::Request& req, http::Context& ctx) {
        JsonBody body(req);
        const auto title = body.optional_string("title", kCheckMaxBody).value_or("");
        const auto text = body.string("body", kCheckMaxBody);
        const auto check = services::check_content(ctx.svc().db(), ctx.principal.get(), req.param("slug"), title, text);
        json found = json::array();
        for (const auto& d : check.identifying) found.push_back({{"kind", d.kind}, {"excerpt", d.excerpt}});
        return http::Response::json(200, {{"identifying", found}, {"advice", check.advice}});
      },
      http::RouteOptions{.max_body = kCheckMaxBody});
}

}  // namespace harbour::api
