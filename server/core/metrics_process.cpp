#include "core/metrics_process.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace harbour::core::metrics {
namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<std::uint64_t> to_u64(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// The boot time from the clocks: wall-clock now less the time since boot, which is what
// /proc/self/stat's start time counts from. Not from /proc/stat's btime: the service's
// ProcSubset=pid hides /proc/stat, and the clocks cost no file read per scrape.
std::optional<double> boot_time_seconds() {
  timespec real{}, since_boot{};
  if (clock_gettime(CLOCK_REALTIME, &real) != 0 || clock_gettime(CLOCK_BOOTTIME, &since_boot) != 0) return std::nullopt;
  return static_cast<double>(real.tv_sec - since_boot.tv_sec) + static_cast<double>(real.tv_nsec - since_boot.tv_nsec) / 1e9;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  // "pid (comm) state ppid ...": comm may hold anything, so fields start after the LAST ')'.
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> fields;  // fields[0] is field 3 of proc(5), the state
  std::size_t pos = close + 1;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n')) ++pos;
    const auto end = text.find_first_of(" \n", pos);
    const auto stop = end == std::string_view::npos ? text.size() : end;
    if (stop > pos) fields.push_back(text.substr(pos, stop - pos));
    pos = stop;
  }
  auto field = [&](std::size_t number) -> std::optional<std::uint64_t> {  // proc(5) numbering
    if (number < 3 || number - 3 >= fields.size()) return std::nullopt;
    return to_u64(fields[number - 3]);
  };
  const auto utime = field(14), stime = field(15), start = field(22), vsize = field(23), rss = field(24);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return ProcStat{*utime, *stime, *start, *vsize, *rss};
}

ProcessStats read_process_stats() {
  ProcessStats s;
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (const auto stat = parse_proc_stat(read_file("/proc/self/stat")); stat && ticks > 0) {
    s.cpu_seconds = static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks;
    s.virtual_bytes = static_cast<double>(stat->vsize_bytes);
    if (page > 0) s.resident_bytes = static_cast<double>(stat->rss_pages) * page;
    if (const auto boot = boot_time_seconds()) s.start_time_seconds = *boot + static_cast<double>(stat->start_ticks) / ticks;
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  // Less the descriptor this listing itself holds open.
  if (!ec && fds > 0) s.open_fds = static_cast<double>(fds - 1);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) s.max_fds = static_cast<double>(limit.rlim_cur);
  return s;
}

void register_process_metrics(Registry& registry, std::string_view version) {
  registry.gauge("harbour_build_info", "Always 1; the label says which Harbour release is running.", {"version"})
      .labels({version})
      .set(1);
  // One read of /proc per scrape for all of them.
  registry.add_collector(
      {{"process_cpu_seconds_total", "User and system CPU time the process has used, in seconds.", Type::Counter, {}},
       {"process_start_time_seconds", "When the process started, in seconds since the Unix epoch.", Type::Gauge, {}},
       {"process_resident_memory_bytes", "Resident memory (RSS) of the process, in bytes.", Type::Gauge, {}},
       {"process_virtual_memory_bytes", "Virtual memory size of the process, in bytes.", Type::Gauge, {}},
       {"process_open_fds", "Open file descriptors (sockets, the database, logs).", Type::Gauge, {}},
       {"process_max_fds", "The process's limit on open file descriptors (soft RLIMIT_NOFILE).", Type::Gauge, {}}},
      [] {
        const auto s = read_process_stats();
        auto one = [](const std::optional<double>& v) {
          return v ? std::vector<Sample>{Sample{{}, *v}} : std::vector<Sample>{};
        };
        return std::vector<std::vector<Sample>>{one(s.cpu_seconds),    one(s.start_time_seconds), one(s.resident_bytes),
                                                one(s.virtual_bytes), one(s.open_fds),           one(s.max_fds)};
      });
}

}  // namespace harbour::core::metrics
