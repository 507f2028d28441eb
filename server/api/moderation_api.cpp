#include "api/routes.hpp"

namespace harbour::api {

void add_moderation_routes(http::Router&) {}

}  // namespace harbour::api
