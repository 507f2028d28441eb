// What every post shares: read, edit (and resubmit), delete, hide and unhide, history, support
// reactions, and the author's own list (schema/api/content.md, "Any post").
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/post_json.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "services/post_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

json reactions_json(const services::ReactionSummary& r) {
  json counts = json::object();
  for (const auto& [kind, n] : r.counts) counts[kind] = n;
  return {{"reactions", counts}, {"my_reactions", r.mine}};
}

}  // namespace

void add_post_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/posts/{id}", [](const http::Request& req, http::Context& ctx) {
    return http::Response::json(200, {{"post", post_json(ctx.svc().posts().get(ctx.principal.get(), id_param(req, "id")))}});
  });

  router.add(
      Method::Put, "/api/v1/posts/{id}",
      [](const http::Request& req, http::Context& ctx) {
        const JsonBody body(req);
        services::PostInput in;
        in.title = body.optional_string("title", 2000);
        in.body = body.string("body", kPostBodyLimit);
        in.content_notes = body.string_list("content_notes", 8, 64);
        in.draft_key = body.optional_string("draft_key", 100);
        const auto edited = ctx.svc().posts().edit(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), in);
        return http::Response::json(200, created_json(edited));
      },
      http::RouteOptions{.max_body = kPostBodyLimit});

  router.add(Method::Delete, "/api/v1/posts/{id}", [](const http::Request& req, http::Context& ctx) {
    const auto v = ctx.svc().posts().remove_own(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    return http::Response::json(200, {{"post", post_json(v)}});
  });

  router.add(Method::Post, "/api/v1/posts/{id}/hide", [](const http::Request& req, http::Context& ctx) {
    const JsonBody body(req);
    const auto v = ctx.svc().posts().hide(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), body.string("reason", 4000));
    return http::Response::json(200, {{"post", post_json(v)}});
  });

  router.add(Method::Post, "/api/v1/posts/{id}/unhide", [](const http::Request& req, http::Context& ctx) {
    const JsonBody body(req);
    const auto v = ctx.svc().posts().unhide(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), body.string("reason", 4000));
    return http::Response::json(200, {{"post", post_json(v)}});
  });

  router.add(Method::Get, "/api/v1/posts/{id}/history", [](const http::Request& req, http::Context& ctx) {
    json revisions = json::array();
    for (const auto& r : ctx.svc().posts().history(ctx.principal.get(), id_param(req, "id"))) {
      revisions.push_back({{"title", r.title ? json(*r.title) : json()},
                           {"body", r.body},
                           {"content_notes", r.content_notes},
                           {"replaced_at", r.replaced_at},
                           {"replaced_by", r.replaced_by ? json{{"id", *r.replaced_by}, {"pseudonym", r.replaced_by_pseudonym}} : json()}});
    }
    return http::Response::json(200, {{"revisions", revisions}});
  });

  router.add(Method::Put, "/api/v1/posts/{id}/reactions/{kind}", [](const http::Request& req, http::Context& ctx) {
    const auto r = ctx.svc().posts().react(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), req.param("kind"), true);
    return http::Response::json(200, reactions_json(r));
  });

  router.add(Method::Delete, "/api/v1/posts/{id}/reactions/{kind}", [](const http::Request& req, http::Context& ctx) {
    const auto r = ctx.svc().posts().react(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), req.param("kind"), false);
    return http::Response::json(200, reactions_json(r));
  });

  router.add(Method::Get, "/api/v1/posts/{id}/reactions", [](const http::Request& req, http::Context& ctx) {
    std::map<std::string, json> by_kind;
    for (const auto& r : ctx.svc().posts().reactors(ctx.principal.get(), id_param(req, "id"))) {
      auto& people = by_kind[r.kind];
      if (people.is_null()) people = json::array();
      people.push_back({{"id", r.user_id}, {"pseudonym", r.pseudonym}});
    }
    json out = json::array();
    for (auto& [kind, people] : by_kind) out.push_back({{"kind", kind}, {"people", std::move(people)}});
    return http::Response::json(200, {{"reactions", out}});
  });

  router.add(Method::Get, "/api/v1/account/posts", [](const http::Request& req, http::Context& ctx) {
    const auto page = ctx.svc().posts().mine(ctx.principal.get(), int_query(req, "before", 1, INT64_MAX));
    json posts = json::array();
    for (const auto& v : page.posts) posts.push_back(post_json(v, false));
    json out = {{"posts", posts}};
    if (page.next_before) out["next_before"] = *page.next_before;
    return http::Response::json(200, out);
  });
}

}  // namespace harbour::api
