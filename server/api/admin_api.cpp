// Administration: people (list, details, suspend, restore, roles) and the audit log. Every
// decision is the AdminService's (require_admin: an admin with a completed second factor).
#include "api/json_body.hpp"
#include "api/json_values.hpp"
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/admin_service.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace harbour::api {
namespace {

using http::Method;
using nlohmann::json;

// A text query parameter of at most max_bytes, or nullopt when absent or empty.
std::optional<std::string> text_query(const http::Request& req, std::string_view name, std::size_t max_bytes) {
  auto text = req.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  if (text->size() > max_bytes) {
    throw core::AppError(core::ErrorKind::BadRequest, "invalid_query", "'" + std::string(name) + "' is too long.");
  }
  return text;
}

json membership_json(const services::UserMembership& m) {
  return {{"network", {{"slug", m.network_slug}, {"name", m.network_name}}}, {"role", m.role}, {"active", m.active}};
}

json user_json(const services::UserSummary& u) {
  json memberships = json::array();
  for (const auto& m : u.memberships) memberships.push_back(membership_json(m));
  return {{"id", u.id},
          {"pseudonym", u.pseudonym},
          {"status", u.status},
          {"is_admin", u.is_admin},
          {"created_at", u.created_at},
          {"memberships", memberships}};
}

json audit_row_json(const services::AuditRow& r, const services::AuditPage& page) {
  json actor_id = nullptr, actor_pseudonym = nullptr;
  if (r.actor_id) {
    actor_id = *r.actor_id;
    if (const auto name = page.actor_names.find(*r.actor_id); name != page.actor_names.end()) actor_pseudonym = null_if_empty(name->second);
  }
  json network = nullptr;
  if (r.network_id) {
    const auto slug = page.network_slugs.find(*r.network_id);
    if (slug != page.network_slugs.end()) network = slug->second;
  }
  return {{"id", r.id},
          {"at", r.at},
          {"actor_id", actor_id},
          {"actor_pseudonym", actor_pseudonym},  // as the account is called now
          {"actor_role", null_if_empty(r.actor_role)},
          {"action", r.action},
          {"target_type", null_if_empty(r.target_type)},
          {"target_id", null_if_empty(r.target_id)},
          {"network", network},
          {"network_id", r.network_id ? json(*r.network_id) : json()},
          {"reason", null_if_empty(r.reason)},
          {"outcome", r.outcome},
          {"session_ref", null_if_empty(r.session_hash)},
          {"ip_ref", null_if_empty(r.ip_hash)},
          {"details", r.details},
          {"hash", r.hash_hex}};
}

}  // namespace

void add_admin_routes(http::Router& router) {
  router.add(Method::Get, "/api/v1/admin/users", [](const http::Request& req, http::Context& ctx) {
    services::UserQuery q;
    q.network_slug = text_query(req, "network", 64);
    q.name_prefix = text_query(req, "q", 256).value_or("");
    q.status = text_query(req, "status", 16);
    q.before_id = int_query(req, "before", 1, INT64_MAX);
    const auto page = ctx.svc().admin().list_users(ctx.principal.get(), q);
    json users = json::array();
    for (const auto& u : page.users) users.push_back(user_json(u));
    json out = {{"users", users}};
    if (page.next_before) out["next_before"] = *page.next_before;
    return http::Response::json(200, out);
  });

  router.add(Method::Get, "/api/v1/admin/users/{id}", [](const http::Request& req, http::Context& ctx) {
    const auto d = ctx.svc().admin().user_details(ctx.principal.get(), meta_of(ctx), id_param(req, "id"));
    json sign_ins = json::array();
    for (const auto& s : d.recent_sign_ins) {
      sign_ins.push_back({{"audit_id", s.audit_id}, {"at", s.at}, {"outcome", s.outcome}, {"reason", null_if_empty(s.reason)},
                          {"ip_ref", null_if_empty(s.ip_ref)}});
    }
    // One object with everything, so a client can show what it does not know generically.
    auto user = user_json(d.user);
    user["two_step_enabled"] = d.totp_enabled;
    user["failed_sign_ins"] = d.failed_signins;
    user["locked_until"] = d.locked_until ? json(*d.locked_until) : json();
    user["open_sessions"] = d.open_sessions;
    user["recent_sign_ins"] = sign_ins;
    return http::Response::json(200, {{"user", user}});
  });

  router.add(Method::Post, "/api/v1/admin/users/{id}/suspend", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto u = ctx.svc().admin().suspend(ctx.principal.get(), meta_of(ctx), id_param(req, "id"),
                                             body.string("reason", 4000));
    return http::Response::json(200, {{"user", user_json(u)}});
  });

  router.add(Method::Post, "/api/v1/admin/users/{id}/restore", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto u = ctx.svc().admin().restore(ctx.principal.get(), meta_of(ctx), id_param(req, "id"),
                                             body.string("reason", 4000));
    return http::Response::json(200, {{"user", user_json(u)}});
  });

  router.add(Method::Put, "/api/v1/admin/users/{id}/memberships/{slug}", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto m = ctx.svc().admin().change_role(ctx.principal.get(), meta_of(ctx), id_param(req, "id"),
                                                 req.param("slug"), body.string("role", 32));
    return http::Response::json(200, {{"membership", membership_json(m)}});
  });

  router.add(Method::Get, "/api/v1/admin/networks", [](const http::Request&, http::Context& ctx) {
    json networks = json::array();
    for (const auto& n : ctx.svc().admin().networks(ctx.principal.get())) {
      networks.push_back({{"slug", n.slug}, {"name", n.name}, {"time_zone", n.time_zone}});
    }
    return http::Response::json(200, {{"networks", networks}});
  });

  router.add(Method::Get, "/api/v1/admin/audit", [](const http::Request& req, http::Context& ctx) {
    services::AuditQuery q;
    q.action = text_query(req, "action", 64);
    q.actor_id = int_query(req, "actor", 1, INT64_MAX);
    q.network_slug = text_query(req, "network", 64);
    q.outcome = text_query(req, "outcome", 16);
    q.before_id = int_query(req, "before", 1, INT64_MAX);
    q.limit = static_cast<int>(int_query(req, "limit", 1, services::kAuditListMax).value_or(50));
    const auto page = ctx.svc().admin().audit(ctx.principal.get(), meta_of(ctx), q);
    json rows = json::array();
    for (const auto& r : page.rows) rows.push_back(audit_row_json(r, page));
    json out = {{"rows", rows}};
    if (page.next_before) out["next_before"] = *page.next_before;
    if (const auto& v = page.verification) {
      out["verification"] = {{"ok", v->ok},
                             {"rows_checked", v->rows_checked},
                             {"first_bad_id", v->first_bad_id ? json(*v->first_bad_id) : json()},
                             {"problem", null_if_empty(v->problem)},
                             {"head_hash", v->head_hash_hex}};
    }
    return http::Response::json(200, out);
  });
}

}  // namespace harbour::api
