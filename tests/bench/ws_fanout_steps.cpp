#include "ws_fanout_steps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace harbour_bench {
namespace {

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 12345.6 -> "12,346"
std::string thousands(double v) {
  std::string digits = fmt(std::round(v), 0);
  std::string sign;
  if (!digits.empty() && digits[0] == '-') {
    sign = "-";
    digits.erase(0, 1);
  }
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return sign + out;
}

// A rate as given: 20 -> "20", 2.5 -> "2.5".
std::string rate_text(double r) {
  if (std::fabs(r - std::round(r)) < 1e-9) return fmt(r, 0);
  std::string s = fmt(r, 3);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Rounded to `unit` (0.01, 0.1, ...), computed so that 99.99 stays 99.99 (not 99.99000000000001).
double round_to(double v, double unit) {
  const double per = std::round(1.0 / unit);
  return std::round(v * per) / per;
}

std::string ms_text(const json& lat, const char* key) {
  if (!lat.is_object() || !lat.contains(key) || !lat[key].is_number()) return "–";
  return fmt(lat[key].get<double>(), 1);
}

}  // namespace

std::optional<std::vector<double>> parse_rate_list(std::string_view text) {
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const std::string item(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !(v > 0 && v <= 100000)) return std::nullopt;
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

json percentiles_ms(std::vector<std::uint32_t> us) {
  if (us.empty()) return json{{"count", 0}};
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(
        std::min<double>(static_cast<double>(us.size() - 1), std::floor(q * static_cast<double>(us.size()))));
    return std::round(static_cast<double>(us[i]) / 10.0) / 100.0;  // ms, 2 decimals
  };
  double sum = 0;
  for (auto v : us) sum += v;
  return json{{"count", us.size()},  {"p50", at(0.50)},  {"p90", at(0.90)}, {"p99", at(0.99)},
              {"p999", at(0.999)},   {"max", std::round(static_cast<double>(us.back()) / 10.0) / 100.0},
              {"mean", std::round(sum / static_cast<double>(us.size()) / 10.0) / 100.0}};
}

std::uint32_t clamp_us(std::int64_t v) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(v, 0, std::numeric_limits<std::uint32_t>::max()));
}

void evaluate(StepResult& s, const Slo& slo) {
  s.latency_ms = percentiles_ms(std::move(s.latency_us));
  s.post_latency_ms = percentiles_ms(std::move(s.post_latency_us));
  s.latency_us = {};
  s.post_latency_us = {};
  s.delivered_ratio = s.expected ? static_cast<double>(s.delivered) / static_cast<double>(s.expected) : 0.0;
  s.failures.clear();
  if (s.published == 0) s.failures.push_back("nothing published");
  if (s.sockets == 0) s.failures.push_back("no open socket");
  if (s.delivered == 0) {
    if (s.expected > 0) s.failures.push_back("no delivery");
  } else {
    const double p99 = s.latency_ms.value("p99", 0.0);
    if (p99 > slo.p99_ms) s.failures.push_back("latency p99 " + fmt(p99, 1) + " ms > " + fmt(slo.p99_ms, 1) + " ms");
  }
  if (s.expected > 0 && s.delivered_ratio < slo.delivery) {
    s.failures.push_back("delivered " + fmt(s.delivered_ratio, 4) + " < " + fmt(slo.delivery, 4) + " (" + std::to_string(s.delivered) +
                         " of " + std::to_string(s.expected) + ")");
  }
  if (slo.posted > 0 && s.posted_per_s < slo.posted * s.rate) {
    s.failures.push_back("posted " + fmt(s.posted_per_s, 1) + "/s < " + fmt(slo.posted, 2) + " x " + rate_text(s.rate) + "/s");
  }
  s.met = s.failures.empty();
}

json step_json(const StepResult& s) {
  const double ideal = s.posted_per_s * static_cast<double>(s.sockets);
  const double delivered_per_s = s.window_s > 0 ? static_cast<double>(s.delivered_in_window) / s.window_s : 0.0;
  json j = {{"step", s.index},
            {"warmup", s.warmup},
            {"rate_target_per_s", s.rate},
            {"duration_s", s.duration_s},
            {"sockets", s.sockets},
            {"first_seq", s.first_seq},
            {"scheduled", s.scheduled},
            {"sent", s.sent},
            {"published", s.published},
            {"held", s.held},
            {"failed", s.failed},
            {"statuses", s.statuses},
            {"window_s", round_to(s.window_s, 0.01)},
            {"posted_per_s", round_to(s.posted_per_s, 0.01)},
            {"late_over_50ms", s.late_over_50ms},
            {"max_late_ms", round_to(s.max_late_ms, 0.1)},
            {"ideal_deliveries_per_s", std::round(ideal)},
            {"delivered_per_s", std::round(delivered_per_s)},
            {"expected", s.expected},
            {"delivered", s.delivered},
            {"delivered_ratio", round_to(s.delivered_ratio, 0.0001)},
            {"delivered_in_window", s.delivered_in_window},
            {"arrived_after_step", s.arrived_after_step},
            {"closed_during_step", s.closed_during},
            {"drain_s", round_to(s.drain_s, 0.01)},
            {"drained", s.drained},
            {"latency_ms", s.latency_ms},
            {"post_latency_ms", s.post_latency_ms},
            {"cpu", s.cpu},
            {"slo_met", s.met},
            {"slo_failures", s.failures}};
  if (s.server_us_per_delivery) j["server_cpu_us_per_delivery"] = *s.server_us_per_delivery;
  return j;
}

json capacity_json(const std::vector<StepResult>& steps, const Slo& slo, const std::string& stopped, std::size_t steps_planned) {
  json c = {{"slo", {{"p99_ms", slo.p99_ms}, {"delivered_ratio", slo.delivery}, {"posted_ratio", slo.posted}}},
            {"stopped", stopped},
            {"steps_run", steps.size()},
            {"steps_planned", steps_planned}};
  const StepResult* best = nullptr;
  const StepResult* failing = nullptr;
  for (const auto& s : steps) {
    if (s.warmup) continue;
    if (s.met && (!best || s.rate > best->rate)) best = &s;
    if (!s.met && !failing) failing = &s;
  }
  c["met"] = best != nullptr;
  if (best) {
    const double delivered_per_s = best->window_s > 0 ? static_cast<double>(best->delivered_in_window) / best->window_s : 0.0;
    c["step"] = best->index;
    c["rate_per_s"] = best->rate;
    c["sockets"] = best->sockets;
    c["deliveries_per_s"] = std::round(best->rate * static_cast<double>(best->sockets));
    c["posted_per_s"] = round_to(best->posted_per_s, 0.01);
    c["delivered_per_s"] = std::round(delivered_per_s);
    c["latency_p99_ms"] = best->latency_ms.value("p99", json());
  } else {
    c["step"] = nullptr;
    c["rate_per_s"] = nullptr;
    c["sockets"] = steps.empty() ? json() : json(steps.front().sockets);
    c["deliveries_per_s"] = nullptr;
  }
  c["first_failing_step"] = failing ? json(failing->index) : json();
  c["first_failing_rate_per_s"] = failing ? json(failing->rate) : json();
  c["failed_because"] = failing ? json(failing->failures) : json::array();
  // Every step run met the SLO: the capacity is at least the last rate, not at most.
  c["lower_bound"] = best != nullptr && failing == nullptr;
  return c;
}

std::string steps_markdown(const std::vector<StepResult>& steps, const json& capacity) {
  std::ostringstream md;
  md << "| step | rate/s | sockets | posted/s | ideal deliveries/s | delivered/s | delivered / expected | ratio |"
        " latency p50 / p99 / max ms | POST p50 / p99 ms | server µs per delivery | CPU % server / tool / other | SLO |\n";
  md << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const auto& s : steps) {
    const json j = step_json(s);
    const auto pct = [&](const char* k) {
      return s.cpu.is_object() && s.cpu.contains(k) && s.cpu[k].is_number() ? fmt(s.cpu[k].get<double>(), 0) : std::string("–");
    };
    md << "| " << s.index << " | " << rate_text(s.rate) << " | " << s.sockets << " | " << fmt(s.posted_per_s, 1) << " | "
       << thousands(j["ideal_deliveries_per_s"].get<double>()) << " | " << thousands(j["delivered_per_s"].get<double>()) << " | "
       << thousands(static_cast<double>(s.delivered)) << " / " << thousands(static_cast<double>(s.expected)) << " | "
       << fmt(s.delivered_ratio, 4) << " | " << ms_text(s.latency_ms, "p50") << " / " << ms_text(s.latency_ms, "p99") << " / "
       << ms_text(s.latency_ms, "max") << " | " << ms_text(s.post_latency_ms, "p50") << " / " << ms_text(s.post_latency_ms, "p99")
       << " | " << (s.server_us_per_delivery ? fmt(*s.server_us_per_delivery, 1) : std::string("–")) << " | " << pct("server_pct")
       << " / " << pct("tool_pct") << " / " << pct("other_pct") << " | ";
    if (s.met) {
      md << "met";
    } else {
      md << "**missed**: ";
      for (std::size_t i = 0; i < s.failures.size(); ++i) md << (i ? "; " : "") << s.failures[i];
    }
    md << " |\n";
  }
  const auto& slo = capacity["slo"];
  md << "\n**Capacity** (SLO: delivery p99 ≤ " << fmt(slo.value("p99_ms", 0.0), 0) << " ms, delivered ≥ "
     << fmt(slo.value("delivered_ratio", 0.0), 3);
  if (slo.value("posted_ratio", 0.0) > 0) md << ", posted/s ≥ " << fmt(slo.value("posted_ratio", 0.0), 2) << " × rate";
  md << "): ";
  if (capacity.value("met", false)) {
    md << rate_text(capacity["rate_per_s"].get<double>()) << " messages/s × " << capacity["sockets"].dump() << " sockets = "
       << thousands(capacity["deliveries_per_s"].get<double>()) << " deliveries/s (step " << capacity["step"].dump() << ")";
    if (capacity.value("lower_bound", false)) md << "; every step met the SLO, so this is a lower bound";
  } else {
    md << "none of the " << steps.size() << " step(s) run met the SLO";
  }
  if (capacity.contains("first_failing_step") && !capacity["first_failing_step"].is_null()) {
    md << "; step " << capacity["first_failing_step"].dump() << " at " << rate_text(capacity["first_failing_rate_per_s"].get<double>())
       << "/s missed it";
  }
  const auto stopped = capacity.value("stopped", std::string());
  if (stopped == "time") md << "; stopped early: not enough of --hard-timeout left for the next step";
  if (stopped == "no_sockets") md << "; stopped: no socket left open";
  md << ".\n";
  return md.str();
}

}  // namespace harbour_bench
