#include "api/routes.hpp"

#include "api/error_mapper.hpp"

namespace harbour::api {

http::Router build_router() {
  http::Router router;
  add_health_routes(router);
  add_network_routes(router);
  return router;
}

std::vector<http::Middleware> build_middleware(bool tls) {
  return {
      http::request_id_middleware,
      http::access_log_middleware,
      http::security_headers_middleware({.hsts = tls}),
      error_mapper_middleware,
  };
}

}  // namespace harbour::api
