// http::RequestMetrics through the App without sockets: every response App::dispatch hands back
// is counted by method and status and timed by route pattern, whether it ran inline, on the
// pool, answered 404/405, or was refused 503 with the pool full; methods Harbour does not route
// fold into "other"; an App without metrics counts nothing. The metrics router serves /metrics
// in the Prometheus content type and nothing else.
#include "api/metrics_api.hpp"
#include "api/routes.hpp"
#include "core/metrics.hpp"
#include "core/worker_pool.hpp"
#include "http/app.hpp"
#include "http/request_metrics.hpp"
#include "http/static_files.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace harbour;
using http::Method;

namespace {

http::Request request(Method method, std::string path) {
  http::Request r;
  r.method = method;
  r.method_text = method == Method::Other ? "BREW" : std::string(http::method_name(method));
  r.path = std::move(path);
  r.received_at = std::chrono::steady_clock::now();
  return r;
}

// The value of the series `name{labels}` in `text` (exactly that label set), nullopt when absent.
std::optional<std::string> series(const std::string& text, const std::string& name_and_labels) {
  const auto key = "\n" + name_and_labels + " ";
  const auto at = ("\n" + text).find(key);
  if (at == std::string::npos) return std::nullopt;
  const auto start = at + key.size() - 1;  // -1: the "\n" added in front
  return text.substr(start, text.find('\n', start) - start);
}

http::Router things_router() {
  http::Router router;
  router.add(Method::Get, "/api/v1/things/{id}", [](const http::Request&, http::Context&) { return http::Response::no_content(); },
             {.inline_safe = true});
  router.add(Method::Post, "/api/v1/things", [](const http::Request&, http::Context&) {
    return http::Response::json(201, {{"ok", true}});
  });
  return router;
}

}  // namespace

TEST(RequestMetrics, ResponsesAreCountedByMethodAndStatusAndTimedByRoutePattern) {
  core::metrics::Registry registry;
  auto router = things_router();
  http::RequestMetrics metrics(registry, router);
  core::WorkerPool pool(1, 8);
  const http::App app(std::move(router), api::build_middleware(true), nullptr, http::Context{}, &pool, {.metrics = &metrics});

  std::atomic<int> replies{0};
  auto send = [&](http::Request r) { app.dispatch(std::move(r), [&](http::Response) { replies++; }); };
  send(request(Method::Get, "/api/v1/things/1"));     // inline 204
  send(request(Method::Get, "/api/v1/things/2"));     // inline 204
  send(request(Method::Head, "/api/v1/things/3"));    // the GET route serves HEAD
  send(request(Method::Post, "/api/v1/things"));      // on the pool: 201
  send(request(Method::Delete, "/api/v1/things/1"));  // 405
  send(request(Method::Get, "/api/v1/nothing"));      // 404, no route under /api
  send(request(Method::Get, "/style.css"));           // no static files here: 404, "static"
  send(request(Method::Other, "/api/v1/things/1"));   // BREW: "other"
  pool.stop();                                        // runs what is queued
  ASSERT_EQ(replies.load(), 8);

  const auto text = registry.expose();
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"GET\",code=\"204\"}"), "2") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"HEAD\",code=\"204\"}"), "1") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"POST\",code=\"201\"}"), "1") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"DELETE\",code=\"405\"}"), "1") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"GET\",code=\"404\"}"), "2") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"other\",code=\"405\"}"), "1") << text;

  const std::string h = "harbour_http_request_duration_seconds";
  EXPECT_EQ(series(text, h + "_count{method=\"GET\",route=\"/api/v1/things/{id}\"}"), "2") << text;
  EXPECT_EQ(series(text, h + "_count{method=\"HEAD\",route=\"/api/v1/things/{id}\"}"), "1") << text;
  EXPECT_EQ(series(text, h + "_count{method=\"POST\",route=\"/api/v1/things\"}"), "1") << text;
  // 405s have no route of their own: by where they were sent.
  EXPECT_EQ(series(text, h + "_count{method=\"DELETE\",route=\"unmatched\"}"), "1") << text;
  EXPECT_EQ(series(text, h + "_count{method=\"GET\",route=\"unmatched\"}"), "1") << text;
  EXPECT_EQ(series(text, h + "_count{method=\"GET\",route=\"static\"}"), "1") << text;
  // Each observation lies in +Inf and, being well under 10 s here, in the 10 s bucket too.
  EXPECT_EQ(series(text, h + "_bucket{method=\"POST\",route=\"/api/v1/things\",le=\"+Inf\"}"), "1") << text;
  EXPECT_EQ(series(text, h + "_bucket{method=\"POST\",route=\"/api/v1/things\",le=\"10\"}"), "1") << text;
  // The raw path never becomes a label: /api/v1/things/1 and /2 share one series.
  EXPECT_EQ(text.find("/api/v1/things/1"), std::string::npos) << text;
}

TEST(RequestMetrics, ElapsedTimeIsMeasuredFromTheRequestBeingRead) {
  core::metrics::Registry registry;
  auto router = things_router();
  http::RequestMetrics metrics(registry, router);
  const http::App app(std::move(router), {}, nullptr, http::Context{}, nullptr, {.metrics = &metrics});
  auto r = request(Method::Get, "/api/v1/things/9");
  r.received_at -= std::chrono::milliseconds(300);  // read 300 ms ago (queueing counts)
  app.dispatch(std::move(r), [](http::Response) {});
  const auto text = registry.expose();
  const std::string s = "harbour_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/things/{id}\",le=";
  EXPECT_EQ(series(text, s + "\"0.25\"}"), "0") << text;
  EXPECT_EQ(series(text, s + "\"0.5\"}"), "1") << text;
}

TEST(RequestMetrics, RefusalsWithAFullPoolAndNetworkRefusalsAreCounted) {
  core::metrics::Registry registry;
  http::Router router;
  std::mutex gate;
  std::unique_lock hold(gate);
  router.add(Method::Get, "/api/v1/slow", [&gate](const http::Request&, http::Context&) {
    std::lock_guard wait(gate);
    return http::Response::no_content();
  });
  http::RequestMetrics metrics(registry, router);
  core::WorkerPool pool(1, 1);
  const http::App app(std::move(router), {}, nullptr, http::Context{}, &pool, {.metrics = &metrics});
  for (int i = 0; i < 4; ++i) {
    app.dispatch(request(Method::Get, "/api/v1/slow"), [](http::Response) {});
    while (i == 0 && pool.queue_depth() != 0) std::this_thread::yield();
  }
  // What the network layer refuses before the App sees it (a bad header, a wrong upgrade path).
  app.count_refused(Method::Other, 400);
  app.count_refused(Method::Get, 404);
  hold.unlock();
  pool.stop();
  const auto text = registry.expose();
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"GET\",code=\"503\"}"), "2") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"GET\",code=\"204\"}"), "2") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"other\",code=\"400\"}"), "1") << text;
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"GET\",code=\"404\"}"), "1") << text;
  // Everything the App answered is timed, its own 503s included; the network's refusals are not.
  EXPECT_EQ(series(text, "harbour_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/slow\"}"), "4") << text;
}

TEST(RequestMetrics, AnAppWithoutMetricsCountsNothing) {
  core::metrics::Registry registry;
  auto router = things_router();
  http::RequestMetrics metrics(registry, router);  // registered, but not given to the App
  const http::App app(std::move(router), {}, nullptr, http::Context{}, nullptr, {});
  app.dispatch(request(Method::Get, "/api/v1/things/1"), [](http::Response) {});
  app.count_refused(Method::Get, 400);
  const auto text = registry.expose();
  EXPECT_NE(text.find("# TYPE harbour_http_requests_total counter\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("harbour_http_requests_total{"), std::string::npos) << text;
  EXPECT_EQ(text.find("harbour_http_request_duration_seconds_count"), std::string::npos) << text;
}

TEST(RequestMetrics, ConcurrentRequestsOnThePoolAreAllCounted) {
  core::metrics::Registry registry;
  auto router = things_router();
  http::RequestMetrics metrics(registry, router);
  core::WorkerPool pool(4, 100'000);
  const http::App app(std::move(router), {}, nullptr, http::Context{}, &pool, {.metrics = &metrics});
  constexpr int kThreads = 4, kEach = 5'000;
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) app.dispatch(request(Method::Post, "/api/v1/things"), [](http::Response) {});
    });
  }
  for (auto& s : senders) s.join();
  pool.stop();
  const auto text = registry.expose();
  EXPECT_EQ(series(text, "harbour_http_requests_total{method=\"POST\",code=\"201\"}"), std::to_string(kThreads * kEach)) << text;
  EXPECT_EQ(series(text, "harbour_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/things\"}"),
            std::to_string(kThreads * kEach));
}

TEST(MetricsRouter, ServesMetricsHealthAndNothingElse) {
  core::metrics::Registry registry;
  registry.counter("demo_total", "x").get().inc(5);
  const http::App app(api::build_metrics_router(registry), api::build_metrics_middleware(), nullptr, http::Context{}, nullptr, {});
  auto get = [&](Method m, const std::string& path) {
    auto r = request(m, path);
    return app.handle(r);
  };
  const auto metrics = get(Method::Get, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.headers.get("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("demo_total 5\n"), std::string::npos) << metrics.body;
  EXPECT_FALSE(metrics.headers.has("Strict-Transport-Security")) << "plain HTTP: no HSTS";
  EXPECT_EQ(get(Method::Get, "/healthz").status, 200);
  EXPECT_EQ(get(Method::Get, "/").status, 404);
  EXPECT_EQ(get(Method::Get, "/api/v1/status").status, 404);
  EXPECT_EQ(get(Method::Get, "/metrics/").status, 404);
  EXPECT_EQ(get(Method::Post, "/metrics").status, 405);
  // ... and the main API has no /metrics at all.
  EXPECT_EQ(api::build_router().match(Method::Get, "/metrics").route, nullptr);
}

TEST(MetricsRouter, TheMainAppAnswers404ForMetricsInsteadOfTheWebClientsPage) {
  harbour::test::TempDir web;
  std::ofstream(web.file("index.html")) << "<!doctype html><title>Harbour</title>";
  auto files = std::make_shared<const http::StaticFiles>(web.path());
  const http::App app(api::build_router(), {}, files, http::Context{}, nullptr, {.no_fallback_paths = {"/metrics"}});
  auto get = [&](const std::string& path) {
    auto r = request(Method::Get, path);
    return app.handle(r);
  };
  EXPECT_EQ(get("/metrics").status, 404);
  EXPECT_EQ(get("/metrics").headers.get("Content-Type").value_or(""), "application/json");
  // Other paths without an extension still deep-link into the web client.
  EXPECT_EQ(get("/forums/everyday").status, 200);
  EXPECT_EQ(get("/metricsx").status, 200);
}
