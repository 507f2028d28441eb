// The Prometheus registry and its text exposition (core/metrics): exact text for each type,
// escaping, cumulative histogram buckets and their edges, registration errors, collectors that
// fail, and increments from many threads at once (exact totals, no lost update).
#include "core/metrics.hpp"
#include "core/metrics_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace harbour::core::metrics;

namespace {

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    const auto line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (line.starts_with(prefix)) out.push_back(line);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

}  // namespace

TEST(MetricsRegistry, CounterAndGaugeExposeHelpTypeAndValueExactly) {
  Registry r;
  auto& requests = r.counter("demo_requests_total", "Requests seen.");
  requests.get().inc();
  requests.get().inc(41);
  auto& temperature = r.gauge("demo_temperature_celsius", "Room temperature.", {"room"});
  temperature.labels({"kitchen"}).set(21.5);
  temperature.labels({"hall"}).add(-3);
  temperature.labels({"hall"}).add(0.25);
  EXPECT_EQ(r.expose(),
            "# HELP demo_requests_total Requests seen.\n"
            "# TYPE demo_requests_total counter\n"
            "demo_requests_total 42\n"
            "# HELP demo_temperature_celsius Room temperature.\n"
            "# TYPE demo_temperature_celsius gauge\n"
            "demo_temperature_celsius{room=\"hall\"} -2.75\n"
            "demo_temperature_celsius{room=\"kitchen\"} 21.5\n");
}

TEST(MetricsRegistry, UnlabelledFamiliesShowZeroAndUnusedLabelledFamiliesOnlyTheirHeader) {
  Registry r;
  r.counter("demo_unused_total", "Nobody counted this yet.", {"kind"});
  r.histogram("demo_unused_seconds", "Nothing timed yet.", {1}, {"route"});
  r.counter("demo_zero_total", "Present from the start.");
  EXPECT_EQ(r.expose(),
            "# HELP demo_unused_total Nobody counted this yet.\n"
            "# TYPE demo_unused_total counter\n"
            "# HELP demo_unused_seconds Nothing timed yet.\n"
            "# TYPE demo_unused_seconds histogram\n"
            "# HELP demo_zero_total Present from the start.\n"
            "# TYPE demo_zero_total counter\n"
            "demo_zero_total 0\n");
}

TEST(MetricsRegistry, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.counter("demo_escapes_total", "Back\\slash and\nnewline; \"quotes\" stay.", {"path", "who"})
      .labels({"C:\\dir\\\"x\"", "line1\nline2"})
      .inc();
  EXPECT_EQ(r.expose(),
            "# HELP demo_escapes_total Back\\\\slash and\\nnewline; \"quotes\" stay.\n"
            "# TYPE demo_escapes_total counter\n"
            "demo_escapes_total{path=\"C:\\\\dir\\\\\\\"x\\\"\",who=\"line1\\nline2\"} 1\n");
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label_value("plain é ✓"), "plain é ✓");  // UTF-8 passes through
  EXPECT_EQ(escape_help("x\\y\nz\"q"), "x\\\\y\\nz\"q");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto& h = r.histogram("demo_size_bytes", "Sizes.", {1, 2, 4}, {"kind"});
  auto& small = h.labels({"small"});
  for (const double v : {0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 4.5, 100.0}) small.observe(v);
  // Cumulative: each le counts every observation at or below it; _sum and _count keep the labels.
  EXPECT_EQ(r.expose(),
            "# HELP demo_size_bytes Sizes.\n"
            "# TYPE demo_size_bytes histogram\n"
            "demo_size_bytes_bucket{kind=\"small\",le=\"1\"} 2\n"
            "demo_size_bytes_bucket{kind=\"small\",le=\"2\"} 4\n"
            "demo_size_bytes_bucket{kind=\"small\",le=\"4\"} 6\n"
            "demo_size_bytes_bucket{kind=\"small\",le=\"+Inf\"} 8\n"
            "demo_size_bytes_sum{kind=\"small\"} 116.5\n"
            "demo_size_bytes_count{kind=\"small\"} 8\n");
}

TEST(MetricsRegistry, HistogramEdgesBelongToTheirBucketAndNaNIsIgnored) {
  Histogram h(std::make_shared<const std::vector<double>>(std::vector<double>{0.001, 0.01, 0.1}));
  h.observe(0.001);                        // exactly on a bound: le="0.001"
  h.observe(std::nextafter(0.001, 1.0));   // just above it: the next bucket
  h.observe(-5);                           // below every bound: the first bucket
  h.observe(0.1);
  h.observe(std::numeric_limits<double>::infinity());  // only +Inf
  h.observe(std::numeric_limits<double>::quiet_NaN()); // not counted at all
  const auto s = h.snapshot();
  ASSERT_EQ(s.cumulative.size(), 4u);
  EXPECT_EQ(s.cumulative[0], 2u);
  EXPECT_EQ(s.cumulative[1], 3u);
  EXPECT_EQ(s.cumulative[2], 4u);
  EXPECT_EQ(s.cumulative[3], 5u);
  EXPECT_EQ(s.count, 5u);
}

TEST(MetricsRegistry, HistogramBoundsAreCheckedAndTrailingInfIsImplied) {
  Registry r;
  EXPECT_THROW(r.histogram("demo_a", "x", {1, 1, 2}), std::invalid_argument);
  EXPECT_THROW(r.histogram("demo_b", "x", {2, 1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("demo_c", "x", {1, std::numeric_limits<double>::quiet_NaN()}), std::invalid_argument);
  auto& h = r.histogram("demo_d", "x", {1, std::numeric_limits<double>::infinity()}).get();
  h.observe(3);
  const auto text = r.expose();
  EXPECT_EQ(lines_starting(text, "demo_d_bucket").size(), 2u) << text;  // le="1" and one +Inf, not two
  EXPECT_NE(text.find("demo_d_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, ExponentialBucketsDouble) {
  EXPECT_EQ(exponential_buckets(1, 2, 10), (std::vector<double>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}));
  EXPECT_THROW(exponential_buckets(0, 2, 3), std::invalid_argument);
}

TEST(MetricsRegistry, NamesAndLabelsPrometheusWouldRefuseAreRefusedAtRegistration) {
  Registry r;
  r.counter("demo_total", "x");
  EXPECT_THROW(r.counter("demo_total", "again"), std::invalid_argument);
  EXPECT_THROW(r.gauge("demo_total", "another type, same name"), std::invalid_argument);
  EXPECT_THROW(r.counter("9starts_with_digit", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("has-dash", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("demo_x_total", "x", {"bad-label"}), std::invalid_argument);
  EXPECT_THROW(r.counter("demo_y_total", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.counter("demo_z_total", "x", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("demo_h", "x", {1}, {"le"}), std::invalid_argument);
  EXPECT_THROW(r.add_collector({{"demo_total", "taken", Type::Gauge, {}}}, [] { return std::vector<std::vector<Sample>>{{}}; }),
               std::invalid_argument);
  // A refused collector claims none of its names.
  EXPECT_THROW(r.add_collector({{"demo_fresh", "ok", Type::Gauge, {}}, {"demo_fresh", "dup", Type::Gauge, {}}},
                               [] { return std::vector<std::vector<Sample>>{{}, {}}; }),
               std::invalid_argument);
  EXPECT_NO_THROW(r.gauge("demo_fresh", "now free"));
  auto& labelled = r.counter("demo_labelled_total", "x", {"a", "b"});
  EXPECT_THROW(labelled.labels({"only one"}), std::invalid_argument);
}

TEST(MetricsRegistry, CollectorsAreReadAtScrapeTimeAndAFailingOneIsLeftOut) {
  Registry r;
  double queue = 3;
  r.gauge_callback("demo_queue_jobs", "Jobs waiting.", [&queue] { return queue; });
  r.add_collector({{"demo_broken", "Throws.", Type::Gauge, {}}, {"demo_broken_too", "Same call.", Type::Gauge, {}}},
                  []() -> std::vector<std::vector<Sample>> { throw std::runtime_error("database gone"); });
  r.add_collector({{"demo_shape", "Wrong label count.", Type::Gauge, {"network"}}},
                  [] { return std::vector<std::vector<Sample>>{{Sample{{}, 1}}}; });
  r.add_collector({{"demo_cases", "By network.", Type::Gauge, {"network"}}, {"demo_done_total", "Done.", Type::Counter, {}}},
                  [] {
                    return std::vector<std::vector<Sample>>{{{{"default"}, 2}, {{"carers"}, 0}}, {{{}, 7}}};
                  });
  auto text = r.expose();
  EXPECT_NE(text.find("demo_queue_jobs 3\n"), std::string::npos) << text;
  queue = 5;
  text = r.expose();
  EXPECT_NE(text.find("demo_queue_jobs 5\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("demo_broken"), std::string::npos) << text;
  EXPECT_EQ(text.find("demo_shape"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE demo_cases gauge\ndemo_cases{network=\"default\"} 2\ndemo_cases{network=\"carers\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE demo_done_total counter\ndemo_done_total 7\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, ValuesAreWrittenAsPrometheusReadsThem) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(1), "1");
  EXPECT_EQ(format_value(0.001), "0.001");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(1234567890123.0), "1234567890123");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(std::stod(format_value(0.1 + 0.2)), 0.1 + 0.2);  // round-trips exactly
}

TEST(MetricsRegistry, ConcurrentIncrementsAndObservationsAreNeverLost) {
  Registry r;
  auto& counter = r.counter("demo_hits_total", "x", {"code"});
  auto& histogram = r.histogram("demo_latency_seconds", "x", {0.5, 1.5}).get();
  auto& gauge = r.gauge("demo_open", "x").get();
  constexpr int kThreads = 8;
  constexpr int kEach = 50'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Every thread looks the child up itself: the lookup must hand back the same child.
      auto& mine = counter.labels({t % 2 == 0 ? "200" : "404"});
      for (int i = 0; i < kEach; ++i) {
        mine.inc();
        histogram.observe(static_cast<double>(i % 3));  // 0, 1, 2: one in each bucket
        gauge.add(1);
        gauge.add(-1);
      }
    });
  }
  // Scrapes while they run must not disturb them (nor crash).
  for (int i = 0; i < 20; ++i) (void)r.expose();
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.labels({"200"}).value(), static_cast<std::uint64_t>(kThreads / 2 * kEach));
  EXPECT_EQ(counter.labels({"404"}).value(), static_cast<std::uint64_t>(kThreads / 2 * kEach));
  const auto s = histogram.snapshot();
  EXPECT_EQ(s.count, static_cast<std::uint64_t>(kThreads * kEach));
  const std::uint64_t per_value = [] {
    std::uint64_t n = 0;
    for (int i = 0; i < kEach; ++i) n += i % 3 == 0;
    return n * kThreads;
  }();
  EXPECT_EQ(s.cumulative[0], per_value);  // the zeros
  EXPECT_EQ(s.sum, static_cast<double>(kThreads) * [] {
    double sum = 0;
    for (int i = 0; i < kEach; ++i) sum += i % 3;
    return sum;
  }());  // whole numbers far below 2^53: exact however they were added up
  EXPECT_EQ(gauge.value(), 0);
}

TEST(MetricsProcess, ProcStatFieldsAreFoundPastACommandNameWithSpacesAndParentheses) {
  // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss ...
  const std::string text =
      "4242 (harbour (x) y) S 1 4242 4242 0 -1 4194560 1500 0 0 0 "
      "250 130 0 0 20 0 9 0 777000 1048576000 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
  const auto s = parse_proc_stat(text);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->utime_ticks, 250u);
  EXPECT_EQ(s->stime_ticks, 130u);
  EXPECT_EQ(s->start_ticks, 777000u);
  EXPECT_EQ(s->vsize_bytes, 1048576000u);
  EXPECT_EQ(s->rss_pages, 2560u);
  EXPECT_FALSE(parse_proc_stat("4242 (truncated) S 1 2").has_value());
  EXPECT_FALSE(parse_proc_stat("no parenthesis at all").has_value());
}

TEST(MetricsProcess, ThisProcessFiguresAreRead) {
  const auto s = read_process_stats();
  ASSERT_TRUE(s.resident_bytes && s.open_fds && s.start_time_seconds && s.cpu_seconds);
  EXPECT_GT(*s.resident_bytes, 1024.0 * 1024.0);  // a gtest binary holds more than 1 MiB
  EXPECT_GE(*s.open_fds, 3.0);                    // stdin, stdout, stderr at least
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(*s.start_time_seconds, now + 1);
  EXPECT_GT(*s.start_time_seconds, now - 24 * 3600.0);  // started today, not at the epoch
  Registry r;
  register_process_metrics(r, "9.9.9");
  const auto text = r.expose();
  EXPECT_NE(text.find("harbour_build_info{version=\"9.9.9\"} 1\n"), std::string::npos) << text;
  for (const char* name : {"process_start_time_seconds ", "process_resident_memory_bytes ", "process_open_fds ",
                           "process_cpu_seconds_total "}) {
    EXPECT_EQ(lines_starting(text, name).size(), 1u) << name << "\n" << text;
  }
}
