#pragma once
// Turns whatever a handler throws into {"error":{"code","message"}} with the right status.
// Nothing internal (SQL, paths, exception text of unknown errors) ever reaches the client.
#include "http/middleware.hpp"

#include "core/app_error.hpp"

namespace harbour::api {

int status_for(core::ErrorKind kind) noexcept;

http::Response error_mapper_middleware(http::Request& request, http::Context& context, const http::Next& next);

}  // namespace harbour::api
