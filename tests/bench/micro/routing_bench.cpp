// Routing: http::Router::match over the application's whole route table, exactly as
// api::build_router() assembles it for the server (every feature file's routes). Handlers are not
// run. Note that one request goes through match() three times in the server (App::body_limit,
// App::dispatch, App::endpoint), so the per-request routing cost is about three times the figure.
#include "api/routes.hpp"
#include "http/router.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using harbour::http::Method;

struct Probe {
  Method method;
  const char* path;
  const char* expect;  // the pattern it must reach; "" for a miss (404) or a method that is not allowed (405)
};

// A plausible mix of what a busy evening sends: sign-in state, forum reading and posting, the
// Wall, notifications, moderation, plus a static asset (falls through to static files) and misses.
const std::vector<Probe>& mix() {
  static const std::vector<Probe> probes{
      {Method::Get, "/api/v1/session", "/api/v1/session"},
      {Method::Get, "/api/v1/notifications", "/api/v1/notifications"},
      {Method::Get, "/api/v1/networks/default/categories", "/api/v1/networks/{slug}/categories"},
      {Method::Get, "/api/v1/categories/12/topics", "/api/v1/categories/{id}/topics"},
      {Method::Get, "/api/v1/topics/4821", "/api/v1/topics/{id}"},
      {Method::Put, "/api/v1/topics/4821/read", "/api/v1/topics/{id}/read"},
      {Method::Post, "/api/v1/topics/4821/replies", "/api/v1/topics/{id}/replies"},
      {Method::Put, "/api/v1/posts/99120/reactions/support", "/api/v1/posts/{id}/reactions/{kind}"},
      {Method::Get, "/api/v1/networks/default/wall", "/api/v1/networks/{slug}/wall"},
      {Method::Post, "/api/v1/networks/default/wall/messages", "/api/v1/networks/{slug}/wall/messages"},
      {Method::Get, "/api/v1/networks/default/moderation/queue", "/api/v1/networks/{slug}/moderation/queue"},
      {Method::Post, "/api/v1/moderation/items/771/approve", "/api/v1/moderation/items/{id}/approve"},
      {Method::Get, "/api/v1/search", "/api/v1/search"},
      {Method::Get, "/healthz", "/healthz"},
      {Method::Get, "/assets/app.js", ""},
      {Method::Get, "/api/v1/nothing/here", ""},
  };
  return probes;
}

// Checked once, outside the timing: every probe reaches the route it names (or none).
bool check(const harbour::http::Router& router, const Probe& p) {
  const auto m = router.match(p.method, p.path);
  return std::string(p.expect).empty() ? m.route == nullptr : (m.route != nullptr && m.route->pattern == p.expect);
}

const harbour::http::Router& app_router() {
  static const harbour::http::Router router = harbour::api::build_router();
  return router;
}

void BM_Routing_Mix(benchmark::State& state) {
  const auto& router = app_router();
  const auto& probes = mix();
  for (const auto& p : probes) {
    if (!check(router, p)) {
      state.SkipWithError((std::string("route table changed: ") + p.path).c_str());
      return;
    }
  }
  for (auto _ : state) {
    for (const auto& p : probes) {
      auto m = router.match(p.method, p.path);
      benchmark::DoNotOptimize(m);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(probes.size()));
  state.counters["routes"] = static_cast<double>(router.routes().size());
}
BENCHMARK(BM_Routing_Mix);

void BM_Routing_One(benchmark::State& state, Probe probe) {
  const auto& router = app_router();
  if (!check(router, probe)) {
    state.SkipWithError((std::string("route table changed: ") + probe.path).c_str());
    return;
  }
  for (auto _ : state) {
    auto m = router.match(probe.method, probe.path);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
// A static path early in the table, one with two parameters late in it, and a 404 (walks it all).
BENCHMARK_CAPTURE(BM_Routing_One, static_session, Probe{Method::Get, "/api/v1/session", "/api/v1/session"});
BENCHMARK_CAPTURE(BM_Routing_One, param_reaction,
                  Probe{Method::Put, "/api/v1/posts/99120/reactions/support", "/api/v1/posts/{id}/reactions/{kind}"});
BENCHMARK_CAPTURE(BM_Routing_One, miss, Probe{Method::Get, "/api/v1/nothing/here", ""});

}  // namespace
