// Networks: for now the public crisis contacts behind the "Need urgent help?" page.
#include "api/routes.hpp"

#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {

void add_network_routes(http::Router& router) {
  router.add(http::Method::Get, "/api/v1/networks/{slug}/crisis-contacts",
             [](const http::Request& req, http::Context& ctx) {
               const auto summary = ctx.svc().networks().crisis_contacts(req.param("slug"));
               auto r = http::Response::json(200, {{"network", {{"slug", summary.slug}, {"name", summary.name}}},
                                                   {"crisis_contacts", summary.crisis_contacts}});
               // Public and identical for everyone; a minute of caching is safe and helps a
               // person on a poor connection.
               r.headers.set("Cache-Control", "public, max-age=60");
               return r;
             });
}

}  // namespace harbour::api
