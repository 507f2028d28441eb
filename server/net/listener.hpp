#pragma once
// Accepts connections on one address and starts the right session for its kind. Caps connections
// at accept (globally and per IP) and survives accept errors such as EMFILE without spinning.
#include "net/reloadable_tls_context.hpp"
#include "net/server_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

namespace harbour::net {

enum class ListenerKind { Https, PlainHttp, Redirect };

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // `tls`: where HTTPS connections take their TLS context from (the one current at accept);
  // nullptr for the other kinds.
  Listener(boost::asio::io_context& ioc, ServerContext& ctx, ListenerKind kind, const ReloadableTlsContext* tls);

  // Binds and listens; throws std::system_error naming the address.
  std::uint16_t bind(const core::ListenAddress& address);
  void start();
  void stop();  // from the I/O threads (posted by Server)

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  ServerContext& ctx_;
  ListenerKind kind_;
  const ReloadableTlsContext* tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
};

}  // namespace harbour::net
