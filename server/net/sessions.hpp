#pragma once
// Entry points that create sessions. Each template is instantiated in its own .cpp file (plain
// and TLS apart) so the heavy Beast translation units build in parallel (DESIGN.md §10).
#include "net/connection_limiter.hpp"
#include "net/server_context.hpp"
#include "net/tls_socket_stream.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace harbour::net {

// TLS over the socket itself, with no copy buffers of its own (tls_socket_stream.hpp).
using TlsStream = TlsSocketStream;
using PlainStream = boost::beast::tcp_stream;
using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

void start_https_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                         ServerContext& ctx, ConnectionLimiter::Slot slot);
void start_http_session(boost::asio::ip::tcp::socket socket, ServerContext& ctx, ConnectionLimiter::Slot slot);
void start_redirect_session(boost::asio::ip::tcp::socket socket, ServerContext& ctx, ConnectionLimiter::Slot slot);

// Who a WebSocket belongs to (checked before the upgrade is accepted).
struct WsIdentity {
  std::int64_t user_id = 0;
  std::int64_t session_id = 0;
  std::chrono::seconds lifetime{0};  // until the session's absolute expiry; the socket closes then
  // More hub topics the person may hear (e.g. "staff:3" for staff of network 3), decided by the
  // app's /ws route, never by the client.
  std::vector<std::string> topics;
  // When set, an API path (GET) whose JSON answer the socket sends first, once subscribed: what
  // the client missed (the Wall's resume). Live frames wait meanwhile; those it already holds
  // (an "event_id" not above its "last_event_id") are dropped, so there is no gap and no duplicate.
  std::string resume_target;
};

// Take over an upgraded HTTP connection.
void start_wss_session(TlsStream stream, UpgradeRequest request, ServerContext& ctx, ConnectionLimiter::Slot slot,
                       WsIdentity who);
void start_ws_session(PlainStream stream, UpgradeRequest request, ServerContext& ctx, ConnectionLimiter::Slot slot,
                      WsIdentity who);

}  // namespace harbour::net
