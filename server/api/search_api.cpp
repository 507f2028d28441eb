// Search across what the caller may read. The SearchService decides scope and visibility; the
// snippet goes out as parts ({text, match}) so the client inserts it with textContent.
#include "api/routes.hpp"

#include "services/search_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace harbour::api {

void add_search_routes(http::Router& router) {
  router.add(http::Method::Get, "/api/v1/search", [](const http::Request& req, http::Context& ctx) {
    const auto text = req.query_param("q").value_or("");
    std::optional<std::string> network = req.query_param("network");
    if (network && network->empty()) network.reset();
    const auto results = ctx.svc().search().search(ctx.principal.get(), text, network);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : results) {
      nlohmann::json snippet = nlohmann::json::array();
      for (const auto& part : r.snippet) snippet.push_back({{"text", part.text}, {"match", part.match}});
      out.push_back({{"type", r.type},
                     {"id", r.id},
                     {"link", {{"kind", r.link_kind}, {"id", r.link_id}}},
                     {"title", r.title},
                     {"snippet", snippet},
                     {"network", {{"slug", r.network_slug}, {"name", r.network_name}}},
                     {"at", r.at}});
    }
    return http::Response::json(200, {{"results", out}});
  });
}

}  // namespace harbour::api
