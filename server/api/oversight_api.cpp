// Oversight: the staff dashboard and the service lead's weekly report (JSON or CSV).
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/json_values.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/oversight_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {
namespace {

using nlohmann::json;

}  // namespace

void add_oversight_routes(http::Router& router) {
  router.add(http::Method::Get, "/api/v1/networks/{slug}/moderation/dashboard", [](const http::Request& req, http::Context& ctx) {
    const auto d = ctx.svc().oversight().dashboard(ctx.principal.get(), req.param("slug"), ctx.svc().clock().system_now());
    return http::Response::json(
        200, {{"dashboard",
               {{"network", d.network_slug},
                {"queue", {{"open", d.open_items}, {"oldest_at", or_null(d.oldest_item_at)}, {"oldest_minutes", or_null(d.oldest_item_minutes)}}},
                {"review_last_7_days",
                 {{"sample", d.review_last_7_days.sample},
                  {"median_minutes", or_null(d.review_last_7_days.median_minutes)},
                  {"p90_minutes", or_null(d.review_last_7_days.p90_minutes)}}},
                {"cases", {{"active", d.active_cases}, {"past_deadline", d.cases_past_deadline}}}}}});
  });

  router.add(http::Method::Get, "/api/v1/networks/{slug}/service-report", [](const http::Request& req, http::Context& ctx) {
    const auto weeks = static_cast<int>(int_query(req, "weeks", 1, services::kReportWeeksMax).value_or(8));
    const auto format = req.query_param("format").value_or("json");
    if (format != "json" && format != "csv") {
      throw core::AppError(core::ErrorKind::BadRequest, "invalid_query", "The format is json or csv.");
    }
    const auto rows = ctx.svc().oversight().weekly_report(ctx.principal.get(), req.param("slug"), weeks, ctx.svc().clock().system_now());
    if (format == "csv") {
      auto r = http::Response::text(200, services::weekly_report_csv(rows), "text/csv; charset=utf-8");
      r.headers.set("Content-Disposition", "attachment; filename=\"harbour-service-report-" + std::string(req.param("slug")) + ".csv\"");
      return r;
    }
    json out = json::array();
    for (const auto& w : rows) {
      out.push_back({{"week_start", w.week_start},
                     {"members_active", or_null(w.members_active)},
                     {"posts", or_null(w.posts)},
                     {"held", or_null(w.held)},
                     {"held_share", or_null(w.held_share)},
                     {"median_review_minutes", or_null(w.median_review_minutes)},
                     {"cases_opened", or_null(w.cases_opened)},
                     {"cases_answered_in_time", or_null(w.cases_answered_in_time)},
                     {"cases_closed", or_null(w.cases_closed)}});
    }
    return http::Response::json(200, {{"weeks", out}, {"suppressed_below", services::kSmallNumber}});
  });
}

}  // namespace harbour::api
