#pragma once
// Path and query parameters that are numbers: validated, with stable error codes.
#include "http/request.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace harbour::api {

// A positive id from a path parameter; anything else is 404 not_found (no such thing here).
std::int64_t id_param(const http::Request& req, std::string_view name);

// A whole-number query parameter in [min, max], or nullopt when absent (400 invalid_query).
std::optional<std::int64_t> int_query(const http::Request& req, std::string_view name, std::int64_t min, std::int64_t max);

}  // namespace harbour::api
