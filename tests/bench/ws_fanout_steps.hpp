// Rate stepping for the WebSocket fan-out tool (tests/bench/ws_fanout.cpp, --step-rates): the
// figures of one step, the service-level objective (SLO) it is held to, and the capacity found.
// Pure functions over numbers the tool collected; no I/O.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour_bench {

using json = nlohmann::json;

// "20,50,100" -> {20, 50, 100}; nullopt when an entry is not a positive number.
std::optional<std::vector<double>> parse_rate_list(std::string_view text);

// {"count", "p50", "p90", "p99", "p999", "max", "mean"} in milliseconds (2 decimals) of µs values;
// {"count": 0} when there are none.
json percentiles_ms(std::vector<std::uint32_t> us);
std::uint32_t clamp_us(std::int64_t v);

struct Slo {
  double p99_ms = 100.0;    // delivery latency p99 at most this
  double delivery = 0.99;   // delivered within the step / expected at least this
  double posted = 0.9;      // posted/s at least this share of the step's rate (0: not checked)
};

// One step: `rate` messages a second for `duration_s` on the sockets already open, then a bounded
// wait for that step's deliveries. Sequence numbers carry on from step to step
// ([first_seq, first_seq + scheduled)), so every delivery is counted in the step that posted it.
struct StepResult {
  std::size_t index = 0;  // 1-based
  double rate = 0;
  double duration_s = 0;
  std::size_t first_seq = 0;
  std::size_t scheduled = 0, sent = 0, published = 0, held = 0, failed = 0;
  std::map<std::string, std::uint64_t> statuses;
  double window_s = 0;      // posting window (n sends: n intervals from the first send)
  double posted_per_s = 0;  // published / window
  std::uint64_t late_over_50ms = 0;
  double max_late_ms = 0;
  std::size_t sockets = 0;  // open when the step started
  std::uint64_t expected = 0;             // published x sockets
  std::uint64_t delivered = 0;            // first deliveries of published messages, arrived by the end of the drain
  std::uint64_t delivered_in_window = 0;  // ... of which within the posting window
  std::uint64_t arrived_after_step = 0;   // this step's messages that arrived after its drain (filled in at the end)
  std::size_t closed_during = 0;          // sockets the server closed (or that failed) during the step
  double drain_s = 0;
  bool drained = false;                   // every expected delivery arrived (not cut by the quiet time or the bound)
  std::vector<std::uint32_t> latency_us;  // of `delivered`
  std::vector<std::uint32_t> post_latency_us;
  json cpu = json::object();              // cpu_between(step start, end of drain)
  std::optional<double> server_us_per_delivery;

  // Filled in by evaluate().
  json latency_ms = json::object();
  json post_latency_ms = json::object();
  double delivered_ratio = 0;
  bool met = false;
  bool warmup = false;  // --warmup-steps: not counted for the capacity, never stops the run
  std::vector<std::string> failures;
};

// Computes the percentiles and the ratio, and holds the step to the SLO (frees the raw vectors).
void evaluate(StepResult& s, const Slo& slo);

json step_json(const StepResult& s);

// {"met", "rate_per_s", "deliveries_per_s", "sockets", "step", "posted_per_s", "delivered_per_s",
//  "first_failing_step", "first_failing_rate_per_s", "failed_because", "stopped", "lower_bound", "slo"}
json capacity_json(const std::vector<StepResult>& steps, const Slo& slo, const std::string& stopped, std::size_t steps_planned);

// The step table and the capacity line (Markdown).
std::string steps_markdown(const std::vector<StepResult>& steps, const json& capacity);

}  // namespace harbour_bench
