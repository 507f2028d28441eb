// The WebSocket upgrade's gate: the net layer asks this route, on a worker thread, whether the
// upgrade request belongs to a signed-in person before it accepts the socket (DESIGN.md §6).
#include "api/params.hpp"
#include "api/routes.hpp"

#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "services/services.hpp"
#include "services/wall_service.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

namespace harbour::api {

void add_live_routes(http::Router& router) {
  router.add(http::Method::Get, "/ws", [](const http::Request& req, http::Context& ctx) {
    const auto& p = services::require_signed_in(ctx.principal.get());
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(p.session_expires_at - ctx.svc().clock().system_now());
    // Staff (with their second factor) also hear their networks' staff topic: new queue items,
    // safeguarding cases and counts, live.
    nlohmann::json topics = nlohmann::json::array();
    for (const auto& n : ctx.svc().db().read([](store::Connection& c) { return store::list_networks(c); })) {
      if (services::is_network_staff(&p, n.id)) topics.push_back("staff:" + std::to_string(n.id));
    }
    nlohmann::json out = {{"user_id", p.user_id}, {"session_id", p.session_id},
                          {"expires_in_s", std::max<std::int64_t>(1, left.count())}};
    // ?wall=<slug>: this socket is on that network's Wall (refused like GET /wall when the
    // caller may not read it). ?after=<event id>: once subscribed, the socket first sends what
    // was missed, read through the events route (schema/api/wall.md).
    if (const auto slug = req.query_param("wall")) {
      const auto after = int_query(req, "after", 0, INT64_MAX);
      const auto wall = ctx.svc().wall().access(&p, *slug);
      topics.push_back(services::wall_topic(wall.network_id));
      topics.push_back(wall.staff ? services::wall_staff_topic(wall.network_id)
                                  : services::wall_author_topic(wall.network_id, p.user_id));
      if (after) {
        out["resume"] = "/api/v1/networks/" + wall.network_slug + "/wall/events?after=" + std::to_string(*after);
      }
    }
    out["topics"] = topics;
    return http::Response::json(200, out);
  });
}

}  // namespace harbour::api
