#include "api/routes.hpp"

namespace harbour::api {

void add_notification_routes(http::Router&) {}

}  // namespace harbour::api
