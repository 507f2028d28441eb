// Blogs: staff blog posts, members' recovery stories and their comments (schema/api/content.md).
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/post_json.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "services/blog_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

}  // namespace

void add_blog_routes(http::Router& router) {
  const http::RouteOptions posting{.max_body = kPostBodyLimit};

  router.add(Method::Get, "/api/v1/networks/{slug}/blog", [](const http::Request& req, http::Context& ctx) {
    const auto page = ctx.svc().blogs().list(ctx.principal.get(), req.param("slug"), int_query(req, "before", 1, INT64_MAX));
    json posts = json::array();
    for (const auto& v : page.posts) posts.push_back(post_json(v, false));
    json out = {{"posts", posts}};
    if (page.next_before) out["next_before"] = *page.next_before;
    return http::Response::json(200, out);
  });

  router.add(
      Method::Post, "/api/v1/networks/{slug}/blog",
      [](const http::Request& req, http::Context& ctx) {
        const JsonBody body(req);
        const auto created = ctx.svc().blogs().create(ctx.principal.get(), meta_of(ctx), req.param("slug"), post_input(body, true));
        return http::Response::json(201, created_json(created));
      },
      posting);

  router.add(Method::Get, "/api/v1/blog-posts/{id}", [](const http::Request& req, http::Context& ctx) {
    const auto t = ctx.svc().blogs().get(ctx.principal.get(), id_param(req, "id"), int_query(req, "after", 0, INT64_MAX).value_or(0));
    json comments = json::array();
    for (const auto& v : t.comments) comments.push_back(post_json(v));
    json out = {{"post", post_json(t.post)}, {"comments", comments}};
    if (t.next_after) out["next_after"] = *t.next_after;
    return http::Response::json(200, out);
  });

  router.add(
      Method::Post, "/api/v1/blog-posts/{id}/comments",
      [](const http::Request& req, http::Context& ctx) {
        const JsonBody body(req);
        const auto created = ctx.svc().blogs().comment(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), post_input(body, false));
        return http::Response::json(201, created_json(created));
      },
      posting);
}

}  // namespace harbour::api
