#pragma once
// The middleware chain around every request: each link may act before and after the rest of the
// chain. The standard links live here; the JSON error mapper lives in api/ because it knows the
// service and storage error types.
#include "http/context.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

#include <functional>
#include <vector>

namespace harbour::http {

using Next = std::function<Response(Request&, Context&)>;
using Middleware = std::function<Response(Request&, Context&, const Next&)>;

// Runs `request` through `chain` and finally `endpoint`.
Response run_chain(const std::vector<Middleware>& chain, const Next& endpoint, Request& request, Context& context);

// Assigns a fresh request id and echoes it as X-Request-Id.
Response request_id_middleware(Request& request, Context& context, const Next& next);

struct SecurityHeaderOptions {
  bool hsts = true;  // only when served over TLS
};
// Security headers on every response, errors included (DESIGN.md §6).
Middleware security_headers_middleware(SecurityHeaderOptions options);
void apply_security_headers(Response& response, const SecurityHeaderOptions& options);

// One JSON line per request: id, method, path (never the query: it may hold tokens), status,
// bytes and duration. No bodies, no cookies.
Response access_log_middleware(Request& request, Context& context, const Next& next);

}  // namespace harbour::http
