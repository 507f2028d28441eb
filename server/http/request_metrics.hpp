#pragma once
// What the HTTP layer tells the /metrics listener: responses by method and status code, and how
// long each took from the moment its request was fully read until its response was handed back
// to the network layer, by route pattern (the router's, e.g. "/api/v1/topics/{id}"), so the label
// sets stay bounded whatever paths clients send.
//
// Per request this costs two relaxed atomic increments on the counter, two on the histogram, one
// clock read and a few acquire loads of cached child pointers: the labelled children are looked
// up (under the family's lock) only the first time a combination occurs.
#include "core/metrics.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace harbour::http {

class RequestMetrics {
 public:
  // `router`: the routes of the App these metrics observe; a route is named by its index there.
  RequestMetrics(core::metrics::Registry& registry, const Router& router);

  static constexpr std::size_t kMethods = 8;  // http::Method values, Other last
  std::size_t static_slot() const noexcept { return route_count_; }        // no route, not /api: static files
  std::size_t unmatched_slot() const noexcept { return route_count_ + 1; }  // no route under /api

  // A response the App hands back: counted, and timed from `received_at` to now.
  void observe(Method method, int status, std::size_t route_slot, std::chrono::steady_clock::time_point received_at) noexcept;
  // A response the network layer sent on its own (framing errors, refused upgrades): counted only.
  void count(Method method, int status) noexcept;

  // The label value of a method: GET, HEAD, ..., and "other" for every method Harbour does not route.
  static std::string_view method_label(Method method) noexcept;

 private:
  static constexpr int kMinStatus = 100;
  static constexpr int kMaxStatus = 599;
  core::metrics::Counter* counter(Method method, int status) noexcept;

  core::metrics::Family<core::metrics::Counter>& requests_;
  core::metrics::Family<core::metrics::Histogram>& durations_;
  std::size_t route_count_;
  std::vector<std::string> route_labels_;  // per slot
  // [method][status - 100] and [slot][method]: children found once, then read lock-free.
  std::unique_ptr<std::array<std::atomic<core::metrics::Counter*>, kMaxStatus - kMinStatus + 1>[]> counters_;
  std::unique_ptr<std::atomic<core::metrics::Histogram*>[]> histograms_;
};

// The latency buckets, in seconds: 1 ms to 10 s.
const std::vector<double>& request_duration_buckets();

}  // namespace harbour::http
