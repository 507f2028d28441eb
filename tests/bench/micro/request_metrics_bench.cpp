// The /metrics hot path: what counting and timing one response costs (http::RequestMetrics), and
// App::dispatch of an inline route with and without metrics, the before/after of turning
// metrics.listen on. Also one scrape of a registry the size of the server's (exposition cost).
#include "api/routes.hpp"
#include "core/metrics.hpp"
#include "http/app.hpp"
#include "http/request_metrics.hpp"

#include <benchmark/benchmark.h>

#include <optional>

namespace {

using harbour::http::Method;
namespace http = harbour::http;
namespace metrics = harbour::core::metrics;

http::Request status_request() {
  http::Request r;
  r.method = Method::Get;
  r.method_text = "GET";
  r.path = "/healthz";
  r.received_at = std::chrono::steady_clock::now();
  return r;
}

// One response counted and timed (children already cached): the whole added cost per request.
void BM_RequestMetrics_Observe(benchmark::State& state) {
  metrics::Registry registry;
  const auto router = harbour::api::build_router();
  http::RequestMetrics m(registry, router);
  const auto now = std::chrono::steady_clock::now();
  for (auto _ : state) m.observe(Method::Get, 200, 0, now);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestMetrics_Observe);
BENCHMARK(BM_RequestMetrics_Observe)->Threads(2)->UseRealTime();

// GET /healthz through App::dispatch (inline route: routing, the middleware chain, the handler),
// with metrics off (0) and on (1).
void BM_App_DispatchInline(benchmark::State& state) {
  metrics::Registry registry;
  auto router = harbour::api::build_router();
  std::optional<http::RequestMetrics> m;
  if (state.range(0) == 1) m.emplace(registry, router);
  const http::App app(std::move(router), harbour::api::build_middleware(true), nullptr, http::Context{}, nullptr,
                      {.metrics = m ? &*m : nullptr});
  int status = 0;
  for (auto _ : state) {
    app.dispatch(status_request(), [&status](http::Response r) { status = r.status; });
    benchmark::DoNotOptimize(status);
  }
  if (status != 200) state.SkipWithError("GET /healthz did not answer 200");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_App_DispatchInline)->Arg(0)->Arg(1);

// One scrape's text with every route timed once (about the server's largest exposition).
void BM_Registry_Expose(benchmark::State& state) {
  metrics::Registry registry;
  const auto router = harbour::api::build_router();
  http::RequestMetrics m(registry, router);
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < router.routes().size(); ++i) m.observe(router.routes()[i].method, 200, i, now);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto text = registry.expose();
    bytes = text.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["routes"] = static_cast<double>(router.routes().size());
}
BENCHMARK(BM_Registry_Expose);

}  // namespace
