// Fuzz target: JSON body validation of every route of server/api.
//
// Input: a first line naming the route and the caller, then the body:
//     POST /api/v1/topics/{id}/replies as=member id=12
//     {"body":"Thank you for this"}
// The first line's route pattern picks a route of api::build_router() (a line that names none
// picks one by its hash, so mutated lines still reach every route); `as=` picks the signed-in
// caller (member, staff, admin; default staff), `name=value` sets path parameters (defaults:
// slug=default, id=1, user_id=<the member>, key=reply-1, kind=support) and `query=a=1&b=2` the
// query string. The body is sent as
// application/json to the route's handler, called directly with a Context as the middleware
// would build it, on the fixture's database (support/fuzz_app.hpp).
//
// Property: every handler either returns a response or throws core::AppError (the API's error
// type, which the error mapper turns into a 4xx with a stable code). Any other exception is a
// finding: a store::DbError becomes a 500, a nlohmann::json exception means a field was read
// without being validated, anything else is a 500 as well. A JSON answer must parse.
// The same body also goes through api::JsonBody itself: its constructor and every accessor on
// every field the body holds, and api::post_input, with the same property.
#include "api/json_body.hpp"
#include "api/post_json.hpp"
#include "api/routes.hpp"
#include "core/app_error.hpp"
#include "store/db_error.hpp"
#include "support/checks.hpp"
#include "support/fuzz_app.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <typeinfo>
#include <vector>

namespace {

using namespace harbour;

// Every route: those without a body still read path parameters and the query (`query=`).
std::vector<const http::Route*> all_routes(const http::Router& router) {
  std::vector<const http::Route*> out;
  for (const auto& r : router.routes()) out.push_back(&r);
  return out;
}

// Calls f; AppError is the expected way to refuse. Anything else fails with `what`.
template <class F>
void expect_app_error_only(F&& f, const std::string& what, std::string_view body) {
  try {
    f();
  } catch (const core::AppError& e) {
    if (std::getenv("HARBOUR_FUZZ_TRACE")) std::fprintf(stderr, "[json_bodies] %s: AppError %s\n", what.c_str(), e.code().c_str());
  } catch (const store::DbError& e) {
    fuzz::fail(what + ": store::DbError escaped (a 500 for the client): " + e.what(), body);
  } catch (const nlohmann::json::exception& e) {
    fuzz::fail(what + ": nlohmann::json exception escaped (a field read without validation): " + e.what(), body);
  } catch (const std::exception& e) {
    fuzz::fail(what + ": " + typeid(e).name() + " escaped (a 500 for the client): " + e.what(), body);
  } catch (const http::NeedsWorker&) {
    fuzz::fail(what + ": NeedsWorker outside memory_only", body);
  } catch (...) {
    fuzz::fail(what + ": an unknown exception escaped", body);
  }
}

void json_body_accessors(const http::Request& req, const std::string& body) {
  expect_app_error_only(
      [&] {
        const api::JsonBody jb(req);
        const auto parsed = nlohmann::json::parse(body, nullptr, false);
        std::vector<std::string> keys{"title", "body", "ids", "missing"};
        if (parsed.is_object()) {
          for (const auto& [k, v] : parsed.items()) keys.push_back(k);
        }
        for (const auto& k : keys) {
          (void)jb.has(k);
          expect_app_error_only([&] { (void)jb.string(k, 16); }, "JsonBody::string(" + k + ")", body);
          expect_app_error_only([&] { (void)jb.optional_string(k, 1 << 20); }, "JsonBody::optional_string", body);
          expect_app_error_only([&] { (void)jb.integer(k, -5, 5); }, "JsonBody::integer", body);
          expect_app_error_only([&] { (void)jb.optional_integer(k, INT64_MIN, INT64_MAX); }, "JsonBody::optional_integer", body);
          expect_app_error_only([&] { (void)jb.optional_bool(k); }, "JsonBody::optional_bool", body);
          expect_app_error_only([&] { (void)jb.string_list(k, 4, 16); }, "JsonBody::string_list", body);
        }
        expect_app_error_only([&] { (void)api::post_input(jb, true); }, "api::post_input(with title)", body);
        expect_app_error_only([&] { (void)api::post_input(jb, false); }, "api::post_input", body);
      },
      "JsonBody", body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& fx = fuzz::AppFixture::instance();
  static const http::Router router = api::build_router();
  static const auto routes = all_routes(router);
  fx.heal();

  const std::string input = fx.expand(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto nl = input.find('\n');
  const std::string head = input.substr(0, nl);
  const std::string body = nl == std::string::npos ? std::string() : input.substr(nl + 1);

  // "METHOD /pattern k=v ..."
  std::vector<std::string> words;
  for (std::size_t at = 0; at < head.size();) {
    const auto space = head.find(' ', at);
    const auto word = head.substr(at, space == std::string::npos ? std::string::npos : space - at);
    if (!word.empty()) words.push_back(word);
    if (space == std::string::npos) break;
    at = space + 1;
  }
  const http::Route* route = nullptr;
  if (words.size() >= 2) {
    for (const auto* r : routes) {
      if (r->pattern == words[1] && http::method_name(r->method) == words[0]) route = r;
    }
  }
  if (!route) route = routes[std::hash<std::string>{}(head) % routes.size()];

  fuzz::Who who = fuzz::Who::Staff;
  std::map<std::string, std::string, std::less<>> params = {
      {"slug", "default"}, {"id", "1"}, {"user_id", std::to_string(fx.person(fuzz::Who::Member).user_id)},
      {"key", "reply-1"}, {"kind", "support"}};
  for (std::size_t i = 2; i < words.size(); ++i) {
    const auto eq = words[i].find('=');
    if (eq == std::string::npos) continue;
    const auto name = words[i].substr(0, eq);
    const auto value = words[i].substr(eq + 1);
    if (name == "as") {
      who = value == "member" ? fuzz::Who::Member : value == "admin" ? fuzz::Who::Admin : fuzz::Who::Staff;
    } else {
      params[name] = value;
    }
  }

  http::Request req;
  req.method = route->method;
  req.method_text = std::string(http::method_name(route->method));
  req.path.clear();
  for (const auto& seg : route->segments) {
    req.path += '/';
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      const auto name = seg.substr(1, seg.size() - 2);
      const auto it = params.find(name);
      req.path += it == params.end() ? "1" : it->second;
      req.params[name] = it == params.end() ? "1" : it->second;
    } else {
      req.path += seg;
    }
  }
  if (const auto q = params.find("query"); q != params.end()) req.query = q->second;
  req.target = req.path + (req.query.empty() ? "" : "?" + req.query);
  req.headers.set("Host", "harbour.test");
  req.headers.set("Origin", "https://harbour.test");
  req.headers.set("Content-Type", "application/json");
  req.body = body;
  req.remote_ip = fx.next_ip();
  req.secure = true;
  req.request_id = "fuzz";
  req.received_at = std::chrono::steady_clock::now();

  http::Context ctx{&fx.services(), fx.principal(who), req.remote_ip};
  const std::string what = req.method_text + " " + route->pattern + " as " + fx.person(who).pseudonym;
  static const bool trace = std::getenv("HARBOUR_FUZZ_TRACE") != nullptr;  // prints every answer
  expect_app_error_only(
      [&] {
        const auto response = route->handler(req, ctx);
        if (trace) std::fprintf(stderr, "[json_bodies] %s: %d %s\n", what.c_str(), response.status, fuzz::printable(response.body_view(), 160).c_str());
        const auto type = response.headers.get("Content-Type");
        if (type && type->starts_with("application/json") && !response.body_view().empty() &&
            nlohmann::json::parse(response.body_view(), nullptr, false).is_discarded()) {
          fuzz::fail(what + ": answered JSON that does not parse", response.body_view());
        }
      },
      what, body);

  json_body_accessors(req, body);
  return 0;
}
