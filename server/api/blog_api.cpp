#include "api/routes.hpp"

namespace harbour::api {

void add_blog_routes(http::Router&) {}

}  // namespace harbour::api
