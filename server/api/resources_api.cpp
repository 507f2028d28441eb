#include "api/routes.hpp"

namespace harbour::api {

void add_resource_routes(http::Router&) {}

}  // namespace harbour::api
