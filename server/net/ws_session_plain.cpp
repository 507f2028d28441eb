// WebSocket over plain TCP (only in server.plain_http mode behind a trusted proxy).
#include "net/ws_session_impl.hpp"

namespace harbour::net {

void start_ws_session(PlainStream stream, UpgradeRequest request, ServerContext& ctx, ConnectionLimiter::Slot slot,
                      WsIdentity who) {
  std::make_shared<WsSession<PlainStream>>(std::move(stream), ctx, std::move(slot), who)->start(std::move(request));
}

}  // namespace harbour::net
