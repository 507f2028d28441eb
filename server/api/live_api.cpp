// The WebSocket upgrade's gate: the net layer asks this route, on a worker thread, whether the
// upgrade request belongs to a signed-in person before it accepts the socket (DESIGN.md §6).
#include "api/routes.hpp"

#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

namespace harbour::api {

void add_live_routes(http::Router& router) {
  router.add(http::Method::Get, "/ws", [](const http::Request&, http::Context& ctx) {
    const auto& p = services::require_signed_in(ctx.principal.get());
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(p.session_expires_at - ctx.svc().clock().system_now());
    // Staff (with their second factor) also hear their networks' staff topic: new queue items,
    // safeguarding cases and counts, live.
    nlohmann::json topics = nlohmann::json::array();
    for (const auto& n : ctx.svc().db().read([](store::Connection& c) { return store::list_networks(c); })) {
      if (services::is_network_staff(&p, n.id)) topics.push_back("staff:" + std::to_string(n.id));
    }
    return http::Response::json(200, {{"user_id", p.user_id}, {"session_id", p.session_id},
                                      {"expires_in_s", std::max<std::int64_t>(1, left.count())}, {"topics", topics}});
  });
}

}  // namespace harbour::api
