#pragma once
// Token buckets keyed by a string (an IP, an account): `burst` requests at once, refilled at
// `per_minute`. In memory: limits protect this process; they are not a record of anything.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace harbour::core {

class RateLimiter {
 public:
  RateLimiter(double per_minute, double burst, std::size_t max_keys = 100'000)
      : per_second_(per_minute / 60.0), burst_(burst), max_keys_(max_keys) {}

  // Takes one token; when none is left returns the wait until the next one (> 0).
  std::chrono::seconds take(const std::string& key, std::chrono::steady_clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void prune(std::chrono::steady_clock::time_point now);

  double per_second_;
  double burst_;
  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace harbour::core
