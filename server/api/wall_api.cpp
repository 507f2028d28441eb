// The Wall (schema/api/wall.md): the page, the event history for clients without WebSocket, and
// posting. Reactions, deletion and staff removal are the post routes (posts_api.cpp).
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/post_json.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/clock.hpp"
#include "services/services.hpp"
#include "services/wall_service.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

}  // namespace

void add_wall_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/networks/{slug}/wall", [](const http::Request& req, http::Context& ctx) {
    const auto page = ctx.svc().wall().page(ctx.principal.get(), req.param("slug"), int_query(req, "before", 1, INT64_MAX),
                                            ctx.svc().clock().system_now());
    json messages = json::array();
    for (const auto& m : page.messages) {
      auto message = post_json(m.message);
      message["replies"] = json::array();
      for (const auto& r : m.replies) message["replies"].push_back(post_json(r));
      messages.push_back(std::move(message));
    }
    json out = {{"network", page.network_slug},
                {"office",
                 {{"open", page.office_open},
                  {"summary", page.office_summary},
                  {"next_change", page.next_change ? json(core::format_utc_ms(*page.next_change)) : json()}}},
                {"can_post", page.can_post},
                {"read_only_reason", page.read_only_reason},
                {"messages", messages},
                {"next_before", page.next_before ? json(*page.next_before) : json()},
                {"last_event_id", page.last_event_id},
                {"presence", page.presence}};
    return http::Response::json(200, out);
  });

  router.add(Method::Get, "/api/v1/networks/{slug}/wall/events", [](const http::Request& req, http::Context& ctx) {
    const auto after = int_query(req, "after", 0, INT64_MAX).value_or(0);
    return http::Response::json(200, ctx.svc().wall().events_after(ctx.principal.get(), req.param("slug"), after));
  });

  router.add(Method::Post, "/api/v1/networks/{slug}/wall/messages", [](const http::Request& req, http::Context& ctx) {
    const JsonBody body(req);
    services::PostInput in;
    in.body = body.string("body", 16 * 1024);  // bounds the work; the service counts characters
    in.content_notes = body.string_list("content_notes", 8, 64);
    const auto reply_to = body.optional_integer("reply_to", 1, INT64_MAX);
    const auto created = ctx.svc().wall().post(ctx.principal.get(), meta_of(ctx), req.param("slug"), in, reply_to);
    return http::Response::json(201, created_json(created));
  });
}

}  // namespace harbour::api
