#include "http/request_metrics.hpp"

#include <string>

namespace harbour::http {

const std::vector<double>& request_duration_buckets() {
  static const std::vector<double> buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return buckets;
}

RequestMetrics::RequestMetrics(core::metrics::Registry& registry, const Router& router)
    : requests_(registry.counter("harbour_http_requests_total",
                                 "HTTP responses sent on the main listener, by request method and status code.",
                                 {"method", "code"})),
      durations_(registry.histogram(
          "harbour_http_request_duration_seconds",
          "Time from a request being fully read to its response being handed to the network layer, by method and "
          "route pattern (static: files and other paths outside /api; unmatched: no route under /api).",
          request_duration_buckets(), {"method", "route"})),
      route_count_(router.routes().size()),
      counters_(new std::array<std::atomic<core::metrics::Counter*>, kMaxStatus - kMinStatus + 1>[kMethods]),
      histograms_(new std::atomic<core::metrics::Histogram*>[(route_count_ + 2) * kMethods]) {
  for (const auto& r : router.routes()) route_labels_.push_back(r.pattern);
  route_labels_.emplace_back("static");
  route_labels_.emplace_back("unmatched");
  for (std::size_t m = 0; m < kMethods; ++m) {
    for (auto& c : counters_[m]) c.store(nullptr, std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < (route_count_ + 2) * kMethods; ++i) histograms_[i].store(nullptr, std::memory_order_relaxed);
}

std::string_view RequestMetrics::method_label(Method method) noexcept {
  return method == Method::Other ? std::string_view("other") : method_name(method);
}

core::metrics::Counter* RequestMetrics::counter(Method method, int status) noexcept {
  try {
    const auto m = static_cast<std::size_t>(method);
    if (status < kMinStatus || status > kMaxStatus) {
      return &requests_.labels({method_label(method), std::to_string(status)});
    }
    auto& slot = counters_[m][static_cast<std::size_t>(status - kMinStatus)];
    auto* c = slot.load(std::memory_order_acquire);
    if (c == nullptr) {
      // First time for this pair: find (or make) the child; a racing thread finds the same one.
      c = &requests_.labels({method_label(method), std::to_string(status)});
      slot.store(c, std::memory_order_release);
    }
    return c;
  } catch (...) {
    return nullptr;  // out of memory: lose the count, never the response
  }
}

void RequestMetrics::count(Method method, int status) noexcept {
  if (auto* c = counter(method, status)) c->inc();
}

void RequestMetrics::observe(Method method, int status, std::size_t route_slot,
                             std::chrono::steady_clock::time_point received_at) noexcept {
  count(method, status);
  if (route_slot > unmatched_slot()) route_slot = unmatched_slot();
  const auto m = static_cast<std::size_t>(method);
  auto& slot = histograms_[route_slot * kMethods + m];
  auto* h = slot.load(std::memory_order_acquire);
  if (h == nullptr) {
    try {
      h = &durations_.labels({method_label(method), route_labels_[route_slot]});
    } catch (...) {
      return;
    }
    slot.store(h, std::memory_order_release);
  }
  const auto elapsed = std::chrono::steady_clock::now() - received_at;
  h->observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace harbour::http
