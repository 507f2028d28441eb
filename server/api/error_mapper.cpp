#include "api/error_mapper.hpp"

#include "core/log.hpp"
#include "store/db_error.hpp"

#include <nlohmann/json.hpp>

namespace harbour::api {

int status_for(core::ErrorKind kind) noexcept {
  using K = core::ErrorKind;
  switch (kind) {
    case K::BadRequest: return 400;
    case K::Unauthenticated: return 401;
    case K::Forbidden: return 403;
    case K::NotFound: return 404;
    case K::Conflict: return 409;
    case K::PayloadTooLarge: return 413;
    case K::UnsupportedMediaType: return 415;
    case K::RateLimited: return 429;
    case K::Unavailable: return 503;
    case K::Internal: return 500;
  }
  return 500;
}

http::Response error_mapper_middleware(http::Request& request, http::Context& context, const http::Next& next) {
  try {
    return next(request, context);
  } catch (const core::AppError& e) {
    auto r = http::error_response(status_for(e.kind()), e.code(), e.what());
    if (e.kind() == core::ErrorKind::RateLimited) {
      r.headers.set("Retry-After", e.retry_after().count() > 0 ? std::to_string(e.retry_after().count()) : "60");
    }
    if (e.kind() == core::ErrorKind::Unavailable) r.headers.set("Retry-After", "5");
    return r;
  } catch (const nlohmann::json::exception& e) {
    // A handler read a field of the wrong type: the client's input, not our fault.
    return http::error_response(400, "invalid_json", "The request body is not the JSON this address expects.");
  } catch (const store::DbError& e) {
    core::log::error("storage_error", {{"rid", request.request_id}, {"code", e.code()}, {"detail", e.what()}});
    if (e.is_full() || e.is_busy()) {
      http::Response r = http::error_response(503, "storage_unavailable",
                                              "We could not save that just now. Nothing was changed; please try again shortly.");
      r.headers.set("Retry-After", "5");
      return r;
    }
    return http::error_response(500, "internal_error", "Something went wrong on our side. Nothing was changed.");
  } catch (const std::exception& e) {
    core::log::error("unhandled_error", {{"rid", request.request_id}, {"detail", e.what()}});
    return http::error_response(500, "internal_error", "Something went wrong on our side. Nothing was changed.");
  }
}

}  // namespace harbour::api
