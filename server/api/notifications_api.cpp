// Notifications (list, mark read) and mutes. The NotificationService decides; every route is the
// caller's own (signed in, not suspended).
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/authorizer.hpp"
#include "services/notification_service.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace harbour::api {
namespace {

using core::AppError;
using core::ErrorKind;
using http::Method;
using nlohmann::json;

AppError invalid_ids() {
  return AppError(ErrorKind::BadRequest, "invalid_field",
                  "'ids': expected a list of at most 100 notification numbers.");
}

// {"ids":[1,2,3]}: positive whole numbers, at most 100. JsonBody has already refused anything
// that is not a small JSON object of the right type.
std::vector<std::int64_t> id_list(const http::Request& req) {
  const auto body = json::parse(req.body, nullptr, false);
  const auto it = body.find("ids");
  if (it == body.end() || it->is_null()) throw AppError(ErrorKind::BadRequest, "missing_field", "Send 'ids' or 'all'.");
  if (!it->is_array() || it->size() > services::kMarkReadMaxIds) throw invalid_ids();
  std::vector<std::int64_t> ids;
  for (const auto& v : *it) {
    if (!v.is_number_integer()) throw invalid_ids();
    const auto id = v.get<std::int64_t>();
    if (id <= 0) throw invalid_ids();
    ids.push_back(id);
  }
  return ids;
}

json muted_json(const services::MutedPerson& m) { return {{"id", m.id}, {"pseudonym", m.pseudonym}, {"since", m.since}}; }

}  // namespace

void add_notification_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/notifications", [](const http::Request& req, http::Context& ctx) {
    services::require_signed_in(ctx.principal.get());
    const auto before = int_query(req, "before", 1, INT64_MAX);
    const auto page = ctx.svc().notifications().list(ctx.principal.get(), before);
    json list = json::array();
    for (const auto& n : page.notifications) list.push_back(services::notification_json(n));
    json out = {{"notifications", list}, {"unread_count", page.unread_count}};
    out["next_before"] = page.next_before ? json(*page.next_before) : json();
    return http::Response::json(200, out);
  });

  router.add(Method::Post, "/api/v1/notifications/read", [](const http::Request& req, http::Context& ctx) {
    services::require_signed_in(ctx.principal.get());
    JsonBody body(req);
    auto& notifications = ctx.svc().notifications();
    std::int64_t unread = 0;
    if (body.optional_bool("all").value_or(false)) {
      unread = notifications.mark_all_read(ctx.principal.get(), meta_of(ctx));
    } else {
      unread = notifications.mark_read(ctx.principal.get(), meta_of(ctx), id_list(req));
    }
    return http::Response::json(200, {{"unread_count", unread}});
  });

  router.add(Method::Get, "/api/v1/account/mutes", [](const http::Request&, http::Context& ctx) {
    json list = json::array();
    for (const auto& m : ctx.svc().notifications().mutes(ctx.principal.get())) list.push_back(muted_json(m));
    return http::Response::json(200, {{"mutes", list}});
  });

  router.add(Method::Put, "/api/v1/account/mutes/{user_id}", [](const http::Request& req, http::Context& ctx) {
    services::require_signed_in(ctx.principal.get());
    const auto m = ctx.svc().notifications().mute(ctx.principal.get(), meta_of(ctx), id_param(req, "user_id"));
    return http::Response::json(200, {{"muted", {{"id", m.id}, {"pseudonym", m.pseudonym}}}});
  });

  router.add(Method::Delete, "/api/v1/account/mutes/{user_id}", [](const http::Request& req, http::Context& ctx) {
    services::require_signed_in(ctx.principal.get());
    ctx.svc().notifications().unmute(ctx.principal.get(), id_param(req, "user_id"));
    return http::Response::json(200, json::object());
  });
}

}  // namespace harbour::api
