#include "api/routes.hpp"

namespace harbour::api {

void add_post_routes(http::Router&) {}

}  // namespace harbour::api
