#pragma once
// Caps open connections in all and per client IP. A slot is taken at accept and given back when
// the last session holding it (HTTP, then perhaps WebSocket) ends.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace harbour::net {

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  ConnectionLimiter(std::size_t max_total, std::size_t max_per_ip) : max_total_(max_total), max_per_ip_(max_per_ip) {}

  class Slot {
   public:
    Slot() = default;
    Slot(std::shared_ptr<ConnectionLimiter> owner, std::string ip) : owner_(std::move(owner)), ip_(std::move(ip)) {}
    Slot(Slot&&) noexcept = default;
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) { release(); owner_ = std::move(other.owner_); ip_ = std::move(other.ip_); }
      return *this;
    }
    ~Slot() { release(); }
    const std::string& ip() const noexcept { return ip_; }

   private:
    void release() noexcept {
      if (owner_) owner_->release(ip_);
      owner_.reset();
    }
    std::shared_ptr<ConnectionLimiter> owner_;
    std::string ip_;
  };

  // Empty optional-like Slot (no owner) when a cap is reached.
  bool try_acquire(const std::string& ip, Slot& out);
  std::size_t open() const;

 private:
  void release(const std::string& ip) noexcept;

  mutable std::mutex mutex_;
  std::size_t max_total_;
  std::size_t max_per_ip_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

}  // namespace harbour::net
