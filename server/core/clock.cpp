#include "core/clock.hpp"

#include <cstdio>
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

std::string format_utc_ms(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::string s = format_utc(t);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms < 0 ? ms + 1000 : ms));
  s.replace(s.size() - 1, 1, frac);
  return s;
}

}  // namespace harbour::core
