#include "api/metrics_api.hpp"

#include "api/error_mapper.hpp"
#include "core/clock.hpp"
#include "core/worker_pool.hpp"
#include "services/office_hours.hpp"
#include "services/services.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/oversight_repo.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace harbour::api {

namespace metrics = core::metrics;

http::Router build_metrics_router(const metrics::Registry& registry) {
  using http::Method;
  // Not the main API's router (api::build_router), and never served on the public port: named
  // apart so the main router's sweeps (tests/hardening/headers_authz.py reads `router.add` calls
  // under server/api/) do not take these for public routes. MetricsEndpoint.* tests this one.
  http::Router metrics_routes;
  metrics_routes.add(Method::Get, "/metrics", [&registry](const http::Request&, http::Context&) {
    return http::Response::text(200, registry.expose(), metrics::kContentType);
  });
  metrics_routes.add(Method::Get, "/healthz",
                     [](const http::Request&, http::Context&) { return http::Response::json(200, {{"status", "ok"}}); },
                     {.inline_safe = true});
  metrics_routes.add(Method::Get, "/readyz", [](const http::Request&, http::Context& ctx) {
    if (ctx.svc().ready()) return http::Response::json(200, {{"status", "ready"}, {"database", "ok"}});
    return http::error_response(503, "not_ready", "The database is not reachable.");
  });
  return metrics_routes;
}

std::vector<http::Middleware> build_metrics_middleware() {
  return {http::security_headers_middleware({.hsts = false}), error_mapper_middleware};
}

void register_writer_metrics(metrics::Registry& registry, store::Writer& writer) {
  registry.gauge_callback("harbour_db_writer_queue_jobs", "Write jobs waiting for the database writer's next transaction.",
                          [&writer] { return static_cast<double>(writer.queue_depth()); });
  // The writer's own running totals, read once per scrape.
  registry.add_collector(
      {{"harbour_db_writer_jobs_total", "Write jobs the database writer has completed, successfully or not.",
        metrics::Type::Counter, {}},
       {"harbour_db_writer_failed_jobs_total", "Write jobs completed with an error (their own, or their transaction's).",
        metrics::Type::Counter, {}},
       {"harbour_db_writer_transactions_total", "Transactions the database writer has attempted (one per batch).",
        metrics::Type::Counter, {}},
       {"harbour_db_writer_failed_transactions_total",
        "Writer transactions whose BEGIN or COMMIT failed or that SQLite aborted.", metrics::Type::Counter, {}},
       {"harbour_db_writer_refused_jobs_total",
        "Write jobs refused at once because another process held the database's write lock.", metrics::Type::Counter, {}}},
      [&writer] {
        const auto s = writer.stats();
        auto one = [](std::uint64_t v) { return std::vector<metrics::Sample>{{{}, static_cast<double>(v)}}; };
        return std::vector<std::vector<metrics::Sample>>{one(s.jobs), one(s.failed_jobs), one(s.batches),
                                                         one(s.failed_commits), one(s.refused_jobs)};
      });
  auto& batches = registry
                      .histogram("harbour_db_writer_batch_jobs",
                                 "Write jobs per writer transaction (group commit: one fsync for the whole batch).",
                                 metrics::exponential_buckets(1, 2, 10))
                      .get();
  writer.set_batch_observer([&batches](std::size_t jobs) { batches.observe(static_cast<double>(jobs)); });
}

void register_workload_metrics(metrics::Registry& registry, services::Services& services) {
  // The work waiting for people, per network: indexed counts on a reader, once per scrape.
  registry.add_collector(
      {{"harbour_moderation_queue_items", "Items held for moderation and awaiting a decision, by network.",
        metrics::Type::Gauge, {"network"}},
       {"harbour_moderation_queue_oldest_age_seconds",
        "Age of the oldest item awaiting a moderation decision, by network (0 when the queue is empty).",
        metrics::Type::Gauge, {"network"}},
       {"harbour_safeguarding_cases_active", "Safeguarding cases not yet closed, by network.", metrics::Type::Gauge,
        {"network"}},
       {"harbour_safeguarding_cases_past_deadline",
        "Safeguarding cases still waiting for a clinician's acknowledgement after their response deadline, by network.",
        metrics::Type::Gauge, {"network"}}},
      [&services] {
        const auto now = services.clock().system_now();
        const auto now_text = core::format_utc_ms(now);
        return services.db().read([&](store::Connection& c) {
          std::vector<std::vector<metrics::Sample>> out(4);
          for (const auto& n : store::list_networks(c)) {
            const auto queue = store::queue_snapshot(c, n.id);
            double oldest = 0;
            if (queue.oldest_created_at) {
              if (const auto at = services::parse_instant(*queue.oldest_created_at)) {
                oldest = std::max(0.0, std::chrono::duration<double>(now - *at).count());
              }
            }
            const auto cases = store::case_counts(c, n.id, now_text);
            out[0].push_back({{n.slug}, static_cast<double>(queue.open_items)});
            out[1].push_back({{n.slug}, oldest});
            out[2].push_back({{n.slug}, static_cast<double>(cases.active)});
            out[3].push_back({{n.slug}, static_cast<double>(cases.past_deadline)});
          }
          return out;
        });
      });
}

void register_worker_pool_metrics(metrics::Registry& registry,
                                  std::vector<std::pair<std::string, const core::WorkerPool*>> pools) {
  registry.add_collector({{"harbour_worker_queue_jobs",
                           "Requests waiting in a worker pool's queue: read (handlers that read), write (handlers "
                           "that wait on the database writer), password (argon2id checks), metrics (scrapes).",
                           metrics::Type::Gauge,
                           {"pool"}}},
                         [pools = std::move(pools)] {
                           std::vector<metrics::Sample> samples;
                           for (const auto& [name, pool] : pools) samples.push_back({{name}, static_cast<double>(pool->queue_depth())});
                           return std::vector<std::vector<metrics::Sample>>{std::move(samples)};
                         });
}

}  // namespace harbour::api
