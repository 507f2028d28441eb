#pragma once
// What a service records about the request (client address, time), taken from the context.
#include "http/context.hpp"
#include "services/request_meta.hpp"
#include "services/services.hpp"

namespace harbour::api {

inline services::RequestMeta meta_of(const http::Context& ctx) { return {ctx.client_ip, ctx.svc().clock().system_now()}; }

}  // namespace harbour::api
