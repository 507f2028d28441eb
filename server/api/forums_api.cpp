// Forums: categories, topics, replies, read markers and staff topic actions. Every decision is
// the ForumService's; this file reads the request and shapes the answer (schema/api/content.md).
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/post_json.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/content_rules.hpp"
#include "services/forum_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

json category_json(const services::CategoryView& v) {
  const auto& r = v.row;
  return {{"id", r.id},
          {"network", v.network_slug},
          {"name", r.name},
          {"description", r.description},
          {"position", r.position},
          {"audience", {{"read", services::mask_roles(r.read_mask)}, {"post", services::mask_roles(r.post_mask)}}},
          {"can_post", v.can_post},
          {"topic_count", r.topic_count},
          {"unread_topics", v.unread_topics},
          {"last_activity_at", r.last_activity_at ? json(*r.last_activity_at) : json()}};
}

json list_json(const std::vector<services::PostView>& views) {
  json out = json::array();
  for (const auto& v : views) out.push_back(post_json(v, false));
  return out;
}

services::CategoryInput category_input(const JsonBody& body) {
  services::CategoryInput in;
  in.name = body.optional_string("name", 1000);
  in.description = body.optional_string("description", 4000);
  in.position = body.optional_integer("position", -10000, 10000);
  if (body.has("read")) in.read_roles = body.string_list("read", 5, 32);
  if (body.has("post")) in.post_roles = body.string_list("post", 5, 32);
  return in;
}

}  // namespace

void add_forum_routes(http::Router& router) {
  const http::RouteOptions posting{.max_body = kPostBodyLimit};

  router.add(Method::Get, "/api/v1/networks/{slug}/categories", [](const http::Request& req, http::Context& ctx) {
    json out = json::array();
    for (const auto& v : ctx.svc().forums().categories(ctx.principal.get(), req.param("slug"))) out.push_back(category_json(v));
    return http::Response::json(200, {{"categories", out}});
  });

  router.add(Method::Post, "/api/v1/networks/{slug}/categories", [](const http::Request& req, http::Context& ctx) {
    const JsonBody body(req);
    const auto v = ctx.svc().forums().create_category(ctx.principal.get(), meta_of(ctx), req.param("slug"), category_input(body));
    return http::Response::json(201, {{"category", category_json(v)}});
  });

  router.add(Method::Patch, "/api/v1/categories/{id}", [](const http::Request& req, http::Context& ctx) {
    const JsonBody body(req);
    const auto v = ctx.svc().forums().update_category(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), category_input(body));
    return http::Response::json(200, {{"category", category_json(v)}});
  });

  router.add(Method::Get, "/api/v1/categories/{id}/topics", [](const http::Request& req, http::Context& ctx) {
    auto before = req.query_param("before");
    if (before && before->empty()) before.reset();
    const auto category_id = id_param(req, "id");
    // The hottest read: served from the answer cache while nothing has been committed since it
    // was rendered for this session. Errors (not found, not signed in) are never cached.
    const auto* who = ctx.principal.get();
    const auto generation = ctx.svc().data_generation();  // before the read
    const auto now = std::chrono::steady_clock::now();
    std::string key;
    if (who) {
      key = "topics:" + std::to_string(who->session_id) + ":" + std::to_string(category_id) + ":" + before.value_or("");
      if (auto hit = ctx.svc().answers().get(key, generation, now)) return http::Response::json(200, std::move(*hit));
    }
    if (req.memory_only) throw http::NeedsWorker{};  // the rest reads the database
    const auto page = ctx.svc().forums().topics(who, category_id, before);
    json out = {{"category", category_json(page.category)}, {"pinned", list_json(page.pinned)}, {"topics", list_json(page.topics)}};
    if (page.next_before) out["next_before"] = *page.next_before;
    auto body = std::make_shared<const std::string>(out.dump(-1, ' ', false, json::error_handler_t::replace));
    if (who) ctx.svc().answers().put(std::move(key), body, generation, now);
    return http::Response::json(200, std::move(body));
  }, {.answer_from_memory = true});

  router.add(
      Method::Post, "/api/v1/categories/{id}/topics",
      [](const http::Request& req, http::Context& ctx) {
        const JsonBody body(req);
        const auto created =
            ctx.svc().forums().create_topic(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), post_input(body, true));
        return http::Response::json(201, created_json(created));
      },
      posting);

  router.add(Method::Get, "/api/v1/topics/{id}", [](const http::Request& req, http::Context& ctx) {
    const auto after = int_query(req, "after", 0, INT64_MAX).value_or(0);
    const auto t = ctx.svc().forums().topic(ctx.principal.get(), id_param(req, "id"), after);
    json replies = json::array();
    for (const auto& r : t.replies) replies.push_back(post_json(r));
    json out = {{"topic", post_json(t.topic)},
                {"category", {{"id", t.category_id}, {"name", t.category_name}}},
                {"replies", replies},
                {"last_read_id", t.last_read_id}};
    if (t.next_after) out["next_after"] = *t.next_after;
    return http::Response::json(200, out);
  });

  router.add(
      Method::Post, "/api/v1/topics/{id}/replies",
      [](const http::Request& req, http::Context& ctx) {
        const JsonBody body(req);
        const auto created =
            ctx.svc().forums().create_reply(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), post_input(body, false));
        return http::Response::json(201, created_json(created));
      },
      posting);

  router.add(Method::Put, "/api/v1/topics/{id}/read", [](const http::Request& req, http::Context& ctx) {
    const JsonBody body(req);
    const auto marker = ctx.svc().forums().mark_read(ctx.principal.get(), meta_of(ctx), id_param(req, "id"),
                                                     body.integer("last_read_id", 1, INT64_MAX));
    return http::Response::json(200, {{"last_read_id", marker}});
  });

  router.add(Method::Patch, "/api/v1/topics/{id}", [](const http::Request& req, http::Context& ctx) {
    const JsonBody body(req);
    services::TopicStaffChange change;
    change.pinned = body.optional_bool("pinned");
    change.locked = body.optional_bool("locked");
    change.category_id = body.optional_integer("category_id", 1, INT64_MAX);
    change.reason = body.string("reason", 4000);
    const auto v = ctx.svc().forums().change_topic(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), change);
    return http::Response::json(200, {{"topic", post_json(v)}});
  });
}

}  // namespace harbour::api
