#include "http/app.hpp"

#include <algorithm>

namespace harbour::http {

namespace {
// Under /api nothing falls back to the web client's files: an unknown path there is a JSON 404.
bool is_api_path(std::string_view path) noexcept { return path == "/api" || path.starts_with("/api/"); }
}  // namespace

App::App(Router router, std::vector<Middleware> chain, std::shared_ptr<const StaticFiles> static_files,
         Context prototype, core::WorkerPool* pool, AppOptions options)
    : router_(std::move(router)),
      chain_(std::move(chain)),
      static_files_(std::move(static_files)),
      prototype_(prototype),
      pool_(pool),
      options_(options) {}

std::size_t App::body_limit(Method method, std::string_view path) const {
  const auto match = router_.match(method, path);
  if (match.route && match.route->options.max_body != 0) return match.route->options.max_body;
  return options_.default_body_limit;
}

Response App::endpoint(Request& request, Context& context) const {
  auto match = router_.match(request.method, request.path);
  if (match.route) {
    request.params = std::move(match.params);
    Response response = match.route->handler(request, context);
    return response;
  }
  if (!match.allowed.empty()) {
    Response r = error_response(405, "method_not_allowed", "This address does not accept that method.");
    r.headers.set("Allow", allow_header(match.allowed));
    return r;
  }
  const bool api = is_api_path(request.path);
  const bool fallback = std::find(options_.no_fallback_paths.begin(), options_.no_fallback_paths.end(), request.path) ==
                        options_.no_fallback_paths.end();
  if (!api && fallback && static_files_) {
    if (auto r = static_files_->serve(request)) return std::move(*r);
    if (request.method != Method::Get && request.method != Method::Head) {
      Response r405 = error_response(405, "method_not_allowed", "This address does not accept that method.");
      r405.headers.set("Allow", "GET, HEAD");
      return r405;
    }
  }
  return error_response(404, "not_found", "There is nothing at this address.");
}

Response App::handle(Request& request) const {
  Context context = prototype_;
  return run_chain(chain_, [this](Request& r, Context& c) { return endpoint(r, c); }, request, context);
}

std::size_t App::metrics_slot(const Route* route, const Request& request) const noexcept {
  if (options_.metrics == nullptr) return 0;
  if (route != nullptr) return static_cast<std::size_t>(route - router_.routes().data());
  const bool api = is_api_path(request.path);
  return api ? options_.metrics->unmatched_slot() : options_.metrics->static_slot();
}

void App::finish(const Request& request, std::size_t slot, Response response, const Reply& reply) const {
  if (options_.metrics != nullptr) options_.metrics->observe(request.method, response.status, slot, request.received_at);
  reply(std::move(response));
}

void App::count_refused(Method method, int status) const noexcept {
  if (options_.metrics != nullptr) options_.metrics->count(method, status);
}

void App::dispatch(Request request, Reply reply) const {
  const auto match = router_.match(request.method, request.path);
  const bool inline_ok = match.route ? match.route->options.inline_safe : match.allowed.empty();
  const std::size_t slot = metrics_slot(match.route, request);
  // Unmatched paths end in static files or a 404: both in memory, so they stay on this thread.
  if (inline_ok || pool_ == nullptr) {
    request.on_io_thread = pool_ != nullptr;
    finish(request, slot, handle(request), reply);
    return;
  }
  if (match.route && match.route->options.answer_from_memory && request.method == Method::Get) {
    request.on_io_thread = true;
    request.memory_only = true;
    try {
      finish(request, slot, handle(request), reply);
      return;
    } catch (const NeedsWorker&) {
      // Not in memory: the pool reads it (and fills the caches for next time).
    }
    request.on_io_thread = false;
    request.memory_only = false;
  }
  core::WorkerPool* pool = pool_;
  if (match.route && match.route->options.heavy_cpu && options_.heavy_pool != nullptr) {
    pool = options_.heavy_pool;
  } else if (options_.write_pool != nullptr && request.method != Method::Get && request.method != Method::Head &&
             request.method != Method::Options) {
    pool = options_.write_pool;
  }
  auto shared = std::make_shared<std::pair<Request, Reply>>(std::move(request), std::move(reply));
  const bool queued = pool->try_post([this, shared, slot] { finish(shared->first, slot, handle(shared->first), shared->second); });
  if (!queued) {
    Response busy = error_response(503, "server_busy", "The server is busy. Please try again in a moment.");
    busy.headers.set("Retry-After", "1");
    Context context = prototype_;
    // Still through the chain so the 503 carries the security headers and is logged.
    finish(shared->first, slot, run_chain(chain_, [&busy](Request&, Context&) { return busy; }, shared->first, context),
           shared->second);
  }
}

}  // namespace harbour::http
