#pragma once
// The network front: listeners, TLS, HTTP and WebSocket sessions, graceful shutdown. This header
// is Beast-free so that main.cpp and tests compile quickly; everything Beast is behind the pimpl.
#include "core/config.hpp"
#include "core/self_signed_cert.hpp"

#include <cstdint>
#include <memory>

namespace harbour::core::metrics {
class Registry;
}
namespace harbour::http {
class App;
}
namespace harbour::live {
class Hub;
}

namespace harbour::net {

struct BoundPorts {
  std::uint16_t main = 0;      // HTTPS (or plain HTTP in plain mode)
  std::uint16_t redirect = 0;  // plain HTTP redirector, 0 when off
  std::uint16_t metrics = 0;   // plain HTTP /metrics listener (metrics.listen), 0 when off
};

class Server {
 public:
  // `tls` is ignored in plain-HTTP mode. Logs tls_certificate (subject, expiry, fingerprint).
  // `metrics_app`: what the metrics.listen listener serves (plain HTTP, its own small connection
  // cap, never TLS); nullptr, or metrics.listen empty, leaves that listener off.
  Server(const core::Config& config, const http::App& app, live::Hub& hub, const core::TlsFiles& tls,
         const http::App* metrics_app = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listener (throws std::system_error naming the address on failure).
  BoundPorts bind();
  // Runs the I/O threads until SIGINT/SIGTERM (or request_stop()) and the graceful shutdown
  // finish: stop accepting, let in-flight requests complete within limits.shutdown_grace, close
  // WebSockets with 1001.
  // SIGHUP re-reads the certificate and key into a new TLS context for new connections (open
  // ones keep theirs) and logs tls_reloaded, or tls_reload_failed and keeps the previous one.
  void run();
  // Starts the graceful shutdown from any thread.
  void request_stop();

  // Adds the network's gauges (open HTTP(S) connections and WebSockets of the main listener) to
  // `registry`. They read this server: expose them only while it exists (the metrics listener
  // is part of it).
  void register_metrics(core::metrics::Registry& registry);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace harbour::net
