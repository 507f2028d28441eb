// WebSocket over TLS (wss): the TLS instantiation of WsSession (its own TU for parallel builds).
#include "net/ws_session_impl.hpp"

namespace harbour::net {

void start_wss_session(TlsStream stream, UpgradeRequest request, ServerContext& ctx, ConnectionLimiter::Slot slot,
                       WsIdentity who) {
  std::make_shared<WsSession<TlsStream>>(std::move(stream), ctx, std::move(slot), who)->start(std::move(request));
}

}  // namespace harbour::net
