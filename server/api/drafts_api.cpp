#include "api/routes.hpp"

namespace harbour::api {

void add_draft_routes(http::Router&) {}

}  // namespace harbour::api
