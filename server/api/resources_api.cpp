// The resources library: read by every key holder of a network (carers too), written by its
// staff. Every decision is the ResourceService's; this file only turns JSON into its input and
// its views back into the Resource object of schema/api/content.md.
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/content_rules.hpp"
#include "services/request_meta.hpp"
#include "services/resource_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

// Bodies can carry a long article and a transcript (60,000 and 100,000 characters).
constexpr std::size_t kResourceBodyLimit = 1 << 20;

// A filter of at most 64 bytes, or nullopt when absent or empty; the service checks its value.
std::optional<std::string> filter_query(const http::Request& req, std::string_view name) {
  auto text = req.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  if (text->size() > 64) {
    throw core::AppError(core::ErrorKind::BadRequest, "invalid_query", "'" + std::string(name) + "' is too long.");
  }
  return text;
}

services::ResourceInput input_of(const JsonBody& body) {
  services::ResourceInput in;
  in.kind = body.string("kind", 16);
  in.title = body.string("title", 1000);
  in.summary = body.optional_string("summary", 4000).value_or("");
  in.body = body.optional_string("body", 300'000).value_or("");
  in.url = body.optional_string("url", 8000);
  in.transcript = body.optional_string("transcript", 500'000).value_or("");
  in.topics = body.string_list("topics", 32, 64);
  in.audiences = body.string_list("audiences", 8, 32);
  in.content_notes = body.string_list("content_notes", 16, 64);
  return in;
}

json content_notes_json(const std::vector<std::string>& keys) {
  json out = json::array();
  for (const auto& key : keys) {
    for (const auto& note : services::content_notes()) {
      if (note.key == key) out.push_back({{"key", note.key}, {"label", note.label}});
    }
  }
  return out;
}

json resource_json(const services::ResourceView& r, bool with_body) {
  json video = nullptr;
  if (r.video) video = {{"provider", r.video->provider}, {"id", r.video->id}, {"embed_url", r.video->embed_url}};
  json out = {{"id", r.id},
              {"network", r.network_slug},
              {"kind", r.kind},
              {"title", r.title},
              {"summary", r.summary},
              {"url", r.url ? json(*r.url) : json()},
              {"video", video},
              {"topics", r.topics},
              {"audiences", r.audiences},
              {"content_notes", content_notes_json(r.content_notes)},
              {"created_at", r.created_at},
              {"updated_at", r.updated_at}};
  if (with_body) {
    out["body"] = r.body;
    out["body_html"] = r.body_html;
    out["transcript"] = r.transcript;
  }
  return out;
}

}  // namespace

void add_resource_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/networks/{slug}/resources", [](const http::Request& req, http::Context& ctx) {
    services::ResourceFilter filter;
    filter.kind = filter_query(req, "kind");
    filter.topic = filter_query(req, "topic");
    filter.audience = filter_query(req, "audience");
    const auto list = ctx.svc().resources().list(ctx.principal.get(), req.param("slug"), filter);
    json resources = json::array();
    for (const auto& r : list.resources) resources.push_back(resource_json(r, false));
    json topics = json::array();
    for (const auto& t : list.topics) topics.push_back({{"topic", t.topic}, {"count", t.count}});
    return http::Response::json(200, {{"resources", resources}, {"topics", topics}});
  });

  router.add(Method::Get, "/api/v1/resources/{id}", [](const http::Request& req, http::Context& ctx) {
    const auto r = ctx.svc().resources().get(ctx.principal.get(), id_param(req, "id"));
    return http::Response::json(200, {{"resource", resource_json(r, true)}});
  });

  router.add(
      Method::Post, "/api/v1/networks/{slug}/resources",
      [](const http::Request& req, http::Context& ctx) {
        const JsonBody body(req);
        const auto r = ctx.svc().resources().create(ctx.principal.get(), meta_of(ctx), req.param("slug"), input_of(body));
        return http::Response::json(201, {{"resource", resource_json(r, true)}});
      },
      {.max_body = kResourceBodyLimit});

  router.add(
      Method::Put, "/api/v1/resources/{id}",
      [](const http::Request& req, http::Context& ctx) {
        const JsonBody body(req);
        const auto r = ctx.svc().resources().update(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), input_of(body));
        return http::Response::json(200, {{"resource", resource_json(r, true)}});
      },
      {.max_body = kResourceBodyLimit});

  router.add(Method::Delete, "/api/v1/resources/{id}", [](const http::Request& req, http::Context& ctx) {
    ctx.svc().resources().remove(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    return http::Response::json(200, json::object());
  });
}

}  // namespace harbour::api
