#pragma once
// The process figures every Prometheus exporter gives (the standard process_* names, so existing
// dashboards and alerts work), read from /proc/self at scrape time, and harbour_build_info.
#include "core/metrics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harbour::core::metrics {

struct ProcessStats {
  std::optional<double> start_time_seconds;  // Unix time the process started
  std::optional<double> cpu_seconds;         // user + system
  std::optional<double> resident_bytes;
  std::optional<double> virtual_bytes;
  std::optional<double> open_fds;
  std::optional<double> max_fds;             // the soft RLIMIT_NOFILE
};

// Reads /proc/self/stat (with the boot time from the clocks), /proc/self/fd and the fd limit; a figure that
// cannot be read is left empty (and then out of the exposition).
ProcessStats read_process_stats();

// Parses the text of /proc/self/stat (exposed for the tests): the fields after the command name,
// which may itself hold spaces and parentheses.
struct ProcStat {
  std::uint64_t utime_ticks = 0, stime_ticks = 0, start_ticks = 0, vsize_bytes = 0, rss_pages = 0;
};
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// harbour_build_info{version} 1 and the process_* gauges and counter.
void register_process_metrics(Registry& registry, std::string_view version);

}  // namespace harbour::core::metrics
