// Drafts, reading settings and the list of content notes. The DraftService decides; every route
// is the caller's own (signed in, not suspended), and a draft is only ever its owner's.
#include "api/json_body.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/authorizer.hpp"
#include "services/content_rules.hpp"
#include "services/draft_service.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

// A 40,000-character body is up to 160 KB of UTF-8, and JSON escapes make it longer.
constexpr std::size_t kDraftMaxBody = 256 * 1024;
constexpr std::size_t kMaxUtf8Bytes = 4;

json notes_json() {
  json notes = json::array();
  for (const auto& n : services::content_notes()) notes.push_back({{"key", n.key}, {"label", n.label}});
  return notes;
}

json reading_json(const std::vector<std::string>& collapsed) {
  return {{"collapsed_notes", collapsed}, {"notes", notes_json()}};
}

}  // namespace

void add_draft_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/content-notes", [](const http::Request&, http::Context& ctx) {
    services::require_signed_in(ctx.principal.get());
    return http::Response::json(200, {{"notes", notes_json()}});
  });

  router.add(Method::Get, "/api/v1/account/reading", [](const http::Request&, http::Context& ctx) {
    return http::Response::json(200, reading_json(ctx.svc().drafts().collapsed_notes(ctx.principal.get())));
  });

  router.add(Method::Put, "/api/v1/account/reading", [](const http::Request& req, http::Context& ctx) {
    services::require_signed_in(ctx.principal.get());
    JsonBody body(req);
    if (!body.has("collapsed_notes")) {
      throw core::AppError(core::ErrorKind::BadRequest, "missing_field", "'collapsed_notes' is required.");
    }
    const auto keys = body.string_list("collapsed_notes", 32, 64);
    return http::Response::json(200, reading_json(ctx.svc().drafts().set_collapsed_notes(ctx.principal.get(), meta_of(ctx), keys)));
  });

  router.add(Method::Get, "/api/v1/drafts", [](const http::Request&, http::Context& ctx) {
    json list = json::array();
    for (const auto& d : ctx.svc().drafts().list(ctx.principal.get())) {
      list.push_back({{"key", d.key}, {"network", d.network}, {"title", d.title}, {"updated_at", d.updated_at}});
    }
    return http::Response::json(200, {{"drafts", list}});
  });

  router.add(Method::Get, "/api/v1/drafts/{key}", [](const http::Request& req, http::Context& ctx) {
    const auto d = ctx.svc().drafts().get(ctx.principal.get(), req.param("key"));
    return http::Response::json(200, {{"draft",
                                       {{"key", d.key},
                                        {"network", d.network},
                                        {"title", d.title},
                                        {"body", d.body},
                                        {"content_notes", d.content_notes},
                                        {"updated_at", d.updated_at}}}});
  });

  router.add(
      Method::Put, "/api/v1/drafts/{key}",
      [](const http::Request& req, http::Context& ctx) {
        services::require_signed_in(ctx.principal.get());
        JsonBody body(req);
        services::DraftInput input;
        input.network = body.string("network", 64);
        input.title = body.optional_string("title", services::kDraftTitleMaxChars * kMaxUtf8Bytes).value_or("");
        input.body = body.string("body", services::kDraftBodyMaxChars * kMaxUtf8Bytes);
        input.content_notes = body.string_list("content_notes", 16, 64);
        const auto saved = ctx.svc().drafts().save(ctx.principal.get(), meta_of(ctx), req.param("key"), input);
        return http::Response::json(200, {{"draft", {{"key", saved.key}, {"updated_at", saved.updated_at}}}});
      },
      http::RouteOptions{.max_body = kDraftMaxBody});

  router.add(Method::Delete, "/api/v1/drafts/{key}", [](const http::Request& req, http::Context& ctx) {
    ctx.svc().drafts().remove(ctx.principal.get(), req.param("key"));
    return http::Response::json(200, json::object());
  });
}

}  // namespace harbour::api
