// Safeguarding cases of a network: the list, one case with its timeline and post, and the steps
// a clinician takes on it. Who may do what is the CaseService's decision (see case_service.hpp).
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/post_json.hpp"
#include "api/request_meta.hpp"
#include "api/json_values.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/case_service.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

// Reasons and notes are checked by the service; these only bound what is read from the body.
constexpr std::size_t kTextFieldBytes = 32 * 1024;

services::CaseService& cases(http::Context& ctx) { return ctx.svc().cases(); }

json person_json(const std::optional<services::CasePerson>& p) {
  return p ? json{{"id", p->id}, {"pseudonym", p->pseudonym}} : json();
}

json summary_json(const services::CaseSummary& k) {
  json post;
  if (k.post) {
    post = {{"id", k.post->id}, {"kind", k.post->kind}, {"state", k.post->state}, {"excerpt", k.post->excerpt}};
  }
  return {{"id", k.id},
          {"network", k.network},
          {"tier", k.tier},
          {"matched", or_null(k.matched)},
          {"state", k.state},
          {"overdue", k.overdue},
          {"opened_at", k.opened_at},
          {"due_at", k.due_at},
          {"acknowledged_at", or_null(k.acknowledged_at)},
          {"closed_at", or_null(k.closed_at)},
          {"outcome", or_null(k.outcome)},
          {"member", person_json(k.member)},
          {"owner", person_json(k.owner)},
          {"post", post}};
}

json detail_json(const services::CaseDetail& d) {
  json out = summary_json(d.summary);
  json events = json::array();
  for (const auto& e : d.events) {
    events.push_back({{"id", e.id},
                      {"kind", e.kind},
                      {"body", e.body},
                      {"created_at", e.created_at},
                      {"author", person_json(e.author)}});
  }
  out["events"] = events;
  out["post"] = d.post ? post_json(*d.post, true) : json();
  out["member_recent_cases"] = d.member_recent_cases;
  out["can_act"] = d.can_act;
  out["can_close"] = d.can_close;
  return out;
}

http::Response case_reply(const services::CaseDetail& d, int status = 200) {
  return http::Response::json(status, {{"case", detail_json(d)}});
}

}  // namespace

void add_case_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/networks/{slug}/cases", [](const http::Request& req, http::Context& ctx) {
    auto state = req.query_param("state");
    if (state && state->size() > 16) {
      throw core::AppError(core::ErrorKind::BadRequest, "invalid_query",
                           "'state' can be active, open, acknowledged, contacted or closed.");
    }
    const auto list = cases(ctx).list(ctx.principal.get(), req.param("slug"), std::move(state),
                                      int_query(req, "before", 1, INT64_MAX), ctx.svc().clock().system_now());
    json items = json::array();
    for (const auto& k : list.cases) items.push_back(summary_json(k));
    return http::Response::json(200, {{"cases", items}, {"next_before", list.next_before ? json(*list.next_before) : json()}});
  });

  router.add(Method::Post, "/api/v1/networks/{slug}/cases", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    services::NewCaseInput input;
    input.member_id = body.integer("member_id", 1, INT64_MAX);
    input.post_id = body.optional_integer("post_id", 1, INT64_MAX);
    input.tier = body.string("tier", 16);
    input.note = body.string("note", kTextFieldBytes);
    return case_reply(cases(ctx).open(ctx.principal.get(), meta_of(ctx), req.param("slug"), std::move(input)), 201);
  });

  router.add(Method::Get, "/api/v1/cases/{id}", [](const http::Request& req, http::Context& ctx) {
    return case_reply(cases(ctx).get(ctx.principal.get(), meta_of(ctx), id_param(req, "id")));
  });

  router.add(Method::Post, "/api/v1/cases/{id}/acknowledge", [](const http::Request& req, http::Context& ctx) {
    return case_reply(cases(ctx).acknowledge(ctx.principal.get(), meta_of(ctx), id_param(req, "id")));
  });

  router.add(Method::Post, "/api/v1/cases/{id}/contacted", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    return case_reply(
        cases(ctx).contacted(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), body.string("note", kTextFieldBytes)));
  });

  router.add(Method::Post, "/api/v1/cases/{id}/assign", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    return case_reply(
        cases(ctx).assign(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), body.integer("owner_id", 1, INT64_MAX)));
  });

  router.add(Method::Post, "/api/v1/cases/{id}/note", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    return case_reply(cases(ctx).note(ctx.principal.get(), meta_of(ctx), id_param(req, "id"),
                                      body.string("body", kTextFieldBytes), body.optional_bool("handover").value_or(false)));
  });

  router.add(Method::Post, "/api/v1/cases/{id}/close", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    return case_reply(
        cases(ctx).close(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), body.string("outcome", kTextFieldBytes)));
  });

  router.add(Method::Post, "/api/v1/cases/{id}/reopen", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    return case_reply(
        cases(ctx).reopen(ctx.principal.get(), meta_of(ctx), id_param(req, "id"), body.string("reason", kTextFieldBytes)));
  });
}

}  // namespace harbour::api
