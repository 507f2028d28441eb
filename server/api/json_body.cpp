#include "api/json_body.hpp"

#include "core/app_error.hpp"

#include <array>

namespace harbour::api {
namespace {

using core::AppError;
using core::ErrorKind;

constexpr int kMaxDepth = 8;
// The widest object any route reads has about twenty fields; none is a map keyed by the client.
constexpr std::size_t kMaxFields = 256;

AppError invalid(std::string_view field, const std::string& message) {
  return AppError(ErrorKind::BadRequest, "invalid_field", "'" + std::string(field) + "': " + message);
}

}  // namespace

JsonBody::JsonBody(const http::Request& request) {
  const auto type = request.headers.get("Content-Type");
  if (!type || !(type->starts_with("application/json"))) {
    throw AppError(ErrorKind::UnsupportedMediaType, "json_required", "Send the request body as application/json.");
  }
  // nlohmann's lexer refuses invalid UTF-8 (RFC 3629) in strings. Its parser keeps its own stack
  // (no recursion), and the callback ends the parse at the first value nested too deeply or the
  // first field over an object's bound: the AppError leaves json::parse at once, so a hostile body
  // (100,000 '[' or 10,000 keys) costs no more than reading up to that point.
  std::array<std::size_t, kMaxDepth + 2> fields{};  // per open object, indexed by its keys' depth
  auto cb = [&fields](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (depth > kMaxDepth) throw AppError(ErrorKind::BadRequest, "json_too_deep", "The JSON body is nested too deeply.");
    const auto d = static_cast<std::size_t>(depth);
    if (event == nlohmann::json::parse_event_t::object_start) {
      fields[d + 1] = 0;  // its keys arrive at depth + 1
    } else if (event == nlohmann::json::parse_event_t::key && ++fields[d] > kMaxFields) {
      throw AppError(ErrorKind::BadRequest, "json_too_many_fields", "A JSON object in the body has too many fields.");
    }
    return true;
  };
  try {
    body_ = nlohmann::json::parse(request.body, cb);
  } catch (const nlohmann::json::exception&) {
    throw AppError(ErrorKind::BadRequest, "invalid_json", "The request body is not valid JSON.");
  }
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
