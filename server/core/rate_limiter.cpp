#include "core/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace harbour::core {

std::chrono::seconds RateLimiter::take(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= max_keys_) prune(now);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * per_second_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::chrono::seconds(0);
  }
  const double wait = (1.0 - b.tokens) / per_second_;
  return std::chrono::seconds(static_cast<std::int64_t>(std::ceil(wait)));
}

void RateLimiter::prune(std::chrono::steady_clock::time_point now) {
  // Full buckets carry no information: forget them first.
  std::erase_if(buckets_, [&](const auto& kv) {
    const double elapsed = std::chrono::duration<double>(now - kv.second.updated).count();
    return kv.second.tokens + elapsed * per_second_ >= burst_;
  });
  if (buckets_.size() >= max_keys_) buckets_.clear();  // under a flood, fail open rather than grow
}

}  // namespace harbour::core
