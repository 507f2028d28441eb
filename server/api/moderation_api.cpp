// The moderation queue (claims, decisions, escalation), the moderation policy and watched words
// of a network. Who may do what is the ModerationService's decision (staff of the network;
// admins for policy and words).
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/post_json.hpp"
#include "api/request_meta.hpp"
#include "api/json_values.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/moderation_service.hpp"
#include "services/reject_templates.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

json item_json(const services::ModerationItem& item) {
  return {{"id", item.id},
          {"network", item.network},
          {"reasons", item.reasons},
          {"matched", or_null(item.matched)},
          {"state", item.state},
          {"created_at", item.created_at},
          {"decided_at", or_null(item.decided_at)},
          {"decision_reason", or_null(item.decision_reason)},
          {"post", post_json(item.post, true)},
          {"context", {{"kind", item.context.kind}, {"id", item.context.id}, {"title", item.context.title}}},
          {"author",
           {{"id", item.author.id}, {"pseudonym", item.author.pseudonym}, {"published_posts", item.author.published_posts}}},
          {"priority", item.priority},
          {"claimed_by", item.claimed_by ? json{{"id", item.claimed_by->id}, {"pseudonym", item.claimed_by->pseudonym}} : json()},
          {"claim_expires_at", or_null(item.claim_expires_at)},
          // How many and why; who reported is never sent.
          {"reports",
           {{"count", item.reports.count},
            {"open", item.reports.open},
            {"reasons", item.reports.reasons},
            {"notes", item.reports.notes}}},
          {"sensitive", item.sensitive},
          {"needs_second_review", item.needs_second_review},
          {"first_review_by",
           item.first_review_by ? json{{"id", item.first_review_by->id}, {"pseudonym", item.first_review_by->pseudonym}} : json()}};
}

// Reasons for a moderator's decision are at most 500 characters; bodies follow the post limits
// (checked by the service), so the transport limit here is only generous.
constexpr std::size_t kReasonFieldBytes = 4000;
constexpr std::size_t kBodyFieldBytes = 200'000;

json policy_json(const services::ModerationPolicy& p) {
  return {{"mode", p.mode}, {"first_posts", p.first_posts}, {"out_of_hours", p.out_of_hours},
          {"case_response_minutes", p.case_response_minutes}};
}

json word_json(const services::WatchedWord& w) {
  return {{"id", w.id}, {"phrase", w.phrase}, {"action", w.action}, {"created_at", w.created_at}};
}

}  // namespace

void add_moderation_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/networks/{slug}/moderation/queue", [](const http::Request& req, http::Context& ctx) {
    auto state = req.query_param("state");
    if (state && state->size() > 16) {
      throw core::AppError(core::ErrorKind::BadRequest, "invalid_query", "'state' can be open, approved or rejected.");
    }
    const auto page = ctx.svc().moderation().queue(ctx.principal.get(), req.param("slug"), std::move(state),
                                                   int_query(req, "before", 1, INT64_MAX), meta_of(ctx).now);
    json items = json::array();
    for (const auto& item : page.items) items.push_back(item_json(item));
    json out = {{"items", items}, {"next_before", page.next_before ? json(*page.next_before) : json()}};
    return http::Response::json(200, out);
  });

  router.add(Method::Post, "/api/v1/moderation/items/{id}/approve", [](const http::Request& req, http::Context& ctx) {
    // The reason is optional, so an empty body is fine too; with `body` the moderator edits first.
    services::ApproveInput in;
    if (!req.body.empty()) {
      JsonBody body(req);
      in.reason = body.optional_string("reason", kReasonFieldBytes);
      in.body = body.optional_string("body", kBodyFieldBytes);
      in.title = body.optional_string("title", kReasonFieldBytes);
    }
    const auto item = ctx.svc().moderation().approve(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), in);
    return http::Response::json(200, {{"item", item_json(item)}});
  });

  router.add(Method::Post, "/api/v1/moderation/items/{id}/reject", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    services::RejectInput in;
    in.template_key = body.optional_string("template", 64);
    in.note = body.optional_string("note", kReasonFieldBytes);
    in.reason = body.optional_string("reason", kReasonFieldBytes);
    if (!in.template_key && !in.reason) {
      throw core::AppError(core::ErrorKind::BadRequest, "missing_field", "'reason': give a reason or choose a template.");
    }
    const auto item = ctx.svc().moderation().reject(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), in);
    return http::Response::json(200, {{"item", item_json(item)}});
  });

  router.add(Method::Post, "/api/v1/moderation/items/{id}/claim", [](const http::Request& req, http::Context& ctx) {
    const auto item = ctx.svc().moderation().claim(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    return http::Response::json(200, {{"item", item_json(item)}});
  });

  router.add(Method::Post, "/api/v1/moderation/items/{id}/release", [](const http::Request& req, http::Context& ctx) {
    const auto item = ctx.svc().moderation().release(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    return http::Response::json(200, {{"item", item_json(item)}});
  });

  router.add(Method::Post, "/api/v1/moderation/items/{id}/escalate", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto e = ctx.svc().moderation().escalate(ctx.principal.get(), meta_of(ctx), id_param(req, "id"),
                                                   body.string("reason", kReasonFieldBytes));
    return http::Response::json(200, {{"item", item_json(e.item)}, {"case_id", e.case_id}});
  });

  // The same for everyone (the web's select); nothing in it is private.
  router.add(Method::Get, "/api/v1/moderation/reject-templates", [](const http::Request&, http::Context&) {
    json list = json::array();
    for (const auto& t : services::reject_templates()) {
      list.push_back({{"key", t.key}, {"label", t.label}, {"text", t.text}, {"needs_note", t.needs_note}});
    }
    return http::Response::json(200, {{"templates", list}});
  });

  router.add(Method::Get, "/api/v1/networks/{slug}/moderation/policy", [](const http::Request& req, http::Context& ctx) {
    const auto p = ctx.svc().moderation().policy(ctx.principal.get(), req.param("slug"));
    return http::Response::json(200, {{"policy", policy_json(p)}});
  });

  router.add(Method::Put, "/api/v1/networks/{slug}/moderation/policy", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    services::PolicyChange change;
    change.mode = body.string("mode", 32);
    change.first_posts = body.integer("first_posts", 0, 100);
    change.out_of_hours = body.optional_string("out_of_hours", 32);
    change.case_response_minutes = body.optional_integer("case_response_minutes", 1, 1440);
    const auto p = ctx.svc().moderation().set_policy(ctx.principal.get(), meta_of(ctx), req.param("slug"), change);
    return http::Response::json(200, {{"policy", policy_json(p)}});
  });

  router.add(Method::Get, "/api/v1/networks/{slug}/watched-words", [](const http::Request& req, http::Context& ctx) {
    json words = json::array();
    for (const auto& w : ctx.svc().moderation().watched_words(ctx.principal.get(), req.param("slug"))) {
      words.push_back(word_json(w));
    }
    return http::Response::json(200, {{"words", words}});
  });

  router.add(Method::Post, "/api/v1/networks/{slug}/watched-words", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto w = ctx.svc().moderation().add_watched_word(ctx.principal.get(), meta_of(ctx), req.param("slug"),
                                                           body.string("phrase", 1000), body.string("action", 16));
    return http::Response::json(201, {{"word", word_json(w)}});
  });

  router.add(Method::Delete, "/api/v1/watched-words/{id}", [](const http::Request& req, http::Context& ctx) {
    ctx.svc().moderation().remove_watched_word(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    return http::Response::json(200, json::object());
  });
}

}  // namespace harbour::api
