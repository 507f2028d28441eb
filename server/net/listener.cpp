#include "net/listener.hpp"

#include "core/log.hpp"
#include "net/sessions.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/strand.hpp>

#include <nlohmann/json.hpp>

namespace harbour::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Listener::Listener(asio::io_context& ioc, ServerContext& ctx, ListenerKind kind, const ReloadableTlsContext* tls)
    : ioc_(ioc), ctx_(ctx), kind_(kind), tls_(tls), acceptor_(asio::make_strand(ioc)), retry_timer_(ioc) {}

std::uint16_t Listener::bind(const core::ListenAddress& address) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address.host, ec);
  if (ec) throw std::system_error(ec, "listen address " + address.host);
  const tcp::endpoint endpoint(ip, address.port);
  const auto where = address.host + ":" + std::to_string(address.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && ip.is_v6()) acceptor_.set_option(asio::ip::v6_only(false), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + where);
  return acceptor_.local_endpoint().port();
}

void Listener::start() { do_accept(); }

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->retry_timer_.cancel();
    self->acceptor_.close(ignored);
  });
}

void Listener::do_accept() {
  // Each connection gets its own strand, so handlers of one connection never run concurrently.
  acceptor_.async_accept(asio::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open() || ctx_.stopping) return;
  if (ec) {
    // EMFILE/ENFILE/ENOBUFS: back off briefly instead of spinning on a failing accept.
    core::log::error("accept_failed", {{"error", ec.message()}});
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  boost::system::error_code ep_ec;
  const auto remote = socket.remote_endpoint(ep_ec);
  if (!ep_ec) {
    socket.set_option(tcp::no_delay(true), ep_ec);
    auto address = remote.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    ConnectionLimiter::Slot slot;
    if (!ctx_.limiter->try_acquire(address.to_string(), slot)) {
      boost::system::error_code ignored;
      socket.close(ignored);  // over the cap: refuse before spending a TLS handshake on it
    } else {
      switch (kind_) {
        // The connection's SSL object holds its own reference to this context (SSL_new), so a
        // reload that replaces it later leaves this connection's certificate as it is.
        case ListenerKind::Https: start_https_session(std::move(socket), *tls_->current(), ctx_, std::move(slot)); break;
        case ListenerKind::PlainHttp: start_http_session(std::move(socket), ctx_, std::move(slot)); break;
        case ListenerKind::Redirect: start_redirect_session(std::move(socket), ctx_, std::move(slot)); break;
      }
    }
  }
  do_accept();
}

}  // namespace harbour::net
