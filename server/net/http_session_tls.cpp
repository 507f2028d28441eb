// HTTPS sessions: the TLS instantiation of HttpSession (its own TU for parallel builds).
#include "net/http_session_impl.hpp"

namespace harbour::net {

void start_https_session(asio::ip::tcp::socket socket, asio::ssl::context& tls, ServerContext& ctx,
                         ConnectionLimiter::Slot slot) {
  std::make_shared<HttpSession<TlsStream>>(ctx, std::move(slot), std::move(socket), tls)->start();
}

}  // namespace harbour::net
