#include "core/clock.hpp"

#include <ctime>

namespace harbour::core {

std::string format_utc(std::chrono::system_clock::time_point t) {
  // g++ 12 has no std::format; gmtime_r + strftime is exact and allocation-free.
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

}  // namespace harbour::core
