#include "net/server.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "http/app.hpp"
#include "live/hub.hpp"
#include "net/listener.hpp"
#include "net/reloadable_tls_context.hpp"
#include "net/server_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

namespace harbour::net {

namespace asio = boost::asio;

// The metrics listener is for one scraper or two (Prometheus keeps one keep-alive connection per
// target): a small cap of its own, so it can neither exhaust the main listener's nor be exhausted
// by it.
constexpr std::size_t kMetricsMaxConnections = 16;
constexpr std::size_t kMetricsMaxConnectionsPerIp = 8;

struct Server::Impl {
  Impl(const core::Config& config, const http::App& app, live::Hub& hub)
      : ctx(config, app, hub, std::make_shared<ConnectionLimiter>(config.limits.max_connections, config.limits.max_connections_per_ip)),
        ioc(static_cast<int>(config.io_threads)),
        // SIGHUP: re-read the certificate (`systemctl reload`, a renewal hook), never an exit.
        signals(ioc, SIGINT, SIGTERM, SIGHUP),
        heartbeat(ioc),
        drain_timer(ioc) {}

  // Declared before the io_context: destroying the io_context destroys pending handlers and so the
  // sessions they hold, whose destructors still use ctx.
  ServerContext ctx;
  // The metrics listener's sessions: their own app, limiter and registry (null when it is off).
  std::unique_ptr<ServerContext> metrics_ctx;
  std::optional<ReloadableTlsContext> tls;
  asio::io_context ioc;
  std::vector<std::shared_ptr<Listener>> listeners;
  asio::signal_set signals;
  asio::steady_timer heartbeat;
  asio::steady_timer drain_timer;
  std::chrono::steady_clock::time_point drain_deadline;
  std::uint64_t heartbeat_seq = 0;

  void schedule_heartbeat() {
    heartbeat.expires_after(ctx.config.heartbeat_interval);
    heartbeat.async_wait([this](boost::system::error_code ec) {
      if (ec || ctx.stopping) return;
      const nlohmann::json event = {{"type", "heartbeat"}, {"seq", ++heartbeat_seq},
                                    {"server_time", core::format_utc(std::chrono::system_clock::now())}};
      ctx.hub.publish("heartbeat", live::make_payload(event.dump()));
      schedule_heartbeat();
    });
  }

  void wait_for_signal() {
    signals.async_wait([this](boost::system::error_code ec, int signo) {
      if (ec) return;  // cancelled by the shutdown
      if (signo == SIGHUP) {
        reload_tls();
        wait_for_signal();
        return;
      }
      begin_shutdown(signo == SIGTERM ? "SIGTERM" : "SIGINT");
    });
  }

  // New connections get the re-read certificate; open ones keep theirs. A file that cannot be
  // used leaves the previous certificate in service: a bad renewal never stops the server.
  void reload_tls() {
    if (!tls) {
      core::log::info("tls_reload_skipped", {{"reason", "plain HTTP: no certificate to reload"}});
      return;
    }
    const auto cert = std::filesystem::absolute(tls->cert_path()).string();
    try {
      const auto s = tls->reload();
      core::log::info("tls_reloaded", {{"cert", cert}, {"subject", s.subject}, {"not_after", s.not_after},
                                       {"days_left", s.days_left}, {"sha256", s.sha256}});
    } catch (const std::exception& e) {
      nlohmann::json fields = {{"cert", cert}, {"error", e.what()}, {"serving", "the previous certificate"}};
      try {
        const auto s = describe_certificate(*tls->current());
        fields["not_after"] = s.not_after;
        fields["sha256"] = s.sha256;
      } catch (const std::exception&) {
      }
      core::log::error("tls_reload_failed", fields);
    }
  }

  void begin_shutdown(const char* why) {
    if (ctx.stopping.exchange(true)) return;
    core::log::info("shutdown_started", {{"reason", why}, {"open_sessions", ctx.registry.size()}});
    signals.cancel();
    heartbeat.cancel();
    for (auto& l : listeners) l->stop();
    ctx.registry.shutdown_all();
    if (metrics_ctx) {
      metrics_ctx->stopping = true;
      metrics_ctx->registry.shutdown_all();
    }
    drain_deadline = std::chrono::steady_clock::now() + ctx.config.limits.shutdown_grace;
    wait_for_drain();
  }

  std::size_t open_sessions() const { return ctx.registry.size() + (metrics_ctx ? metrics_ctx->registry.size() : 0); }

  // Polls until every session (of both contexts) has ended or the grace period is over, then
  // stops the loop.
  void wait_for_drain() {
    if (open_sessions() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
      core::log::info("shutdown_drained", {{"open_sessions", open_sessions()}});
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(25));
    drain_timer.async_wait([this](boost::system::error_code) { wait_for_drain(); });
  }
};

Server::Server(const core::Config& config, const http::App& app, live::Hub& hub, const core::TlsFiles& tls,
               const http::App* metrics_app)
    : impl_(std::make_unique<Impl>(config, app, hub)) {
  if (metrics_app != nullptr && config.metrics_listen) {
    impl_->metrics_ctx = std::make_unique<ServerContext>(
        config, *metrics_app, hub, std::make_shared<ConnectionLimiter>(kMetricsMaxConnections, kMetricsMaxConnectionsPerIp));
  }
  if (!config.plain_http) {
    impl_->tls.emplace(tls.cert, tls.key);
    const auto s = describe_certificate(*impl_->tls->current());
    core::log::info("tls_certificate", {{"cert", std::filesystem::absolute(tls.cert).string()}, {"subject", s.subject},
                                        {"not_after", s.not_after}, {"days_left", s.days_left}, {"sha256", s.sha256}});
  }
}

Server::~Server() = default;

BoundPorts Server::bind() {
  auto& c = impl_->ctx.config;
  BoundPorts ports;
  const auto kind = c.plain_http ? ListenerKind::PlainHttp : ListenerKind::Https;
  auto main = std::make_shared<Listener>(impl_->ioc, impl_->ctx, kind, impl_->tls ? &*impl_->tls : nullptr);
  ports.main = main->bind(c.listen);
  impl_->ctx.https_port = ports.main;
  impl_->listeners.push_back(main);
  if (c.redirect_listen) {
    auto redirect = std::make_shared<Listener>(impl_->ioc, impl_->ctx, ListenerKind::Redirect, nullptr);
    ports.redirect = redirect->bind(*c.redirect_listen);
    impl_->listeners.push_back(redirect);
  }
  if (impl_->metrics_ctx) {
    // Plain HTTP whatever the main listener speaks: an internal, management-only interface.
    auto metrics = std::make_shared<Listener>(impl_->ioc, *impl_->metrics_ctx, ListenerKind::PlainHttp, nullptr);
    ports.metrics = metrics->bind(*c.metrics_listen);
    impl_->listeners.push_back(metrics);
  }
  return ports;
}

void Server::register_metrics(core::metrics::Registry& registry) {
  const ServerContext* ctx = &impl_->ctx;
  registry.add_collector({{"harbour_open_connections",
                           "Open connections of the main listener: http (HTTPS or plain HTTP sessions, from accept, TLS "
                           "handshake included) and websocket.",
                           core::metrics::Type::Gauge,
                           {"kind"}}},
                         [ctx] {
                           return std::vector<std::vector<core::metrics::Sample>>{
                               {{{"http"}, static_cast<double>(ctx->open_http.load(std::memory_order_relaxed))},
                                {{"websocket"}, static_cast<double>(ctx->open_websockets.load(std::memory_order_relaxed))}}};
                         });
}

void Server::run() {
  auto& impl = *impl_;
  impl.wait_for_signal();
  for (auto& l : impl.listeners) l->start();
  impl.schedule_heartbeat();

  std::vector<std::thread> extra;
  for (unsigned i = 1; i < impl.ctx.config.io_threads; ++i) extra.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& t : extra) t.join();
}

void Server::request_stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_shutdown("requested"); });
}

}  // namespace harbour::net
