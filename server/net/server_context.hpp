#pragma once
// What every session shares: configuration, the HTTP app, the live hub, limits and the registry.
// Owned by Server::Impl, which outlives every session.
#include "core/config.hpp"
#include "net/connection_limiter.hpp"
#include "net/session_registry.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace harbour::http {
class App;
}
namespace harbour::live {
class Hub;
}

namespace harbour::net {

struct ServerContext {
  ServerContext(const core::Config& c, const http::App& a, live::Hub& h, std::shared_ptr<ConnectionLimiter> l)
      : config(c), app(a), hub(h), limiter(std::move(l)) {}

  const core::Config& config;
  const http::App& app;
  live::Hub& hub;
  std::shared_ptr<ConnectionLimiter> limiter;
  SessionRegistry registry;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint16_t> https_port{0};  // for redirects
  std::atomic<std::uint64_t> next_socket_id{1};
  // Open sessions of each kind, for the open-connections gauges of /metrics. An HTTP session
  // counts from accept (TLS handshake included) until it closes or becomes a WebSocket.
  std::atomic<std::int64_t> open_http{0};
  std::atomic<std::int64_t> open_websockets{0};
};

// Holds one count of an open session for as long as the session lives.
class OpenCount {
 public:
  explicit OpenCount(std::atomic<std::int64_t>& count) noexcept : count_(count) { count_.fetch_add(1, std::memory_order_relaxed); }
  ~OpenCount() { count_.fetch_sub(1, std::memory_order_relaxed); }
  OpenCount(const OpenCount&) = delete;
  OpenCount& operator=(const OpenCount&) = delete;

 private:
  std::atomic<std::int64_t>& count_;
};

}  // namespace harbour::net
