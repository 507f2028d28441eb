#pragma once
// Time comes from an injectable clock so tests can move it (DESIGN.md §9): steady time for
// timeouts and rates, system time for what is recorded.
#include <chrono>
#include <string>

namespace harbour::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point system_now() const = 0;
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class RealClock final : public Clock {
 public:
  std::chrono::system_clock::time_point system_now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

// RFC 3339 UTC with seconds, e.g. "2026-11-23T19:00:00Z".
std::string format_utc(std::chrono::system_clock::time_point t);
// With milliseconds, e.g. "2026-11-23T19:00:00.123Z": the form stored in the database (it sorts).
std::string format_utc_ms(std::chrono::system_clock::time_point t);

}  // namespace harbour::core
