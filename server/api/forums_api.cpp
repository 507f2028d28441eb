#include "api/routes.hpp"

namespace harbour::api {

void add_forum_routes(http::Router&) {}

}  // namespace harbour::api
