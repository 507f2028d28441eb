#pragma once
// Who is calling, and may they change anything: resolves the client IP (trusting X-Forwarded-For
// only from the configured proxy), the session cookie to a Principal, and enforces CSRF rules on
// every unsafe method: same-origin Origin / Sec-Fetch-Site, and the session's X-CSRF-Token.
#include "http/middleware.hpp"

#include <string>

namespace harbour::api {

// The client address: the socket's, or the last X-Forwarded-For hop when the socket is the proxy.
std::string client_ip(const http::Request& request, const std::string& trusted_proxy);

// Whether an unsafe request comes from this site: Sec-Fetch-Site, when sent, is same-origin or
// none, and Origin, when sent, is this Host over this request's scheme (https over TLS).
bool from_this_site(const http::Request& request);

http::Response session_middleware(http::Request& request, http::Context& context, const http::Next& next);

}  // namespace harbour::api
