// Plain-HTTP sessions (only in server.plain_http mode behind a trusted proxy).
#include "net/http_session_impl.hpp"

namespace harbour::net {

void start_http_session(asio::ip::tcp::socket socket, ServerContext& ctx, ConnectionLimiter::Slot slot) {
  std::make_shared<HttpSession<PlainStream>>(ctx, std::move(slot), std::move(socket))->start();
}

}  // namespace harbour::net
