// Office hours, closures and the rota of a network, and who is on shift now. Who may do what is
// the OfficeHoursService's decision (key holders read the hours; staff read the rota; admins
// change both).
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "services/office_hours_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace harbour::api {
namespace {

using core::AppError;
using core::ErrorKind;
using http::Method;
using nlohmann::json;

services::OfficeHoursService service(http::Context& ctx) {
  auto& svc = ctx.svc();
  return services::OfficeHoursService(svc.db(), [&svc] { svc.audit_written(); });
}

json hours_json(const services::OfficeHours& h) {
  json week = json::array();
  for (const auto& w : h.week) week.push_back({{"weekday", w.weekday}, {"opens", w.opens}, {"closes", w.closes}});
  json closures = json::array();
  for (const auto& c : h.closures) closures.push_back({{"day", c.day}, {"reason", c.reason}});
  const auto& s = h.status;
  return {{"status",
           {{"open", s.open},
            {"next_change", s.next_change ? json(core::format_utc_ms(*s.next_change)) : json()},
            {"summary", s.summary},
            {"time_zone", s.time_zone}}},
          {"week", week},
          {"closures", closures}};
}

json shift_json(const services::RotaShift& s) {
  return {{"id", s.id},
          {"user", {{"id", s.user_id}, {"pseudonym", s.pseudonym}, {"role", s.role}}},
          {"starts_at", s.starts_at},
          {"ends_at", s.ends_at}};
}

AppError invalid_field(const std::string& field, const std::string& why) {
  return AppError(ErrorKind::BadRequest, "invalid_field", "'" + field + "': " + why + ".");
}

// The body's array `field` of objects (absent or null: empty), at most max_items long.
const json& object_list(const json& body, const char* field, std::size_t max_items) {
  static const json kEmpty = json::array();
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return kEmpty;
  if (!it->is_array()) throw invalid_field(field, "expected a list");
  if (it->size() > max_items) throw invalid_field(field, "at most " + std::to_string(max_items) + " entries");
  for (const auto& item : *it) {
    if (!item.is_object()) throw invalid_field(field, "expected a list of objects");
  }
  return *it;
}

std::string text_of(const json& item, const char* list, const char* field, std::size_t max_bytes) {
  const auto it = item.find(field);
  if (it == item.end() || !it->is_string()) {
    throw invalid_field(std::string(list) + "." + field, "expected text");
  }
  auto s = it->get<std::string>();
  if (s.size() > max_bytes) throw invalid_field(std::string(list) + "." + field, "too long");
  return s;
}

std::optional<std::string> text_query(const http::Request& req, std::string_view name) {
  auto text = req.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  if (text->size() > 40) throw AppError(ErrorKind::BadRequest, "invalid_query", "'" + std::string(name) + "' is too long.");
  return text;
}

}  // namespace

void add_office_hours_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/networks/{slug}/office-hours", [](const http::Request& req, http::Context& ctx) {
    const bool all = req.query_param("closures").value_or("") == "all";
    const auto h = service(ctx).get(ctx.principal.get(), req.param("slug"), ctx.svc().clock().system_now(), all);
    return http::Response::json(200, hours_json(h));
  });

  router.add(Method::Put, "/api/v1/networks/{slug}/office-hours", [](const http::Request& req, http::Context& ctx) {
    JsonBody checked(req);  // content type, valid JSON, bounded nesting
    (void)checked;
    const auto body = json::parse(req.body);
    std::vector<services::WeeklyHours> week;
    for (const auto& item : object_list(body, "week", 7 * services::kMaxRowsPerWeekday)) {
      const auto weekday = item.find("weekday");
      if (weekday == item.end() || !weekday->is_number_integer()) throw invalid_field("week.weekday", "expected 1 to 7");
      const auto n = weekday->get<std::int64_t>();
      if (n < 1 || n > 7) throw invalid_field("week.weekday", "expected 1 to 7");
      week.push_back({static_cast<int>(n), text_of(item, "week", "opens", 5), text_of(item, "week", "closes", 5)});
    }
    std::vector<services::Closure> closures;
    for (const auto& item : object_list(body, "closures", services::kMaxClosures)) {
      std::string reason;
      if (const auto r = item.find("reason"); r != item.end() && !r->is_null()) reason = text_of(item, "closures", "reason", 1000);
      closures.push_back({text_of(item, "closures", "day", 10), std::move(reason)});
    }
    const auto h = service(ctx).replace(ctx.principal.get(), meta_of(ctx), req.param("slug"), std::move(week),
                                        std::move(closures));
    return http::Response::json(200, hours_json(h));
  });

  router.add(Method::Get, "/api/v1/networks/{slug}/rota", [](const http::Request& req, http::Context& ctx) {
    const auto shifts = service(ctx).rota(ctx.principal.get(), req.param("slug"), text_query(req, "from"),
                                          text_query(req, "to"), ctx.svc().clock().system_now());
    json out = json::array();
    for (const auto& s : shifts) out.push_back(shift_json(s));
    return http::Response::json(200, {{"shifts", out}});
  });

  router.add(Method::Post, "/api/v1/networks/{slug}/rota", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto shift = service(ctx).add_shift(ctx.principal.get(), meta_of(ctx), req.param("slug"),
                                              body.integer("user_id", 1, INT64_MAX), body.string("starts_at", 40),
                                              body.string("ends_at", 40));
    return http::Response::json(201, {{"shift", shift_json(shift)}});
  });

  router.add(Method::Delete, "/api/v1/rota/{id}", [](const http::Request& req, http::Context& ctx) {
    service(ctx).remove_shift(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    return http::Response::no_content();
  });

  router.add(Method::Get, "/api/v1/networks/{slug}/on-shift", [](const http::Request& req, http::Context& ctx) {
    json people = json::array();
    for (const auto& p : service(ctx).on_shift(ctx.principal.get(), req.param("slug"), ctx.svc().clock().system_now())) {
      people.push_back({{"id", p.id}, {"pseudonym", p.pseudonym}, {"role", p.role}});
    }
    return http::Response::json(200, {{"people", people}});
  });
}

}  // namespace harbour::api
