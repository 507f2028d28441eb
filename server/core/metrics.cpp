#include "core/metrics.hpp"

#include "core/log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace harbour::core::metrics {
namespace {

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;  // __ is reserved for Prometheus itself
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

const char* type_name(Type type) {
  switch (type) {
    case Type::Counter: return "counter";
    case Type::Gauge: return "gauge";
    case Type::Histogram: return "histogram";
  }
  return "untyped";
}

// name{a="x",b="y"} (no braces without labels); `extra` is one more pair (le) already escaped.
void write_series(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& values, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  out += name;
  if (label_names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += label_names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void write_header(std::string& out, std::string_view name, std::string_view help, Type type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += escape_help(help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type_name(type);
  out += '\n';
}

}  // namespace

// ---- values ------------------------------------------------------------------------------------

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_->size() + 1]) {
  for (std::size_t i = 0; i <= bounds_->size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) noexcept {
  if (std::isnan(v)) return;
  const auto& b = *bounds_;
  const auto index = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), v) - b.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.reserve(bounds_->size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_->size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
  if (!(start > 0) || !(factor > 1) || count == 0) throw std::invalid_argument("exponential_buckets: start > 0, factor > 1, count > 0");
  std::vector<double> out;
  out.reserve(count);
  for (double v = start; out.size() < count; v *= factor) out.push_back(v);
  return out;
}

// ---- families ----------------------------------------------------------------------------------

template <class M>
Family<M>::Family(std::vector<std::string> label_names, std::function<std::unique_ptr<M>()> make)
    : label_names_(std::move(label_names)), make_(std::move(make)) {
  if (label_names_.empty()) children_.emplace(std::vector<std::string>{}, make_());
}

template <class M>
M& Family<M>::labels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric family takes " + std::to_string(label_names_.size()) + " label values, got " +
                                std::to_string(values.size()));
  }
  const std::lock_guard lock(mutex_);
  auto it = children_.find(values);
  if (it == children_.end()) it = children_.emplace(values, make_()).first;
  return *it->second;
}

template <class M>
M& Family<M>::labels(std::initializer_list<std::string_view> values) {
  std::vector<std::string> v;
  v.reserve(values.size());
  for (const auto s : values) v.emplace_back(s);
  return labels(v);
}

template <class M>
void Family<M>::for_each(const std::function<void(const std::vector<std::string>&, const M&)>& f) const {
  const std::lock_guard lock(mutex_);
  for (const auto& [values, child] : children_) f(values, *child);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- registry ----------------------------------------------------------------------------------

struct Registry::Entry {
  std::string name;  // of a direct family; collectors name theirs in `collected`
  std::string help;
  std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>, std::unique_ptr<Family<Histogram>>,
               std::monostate>
      family;
  std::vector<CollectedFamily> collected;
  Collect collect;
};

Registry::Registry() = default;
Registry::~Registry() = default;

void Registry::claim(const std::string& name, const std::vector<std::string>& label_names, Type type) {
  if (!valid_metric_name(name)) throw std::invalid_argument("invalid metric name \"" + name + "\"");
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const auto& l = label_names[i];
    if (!valid_label_name(l)) throw std::invalid_argument("invalid label name \"" + l + "\" of " + name);
    if (type == Type::Histogram && l == "le") throw std::invalid_argument("a histogram cannot have a label \"le\": " + name);
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i), l) !=
        label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("label \"" + l + "\" twice in " + name);
    }
  }
  if (std::find(names_.begin(), names_.end(), name) != names_.end()) {
    throw std::invalid_argument("metric \"" + name + "\" registered twice");
  }
  names_.push_back(name);
}

Family<Counter>& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
  const std::lock_guard lock(mutex_);
  claim(name, label_names, Type::Counter);
  auto family = std::make_unique<Family<Counter>>(std::move(label_names), [] { return std::make_unique<Counter>(); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(family), {}, {}}));
  return ref;
}

Family<Gauge>& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
  const std::lock_guard lock(mutex_);
  claim(name, label_names, Type::Gauge);
  auto family = std::make_unique<Family<Gauge>>(std::move(label_names), [] { return std::make_unique<Gauge>(); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(family), {}, {}}));
  return ref;
}

Family<Histogram>& Registry::histogram(std::string name, std::string help, std::vector<double> bounds,
                                       std::vector<std::string> label_names) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();  // +Inf is implied
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
      throw std::invalid_argument("histogram " + name + ": bounds must be finite and strictly increasing");
    }
  }
  const std::lock_guard lock(mutex_);
  claim(name, label_names, Type::Histogram);
  auto shared = std::make_shared<const std::vector<double>>(std::move(bounds));
  auto family = std::make_unique<Family<Histogram>>(std::move(label_names),
                                                    [shared] { return std::make_unique<Histogram>(shared); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(name), std::move(help), std::move(family), {}, {}}));
  return ref;
}

void Registry::add_collector(std::vector<CollectedFamily> families, Collect collect) {
  if (families.empty() || !collect) throw std::invalid_argument("a collector needs families and a function");
  const std::lock_guard lock(mutex_);
  // All or nothing: check every name before claiming any, so a refused collector leaves no trace.
  std::vector<std::string> seen = names_;
  for (const auto& f : families) {
    if (f.type == Type::Histogram) throw std::invalid_argument("collected histograms are not supported: " + f.name);
    if (std::find(seen.begin(), seen.end(), f.name) != seen.end()) {
      throw std::invalid_argument("metric \"" + f.name + "\" registered twice");
    }
    seen.push_back(f.name);
  }
  const auto before = names_.size();
  try {
    for (const auto& f : families) claim(f.name, f.label_names, f.type);
  } catch (...) {
    names_.resize(before);
    throw;
  }
  entries_.push_back(std::make_unique<Entry>(Entry{{}, {}, std::monostate{}, std::move(families), std::move(collect)}));
}

void Registry::gauge_callback(std::string name, std::string help, std::function<double()> read) {
  add_collector({{std::move(name), std::move(help), Type::Gauge, {}}},
                [read = std::move(read)] { return std::vector<std::vector<Sample>>{{Sample{{}, read()}}}; });
}

void Registry::counter_callback(std::string name, std::string help, std::function<double()> read) {
  add_collector({{std::move(name), std::move(help), Type::Counter, {}}},
                [read = std::move(read)] { return std::vector<std::vector<Sample>>{{Sample{{}, read()}}}; });
}

std::string Registry::expose() const {
  // Registration is over once the server runs; the lock only guards against a late one.
  std::vector<const Entry*> entries;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& e : entries_) entries.push_back(e.get());
  }
  std::string out;
  out.reserve(16 * 1024);
  for (const Entry* e : entries) {
    if (const auto* counters = std::get_if<std::unique_ptr<Family<Counter>>>(&e->family)) {
      std::string body;
      (*counters)->for_each([&](const std::vector<std::string>& values, const Counter& c) {
        write_series(body, e->name, (*counters)->label_names(), values);
        body += ' ';
        body += std::to_string(c.value());
        body += '\n';
      });
      write_header(out, e->name, e->help, Type::Counter);
      out += body;
    } else if (const auto* gauges = std::get_if<std::unique_ptr<Family<Gauge>>>(&e->family)) {
      std::string body;
      (*gauges)->for_each([&](const std::vector<std::string>& values, const Gauge& g) {
        write_series(body, e->name, (*gauges)->label_names(), values);
        body += ' ';
        body += format_value(g.value());
        body += '\n';
      });
      write_header(out, e->name, e->help, Type::Gauge);
      out += body;
    } else if (const auto* histograms = std::get_if<std::unique_ptr<Family<Histogram>>>(&e->family)) {
      std::string body;
      const auto& names = (*histograms)->label_names();
      (*histograms)->for_each([&](const std::vector<std::string>& values, const Histogram& h) {
        const auto s = h.snapshot();
        const auto& bounds = h.bounds();
        const std::string bucket = e->name + "_bucket";
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          write_series(body, bucket, names, values, "le", i < bounds.size() ? format_value(bounds[i]) : "+Inf");
          body += ' ';
          body += std::to_string(s.cumulative[i]);
          body += '\n';
        }
        write_series(body, e->name + "_sum", names, values);
        body += ' ';
        body += format_value(s.sum);
        body += '\n';
        write_series(body, e->name + "_count", names, values);
        body += ' ';
        body += std::to_string(s.count);
        body += '\n';
      });
      write_header(out, e->name, e->help, Type::Histogram);
      out += body;
    } else {
      std::vector<std::vector<Sample>> collected;
      try {
        collected = e->collect();
        if (collected.size() != e->collected.size()) throw std::logic_error("a collector returned the wrong number of families");
        for (std::size_t f = 0; f < collected.size(); ++f) {
          for (const auto& sample : collected[f]) {
            if (sample.labels.size() != e->collected[f].label_names.size()) {
              throw std::logic_error("a collector returned the wrong number of label values for " + e->collected[f].name);
            }
          }
        }
      } catch (const std::exception& ex) {
        // Left out of this scrape: Prometheus shows the gap, and the log says why.
        nlohmann::json names = nlohmann::json::array();
        for (const auto& f : e->collected) names.push_back(f.name);
        log::warn("metrics_collector_failed", {{"metrics", names}, {"error", ex.what()}});
        continue;
      }
      for (std::size_t f = 0; f < collected.size(); ++f) {
        const auto& family = e->collected[f];
        write_header(out, family.name, family.help, family.type);
        for (const auto& sample : collected[f]) {
          write_series(out, family.name, family.label_names, sample.labels);
          out += ' ';
          out += format_value(sample.value);
          out += '\n';
        }
      }
    }
  }
  return out;
}

// ---- text format -------------------------------------------------------------------------------

namespace {
// The text format escapes backslash and newline everywhere, and the double quote only inside
// label values (HELP text is not quoted).
std::string escape_text(std::string_view text, bool quoted) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '"':
        if (quoted) out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}
}  // namespace

std::string escape_label_value(std::string_view value) { return escape_text(value, true); }

std::string escape_help(std::string_view help) { return escape_text(help, false); }

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc{}) return "NaN";  // cannot happen with 64 bytes
  return std::string(buf, end);
}

}  // namespace harbour::core::metrics
