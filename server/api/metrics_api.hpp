#pragma once
// The internal Prometheus endpoint (metrics.listen): its own small router and middleware, served
// by the network layer on a plain-HTTP listener of its own, and the scrape-time metrics of the
// services (the database writer, the moderation queue, safeguarding cases) and worker pools.
// The main API's router never has /metrics, so the public HTTPS port answers it 404.
#include "core/metrics.hpp"
#include "http/middleware.hpp"
#include "http/router.hpp"

#include <string>
#include <utility>
#include <vector>

namespace harbour::core {
class WorkerPool;
}
namespace harbour::services {
class Services;
}
namespace harbour::store {
class Writer;
}

namespace harbour::api {

// GET /metrics (registry.expose(), text format 0.0.4; run on a worker: collectors read the
// database), GET /healthz and GET /readyz as on the main port; nothing else.
http::Router build_metrics_router(const core::metrics::Registry& registry);
// Security headers (no HSTS: plain HTTP) and the error mapper; no access log, so a scrape every
// few seconds does not flood the log.
std::vector<http::Middleware> build_metrics_middleware();

// The database writer: its queue, jobs and transactions, and the batch-size histogram (this sets
// the writer's batch observer: call it before the first write job, so the histogram's count is
// the transaction count). `registry` must outlive the writer.
void register_writer_metrics(core::metrics::Registry& registry, store::Writer& writer);

// Per network, the moderation queue and safeguarding cases, counted at scrape time on a
// read-only connection (never the writer).
void register_workload_metrics(core::metrics::Registry& registry, services::Services& services);

// harbour_worker_queue_jobs{pool=name}: tasks waiting in each pool's queue.
void register_worker_pool_metrics(core::metrics::Registry& registry,
                                  std::vector<std::pair<std::string, const core::WorkerPool*>> pools);

}  // namespace harbour::api
