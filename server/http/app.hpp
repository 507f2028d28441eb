#pragma once
// The HTTP application as the net layer sees it: a router, a middleware chain, the static files
// and the worker pool. The net layer hands over a Request and gets a Response back through a
// callback; whether the handler ran inline or on the pool is decided here, not in net/.
#include "core/worker_pool.hpp"
#include "http/middleware.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace harbour::http {

struct AppOptions {
  std::size_t default_body_limit = 64 * 1024;
  // For RouteOptions::heavy_cpu routes; nullptr: they share the general pool.
  core::WorkerPool* heavy_pool = nullptr;
  // For requests that change something (POST, PUT, PATCH, DELETE); nullptr: the general pool.
  // Their handlers wait on the single database writer, so when it cannot commit (another
  // process holds the lock, the disk is full) they hold their threads for up to the busy timeout;
  // in a pool of their own they never leave reads waiting behind them.
  core::WorkerPool* write_pool = nullptr;
  // Counts and times every response dispatch() hands back (the /metrics listener); nullptr: off.
  // Must have been made for this App's router (RequestMetrics names routes by index).
  RequestMetrics* metrics = nullptr;
  // Paths answered 404 instead of the web client's index.html fallback (static_files.hpp): e.g.
  // /metrics, which only the internal metrics listener serves, so a scraper pointed at the
  // public port by mistake gets a plain 404, never a page that looks like success.
  std::vector<std::string> no_fallback_paths{};
};

class App {
 public:
  using Reply = std::function<void(Response)>;

  App(Router router, std::vector<Middleware> chain, std::shared_ptr<const StaticFiles> static_files,
      Context prototype, core::WorkerPool* pool, AppOptions options);

  // Largest body accepted for this request line (per-route override or the default), so the net
  // layer can refuse a body before reading it.
  std::size_t body_limit(Method method, std::string_view path) const;

  // Runs the request and calls `reply` exactly once: inline (same thread) for inline-safe routes
  // and static files, otherwise from a worker thread. When the pool is full, replies 503 inline.
  void dispatch(Request request, Reply reply) const;

  // The whole pipeline, synchronously, on the calling thread.
  Response handle(Request& request) const;

  // For the metrics: a response the network layer sent without the App (a framing error, a
  // refused upgrade). Does nothing when metrics are off.
  void count_refused(Method method, int status) const noexcept;

 private:
  Response endpoint(Request& request, Context& context) const;
  // RequestMetrics' slot for a request: its route's index, or static / unmatched.
  std::size_t metrics_slot(const Route* route, const Request& request) const noexcept;
  // Hands `response` back through `reply`, counted and timed first when metrics are on.
  void finish(const Request& request, std::size_t slot, Response response, const Reply& reply) const;

  Router router_;
  std::vector<Middleware> chain_;
  std::shared_ptr<const StaticFiles> static_files_;
  Context prototype_;
  core::WorkerPool* pool_;
  AppOptions options_;
};

}  // namespace harbour::http
