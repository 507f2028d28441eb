#include "api/json_body.hpp"

#include "core/app_error.hpp"

namespace harbour::api {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr int kMaxDepth = 8;

AppError invalid(std::string_view field, const std::string& message) {
  return AppError(ErrorKind::BadRequest, "invalid_field", "'" + std::string(field) + "': " + message);
}

}  // namespace

JsonBody::JsonBody(const http::Request& request) {
  const auto type = request.headers.get("Content-Type");
  if (!type || !(type->starts_with("application/json"))) {
    throw AppError(ErrorKind::UnsupportedMediaType, "json_required", "Send the request body as application/json.");
  }
  // nlohmann's lexer refuses invalid UTF-8 (RFC 3629) in strings; the callback bounds nesting
  // before a deep document costs much.
  int depth = 0;
  bool too_deep = false;
  auto cb = [&](int d, nlohmann::json::parse_event_t, nlohmann::json&) {
    depth = d;
    if (d > kMaxDepth) too_deep = true;
    return !too_deep;
  };
  try {
    body_ = nlohmann::json::parse(request.body, cb);
  } catch (const nlohmann::json::exception&) {
    throw AppError(ErrorKind::BadRequest, too_deep ? "json_too_deep" : "invalid_json",
                   too_deep ? "The JSON body is nested too deeply." : "The request body is not valid JSON.");
  }
  (void)depth;
  if (too_deep) throw AppError(ErrorKind::BadRequest, "json_too_deep", "The JSON body is nested too deeply.");
  if (!body_.is_object()) throw AppError(ErrorKind::BadRequest, "invalid_json", "The request body must be a JSON object.");
}

std::optional<std::string> JsonBody::optional_string(std::string_view field, std::size_t max_bytes) const {
  const auto it = body_.find(field);
  if (it == body_.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw invalid(field, "expected text");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) throw invalid(field, "too long (at most " + std::to_string(max_bytes) + " bytes)");
  return s;
}

std::string JsonBody::string(std::string_view field, std::size_t max_bytes) const {
  auto s = optional_string(field, max_bytes);
  if (!s) throw AppError(ErrorKind::BadRequest, "missing_field", "'" + std::string(field) + "' is required.");
  return *s;
}

std::optional<std::int64_t> JsonBody::optional_integer(std::string_view field, std::int64_t min, std::int64_t max) const {
  const auto it = body_.find(field);
  if (it == body_.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw invalid(field, "expected a whole number");
  const auto v = it->get<std::int64_t>();
  if (v < min || v > max) throw invalid(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return v;
}

std::int64_t JsonBody::integer(std::string_view field, std::int64_t min, std::int64_t max) const {
  auto v = optional_integer(field, min, max);
  if (!v) throw AppError(ErrorKind::BadRequest, "missing_field", "'" + std::string(field) + "' is required.");
  return *v;
}

std::optional<bool> JsonBody::optional_bool(std::string_view field) const {
  const auto it = body_.find(field);
  if (it == body_.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw invalid(field, "expected true or false");
  return it->get<bool>();
}

std::vector<std::string> JsonBody::string_list(std::string_view field, std::size_t max_items, std::size_t max_bytes) const {
  std::vector<std::string> out;
  const auto it = body_.find(field);
  if (it == body_.end() || it->is_null()) return out;
  if (!it->is_array()) throw invalid(field, "expected a list of text");
  if (it->size() > max_items) throw invalid(field, "at most " + std::to_string(max_items) + " items");
  for (const auto& item : *it) {
    if (!item.is_string()) throw invalid(field, "expected a list of text");
    const auto& s = item.get_ref<const std::string&>();
    if (s.size() > max_bytes) throw invalid(field, "an item is too long");
    out.push_back(s);
  }
  return out;
}

bool JsonBody::has(std::string_view field) const { return body_.contains(field); }

}  // namespace harbour::api
