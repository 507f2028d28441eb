#include "api/routes.hpp"

namespace harbour::api {

void add_search_routes(http::Router&) {}

}  // namespace harbour::api
