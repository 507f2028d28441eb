// What staff of a network do about one member (private messages, silences, private notes), and
// a member's own messages from staff. Who may is the ModerationService's decision.
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/request_meta.hpp"
#include "api/routes.hpp"

#include "core/app_error.hpp"
#include "services/moderation_service.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace harbour::api {
namespace {

using core::AppError;
using core::ErrorKind;
using http::Method;
using nlohmann::json;

constexpr std::size_t kSlugBytes = 64;
constexpr std::size_t kTextBytes = 20'000;  // the service counts characters (at most 4000)
constexpr std::size_t kReasonBytes = 4000;

// ?network=<slug>: required on the GET and DELETE routes.
std::string network_query(const http::Request& req) {
  auto slug = req.query_param("network");
  if (!slug || slug->empty() || slug->size() > kSlugBytes) {
    throw AppError(ErrorKind::BadRequest, "invalid_query", "Add ?network= with the community's address.");
  }
  return *slug;
}

AppError invalid_ids() {
  return AppError(ErrorKind::BadRequest, "invalid_field", "'ids': expected a list of at most 100 message numbers.");
}

// {"ids":[1,2,3]}: positive whole numbers, at most 100.
std::vector<std::int64_t> id_list(const http::Request& req) {
  const auto body = json::parse(req.body, nullptr, false);
  const auto it = body.find("ids");
  if (it == body.end() || it->is_null()) throw AppError(ErrorKind::BadRequest, "missing_field", "Send 'ids' or 'all'.");
  if (!it->is_array() || it->size() > 100) throw invalid_ids();
  std::vector<std::int64_t> ids;
  for (const auto& v : *it) {
    if (!v.is_number_integer()) throw invalid_ids();
    const auto id = v.get<std::int64_t>();
    if (id <= 0) throw invalid_ids();
    ids.push_back(id);
  }
  return ids;
}

json note_json(const services::MemberNote& n) {
  return {{"id", n.id},
          {"body", n.body},
          {"author", {{"id", n.author.id}, {"pseudonym", n.author.pseudonym}}},
          {"created_at", n.created_at}};
}

}  // namespace

void add_member_routes(http::Router& router) {
  router.add(Method::Post, "/api/v1/members/{user_id}/messages", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto m = ctx.svc().moderation().send_message(ctx.principal.get(), meta_of(ctx), id_param(req, "user_id"),
                                                       body.string("network", kSlugBytes), body.string("body", kTextBytes),
                                                       body.optional_integer("post_id", 1, INT64_MAX));
    return http::Response::json(201, {{"message", services::staff_message_json(m)}});
  });

  router.add(Method::Post, "/api/v1/members/{user_id}/silence", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto until = ctx.svc().moderation().silence(
        ctx.principal.get(), meta_of(ctx), id_param(req, "user_id"), body.string("network", kSlugBytes),
        body.integer("hours", 1, services::kSilenceMaxHours), body.string("reason", kReasonBytes));
    return http::Response::json(200, {{"silenced_until", until}});
  });

  // The reason travels in the body: it is kept in the audit log, not in access logs.
  router.add(Method::Delete, "/api/v1/members/{user_id}/silence", [](const http::Request& req, http::Context& ctx) {
    const auto network = network_query(req);
    JsonBody body(req);
    ctx.svc().moderation().unsilence(ctx.principal.get(), meta_of(ctx), id_param(req, "user_id"), network,
                                     body.string("reason", kReasonBytes));
    return http::Response::json(200, {{"silenced_until", nullptr}});
  });

  router.add(Method::Post, "/api/v1/members/{user_id}/notes", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    const auto n = ctx.svc().moderation().add_note(ctx.principal.get(), meta_of(ctx), id_param(req, "user_id"),
                                                   body.string("network", kSlugBytes), body.string("body", kTextBytes));
    return http::Response::json(201, {{"note", note_json(n)}});
  });

  // Everything staff of the network keep about the member: notes, messages sent, any silence.
  router.add(Method::Get, "/api/v1/members/{user_id}/notes", [](const http::Request& req, http::Context& ctx) {
    const auto r = ctx.svc().moderation().member_record(ctx.principal.get(), meta_of(ctx), id_param(req, "user_id"),
                                                        network_query(req));
    json notes = json::array();
    for (const auto& n : r.notes) notes.push_back(note_json(n));
    json messages = json::array();
    for (const auto& m : r.messages) messages.push_back(services::staff_message_json(m));
    return http::Response::json(200, {{"member", {{"id", r.id}, {"pseudonym", r.pseudonym}}},
                                      {"silenced_until", r.silenced_until ? json(*r.silenced_until) : json()},
                                      {"notes", notes},
                                      {"messages", messages}});
  });

  router.add(Method::Get, "/api/v1/account/messages", [](const http::Request& req, http::Context& ctx) {
    const auto page =
        ctx.svc().moderation().my_messages(ctx.principal.get(), int_query(req, "before", 1, INT64_MAX));
    json list = json::array();
    for (const auto& m : page.messages) list.push_back(services::staff_message_json(m));
    return http::Response::json(200, {{"messages", list},
                                      {"unread_count", page.unread_count},
                                      {"next_before", page.next_before ? json(*page.next_before) : json()}});
  });

  router.add(Method::Post, "/api/v1/account/messages/read", [](const http::Request& req, http::Context& ctx) {
    JsonBody body(req);
    auto& moderation = ctx.svc().moderation();
    std::int64_t unread = 0;
    if (body.optional_bool("all").value_or(false)) {
      unread = moderation.mark_all_messages_read(ctx.principal.get(), meta_of(ctx));
    } else {
      unread = moderation.mark_messages_read(ctx.principal.get(), meta_of(ctx), id_list(req));
    }
    return http::Response::json(200, {{"unread_count", unread}});
  });
}

}  // namespace harbour::api
