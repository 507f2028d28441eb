#pragma once
// A small Prometheus metrics registry and its text exposition (format 0.0.4), for the internal
// /metrics listener (metrics.listen). Debian 12 has no prometheus-cpp, and what Harbour needs is
// small: counters, gauges and fixed-bucket histograms, with or without labels, and values read
// by callback at scrape time (queue lengths, database counts, /proc figures).
//
// Hot path: Counter::inc, Gauge::add and Histogram::observe are relaxed atomic operations, no
// lock. Finding a labelled child (Family::labels) takes the family's mutex, so callers on a hot
// path look a child up once and keep the reference (children live as long as the registry).
//
// Families are registered at start-up; registering a name twice, or a name or label that
// Prometheus would refuse, throws std::invalid_argument. expose() may run beside any number of
// threads updating values; each value is read atomically, a histogram's buckets one by one (its
// _count is the sum of the buckets it printed, so _count always equals the +Inf bucket).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::core::metrics {

// The Content-Type of expose()'s text.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class Type { Counter, Gauge, Histogram };

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Fixed upper bounds, strictly increasing and finite; +Inf is implied. An observation v lands in
// the first bucket whose bound is >= v (Prometheus' `le`: less than or equal). NaN is ignored.
class Histogram {
 public:
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);

  void observe(double v) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const noexcept { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds + 1 (+Inf), not cumulative
  std::atomic<double> sum_{0.0};
};

// start, start*factor, ... (count bounds): exponential_buckets(1, 2, 10) is 1, 2, 4, ..., 512.
std::vector<double> exponential_buckets(double start, double factor, std::size_t count);

// One labelled series of a family. The values are in the family's label order.
template <class M>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<M>()> make);

  // The child with these label values, created at first use (at zero). Throws
  // std::invalid_argument when the number of values is not the number of label names.
  M& labels(const std::vector<std::string>& values);
  M& labels(std::initializer_list<std::string_view> values);
  // The one child of a family without labels (exposed at zero from the start).
  M& get() { return labels(std::vector<std::string>{}); }

  const std::vector<std::string>& label_names() const noexcept { return label_names_; }
  // Calls f(values, child) for every child, in label order, under the family's lock.
  void for_each(const std::function<void(const std::vector<std::string>&, const M&)>& f) const;

 private:
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

// A value read at scrape time.
struct Sample {
  std::vector<std::string> labels;  // in the family's label order
  double value = 0;
};

// A family whose samples a collector produces at scrape time (counters or gauges).
struct CollectedFamily {
  std::string name;
  std::string help;
  Type type = Type::Gauge;  // Counter or Gauge
  std::vector<std::string> label_names;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<double> bounds,
                               std::vector<std::string> label_names = {});

  // At every scrape `collect` returns one list of samples per family in `families` (same order),
  // from one look (one database read for several counts). When it throws, or returns the wrong
  // shape, those families are left out of that scrape and the failure is logged; the rest of
  // the exposition stands.
  using Collect = std::function<std::vector<std::vector<Sample>>()>;
  void add_collector(std::vector<CollectedFamily> families, Collect collect);
  // Shorthands for one unlabelled value read by callback.
  void gauge_callback(std::string name, std::string help, std::function<double()> read);
  void counter_callback(std::string name, std::string help, std::function<double()> read);

  // Every family in registration order: # HELP, # TYPE, then its samples. A family without
  // samples yet (a labelled family nobody has used) still shows its HELP and TYPE, so a scrape
  // always names every metric the server has; only a collector that failed is left out.
  std::string expose() const;

 private:
  struct Entry;
  void claim(const std::string& name, const std::vector<std::string>& label_names, Type type);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::string> names_;
};

// Text-format escaping (exposed for the tests): a label value escapes \, " and newline; HELP
// text escapes \ and newline.
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
// A sample value as Prometheus reads it: shortest round-trip decimal, +Inf, -Inf, NaN.
std::string format_value(double value);

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

}  // namespace harbour::core::metrics
