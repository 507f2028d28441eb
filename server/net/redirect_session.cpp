// The optional plain-HTTP port: every request gets a 308 to the same path over HTTPS, then the
// connection closes. It never serves content, so nothing private ever crosses it in clear text.
#include "net/beast_convert.hpp"
#include "net/sessions.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <optional>

namespace harbour::net {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

class RedirectSession : public std::enable_shared_from_this<RedirectSession> {
 public:
  RedirectSession(asio::ip::tcp::socket socket, ServerContext& ctx, ConnectionLimiter::Slot slot)
      : stream_(std::move(socket)), ctx_(ctx), slot_(std::move(slot)) {}

  void start() {
    parser_.header_limit(static_cast<std::uint32_t>(ctx_.config.limits.header_bytes));
    stream_.expires_after(ctx_.config.limits.header_timeout);
    bhttp::async_read_header(stream_, buffer_, parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->respond();
    });
  }

 private:
  // Host names contain letters, digits, dots, hyphens (and IPv6 brackets/colons); anything else
  // is not echoed into a Location header.
  static bool plain_host(std::string_view host) {
    return !host.empty() && host.size() <= 255 &&
           host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]:") == std::string_view::npos;
  }

  std::string location() const {
    const auto& req = parser_.get();
    std::string target(req.target());
    if (target.empty() || target.front() != '/') target = "/";
    if (!ctx_.config.public_url.empty()) return ctx_.config.public_url + target;
    std::string host(req[bhttp::field::host]);
    if (!plain_host(host)) host = ctx_.config.listen.host;
    // Strip the port of the plain listener; add the HTTPS one unless it is the default.
    if (auto close = host.rfind(']'); host.starts_with('[')) {
      host = host.substr(0, close + 1);
    } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
      host = host.substr(0, colon);
    }
    const auto port = ctx_.https_port.load();
    return "https://" + host + (port == 443 || port == 0 ? "" : ":" + std::to_string(port)) + target;
  }

  void respond() {
    response_.version(11);
    response_.result(bhttp::status::permanent_redirect);
    response_.set(bhttp::field::location, location());
    response_.set(bhttp::field::cache_control, "no-store");
    response_.keep_alive(false);
    response_.content_length(0);
    stream_.expires_after(ctx_.config.limits.write_timeout);
    bhttp::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  ServerContext& ctx_;
  ConnectionLimiter::Slot slot_;
  beast::flat_buffer buffer_;
  bhttp::request_parser<bhttp::empty_body> parser_;
  bhttp::response<bhttp::empty_body> response_;
};

}  // namespace

void start_redirect_session(asio::ip::tcp::socket socket, ServerContext& ctx, ConnectionLimiter::Slot slot) {
  std::make_shared<RedirectSession>(std::move(socket), ctx, std::move(slot))->start();
}

}  // namespace harbour::net
