// Joining, signing in and out, and the current session.
#include "api/json_body.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/clock.hpp"
#include "http/cookies.hpp"
#include "services/account_service.hpp"
#include "services/principal.hpp"
#include "services/pseudonym_policy.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {
namespace {

using http::Method;

nlohmann::json principal_json(const services::Principal& p) {
  nlohmann::json memberships = nlohmann::json::array();
  for (const auto& m : p.memberships) {
    memberships.push_back({{"network", {{"slug", m.network_slug}, {"name", m.network_name}}},
                           {"role", services::role_name(m.role)},
                           {"active", m.active}});
  }
  return {{"user", {{"id", p.user_id}, {"pseudonym", p.pseudonym}, {"is_admin", p.is_admin}, {"suspended", p.suspended}}},
          {"memberships", memberships},
          {"csrf_token", p.csrf_token},
          {"second_factor", {{"required", p.is_staff()}, {"enrolled", p.totp_enabled}, {"done", p.second_factor_done}}}};
}

http::Response signed_in_response(int status, const services::SignedIn& s) {
  auto r = http::Response::json(status, {{"user", {{"id", s.user_id}, {"pseudonym", s.pseudonym}}},
                                          {"csrf_token", s.session.csrf_token},
                                          {"second_factor_required", s.second_factor_required}});
  r.headers.add("Set-Cookie", http::session_set_cookie(services::kSessionCookie, s.session.token, s.session.max_age));
  return r;
}

http::Response cleared_cookie(http::Response r) {
  r.headers.add("Set-Cookie", http::session_set_cookie(services::kSessionCookie, "", std::chrono::seconds(0)));
  return r;
}

}  // namespace

void add_account_routes(http::Router& router) {
  // What an invitation opens. POST, so the token travels in a body, never in a URL or a log.
  router.add(Method::Post, "/api/v1/invitations/preview", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto p = ctx.svc().accounts().preview_invitation(body.string("token", 128), ctx.svc().clock().system_now());
    return http::Response::json(200, {{"network", {{"slug", p.network_slug}, {"name", p.network_name}}},
                                      {"role", p.role},
                                      {"expires_at", p.expires_at},
                                      {"guidelines", {{"version", p.guidelines_version}, {"text", p.guidelines}}},
                                      {"anonymity_guidance", services::anonymity_guidance()}});
  });

  // Live feedback while choosing a pseudonym (the same rules registration applies).
  router.add(Method::Post, "/api/v1/pseudonym-check", [](const http::Request& req, http::Context&) {
    JsonBody body(req);
    const auto name = services::check_pseudonym(body.string("pseudonym", 256));
    return http::Response::json(200, {{"ok", true}, {"pseudonym", name.display}});
  });

  router.add(Method::Post, "/api/v1/accounts", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    services::Registration r;
    r.invitation_token = body.string("token", 128);
    r.pseudonym = body.string("pseudonym", 256);
    r.password = body.string("password", 1024);
    r.accepted_guidelines_version = body.integer("accepted_guidelines_version", 0, 1'000'000);
    return signed_in_response(201, ctx.svc().accounts().register_account(r, meta_of(ctx)));
  }, {.heavy_cpu = true});

  router.add(Method::Post, "/api/v1/invitations/redeem", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    ctx.svc().accounts().redeem_invitation(ctx.principal.get(), body.string("token", 128),
                                           body.integer("accepted_guidelines_version", 0, 1'000'000), meta_of(ctx));
    return http::Response::no_content();
  });

  router.add(Method::Post, "/api/v1/session", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    auto signed_in = ctx.svc().accounts().sign_in(body.string("pseudonym", 256), body.string("password", 1024), meta_of(ctx));
    // Rotation: a session the browser still carried ends now.
    if (ctx.principal) ctx.svc().accounts().sign_out(ctx.principal.get(), meta_of(ctx));
    return signed_in_response(200, signed_in);
  }, {.heavy_cpu = true});

  router.add(Method::Get, "/api/v1/session", [](const http::Request&, http::Context& ctx) {
    // Signed out is a normal answer here, not an error: pages ask on every load.
    if (!ctx.principal) return http::Response::json(200, {{"user", nullptr}});
    return http::Response::json(200, principal_json(*ctx.principal));
  });

  router.add(Method::Delete, "/api/v1/session", [](const http::Request&, http::Context& ctx) {
    ctx.svc().accounts().sign_out(ctx.principal.get(), meta_of(ctx));
    return cleared_cookie(http::Response::no_content());
  });

  router.add(Method::Post, "/api/v1/session/end-all", [](const http::Request&, http::Context& ctx) {
    ctx.svc().accounts().sign_out_everywhere(ctx.principal.get(), meta_of(ctx));
    return cleared_cookie(http::Response::no_content());
  });
}

}  // namespace harbour::api
