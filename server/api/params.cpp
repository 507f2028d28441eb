#include "api/params.hpp"

#include "core/app_error.hpp"

#include <charconv>
#include <string>

namespace harbour::api {

std::int64_t id_param(const http::Request& req, std::string_view name) {
  const auto text = req.param(name);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v <= 0) {
    throw core::AppError(core::ErrorKind::NotFound, "not_found", "There is nothing at this address.");
  }
  return v;
}

// A whole-number query parameter in [min, max], or nullopt when absent.
std::optional<std::int64_t> int_query(const http::Request& req, std::string_view name, std::int64_t min, std::int64_t max) {
  const auto text = req.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || p != text->data() + text->size() || v < min || v > max) {
    throw core::AppError(core::ErrorKind::BadRequest, "invalid_query",
                         "'" + std::string(name) + "' must be a whole number from " + std::to_string(min) + " to " +
                             std::to_string(max) + ".");
  }
  return v;
}

}  // namespace harbour::api
