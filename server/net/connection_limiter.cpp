#include "net/connection_limiter.hpp"

namespace harbour::net {

bool ConnectionLimiter::try_acquire(const std::string& ip, Slot& out) {
  {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) return false;
    auto& n = per_ip_[ip];
    if (n >= max_per_ip_) return false;
    ++n;
    ++total_;
  }
  out = Slot(shared_from_this(), ip);
  return true;
}

std::size_t ConnectionLimiter::open() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void ConnectionLimiter::release(const std::string& ip) noexcept {
  std::lock_guard lock(mutex_);
  if (total_ > 0) --total_;
  auto it = per_ip_.find(ip);
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
}

}  // namespace harbour::net
